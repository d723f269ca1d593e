"""The demo dataset under construction: ids, timestamps, cycles, audit, addresses.

Everything here is deterministic: ids come from the caller's seeded `Random`, time
is counted in milliseconds from a fixed base, and status values rotate through
fixed cycles, so the same scale always yields the same dataset.
"""

import random
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts_graph.platform.resources import BY_NAME, RESOURCES
from accounts_graph.sandbox.seed_catalog import City, Country

Doc = dict[str, Any]

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A Monday morning: the platform's go-live in the story the demo data tells.
BASE_MS = (datetime(2025, 1, 6, 9, 0, tzinfo=UTC) - _EPOCH) // timedelta(milliseconds=1)


def iso(ms: int) -> str:
    """Format epoch milliseconds the way the platform does: UTC with milliseconds."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def ref(object_id: str) -> dict[str, str]:
    """Build a stored reference: the sandbox keeps only the id and expands on read."""
    return {"id": object_id}


def refs(object_ids: Iterable[str]) -> list[dict[str, str]]:
    """Build a stored list of references."""
    return [{"id": object_id} for object_id in object_ids]


def event(at: int, by: str) -> dict[str, Any]:
    """Build one audit event acted by a user (USR) or an API token (TKN)."""
    return {"at": iso(at), "by": {"id": by}}


def audit(
    created: tuple[int, str],
    events: Iterable[tuple[str, int, str]] = (),
    updated: tuple[int, str] | None = None,
) -> Doc:
    """Build an audit block; `updated` defaults to the latest event.

    The platform keeps only the latest occurrence of each event, and every change
    also touches `updated`, so `updated` is never older than any other event.
    """
    result: Doc = {"created": event(*created)}
    latest = created
    for name, at, by in events:
        result[name] = event(at, by)
        if at > latest[0]:
            latest = (at, by)
    if updated is not None and updated[0] > latest[0]:
        latest = updated
    result["updated"] = event(*latest)

    return result


def address(
    line1: str, post_code: str, city: str, state: str, country: str, line2: str | None
) -> Doc:
    """Build an address object (country as ISO 3166 alpha-2)."""
    return {
        "addressLine1": line1,
        "addressLine2": line2,
        "postCode": post_code,
        "city": city,
        "state": state,
        "country": country,
    }


# Where the house number goes: "221 Baker Street" or "Bahnhofstrasse 21".
_NUMBER_FIRST = {"US", "GB", "FR", "AU"}


def street_address(rng: random.Random, country: Country, city: City) -> Doc:
    """Draw a plausible street address in a city."""
    street, number = rng.choice(city.streets), rng.randint(1, 240)
    line1 = (
        f"{number} {street}" if country.code in _NUMBER_FIRST else f"{street} {number}"
    )
    line2 = f"Floor {rng.randint(2, 12)}" if rng.random() < 0.3 else None
    return address(line1, city.post_code, city.name, city.state, country.code, line2)


def ascii_slug(text: str, separator: str = "") -> str:
    """Lower-case ASCII letters and digits only, for emails and domains."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in plain.split()]
    return separator.join(word for word in words if word).lower()


def fill_digits(template: str, rng: random.Random) -> str:
    """Replace every '#' of a template (a tax id, a phone number) with a digit."""
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in template)


class Draft:
    """Collect the objects of the dataset and hand out ids and cycled values."""

    def __init__(self) -> None:
        self.objects: dict[str, list[Doc]] = {r.name: [] for r in RESOURCES}
        self._used: set[str] = set()
        self._cycles: dict[str, int] = {}
        self._names: set[str] = set()

    def reserve(self, object_id: str) -> str:
        """Claim a fixed, well-known id so no minted id can take it."""
        if object_id in self._used:
            raise ValueError(f"id {object_id} is already taken")
        self._used.add(object_id)
        return object_id

    def mint(self, resource: str, rng: random.Random) -> str:
        """Draw a fresh id of the resource's shape: prefix plus groups of 4 digits."""
        shape = BY_NAME[resource]
        while True:
            digits = f"{rng.randrange(10 ** (4 * shape.groups)):0{4 * shape.groups}d}"
            groups = (digits[i : i + 4] for i in range(0, len(digits), 4))
            object_id = "-".join((shape.prefix, *groups))
            if object_id not in self._used:
                self._used.add(object_id)
                return object_id

    def claim(self, name: str) -> bool:
        """Claim a name that must be unique (an email, a company); False if taken."""
        if name in self._names:
            return False
        self._names.add(name)
        return True

    def add(self, resource: str, doc: Doc) -> Doc:
        """Store a finished object and return it (callers may still fill lists)."""
        self.objects[resource].append(doc)
        return doc

    def cycle[T](self, name: str, values: Sequence[T]) -> T:
        """Return the next value of a named rotation.

        Rotations instead of random draws guarantee that every status shows up in a
        small dataset, while repeats of the common value keep the mix realistic.
        """
        position = self._cycles.get(name, 0)
        self._cycles[name] = position + 1
        return values[position % len(values)]


def new_uuid(rng: random.Random) -> str:
    """Draw a version-4 UUID from the seeded generator (uuid4() is not seedable)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def icon_path(collection: str, object_id: str, rng: random.Random) -> str | None:
    """Give about half of the objects an uploaded icon, the rest none."""
    if rng.random() < 0.5:
        return f"/v1/accounts/{collection}/{object_id}/icon"
    return None
