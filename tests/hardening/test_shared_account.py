"""One account, several users at once, against a correct server: no false drift, no trunk left
changed, no contract-* trunk left behind.

Each test serves its own mock on loopback and starts `bolna-contract` processes against it, as
users would (with a little latency on every answer where a second process must come in mid-run).
"""

from __future__ import annotations

import threading
from pathlib import Path

from contract_tests.live.restore_record import restorable
from contract_tests.live.safety import TRUNKS_PATH
from tests.contract.contract_run import ContractRun, run_contract
from tests.fixtures.served_mock import ServedMock, serve_mock
from tests.hardening.live_runs import contract_test_trunks, contract_trunks, live_env, start_contract, wait_until

TOKEN = "tok-shared-account-91c4"
SLOW_MOCK = ("--latency", "0.02")


def assert_clean_pass(run: ContractRun) -> None:
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert [f["title"] for f in run.drift["findings"] if f["severity"] != "warning"] == []


def assert_stood_down_in_one_line(run: ContractRun, says: str) -> None:
    assert run.code == 2, run.stdout[-3000:] + run.stderr[-2000:]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], run.stderr


def test_cleanup_typed_during_a_run_leaves_the_run_alone(tmp_path: Path) -> None:
    with serve_mock(*SLOW_MOCK, token=TOKEN) as served:
        env = live_env(served.base_url, TOKEN)
        running = start_contract(tmp_path / "run", env)
        wait_until(lambda: len(contract_test_trunks(served)) >= 2, "the run creates its trunks")
        cleanup = run_contract(tmp_path / "cleanup", "cleanup", env=env)
        spared = contract_test_trunks(served)
        run = running.finish()
        left = contract_trunks(served)

    assert cleanup.code == 0, cleanup.stdout + cleanup.stderr
    assert "deleted 0 leftover contract-test-* trunks" in cleanup.stdout
    assert "alone: it is running (lease until" in cleanup.stdout
    assert spared, "the running run's trunks are still there"
    assert_clean_pass(run)
    assert left == []


def test_two_throwaway_runs_and_a_console_user_at_once(tmp_path: Path) -> None:
    """Each run sees the other's trunks, and a user's, come and go: none of it is drift."""
    stop = threading.Event()
    with serve_mock(token=TOKEN) as served:
        env = live_env(served.base_url, TOKEN)
        first, second = start_contract(tmp_path / "a", env), start_contract(tmp_path / "b", env)
        user = threading.Thread(target=console_user, args=(served, stop))
        user.start()
        try:
            runs = [first.finish(), second.finish()]
        finally:
            stop.set()
            user.join()
        left = contract_trunks(served)
        users = [trunk["name"] for trunk in served.trunks()]

    for run in runs:
        assert_clean_pass(run)
    assert left == []
    assert users and all(name.startswith("console") for name in users), "the user's own trunks stay theirs"


def console_user(served: ServedMock, stop: threading.Event) -> None:
    """Someone at the console: makes trunks, changes and deletes some of them, until told to stop."""
    body = {
        "provider": "custom",
        "auth_type": "ip-based",
        "gateways": [{"gateway_address": "sip.invalid"}],
        "ip_identifiers": [{"ip_address": "192.0.2.9"}],
    }
    made = 0
    with served.client() as client:
        while not stop.wait(0.3):
            made += 1
            path = f"{TRUNKS_PATH}/{client.post(TRUNKS_PATH, json=body | {'name': f'console {made}'}).json()['id']}"
            if made % 2:
                client.patch(path, json={"name": f"console {made} renamed", "is_active": False})
            if made % 3 == 0:
                client.delete(path)


def test_two_runs_on_one_trunk_one_stands_aside_and_the_trunk_is_as_before(tmp_path: Path) -> None:
    with serve_mock(token=TOKEN) as served:
        before = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"])
        # The same report folder, as two people in one checkout would have.
        first, second = start_contract(tmp_path, env), start_contract(tmp_path, env)
        runs = sorted([first.finish(), second.finish()], key=lambda run: run.code)
        after = next(trunk for trunk in served.trunks() if trunk["id"] == before["id"])
        left = contract_trunks(served)

    proceeded, stood_aside = runs
    assert_clean_pass(proceeded)
    assert_stood_down_in_one_line(stood_aside, f"trunk {before['id']} is in use by run ")
    assert restorable(after) == restorable(before)
    assert (after["auth_username"], after["phone_numbers"]) == (before["auth_username"], before["phone_numbers"])
    assert left == []


def test_a_run_waits_for_the_lease_and_then_goes(tmp_path: Path) -> None:
    with serve_mock(token=TOKEN) as served:
        before = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"])
        first = start_contract(tmp_path / "a", env)
        wait_until(lambda: bool(contract_trunks(served)), "the first run takes the trunk")
        second = start_contract(tmp_path / "b", env, "--wait-for-lease")
        runs = [first.finish(), second.finish(timeout=240)]
        after = next(trunk for trunk in served.trunks() if trunk["id"] == before["id"])
        left = contract_trunks(served)

    for run in runs:
        assert_clean_pass(run)
    assert "waiting for run " in runs[1].stderr
    assert restorable(after) == restorable(before)
    assert left == []


def test_a_run_whose_trunk_someone_deletes_stops_in_one_line_without_drift(tmp_path: Path) -> None:
    with serve_mock(*SLOW_MOCK, token=TOKEN) as served:
        env = live_env(served.base_url, TOKEN)
        running = start_contract(tmp_path / "run", env)
        wait_until(lambda: len(contract_test_trunks(served)) >= 2, "the run creates its trunks")
        forced = run_contract(tmp_path / "cleanup", "cleanup", "--force", env=env)
        run = running.finish()
        left = contract_trunks(served)

    assert forced.code == 0, forced.stdout + forced.stderr
    assert_stood_down_in_one_line(run, "someone ")
    assert [f["title"] for f in run.drift["findings"] if f["severity"] == "failure"] == []
    assert left == []


def test_a_run_whose_existing_trunk_someone_deletes_stops_in_one_line(tmp_path: Path) -> None:
    with serve_mock(*SLOW_MOCK, token=TOKEN) as served:
        trunk = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=trunk["id"])
        running = start_contract(tmp_path, env)
        renamed = lambda: any(t["name"].startswith("contract-kept-") for t in served.trunks())  # noqa: E731
        wait_until(renamed, "the run changes the trunk")
        with served.client() as client:
            assert client.delete(f"{TRUNKS_PATH}/{trunk['id']}").status_code == 200
        run = running.finish()
        left = contract_trunks(served)

    assert_stood_down_in_one_line(run, f"someone else deleted the existing trunk BOLNA_TRUNK_ID {trunk['id']}")
    assert [f["title"] for f in run.drift["findings"] if f["severity"] == "failure"] == []
    assert left == [], "its lease ended with it"
