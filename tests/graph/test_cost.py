"""The cost walk over documents built to make it slow: its work grows with the
document, never with the number of paths through it."""

from typing import Any

from graphql import parse

from accounts_graph.graph import cost
from accounts_graph.graph.schema import build_schema

SCHEMA = build_schema()._schema


def _chain(copies: int, levels: int) -> str:
    """Fragments L0…L{levels}, each selecting the next under `copies` copies of
    the same field: copies^levels paths, one answer shape."""
    fields = ["accounts(first: 1)", "nodes"]
    while len(fields) < levels:
        fields.append("users" if len(fields) % 2 == 0 else "account")
    types = ["Query", "AccountConnection"] + [
        "Account" if i % 2 == 0 else "AccountUser" for i in range(levels - 2)
    ]
    fragments = [
        f"fragment L{i} on {kind} {{ "
        + " ".join([f"{field} {{ ...L{i + 1} }}"] * copies)
        + " }"
        for i, (kind, field) in enumerate(zip(types, fields, strict=True))
    ]
    last = "Account" if levels % 2 == 0 else "AccountUser"
    fragments.append(f"fragment L{levels} on {last} {{ id }}")
    return "query Chain { ...L0 } " + " ".join(fragments)


def _costed(document: str) -> tuple[int, int]:
    """Return the document's cost and how many fragment bodies the walk read."""
    parsed = parse(document)
    operation, *definitions = parsed.definitions
    fragments = {d.name.value: d for d in definitions}  # type: ignore[attr-defined]
    reads = 0
    original = cost._Walk._collect

    def counting(walk: Any, selection_set: Any, *rest: Any) -> None:
        nonlocal reads
        if any(selection_set is f.selection_set for f in fragments.values()):
            reads += 1
        original(walk, selection_set, *rest)

    cost._Walk._collect = counting  # type: ignore[method-assign]
    try:
        found = cost.operation_cost(SCHEMA, operation, fragments, {}, 100)  # type: ignore[arg-type]
    finally:
        cost._Walk._collect = original  # type: ignore[method-assign]
    return found.total, reads


def test_copies_of_a_field_spreading_a_fragment_read_it_once() -> None:
    single, single_reads = _costed(_chain(1, 8))
    copied, copied_reads = _costed(_chain(4, 8))

    # Four copies of each field are one field: the same cost...
    assert copied == single
    # ...and each fragment's body read once, as with one copy (4^8 paths).
    assert copied_reads == single_reads == 9
