"""The example operations are the README's, and valid against `schema.graphql`."""

import re

from graphql import build_schema, parse, validate

from tests.ecosystem.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.graphql"))


def test_every_operation_of_the_readme_is_an_example_file() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.S)
    operations = [b for b in blocks if b.startswith(("query", "mutation"))]
    examples = {path.read_text() for path in EXAMPLES}

    assert len(operations) >= 3
    assert [block for block in operations if block not in examples] == []


def test_every_example_operation_is_valid_against_the_schema() -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text())

    names = []
    for path in EXAMPLES:
        document = parse(path.read_text())
        assert validate(schema, document) == [], path.name
        names += [d.name.value for d in document.definitions]  # type: ignore[attr-defined]

    assert len(names) == len(set(names)) == len(EXAMPLES) >= 5
