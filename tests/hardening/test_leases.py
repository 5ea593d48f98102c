"""Leases on a shared account, where they are decided: what a marker says, what `cleanup` spares,
and when a run on an existing trunk stands aside. Each test exits before any check runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from contract_tests.live.lease import Lease, LeaseMark, first_claim, holder, lease_marks, run_of
from contract_tests.live.restore_record import RECORD_GLOB, restorable
from contract_tests.live.safety import TRUNKS_PATH
from contract_tests.live.settings import ConfigError, settings_from_env
from tests.contract.contract_run import run_contract
from tests.fixtures.served_mock import ServedMock, serve_mock
from tests.hardening.live_runs import contract_trunks, live_env

TOKEN = "tok-leases-3b9d"


@pytest.fixture
def now() -> datetime:
    """The time the test's leases count from, taken when it starts: a lease lasts seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def marker_name(run_id: str, now: datetime, *, seconds: float, trunk_id: str | None = None) -> str:
    return Lease(run_id, trunk_id, 60, "").name(now + timedelta(seconds=seconds))


def add_trunk(served: ServedMock, name: str) -> dict[str, Any]:
    body = {
        "name": name,
        "provider": "custom",
        "auth_type": "ip-based",
        "gateways": [{"gateway_address": "sip.invalid"}],
        "ip_identifiers": [{"ip_address": "192.0.2.1"}],
    }
    with served.client() as client:
        response = client.post(TRUNKS_PATH, json=body)
    assert response.status_code in (200, 201), response.text
    trunk: dict[str, Any] = response.json()
    return trunk


def names(served: ServedMock) -> set[str]:
    return {str(trunk["name"]) for trunk in served.trunks()}


def mark(run_id: str, now: datetime, *, seconds: float, trunk_id: str | None = "t1", made: float = 0.0) -> LeaseMark:
    return LeaseMark(f"m-{run_id}", run_id, now + timedelta(seconds=seconds), trunk_id, now + timedelta(seconds=made))


def test_a_marker_name_says_whose_lease_on_what_until_when(now: datetime) -> None:
    listed = [
        {"id": "m1", "name": marker_name("ab12", now, seconds=60, trunk_id="trunk-with-dashes"), "created_at": "x"},
        {"id": "m2", "name": marker_name("cd34", now, seconds=-5)},
        {"id": "t1", "name": "contract-test-ab12-1"},
        {"id": "t2", "name": "contract-lease-not-a-lease"},
        "not a trunk",
    ]

    marks = lease_marks(listed)

    assert [(m.marker_id, m.run_id, m.trunk_id) for m in marks] == [
        ("m1", "ab12", "trunk-with-dashes"),
        ("m2", "cd34", None),
    ]
    assert marks[0].until == now + timedelta(seconds=60) and marks[0].created_at is None
    assert [m.live(datetime.now(UTC)) for m in marks] == [True, False]
    assert (run_of("contract-test-ab12-7"), run_of("contract-kept-cd34-2"), run_of("Production")) == (
        "ab12",
        "cd34",
        None,
    )


def test_only_another_runs_live_lease_on_the_same_trunk_holds_it(now: datetime) -> None:
    marks = [mark("mine", now, seconds=60), mark("old", now, seconds=-1), mark("else", now, seconds=60, trunk_id="t2")]
    assert holder(marks, "t1", "mine") is None
    holding = mark("other", now, seconds=30)
    assert holder([*marks, holding], "t1", "mine") == holding


def test_of_two_claims_the_earlier_goes_and_a_tie_lets_neither(now: datetime) -> None:
    mine = mark("mine", now, seconds=60, made=1.0)
    assert first_claim([mine, mark("later", now, seconds=60, made=2.0)], mine) is None
    earlier = mark("earlier", now, seconds=60, made=0.5)
    assert first_claim([mine, earlier], mine) == earlier
    tie = mark("tie", now, seconds=60, made=1.0)
    assert first_claim([mine, tie], mine) == tie
    assert first_claim([mine, mark("lapsed", now, seconds=-1, made=0.0)], mine) is None


