"""The demo dataset: deterministic, well shaped, consistent and complete."""

import hashlib
import json
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest

from accounts_graph.platform import enums
from accounts_graph.platform.resources import BY_NAME, RESOURCES, Kind
from accounts_graph.sandbox.seed import Dataset, build_dataset

Doc = dict[str, Any]
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(1)


@pytest.fixture(scope="module")
def by_id(dataset: Dataset) -> dict[str, tuple[str, Doc]]:
    return {d["id"]: (name, d) for name, docs in dataset.objects.items() for d in docs}


def _ids(refs: list[Doc] | None) -> set[str]:
    return {r["id"] for r in refs or []}


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_build_is_deterministic(dataset: Dataset) -> None:
    again = build_dataset(1)

    assert again == dataset
    assert json.dumps(again.objects) == json.dumps(dataset.objects)


def test_every_resource_is_present_with_its_fields(dataset: Dataset) -> None:
    assert set(dataset.objects) == {r.name for r in RESOURCES}
    for resource in RESOURCES:
        expected = {f.name for f in resource.fields} - {"token"}
        if resource.name == "api_token":
            expected.add("tokenHash")
        docs = dataset.objects[resource.name]
        assert docs, resource.name
        assert all(set(doc) == expected for doc in docs), resource.name


def test_ids_are_unique_and_shaped(dataset: Dataset) -> None:
    ids = [d["id"] for docs in dataset.objects.values() for d in docs]

    assert len(ids) == len(set(ids))
    for name, docs in dataset.objects.items():
        resource = BY_NAME[name]
        shape = re.compile(rf"^{resource.prefix}(-\d{{4}}){{{resource.groups}}}$")
        assert all(shape.match(d["id"]) for d in docs), name


def test_erp_link_ids_join_buyer_and_seller_digits(dataset: Dataset) -> None:
    for link in dataset.objects["erp_link"]:
        buyer, seller = link["buyer"]["id"], link["seller"]["id"]
        assert link["id"] == f"ERP-{buyer[4:]}-{seller[-4:]}"


@pytest.mark.parametrize(
    ("resource", "path", "enum"),
    [
        ("account", "type", enums.AccountType),
        ("account", "status", enums.AccountStatus),
        ("account", "serviceLevel", enums.ServiceLevel),
        ("buyer", "status", enums.BuyerStatus),
        ("licensee", "status", enums.LicenseeStatus),
        ("seller", "status", enums.SellerStatus),
        ("erp_link", "status", enums.ErpLinkStatus),
        ("cloud_tenant", "status", enums.CloudTenantStatus),
        ("cloud_tenant", "type", enums.CloudTenantType),
        ("api_token", "status", enums.ApiTokenStatus),
        ("user", "status", enums.UserStatus),
        ("account_user", "invitation.status", enums.InvitationStatus),
    ],
)
def test_every_enum_value_appears(
    dataset: Dataset, resource: str, path: str, enum: type[StrEnum]
) -> None:
    seen = set()
    for doc in dataset.objects[resource]:
        value: Any = doc
        for part in path.split("."):
            value = value[part]
        seen.add(value)

    assert seen == {member.value for member in enum}


