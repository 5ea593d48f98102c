"""A run killed outright (SIGKILL: a lost CI runner, an out-of-memory kill) leaves nothing changed
for good: the restore record it wrote before its first change lets `bolna-contract cleanup`, or
the next run on the same trunk, put the existing trunk back field by field, once the killed run's
lease (which it can no longer renew) has lapsed.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from contract_tests.live.restore_record import RECORD_GLOB, restorable
from contract_tests.live.safety import TRUNKS_PATH
from tests.contract.contract_run import ContractRun, run_contract
from tests.fixtures.served_mock import ServedMock, serve_mock
from tests.hardening.live_runs import (
    contract_test_trunks,
    contract_trunks,
    live_env,
    live_leases,
    start_contract,
    wait_until,
)

TOKEN = "tok-hard-kill-7a2c"
# Seconds between the run's first change to the trunk and the kill: at once, early, well into it.
KILL_POINTS = [0.0, 1.5, 4.0]
# Added to every answer where the test kills the run, so that the last kill point still comes
# well before the run would end on a fast machine (a quick run's few hundred requests).
SLOW_MOCK = ("--latency", "0.03")
# Never sent by the suite, so they must simply stay as they were.
UNTOUCHED = ("auth_username", "provider", "auth_type", "phone_numbers")
# A killed run's lease lapses this long after its last renewal (the default is minutes).
LEASE = {"CONTRACT_LEASE_SECONDS": "4"}


def wait_for_the_lease_to_lapse(served: ServedMock) -> None:
    wait_until(lambda: not live_leases(served), "the killed run's lease lapses", timeout=30)


def read_trunk(served: ServedMock, trunk_id: str) -> dict[str, Any]:
    with served.client() as client:
        trunk: dict[str, Any] = client.get(f"{TRUNKS_PATH}/{trunk_id}").json()
    return trunk


def kill_after_first_change(served: ServedMock, workdir: Path, env: dict[str, str], delay: float) -> dict[str, Any]:
    """Start a run on the trunk, SIGKILL it `delay` seconds after it first changed the trunk; the
    trunk as the kill left it."""
    trunk_id = env["BOLNA_TRUNK_ID"]
    before = read_trunk(served, trunk_id)
    running = start_contract(workdir, env)
    changed = lambda: restorable(read_trunk(served, trunk_id)) != restorable(before)  # noqa: E731
    wait_until(changed, "the run changes the trunk")
    time.sleep(delay)
    assert running.process.poll() is None, "the run ended before it could be killed: kill it earlier"
    running.signal(signal.SIGKILL)
    running.process.wait(timeout=10)
    return read_trunk(served, trunk_id)


def assert_as_before(after: dict[str, Any], before: dict[str, Any]) -> None:
    assert restorable(after) == restorable(before)
    for key in UNTOUCHED:
        assert after[key] == before[key], f"{key} changed"


def records(reports: Path) -> list[Path]:
    return sorted(reports.glob(RECORD_GLOB))


@pytest.mark.parametrize("delay", KILL_POINTS, ids=[f"{d}s-after-first-change" for d in KILL_POINTS])
def test_cleanup_after_a_kill_restores_the_existing_trunk(delay: float, tmp_path: Path) -> None:
    with serve_mock(*SLOW_MOCK, token=TOKEN) as served:
        before = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"], **LEASE)
        killed = kill_after_first_change(served, tmp_path, env, delay)
        left = [json.loads(path.read_text(encoding="utf-8")) for path in records(tmp_path / "reports")]
        wait_for_the_lease_to_lapse(served)
        cleanup = run_contract(tmp_path / "reports", "cleanup", env=env)
        after = read_trunk(served, before["id"])
        leftovers = contract_trunks(served)

    assert restorable(killed) != restorable(before), "the kill was to leave the trunk changed"
    assert [record["trunk_id"] for record in left] == [before["id"]], "one record, of the given trunk"
    assert cleanup.code == 0, cleanup.stdout + cleanup.stderr
    assert f"restored trunk {before['id']}" in cleanup.stdout
    assert_as_before(after, before)
    assert records(tmp_path / "reports") == [], "a record whose restore was verified must go"
    assert leftovers == [], "the lapsed lease's marker went too"


def test_the_next_run_restores_first_and_leaves_the_trunk_as_before_the_first(tmp_path: Path) -> None:
    with serve_mock(token=TOKEN) as served:
        before = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"], **LEASE)
        kill_after_first_change(served, tmp_path / "killed", env, delay=1.5)
        next_run = next_run_on(tmp_path, env)
        after = read_trunk(served, before["id"])
        leftovers = contract_trunks(served)

    assert next_run.code == 0, next_run.stdout[-3000:] + next_run.stderr[-2000:]
    assert "waiting for run " in next_run.stderr, "the killed run's lease was still live: the next run waits it out"
    assert leftovers == []
    notes = next_run.drift["notes"]
    assert any(note.startswith(f"restored trunk {before['id']} from the record of run") for note in notes), notes
    assert_as_before(after, before)
    assert records(tmp_path / "killed" / "reports") == []


def next_run_on(tmp_path: Path, env: dict[str, str]) -> ContractRun:
    """A run with the same report folder, where the killed run left its record, started at once."""
    return run_contract(tmp_path / "killed" / "reports", "--wait-for-lease", env=env)


def test_a_desired_state_in_the_repository_outlives_the_machine(tmp_path: Path) -> None:
    """In CI the report folder dies with the runner: the committed state is what cleanup restores."""
    state = tmp_path / "repo" / "contract-trunk.json"
    with serve_mock(*SLOW_MOCK, token=TOKEN) as served:
        before = served.production_trunk()
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"], BOLNA_TRUNK_STATE=str(state), **LEASE)
        missing = run_contract(tmp_path / "first", env=env)
        snapshot = run_contract(tmp_path / "first", "snapshot", str(state), env=env)
        kill_after_first_change(served, tmp_path / "lost-runner", env, delay=1.5)
        wait_for_the_lease_to_lapse(served)
        cleanup = run_contract(tmp_path / "new-runner", "cleanup", env=env)
        after = read_trunk(served, before["id"])

    assert missing.code == 2
    assert "BOLNA_TRUNK_STATE" in missing.stderr and "bolna-contract snapshot" in missing.stderr
    assert snapshot.code == 0, snapshot.stderr
    assert cleanup.code == 0, cleanup.stdout + cleanup.stderr
    assert f"restored trunk {before['id']} from the desired state in {state}" in cleanup.stdout
    assert_as_before(after, before)
    assert state.exists(), "the desired state is the repository's: never removed"


def test_a_killed_throwaway_run_leaves_no_trunk_after_cleanup(tmp_path: Path) -> None:
    with serve_mock(token=TOKEN) as served:
        env = live_env(served.base_url, TOKEN, **LEASE)
        running = start_contract(tmp_path, env)
        wait_until(lambda: len(contract_test_trunks(served)) >= 2, "the run creates its trunks")
        running.signal(signal.SIGKILL)
        running.process.wait(timeout=10)
        made = contract_test_trunks(served)
        wait_for_the_lease_to_lapse(served)
        cleanup = run_contract(tmp_path / "reports", "cleanup", env=env)
        left = contract_trunks(served)

    assert made, "the kill was to leave trunks behind"
    assert cleanup.code == 0, cleanup.stderr
    assert "deleted 1 lease markers" in cleanup.stdout
    assert left == []
