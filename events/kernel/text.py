"""What people type: e-mail addresses, and the control characters no name, title or address may carry."""

from __future__ import annotations

import re

# C0 and C1 control characters (TAB, CR and LF included) and the Unicode line and paragraph separators: in a
# mail header they split it, in a calendar line they end it, on a page they hide text.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line texts (descriptions, abstracts, bios) may keep their line breaks and tabs.
CONTROL_CHARACTERS_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(text: str, multiline: bool = False) -> bool:
    pattern = CONTROL_CHARACTERS_BUT_LINES if multiline else CONTROL_CHARACTERS
    return bool(pattern.search(text or ""))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def valid_email(email: str) -> bool:
    email = normalise_email(email)
    if len(email) > 254 or email.count("@") != 1 or has_control_characters(email):
        return False
    local, domain = email.split("@")
    return bool(local) and "." in domain and not domain.startswith(".") and not domain.endswith(".") and " " not in email
