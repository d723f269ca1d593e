"""A client's business in the demo dataset: buyers, ERP links, licensees, tenants.

Buyers first (groups and memberships narrow to them), then per buyer its ERP links to
SoftwareOne sellers and the licensees placed under those links. Statuses rotate so
that every value of every enum appears, and each status comes with the audit events
the platform's state diagrams imply (a disabled buyer has `audit.disabled`, ...).
"""

import random
from collections.abc import Sequence

from accounts_graph.platform.enums import (
    BuyerStatus,
    CloudTenantStatus,
    CloudTenantType,
    ErpLinkStatus,
    LicenseeStatus,
)
from accounts_graph.sandbox.seed_catalog import (
    COUNTRIES,
    DEPARTMENTS,
    ENVIRONMENTS,
    HUB_SELLERS,
    TENANT_LABELS,
    Country,
)
from accounts_graph.sandbox.seed_draft import (
    DAY,
    HOUR,
    MINUTE,
    Doc,
    Draft,
    audit,
    fill_digits,
    icon_path,
    new_uuid,
    ref,
    refs,
    street_address,
)
from accounts_graph.sandbox.seed_people import Org, contact_of

BuyerPlan = Sequence[tuple[str, BuyerStatus]]  # (country code, status) per buyer

_BUYER_STATUSES = (
    BuyerStatus.ACTIVE,
    BuyerStatus.ACTIVE,
    BuyerStatus.ENABLED,
    BuyerStatus.ACTIVE,
    BuyerStatus.DISABLED,
    BuyerStatus.ACTIVE,
    BuyerStatus.UNASSIGNED,
    BuyerStatus.ACTIVE,
    BuyerStatus.MISMATCH,
    BuyerStatus.ACTIVE,
    BuyerStatus.CONFLICT,
    BuyerStatus.ACTIVE,
    BuyerStatus.DELETED,
)
# Buyers that went through activation, and those the ERP sync brought in unassigned.
_ACTIVATED = {
    BuyerStatus.ACTIVE,
    BuyerStatus.DISABLED,
    BuyerStatus.MISMATCH,
    BuyerStatus.DELETED,
}
_IMPORTED = {BuyerStatus.UNASSIGNED, BuyerStatus.CONFLICT}
_LINK_STATUSES = (ErpLinkStatus.ACTIVE,) * 6 + (ErpLinkStatus.BLOCKED,)
_LICENSEE_STATUSES = (
    *(LicenseeStatus.ACTIVE,) * 5,
    LicenseeStatus.DISABLED,
    *(LicenseeStatus.ACTIVE,) * 3,
    LicenseeStatus.DELETED,
)
_TENANT_STATUSES = (
    CloudTenantStatus.ACTIVE,
    CloudTenantStatus.ACTIVE,
    CloudTenantStatus.DISABLED,
    CloudTenantStatus.ACTIVE,
    CloudTenantStatus.DELETED,
)
_MICROSOFT = {"Csp365", "CspAzure", "Ea365", "EaAzure"}
_AWS = {"AwsDirect", "AwsService"}


def plan_buyers(draft: Draft, org: Org) -> BuyerPlan:
    """Draw 2-4 buyers: one at home, the others in distinct foreign countries."""
    rng = org.rng
    abroad = [code for code in COUNTRIES if code != org.country.code]
    codes = [org.country.code, *rng.sample(abroad, rng.randint(1, 3))]
    return [(code, draft.cycle("buyer", _BUYER_STATUSES)) for code in codes]


def add_buyers(draft: Draft, org: Org, plan: BuyerPlan, operator: str) -> None:
    """Create the account's buyers; Operations (`operator`) creates and activates."""
    for code, status in plan:
        org.buyers.append(
            draft.add("buyer", _buyer(draft, org, code, status, operator))
        )


def add_links(
    draft: Draft, org: Org, sellers: dict[str, Doc], operator: str, hub: bool
) -> list[Doc]:
    """Link every buyer but the Enabled ones to its country's seller, some to a hub.

    `hub` forces a second link on the first buyer (the demo client shows one).
    Fills each buyer's `sellers` from its links and returns the links.
    """
    rng, links = org.rng, []
    for position, buyer in enumerate(org.buyers):
        chosen: list[Doc] = []
        # An Enabled buyer was created by hand and never synchronised: no ERP link.
        if buyer["status"] != BuyerStatus.ENABLED:
            chosen.append(sellers[f"SWO_{buyer['address']['country']}"])
            if (hub and not position) or rng.random() < 0.35:
                others = [
                    sellers[h] for h in HUB_SELLERS if sellers[h] is not chosen[0]
                ]
                chosen.append(rng.choice(others))
        for rank, seller in enumerate(chosen):
            links.append(_link(draft, org, buyer, seller, rank, operator))
        buyer["sellers"] = refs(s["id"] for s in chosen)
    return links


