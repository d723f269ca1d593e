"""What each role sees: Operations-only fields, nested reads, refused relations."""

from tests.conftest import GraphQLClient


def test_client_reads_its_groups_modules_from_their_references(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ userGroups { nodes { name modules { id name code } } } }", tokens["Client"]
    )

    assert "errors" not in body
    modules = [m for g in body["data"]["userGroups"]["nodes"] for m in g["modules"]]
    assert modules and all(m["name"] for m in modules)


def test_operations_reads_full_modules_through_groups(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ userGroups(first: 5) { nodes { modules { id code } } } }",
        tokens["Operations"],
    )

    assert "errors" not in body
    modules = [m for g in body["data"]["userGroups"]["nodes"] for m in g["modules"]]
    assert modules and all(m["code"] for m in modules)


def test_buyer_errors_are_forbidden_to_a_client_and_null_there(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ buyers(first: 1) { nodes { id errors { message } } } }", tokens["Client"]
    )

    [node] = body["data"]["buyers"]["nodes"]
    assert node["id"] and node["errors"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["buyers", "nodes", 0, "errors"]


def test_operations_reads_buyer_errors(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ buyers(filter: {status: {in: [MISMATCH, CONFLICT]}}) "
        "{ nodes { status errors { id message } } } }",
        tokens["Operations"],
    )

    assert "errors" not in body
    nodes = body["data"]["buyers"]["nodes"]
    assert nodes and all(n["errors"] for n in nodes)


def test_erp_link_note_and_user_accounts_are_operations_only(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    query = (
        "{ erpLinks(first: 1) { nodes { note } } "
        "users(first: 1) { nodes { accounts { id } } } }"
    )

    client = gql(query, tokens["Client"])
    operations = gql(query, tokens["Operations"])

    assert {e["extensions"]["code"] for e in client["errors"]} == {"FORBIDDEN"}
    assert len(client["errors"]) == 2
    assert "errors" not in operations
    assert operations["data"]["users"]["nodes"][0]["accounts"]


def test_vendor_gets_its_account_with_buyers_refused_at_that_path_only(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql("{ accounts { nodes { name buyers { id } } } }", tokens["Vendor"])

    [account] = body["data"]["accounts"]["nodes"]
    assert account["name"] and account["buyers"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["accounts", "nodes", 0, "buyers"]
