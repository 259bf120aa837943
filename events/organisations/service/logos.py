"""An organisation's logo, checked before it is kept: a PNG must be a PNG (its signature, and Pillow reads it), an
SVG is parsed without DTDs or entities (defusedxml) and rebuilt from an allow-list of elements and attributes.

Active content is refused with a message that says what was found, never cleaned away in silence: scripts,
`foreignObject`, event handler attributes (`onload`, …), `javascript:` addresses, and references to anything
outside the file (an `href` that is not `#…`, `url(…)` that is not `url(#…)`, `@import`). What carries no risk
but is not on the allow-list (an editor's metadata, Inkscape's own attributes) is left out of the kept file.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # building and writing only; parsing goes through defusedxml
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_

MAX_LOGO_BYTES = 512 * 1024
MAX_PIXELS = 4096 * 4096
MAX_ELEMENTS = 5000
PNG = "image/png"
SVG = "image/svg+xml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

FIELD = "logo"
TOO_LARGE = N_("The logo is too large: use a file of at most 512 KB")
WRONG_TYPE = N_("Upload the logo as a PNG or SVG file")
BAD_PNG = N_("This file is not a PNG image that we can read")
BAD_SVG = N_("This file is not an SVG image that we can read")
SCRIPTED = N_("This SVG contains a script. Save the logo without scripts and upload it again")
HANDLER = N_("This SVG contains an event attribute (such as onload) that can run a script. Save the logo without it and upload it again")
JAVASCRIPT = N_("This SVG contains a javascript: address. Save the logo without it and upload it again")
EXTERNAL = N_("This SVG refers to files or addresses outside the logo. Save the logo with everything in one file and upload it again")
EMBEDDED = N_("This SVG contains a foreignObject, iframe or embedded document. Save the logo as plain shapes and upload it again")

ALLOWED_ELEMENTS = frozenset(
    "svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath title desc "
    "linearGradient radialGradient stop clipPath mask pattern marker filter style feGaussianBlur feOffset feBlend "
    "feColorMatrix feComposite feFlood feMerge feMergeNode feMorphology feDropShadow".split()
)
ACTIVE_ELEMENTS = frozenset({"script", "handler", "listener"})
EMBEDDING_ELEMENTS = frozenset({"foreignObject", "iframe", "object", "embed", "frame", "frameset", "applet", "audio", "video"})
ANIMATION_ELEMENTS = frozenset({"animate", "set", "animateTransform", "animateMotion", "animateColor"})
ALLOWED_ATTRIBUTES = frozenset(
    "id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height viewBox preserveAspectRatio "
    "points pathLength fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin "
    "stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color clip-path clip-rule mask "
    "filter font-family font-size font-weight font-style font-variant text-anchor dominant-baseline "
    "alignment-baseline baseline-shift letter-spacing word-spacing text-decoration offset stop-color stop-opacity "
    "gradientUnits gradientTransform spreadMethod patternUnits patternContentUnits patternTransform clipPathUnits "
    "maskUnits maskContentUnits filterUnits primitiveUnits markerWidth markerHeight markerUnits refX refY orient "
    "in in2 result stdDeviation mode operator k1 k2 k3 k4 values type flood-color flood-opacity radius dx dy "
    "rotate textLength lengthAdjust startOffset display visibility overflow vector-effect shape-rendering "
    "text-rendering image-rendering color-interpolation-filters paint-order version role aria-label aria-hidden "
    "focusable lang href xlink:href xml:space xml:lang".split()
)
TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "title", "desc"})
HREF_ATTRIBUTES = frozenset({"href", "xlink:href"})
URL_REFERENCE = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


@dataclass(frozen=True)
class CheckedLogo:
    content_type: str
    data: bytes


def refuse(message: str, status: int = 400) -> RuleViolation:
    return RuleViolation(N_("The logo could not be saved"), {FIELD: message}, status_code=status)


def checked_logo(data: bytes, filename: str = "", declared_type: str = "") -> CheckedLogo:
    """The file to keep, or RuleViolation (413 when too large, 415 when neither PNG nor SVG, 400 else)."""
    if len(data) > MAX_LOGO_BYTES:
        raise refuse(TOO_LARGE, 413)
    if not data:
        raise refuse(WRONG_TYPE, 415)
    if data.startswith(PNG_SIGNATURE):
        return CheckedLogo(PNG, checked_png(data))
    name, declared = filename.lower(), declared_type.lower()
    if name.endswith(".png") or declared == PNG:
        raise refuse(BAD_PNG)
    if name.endswith(".svg") or declared == SVG or data.lstrip()[:1] == b"<":
        return CheckedLogo(SVG, sanitised_svg(data))
    raise refuse(WRONG_TYPE, 415)


def checked_png(data: bytes) -> bytes:
    """The PNG as it came, once Pillow has read its header and checked its chunks (no decompression bombs)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_PIXELS:
                raise refuse(BAD_PNG)
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as broken:
        raise refuse(BAD_PNG) from broken
    return data


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _attribute_name(name: str) -> str:
    namespace, local = _local(name)
    if namespace == XLINK_NS:
        return f"xlink:{local}"
    if namespace == XML_NS:
        return f"xml:{local}"
    return local if namespace is None else f"{{{namespace}}}{local}"


