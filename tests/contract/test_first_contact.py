"""A first run against an account that differs from the spec in benign ways, and real drift on top.

The benign server (tests/fixtures/benign_server.py) is the mock with six differences a real
account may have. Each must be named by exactly one finding of the right kind, the suggested
patch must make the next run clean, and real drift layered on top must still fail the run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.report import Results, as_json
from contract_tests.values.bounds import MAX_REQUESTS
from contract_tests.values.causes import Rule, fingerprint, looser_fingerprint
from tests.bench.tables import first_contact_of, first_contact_report
from tests.contract.contract_run import ContractRun, contract_environment, run_contract
from tests.fixtures.benign_server import serve_benign
from tests.fixtures.served_mock import ROOT, ServedMock

# Its module-scoped fixtures (a whole first run against the benign server) are made once:
# pytest-xdist runs this module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("first-contact")

# The rule each loosened difference concerns, and the bound the API enforces.
LOOSER = {
    looser_fingerprint(Rule("TrunkName", "", "maxLength")): 1000,
    looser_fingerprint(Rule("SipTrunkUpdate", "/properties/gateways", "maxItems")): 16,
    looser_fingerprint(Rule("QualifyFrequency", "", "maximum")): 604_800,
    looser_fingerprint(Rule("CodecList", "", "pattern")): None,
}
ADDITIVE = {
    fingerprint("undocumented-fields", "SipTrunk", "", "undocumented-keys"): {"sip_domain"},
    fingerprint("undocumented-fields", "ValidationErrorItem", "", "undocumented-keys"): {"input", "url"},
}


def _live(served: ServedMock, **extra: str) -> dict[str, str]:
    return {"BOLNA_BASE_URL": served.base_url, "BOLNA_API_KEY": served.token, **extra}


def _by_fingerprint(run: ContractRun) -> dict[str, dict[str, Any]]:
    return {finding["fingerprint"]: finding for finding in run.drift["findings"]}


@pytest.fixture(scope="module")
def benign() -> Iterator[ServedMock]:
    with serve_benign() as served:
        yield served


@pytest.fixture(scope="module")
def first_run(benign: ServedMock, tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    return run_contract(tmp_path_factory.mktemp("first"), env=_live(benign))


def test_each_benign_difference_is_one_finding_of_its_kind(first_run: ContractRun) -> None:
    found = _by_fingerprint(first_run)

    assert first_run.code == 1, "looser findings fail the run by default"
    assert set(found) == set(LOOSER) | set(ADDITIVE), [f["title"] for f in first_run.drift["findings"]]
    for cause, bound in LOOSER.items():
        finding = found[cause]
        assert finding["kind"] == "looser" and finding["severity"] == "failure"
        if bound is not None:
            assert finding["evidence"]["bound"]["enforced"] == bound, finding["evidence"]
            assert finding["evidence"]["bound"]["requests"] < MAX_REQUESTS
    for cause, keys in ADDITIVE.items():
        assert found[cause]["kind"] == "additive" and found[cause]["severity"] == "warning"
        assert set(found[cause]["evidence"]["keys"]) == keys
    assert first_run.drift["causes"] == {"breaking": 0, "looser": 4, "additive": 2}
    assert "looser findings fail the run by default" in first_run.stdout


def test_consequences_fold_into_their_cause_and_titles_say_what_was_found(first_run: ContractRun) -> None:
    codec = _by_fingerprint(first_run)[looser_fingerprint(Rule("CodecList", "", "pattern"))]
    # The atomicity probe and the stored value answered back are symptoms of the same cause.
    assert any("atomicity" in c or "bad allow" in c for c in codec["consequences"]), codec["consequences"]
    assert len(codec["operations"]) >= 1
    assert all("distinct failure" not in f["title"] for f in first_run.drift["findings"])


def test_the_bench_reports_findings_per_cause_and_discovery_requests(first_run: ContractRun) -> None:
    first = first_contact_of(first_run, "looser")

    assert first.causes == {"breaking": 0, "looser": 4, "additive": 2} and first.total_causes == 6
    results = Results(command="bench", started_at="now", machine={"CPUs": "2"}, quick=True)
    results.first_contact = first
    markdown = first_contact_report(results)
    assert f"{first.discovery_requests} for 3 bounds" in markdown
    assert json.loads(as_json(results))["first_contact"]["symptoms"] == first.symptoms


def test_the_suggested_patch_makes_the_next_run_clean(
    first_run: ContractRun, benign: ServedMock, tmp_path: Path
) -> None:
    patch = first_run.reports / "openapi.suggestions.patch"
    kit = _scratch_copy(tmp_path / "kit")

    subprocess.run(["git", "apply", str(patch)], cwd=kit, check=True)
    generated = subprocess.run([sys.executable, "scripts/regenerate.py"], cwd=kit, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stderr
    env = contract_environment(tmp_path / "after", _live(benign, PYTHONPATH=f"{kit}:{kit / 'generated'}"))
    rerun = subprocess.run(
        [sys.executable, "-m", "contract_tests.cli"], cwd=kit, env=env, capture_output=True, text=True, timeout=300
    )

    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-2000:]
    assert not (tmp_path / "after" / "openapi.suggestions.patch").exists()


def _scratch_copy(destination: Path) -> Path:
    """The kit's tracked files (and this test's server) in a git repository of their own."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in [*filter(None, listed.decode().split("\0")), "tests/fixtures/benign_server.py"]:
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    return destination


