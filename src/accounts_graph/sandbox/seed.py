"""The sandbox's demo dataset: a deterministic, realistic tenant list as plain data.

`build_dataset(scale)` returns every object the sandbox stores, shaped as it keeps
them in SQLite (references as `{"id": ...}` only, API tokens as hashes), plus one
documented API token per role. The same scale always yields the same dataset;
`scale` multiplies the client accounts and everything under them.
"""

import hashlib
import random
import string
from dataclasses import dataclass
from typing import Any

from accounts_graph.platform.enums import (
    AccountStatus,
    AccountType,
    BuyerStatus,
    Role,
    ServiceLevel,
    UserStatus,
)
from accounts_graph.sandbox.seed_buyers import (
    BuyerPlan,
    add_buyers,
    add_licensees,
    add_links,
    add_tenants,
    plan_buyers,
)
from accounts_graph.sandbox.seed_catalog import (
    CLIENT,
    CLIENTS,
    COUNTRIES,
    MODULES,
    OPERATIONS,
    OPERATOR,
    SECTORS,
    SELLERS,
    STEMS,
    VENDOR,
    VENDORS,
    Company,
)
from accounts_graph.sandbox.seed_draft import (
    BASE_MS,
    DAY,
    HOUR,
    MINUTE,
    Doc,
    Draft,
    address,
    ascii_slug,
    audit,
    icon_path,
)
from accounts_graph.sandbox.seed_people import (
    Org,
    add_groups,
    add_guest,
    add_memberships,
    add_tokens,
    add_users,
    new_org,
)

CLIENTS_PER_SCALE = len(CLIENTS)

# Well-known ids, fixed so documentation and tests can name them.
OPERATIONS_ACCOUNT_ID = "ACC-1671-0642"
VENDOR_ACCOUNT_ID = "ACC-3102-8586"
CLIENT_ACCOUNT_ID = "ACC-4402-1307"
OPERATOR_USER_ID = "USR-3773-5838"
DEMO_TOKEN_IDS: dict[Role, str] = {
    Role.CLIENT: "TKN-0000-0001",
    Role.VENDOR: "TKN-0000-0002",
    Role.OPERATIONS: "TKN-0000-0003",
}

_SEED = "accounts-graph/sandbox/demo"
_ALPHANUMERIC = string.ascii_letters + string.digits

_CLIENT_STATUSES = (
    AccountStatus.ACTIVE,
    AccountStatus.ENABLED,
    AccountStatus.ACTIVE,
    AccountStatus.ACTIVE,
    AccountStatus.DISABLED,
    AccountStatus.ACTIVE,
)
_SERVICE_LEVELS = (
    ServiceLevel.ELITE,
    ServiceLevel.EXPRESS,
    ServiceLevel.FOCUS,
    ServiceLevel.DSC,
    ServiceLevel.RUNNERS,
    ServiceLevel.STRATEGICS,
)
# The demo client is what a first query shows: mostly healthy, one disabled buyer.
_DEMO_BUYERS: BuyerPlan = (
    ("US", BuyerStatus.ACTIVE),
    ("GB", BuyerStatus.ACTIVE),
    ("DE", BuyerStatus.ACTIVE),
    ("CH", BuyerStatus.DISABLED),
)
# Licensees per activated buyer: they carry most of the dataset's volume, sized so
# that scale 100 holds about 100,000 objects.
_LICENSEES = (12, 42)
_QUALIFIERS = ("", " Group", " Partners", " Holdings", " International", " Solutions")
# Successive multiples of the golden ratio fill an interval evenly whatever their
# number, so clients spread over eight months at any scale without depending on it.
_GOLDEN = 0.6180339887498949
_CLIENT_SPREAD = 240 * DAY


@dataclass(frozen=True)
class DemoToken:
    """A documented API token of the sandbox: its bearer string is public."""

    role: str
    token_id: str
    account_id: str
    secret: str
    bearer: str


@dataclass(frozen=True)
class Dataset:
    """Every stored object by resource name, plus the demo tokens (one per role)."""

    objects: dict[str, list[dict[str, Any]]]
    tokens: tuple[DemoToken, ...]

    def counts(self) -> dict[str, int]:
        """Return how many objects each resource holds."""
        return {name: len(docs) for name, docs in self.objects.items()}


def demo_secret(role: str) -> str:
    """Return the documented secret of a role's demo token: 32 letters and digits.

    Derived from a constant so it never changes between builds or releases.
    """
    number = int.from_bytes(hashlib.sha256(f"{_SEED}/{role}".encode()).digest())
    chars = []
    for _ in range(32):
        number, digit = divmod(number, len(_ALPHANUMERIC))
        chars.append(_ALPHANUMERIC[digit])
    return "".join(chars)


