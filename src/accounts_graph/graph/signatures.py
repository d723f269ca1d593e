"""Resolvers made from declarations need a real signature for Strawberry to read."""

import inspect
from collections.abc import Callable
from typing import Any

from accounts_graph.graph.context import Info


def sign(
    resolver: Callable[..., Any],
    params: dict[str, Any],
    returns: Any,
    *,
    optional: frozenset[str] = frozenset(),
) -> None:
    """Give `resolver(info, **kwargs)` keyword parameters with these annotations.

    Parameters named in `optional` default to None; the others are required.
    """
    built = [inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=Info)]
    for name, annotation in params.items():
        built.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None if name in optional else inspect.Parameter.empty,
                annotation=annotation,
            )
        )
    resolver.__annotations__ = {"info": Info, **params, "return": returns}
    resolver.__signature__ = inspect.Signature(built, return_annotation=returns)  # type: ignore[attr-defined]
