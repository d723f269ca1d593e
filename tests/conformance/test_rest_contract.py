"""The embedded Accounts API honours its corrected OpenAPI document under fuzzing.

Schemathesis loads the document the sandbox serves (over real HTTP, from a
private sandbox per role) and sends generated requests, valid and invalid, to
every operation as each demo role (Client, Vendor, Operations). Each answer must
not be a server error, must have a declared status, content type and schema, and
an invalid request must be refused. A second test walks create → read → update →
delete sequences through the document's links.

A check the platform's behaviour makes inapplicable to one operation is switched
off for that operation alone in `INAPPLICABLE`, with the reason.

Each operation is its own pytest test, drawing Schemathesis's strategies
(`APIOperation.as_strategy`, positive and negative) under `hypothesis.given`:
`schemathesis.pytest.from_fixture` (needed, since the sandbox's URL exists only
at run time) sets `Function._nodeid`, which pytest 9.2 no longer has.
"""

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode

from accounts_graph.sandbox.openapi import corrected
from accounts_graph.sandbox.openapi_paths import DOCUMENT
from tests.conformance.conftest import DERANDOMIZE, EXAMPLES, Private

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "negative_data_rejection",
)
# (method, path) → {check: why it does not apply there}. Empty: every failure
# the suites found so far was a defect, fixed in the sandbox or the document.
INAPPLICABLE: dict[tuple[str, str], dict[str, str]] = {}


def _operation_overrides() -> list[dict[str, Any]]:
    return [
        {
            "include-method": method,
            "include-path": path,
            "checks": {check: {"enabled": False} for check in checks},
        }
        for (method, path), checks in INAPPLICABLE.items()
    ]


def config_for(private: Private, examples: int = EXAMPLES) -> schemathesis.Config:
    """Schemathesis's configuration for one role's run."""
    return schemathesis.Config.from_dict(
        {
            "base-url": private.sandbox_url,
            "headers": private.headers,
            "request-timeout": 30,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "checks": {
                "enabled": False,
                **{check: {"enabled": True} for check in CHECKS},
            },
            "generation": {
                "mode": "all",
                "max-examples": examples,
                # The role's token is the only credential sent.
                "with-security-parameters": False,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": False},
                "fuzzing": {"enabled": True},
                "stateful": {
                    "enabled": True,
                    "max-steps": 6,
                    # Only the document's own links: inferred ones would also walk
                    # from lists into the demo tokens and accounts themselves.
                    "inference": {"algorithms": []},
                },
            },
            "operations": _operation_overrides(),
        }
    )


@pytest.fixture(scope="module")
def rest_schema(private_sandbox: Private) -> Any:
    """The corrected document as the sandbox serves it, configured for one role."""
    return schemathesis.openapi.from_url(
        private_sandbox.sandbox_url + DOCUMENT, config=config_for(private_sandbox)
    )


# Collected from the document the sandbox serves (built in-process here, so the
# test ids exist before any server runs); `rest_schema` loads it over HTTP.
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in corrected()["paths"].items()
    for method in item
)


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS]
)
def test_every_operation_honours_the_contract(
    method: str, path: str, rest_schema: Any, private_sandbox: Private
) -> None:
    operation = rest_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(_settings(2 * EXAMPLES))
    @hypothesis.given(case=cases)
    def honours(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=private_sandbox.headers)

    honours()


def _settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        derandomize=DERANDOMIZE,
        stateful_step_count=6,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def test_create_read_update_delete_sequences_honour_the_contract(
    rest_schema: Any, private_sandbox: Private
) -> None:
    headers = private_sandbox.headers

    class Workflow(rest_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

    Workflow.run(settings=_settings(EXAMPLES))
