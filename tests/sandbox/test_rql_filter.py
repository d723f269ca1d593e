"""RQL filters compiled to SQL and run against a real SQLite store."""

import json
import sqlite3
from collections.abc import Iterator

import pytest
from mpt_api_client.rql import RQLQuery

from accounts_graph.platform.resources import BY_NAME
from accounts_graph.sandbox.rql import RqlError, parse_query
from accounts_graph.sandbox.rql_sql import compile_filter, compile_order, install

ACC_1, ACC_2, ACC_3, ACC_4 = (f"ACC-{n}{n}{n}{n}-{n}{n}{n}{n}" for n in "1234")
UGR_1, UGR_2, UGR_3 = (f"UGR-{n}{n}{n}{n}-{n}{n}{n}{n}" for n in "123")
ROWS: dict[str, list[dict[str, object]]] = {
    "accounts": [
        {
            "id": ACC_1,
            "name": "Acme Corp",
            "type": "Client",
            "status": "Active",
            "description": "100% organic_food",
            "address": {"city": "Berlin", "country": "DE"},
            "externalIds": {"erpCustomer": "C-100"},
            "groups": [{"id": UGR_1}, {"id": UGR_2}],
            "audit": {"created": {"at": "2026-01-31T23:00:00.000Z"}},
            "website": "https://acme.example",
        },
        {
            "id": ACC_2,
            "name": "Beta, Inc. (EU)",
            "type": "Vendor",
            "status": "Active",
            "description": "Star * product",
            "address": {"city": "Paris", "country": "FR"},
            "externalIds": {"erpCustomer": "C-200"},
            "groups": [{"id": UGR_3}],
            "audit": {"created": {"at": "2026-02-01T10:00:00.000Z"}},
        },
        {
            "id": ACC_3,
            "name": "Gamma & Sons",
            "type": "Operations",
            "status": "Disabled",
            "description": "",
            "address": {"city": "berlin"},
            "groups": [],
            "audit": {"created": {"at": "2025-12-31T22:30:00.000Z"}},
        },
        {
            "id": ACC_4,
            "name": 'Delta "Quotes" it\'s',
            "type": "Client",
            "status": "Enabled",
            "website": None,
            "audit": {"created": {"at": "2026-01-31T21:59:59.999Z"}},
        },
    ],
    "user_groups": [
        {"id": UGR_1, "name": "Admins", "isDefault": True, "account": {"id": ACC_1}},
        {"id": UGR_2, "name": "Readers", "isDefault": False, "account": {"id": ACC_1}},
        {"id": UGR_3, "name": "Admins", "isDefault": False, "account": {"id": ACC_2}},
    ],
    "buyers": [
        {
            "id": "BUY-1111-1111",
            "name": "Buyer One",
            "status": "Active",
            "taxId": "12345",
            "account": {"id": ACC_1},
            "errors": [{"code": "E1"}],
        },
        {
            "id": "BUY-2222-2222",
            "name": "Buyer Two",
            "status": "Disabled",
            "taxId": "0042",
            "account": {"id": ACC_2},
            "errors": [],
        },
        {
            "id": "BUY-3333-3333",
            "name": "Buyer_3 50%",
            "taxId": 7,
            "account": {"id": ACC_1},
        },
        {"id": "BUY-4444-4444", "name": "Orphan", "status": "Active"},
    ],
    "modules": [
        {
            "id": "MOD-1111",
            "name": "Billing",
            "paid": True,
            "accountTypes": ["Client", "Vendor"],
            "settings": {"limit": 10},
        },
        {
            "id": "MOD-2222",
            "name": "Support",
            "paid": False,
            "accountTypes": ["Operations"],
            "settings": {"limit": 9},
        },
        {
            "id": "MOD-3333",
            "name": "Catalog",
            "paid": False,
            "accountTypes": [],
            "settings": {"limit": "12"},
        },
    ],
}
TABLES = {"account": "accounts", "user_group": "user_groups", "buyer": "buyers"}
TABLES["module"] = "modules"


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    install(conn)
    for table, docs in ROWS.items():
        conn.execute(f"CREATE TABLE {table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        conn.executemany(
            f"INSERT INTO {table} VALUES (?, ?)",
            [(doc["id"], json.dumps(doc)) for doc in docs],
        )
    yield conn
    conn.close()


