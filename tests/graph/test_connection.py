"""Relay arguments map to one limit/offset window."""

import pytest

from accounts_graph.graph.connection import (
    Window,
    build_connection,
    decode_cursor,
    encode_cursor,
    window,
)
from accounts_graph.graph.errors import FacadeError


def test_first_defaults_to_twenty_from_the_start() -> None:
    assert window(None, None, None, None) == Window(0, 20)


def test_first_after_continues_past_the_cursor() -> None:
    assert window(5, encode_cursor(9), None, None) == Window(10, 5)


def test_last_before_ends_before_the_cursor() -> None:
    assert window(None, None, 3, encode_cursor(10)) == Window(7, 3)


def test_last_alone_counts_from_the_end() -> None:
    assert window(None, None, 4, None) == Window(0, 4, from_end=True)


@pytest.mark.parametrize(
    ("first", "last"), [(101, None), (-1, None), (None, 101), (5, 5)]
)
def test_bad_sizes_are_bad_user_input(first: int | None, last: int | None) -> None:
    with pytest.raises(FacadeError) as raised:
        window(first, None, last, None)

    assert raised.value.extensions == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "cursor", ["garbage", encode_cursor(3)[:-2] + "!!", "b2Zmc2V0Oi0x"]
)
def test_foreign_cursors_are_bad_user_input(cursor: str) -> None:
    with pytest.raises(FacadeError):
        decode_cursor(cursor)


def test_page_info_tells_what_surrounds_the_page() -> None:
    page = build_connection(["a", "b"], offset=2, total=5)

    assert page.page_info.has_previous_page
    assert page.page_info.has_next_page
    assert decode_cursor(page.page_info.end_cursor or "") == 3
    assert page.nodes() == ["a", "b"]
