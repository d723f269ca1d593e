"""The facade never crashes under generated GraphQL, and every error is documented.

hypothesis-graphql draws queries and mutations over the whole schema, valid ones
and ones with one schema violation, and posts them to a running facade (over a
private sandbox, since mutations change it) as each demo role. No answer may be
an HTTP 5xx, no error may be INTERNAL_SERVER_ERROR (a masked bug), and every
error must carry one of the documented `extensions.code` values.
"""

from datetime import UTC
from typing import Any

import graphql
import httpx
import hypothesis
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from accounts_graph.graph.errors import ErrorCode
from accounts_graph.graph.schema import schema as facade_schema
from tests.conformance.conftest import DERANDOMIZE, EXAMPLES, Private

# graphql-core's printer keeps Federation's directive definitions (the subgraph
# SDL omits them, as the spec wants), so hypothesis-graphql can build it and
# draws `_entities` queries too.
SDL = graphql.print_schema(facade_schema._schema)
DOCUMENTED = {code.value for code in ErrorCode} - {ErrorCode.INTERNAL_SERVER_ERROR}

_JSON_LEAVES = st.one_of(
    st.integers(-(10**6), 10**6).map(nodes.Int),
    st.booleans().map(nodes.Boolean),
    st.text(max_size=20).map(nodes.String),
)


def _field(name: str, value: graphql.ValueNode) -> graphql.ObjectFieldNode:
    return graphql.ObjectFieldNode(name=graphql.NameNode(value=name), value=value)


# A gateway's entity representation: `{__typename, id}`, right or wrong.
_REPRESENTATION = st.builds(
    lambda typename, id_: nodes.Object(
        [_field("__typename", typename), _field("id", id_)]
    ),
    st.one_of(st.sampled_from(facade_schema.entity_names), st.text(max_size=10)).map(
        nodes.String
    ),
    st.one_of(
        st.sampled_from(["ACC-4402-1307", "BUY-3931-5076", "SEL-0000-0000"]),
        st.text(max_size=20),
    ).map(nodes.String),
)
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "DateTime": st.one_of(
        st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
        st.text(max_size=30).map(nodes.String),
    ),
    "JSON": st.recursive(
        _JSON_LEAVES,
        lambda inner: st.lists(inner, max_size=3).map(nodes.List),
        max_leaves=5,
    ),
    # A literal can't carry a file: uploads come as multipart variables, so an
    # inline value must be refused cleanly, never crash.
    "Upload": st.text(max_size=10).map(nodes.String),
    "_Any": st.one_of(_REPRESENTATION, _JSON_LEAVES),
}


def assert_documented(response: httpx.Response, query: str) -> None:
    """The answer is JSON, not a server error, and its errors have our codes."""
    assert response.status_code < 500, f"{response.status_code} for {query}"
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in DOCUMENTED, f"{code!r} ({error.get('message')}) for {query}"


def _run(private: Private, strategy: st.SearchStrategy[str]) -> None:
    headers = private.headers

    with httpx.Client(base_url=private.facade_url, timeout=60) as http:

        @hypothesis.settings(
            max_examples=5 * EXAMPLES,
            derandomize=DERANDOMIZE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(query=strategy)
        def answers_with_documented_codes(query: str) -> None:
            response = http.post("/graphql", json={"query": query}, headers=headers)
            assert_documented(response, query)

        answers_with_documented_codes()


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=str)
def test_generated_queries_answer_with_documented_codes(
    private_facade: Private, mode: Mode
) -> None:
    _run(private_facade, queries(SDL, custom_scalars=SCALARS, mode=mode))


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=str)
def test_generated_mutations_answer_with_documented_codes(
    private_facade: Private, mode: Mode
) -> None:
    _run(private_facade, mutations(SDL, custom_scalars=SCALARS, mode=mode))


def test_generated_queries_as_anonymous_caller(private_facade: Private) -> None:
    anonymous = Private(
        private_facade.role,
        private_facade.sandbox_url,
        "",
        "",
        private_facade.store,
        private_facade.facade_url,
    )
    _run(anonymous, queries(SDL, custom_scalars=SCALARS))