def matching(db: sqlite3.Connection, resource: str, raw: str) -> set[str]:
    query = parse_query(raw)
    assert query.filter is not None
    sql, params = compile_filter(query.filter, BY_NAME[resource])
    assert sql.count("?") == len(params)
    rows = db.execute(f"SELECT t.id FROM {TABLES[resource]} t WHERE {sql}", params)
    return {row[0] for row in rows}


def short(ids: set[str]) -> str:
    """Name ids by their resource letter and digit: ACC-1111-1111 -> A1."""
    return " ".join(sorted(f"{i[0]}{i[4]}" for i in ids))


CASES = [
    # Comparisons, quoting styles, the shorthand and several terms.
    ("account", "eq(status,Active)", "A1 A2"),
    ("account", "eq(status,'Active')", "A1 A2"),
    ("account", 'eq(status,"Active")', "A1 A2"),
    ("account", "status=Active", "A1 A2"),
    ("account", "ne(status,Active)", "A3 A4"),
    ("account", "eq(id,ACC-1111-1111)", "A1"),
    ("account", "eq(id,'ACC-1111-1111')", "A1"),
    ("account", "eq(name,Acme Corp)", "A1"),
    ("account", "eq(name,'Beta, Inc. (EU)')", "A2"),
    ("account", 'eq(name,"Beta, Inc. (EU)")', "A2"),
    ("account", "eq(name,'Gamma & Sons')", "A3"),
    ("account", "eq(name,Gamma%20%26%20Sons)", "A3"),
    ("account", "eq(name,Gamma \\& Sons)", "A3"),
    ("account", 'eq(name,"Delta \\"Quotes\\" it\'s")', "A4"),
    ("account", "eq(name,'Delta \"Quotes\" it\\'s')", "A4"),
    ("account", "eq(type,Client)&eq(status,Active)", "A1"),
    ("account", "type=Client&status=Enabled", "A4"),
    ("account", "eq(type,Client)&ilike(name,*corp)&ne(id,ACC-4444-4444)", "A1"),
    # Dates: offsets and Z are normalised to the stored UTC milliseconds.
    ("account", "eq(audit.created.at,2026-01-31T23:00:00.000Z)", "A1"),
    ("account", "eq(audit.created.at,2026-02-01T01:00:00%2B02:00)", "A1"),
    ("account", "gt(audit.created.at,2026-01-31T23:00:00.000Z)", "A2"),
    ("account", "ge(audit.created.at,'2026-02-01T00:00:00%2B01:00')", "A1 A2"),
    ("account", "lt(audit.created.at,2026-01-31T23:00:00Z)", "A3 A4"),
    ("account", "le(audit.created.at,2026-02-01T00:59:59.999%2B02:00)", "A3 A4"),
    ("account", "lt(audit.created.at,2026-01-31T16:59:59.999-05:00)", "A3"),
    # Patterns: `*`, `\*`, literal `%` `_` `?`, case.
    ("account", "like(name,Acme*)", "A1"),
    ("account", "like(name,acme*)", ""),
    ("account", "ilike(name,acme*)", "A1"),
    ("account", "ilike(name,*A*)", "A1 A2 A3 A4"),
    ("account", "like(name,*)", "A1 A2 A3 A4"),
    ("account", "ilike(address.city,berlin)", "A1 A3"),
    ("account", "like(address.city,berlin)", "A3"),
    ("account", "like(description,*\\**)", "A2"),
    ("account", "ilike(name,*\\**)", ""),
    ("account", "like(description,100%)", ""),
    ("account", "ilike(description,100%25*)", "A1"),
    ("account", "ilike(description,*c_f*)", "A1"),
    ("account", "ilike(description,*a_i*)", ""),
    ("account", "like(description,empty())", "A3"),
    ("buyer", "ilike(name,buyer_3 50%)", "B3"),
    ("buyer", "like(name,Buyer?3*)", ""),
    ("buyer", "like(name,'Buyer_3 *')", "B3"),
    # null() and empty().
    ("account", "eq(description,empty())", "A3"),
    ("account", "eq(description,null())", "A4"),
    ("account", "ne(description,null())", "A1 A2 A3"),
    ("account", "ne(description,empty())", "A1 A2 A4"),
    ("account", "eq(website,null())", "A2 A3 A4"),
    ("account", "eq(address.country,null())", "A3 A4"),
    # Lists.
    ("account", "in(status,(Active,Disabled))", "A1 A2 A3"),
    ("account", "in(status,('Active',\"Enabled\"))", "A1 A2 A4"),
    ("account", "out(status,(Active))", "A3 A4"),
    ("account", "in(id,())", ""),
    ("account", "out(id,())", "A1 A2 A3 A4"),
    ("account", "in(description,(null(),empty()))", "A3 A4"),
    ("account", "out(description,(null()))", "A1 A2 A3"),
    ("account", "out(description,(empty()))", "A1 A2 A4"),
    ("buyer", "in(account.id,(ACC-2222-2222,'ACC-1111-1111'))", "B1 B2 B3"),
    # Logic.
    ("account", "and(eq(type,Client),eq(status,Active))", "A1"),
    ("account", "or(eq(type,Vendor),eq(status,Disabled))", "A2 A3"),
    ("account", "not(eq(status,Active))", "A3 A4"),
    ("account", "not(eq(description,empty()))", "A1 A2 A4"),
    ("account", "and(or(type=Vendor,type=Operations),not(status=Disabled))", "A2"),
    # Nested objects, references, subqueries.
    ("account", "eq(address.city,Paris)", "A2"),
    ("account", "eq(externalIds.erpCustomer,C-200)", "A2"),
    ("buyer", "eq(account.id,ACC-1111-1111)", "B1 B3"),
    ("buyer", "eq(account.id,'ACC-1111-1111')", "B1 B3"),
    ("buyer", "eq(account.name,'Acme Corp')", "B1 B3"),
    ("buyer", "ilike(account.name,*inc*)", "B2"),
    ("buyer", "eq(account.status,Active)", "B1 B2 B3"),
    ("buyer", "eq(account,null())", "B4"),
    ("buyer", "eq(account.audit.created.at,2026-02-01T11:00:00%2B01:00)", "B2"),
    ("user_group", "eq(account.name,'Beta, Inc. (EU)')", "U3"),
    # any / all over references, lists of scalars and lists of objects.
    ("account", "any(groups,id=UGR-1111-1111)", "A1"),
    ("account", "any(groups,eq(name,Admins))", "A1 A2"),
    ("account", "any(groups,eq(isDefault,true))", "A1"),
    ("account", "not(any(groups,eq(isDefault,true)))", "A2 A3 A4"),
    ("account", "all(groups,eq(name,Admins))", "A2 A3 A4"),
    (
        "account",
        "all(groups,and(ne(name,Readers),eq(account.id,ACC-2222-2222)))",
        "A2 A3 A4",
    ),
    ("buyer", "any(account.groups,eq(name,Readers))", "B1 B3"),
    ("buyer", "any(errors,eq(code,E1))", "B1"),
    ("buyer", "eq(errors,null())", "B3 B4"),
    ("module", "any(accountTypes,eq(value,Vendor))", "M1"),
    ("module", "any(accountTypes,value=Operations)", "M2"),
    ("module", "all(accountTypes,in(value,(Client,Vendor)))", "M1 M3"),
    # Booleans and numbers.
    ("module", "eq(paid,true)", "M1"),
    ("module", "eq(paid,false)", "M2 M3"),
    ("module", "ne(paid,true)", "M2 M3"),
    ("module", "eq(paid,'true')", ""),
    ("module", "gt(settings.limit,9)", "M1 M3"),
    ("module", "lt(settings.limit,10)", "M2"),
    ("module", "eq(settings.limit,12)", "M3"),
    ("buyer", "eq(taxId,12345)", "B1"),
    ("buyer", "eq(taxId,7)", "B3"),
    ("buyer", "eq(taxId,'7')", "B3"),
    ("buyer", "eq(taxId,0042)", "B2"),
    ("buyer", "ne(taxId,7)", "B1 B2 B4"),
    ("buyer", "in(taxId,(7,12345))", "B1 B3"),
    # What the official client sends: values percent-encoded inside quotes.
    ("account", str(RQLQuery(name="Gamma & Sons")), "A3"),
    ("account", str(RQLQuery(name__in=["Beta, Inc. (EU)", "Acme Corp"])), "A1 A2"),
    ("account", str(RQLQuery(name__like="Beta, *")), "A2"),
    ("account", str(RQLQuery(description__null=True)), "A4"),
    ("account", str(RQLQuery(description__empty=False)), "A1 A2 A4"),
    ("account", str(RQLQuery(status="Active") & ~RQLQuery(type="Client")), "A2"),
    ("account", str(RQLQuery(name__ilike="*corp*") | RQLQuery(type="Vendor")), "A1 A2"),
]


