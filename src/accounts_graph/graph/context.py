"""What every resolver of one GraphQL request shares: upstream session, caller,
loaders. Nothing here outlives the request, so callers never see each other's
objects."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aiodataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from accounts_graph.graph.connection import MAX_PAGE
from accounts_graph.graph.errors import forbidden, from_upstream, unauthenticated
from accounts_graph.graph.identity import Identity, IdentityCache, resolve_identity
from accounts_graph.graph.loaders import ObjectByIdLoader, ObjectsByParentLoader
from accounts_graph.graph.selection import cached_fields_read
from accounts_graph.platform.capabilities import capability
from accounts_graph.platform.enums import Role
from accounts_graph.platform.resources import Resource
from accounts_graph.upstream import rql
from accounts_graph.upstream.client import Session
from accounts_graph.upstream.errors import UpstreamError

# GraphQL type name → the resource it presents; filled in by the type modules.
RESOURCE_TYPES: dict[str, Resource] = {}


@dataclass
class Context:
    """The per-request state of the facade."""

    session: Session
    identities: IdentityCache
    # The configured page bound; validation refuses larger pages first.
    max_page_size: int = MAX_PAGE
    _identity: Identity | None = None
    _identity_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _loaders: dict[tuple[Any, ...], DataLoader[Any, Any]] = field(default_factory=dict)
    _reads: Mapping[str, frozenset[str]] | None = None
    selections: dict[tuple[int, ...], frozenset[str]] = field(default_factory=dict)
    # What graph/prefetch.py loaded ahead of execution: (relation, id of the
    # parent object) → the field's value, or a `Failure` to raise.
    prefetched: dict[tuple[Any, int], Any] = field(default_factory=dict)

    @property
    def known_identity(self) -> Identity | None:
        """The caller's identity if it was looked up already, without waiting."""
        return self._identity

    async def identity(self) -> Identity:
        """Return the caller's identity, looking it up once per request.

        Root fields resolve concurrently; the lock makes them share one lookup.

        Raises:
            FacadeError: UNAUTHENTICATED when the token is not valid.
        """
        if self._identity is not None:
            return self._identity
        async with self._identity_lock:
            if self._identity is None:
                try:
                    found = await resolve_identity(self.session, self.identities)
                except UpstreamError as error:
                    raise from_upstream(error) from error
                if found is None:
                    raise unauthenticated(token_sent=bool(self.session.token))
                self._identity = found
        return self._identity

    async def require(self, graphql_name: str, what: str) -> Identity:
        """Refuse, before any upstream request, what the matrix denies the caller.

        Raises:
            FacadeError: UNAUTHENTICATED without a token, FORBIDDEN otherwise.
        """
        row = capability(graphql_name)
        if not self.session.token and Role.PUBLIC not in row.roles:
            raise unauthenticated()
        identity = await self.identity()
        if not row.allows(identity.role):
            raise forbidden(what)
        return identity

    def allows_now(self, graphql_name: str, what: str) -> bool:
        """Apply `require` at once when the caller is known; False when it is not
        known yet (then await `require`).

        Raises:
            FacadeError: as `require` does.
        """
        identity = self._identity
        if identity is None:
            return False
        row = capability(graphql_name)
        if not self.session.token and Role.PUBLIC not in row.roles:
            raise unauthenticated()
        if not row.allows(identity.role):
            raise forbidden(what)
        return True

    async def require_field(self, resource: Resource, field: str) -> None:
        """Refuse a field the platform shows to Operations only (resources table).

        Raises:
            FacadeError: FORBIDDEN for any other role.
        """
        if not resource.by_name[field].operations_only:
            return
        identity = await self.identity()
        if identity.role is not Role.OPERATIONS:
            label = resource.name.replace("_", " ")
            raise forbidden(f"read the {field} of a {label} (operations only)")

    def select_for(
        self, info: "Info", resource: Resource, *extra: str
    ) -> rql.Projection:
        """Return the `select` of requests for `resource` in this operation: the
        optional fields some selection reads (and `extra`) added, the bulky
        default ones none reads dropped."""
        if self._reads is None:
            self._reads = cached_fields_read(
                info.schema._schema,
                info.operation,
                info._raw_info.fragments,
                RESOURCE_TYPES,
            )
        read = self._reads.get(resource.name, frozenset()) | set(extra)
        return _projection(resource, read)

    def by_id(self, info: "Info", resource: Resource) -> ObjectByIdLoader:
        key = ("id", resource.name)
        if key not in self._loaders:
            self._loaders[key] = ObjectByIdLoader(
                self.session, resource, self.select_for(info, resource)
            )
        loader = self._loaders[key]
        assert isinstance(loader, ObjectByIdLoader)
        return loader

    def by_parent(
        self, info: "Info", resource: Resource, via: str
    ) -> ObjectsByParentLoader:
        key = ("parent", resource.name, via)
        if key not in self._loaders:
            # The loader groups the children by `via`: it is always read.
            self._loaders[key] = ObjectsByParentLoader(
                self.session, resource, via, self.select_for(info, resource, via)
            )
        loader = self._loaders[key]
        assert isinstance(loader, ObjectsByParentLoader)
        return loader


Info = StrawberryInfo[Context, None]


@cache
def _projection(resource: Resource, read: frozenset[str]) -> rql.Projection:
    add = tuple(sorted(name for name in read if resource.by_name[name].optional))
    drop = tuple(name for name in resource.droppable_fields if name not in read)
    return rql.Projection(add, drop)
