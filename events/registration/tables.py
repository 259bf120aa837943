"""Tables of the registration domain."""