@pytest.mark.parametrize(("resource", "raw", "expected"), CASES)
def test_filter_matches_expected_ids(
    db: sqlite3.Connection, resource: str, raw: str, expected: str
) -> None:
    assert short(matching(db, resource, raw)) == expected


MALFORMED = [
    ("account", "eq(name,Acme", "eq(name,Acme"),
    ("account", "eq(name,Acme))", "eq(name,Acme))"),
    ("account", "and(eq(name,Acme)", "and(eq(name,Acme)"),
    ("account", "foo(name,1)", "foo"),
    ("account", "eq(name)", "eq(name)"),
    ("account", "not(eq(a,b),eq(c,d))", "not(eq(a,b),eq(c,d))"),
    ("account", "and()", "and()"),
    ("account", "eq(name,'Acme)", "'Acme)"),
    ("account", "eq(name,'Acme&limit=5", "'Acme&limit=5"),
    ("account", "eq(name,Ac%00me)", "%00"),
    ("account", 'eq(name,"Acme\\")', '"Acme\\")'),
    ("account", "eq(name,Acme\\", "\\"),
    ("account", "eq(status,Active)&&limit=5", ""),
    ("account", "eq(status,Active)&", ""),
    ("account", "eq(name,)", "eq(name,)"),
    ("account", "eq(nmae,x)", "nmae"),
    ("account", "eq('name',x)", "'name'"),
    ("account", "status", "status"),
    ("account", "eq(name,x)y", "eq(name,x)y"),
    ("account", "gt(name,null())", "gt(name,null())"),
    ("account", "eq(name,null(x))", "null(x)"),
    ("account", "eq(name,eq(a,b))", "eq(a,b)"),
    ("account", "in(status,Active)", "in(status,Active)"),
    ("account", "any(name,eq(value,x))", "name"),
    ("account", "eq(groups.id,UGR-1111-1111)", "groups.id"),
    ("account", "eq(name.first,x)", "name.first"),
    ("account", "any(groups,eq(nmae,x))", "nmae"),
    ("buyer", "eq(account.nmae,x)", "account.nmae"),
    ("account", "limit=-1", "limit=-1"),
    ("account", "limit=abc", "limit=abc"),
    ("account", "offset=1.5", "offset=1.5"),
    ("account", "limit=5&limit=6", "limit=6"),
    ("account", "select=+nmae", "nmae"),
    ("account", "select=%2Baudit,,name", "select=+audit,,name"),
    ("account", "order=-nmae", "nmae"),
    ("account", "order=name desc", "name desc"),
    ("account", "not(" * 60 + "eq(a,b)" + ")" * 60, "not(" * 60 + "eq(a,b)" + ")" * 60),
]


