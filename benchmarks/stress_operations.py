"""What the stress clients send, what they were told, and the read-back that
checks nothing acknowledged was lost.

Each client owns one user group and one API token, which only it renames and
describes, and creates new groups and tokens now and then. A write counts as
acknowledged when its payload comes back with the object and no `errors`.
"""

import asyncio
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

# What the sandbox's fault injection writes as the detail of its answers.
INJECTED = "The sandbox injected this fault."

QUERIES = {
    "viewer": "{ viewer { role account { id name } } }",
    # Nothing here lists what the run creates: answers keep their size, so
    # memory can level off (the groups query pages the created groups by 20).
    "walk": """{ accounts(first: 5) { nodes { id name
        users { id user { id name } groups { id name } }
        buyers { id name erpLinks { id seller { id name } } } } } }""",
    "buyers": """{ buyers(first: 20) { totalCount
        nodes { id name status account { id name } } } }""",
    "own group": "query($id: ID!) { userGroup(id: $id) { id name description } }",
    "groups": """{ userGroups(first: 20, filter: {name: {startsWith: "stress "}})
        { totalCount nodes { id name } } }""",
}
_ERRORS = "errors { code message field }"
MUTATIONS = {
    "rename group": f"""mutation($id: ID!, $name: String!) {{
        updateUserGroup(id: $id, input: {{name: $name, moduleIds: []}})
        {{ {_ERRORS} userGroup {{ id name }} }} }}""",
    "describe token": f"""mutation($id: ID!, $name: String!, $text: String!) {{
        updateApiToken(id: $id, input: {{name: $name, description: $text}})
        {{ {_ERRORS} apiToken {{ id description }} }} }}""",
    "create group": f"""mutation($name: String!, $account: ID!) {{
        createUserGroup(input: {{name: $name, accountId: $account, moduleIds: []}})
        {{ {_ERRORS} userGroup {{ id name }} }} }}""",
    "create token": f"""mutation($name: String!, $account: ID!) {{
        createApiToken(input: {{name: $name, accountId: $account}})
        {{ {_ERRORS} apiToken {{ id name }} }} }}""",
}
# Relative weights: about half the requests are mutations.
WEIGHTS = {
    "viewer": 8,
    "walk": 10,
    "buyers": 14,
    "own group": 12,
    "groups": 11,
    "rename group": 20,
    "describe token": 15,
    "create group": 5,
    "create token": 5,
}


@dataclass
class Tally:
    """Everything the clients saw, shared by all of them."""

    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)
    injected_seen: int = 0
    # Upstream trouble without the injected detail (a timeout, say), by message.
    other_upstream: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    # Answers no fault explains (a bad request of ours, a user error, a bug).
    unexpected: int = 0
    surprises: list[str] = field(default_factory=list)

    def surprise(self, text: str) -> None:
        self.unexpected += 1
        if len(self.surprises) < 10:
            self.surprises.append(text[:400])


@dataclass
class Owned:
    """One object a single client writes: every value it sent, in order, and
    whether each was acknowledged."""

    id: str
    attribute: str
    sent: list[tuple[str, bool]] = field(default_factory=list)

    def lost(self, stored: Any) -> bool:
        """Tell whether the stored value contradicts what was acknowledged.

        It must be the last acknowledged value, or one sent after it that was
        not acknowledged (a write the facade gave up on may still have landed).
        """
        last = max((i for i, (_, ok) in enumerate(self.sent) if ok), default=-1)
        if last < 0:
            return False
        allowed = {value for value, _ in self.sent[last:]}
        return stored not in allowed


@dataclass
class Client:
    """One of the concurrent clients: its token, account and objects."""

    index: int
    headers: dict[str, str]
    account: str
    rng: random.Random
    group: Owned | None = None
    token: Owned | None = None
    created: dict[str, tuple[str, str]] = field(default_factory=dict)
    steps: int = 0


async def post(
    http: httpx.AsyncClient,
    tally: Tally | None,
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
) -> Any:
    """Post one operation; count its status and error codes; return the body.

    Returns None when the answer is not a GraphQL answer at all.
    """
    payload = orjson.dumps({"query": query, "variables": variables or {}})
    headers = {**headers, "Content-Type": "application/json"}
    try:
        response = await http.post("/graphql", content=payload, headers=headers)
    except httpx.HTTPError as error:
        if tally is not None:
            tally.codes[f"client {type(error).__name__}"] += 1
        return None
    if tally is not None:
        tally.statuses[response.status_code] += 1
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        if tally is not None:
            tally.surprise(f"{response.status_code}: {response.text}")
        return None
    for problem in body.get("errors") or []:
        extensions = problem.get("extensions") or {}
        code = extensions.get("code", "NO CODE")
        if tally is not None:
            tally.codes[code] += 1
            upstream = extensions.get("upstream") or {}
            injected = upstream.get("detail") == INJECTED
            tally.injected_seen += injected
            if code not in ("UPSTREAM_ERROR", "UPSTREAM_UNAVAILABLE"):
                tally.surprise(f"{code}: {problem.get('message')}")
            elif not injected:
                tally.other_upstream[f"{code}: {problem.get('message')}"] += 1
    return body