@pytest.mark.parametrize(
    ("drifts", "expected"),
    [
        (
            ("patch-merges-gateways", "gateway-port-zero-accepted"),
            {("patch-semantics", "breaking"), ("bad-values", "looser")},
        ),
        (
            ("partial-patch-on-invalid-field", "omits-documented-fields"),
            {("bad-values", "breaking"), ("conformance", "breaking")},
        ),
    ],
    ids=["merged-arrays+port-zero", "partial-422+missing-key"],
)
def test_real_drift_on_top_of_benign_differences_is_caught(
    drifts: tuple[str, ...], expected: set[tuple[str, str]], tmp_path: Path
) -> None:
    with serve_benign(*drifts) as served:
        run = run_contract(tmp_path, env=_live(served))

    assert run.code == 1
    benign = set(LOOSER) | set(ADDITIVE)
    new = {(f["check"], f["kind"]) for f in run.drift["findings"] if f["fingerprint"] not in benign}
    assert expected <= new, new
    if "gateway-port-zero-accepted" in drifts:
        port = _by_fingerprint(run)[looser_fingerprint(Rule("Port", "", "minimum"))]
        assert port["evidence"]["bound"]["enforced"] == 0
    if "partial-patch-on-invalid-field" in drifts:
        assert fingerprint("bad-values", "PATCH /sip-trunks/trunks/{trunk_id}", "rejected-patch-applied", 422) in {
            f["fingerprint"] for f in run.drift["findings"]
        }


def test_calibrate_only_explores_and_finds_the_same_causes(
    first_run: ContractRun, benign: ServedMock, tmp_path: Path
) -> None:
    run = run_contract(tmp_path, "calibrate", env=_live(benign))

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "patch-semantics" not in run.drift["checks"]
    # Another run, so another Hypothesis seed, against the same server: the same causes.
    assert set(_by_fingerprint(run)) == set(_by_fingerprint(first_run)) == set(LOOSER) | set(ADDITIVE)
    assert (tmp_path / "openapi.suggestions.patch").read_text(encoding="utf-8").count("\n@@ ") >= 6


def test_discovery_on_an_existing_trunk_restores_it_and_touches_no_other(benign: ServedMock, tmp_path: Path) -> None:
    given = benign.production_trunk()
    other = benign.production_trunk()

    run = run_contract(tmp_path, env=_live(benign, BOLNA_TRUNK_ID=given["id"]))

    after = {trunk["id"]: trunk for trunk in benign.trunks()}
    assert set(after) == {given["id"], other["id"]}, "the run created or deleted trunks"
    assert after[other["id"]] == other, "a trunk the run was not given changed"
    for key in ("name", "qualify_frequency", "allow", "description"):
        assert after[given["id"]][key] == given[key], f"{key} was not restored"
    name = _by_fingerprint(run)[looser_fingerprint(Rule("TrunkName", "", "maxLength"))]
    assert name["evidence"]["bound"]["enforced"] == 1000, "the bound is measured on the given trunk"
