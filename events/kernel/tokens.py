"""Secret tokens that travel in URLs or headers: generated with ≥128 bits, kept only as SHA-256 hashes.

A SHA-256 of a 256-bit random token is safe to store and to look up by (no need for a slow hash: the token is
not guessable the way a password is).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits
# No token of ours is longer; a longer text in a URL is refused before it is hashed and looked up.
MAX_TOKEN_LENGTH = 200


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def plausible_token(token: str | None) -> bool:
    """Whether this text could be one of our tokens at all (the guard before any lookup)."""
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH
