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


_PARAMETERS = ("select=", "order=", "limit=", "offset=")


def filter_terms(raw: str) -> list[str]:
    """Split raw RQL from a caller into its filter terms (joined by `&`, ANDed).

    The parameters the facade sets itself (`select`, `order`, `limit`,
    `offset`) may not ride along: they would change what the facade receives
    behind its back.

    Raises:
        ValueError: a parameter among the terms.
    """
    terms = [term.strip() for term in _top_level_terms(raw) if term.strip()]
    for term in terms:
        if term.lower().startswith(_PARAMETERS):
            name = term.split("=", 1)[0]
            raise ValueError(f"'{name}' is not a filter term: use the arguments.")
    return terms


def _top_level_terms(raw: str) -> list[str]:
    terms: list[str] = []
    depth, quote_char, start, escaped = 0, "", 0, False
    for index, char in enumerate(raw):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote_char:
            quote_char = "" if char == quote_char else quote_char
        elif char in "'\"":
            quote_char = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "&" and depth <= 0:
            terms.append(raw[start:index])
            start = index + 1
    terms.append(raw[start:])
    return terms
