"""Values the facade quotes reach the Accounts API's RQL parser intact.

The sandbox's parser stands in for the platform's here: both read the same syntax.
"""

import pytest

from accounts_graph.platform.resources import BUYER
from accounts_graph.sandbox.rql import And, Compare, In, parse_query
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
    # What the query string's decoding would change: a plus, escapes, a hash.
    "a+b@example.com",
    "100%",
    "%41 is not A",
    "#1",
    "both ' \" and + & %",
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


def test_date_with_positive_offset_keeps_its_sign() -> None:
    value = "2026-01-31T23:00:00+02:00"

    sent = rql.term("ge", "audit.created.at", value)
    query = parse_query(sent, resource=BUY_RESOURCE)

    assert "+" not in sent
    assert query.filter == Compare("ge", "audit.created.at", "2026-01-31T21:00:00.000Z")


def test_raw_terms_mean_what_the_caller_wrote() -> None:
    raw = "ge(audit.created.at,2026-01-31T23:00:00+02:00)&eq(name,'R&D 100%')"

    terms = rql.filter_terms(raw)
    query = parse_query("&".join(terms), resource=BUY_RESOURCE)

    assert all("+" not in term for term in terms)
    assert query.filter == And(
        (
            Compare("ge", "audit.created.at", "2026-01-31T21:00:00.000Z"),
            Compare("eq", "name", "R&D 100%"),
        )
    )


def test_raw_terms_refuse_parameters() -> None:
    with pytest.raises(ValueError, match="'select' is not a filter term"):
        rql.filter_terms("eq(name,x)&select=-name")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("eq(name,x))", "The ')' at character 11 of the rql closes nothing."),
        # The way out of the facade's own `and(…)`: refused before it is sent.
        ("eq(id,x)),or(ne(id,x)", "The ')' at character 9 of the rql closes nothing."),
        ("eq(bogus(", "The rql leaves 2 '(' open."),
        ("eq(name,'x)", "The rql leaves a quote (') open."),
        ('eq(name,"x)&eq(a,b)', 'The rql leaves a quote (") open.'),
    ],
)
def test_raw_terms_refuse_unbalanced_brackets_and_quotes(
    raw: str, message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        rql.filter_terms(raw)

    assert str(raised.value) == message


def test_raw_terms_keep_brackets_and_escaped_quotes_inside_quotes() -> None:
    raw = r"eq(name,'a ) b')&eq(description,'it\'s (fine')"

    assert len(rql.filter_terms(raw)) == 2


@pytest.mark.parametrize(
    "raw", ["eq(name,O'Brien)", "ilike(name,*'s*)", "eq(name,McDonald's)"]
)
def test_an_apostrophe_inside_a_word_is_no_quote(raw: str) -> None:
    # The platform's grammar opens a quoted value only where a value starts.
    [term] = rql.filter_terms(raw)

    assert parse_query(term, resource=BUY_RESOURCE).filter is not None
