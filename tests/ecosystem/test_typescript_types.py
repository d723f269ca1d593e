"""TypeScript types for the example operations, by GraphQL Code Generator.

`ecosystem/codegen.yml` as the README runs it: `graphql-codegen` writes
`schema.ts` and `operations.ts`, and `tsc --noEmit` checks the small client in
`ecosystem/typescript/` against them; a client that reads a field the schema
lacks, or sends an enum value it does not have, must fail the check.
"""

from pathlib import Path

import pytest

from tests.ecosystem.conftest import lay_out, node_run

WRONG_CLIENT = """
import type {
  BuyersByStatusQueryVariables,
  ClientOverviewQuery,
} from "./operations.js";

export function firstName(overview: ClientOverviewQuery): string | null {
  return overview.accounts?.nodes[0]?.nmae ?? null;
}

export const variables: BuyersByStatusQueryVariables = { status: "SLEEPING" };
"""


@pytest.fixture(scope="module")
def generated(node_tools: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy's `ecosystem/typescript`, with the generated types in it."""
    tools = lay_out(tmp_path_factory.mktemp("typescript"))
    done = node_run(
        str(tools / "node_modules" / ".bin" / "graphql-codegen"),
        "--config",
        str(tools / "codegen.yml"),
        cwd=tools,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    return tools / "typescript"


def _tsc(folder: Path) -> tuple[int, str]:
    done = node_run(
        str(folder.parent / "node_modules" / ".bin" / "tsc"),
        "--noEmit",
        "-p",
        str(folder),
        cwd=folder.parent,
    )
    return done.returncode, done.stdout + done.stderr


def test_codegen_writes_types_for_each_example_operation(generated: Path) -> None:
    operations = (generated / "operations.ts").read_text()
    schema = (generated / "schema.ts").read_text()

    for name in ("ClientOverview", "BuyersByStatus", "CreateGroup", "DisableBuyer"):
        assert f"export type {name}Query =" in operations or (
            f"export type {name}Mutation =" in operations
        )
    assert "export type UploadBuyerIconMutationVariables" in operations
    assert "export type BuyerFilter = {" in schema
    assert "export type Query = {" in schema


def test_the_typescript_client_type_checks(generated: Path) -> None:
    code, output = _tsc(generated)

    assert code == 0, output


def test_a_client_that_contradicts_the_schema_fails_the_check(
    generated: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "typescript"
    wrong.mkdir()
    (wrong / "tsconfig.json").write_text((generated / "tsconfig.json").read_text())
    (wrong / "operations.ts").write_text((generated / "operations.ts").read_text())
    (wrong / "wrong.ts").write_text(WRONG_CLIENT)
    (tmp_path / "node_modules").symlink_to(generated.parent / "node_modules")
    (tmp_path / "package.json").write_text('{"type": "module"}')

    code, output = _tsc(wrong)

    assert code != 0
    assert "wrong.ts(8," in output and "'nmae'" in output
    assert "wrong.ts(11," in output and '"SLEEPING"' in output