@pytest.mark.parametrize(("resource", "raw", "term"), MALFORMED)
def test_malformed_query_raises_naming_the_term(
    resource: str, raw: str, term: str
) -> None:
    with pytest.raises(RqlError) as caught:
        parse_query(raw, resource=BY_NAME[resource])

    assert caught.value.term == term
    assert term in str(caught.value)


def test_unknown_field_is_reported_when_compiling_without_resource_check() -> None:
    query = parse_query("eq(group,x)")
    assert query.filter is not None

    with pytest.raises(RqlError, match="Unknown expression group") as caught:
        compile_filter(query.filter, BY_NAME["account"])

    assert caught.value.term == "group"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("order=-name", [ACC_3, ACC_4, ACC_2, ACC_1]),
        ("order=type,-audit.created.at", [ACC_1, ACC_4, ACC_3, ACC_2]),
        ("order=+address.city,name", [ACC_4, ACC_1, ACC_2, ACC_3]),
    ],
)
def test_order_sorts_rows(
    db: sqlite3.Connection, raw: str, expected: list[str]
) -> None:
    query = parse_query(raw, resource=BY_NAME["account"])
    items = ", ".join([*compile_order(query.order, BY_NAME["account"]), "t.id"])

    rows = db.execute(f"SELECT t.id FROM accounts t ORDER BY {items}").fetchall()

    assert [row[0] for row in rows] == expected


def test_order_by_reference_uses_target_fields(db: sqlite3.Connection) -> None:
    items = ", ".join(
        [*compile_order([(True, "account.name")], BY_NAME["buyer"]), "t.id"]
    )

    rows = db.execute(f"SELECT t.id FROM buyers t ORDER BY {items}").fetchall()

    assert short({rows[0][0]}) == "B2"
    assert rows[-1][0] == "BUY-4444-4444"
