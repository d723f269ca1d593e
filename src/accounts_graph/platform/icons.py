"""What is accepted as an icon: an image recognised by decoding it, never by its
name, declared type or first few bytes.

Raster images (PNG, JPEG, GIF, WebP) must decode with Pillow within a size an
icon needs; a signature followed by anything else (`GIF89a<script>…`) does not
decode and is refused. An SVG must parse as XML with an `<svg>` root and may
neither script, animate, carry a style sheet nor load anything; what it may
hold is checked as a browser would read it (character references, CSS escapes,
the whitespace a URL parser skips). What is served back is still sent with
`nosniff` and a sandboxing CSP, because a valid image may carry trailing bytes.
"""

import html
import io
import re
import xml.etree.ElementTree as ElementTree

from PIL import Image, UnidentifiedImageError

RASTER_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
SVG_TYPE = "image/svg+xml"
ICON_TYPES = frozenset({*RASTER_TYPES.values(), SVG_TYPE})
# Beyond any icon, and small enough that decoding one (16 MiB of RGBA at most)
# cannot exhaust memory even with many uploads at once.
MAX_SIDE = 2048
NOT_AN_IMAGE = "The file is not a PNG, JPEG, GIF, WebP or SVG image."

# Declarations can define entities (billion laughs) or pull external files;
# processing instructions can attach style sheets: an icon needs neither.
_FORBIDDEN_MARKUP = re.compile(rb"<!DOCTYPE|<!ENTITY|<\?(?!xml\s)", re.IGNORECASE)
# An icon may point at its own parts (`fill="url(#gradient)"`), nothing else;
# `image-set("…")` loads without `url(` and IE ran `expression(…)`.
_EXTERNAL_URL = re.compile(
    r"url\(\s*['\"]?(?!#)|image-set\(|@import|expression\(", re.IGNORECASE
)
# Animation can set any attribute to any value (`<set attributeName="href"
# to="javascript:…">`), out of reach of a check of the attributes as written;
# style sheets hide what they load behind CSS escapes. An icon needs neither.
_FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "foreignObject",
        "style",
        "set",
        "animate",
        "animateColor",
        "animateMotion",
        "animateTransform",
        "discard",
    }
)
# HTML elements are not drawn in an SVG, but an <img> fetches and a <script>
# runs wherever it stands.
_XHTML = "{http://www.w3.org/1999/xhtml}"
# Presentation attributes and `style` are read as CSS, where `u\72l(` is
# `url(`: values are checked as CSS reads them, and `style` (where an icon
# never needs one) may hold no escape at all.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
# What a URL parser skips before reading the scheme, or anywhere in it.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEME = re.compile(r"javascript:|data:|vbscript:")
# Only to say why a file that claims to be an image is refused: Pillow decides.
_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_UNDECODABLE = "The file starts like an image but does not decode as one."
# What Pillow raises on a file that starts like an image and then is not one.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError)


class NotAnIcon(Exception):
    """The bytes are not an acceptable icon; the message says why, for people."""


def icon_type(data: bytes) -> str:
    """Return the content type of an icon, recognised by decoding it.

    Raises:
        NotAnIcon: it is empty, does not decode as one of the accepted types, is
            larger than an icon needs, or is an SVG that scripts or loads.
    """
    if not data:
        raise NotAnIcon("The file is empty.")
    raster = _raster_type(data)
    if raster is not None:
        return raster
    problem = _svg_problem(data)
    if problem is not None:
        raise NotAnIcon(problem)
    return SVG_TYPE


def _raster_type(data: bytes) -> str | None:
    """Return the type of a raster image, None when no raster format claims it."""
    formats = list(RASTER_TYPES)
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            kind = RASTER_TYPES[str(image.format)]
            width, height = image.size
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                raise NotAnIcon(
                    f"The image is {width}x{height} pixels; an icon may be at most "
                    f"{MAX_SIDE} pixels a side."
                )
            # Checks the file's structure to its end (a PNG's chunks and their
            # checksums), which decoding the pixels alone does not.
            image.verify()
        # Decoding the pixels is what tells a real image from a signature glued
        # to something else; `verify` leaves the image unusable, so reopen it.
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
    except UnidentifiedImageError as error:
        if not data.startswith(_SIGNATURES) and data[8:12] != b"WEBP":
            return None
        raise NotAnIcon(_UNDECODABLE) from error
    except Image.DecompressionBombError as error:
        raise NotAnIcon("The image is too large to decode.") from error
    except _DECODE_ERRORS as error:
        raise NotAnIcon(_UNDECODABLE) from error
    return kind


def _svg_problem(data: bytes) -> str | None:
    """Return why `data` is not a safe SVG image, or None when it is one."""
    if _FORBIDDEN_MARKUP.search(data):
        return "The SVG declares a DOCTYPE, entities or processing instructions."
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError):
        # Expat refuses unknown (LookupError) and multi-byte (ValueError)
        # encodings named in the XML declaration without a ParseError.
        return NOT_AN_IMAGE
    if _local(root.tag) != "svg":
        return NOT_AN_IMAGE
    for element in root.iter():
        problem = _element_problem(element)
        if problem is not None:
            return problem
    return None


def _element_problem(element: ElementTree.Element) -> str | None:
    tag = _local(element.tag)
    if tag in _FORBIDDEN_ELEMENTS:
        return f"The SVG contains a <{tag}> element."
    if element.tag.startswith(_XHTML):
        return f"The SVG contains an HTML <{tag}> element."
    for name, value in element.attrib.items():
        problem = _attribute_problem(_local(name), value)
        if problem is not None:
            return problem
    return None


def _attribute_problem(attribute: str, value: str) -> str | None:
    if attribute.lower().startswith("on"):
        return f"The SVG has an event handler attribute ({attribute})."
    decoded = _CSS_ESCAPE.sub(_unescape_css, html.unescape(value))
    if _SCRIPT_SCHEME.search(_IGNORED_IN_URLS.sub("", decoded).lower()):
        return f"The SVG has a script or data URL in an attribute ({attribute})."
    if attribute in ("href", "src") and not value.strip().startswith("#"):
        return "The SVG refers to an external resource."
    if _EXTERNAL_URL.search(decoded):
        return f"The SVG loads an external resource ({attribute})."
    if attribute == "style" and "\\" in value:
        return "The SVG style has a CSS escape."
    return None


def _unescape_css(match: re.Match[str]) -> str:
    """Read one CSS escape (`\\72 ` or `\\r`) as the character it stands for."""
    code, literal = match.groups()
    if code is None:
        return literal
    point = int(code, 16)
    return chr(point) if 0 < point <= 0x10FFFF else "\ufffd"


def _local(name: str) -> str:
    """Strip the namespace of an XML name: `{ns}svg` → `svg`."""
    return name.rpartition("}")[2] if name.startswith("{") else name
