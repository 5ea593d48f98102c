"""A first run against an account stricter than the spec's guesses, and real drift on top.

The stricter server (tests/fixtures/stricter_server.py) refuses trunk names and gateway addresses
the spec allows and answers a wrong token with 403; it also adds an undocumented `X-Request-Id`
header and words its error texts otherwise, which must raise nothing. Each difference is one finding naming the
field or status, a calibration of an assumed rule rather than Bolna's to fix; the suggested
patch makes the next run clean; real drift layered on top still fails the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.first_contact import FirstContact
from bench.report import Results, as_json
from contract_tests.values.bounds import MAX_REQUESTS
from contract_tests.values.causes import status_rule_fingerprint, stricter_fingerprint
from contract_tests.values.spec import AUTH_FAILURE
from tests.bench.tables import first_contact_of, first_contact_report
from tests.contract.contract_run import ContractRun, contract_environment, run_contract
from tests.contract.test_first_contact import _scratch_copy
from tests.fixtures.served_mock import ServedMock
from tests.fixtures.stricter_server import (
    AUTH_FAILURE_STATUS,
    LONGEST_GATEWAY_ADDRESS,
    LONGEST_NAME,
    LONGEST_PROVIDER,
    REQUEST_ID,
    REWORDED,
    serve_stricter,
)

# Its module-scoped fixtures (a whole first run against the stricter server) are made once:
# pytest-xdist runs this module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("stricter-first-contact")

TIGHTER = {
    stricter_fingerprint("TrunkName"): LONGEST_NAME,
    stricter_fingerprint("GatewayAddress"): LONGEST_GATEWAY_ADDRESS,
    stricter_fingerprint("provider"): LONGEST_PROVIDER,
}
AUTH = status_rule_fingerprint(AUTH_FAILURE, AUTH_FAILURE_STATUS)


def _live(served: ServedMock, **extra: str) -> dict[str, str]:
    return {"BOLNA_BASE_URL": served.base_url, "BOLNA_API_KEY": served.token, **extra}


def _by_fingerprint(run: ContractRun) -> dict[str, dict[str, Any]]:
    return {finding["fingerprint"]: finding for finding in run.drift["findings"]}


@pytest.fixture(scope="module")
def strict() -> Iterator[ServedMock]:
    with serve_stricter() as served:
        yield served


@pytest.fixture(scope="module")
def first_run(strict: ServedMock, tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    return run_contract(tmp_path_factory.mktemp("first"), env=_live(strict))


def test_each_stricter_difference_is_one_calibration_naming_its_field_or_status(first_run: ContractRun) -> None:
    found = _by_fingerprint(first_run)

    assert first_run.code == 1, "a spec promising what the API refuses fails a plain run"
    assert set(found) == {*TIGHTER, AUTH}, [f["title"] for f in first_run.drift["findings"]]
    for finding in found.values():
        assert finding["kind"] == "breaking" and finding["provenance"] == "assumed", finding
    assert "name" in found[stricter_fingerprint("TrunkName")]["title"]
    assert "gateway_address" in found[stricter_fingerprint("GatewayAddress")]["title"]
    assert "provider" in found[stricter_fingerprint("provider")]["title"]
    assert f"{AUTH_FAILURE_STATUS}" in found[AUTH]["title"]
    markdown = (first_run.reports / "drift.md").read_text(encoding="utf-8")
    assert markdown.count("Calibration: the spec guessed") == len(TIGHTER) + 1
    for benign in (REQUEST_ID, REWORDED.strip(" :")):  # differences no check may raise
        assert all(benign.lower() not in (f["title"] + f["detail"]).lower() for f in found.values()), benign
    assert "Bolna documents this rule" not in markdown and "the API's to fix; tell Bolna" not in markdown


def test_the_server_really_carries_the_benign_differences(strict: ServedMock) -> None:
    """Else the first run's silence about them would prove nothing."""
    headers = {"Authorization": f"Bearer {strict.token}"}
    answer = httpx.get(f"{strict.base_url}/sip-trunks/trunks/{'0' * 32}", headers=headers, timeout=10)

    assert answer.status_code == 404 and answer.json()["detail"].startswith(REWORDED), answer.text
    assert answer.headers.get(REQUEST_ID)