@pytest.mark.parametrize("value", ["2", "soon", "-1"])
def test_a_lease_too_short_or_unreadable_is_a_setting_to_fix(value: str) -> None:
    with pytest.raises(ConfigError, match="CONTRACT_LEASE_SECONDS"):
        settings_from_env({"CONTRACT_LEASE_SECONDS": value})
    assert settings_from_env({"CONTRACT_LEASE_SECONDS": "30"}).lease_seconds == 30
    assert settings_from_env({"CONTRACT_WAIT_FOR_LEASE": "1"}).wait_for_lease is True
    assert settings_from_env({}).wait_for_lease is False


def test_cleanup_spares_running_runs_and_deletes_what_ended(tmp_path: Path, now: datetime) -> None:
    with serve_mock(token=TOKEN) as served:
        production = served.production_trunk()
        for name in (
            marker_name("live", now, seconds=300),
            "contract-test-live-1",
            "contract-test-live-2",
            marker_name("killed", now, seconds=-10),
            "contract-test-killed-1",
            "contract-test-ended-1",
        ):
            add_trunk(served, name)
        cleanup = run_contract(tmp_path, "cleanup", env=live_env(served.base_url, TOKEN))
        after_cleanup = names(served)
        forced = run_contract(tmp_path, "cleanup", "--force", env=live_env(served.base_url, TOKEN))
        after_force = names(served)

    assert cleanup.code == 0, cleanup.stdout + cleanup.stderr
    assert "deleted 2 leftover contract-test-* trunks" in cleanup.stdout
    assert "deleted 1 lease markers of runs that ended or were killed" in cleanup.stdout
    assert "left 2 contract-test-* trunks of run live alone: it is running (lease until" in cleanup.stdout
    spared = {marker_name("live", now, seconds=300), "contract-test-live-1", "contract-test-live-2"}
    assert after_cleanup == {production["name"], *spared}
    assert forced.code == 0, forced.stdout + forced.stderr
    assert after_force == {production["name"]}


def test_a_second_run_on_a_trunk_in_use_stands_aside_in_one_line(tmp_path: Path, now: datetime) -> None:
    with serve_mock(token=TOKEN) as served:
        before = served.production_trunk()
        add_trunk(served, marker_name("holder", now, seconds=300, trunk_id=before["id"]))
        env = live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"])
        run = run_contract(tmp_path / "second", env=env)
        snapshot = run_contract(tmp_path / "second", "snapshot", str(tmp_path / "state.json"), env=env)
        after = next(trunk for trunk in served.trunks() if trunk["id"] == before["id"])
        left = names(served)

    assert run.code == 2, run.stdout + run.stderr
    ends = f"{now + timedelta(seconds=300):%Y-%m-%d %H:%M:%S} UTC"
    assert run.stderr.strip().splitlines() == [
        f"bolna-contract: trunk {before['id']} is in use by run holder, whose lease ends at {ends} unless it "
        "renews it; run again after it, or with --wait-for-lease"
    ]
    assert snapshot.code == 2 and "in use by run holder" in snapshot.stderr, snapshot.stderr
    assert after == before, "a run that stands aside changes nothing"
    assert not list((tmp_path / "second").glob(RECORD_GLOB)), "nor does it record the trunk"
    assert left == {before["name"], marker_name("holder", now, seconds=300, trunk_id=before["id"])}


def test_a_trunk_another_run_left_renamed_is_never_taken_for_its_own_state(tmp_path: Path) -> None:
    with serve_mock(token=TOKEN) as served:
        trunk = served.production_trunk()
        with served.client() as client:
            client.patch(f"{TRUNKS_PATH}/{trunk['id']}", json={"name": "contract-kept-gone-4", "qualify_frequency": 7})
        before = next(t for t in served.trunks() if t["id"] == trunk["id"])
        run = run_contract(tmp_path, env=live_env(served.base_url, TOKEN, BOLNA_TRUNK_ID=trunk["id"]))
        after = next(t for t in served.trunks() if t["id"] == trunk["id"])
        left = contract_trunks(served)

    assert run.code == 2, run.stdout + run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "still carries the name contract-kept-gone-4 of run gone" in run.stderr
    assert restorable(after) == restorable(before)
    assert not list(tmp_path.glob(RECORD_GLOB))
    assert [t["name"] for t in left] == ["contract-kept-gone-4"], "its lease ended with it"
