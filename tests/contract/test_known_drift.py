"""The nightly loop on a server with benign differences: accept them into a baseline, stay green,
turn red for new drift or an expired acceptance, and prune what the server no longer shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from contract_tests.findings.baseline import load
from tests.contract.contract_run import ContractRun, run_contract
from tests.fixtures.benign_server import serve_benign
from tests.fixtures.served_mock import ServedMock

PORT_ZERO = "gateway-port-zero-accepted"  # one more looser difference, which the server later loses
MERGES = "patch-merges-gateways"  # real drift, added on top


def run(served: ServedMock, reports: Path, baseline: Path, *args: str, previous: Path | None = None) -> ContractRun:
    env = {"BOLNA_BASE_URL": served.base_url, "BOLNA_API_KEY": served.token, "CONTRACT_BASELINE": str(baseline)}
    if previous is not None:
        env["CONTRACT_PREVIOUS"] = str(previous)
    return run_contract(reports, *args, env=env)


def fingerprints(run: ContractRun, name: str) -> set[str]:
    return {entry["fingerprint"] for entry in run.drift[name]}


def annotate(baseline: Path, fingerprint: str, **annotations: Any) -> None:
    yaml = YAML()
    document = yaml.load(baseline.read_text(encoding="utf-8"))
    entry = next(entry for entry in document["entries"] if entry["fingerprint"] == fingerprint)
    entry.update(annotations)
    with baseline.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)


def test_accept_stay_green_catch_new_and_expired_then_prune(tmp_path: Path) -> None:
    baseline = tmp_path / "contract-baseline.yaml"

    with serve_benign(PORT_ZERO) as served:
        first = run(served, tmp_path / "1", baseline, "--baseline-update")
    accepted = {entry.fingerprint: entry for entry in load(baseline).entries}
    port_zero = next(f["fingerprint"] for f in first.drift["findings"] if "Port" in f["title"])
    name = next(f["fingerprint"] for f in first.drift["findings"] if "TrunkName" in f["title"])

    assert first.code == 1, "the differences were new when the run judged them"
    assert set(accepted) == {f["fingerprint"] for f in first.drift["findings"] if f["severity"] != "defect"}
    assert len(accepted) == 7 and all(entry.title and entry.kind and entry.check for entry in accepted.values())

    annotate(baseline, name, reason="Bolna takes longer names", ticket="OPS-7", expires="2020-01-01")
    with serve_benign(PORT_ZERO, MERGES) as served:
        second = run(served, tmp_path / "2", baseline, previous=tmp_path / "1" / "drift.json")

    assert second.code == 1
    assert fingerprints(second, "expired") == {name}
    assert fingerprints(second, "known") == set(accepted) - {name}
    assert second.drift["new"] and fingerprints(second, "new").isdisjoint(accepted)
    assert {f["kind"] for f in second.drift["findings"] if f["fingerprint"] in fingerprints(second, "new")} == {
        "breaking"
    }
    assert "(its baseline entry expired)" in second.stdout and "KNOWN" in second.stdout
    assert set(second.drift["since_previous"]["new"]) == fingerprints(second, "new")

    annotate(baseline, name, expires="2099-12-31")
    with serve_benign() as served:
        third = run(served, tmp_path / "3", baseline, "--baseline-prune")
    kept = {entry.fingerprint: entry for entry in load(baseline).entries}

    assert third.code == 0, third.stdout[-3000:]
    assert fingerprints(third, "known") == set(accepted) - {port_zero}
    assert fingerprints(third, "resolved") == {port_zero}
    assert set(kept) == set(accepted) - {port_zero}
    assert (kept[name].raw["reason"], kept[name].raw["ticket"]) == ("Bolna takes longer names", "OPS-7")
    assert "Known drift (the baseline)" in (tmp_path / "3" / "drift.md").read_text(encoding="utf-8")
