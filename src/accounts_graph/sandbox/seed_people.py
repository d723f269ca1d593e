"""Accounts and their people in the demo dataset: users, memberships, groups, tokens.

An `Org` is one account under construction. `new_org` creates it; the functions
here add the people who work in it, the groups that grant them modules and
buyers, the memberships (account users) tying both together, and the account's
API tokens. `seed_buyers.py` adds a client's buyers and what hangs off them.
"""

import hashlib
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from accounts_graph.platform.enums import (
    AccountStatus,
    AccountType,
    ApiTokenStatus,
    InvitationStatus,
    ServiceLevel,
    UserStatus,
)
from accounts_graph.sandbox.seed_catalog import (
    COUNTRIES,
    GROUPS,
    TOKEN_USES,
    Company,
    Country,
)
from accounts_graph.sandbox.seed_draft import (
    DAY,
    HOUR,
    MINUTE,
    Doc,
    Draft,
    ascii_slug,
    audit,
    fill_digits,
    icon_path,
    iso,
    new_uuid,
    ref,
    refs,
    street_address,
)

# Most people are active; the rest walk every state of the user diagram once in a
# while. The first member of an account (its administrator) is always Active.
_USER_STATUSES = (
    UserStatus.ACTIVE,
    UserStatus.INVITED,
    UserStatus.ACTIVE,
    UserStatus.INVITATION_EXPIRED,
    UserStatus.ACTIVE,
    UserStatus.BLOCKED,
    UserStatus.ACTIVE,
    UserStatus.DISABLED,
    UserStatus.ACTIVE,
    UserStatus.DELETED,
)
_PENDING = {UserStatus.INVITED, UserStatus.INVITATION_EXPIRED}
_TOKEN_STATUSES = (
    ApiTokenStatus.ACTIVE,
    ApiTokenStatus.DISABLED,
    ApiTokenStatus.ACTIVE,
    ApiTokenStatus.DELETED,
)
_ALPHANUMERIC = string.ascii_letters + string.digits


@dataclass
class Member:
    """A user as one account sees them."""

    user: Doc
    invited: int
    inviter: str
    accepted: int | None  # None while the invitation is open or has expired


@dataclass
class Org:
    """An account under construction and what its objects need to refer to."""

    account: Doc
    kind: AccountType
    company: Company
    country: Country
    rng: random.Random
    born: int
    members: list[Member] = field(default_factory=list)
    groups: list[Doc] = field(default_factory=list)
    buyers: list[Doc] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.account["id"])

    @property
    def admin(self) -> str:
        return str(self.members[0].user["id"])

    def at(self, low_days: float, high_days: float) -> int:
        """A moment some days after the account was created."""
        return self.born + self.rng.randint(int(low_days * DAY), int(high_days * DAY))

    def actor(self) -> str:
        """Someone of the account who may act: an active member or an active token."""
        actors = [
            m.user["id"] for m in self.members if m.user["status"] == UserStatus.ACTIVE
        ]
        return str(self.rng.choice([*actors, *self.tokens]))


def token_hash(secret: str) -> str:
    """Hash an API token secret as the sandbox stores it: it never keeps secrets."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_org(
    draft: Draft,
    rng: random.Random,
    company: Company,
    kind: AccountType,
    born: int,
    by: str,
    status: AccountStatus | None = None,
    account_id: str | None = None,
) -> Org:
    """Create an account of a company (Active unless told) and its `Org`."""
    country = COUNTRIES[company.country]
    account_id = account_id or draft.mint("account", rng)
    status = status or AccountStatus.ACTIVE
    # A client gets its CDG (customer discount group) when activated; the CDG
    # stays assigned through Disabled. Vendors and Operations have none.
    cdg = kind == AccountType.CLIENT and status != AccountStatus.ENABLED
    city = rng.choice(country.cities)
    account: Doc = {
        "id": account_id,
        "name": company.name,
        "type": str(kind),
        "status": str(status),
        "icon": icon_path("accounts", account_id, rng),
        "description": f"{company.sector} company headquartered in {city.name}.",
        "externalId": fill_digits("CDG-#######", rng) if cdg else None,
        "externalName": f"{company.name} Group" if cdg else None,
        "externalIds": {"pyraTenantId": new_uuid(rng)} if cdg else None,
        "serviceLevel": str(ServiceLevel.NOT_APPLICABLE),
        "address": street_address(rng, country, city),
        "technicalSupportEmail": f"it-support@{company.domain}",
        "website": f"https://www.{company.domain}",
        "eligibility": {
            "client": kind != AccountType.VENDOR,
            "partner": kind != AccountType.CLIENT or rng.random() < 0.2,
        },
        "groups": [],
        "audit": audit((born, by), updated=(born + rng.randint(DAY, 90 * DAY), by)),
    }
    return Org(draft.add("account", account), kind, company, country, rng, born)


def contact_of(user: Doc) -> Doc:
    """Build a contact object (buyers, licensees) naming one of the account's users."""
    return {
        "name": user["name"],
        "firstName": user["firstName"],
        "lastName": user["lastName"],
        "email": user["email"],
        "phone": dict(user["phone"]),
        "user": ref(user["id"]),
    }


