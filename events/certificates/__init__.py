"""Certificates of attendance: the tagged PDF, its verification code and the public check."""
