"""Relation fields made from a declaration: the object's children, the object a
reference points at, the objects a list of references points at.

Target types are named by module and class, resolved on first use, since the
resource modules refer to each other.
"""

from functools import cache
from importlib import import_module
from typing import Annotated, Any

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.context import Info

_MODULE = "accounts_graph.graph."


@cache
def _kind(module: str, name: str) -> Any:
    return getattr(import_module(_MODULE + module), name)


def _lazy(module: str, name: str) -> Any:
    return Annotated[name, strawberry.lazy(_MODULE + module)]


def _list_of(module: str, name: str) -> Any:
    item = _lazy(module, name)
    return list[item] | None  # type: ignore[valid-type]


def children(
    module: str,
    name: str,
    via: str,
    *,
    capability: str,
    what: str,
    description: str,
) -> Any:
    """The objects whose `via` reference points at this one, batched per level.

    The caller must hold `capability` (the target's list), checked before any
    request.
    """

    async def resolver(self: Any, info: Info) -> Any:
        await info.context.require(capability, what)
        kind = _kind(module, name)
        return await resolve.load_children(info, kind, via, self.id)

    resolver.__annotations__ = {"info": Info, "return": _list_of(module, name)}
    return strawberry.field(resolver=resolver, description=description)


def reference(module: str, name: str, field: str, *, description: str) -> Any:
    """The object the stored reference `field` points at."""

    async def resolver(self: Any, info: Info) -> Any:
        kind = _kind(module, name)
        return await resolve.load_reference(info, kind, self._raw.get(field))

    resolver.__annotations__ = {"info": Info, "return": _lazy(module, name) | None}
    return strawberry.field(resolver=resolver, description=description)


def references(module: str, name: str, field: str, *, description: str) -> Any:
    """The objects a stored list of references `field` points at, batched."""

    async def resolver(self: Any, info: Info) -> Any:
        kind = _kind(module, name)
        return await resolve.load_references(info, kind, self._raw.get(field))

    resolver.__annotations__ = {"info": Info, "return": _list_of(module, name)}
    return strawberry.field(resolver=resolver, description=description)
