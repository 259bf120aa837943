"""Secret tokens that travel in URLs or headers: generated with ≥128 bits, kept only as SHA-256 hashes.

A SHA-256 of a 256-bit random token is safe to store and to look up by (no need for a slow hash: the token is
not guessable the way a password is).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