def test_a_refused_edge_is_measured_inwards_and_tightened_by_the_patch(first_run: ContractRun) -> None:
    found = _by_fingerprint(first_run)
    for cause, enforced in TIGHTER.items():
        bound = found[cause]["evidence"]["bound"]
        assert bound["enforced"] == enforced and bound["requests"] <= MAX_REQUESTS, bound
    patch = (first_run.reports / "openapi.suggestions.patch").read_text(encoding="utf-8")
    assert f"+      maxLength: {LONGEST_NAME}" in patch and f"+      maxLength: {LONGEST_GATEWAY_ADDRESS}" in patch
    assert f"+          maxLength: {LONGEST_PROVIDER}" in patch  # measured on create: PATCH cannot send it
    assert first_run.drift["discovery_requests"] <= 4 * MAX_REQUESTS


def test_the_auth_status_is_one_finding_reproduced_without_the_key(first_run: ContractRun) -> None:
    auth = _by_fingerprint(first_run)[AUTH]

    assert len(auth["operations"]) == 8, auth["operations"]
    assert auth["reproduce"] and all("BOLNA_API_KEY" not in step for step in auth["reproduce"])
    patch = (first_run.reports / "openapi.suggestions.patch").read_text(encoding="utf-8")
    assert patch.count(f"+        '{AUTH_FAILURE_STATUS}':") == 8


def test_the_bench_reports_it_beside_the_looser_server(first_run: ContractRun) -> None:
    stricter = first_contact_of(first_run, "stricter")

    # Three tightened bounds (one only create takes) and the auth status.
    assert stricter.causes == {"breaking": 4, "looser": 0, "additive": 0} and stricter.total_causes == 4
    results = Results(command="bench", started_at="now", machine={"CPUs": "2"}, quick=True)
    results.first_contact = FirstContact(symptoms=9, causes={"looser": 4, "additive": 2}, server="looser")
    results.first_contact_stricter = stricter
    markdown = first_contact_report(results)
    assert "| measure | looser server | stricter server |" in markdown
    assert f"{stricter.discovery_requests} for 3 bounds" in markdown
    assert json.loads(as_json(results))["first_contact_stricter"]["server"] == "stricter"


def test_the_suggested_patch_makes_the_next_run_clean(
    first_run: ContractRun, strict: ServedMock, tmp_path: Path
) -> None:
    kit = _scratch_copy(tmp_path / "kit")

    subprocess.run(["git", "apply", str(first_run.reports / "openapi.suggestions.patch")], cwd=kit, check=True)
    generated = subprocess.run([sys.executable, "scripts/regenerate.py"], cwd=kit, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stderr
    env = contract_environment(tmp_path / "after", _live(strict, PYTHONPATH=f"{kit}:{kit / 'generated'}"))
    rerun = subprocess.run(
        [sys.executable, "-m", "contract_tests.cli"], cwd=kit, env=env, capture_output=True, text=True, timeout=300
    )

    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-2000:]


def test_real_drift_on_top_is_still_the_apis_to_fix(tmp_path: Path) -> None:
    with serve_stricter("patch-merges-gateways") as served:
        run = run_contract(tmp_path, env=_live(served))

    assert run.code == 1
    drift = [f for f in run.drift["findings"] if f["fingerprint"] not in {*TIGHTER, AUTH}]
    assert any(f["check"] == "patch-semantics" and f["kind"] == "breaking" for f in drift), drift
    suggested = {s["fingerprint"] for s in run.drift["suggestions"]}
    assert all(f["fingerprint"] not in suggested for f in drift if f["check"] == "patch-semantics")
    assert all(f["provenance"] != "assumed" for f in drift if f["check"] == "patch-semantics")
