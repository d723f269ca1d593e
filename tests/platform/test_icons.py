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


def _svg(inner: str, **root: str) -> bytes:
    attributes = "".join(f' {name}="{value}"' for name, value in root.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg"'
        f' xmlns:xlink="http://www.w3.org/1999/xlink"{attributes}>{inner}</svg>'
    ).encode()


_RECT = '<rect width="10" height="10"/>'
UNSAFE_SVGS = {
    # Animation sets an attribute to a value no attribute check sees as written.
    "set-href": _svg(
        f'<a><set attributeName="href" to="javascript:alert(1)"/>{_RECT}</a>'
    ),
    "animate-href": _svg(
        f'<a><animate attributeName="href" values="javascript:alert(1)"/>{_RECT}</a>'
    ),
    "animate-harmless": _svg(f'<animate attributeName="x" values="0;5"/>{_RECT}'),
    "animate-motion": _svg(f'<animateMotion path="M0,0 L5,5"/>{_RECT}'),
    "animate-transform": _svg(f'<animateTransform attributeName="transform"/>{_RECT}'),
    "animate-color": _svg(f'<animateColor attributeName="fill"/>{_RECT}'),
    "discard": _svg(f'<discard begin="1s"/>{_RECT}'),
    # Style sheets, even ones that look harmless or hide what they load.
    "style-escape": _svg("<style>rect{background:u\\72l(//evil.example/x)}</style>"),
    "style-plain": _svg(f"<style>rect{{fill:#09f}}</style>{_RECT}"),
    "style-attribute-escape": _svg(
        '<rect style="background:u\\72l(//evil.example/x)"/>'
    ),
    "style-attribute-url": _svg('<rect style="fill:url(//evil.example/x)"/>'),
    "style-attribute-any-escape": _svg('<text style="font-family:\\66 oo">x</text>'),
    "style-attribute-import": _svg("<rect style=\"@import 'x.css'\"/>"),
    "style-attribute-expression": _svg('<rect style="width:expression(alert(1))"/>'),
    "style-attribute-image-set": _svg(
        '<rect style="background:image-set(&quot;//evil.example/x&quot; 1x)"/>'
    ),
    "presentation-url": _svg('<rect fill="url(https://evil.example/p.svg#g)"/>'),
    "presentation-escaped-url": _svg('<rect filter="u\\72l(//evil.example/f#x)"/>'),
    # Script and data URLs in any attribute, however they are spelled.
    "javascript-in-href": _svg('<a href="javascript:alert(1)">' + _RECT + "</a>"),
    "entity-javascript": _svg(
        '<a xlink:href="&#106;avascript&#x3A;alert(1)">' + _RECT + "</a>"
    ),
    "whitespace-javascript": _svg('<a href=" java&#9;script&#10;:x">' + _RECT + "</a>"),
    "carriage-return-javascript": _svg(
        '<a href="&#13; javascript:x">' + _RECT + "</a>"
    ),
    "entity-html-javascript": _svg(
        '<a href="javascript&amp;colon;alert(1)">' + _RECT + "</a>"
    ),
    "css-escaped-javascript": _svg('<rect fill="\\6a avascript:alert(1)"/>'),
    "data-in-other-attribute": _svg(
        '<rect mask="DATA:image/svg+xml;base64,PHN2Zz4="/>'
    ),
    "vbscript": _svg('<rect class="VBScript:msgbox(1)"/>'),
    "html-element": _svg(
        '<img xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/x"/>'
    ),
    "src-attribute": _svg('<rect src="https://evil.example/x"/>'),
}


# The reason a refusal gives, by the first word of the case's name.
_REASONS = {
    "set": "contains a <set> element",
    "animate": "element",
    "discard": "contains a <discard> element",
    "style": "style",
    "presentation": "loads an external resource",
    "javascript": "script or data URL in an attribute (href)",
    "entity": "script or data URL in an attribute (href)",
    "whitespace": "script or data URL in an attribute (href)",
    "carriage": "script or data URL in an attribute (href)",
    "html": "HTML",
    "css": "script or data URL in an attribute (fill)",
    "data": "script or data URL in an attribute (mask)",
    "vbscript": "script or data URL in an attribute (class)",
    "src": "refers to an external resource",
}


@pytest.mark.parametrize("kind", sorted(UNSAFE_SVGS))
def test_an_svg_that_animates_styles_or_names_a_script_url_is_refused(
    kind: str,
) -> None:
    with pytest.raises(NotAnIcon) as refusal:
        icon_type(UNSAFE_SVGS[kind])

    assert _REASONS[kind.split("-")[0]] in str(refusal.value)


@pytest.mark.parametrize(
    "inner",
    [
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#09f"/>'
        '</linearGradient></defs><rect width="8" height="8" fill="url(#g)"/>',
        '<rect id="r" width="8" height="8" style="fill:url(#g);stroke:#000"/>'
        '<use href="#r" x="2"/>',
        "<title>Data: javascript is not a scheme here</title>" + _RECT,
    ],
    ids=["local-paint-server", "local-style-and-use", "text-content"],
)
def test_an_svg_that_refers_only_to_its_own_parts_is_accepted(inner: str) -> None:
    assert icon_type(_svg(inner)) == "image/svg+xml"