def payload_of(body: Any, mutation: str, tally: Tally | None) -> Any:
    """Return the mutated object when the write was acknowledged, else None."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return None
    result = body["data"].get(mutation)
    if not isinstance(result, dict):
        return None
    if result.get("errors"):
        if tally is not None:
            for error in result["errors"]:
                tally.codes[f"user error {error.get('code')}"] += 1
                tally.surprise(f"user error: {error}")
        return None
    return next((v for k, v in result.items() if k != "errors" and v), None)


async def create_owned(http: httpx.AsyncClient, client: Client) -> None:
    """Create the client's own group and token, retrying past injected faults."""
    for kind, mutation, name in (
        ("create group", "createUserGroup", f"stress c{client.index} group"),
        ("create token", "createApiToken", f"stress c{client.index} token"),
    ):
        for _ in range(50):
            variables = {"name": name, "account": client.account}
            body = await post(http, None, client.headers, MUTATIONS[kind], variables)
            created = payload_of(body, mutation, None)
            if created is not None:
                break
        else:
            raise RuntimeError(f"client {client.index} could not {kind}")
        if mutation == "createUserGroup":
            client.group = Owned(created["id"], "name", [(name, True)])
        else:
            client.token = Owned(created["id"], "description", [])


async def step(http: httpx.AsyncClient, client: Client, tally: Tally) -> None:
    """Send one operation chosen by the weights, and note what it was told."""
    assert client.group is not None and client.token is not None
    kind = client.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    client.steps += 1
    tally.operations[kind] += 1
    label = f"stress c{client.index} s{client.steps}"
    if kind in QUERIES:
        variables = {"id": client.group.id} if kind == "own group" else None
        await post(http, tally, client.headers, QUERIES[kind], variables)
        return
    if kind == "rename group":
        owned, mutation = client.group, "updateUserGroup"
        variables = {"id": owned.id, "name": label}
    elif kind == "describe token":
        owned, mutation = client.token, "updateApiToken"
        # The platform's PUT wants the name again, whatever the input type says.
        name = f"stress c{client.index} token"
        variables = {"id": owned.id, "name": name, "text": label}
    else:
        mutation = "createUserGroup" if kind == "create group" else "createApiToken"
        variables = {"name": label, "account": client.account}
        body = await post(http, tally, client.headers, MUTATIONS[kind], variables)
        created = payload_of(body, mutation, tally)
        if created is not None:
            tally.acknowledged[kind] += 1
            client.created[created["id"]] = (kind, label)
        return
    owned.sent.append((label, False))
    body = await post(http, tally, client.headers, MUTATIONS[kind], variables)
    if payload_of(body, mutation, tally) is not None:
        owned.sent[-1] = (label, True)
        tally.acknowledged[kind] += 1


READ_BACK = {
    "userGroups": "query($ids: [ID!]!) { userGroups(first: 100, "
    "filter: {id: {in: $ids}}) { nodes { id name } } }",
    "apiTokens": "query($ids: [ID!]!) { apiTokens(first: 100, "
    "filter: {id: {in: $ids}}) { nodes { id name description } } }",
}


async def read_back(
    http: httpx.AsyncClient, headers: dict[str, str], root: str, ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Read objects by id, 100 at a time, each batch retried until it answers
    without error (the faults are still on)."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        body = None
        for attempt in range(60):
            body = await post(http, None, headers, READ_BACK[root], {"ids": chunk})
            if isinstance(body, dict) and not body.get("errors"):
                found.update((n["id"], n) for n in body["data"][root]["nodes"])
                break
            await asyncio.sleep(0.05 * attempt)
        else:
            raise RuntimeError(f"{root} could not be read back: {body}"[:2000])
    return found


async def lost_writes(
    http: httpx.AsyncClient, headers: dict[str, str], clients: list[Client]
) -> tuple[int, list[str]]:
    """Read every written object back as Operations; return how many writes
    were checked and a description of each lost one."""
    groups = [c.group for c in clients if c.group]
    tokens = [c.token for c in clients if c.token]
    created = {i: made for c in clients for i, made in c.created.items()}
    group_ids = [g.id for g in groups] + [
        i for i, (kind, _) in created.items() if kind == "create group"
    ]
    token_ids = [t.id for t in tokens] + [
        i for i, (kind, _) in created.items() if kind == "create token"
    ]
    stored = await read_back(http, headers, "userGroups", group_ids)
    stored |= await read_back(http, headers, "apiTokens", token_ids)

    lost: list[str] = []
    for owned in [*groups, *tokens]:
        value = (stored.get(owned.id) or {}).get(owned.attribute)
        if owned.lost(value):
            lost.append(f"{owned.id}.{owned.attribute} is {value!r}")
    for object_id, (kind, name) in created.items():
        if (stored.get(object_id) or {}).get("name") != name:
            lost.append(f"{kind} {object_id} ({name}) missing")
    checked = sum(ok for o in [*groups, *tokens] for _, ok in o.sent) + len(created)
    return checked, lost
