"""Building RQL terms with values quoted so the platform reads them back intact.

Terms are written as they go into the query string: the platform decodes the
query string before it parses the RQL, so the characters that decoding would
change are percent-encoded here, in values and in raw terms alike.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

# `%` starts an escape, a `+` decodes to a space (so `+02:00` would lose its
# sign), `&` ends the term and `#` the whole query.
_URL_ESCAPES = str.maketrans({"%": "%25", "+": "%2B", "&": "%26", "#": "%23"})


def encoded(text: str) -> str:
    """Percent-encode what the query string's decoding would change in `text`."""
    return text.translate(_URL_ESCAPES)


def quote(value: object) -> str:
    """Render one value: booleans bare, strings quoted and encoded.

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
        return f"'{encoded(text)}'"
    if '"' not in text:
        return f'"{encoded(text)}"'
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{encoded(escaped)}'"


def select(names: Iterable[str], drop: Iterable[str] = ()) -> str:
    """Render the value of `select` that adds these optional fields and leaves
    out the default fields in `drop`.

    The sign travels as %2B: a raw `+` in a query string decodes to a space.
    """
    return ",".join([*(f"-{name}" for name in drop), *(f"%2B{n}" for n in names)])


@dataclass(frozen=True)
class Projection:
    """The `select` of a read: optional fields to add, default fields to drop.

    Dropping is what keeps a list of account users from carrying every
    member's modules and buyers when the query asks for names; the platform
    does not accept it on every endpoint, which `Session.fetch_page` handles.
    """

    add: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def mentions(rql: str, name: str) -> bool:
    """Whether an RQL filter or order names the field `name` (or a path in it).

    The platform filters and sorts only on fields it returns, so a field the
    request reads this way is never dropped. Quoted values may match too; that
    only keeps a field that could have gone.
    """
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", rql) is not None


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
# What a value follows (nothing: the start of the text or of a term), as the
# platform's grammar reads quotes.
_VALUE_STARTS = frozenset({"", "(", ",", "=", "&"})


def filter_terms(raw: str) -> list[str]:
    """Split raw RQL from a caller into its filter terms (joined by `&`, ANDed).

    The caller writes RQL, not a URL: every character means itself, so each
    term comes back encoded for the query string (`+02:00` stays a plus).
    The parameters the facade sets itself (`select`, `order`, `limit`,
    `offset`) may not ride along: they would change what the facade receives
    behind its back.

    Each term must close every bracket and quote it opens: the terms are
    wrapped in the facade's own `and(…)`, next to the conditions it adds (the
    account of `accountUsers(accountId:)`, say), which a stray `)` would end.

    Raises:
        ValueError: a parameter among the terms, or a bracket or quote left
            open or closing nothing.
    """
    terms = [term.strip() for term in _top_level_terms(raw) if term.strip()]
    for term in terms:
        if term.lower().startswith(_PARAMETERS):
            name = term.split("=", 1)[0]
            raise ValueError(f"'{name}' is not a filter term: use the arguments.")
    return [encoded(term) for term in terms]


def _top_level_terms(raw: str) -> list[str]:
    terms: list[str] = []
    depth, quote_char, start, escaped = 0, "", 0, False
    # The last character outside quotes that is not a space.
    last = ""
    for index, char in enumerate(raw):
        if escaped:
            # An escaped character is part of a word, never structure.
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif quote_char:
            quote_char = "" if char == quote_char else quote_char
        elif char in "'\"" and last in _VALUE_STARTS:
            # A quote opens a value only where one starts: O'Brien is a word.
            quote_char = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(
                    f"The ')' at character {index + 1} of the rql closes nothing."
                )
        elif char == "&" and depth == 0:
            terms.append(raw[start:index])
            start = index + 1
        if not char.isspace() and not (quote_char and char != quote_char):
            last = char
    if quote_char:
        raise ValueError(f"The rql leaves a quote ({quote_char}) open.")
    if depth:
        raise ValueError(f"The rql leaves {depth} '(' open.")
    terms.append(raw[start:])
    return terms
