"""Icons are recognised by decoding them: real images pass, signatures glued to
something else, oversized images and scripting SVGs do not."""

import pytest
from tests.images import GIF, JPEG, PNG, WEBP, image

from accounts_graph.platform.icons import MAX_SIDE, NotAnIcon, icon_type

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    b'<rect width="8" height="8" fill="#09f"/></svg>'
)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (SVG, "image/svg+xml"),
        (image("PNG", (MAX_SIDE, 1), noise=False), "image/png"),
    ],
)
def test_a_real_image_is_recognised(data: bytes, content_type: str) -> None:
    assert icon_type(data) == content_type


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n", "does not decode"),
        (b"GIF89a<script>alert(1)</script>", "does not decode"),
        (b"GIF89a\x01\x00\x01\x00<script>alert(1)</script>", "does not decode"),
        (b"\xff\xd8\xff\xe0" + bytes(40), "does not decode"),
        (PNG[:-20], "does not decode"),
        (JPEG[:-10], "does not decode"),
        (image("PNG", (MAX_SIDE + 1, 1), noise=False), "at most 2048 pixels"),
        (b"<html><script>alert(1)</script></html>", "not a PNG, JPEG"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "event handler"),
    ],
    ids=[
        "empty",
        "png-signature",
        "gif-script",
        "gif-script-after-size",
        "jpeg-filler",
        "truncated-png",
        "truncated-jpeg",
        "too-wide",
        "html",
        "svg-handler",
    ],
)
def test_what_is_not_an_icon_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(NotAnIcon) as refusal:
        icon_type(data)

    assert reason in str(refusal.value)
