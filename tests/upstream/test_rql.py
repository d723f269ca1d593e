"""Values the facade quotes reach the Accounts API's RQL parser intact.

The sandbox's parser stands in for the platform's here: both read the same syntax.
"""

import pytest

from accounts_graph.platform.resources import BUYER
from accounts_graph.sandbox.rql import Compare, In, parse_query
from accounts_graph.upstream import rql

VALUES = [
    "plain",
    "with space",
    "comma, and (parentheses)",
    "it's",
    'say "hi"',
    "both ' and \"",
    "amp & ersand",
    "BUY-1234-5678",
    "back\\slash",
    "star*",
]


@pytest.mark.parametrize("value", VALUES)
def test_quoted_value_round_trips(value: str) -> None:
    query = parse_query(rql.term("eq", "name", value), resource=BUY_RESOURCE)

    assert isinstance(query.filter, Compare)
    assert query.filter.value == value


def test_in_list_round_trips() -> None:
    query = parse_query(rql.in_("id", VALUES), resource=BUY_RESOURCE)

    assert isinstance(query.filter, In)
    assert list(query.filter.values) == VALUES


def test_and_of_one_term_is_the_term() -> None:
    assert rql.and_("eq(a,'b')", "") == "eq(a,'b')"


def test_empty_and_is_empty() -> None:
    assert rql.and_("", "") == ""


def test_booleans_and_null_are_bare() -> None:
    assert rql.quote(True) == "true"
    assert rql.quote(None) == "null()"
    assert rql.quote("") == "empty()"


BUY_RESOURCE = BUYER
