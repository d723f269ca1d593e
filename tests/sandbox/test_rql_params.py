"""RQL query strings: splitting, parameters, parsed nodes and generated SQL."""

import pytest

from accounts_graph.platform.resources import BY_NAME
from accounts_graph.sandbox.rql import (
    And,
    Compare,
    In,
    Like,
    Not,
    Number,
    Or,
    Quantified,
    Query,
    RqlError,
    parse_query,
)
from accounts_graph.sandbox.rql_sql import compile_filter, field_sql

ACCOUNT = BY_NAME["account"]
BUYER = BY_NAME["buyer"]


def test_empty_query_string_gives_defaults() -> None:
    assert parse_query("") == Query(None, (), (), 10, 0)


def test_select_keeps_signs_and_nested_paths() -> None:
    query = parse_query("select=+contact,-audit,+groups.id,name")

    assert query.select == (
        ("+", "contact"),
        ("-", "audit"),
        ("+", "groups.id"),
        ("+", "name"),
    )


def test_select_accepts_percent_encoded_plus() -> None:
    assert parse_query("select=%2Baudit,%2Dicon").select == (
        ("+", "audit"),
        ("-", "icon"),
    )


def test_order_reads_direction_per_item() -> None:
    query = parse_query("order=-name,+audit.created.at,status")

    assert query.order == (
        (True, "name"),
        (False, "audit.created.at"),
        (False, "status"),
    )


@pytest.mark.parametrize(
    ("raw", "limit", "offset"),
    [
        ("", 10, 0),
        ("limit=20&offset=40", 20, 40),
        ("limit=0", 0, 0),
        ("limit=100", 100, 0),
        ("limit=1000", 100, 0),
        ("limit=" + "9" * 40, 100, 0),
        ("offset=" + "9" * 40, 10, 10**18),
        ("offset=007", 10, 7),
    ],
)
def test_limit_is_clamped_and_offset_read(raw: str, limit: int, offset: int) -> None:
    query = parse_query(raw)

    assert (query.limit, query.offset) == (limit, offset)


def test_limit_defaults_and_cap_are_configurable() -> None:
    assert parse_query("", default_limit=25).limit == 25
    assert parse_query("limit=80", max_limit=50).limit == 50


@pytest.mark.parametrize(
    ("raw", "term"),
    [
        ("limit=", "limit="),
        ("limit=-1", "limit=-1"),
        ("limit=%2B5", "limit=+5"),
        ("limit=+5", "limit= 5"),
        ("offset=١٢", "offset=١٢"),
    ],
)
def test_bad_counts_are_rejected(raw: str, term: str) -> None:
    with pytest.raises(RqlError) as caught:
        parse_query(raw)

    assert caught.value.term == term


def test_parameters_and_filters_mix_in_any_order() -> None:
    query = parse_query("limit=5&eq(status,Active)&select=+audit&name=Acme&offset=5")

    assert query.filter == And(
        (Compare("eq", "status", "Active"), Compare("eq", "name", "Acme"))
    )
    assert (query.limit, query.offset, query.select) == (5, 5, (("+", "audit"),))


def test_render_option_of_the_official_client_is_accepted() -> None:
    assert parse_query("eq(status,Active)&render()").render is True


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("eq(name,'a&b')&limit=1", "a&b"),
        ('eq(name,"a&b")&limit=1', "a&b"),
        ("eq(name,a%26b)&limit=1", "a&b"),
        ("eq(name,%27a&b%27)&limit=1", "a&b"),
        ('eq(name,"a%27b")&limit=1', "a'b"),
        ('eq(name,"it\'s")&limit=1', "it's"),
        ("eq(name,O'Brien)&limit=1", "O'Brien"),
        ("eq(name,'(x)')&limit=1", "(x)"),
        ("eq%28name,a&b%29&limit=1", "a&b"),
        ("eq(name,a&b)&limit=1", "a&b"),
        ("eq(name,'%C3%A9t%C3%A9')&limit=1", "été"),
        ("eq(name,a%2Bb)&limit=1", "a+b"),
        # A raw `+` is a space, as form decoding reads it.
        ("eq(name,a+b)&limit=1", "a b"),
        ("eq(name,C:\\path)&limit=1", "C:\\path"),
        ("eq(name,'a\\\\')&limit=1", "a\\"),
        ("eq(name, ' padded ' )&limit=1", " padded "),
    ],
)
def test_values_survive_splitting_and_quoting(raw: str, value: str) -> None:
    query = parse_query(raw)

    assert query.filter == Compare("eq", "name", value)
    assert query.limit == 1


