"""The certificate's verification code: `C<registration id>-` and 20 base32 characters of an HMAC-SHA256 of the
registration id under the site's secret key (100 bits: not guessable, not forgeable without the key). Nothing is
stored: a code is checked by computing it again. Changing EVENTS_SECRET_KEY makes earlier codes unknown."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

MAC_LENGTH = 20
CODE = re.compile(r"^C(\d{1,12})-?([A-Z2-7]{20})$")


def _mac(registration_id: int, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"certificate:{registration_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:MAC_LENGTH]


def code_for(registration_id: int, secret_key: str) -> str:
    """The code as printed: C123-ABCDE-FGHIJ-KLMNO-PQRST."""
    mac = _mac(registration_id, secret_key)
    return f"C{registration_id}-" + "-".join(mac[i:i + 5] for i in range(0, MAC_LENGTH, 5))


def registration_id_of(code: str, secret_key: str) -> int | None:
    """The registration a code names, or None when the code is not one of ours (typed with or without dashes,
    spaces or lower case)."""
    cleaned = re.sub(r"[\s]", "", code or "").upper()
    head, _, rest = cleaned.partition("-")
    match = CODE.match(f"{head}-{rest.replace('-', '')}") if rest else None
    if match is None:
        return None
    registration_id = int(match.group(1))
    return registration_id if hmac.compare_digest(match.group(2), _mac(registration_id, secret_key)) else None
