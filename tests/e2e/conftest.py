"""Fixtures of the end-to-end tests that count what reaches the Accounts API."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.facades import RequestCounter, counting, facade


@pytest.fixture(scope="module")
def counted(sandbox_app: Any) -> Iterator[tuple[RequestCounter, str]]:
    """The session's sandbox behind a request counter, on its own port."""
    with counting(sandbox_app) as pair:
        yield pair


@pytest.fixture(scope="module")
def counter(counted: tuple[RequestCounter, str]) -> RequestCounter:
    return counted[0]


@pytest.fixture(scope="module")
def http(counted: tuple[RequestCounter, str]) -> Iterator[httpx.Client]:
    """A facade with the default limits over the counted sandbox."""
    with facade(counted[1]) as client:
        yield client