def add_licensees(
    draft: Draft, org: Org, links: list[Doc], low: int, high: int
) -> None:
    """Place `low`..`high` licensees under every activated buyer's links."""
    rng = org.rng
    for buyer in org.buyers:
        own = [link for link in links if link["buyer"]["id"] == buyer["id"]]
        if buyer["status"] not in _ACTIVATED or not own:
            continue
        country = COUNTRIES[buyer["address"]["country"]]
        slots = len(country.cities) * len(DEPARTMENTS)
        for number, slot in enumerate(rng.sample(range(slots), rng.randint(low, high))):
            link = rng.choice(own)
            licensee = _licensee(draft, org, buyer, link, country, slot, number)
            draft.add("licensee", licensee)


def add_tenants(draft: Draft, org: Org, count: int, operator: str) -> None:
    """Create cloud tenants of the account (an Operations-only collection)."""
    rng = org.rng
    for _ in range(count):
        kind = draft.cycle("tenant_type", tuple(CloudTenantType))
        status = draft.cycle("tenant_status", _TENANT_STATUSES)
        provider = None
        if kind in _MICROSOFT:
            provider = new_uuid(rng)  # the Entra tenant id
        elif kind in _AWS:
            provider = fill_digits("############", rng)  # the AWS account number
        created = org.at(5, 60)
        environment = rng.choice(ENVIRONMENTS)
        tenant = {
            "id": draft.mint("cloud_tenant", rng),
            "name": f"{org.company.stem} {TENANT_LABELS[kind]} {environment}",
            "status": str(status),
            "type": str(kind),
            "account": ref(org.id),
            "externalIds": {
                "pyraTenantId": new_uuid(rng),
                "cloudConsumptionId": new_uuid(rng),
                "providerId": provider,
            },
            "audit": audit((created, operator), updated=(org.at(60, 90), operator)),
        }
        draft.add("cloud_tenant", tenant)


def _buyer(
    draft: Draft, org: Org, code: str, status: BuyerStatus, operator: str
) -> Doc:
    rng, country = org.rng, COUNTRIES[code]
    buyer_id = draft.mint("buyer", rng)
    city = rng.choice(country.cities)
    created = org.at(0.2, 10)

    events = []
    if status in _ACTIVATED:
        events.append(("activated", created + rng.randint(HOUR, 5 * DAY), operator))
    if status in _IMPORTED:
        events.append(("unassigned", created + rng.randint(MINUTE, HOUR), operator))
    if status in (BuyerStatus.DISABLED, BuyerStatus.DELETED):
        events.append(("disabled", created + rng.randint(6 * DAY, 40 * DAY), org.admin))

    external = None  # an Enabled buyer was never matched with an ERP customer
    if status != BuyerStatus.ENABLED:
        external = {
            "erpCompanyContact": fill_digits(f"{code}-CON-######", rng),
            "erpCustomer": fill_digits(f"{code}-CUS-######", rng),
            # The ERP sync imports customers before anyone assigns their account.
            "accountExternalId": None
            if status in _IMPORTED
            else org.account["externalId"],
        }

    return {
        "id": buyer_id,
        "name": f"{org.company.stem} {country.word} {country.suffix}",
        "icon": icon_path("buyers", buyer_id, rng),
        "status": str(status),
        "taxId": fill_digits(country.tax_id, rng),
        "address": street_address(rng, country, city),
        "contact": contact_of(rng.choice(org.members).user),
        "externalIds": external,
        "account": ref(org.id),
        "sellers": [],
        "errors": _errors(rng, status, country, city.post_code, external),
        "audit": audit((created, operator), events, (org.at(40, 80), org.admin)),
    }


