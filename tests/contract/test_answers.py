"""The observer of every answer: what the spec promises of one answer, and nothing else."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from contract_tests.findings.findings import Finding, merged
from contract_tests.observers.answers import ALLOW_CAUSE, AnswerChecks
from contract_tests.observers.edge import RECOVERED
from contract_tests.values.causes import fingerprint, status_rule_fingerprint, undocumented_status_fingerprint
from contract_tests.values.spec import load_spec

TRUNK = "/sip-trunks/trunks/3c6f0e1b9a2d4f7e8b5a1c2d3e4f5a6b"
GET_TRUNK = "GET /sip-trunks/trunks/{trunk_id}"


def example_trunk() -> dict[str, Any]:
    trunk: dict[str, Any] = copy.deepcopy(load_spec()["components"]["examples"]["ZadarmaTrunk"]["value"])
    return trunk


def seen(method: str, path: str, response: httpx.Response) -> list[Finding]:
    found: list[Finding] = []
    checks = AnswerChecks()
    checks.report_to(found.append)
    try:
        body = response.json()
    except ValueError:
        body = None
    checks.observe(method, path, response, body)
    return found


def test_answers_as_documented_are_not_findings() -> None:
    assert seen("GET", TRUNK, httpx.Response(200, json=example_trunk())) == []
    assert seen("GET", TRUNK, httpx.Response(404, json={"detail": "Trunk not found"})) == []
    assert seen("PUT", TRUNK, httpx.Response(405, json={"detail": "no"}, headers={"Allow": "GET"})) == []
    assert seen("GET", "/elsewhere", httpx.Response(500)) == []  # not a path of the spec
    retry = httpx.Response(429, json={"detail": "slow down"}, headers={"Retry-After": "1"})
    assert seen("GET", TRUNK, retry) == []


def test_a_type_drift_is_one_finding_per_rule_on_the_first_answer() -> None:
    trunk = example_trunk() | {"is_active": 1}
    (finding,) = seen("GET", TRUNK, httpx.Response(200, json=trunk))
    assert finding.kind == "breaking" and finding.fingerprint == fingerprint(
        "conformance", "response-schema", "is_active.type"
    )
    assert "is_active" in finding.title


@pytest.mark.parametrize(
    ("response", "cause"),
    [
        (httpx.Response(200, text="{}", headers={"Content-Type": "text/plain"}), "UndefinedContentType"),
        (httpx.Response(429, json={"detail": "slow down"}), "MissingHeaders"),
        (httpx.Response(418, json={"detail": "teapot"}), "undocumented-status"),
        (httpx.Response(500, json={"detail": "boom"}), "server-error"),
    ],
    ids=["content type", "Retry-After", "status", "server error"],
)
def test_what_the_spec_promises_of_an_answer(response: httpx.Response, cause: str) -> None:
    (finding,) = seen("GET", TRUNK, response)
    if cause == "undocumented-status":
        assert finding.fingerprint == undocumented_status_fingerprint(response.status_code, authenticated=True)
        return
    assert finding.fingerprint == fingerprint("conformance", GET_TRUNK, cause, response.status_code)


def test_405_without_allow_is_the_lifecycle_cause() -> None:
    (finding,) = seen("PUT", TRUNK, httpx.Response(405, json={"detail": "no"}))
    assert finding.fingerprint == ALLOW_CAUSE and finding.check == "lifecycle"


def test_an_answer_the_suite_made_up_is_skipped() -> None:
    recovered = httpx.Response(201, json={"id": "x"}, headers={RECOVERED: "found"})
    assert seen("POST", "/sip-trunks/trunks", recovered) == []


def test_findings_wait_for_a_listener_and_each_cause_is_reported_once() -> None:
    checks = AnswerChecks()
    for _ in range(3):
        checks.observe("GET", TRUNK, httpx.Response(500), None)
    found: list[Finding] = []
    checks.report_to(found.append)
    checks.observe("GET", TRUNK, httpx.Response(500), None)
    assert len(found) == 1


def test_another_auth_status_is_one_cause_with_every_operation_it_was_seen_on() -> None:
    found: list[Finding] = []
    checks = AnswerChecks(token="the-token")
    checks.report_to(found.append)
    for method, path in (("GET", TRUNK), ("DELETE", TRUNK), ("GET", "/sip-trunks/trunks")):
        for header in ({}, {"Authorization": "Bearer made-up"}):
            request = httpx.Request(method, f"http://127.0.0.1{path}", headers=header)
            checks.observe(method, path, httpx.Response(403, json={"detail": "no"}, request=request), {"detail": "no"})

    (cause,) = merged(found)
    assert cause.fingerprint == status_rule_fingerprint("Unauthorized", 403)
    assert len(cause.evidence["seen_at"]) == 3 and cause.evidence["replaces"] == "Unauthorized"
