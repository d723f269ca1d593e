"""Icon uploads: an image is recognised by its content, never by its name or type.

The declared content type of a file part is whatever the client says; decoding
the bytes decides (`platform.icons`), because the icon routes serve them back to
browsers.
"""

import sqlite3

from accounts_graph.platform.icons import NotAnIcon, icon_type
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.writes import MAX_ICON_BYTES, Upload, Write


def image_type(upload: Upload) -> str:
    """Return the content type of an uploaded icon, recognised by decoding it.

    Raises:
        ApiProblem: 400 naming the file part when it is empty, too large or not
            an image the sandbox serves (PNG, JPEG, GIF, WebP, safe SVG).
    """
    if len(upload.data) > MAX_ICON_BYTES:
        raise _refuse(upload, f"The file is larger than {MAX_ICON_BYTES // 1024} KiB.")
    try:
        return icon_type(upload.data)
    except NotAnIcon as refusal:
        raise _refuse(upload, str(refusal)) from refusal


def _refuse(upload: Upload, message: str) -> ApiProblem:
    return ApiProblem(
        400, f"The {upload.field} is not accepted: {message}", {upload.field: [message]}
    )


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
