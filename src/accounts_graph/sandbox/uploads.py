"""Icon uploads: an image is recognised by its content, never by its name or type.

The declared content type of a file part is whatever the client says; the bytes
decide. Raster images are known by their magic numbers; an SVG must parse as XML
with an `<svg>` root and may neither script nor load anything, because the icon
routes serve it back to browsers.
"""

import re
import sqlite3
import xml.etree.ElementTree as ElementTree

from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.writes import MAX_ICON_BYTES, Upload, Write

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
# Declarations can define entities (billion laughs) or pull external files;
# processing instructions can attach style sheets: an icon needs neither.
_FORBIDDEN_MARKUP = re.compile(rb"<!DOCTYPE|<!ENTITY|<\?(?!xml\s)", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)|@import", re.IGNORECASE)


def image_type(upload: Upload) -> str:
    """Return the content type of an uploaded icon, recognised by its bytes.

    Raises:
        ApiProblem: 400 naming the file part when it is empty, too large or not
            an image the sandbox serves (PNG, JPEG, GIF, WebP, safe SVG).
    """
    data = upload.data
    if not data:
        raise _refuse(upload, "The file is empty.")
    if len(data) > MAX_ICON_BYTES:
        raise _refuse(upload, f"The file is larger than {MAX_ICON_BYTES // 1024} KiB.")
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    problem = _svg_problem(data)
    if problem is None:
        return "image/svg+xml"
    raise _refuse(upload, problem)


def _refuse(upload: Upload, message: str) -> ApiProblem:
    return ApiProblem(
        400, f"The {upload.field} is not accepted: {message}", {upload.field: [message]}
    )


def _svg_problem(data: bytes) -> str | None:
    """Return why `data` is not a safe SVG image, or None when it is one."""
    not_image = "The file is not a PNG, JPEG, GIF, WebP or SVG image."
    if _FORBIDDEN_MARKUP.search(data):
        return "The SVG declares a DOCTYPE, entities or processing instructions."
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError):
        # Expat refuses unknown (LookupError) and multi-byte (ValueError)
        # encodings named in the XML declaration without a ParseError.
        return not_image
    if _local(root.tag) != "svg":
        return not_image
    for element in root.iter():
        problem = _element_problem(element)
        if problem is not None:
            return problem
    return None


def _element_problem(element: ElementTree.Element) -> str | None:
    tag = _local(element.tag)
    if tag in ("script", "foreignObject"):
        return f"The SVG contains a <{tag}> element."
    for name, value in element.attrib.items():
        attribute = _local(name)
        if attribute.lower().startswith("on"):
            return f"The SVG has an event handler attribute ({attribute})."
        if attribute == "href" and not value.strip().startswith("#"):
            return "The SVG refers to an external resource."
        if attribute == "style" and _EXTERNAL_URL.search(value):
            return "The SVG style loads an external resource."
    if tag == "style" and _EXTERNAL_URL.search(element.text or ""):
        return "The SVG style loads an external resource."
    return None


def _local(name: str) -> str:
    """Strip the namespace of an XML name: `{ns}svg` → `svg`."""
    return name.rpartition("}")[2] if name.startswith("{") else name


def checked_upload(write: Write) -> str | None:
    """Return the content type of the write's icon, or None when it has none.

    Raises:
        ApiProblem: 400 when the file is not an acceptable image.
    """
    return None if write.upload is None else image_type(write.upload)


def keep_icon(
    write: Write,
    conn: sqlite3.Connection,
    collection: str,
    doc: Document,
    content_type: str | None,
) -> None:
    """Store the write's icon for `doc` and point the object's `icon` at it."""
    if write.upload is None or content_type is None:
        return
    write.store.put_icon(conn, collection, doc["id"], content_type, write.upload.data)
    doc["icon"] = f"/v1/accounts/{collection}/{doc['id']}/icon"