def demo_tokens() -> tuple[DemoToken, ...]:
    """Return the demo tokens (Client, Vendor, Operations) without building data."""
    owners = {
        Role.CLIENT: CLIENT_ACCOUNT_ID,
        Role.VENDOR: VENDOR_ACCOUNT_ID,
        Role.OPERATIONS: OPERATIONS_ACCOUNT_ID,
    }
    tokens = []
    for role, token_id in DEMO_TOKEN_IDS.items():
        secret = demo_secret(role.value)
        bearer = f"idt:{token_id}:{secret}"
        tokens.append(DemoToken(role.value, token_id, owners[role], secret, bearer))
    return tuple(tokens)


@dataclass
class _Platform:
    """What every account's builder reads: the catalogue and the operators."""

    draft: Draft
    modules: dict[AccountType, dict[str, str]]  # per account type: code -> id
    sellers: dict[str, Doc]  # external id ("SWO_CH") -> seller
    operators: list[str]  # active Operations users, who act for the platform

    def demo_grant(self, token: DemoToken | None) -> tuple[str, str, list[str]] | None:
        """Give what `add_tokens` needs of a demo token: id, secret, every module."""
        if token is None:
            return None
        every_module = [doc["id"] for doc in self.draft.objects["module"]]
        return token.token_id, token.secret, every_module


