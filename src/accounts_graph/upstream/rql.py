"""Building RQL terms with values quoted so the platform reads them back intact."""

from collections.abc import Iterable

# Bare values may hold only these characters; anything else is quoted.
_BARE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@+"
)


def quote(value: object) -> str:
    """Render one value: booleans bare, strings quoted when they need it.

    Ids are always quoted: the platform documents that unquoted ids can match
    nothing.
    """
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null()"
    text = str(value)
    if text == "":
        return "empty()"
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def term(operator: str, path: str, value: object) -> str:
    return f"{operator}({path},{quote(value)})"


def in_(path: str, values: Iterable[object]) -> str:
    return f"in({path},({','.join(quote(v) for v in values)}))"


def out(path: str, values: Iterable[object]) -> str:
    return f"out({path},({','.join(quote(v) for v in values)}))"


def and_(*terms: str) -> str:
    kept = [t for t in terms if t]
    if len(kept) == 1:
        return kept[0]
    return f"and({','.join(kept)})" if kept else ""


def or_(*terms: str) -> str:
    kept = [t for t in terms if t]
    if len(kept) == 1:
        return kept[0]
    return f"or({','.join(kept)})" if kept else ""


def not_(inner: str) -> str:
    return f"not({inner})"


def any_(collection: str, condition: str) -> str:
    return f"any({collection},{condition})"


def like_pattern(text: str) -> str:
    """Escape `*` in user text that is meant literally inside an ilike pattern."""
    return text.replace("\\", "\\\\").replace("*", "\\*")
