"""The capability table equals the platform's published role matrix, cell by cell."""

import re
from html import unescape
from pathlib import Path

from accounts_graph.platform.capabilities import CAPABILITIES, markdown_table
from accounts_graph.platform.enums import Role

ROOT = Path(__file__).resolve().parents[2]
# A copy of the platform's description of the Accounts API, with its matrix.
DESCRIPTION = (ROOT / "tests" / "data" / "accounts-api-description.md").read_text()


def _seed_matrix() -> dict[tuple[str, str], frozenset[Role]]:
    """Parse the description's HTML tables: (collection, capability) → roles."""
    matrix: dict[tuple[str, str], frozenset[Role]] = {}
    sections = re.split(r"^### ", DESCRIPTION, flags=re.M)[1:]
    for section in sections:
        title = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", section.splitlines()[0])
        collection = re.sub(r"\s*<a .*", "", title).strip()
        table = re.search(r"<table>.*?</table>", section, re.S)
        if table is None:
            continue
        rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
        header = [
            unescape(re.sub("<[^>]+>", "", c)).strip()
            for c in re.findall(r"<th[^>]*>(.*?)</th>", rows[0], re.S)
        ]
        roles = [Role(name) for name in header[1:]]
        for row in rows[1:]:
            cells = [
                unescape(re.sub("<[^>]+>", "", c)).strip()
                for c in re.findall(r"<td>(.*?)</td>", row, re.S)
            ]
            granted = frozenset(
                r for r, cell in zip(roles, cells[1:], strict=True) if cell == "✅"
            )
            matrix[(collection, cells[0])] = granted
    return matrix


def test_table_equals_the_published_matrix_row_for_row() -> None:
    seed = _seed_matrix()
    ours = {(c.collection, c.name): c.roles for c in CAPABILITIES if c.in_seed}

    assert len(seed) > 80
    assert ours == seed


def test_rows_beyond_the_matrix_are_operations_only_or_public_reads() -> None:
    extras = [c for c in CAPABILITIES if not c.in_seed]

    assert extras
    for row in extras:
        assert row.roles in ({Role.OPERATIONS}, {Role.PUBLIC})


def test_graphql_names_are_unique() -> None:
    names = [c.graphql for c in CAPABILITIES]

    assert len(names) == len(set(names))


def test_readme_carries_the_current_table() -> None:
    readme = (ROOT / "README.md").read_text()

    assert markdown_table() in readme