@pytest.mark.parametrize(
    ("raw", "node"),
    [
        (
            "ge(x,2026-01-31T23:00:00%2B02:00)",
            Compare("ge", "x", "2026-01-31T21:00:00.000Z"),
        ),
        (
            "lt(x,'2026-01-31T23:00:00Z')",
            Compare("lt", "x", "2026-01-31T23:00:00.000Z"),
        ),
        (
            "eq(x,2026-01-31T23:00:00.1234567-0130)",
            Compare("eq", "x", "2026-02-01T00:30:00.123Z"),
        ),
        ("eq(x,2026-01-31)", Compare("eq", "x", "2026-01-31")),
        ("eq(x,2026-13-31T23:00:00Z)", Compare("eq", "x", "2026-13-31T23:00:00Z")),
        ("eq(x,true)", Compare("eq", "x", True)),
        ("eq(x,'false')", Compare("eq", "x", "false")),
        ("eq(x,-1.50)", Compare("eq", "x", Number("-1.50"))),
        ("eq(x,'42')", Compare("eq", "x", Number("42"))),
        ("eq(x,042)", Compare("eq", "x", "042")),
        ("ne(x,empty())", Compare("ne", "x", "")),
        ("like(x,a\\*b*c)", Like("x", ("a*b", "c"), ignore_case=False)),
        ("ilike(x,*)", Like("x", ("", ""), ignore_case=True)),
        ("out(x,(1,null()))", In("x", (Number("1"), None), negate=True)),
        (
            "or(a=1,not(b=2))",
            Or((Compare("eq", "a", Number("1")), Not(Compare("eq", "b", Number("2"))))),
        ),
        (
            "all(groups,id=UGR-1)",
            Quantified(True, "groups", Compare("eq", "id", "UGR-1")),
        ),
    ],
)
def test_terms_parse_to_nodes(raw: str, node: object) -> None:
    assert parse_query(raw).filter == node


def test_number_values_are_typed() -> None:
    assert Number("42").value == 42
    assert Number("-1.5").value == -1.5


def test_values_are_always_bound_as_parameters() -> None:
    query = parse_query('eq(name,"x\' OR 1=1 --")')
    assert query.filter is not None

    sql, params = compile_filter(query.filter, ACCOUNT)

    assert sql == "json_extract(t.doc, '$.name') = ?"
    assert params == ["x' OR 1=1 --"]


def test_reference_paths_compile_to_subqueries_with_unique_aliases() -> None:
    query = parse_query("and(eq(account.name,a),any(account.groups,eq(name,b)))")
    assert query.filter is not None

    sql, params = compile_filter(query.filter, BUYER)

    assert sql.count("FROM accounts r") == 2
    assert "FROM user_groups r" in sql
    assert len({f"r{n}" for n in range(1, 6) if f" r{n} " in sql}) == 3
    assert params == ["a", "b"]


def test_empty_lists_compile_to_constants() -> None:
    for raw, expected in (("in(id,())", "0"), ("out(id,())", "1")):
        query = parse_query(raw)
        assert query.filter is not None
        assert compile_filter(query.filter, ACCOUNT) == (expected, [])


@pytest.mark.parametrize(
    ("path", "sql"),
    [
        ("id", "t.id"),
        ("name", "json_extract(t.doc, '$.name')"),
        ("audit.created.at", "json_extract(t.doc, '$.audit.created.at')"),
        ("account.id", "json_extract(t.doc, '$.account.id')"),
        ("errors.0.code", "json_extract(t.doc, '$.errors[0].code')"),
        (
            "account.name",
            "(SELECT json_extract(r1.doc, '$.name') FROM accounts r1 "
            "WHERE r1.id = json_extract(t.doc, '$.account.id'))",
        ),
    ],
)
def test_field_sql_reads_paths(path: str, sql: str) -> None:
    assert field_sql(path, BUYER) == sql


def test_field_sql_uses_the_given_alias() -> None:
    assert field_sql("name", ACCOUNT, "b") == "json_extract(b.doc, '$.name')"


@pytest.mark.parametrize("path", ["nmae", "name'", "", "a..b", "contact.x'y"])
def test_field_sql_rejects_bad_paths(path: str) -> None:
    with pytest.raises(RqlError) as caught:
        field_sql(path, BUYER)

    assert caught.value.term == path


def test_resource_check_accepts_valid_paths() -> None:
    query = parse_query(
        "any(groups,eq(name,x))&select=+audit,-icon&order=-audit.created.at",
        resource=ACCOUNT,
    )

    assert query.order == ((True, "audit.created.at"),)


def test_repeated_terms_parse_to_equal_queries() -> None:
    raw = "and(eq(a,1),ilike(b,*x*))&limit=3"

    assert parse_query(raw) == parse_query(raw)