def add_users(
    draft: Draft, org: Org, count: int, inviter: str, first_id: str | None = None
) -> None:
    """Invite `count` people of the account's company into it, administrator first.

    `inviter` (an Operations user) invites the administrator, who invites the rest.
    `first_id` gives the administrator a fixed id: the Operations bootstrap user,
    who is its own inviter.
    """
    rng, country = org.rng, org.country
    for position in range(count):
        status = UserStatus.ACTIVE
        if position:
            status = draft.cycle("user", _USER_STATUSES)
        first, last = rng.choice(country.first_names), rng.choice(country.last_names)
        user_id = first_id if first_id and not position else draft.mint("user", rng)
        invited = org.born + (position + 1) * HOUR + rng.randrange(HOUR)
        accepted = None
        if status not in _PENDING:
            accepted = invited + rng.randint(10 * MINUTE, 3 * DAY)
        by = inviter if not position else org.admin

        user = {
            "id": user_id,
            "name": f"{first} {last}",
            "icon": icon_path("users", user_id, rng),
            "phone": {
                "prefix": country.phone_prefix,
                "number": fill_digits("7########", rng),
            },
            "email": _email(draft, first, last, org.company.domain),
            "firstName": first,
            "lastName": last,
            "status": str(status),
            "lastLoginAt": _last_login(rng, accepted),
            "settings": {
                "cultureCode": country.culture,
                "languageCode": country.culture[:2],
            },
            "accounts": [ref(org.id)],
            "currentAccount": ref(org.id),
            "audit": _user_audit(rng, status, (invited, by), accepted, inviter),
        }
        org.members.append(Member(draft.add("user", user), invited, by, accepted))


def add_guest(org: Org, guest: Member) -> None:
    """Make a user of another account a member of this one too (a consultant)."""
    invited = org.at(2, 20)
    org.members.append(Member(guest.user, invited, org.admin, invited + 2 * HOUR))
    guest.user["accounts"].append(ref(org.id))


def add_groups(
    draft: Draft, org: Org, count: int, modules: dict[str, str], creator: str
) -> None:
    """Create the account's first `count` groups; the first is its default group.

    `modules` maps module codes to ids for the modules this account type may use.
    The default group comes with the account (made by `creator`, Operations).
    """
    rng = org.rng
    for position, (name, description, codes, narrowed) in enumerate(
        GROUPS[org.kind][:count]
    ):
        group_id = draft.mint("user_group", rng)
        module_ids = (
            list(modules.values()) if codes is None else [modules[c] for c in codes]
        )
        buyers = None  # the platform's way to say "every buyer of the account"
        if narrowed and org.buyers:
            picked = rng.sample(org.buyers, rng.randint(1, max(1, len(org.buyers) - 1)))
            buyers = refs(b["id"] for b in org.buyers if b in picked)
        created = (
            (org.born + MINUTE, creator) if not position else (org.at(1, 3), org.admin)
        )
        logo = (
            f"/static/groups/{ascii_slug(name, '-')}.svg"
            if rng.random() < 0.4
            else None
        )

        group = {
            "id": group_id,
            "name": name,
            "description": description,
            "logo": logo,
            "isDefault": position == 0,
            "account": ref(org.id),
            "modules": refs(module_ids),
            "users": [],
            "buyers": buyers,
            "audit": audit(created, updated=(org.at(3, 40), org.admin)),
        }
        org.groups.append(draft.add("user_group", group))
    org.account["groups"] = refs(g["id"] for g in org.groups)


