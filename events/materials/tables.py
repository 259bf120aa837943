"""Tables of the materials domain."""
