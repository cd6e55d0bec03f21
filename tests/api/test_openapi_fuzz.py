"""Fuzz the REST API against its own OpenAPI document (schemathesis) through a real server.

Every operation: schema examples and random (valid and invalid) requests (boundary coverage too with
COMPASS_FUZZ_COVERAGE=1); then stateful
sequences that follow the documented links (create a session, then read, message, approve, delete it).
Checks: no 5xx, every status and response body as documented, and every 4xx carries ``{"error": {"type",
"message"}}`` with a message that says something. Bounded for CI (COMPASS_FUZZ_EXAMPLES per operation and
phase, a fixed seed); raise the bound and unset the seed for a longer hunt (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from api.settings import ApiSettings
from knowledge.base import open_knowledge_base
from tests.api.conftest import ServerThread
from tests.conftest import settings_for
from tests.dbs import scratch_database

MAX_EXAMPLES = int(os.environ.get("COMPASS_FUZZ_EXAMPLES", "12"))
STATEFUL_EXAMPLES = int(os.environ.get("COMPASS_FUZZ_STATEFUL_EXAMPLES", "8"))
SEED = os.environ.get("COMPASS_FUZZ_SEED", "20261124")  # "random" for a new seed each run
# schemathesis builds the coverage phase's boundary cases when pytest collects this module, in every test worker: ~250 s
# of CPU each, a fifth of the whole suite's CPU on two cores, for cases the fuzzing phase's valid and invalid data mostly
# reach too. On for a hunt (COMPASS_FUZZ_COVERAGE=1), off in the CI run.
COVERAGE = os.environ.get("COMPASS_FUZZ_COVERAGE", "0") == "1"

CHECKS = {
    # 400 is the documented answer to a well-formed request that cannot be served as asked (an unknown
    # model or GPU name, a spec without a use case); a schema cannot list the catalog's names.
    "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]},
    # A query boolean written as 0/1 is accepted on purpose (FastAPI's lax query parsing), which this check
    # counts as accepting invalid data; invalid bodies are still rejected (see the 422 assertions elsewhere).
    "negative_data_rejection": {"enabled": False},
}
# schemathesis 4.15.2's coverage phase labels some out-of-range boundary values as valid (1.1 for a field with
# exclusiveMinimum 0.1 and maximum 0.98; any value beside a top-level oneOf), so there acceptance of valid data
# is not checked; the fuzzing phase (hypothesis-jsonschema) generates valid data correctly and checks it.
COVERAGE_CHECKS = {**CHECKS, "positive_data_acceptance": {"enabled": False}}
CONFIG = {
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": COVERAGE, "checks": COVERAGE_CHECKS},
               "fuzzing": {"enabled": True, "checks": CHECKS},
               "stateful": {"enabled": True, "max-steps": 6, "checks": CHECKS}},
    "checks": CHECKS,
}


REQUESTS: Counter = Counter()  # (operation, status) -> requests sent, for the report (COMPASS_FUZZ_REPORT)


def _config() -> SchemathesisConfig:
    data = dict(CONFIG)
    if SEED != "random":
        data["seed"] = int(SEED)
    return SchemathesisConfig.from_dict(data)


@pytest.fixture(scope="module")
def fuzz_server(pg_admin_url):
    """One server over one database for the whole module (schemathesis runs every operation against it)."""
    with scratch_database(pg_admin_url, "fuzz") as url:
        kb = open_knowledge_base(settings_for(url))
        app = create_app(kb=kb, api_settings=ApiSettings(api_rate_per_minute=1_000_000))
        try:
            with ServerThread(app) as server:
                yield server
        finally:
            kb.close()
            if os.environ.get("COMPASS_FUZZ_REPORT"):
                rows = [{"operation": op, "status": status, "requests": n}
                        for (op, status), n in sorted(REQUESTS.items())]
                Path(os.environ["COMPASS_FUZZ_REPORT"]).write_text(json.dumps(rows, indent=1) + "\n")


def useful_error_body(ctx, response, case) -> None:
    """Every 4xx says what is wrong: ``{"error": {"type", "message"}}`` with a real sentence."""
    if not 400 <= response.status_code < 500:
        return
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} without a JSON body: {response.text[:200]!r}") from None
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"{response.status_code} body has no 'error' object: {body!r}"[:300]
    assert isinstance(error.get("type"), str) and error["type"], f"error without a type: {body!r}"[:300]
    message = error.get("message")
    assert isinstance(message, str) and len(message.strip()) >= 10, f"error message says nothing: {body!r}"[:300]
    if response.status_code == 429:
        assert response.headers.get("Retry-After"), "429 without Retry-After"


# The document is the one the server publishes (the app builds it without starting anything), loaded at
# import so pytest collects one test per operation; requests go to the real server below.
schema = schemathesis.openapi.from_dict(create_app().openapi(), config=_config())


@pytest.mark.slow
@schema.parametrize()
def test_every_operation_answers_as_documented(case, fuzz_server):
    response = case.call_and_validate(base_url=fuzz_server.url, additional_checks=[useful_error_body], timeout=60)
    REQUESTS[(case.operation.label, response.status_code)] += 1


@pytest.mark.slow
def test_stateful_sequences_follow_the_links(fuzz_server):
    Machine = schema.as_state_machine()

    class Links(Machine):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            return super().validate_response(response, case, additional_checks=[useful_error_body], **kwargs)

        def get_call_kwargs(self, case):
            return {"base_url": fuzz_server.url, "timeout": 60}

        def after_call(self, response, case):
            REQUESTS[("stateful " + case.operation.label, response.status_code)] += 1

    seed = None if SEED == "random" else int(SEED)
    settings = hypothesis.settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, deadline=None,
                                   derandomize=seed is not None, database=None,
                                   suppress_health_check=list(hypothesis.HealthCheck))
    Links.run(settings=settings)


def test_the_document_lists_errors_and_links(fuzz_server):
    import httpx

    doc = httpx.get(fuzz_server.url + "/openapi.json", timeout=30).json()
    create = doc["paths"]["/v1/sessions"]["post"]["responses"]
    assert set(create["201"]["links"]) == {"GetSession", "PostMessage", "PostApproval", "DeleteSession"}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.startswith("/v1/"):
                assert {"401", "422", "429"} <= set(op["responses"]), f"{method.upper()} {path}"
                if "{session_id}" in path:
                    assert "404" in op["responses"], f"{method.upper()} {path}"
    assert doc["components"]["schemas"]["ErrorBody"]["required"] == ["error"]
