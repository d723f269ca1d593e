"""The schema as an Apollo Federation v2 subgraph: entities keyed by platform id.

A gateway that holds a reference to one of our entities (say an `Account` id that
another subgraph stores) asks `_entities(representations: [...])` for the fields
only we know. Each representation goes through the request's loaders, so N
references of one type cost one upstream request, as N aliased `account(id)`
lookups do, and under the same rule: the caller must be allowed to read the
type's collection.
"""

from functools import cached_property
from typing import Any, Final, Self, cast

import strawberry
from strawberry.federation.schema import FederationAny

from accounts_graph.graph import resolve
from accounts_graph.graph.context import Info
from accounts_graph.graph.errors import ErrorCode, FacadeError, not_found
from accounts_graph.platform.resources import resource_of_id

# Our subgraph uses `@key` alone, which every Federation 2 gateway understands;
# pinned so that upgrading Strawberry does not change the SDL gateways compose.
FEDERATION_VERSION: Final = "2.0"


class Entity:
    """An entity of the subgraph: its key is the platform id (`@key(fields: "id")`).

    Mixed into the types that are also `strawberry.federation.type(keys=["id"])`;
    they supply `RESOURCE` and `from_rest` like every resource type.
    """

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Self:
        """Answer one representation of `_entities` (Strawberry calls this)."""
        kind = cast(type[resolve.FromRest], cls)
        found = await load_entity(info, kind, representation.get("id"))
        return cast(Self, found)


async def load_entity[T: resolve.FromRest](
    info: Info, kind: type[T], entity_id: object
) -> T:
    """Load the entity of `kind` a gateway's representation names, batched.

    Raises:
        FacadeError: BAD_USER_INPUT without a platform id, NOT_FOUND when the id
            is another type's or unknown, FORBIDDEN when the caller may not read
            the type's collection.
    """
    resource = kind.RESOURCE
    label = resolve.kind_name(resource)
    if not isinstance(entity_id, str) or (owner := resource_of_id(entity_id)) is None:
        raise FacadeError(
            f"A representation of {label} needs its platform id in `id`.",
            ErrorCode.BAD_USER_INPUT,
        )
    # A prefix of another type cannot name one of these: no request for it.
    if owner is not resource:
        raise not_found(label, entity_id)
    await info.context.require(
        resolve.READS[resource.name], f"read {resource.collection}"
    )
    return await resolve.load_by_id(info, kind, entity_id)


class SubgraphSchema(strawberry.federation.Schema):
    """A Federation schema that answers a malformed representation with a clear
    BAD_USER_INPUT in its own slot: Strawberry would fail the whole `_entities`
    field with an internal error for one unknown `__typename`."""

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        refused = {
            index: error
            for index, item in enumerate(representations)
            if (error := self._refusal(item)) is not None
        }
        # Copies: Strawberry pops `__typename` from each, and one variable listed
        # twice (`[$a, $a]`) is one dict twice.
        valid = [
            cast(FederationAny, dict(cast(dict[str, Any], item)))
            for i, item in enumerate(representations)
            if i not in refused
        ]
        resolved = iter(super().entities_resolver(info, valid))

        return [
            cast(FederationAny, refused[i]) if i in refused else next(resolved)
            for i in range(len(representations))
        ]

    def _refusal(self, representation: object) -> FacadeError | None:
        entities = self.entity_names
        name = (
            representation.get("__typename")
            if isinstance(representation, dict)
            else None
        )
        if name in entities:
            return None
        return FacadeError(
            "A representation needs the `__typename` of an entity: "
            f"{', '.join(entities)}.",
            ErrorCode.BAD_USER_INPUT,
        )

    @cached_property
    def entity_names(self) -> list[str]:
        """The names of the subgraph's entity types, sorted."""
        names = []
        for name, kind in self.schema_converter.type_map.items():
            origin = getattr(kind.definition, "origin", None)
            if isinstance(origin, type) and issubclass(origin, Entity):
                names.append(name)
        return sorted(names)
