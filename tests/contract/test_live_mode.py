"""Live mode against the mock served on loopback: verdicts, clean-up and the existing-trunk mode."""

from __future__ import annotations

from pathlib import Path

from tests.contract.contract_run import run_contract
from tests.fixtures.served_mock import ServedMock, serve_mock

TRUNKS = "/sip-trunks/trunks"


def _live_env(served: ServedMock, **extra: str) -> dict[str, str]:
    return {"BOLNA_BASE_URL": served.base_url, "BOLNA_API_KEY": served.token, **extra}


def test_clean_server_passes_and_no_trunk_is_left_behind(served_mock: ServedMock, tmp_path: Path) -> None:
    run = run_contract(tmp_path, env=_live_env(served_mock))

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["verdict"] == "no drift"
    assert run.drift["requests"] > 100
    assert served_mock.trunks() == []


def test_existing_trunk_is_restored_and_nothing_is_created(served_mock: ServedMock, tmp_path: Path) -> None:
    before = created = served_mock.production_trunk()

    run = run_contract(tmp_path, env=_live_env(served_mock, BOLNA_TRUNK_ID=created["id"]))

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    trunks = served_mock.trunks()
    assert [trunk["id"] for trunk in trunks] == [created["id"]], "the run created (or left) other trunks"
    after = trunks[0]
    for key in before:
        if key in ("updated_at", "gateways"):
            continue
        assert after[key] == before[key], f"{key} was not restored"
    assert [(g["gateway_address"], g["port"], g["priority"]) for g in after["gateways"]] == [
        (g["gateway_address"], g["port"], g["priority"]) for g in before["gateways"]
    ]
    assert any("credentials" in note for note in run.drift["notes"]), "the report must say credentials were not sent"


def test_bursts_of_429_are_waited_out(tmp_path: Path) -> None:
    with serve_mock("--rate-limit-every", "9", "--retry-after", "0") as served:
        run = run_contract(tmp_path, env=_live_env(served))
        left = served.trunks()

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["retries"] > 0, "the mock answered 429 but nothing was retried"
    assert left == []


def test_drift_scenario_exits_1_and_names_the_finding(tmp_path: Path) -> None:
    # --fail-fast: a whole live run that finds drift is test_first_contact's; here the verdict,
    # the report and the clean-up after a run that stopped at its first finding.
    with serve_mock("--scenario", "patch-merges-gateways") as served:
        run = run_contract(tmp_path, "--fail-fast", env=_live_env(served))
        left = served.trunks()

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert "patch-semantics" in run.finding_checks()
    assert "drift found" in run.stdout
    assert "gateways" in (tmp_path / "drift.md").read_text(encoding="utf-8")
    assert left == []


def test_cleanup_deletes_only_leftover_contract_test_trunks(served_mock: ServedMock, tmp_path: Path) -> None:
    production = served_mock.production_trunk()
    with served_mock.client() as client:
        for name in ("contract-test-crashed-1", "contract-test-crashed-2", "contract-kept-x", "my contract-test"):
            answer = client.post(TRUNKS, json={"name": name, "provider": "custom", "auth_type": "ip-based",
                                               "gateways": [{"gateway_address": "sip.invalid"}],
                                               "ip_identifiers": [{"ip_address": "192.0.2.1"}]})  # fmt: skip
            assert answer.status_code in (200, 201), answer.text

    run = run_contract(tmp_path, "cleanup", env=_live_env(served_mock))

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "deleted 2 leftover contract-test-* trunks" in run.stdout
    left = {trunk["name"] for trunk in served_mock.trunks()}
    assert left == {production["name"], "contract-kept-x", "my contract-test"}
