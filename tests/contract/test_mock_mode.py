"""`make contract`: the default profile against the embedded mock, in-process."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from tests.contract.contract_run import GENERATED, run_contract

RANDOM_TESTS = ("test_patch_applies_exactly_the_sent_fields", "test_operation_conforms", "test_stateful_sequences")


def test_default_profile_passes_with_at_least_2000_requests(tmp_path: Path) -> None:
    run = run_contract(tmp_path, env={"CONTRACT_PROFILE": "default", **GENERATED})

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    drift = run.drift
    assert drift["verdict"] == "no drift" and drift["complete"] is True
    assert drift["requests"] >= 2000
    assert {"patch-semantics", "transport-encryption", "bad-values", "auth", "lifecycle", "conformance"} <= set(
        drift["checks"]
    )
    assert all(counts.get("failed", 0) == 0 for counts in drift["checks"].values())
    assert (tmp_path / "junit.xml").is_file() and (tmp_path / "drift.md").is_file()
    assert drift["first_failure_requests"] is None
    # Fixed probes of every family first, random generation after, the whole-run checks last.
    ran = [case.get("name", "") for case in ElementTree.parse(tmp_path / "junit.xml").iter("testcase")]
    random = [index for index, name in enumerate(ran) if name.startswith(RANDOM_TESTS)]
    probes = [index for index, name in enumerate(ran) if name.startswith(("test_unauthenticated", "test_unknown_ids"))]
    assert random and probes and max(probes) < min(random), ran
    assert ran[-1].startswith("test_no_undocumented_key_in_any_response")


def test_scenario_run_reports_the_finding_with_a_reproduction(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "--scenario", "patch-resets-unsent-fields", "--fail-fast")

    assert run.code == 1
    finding = next(f for f in run.drift["findings"] if f["severity"] == "failure")
    assert finding["check"] == "patch-semantics"
    assert 0 < run.drift["first_failure_requests"] <= run.drift["requests"]
    assert any(command.startswith("curl -X PATCH") for command in finding["reproduce"])
    markdown = (tmp_path / "drift.md").read_text(encoding="utf-8")
    assert "$BOLNA_API_KEY" in markdown and "Reproduce" in markdown


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "--scenario", "no-such-drift")

    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "no-such-drift" in run.stderr
