"""The primary colour of an organisation's theme, checked against WCAG 2.1 contrast (1.4.3, normal text, 4.5:1).

The colour is used in two ways, and both must reach 4.5:1:
- as text on white (links, outlined buttons) and as the background of white text (buttons, the page header) —
  one ratio, the colour against white;
- as link text on the light grey background of notices and the footer (`--soft`, #f3f5f8).
A colour failing either is refused with the ratio in the message.
"""

from __future__ import annotations

import math
import re

from events.kernel.i18n import N_, Formatted

MINIMUM_CONTRAST = 4.5
WHITE = "#ffffff"
SOFT = "#f3f5f8"  # static/css/site.css's --soft: notices and the footer
PLATFORM_PRIMARY = "#154273"  # static/css/site.css's --color-primary
HEX = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{6})$")
BAD_COLOUR = N_("Enter the colour as a hex code, for example #154273")
LOW_ON_WHITE = N_(
    "This colour has too little contrast with white (%(ratio)s:1; at least 4.5:1). Links use it as text on white, "
    "and buttons put white text on it"
)
LOW_ON_SOFT = N_(
    "This colour has too little contrast with the light grey background of notices and the footer "
    "(%(ratio)s:1; at least 4.5:1)"
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of "#rrggbb"."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shown_ratio(ratio: float) -> float:
    """Rounded down to one decimal, so that a refused colour never reads as reaching the minimum (4.49 → 4.4)."""
    return math.floor(ratio * 10) / 10


def checked_colour(value: str) -> tuple[str, str | None]:
    """The colour as "#rrggbb" in lower case ("" keeps the platform's colour), and the reason to refuse it (with
    the ratio) or None."""
    text = (value or "").strip().lower()
    if not text:
        return "", None
    found = HEX.match(text)
    if not found:
        return text, BAD_COLOUR
    digits = found[1] if len(found[1]) == 6 else "".join(c * 2 for c in found[1])
    colour = f"#{digits}"
    for background, message in ((WHITE, LOW_ON_WHITE), (SOFT, LOW_ON_SOFT)):
        ratio = contrast_ratio(colour, background)
        if ratio < MINIMUM_CONTRAST:
            return colour, Formatted(message, ratio=shown_ratio(ratio))
    return colour, None
