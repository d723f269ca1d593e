"""Real images for upload tests, made with Pillow: icons are checked by decoding
them, so a signature followed by filler is not an image."""

import io
import secrets

from PIL import Image


def image(kind: str, size: tuple[int, int] = (4, 4), *, noise: bool = True) -> bytes:
    """Encode a small image as `kind` (PNG, JPEG, GIF, WEBP); random pixels make
    each one distinct, so a test can tell which upload was kept."""
    pixels = secrets.token_bytes(size[0] * size[1] * 3) if noise else None
    picture = (
        Image.frombytes("RGB", size, pixels)
        if pixels is not None
        else Image.new("RGB", size, (0, 153, 255))
    )
    out = io.BytesIO()
    picture.save(out, format=kind)
    return out.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
GIF = image("GIF")
WEBP = image("WEBP")
