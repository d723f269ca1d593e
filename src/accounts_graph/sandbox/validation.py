"""Declarative checks of request bodies, after the published document's schemas.

A body's rules are a dict from field name to a `Spec` (`Text`, `Email`, `Obj`,
`Ref`, ...), each carrying the constraints the spec declares for that field.
`validate()` walks the body once and reports every problem at once, keyed by its
JSON path (`address.country`, `groups[0].id`), as the platform's 400 answers do.
Fields a table does not name are ignored, as the platform ignores `id`, `audit`
or `status` sent in a body.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts_graph.platform.resources import MODULE, USER, Resource
from accounts_graph.sandbox.auth import Caller
from accounts_graph.sandbox.countries import ISO_3166_ALPHA_2
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.scope import scope_condition
from accounts_graph.sandbox.store import Store

Problem = tuple[str, str]  # (JSON path, message)

VALIDATION_FAILED = "One or more validation errors occurred."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Checking:
    """What reference checks need: the store and whose scope bounds them."""

    store: Store
    caller: Caller


@dataclass(frozen=True)
class Spec:
    """A field's rule: whether it must be present, and what its value must be.

    A field that is not required may be absent or null.
    """

    required: bool = False

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        """Yield what is wrong with a present, non-null value."""
        yield from ()


Rules = Mapping[str, Spec]


@dataclass(frozen=True)
class Text(Spec):
    """A string of `low` to `high` characters (no upper bound when `high` is 0)."""

    low: int = 0
    high: int = 0

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if not isinstance(value, str):
            yield path, f"The {path} field must be a string."
        elif len(value) < self.low or (self.high and len(value) > self.high):
            if self.high:
                size = f"between {self.low} and {self.high} characters"
            else:
                size = f"at least {self.low} character(s)"
            yield path, f"The {path} field must have {size}."


@dataclass(frozen=True)
class Email(Text):
    """An e-mail address of at most `high` characters."""

    low: int = 1
    high: int = 320

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        found = list(super().problems(value, path, ctx))
        if not found and not _EMAIL.match(value):
            found.append((path, f"The {path} field is not a valid e-mail address."))
        yield from found


@dataclass(frozen=True)
class Uuid(Spec):
    """A UUID in its canonical 8-4-4-4-12 hexadecimal form."""

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if not isinstance(value, str) or not _UUID.match(value):
            yield path, f"The {path} field must be a UUID."


@dataclass(frozen=True)
class Country(Spec):
    """An ISO 3166-1 alpha-2 country code, upper case (CH, US)."""

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        # A list or object is no code (and would not hash for the lookup).
        if not isinstance(value, str) or value not in ISO_3166_ALPHA_2:
            yield path, f"The {path} field must be an ISO 3166 alpha-2 code, e.g. CH."


@dataclass(frozen=True)
class OneOf(Spec):
    """One of a fixed set of strings (an enum of the spec)."""

    values: tuple[str, ...] = ()

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if value not in self.values:
            yield path, f"The {path} field must be one of {', '.join(self.values)}."


@dataclass(frozen=True)
class Flag(Spec):
    """A JSON boolean."""

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if not isinstance(value, bool):
            yield path, f"The {path} field must be true or false."


@dataclass(frozen=True)
class Obj(Spec):
    """A nested object checked by its own rules."""

    rules: Rules = field(default_factory=dict)

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield path, f"The {path} field must be an object."
            return
        yield from check(value, self.rules, ctx, path + ".")


@dataclass(frozen=True)
class Items(Spec):
    """A list of at least `low` items, each checked by `item`."""

    item: Spec = field(default_factory=Spec)
    low: int = 0

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if not isinstance(value, list):
            yield path, f"The {path} field must be an array."
            return
        if len(value) < self.low:
            yield path, f"The {path} field needs at least {self.low} item(s)."
        for index, item in enumerate(value):
            at = f"{path}[{index}]"
            if item is None:
                yield at, f"The {at} item must not be null."
            else:
                yield from self.item.problems(item, at, ctx)


@dataclass(frozen=True)
class IdOf(Spec):
    """The id of an object that exists and the caller may see.

    An object outside the caller's scope is reported exactly like a missing
    one, so a refusal tells nothing about other accounts' data.
    """

    resource: Resource | None = None

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        assert self.resource is not None
        if not isinstance(value, str) or not value:
            yield path, f"The {path} field is required."
        elif not _id_shape(self.resource).match(value):
            yield path, f"'{value}' is not a {self.resource.prefix} id."
        elif not _visible(ctx, self.resource, value):
            kind = self.resource.name.replace("_", " ").capitalize()
            yield path, f"{kind} {value} does not exist."


@dataclass(frozen=True)
class Ref(Spec):
    """A reference `{"id": ...}` (other members ignored) to a visible object."""

    resource: Resource | None = None

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        object_id = value.get("id") if isinstance(value, dict) else None
        yield from IdOf(True, self.resource).problems(object_id, path + ".id", ctx)


def refs(resource: Resource, *, required: bool = False, low: int = 0) -> Items:
    """A list of references to objects of one resource."""
    return Items(required, Ref(resource=resource), low)


def check(
    body: Mapping[str, Any], rules: Rules, ctx: Checking, prefix: str = ""
) -> Iterator[Problem]:
    """Yield every problem of `body` against `rules`; paths start with `prefix`."""
    for name, spec in rules.items():
        path = prefix + name
        value = body.get(name)
        if value is None:
            if spec.required:
                yield path, f"The {path} field is required."
            continue
        yield from spec.problems(value, path, ctx)


def validate(body: Mapping[str, Any], rules: Rules, ctx: Checking) -> dict[str, Any]:
    """Check a body; report all its problems at once; return what the rules name.

    The returned body keeps only the members the rules name, nested objects
    included, and references as bare `{"id"}`: that is what may be stored.

    Raises:
        ApiProblem: 400 with `errors` mapping JSON paths to messages.
    """
    found = problems_of(body, rules, ctx)
    if found:
        raise ApiProblem(400, VALIDATION_FAILED, found)
    return kept(body, rules)


def kept(body: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    """Return the members of a body its rules name, recursively."""
    return {
        name: _kept(body[name], spec) for name, spec in rules.items() if name in body
    }


def _kept(value: Any, spec: Spec) -> Any:
    if isinstance(spec, Obj) and isinstance(value, dict):
        return kept(value, spec.rules)
    if isinstance(spec, Ref) and isinstance(value, dict):
        return {"id": value.get("id")}
    if isinstance(spec, Items) and isinstance(value, list):
        return [_kept(item, spec.item) for item in value]
    return value


def problems_of(
    body: Mapping[str, Any], rules: Rules, ctx: Checking
) -> dict[str, list[str]]:
    """Return the problems of a body by JSON path (empty when it is valid)."""
    found: dict[str, list[str]] = {}
    for path, message in check(body, rules, ctx):
        found.setdefault(path, []).append(message)
    return found


def _id_shape(resource: Resource) -> re.Pattern[str]:
    return re.compile(rf"^{resource.prefix}(-\d{{4}}){{{resource.groups}}}$")


def _visible(ctx: Checking, resource: Resource, object_id: str) -> bool:
    scope, params = scope_condition(resource, ctx.caller)
    return ctx.store.exists(resource, f"t.id = ? AND ({scope})", [object_id, *params])


# --- rules shared by several bodies -------------------------------------------

ADDRESS: Rules = {
    "addressLine1": Text(True, 1, 250),
    "addressLine2": Text(False, 0, 250),
    "postCode": Text(True, 1, 20),
    "city": Text(True, 1, 200),
    "state": Text(True, 1, 200),
    "country": Country(True),
}
PHONE: Rules = {"prefix": Text(False, 0, 10), "number": Text(False, 0, 15)}
SETTINGS: Rules = {"cultureCode": Text(False, 0, 5), "languageCode": Text(False, 0, 5)}
ELIGIBILITY: Rules = {"client": Flag(), "partner": Flag()}
CONTACT: Rules = {
    "name": Text(),
    "firstName": Text(False, 0, 100),
    "lastName": Text(False, 0, 100),
    "email": Email(False),
    "phone": Obj(False, PHONE),
    "user": Ref(False, USER),
}
BUYER_EXTERNAL_IDS: Rules = {
    "erpCompanyContact": Text(False, 0, 250),
    "erpCustomer": Text(False, 0, 250),
    "accountExternalId": Text(False, 0, 250),
}


def as_messages(found: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """Turn problems into the platform's parametrised messages (`Buyer.errors`)."""
    return [
        {"id": "VALIDATION", "message": message, "parameters": {"field": path}}
        for path, messages in found.items()
        for message in messages
    ]


def unusable_modules(
    store: Store, account: Mapping[str, Any], refs: Any
) -> dict[str, list[str]]:
    """Return the modules of a body's `modules` its account's type cannot use."""
    found = {}
    for index, ref in enumerate(refs or []):
        module = store.get(MODULE, ref["id"]) or {}
        if account.get("type") not in module.get("accountTypes", ()):
            found[f"modules[{index}].id"] = [
                f"Module {ref['id']} is not for {account.get('type')} accounts."
            ]
    return found
