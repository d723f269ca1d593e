"""The sandbox's RQL lists at scale 1 against scale 100: same query, same page."""

import sqlite3
from functools import partial
from pathlib import Path

from accounts_graph.platform.resources import BY_COLLECTION
from accounts_graph.sandbox.rql import parse_query
from accounts_graph.sandbox.rql_sql import compile_filter, compile_order
from accounts_graph.sandbox.store import table_of
from benchmarks.clients import Rest
from benchmarks.measure import alternate
from benchmarks.report import Section
from benchmarks.servers import demo_tokens_of, sandbox, seeded_file

# (label, path and query); {account} is the Client demo account, present at every
# scale, so both sides filter on the same id.
QUERIES = (
    (
        "buyers by status, by name desc",
        "/buyers?eq(status,Active)&order=-name&limit=20",
    ),
    (
        "buyers of one account, by name desc",
        "/buyers?eq(account.id,{account})&order=-name&limit=20",
    ),
    (
        "licensees of one account, by name desc",
        "/licensees?eq(account.id,{account})&order=-name&limit=20",
    ),
    ("ERP links, first page", "/erp-links?limit=20"),
)
SMALL, LARGE = 1, 100


def sandbox_scaling(workdir: Path, quick: bool) -> Section:
    """Time each query on both scales, alternating, one sandbox process each."""
    section = Section(
        f"sandbox scaling: the same RQL list at --scale {SMALL} and --scale {LARGE}",
        ["query", f"scale {SMALL} ms", f"scale {LARGE} ms", "ratio"],
    )
    demo = demo_tokens_of(seeded_file(SMALL))
    token, account = demo["Operations"]["bearer"], demo["Client"]["account"]
    with sandbox(SMALL, workdir) as small, sandbox(LARGE, workdir) as large:
        sides = {"small": Rest(small.url, token), "large": Rest(large.url, token)}
        for label, template in QUERIES:
            _compare(section, label, template.format(account=account), sides, quick)
        for rest in sides.values():
            rest.close()
    return section


def _compare(
    section: Section, label: str, query: str, sides: dict[str, Rest], quick: bool
) -> None:
    """Time one query on both sandboxes; explain the plan when it scales badly."""
    totals = {
        k: rest.get(query)["$meta"]["pagination"]["total"] for k, rest in sides.items()
    }
    times = alternate(
        {name: partial(rest.get, query) for name, rest in sides.items()},
        30 if quick else 150,
        warmup=5,
    )
    ratio = times["large"].median / times["small"].median
    section.rows.append(
        [label, str(times["small"]), str(times["large"]), f"{ratio:.2f}"]
    )
    section.data[label] = {"query": query, "matching": totals, "ratio": ratio}
    section.data[label] |= {name: t.as_dict() for name, t in times.items()}
    section.notes.append(
        f"{label}: `GET {query}` matches {totals['small']} / {totals['large']}"
    )
    section.check(
        f"sandbox x{LARGE} scale: {label}", f"{ratio:.2f}x", "<= 2x", ratio <= 2
    )
    if ratio > 2:
        plan = query_plan(seeded_file(LARGE), query)
        section.data[label]["plan"] = plan
        section.notes.append(f"{label}: SQLite plan at scale {LARGE}: {plan}")


def query_plan(db: Path, request: str) -> str:
    """SQLite's plan for the page query the sandbox runs for `GET request`
    (as Operations), read from `EXPLAIN QUERY PLAN` on the seeded file."""
    path, _, raw = request.partition("?")
    resource = BY_COLLECTION[path.strip("/")]
    query = parse_query(raw, resource=resource)
    where, params = "1", []
    if query.filter is not None:
        where, params = compile_filter(query.filter, resource)
    order = ", ".join([*compile_order(query.order, resource), "t.id"])
    sql = (
        f"EXPLAIN QUERY PLAN SELECT t.doc FROM {table_of(resource)} t "
        f"WHERE {where} ORDER BY {order} LIMIT 20"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return "; ".join(row[-1] for row in conn.execute(sql, params))