def build_dataset(scale: int = 1) -> Dataset:
    """Build the demo dataset; `scale` multiplies the client accounts.

    Raises:
        ValueError: when `scale` is below 1.
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    draft = Draft()
    for fixed in (OPERATIONS_ACCOUNT_ID, VENDOR_ACCOUNT_ID, CLIENT_ACCOUNT_ID):
        draft.reserve(fixed)
    for fixed in (OPERATOR_USER_ID, *DEMO_TOKEN_IDS.values()):
        draft.reserve(fixed)
    rng = random.Random(f"{_SEED}/platform")
    platform = _Platform(draft, _add_modules(draft, rng), _add_sellers(draft, rng), [])
    tokens = {Role(t.role): t for t in demo_tokens()}

    operations = _add_operator(platform, tokens[Role.OPERATIONS])
    platform.operators = [
        m.user["id"]
        for m in operations.members
        if m.user["status"] == UserStatus.ACTIVE
    ]
    for index, company in enumerate(VENDORS):
        demo = tokens[Role.VENDOR] if not index else None
        _add_vendor(platform, index, company, demo)
    previous: Org | None = None
    for index in range(CLIENTS_PER_SCALE * scale):
        demo = tokens[Role.CLIENT] if not index else None
        previous = _add_client(platform, index, previous, demo)

    return Dataset(draft.objects, tuple(tokens.values()))


def _add_operator(platform: _Platform, token: DemoToken) -> Org:
    draft = platform.draft
    rng = random.Random(f"{_SEED}/operations")
    # SoftwareOne's own account: its first user bootstraps everything, itself too.
    founder, fixed_id = OPERATOR_USER_ID, OPERATIONS_ACCOUNT_ID
    org = new_org(draft, rng, OPERATOR, OPERATIONS, BASE_MS, founder, None, fixed_id)
    org.account["address"] = dict(platform.sellers["SWO_CH"]["address"])
    org.account["description"] = "Operates the SoftwareOne Marketplace platform."
    add_users(draft, org, 5, OPERATOR_USER_ID, first_id=OPERATOR_USER_ID)
    add_groups(draft, org, 3, platform.modules[OPERATIONS], OPERATOR_USER_ID)
    add_memberships(draft, org)
    modules = list(platform.modules[OPERATIONS].values())
    add_tokens(draft, org, 2, modules, platform.demo_grant(token))
    return org


def _add_vendor(
    platform: _Platform, index: int, company: Company, token: DemoToken | None
) -> None:
    draft = platform.draft
    rng = random.Random(f"{_SEED}/vendor/{index}")
    operator = rng.choice(platform.operators)
    # The last vendor left the platform: it shows a Disabled vendor account.
    status = AccountStatus.DISABLED if index == len(VENDORS) - 1 else None
    born = BASE_MS + (2 + index) * DAY
    fixed_id = VENDOR_ACCOUNT_ID if token else None
    org = new_org(draft, rng, company, VENDOR, born, operator, status, fixed_id)
    org.account["description"] = f"{company.stem} sells through the Marketplace."
    users = 4 if token else rng.randint(2, 5)
    groups = 3 if token else rng.randint(2, 3)
    tokens = 2 if token else rng.randint(1, 2)

    add_users(draft, org, users, operator)
    add_groups(draft, org, groups, platform.modules[VENDOR], operator)
    add_memberships(draft, org)
    modules = list(platform.modules[VENDOR].values())
    add_tokens(draft, org, tokens, modules, platform.demo_grant(token))


def _add_client(
    platform: _Platform, index: int, previous: Org | None, token: DemoToken | None
) -> Org:
    draft = platform.draft
    rng = random.Random(f"{_SEED}/client/{index}")
    company = CLIENTS[index] if index < len(CLIENTS) else _compose(draft, rng, index)
    status = AccountStatus.ACTIVE if token else draft.cycle("account", _CLIENT_STATUSES)
    born = BASE_MS + 7 * DAY + int((index * _GOLDEN) % 1.0 * _CLIENT_SPREAD)
    operator = rng.choice(platform.operators)
    fixed_id = CLIENT_ACCOUNT_ID if token else None
    org = new_org(draft, rng, company, CLIENT, born, operator, status, fixed_id)
    org.account["serviceLevel"] = str(draft.cycle("service_level", _SERVICE_LEVELS))

    demo = token is not None
    # Every fourth client shares a consultant with the one before (users in two
    # accounts exercise `User.accounts`); it keeps to four own users, 2-5 in all.
    guest = previous.members[0] if previous is not None and index % 4 == 1 else None
    users = 5 if demo else rng.randint(2, 4 if guest else 5)
    groups = 3 if demo else rng.randint(2, 3)
    tokens = 2 if demo else rng.randint(1, 2)

    add_users(draft, org, users, operator)
    add_buyers(draft, org, _DEMO_BUYERS if demo else plan_buyers(draft, org), operator)
    add_groups(draft, org, groups, platform.modules[CLIENT], operator)
    if guest is not None:
        add_guest(org, guest)
    add_memberships(draft, org)
    modules = list(platform.modules[CLIENT].values())
    add_tokens(draft, org, tokens, modules, platform.demo_grant(token))

    links = add_links(draft, org, platform.sellers, operator, hub=demo)
    add_licensees(draft, org, links, *_LICENSEES)
    if demo or index % 3 != 2:
        add_tenants(draft, org, 3 if demo else rng.randint(1, 3), operator)
    return org


def _compose(draft: Draft, rng: random.Random, index: int) -> Company:
    """Invent a client beyond the hand-written ones (scale > 1)."""
    country = COUNTRIES[rng.choice(sorted(COUNTRIES))]
    for _ in range(20):
        sector = rng.choice(SECTORS)
        stem = f"{rng.choice(STEMS)} {sector}{rng.choice(_QUALIFIERS)}"
        if draft.claim(f"company:{stem}"):
            break
    else:  # the word lists ran dry at this scale: number the name
        stem = f"{stem} {index}"
        draft.claim(f"company:{stem}")
    domain = f"{ascii_slug(stem, '-')}.{country.tld}"
    return Company(f"{stem} {country.suffix}", stem, country.code, domain, sector)


def _add_modules(draft: Draft, rng: random.Random) -> dict[AccountType, dict[str, str]]:
    usable: dict[AccountType, dict[str, str]] = {kind: {} for kind in AccountType}
    for position, module in enumerate(MODULES):
        module_id = draft.mint("module", rng)
        types = [str(kind) for kind in module.account_types]
        created = BASE_MS + 2 * HOUR + position * MINUTE
        doc = {
            "id": module_id,
            "name": module.name,
            "description": module.description,
            "paid": module.paid,
            "filters": {"group.buyers": ["selected", "all"]}
            if module.per_buyer
            else {},
            "settings": {
                "sharedAccount": False,
                "configurable": module.configurable,
                "default": module.default,
                "paid": module.paid,
                "type": types,
            },
            "code": module.code,
            "isConfigurable": module.configurable,
            "isEnabledByDefault": module.default,
            "accountTypes": types,
            "audit": audit((created, OPERATOR_USER_ID)),
        }
        draft.add("module", doc)
        for kind in module.account_types:
            usable[kind][module.code] = module_id
    return usable


def _add_sellers(draft: Draft, rng: random.Random) -> dict[str, Doc]:
    sellers: dict[str, Doc] = {}
    last_groups: set[str] = set()
    for position, seller in enumerate(SELLERS):
        # ERP link ids end with the seller's last group: keep those unique.
        seller_id = draft.mint("seller", rng)
        while seller_id[-4:] in last_groups:
            seller_id = draft.mint("seller", rng)
        last_groups.add(seller_id[-4:])
        created = BASE_MS + DAY + position * HOUR
        changed = None
        if seller.status != "Active":
            changed = (created + rng.randint(30, 200) * DAY, OPERATOR_USER_ID)
        office = address(
            seller.street,
            seller.post_code,
            seller.city,
            seller.state,
            seller.country,
            None,
        )
        doc = {
            "id": seller_id,
            "name": seller.name,
            "externalId": seller.external_id,
            "icon": icon_path("sellers", seller_id, rng),
            "status": seller.status,
            "currencies": list(seller.currencies),
            "address": office,
            "erpLink": None,  # a seller has many links; the platform fills none here
            "audit": audit((created, OPERATOR_USER_ID), updated=changed),
        }
        sellers[seller.external_id] = draft.add("seller", doc)
    return sellers