def _errors(
    rng: random.Random,
    status: BuyerStatus,
    country: Country,
    post_code: str,
    external: Doc | None,
) -> list[Doc]:
    # The ERP sync explains what it found; only Operations reads these.
    if status == BuyerStatus.MISMATCH:
        erp_value = rng.choice(
            [c.post_code for c in country.cities if c.post_code != post_code]
        )
        return [
            {
                "id": "BUY-E001",
                "message": "The buyer's address differs from its address in the ERP.",
                "parameters": {
                    "field": "address.postCode",
                    "platformValue": post_code,
                    "erpValue": erp_value,
                },
            }
        ]
    if status == BuyerStatus.CONFLICT and external is not None:
        return [
            {
                "id": "BUY-E002",
                "message": "Another buyer already uses this ERP customer.",
                "parameters": {"erpCustomer": external["erpCustomer"]},
            }
        ]
    return []


def _link(
    draft: Draft, org: Org, buyer: Doc, seller: Doc, rank: int, operator: str
) -> Doc:
    rng = org.rng
    # The platform's ERP link ids read as the buyer's digits plus the seller's last
    # group; a buyer links to a seller once, so the id is unique.
    link_id = f"ERP-{buyer['id'][4:]}-{seller['id'][-4:]}"
    draft.reserve(link_id)
    status = ErpLinkStatus.BLOCKED
    if buyer["status"] != BuyerStatus.DELETED:
        status = draft.cycle("erp_link", _LINK_STATUSES)
    created = org.at(10, 12)

    events, note = [], None
    if status == ErpLinkStatus.BLOCKED:
        events.append(("blocked", created + rng.randint(DAY, 30 * DAY), operator))
        note = f"Blocked in {seller['externalId']}: customer on credit hold."
    elif rng.random() < 0.15:
        blocked = created + rng.randint(DAY, 10 * DAY)
        events.append(("blocked", blocked, operator))
        events.append(("unblocked", blocked + rng.randint(HOUR, 5 * DAY), operator))
        note = "Credit hold lifted after payment."
    elif rng.random() < 0.2:
        note = "Migrated from the legacy ERP."

    # The first link carries the buyer's own ERP ids; others are its ids in that
    # seller's ERP.
    external = dict(buyer["externalIds"])
    if rank:
        country = seller["externalId"][-2:]
        external["erpCompanyContact"] = fill_digits(f"{country}-CON-######", rng)
        external["erpCustomer"] = fill_digits(f"{country}-CUS-######", rng)

    link = {
        "id": link_id,
        "name": f"{buyer['name']} - {seller['name']}",
        "status": str(status),
        "icon": icon_path("erp-links", link_id, rng),
        "note": note,
        "buyer": ref(buyer["id"]),
        "seller": ref(seller["id"]),
        "externalIds": external,
        "address": dict(buyer["address"]),
        "audit": audit((created, operator), events),
    }
    return draft.add("erp_link", link)


def _licensee(
    draft: Draft,
    org: Org,
    buyer: Doc,
    link: Doc,
    country: Country,
    slot: int,
    number: int,
) -> Doc:
    rng = org.rng
    licensee_id = draft.mint("licensee", rng)
    city = country.cities[slot % len(country.cities)]
    department = DEPARTMENTS[slot // len(country.cities)]

    # A licensee follows its buyer and ERP link (see the licensee state diagram).
    if buyer["status"] == BuyerStatus.DELETED:
        status = LicenseeStatus.DELETED
    elif buyer["status"] == BuyerStatus.DISABLED:
        status = LicenseeStatus.DISABLED
    elif link["status"] == ErpLinkStatus.BLOCKED:
        status = LicenseeStatus.ENABLED
    else:
        status = draft.cycle("licensee", _LICENSEE_STATUSES)
    created = org.at(15, 45)
    events = []
    if status in (LicenseeStatus.DISABLED, LicenseeStatus.DELETED):
        events.append(("disabled", created + rng.randint(DAY, 20 * DAY), org.admin))
    use_buyer_address = rng.random() < 0.5

    return {
        "id": licensee_id,
        "name": f"{org.company.stem} {city.name} - {department}",
        "externalId": f"{buyer['externalIds']['erpCustomer']}-{number + 1:03d}",
        "icon": icon_path("licensees", licensee_id, rng),
        "status": str(status),
        "description": f"{department} licences for the {city.name} site.",
        "useBuyerAddress": use_buyer_address,
        "address": dict(buyer["address"])
        if use_buyer_address
        else street_address(rng, country, city),
        "contact": contact_of(rng.choice(org.members).user),
        "eligibility": {"client": True, "partner": False},
        "account": ref(org.id),
        "buyer": ref(buyer["id"]),
        "seller": ref(link["seller"]["id"]),
        "audit": audit((created, org.actor()), events),
    }