def test_references_are_bare_ids_of_existing_targets(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    for name, docs in dataset.objects.items():
        for field in (f for f in BY_NAME[name].fields if f.is_reference):
            for doc in docs:
                value = doc[field.name]
                refs = value if field.kind is Kind.REFS else [value]
                for ref in refs or []:
                    if ref is None:
                        continue
                    assert set(ref) == {"id"}, (name, field.name)
                    assert by_id[ref["id"]][0] == field.target, (name, field.name)


def test_contacts_and_audit_actors_exist(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    for name in ("buyer", "licensee"):
        for doc in dataset.objects[name]:
            assert by_id[doc["contact"]["user"]["id"]][0] == "user"
            assert set(doc["contact"]["user"]) == {"id"}
    for docs in dataset.objects.values():
        for doc in docs:
            events = [e for e in doc["audit"].values() if isinstance(e, dict)]
            actors = [e["by"] for e in events if "by" in e]
            assert actors
            for actor in actors:
                assert set(actor) == {"id"}
                assert by_id[actor["id"]][0] in ("user", "api_token")


def test_audit_timestamps_are_iso_and_updated_is_latest(dataset: Dataset) -> None:
    for docs in dataset.objects.values():
        for doc in docs:
            events = doc["audit"].values()
            moments = [e if isinstance(e, str) else e["at"] for e in events]
            assert all(_TIMESTAMP.match(m) for m in moments)
            assert doc["audit"]["created"]["at"] == min(moments)
            # `access` records a visit, not a change: only changes touch `updated`.
            changes = [e["at"] for e in events if isinstance(e, dict) and "by" in e]
            assert doc["audit"]["updated"]["at"] == max(changes)


def test_statuses_come_with_their_audit_events(dataset: Dataset) -> None:
    objects = dataset.objects
    for buyer in objects["buyer"]:
        if buyer["status"] in ("Disabled", "Deleted"):
            assert "disabled" in buyer["audit"]
        if buyer["status"] in ("Unassigned", "Conflict"):
            assert "unassigned" in buyer["audit"]
        if buyer["status"] == "Active":
            assert buyer["externalIds"]["erpCustomer"]
            assert "activated" in buyer["audit"]
        assert bool(buyer["errors"]) == (buyer["status"] in ("Mismatch", "Conflict"))
        assert all(set(e) == {"id", "message", "parameters"} for e in buyer["errors"])
    for link in objects["erp_link"]:
        assert ("blocked" in link["audit"]) >= (link["status"] == "Blocked")
    for licensee in objects["licensee"]:
        if licensee["status"] == "Disabled":
            assert "disabled" in licensee["audit"]
    for user in objects["user"]:
        pending = user["status"] in ("Invited", "InvitationExpired")
        assert ("invitationAcceptedAt" in user["audit"]) != pending


def test_buyer_sellers_match_its_erp_links(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    linked: dict[str, set[str]] = {}
    for link in dataset.objects["erp_link"]:
        linked.setdefault(link["buyer"]["id"], set()).add(link["seller"]["id"])
        buyer = by_id[link["buyer"]["id"]][1]
        seller = by_id[link["seller"]["id"]][1]
        assert link["name"] == f"{buyer['name']} - {seller['name']}"

    for buyer in dataset.objects["buyer"]:
        assert _ids(buyer["sellers"]) == linked.get(buyer["id"], set())
        assert buyer["account"] is not None


def test_licensees_use_their_accounts_buyer_and_a_linked_seller(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    for licensee in dataset.objects["licensee"]:
        buyer = by_id[licensee["buyer"]["id"]][1]
        assert buyer["account"] == licensee["account"]
        assert licensee["seller"] in buyer["sellers"]


def test_groups_and_memberships_agree(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    objects = dataset.objects
    members: dict[str, set[str]] = {}
    accounts_of: dict[str, set[str]] = {}
    for member in objects["account_user"]:
        account, user = member["account"]["id"], member["user"]["id"]
        groups = [by_id[g["id"]][1] for g in member["groups"]]
        assert groups
        assert all(g["account"]["id"] == account for g in groups)
        for group in groups:
            members.setdefault(group["id"], set()).add(user)
        accounts_of.setdefault(user, set()).add(account)
        granted = {m["id"] for g in groups for m in g["modules"]}
        assert _ids(member["modules"]) == granted
        # A group without a buyer list grants every buyer of the account.
        buyers = {b["id"] for b in objects["buyer"] if b["account"]["id"] == account}
        if all(g["buyers"] is not None for g in groups):
            buyers = {b["id"] for g in groups for b in g["buyers"]}
        assert _ids(member["buyers"]) == buyers

    for group in objects["user_group"]:
        assert _ids(group["users"]) == members.get(group["id"], set())
        owner = group["account"]["id"]
        for buyer in group["buyers"] or []:
            assert by_id[buyer["id"]][1]["account"]["id"] == owner
    for account in objects["account"]:
        groups = [
            g for g in objects["user_group"] if g["account"]["id"] == account["id"]
        ]
        assert _ids(account["groups"]) == {g["id"] for g in groups}
        assert sum(g["isDefault"] for g in groups) == 1
    for user in objects["user"]:
        assert _ids(user["accounts"]) == accounts_of[user["id"]]
        assert user["currentAccount"]["id"] in accounts_of[user["id"]]
    assert any(len(accounts) == 2 for accounts in accounts_of.values())


def test_no_secret_or_password_is_stored(dataset: Dataset) -> None:
    keys = set(_keys(dataset.objects))

    assert not {"token", "password", "secret"} & keys
    for token in dataset.objects["api_token"]:
        assert re.fullmatch(r"[0-9a-f]{64}", token["tokenHash"])


def test_demo_tokens_one_per_role_verify_against_their_hash(
    dataset: Dataset, by_id: dict[str, tuple[str, Doc]]
) -> None:
    assert [t.role for t in dataset.tokens] == ["Client", "Vendor", "Operations"]
    every_module = {m["id"] for m in dataset.objects["module"]}
    for token in dataset.tokens:
        assert token.bearer == f"idt:{token.token_id}:{token.secret}"
        assert re.fullmatch(r"[A-Za-z0-9]{32}", token.secret)
        resource, doc = by_id[token.token_id]
        assert resource == "api_token"
        assert doc["tokenHash"] == hashlib.sha256(token.secret.encode()).hexdigest()
        assert doc["status"] == "Active"
        assert _ids(doc["modules"]) == every_module
        assert doc["account"]["id"] == token.account_id
        assert by_id[token.account_id][1]["type"] == token.role


def test_demo_client_account_looks_rich(dataset: Dataset) -> None:
    client = next(t for t in dataset.tokens if t.role == "Client").account_id
    objects = dataset.objects

    def owned(name: str) -> list[Doc]:
        return [d for d in objects[name] if d["account"]["id"] == client]

    buyers = {b["id"] for b in owned("buyer")}
    links = [link for link in objects["erp_link"] if link["buyer"]["id"] in buyers]
    assert len(buyers) >= 3
    assert len(links) >= 3
    assert len(owned("licensee")) >= 3
    assert len(owned("account_user")) >= 3
    assert len(owned("user_group")) >= 3


def test_scale_multiplies_the_client_accounts(dataset: Dataset) -> None:
    tripled = build_dataset(3)

    def clients(data: Dataset) -> int:
        return sum(a["type"] == "Client" for a in data.objects["account"])

    assert clients(tripled) == 3 * clients(dataset)
    assert len(tripled.objects["module"]) == len(dataset.objects["module"])
    assert len(tripled.objects["seller"]) == len(dataset.objects["seller"])
    total, base = sum(tripled.counts().values()), sum(dataset.counts().values())
    assert 2.5 * base < total < 3.5 * base
    # The first clients do not depend on the scale: documented ids stay valid.
    assert tripled.objects["account"][:8] == dataset.objects["account"][:8]


def test_scale_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        build_dataset(0)