def _check_value(value: str, href: bool) -> None:
    """Refuses javascript: anywhere, and references outside the file (hrefs, url(…), @import)."""
    compact = INVISIBLE.sub("", value).lower()
    if "javascript:" in compact or "vbscript:" in compact:
        raise refuse(JAVASCRIPT)
    if href and not value.strip().startswith("#"):
        raise refuse(EXTERNAL)
    if "@import" in compact or any(not ref.strip().startswith("#") for ref in URL_REFERENCE.findall(value)):
        raise refuse(EXTERNAL)


def _check_element(element: ET.Element) -> None:
    """Refuses the element when it is active or embeds something; checks every attribute's value."""
    _, local = _local(element.tag)
    if local in ACTIVE_ELEMENTS:
        raise refuse(SCRIPTED)
    if local in EMBEDDING_ELEMENTS or local == "image":
        raise refuse(EMBEDDED if local != "image" else EXTERNAL)
    for raw_name, value in element.attrib.items():
        name = _attribute_name(raw_name)
        if name.lower().startswith("on"):
            raise refuse(HANDLER)
        _check_value(value, href=name in HREF_ATTRIBUTES)
        if local in ANIMATION_ELEMENTS and name == "attributeName" and (value.lower().startswith("on") or "href" in value):
            raise refuse(HANDLER)
    if local == "style":
        _check_value(element.text or "", href=False)


def _rebuilt(element: ET.Element, svg_namespace: str | None) -> ET.Element | None:
    """A copy with only allowed elements (in the SVG namespace) and attributes; None for an element left out."""
    _check_element(element)
    namespace, local = _local(element.tag)
    if namespace != svg_namespace or local not in ALLOWED_ELEMENTS:
        for child in element.iter():  # what is left out is still checked: nothing active may hide in it
            _check_element(child)
        return None
    copy = ET.Element(f"{{{SVG_NS}}}{local}")
    for raw_name, value in element.attrib.items():
        name = _attribute_name(raw_name)
        if name in ALLOWED_ATTRIBUTES:
            key = {"xlink:href": f"{{{XLINK_NS}}}href", "xml:space": f"{{{XML_NS}}}space", "xml:lang": f"{{{XML_NS}}}lang"}.get(name, name)
            copy.set(key, value)
    copy.text = element.text if local in TEXT_ELEMENTS or local == "style" else None
    for child in element:
        kept = _rebuilt(child, svg_namespace)
        if kept is not None:
            kept.tail = child.tail if local in TEXT_ELEMENTS else None
            copy.append(kept)
    return copy


def sanitised_svg(data: bytes) -> bytes:
    """The SVG rebuilt from the allow-list, as UTF-8 with an XML declaration."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as broken:
        raise refuse(BAD_SVG) from broken
    namespace, local = _local(root.tag)
    if local != "svg" or namespace not in (SVG_NS, None) or sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise refuse(BAD_SVG)
    kept = _rebuilt(root, namespace)
    if kept is None:
        raise refuse(BAD_SVG)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kept, encoding="utf-8", xml_declaration=False)