def add_memberships(draft: Draft, org: Org) -> None:
    """Create one account user per member, with groups, and fill the groups' users."""
    rng = org.rng
    for position, member in enumerate(org.members):
        groups = [org.groups[0]]  # the administrator sits in the default group
        if position:
            size = rng.randint(1, min(2, len(org.groups)))
            picked = rng.sample(org.groups, size)
            groups = [g for g in org.groups if g in picked]
        for group in groups:
            group["users"].append(ref(member.user["id"]))
        draft.add("account_user", _account_user(draft, org, member, groups))


def add_tokens(
    draft: Draft,
    org: Org,
    count: int,
    modules: Sequence[str],
    demo: tuple[str, str, Sequence[str]] | None = None,
) -> None:
    """Create `count` API tokens of the account, the documented demo token first.

    `demo` is (token id, secret, module ids): an Active token with fixed values.
    """
    rng = org.rng
    for position in range(count):
        if demo and not position:
            token_id, secret, module_ids = demo
            status = ApiTokenStatus.ACTIVE
            name, description = "Sandbox demo token", "Documented token for the demo."
        else:
            token_id = draft.mint("api_token", rng)
            secret = "".join(rng.choices(_ALPHANUMERIC, k=32))
            status = draft.cycle("api_token", _TOKEN_STATUSES)
            module_ids = rng.sample(list(modules), rng.randint(1, len(modules)))
            name, description = rng.choice(TOKEN_USES)
        created = org.at(2, 30)
        last_access = None
        if status != ApiTokenStatus.DELETED:
            last_access = iso(created + rng.randint(HOUR, 60 * DAY))

        token = {
            "id": token_id,
            "icon": None,
            "name": name,
            "description": description,
            "status": str(status),
            "tokenHash": token_hash(secret),
            "lastAccessAt": last_access,
            "account": ref(org.id),
            "modules": refs(module_ids),
            "audit": audit((created, org.admin), updated=(org.at(30, 60), org.admin)),
        }
        draft.add("api_token", token)
        if status == ApiTokenStatus.ACTIVE:
            org.tokens.append(token_id)


def _email(draft: Draft, first: str, last: str, domain: str) -> str:
    local = f"{ascii_slug(first)}.{ascii_slug(last)}"
    email, suffix = f"{local}@{domain}", 1
    while not draft.claim(email):
        suffix += 1
        email = f"{local}{suffix}@{domain}"
    return email


def _last_login(rng: random.Random, accepted: int | None) -> str | None:
    if accepted is None:
        return None
    return iso(accepted + rng.randint(HOUR, 90 * DAY))


def _user_audit(
    rng: random.Random,
    status: UserStatus,
    created: tuple[int, str],
    accepted: int | None,
    operator: str,
) -> Doc:
    # Blocking and deleting are Operations actions; the rest is the user's own doing.
    last_change = (accepted or created[0]) + rng.randint(HOUR, 30 * DAY)
    by = operator if status in (UserStatus.BLOCKED, UserStatus.DELETED) else created[1]
    result = audit(created, updated=(last_change, by))
    if accepted is not None:
        result["invitationAcceptedAt"] = iso(accepted)
    return result


def _account_user(draft: Draft, org: Org, member: Member, groups: list[Doc]) -> Doc:
    rng, user = org.rng, member.user
    status = user["status"] if user["status"] in _PENDING else InvitationStatus.ACTIVE
    url = None
    if member.accepted is None:
        url = f"https://portal.platform.softwareone.com/invitation/{rng.getrandbits(64):016x}"

    # What a member reaches is the union of what their groups grant; a group with
    # `buyers: None` grants every buyer of the account.
    all_buyers = [b["id"] for b in org.buyers]
    if any(g["buyers"] is None for g in groups):
        buyer_ids = all_buyers
    else:
        granted = {r["id"] for g in groups for r in g["buyers"]}
        buyer_ids = [b for b in all_buyers if b in granted]
    module_ids = list(dict.fromkeys(r["id"] for g in groups for r in g["modules"]))

    record = audit((member.invited, member.inviter), updated=(org.at(5, 60), org.admin))
    last_login = None
    if member.accepted is not None:
        last_login = _last_login(rng, member.accepted)
        record["joined"] = {"at": iso(member.accepted)}
        record["access"] = {"at": last_login}
        record["invitationAcceptedAt"] = iso(member.accepted)

    return {
        "id": draft.mint("account_user", rng),
        "user": ref(user["id"]),
        "account": ref(org.id),
        "groups": refs(g["id"] for g in groups),
        "buyers": refs(buyer_ids),
        "modules": refs(module_ids),
        "invitation": {"url": url, "status": str(status)},
        "lastLoginAt": last_login,
        "audit": record,
    }
