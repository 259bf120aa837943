"""Tables of the quiz domain."""
