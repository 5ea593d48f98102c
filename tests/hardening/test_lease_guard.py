"""The guard's part in leases: the run's marker and nothing else rides on a lease request, the
lease is renewed in time, and a trunk of the run that vanished stops the run instead of being drift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contract_tests.live.lease import Lease
from contract_tests.live.safety import (
    LEASE,
    TRUNKS_PATH,
    RunStoodDown,
    SafetyTransport,
    TrunkLedger,
    UnsafeRequestRefused,
)

BASE = "http://api.test"


class Account:
    """Just enough of an account: trunks by id, every request kept."""

    def __init__(self, *trunk_ids: str) -> None:
        self.trunks: dict[str, dict[str, Any]] = {trunk: {"id": trunk, "name": trunk} for trunk in trunk_ids}
        self.sent: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        if request.url.path == TRUNKS_PATH:
            return httpx.Response(200, json=list(self.trunks.values()))
        trunk = self.trunks.get(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(200, json=trunk) if trunk else httpx.Response(404, json={"detail": "Not Found"})


def client(account: Account, ledger: TrunkLedger) -> httpx.Client:
    return httpx.Client(base_url=BASE, transport=SafetyTransport(httpx.MockTransport(account), ledger))


def leased(*, created: tuple[str, ...] = (), marker: str = "marker") -> TrunkLedger:
    ledger = TrunkLedger(run_id="r1")
    ledger.lease = Lease("r1", None, 600, "Bearer t")
    ledger.lease.marker_id = marker
    ledger.lease.until = datetime.now(UTC) + timedelta(seconds=600)
    for trunk_id in created:
        ledger.record_created(trunk_id)
    return ledger


def test_a_lease_request_reaches_only_the_runs_own_marker() -> None:
    account = Account("marker", "someone-elses")
    with client(account, leased()) as http:
        assert http.patch(f"{TRUNKS_PATH}/marker", json={"name": "x"}, extensions={LEASE: True}).status_code == 200
        with pytest.raises(UnsafeRequestRefused):
            http.delete(f"{TRUNKS_PATH}/someone-elses", extensions={LEASE: True})
    assert account.sent == [f"PATCH {TRUNKS_PATH}/marker"]


def test_the_lease_is_renewed_once_a_third_of_it_has_passed() -> None:
    account = Account("marker", "mine")
    ledger = leased(created=("mine",))
    assert ledger.lease is not None
    with client(account, ledger) as http:
        http.get(f"{TRUNKS_PATH}/mine")
        ledger.lease.until = datetime.now(UTC) + timedelta(seconds=300)
        http.get(f"{TRUNKS_PATH}/mine")
    assert account.sent == [f"GET {TRUNKS_PATH}/mine", f"PATCH {TRUNKS_PATH}/marker", f"GET {TRUNKS_PATH}/mine"]
    assert ledger.lease.until > datetime.now(UTC) + timedelta(seconds=590)


def test_a_deleted_marker_stops_the_run() -> None:
    ledger = leased(created=("mine",))
    assert ledger.lease is not None
    ledger.lease.until = datetime.now(UTC)
    with client(Account("mine"), ledger) as http, pytest.raises(RunStoodDown, match="lease marker"):
        http.get(f"{TRUNKS_PATH}/mine")
    assert ledger.stop_requested.is_set()


def test_a_trunk_of_the_run_gone_from_the_account_stops_the_run_in_one_line() -> None:
    ledger = leased(created=("mine",))
    with client(Account("marker"), ledger) as http, pytest.raises(RunStoodDown):
        http.patch(f"{TRUNKS_PATH}/mine", json={"is_active": False})
    assert ledger.stood_down is not None and "someone else deleted this run's trunk mine" in ledger.stood_down
    assert "\n" not in ledger.stood_down


def test_a_404_for_a_trunk_still_listed_is_the_apis_answer_to_judge() -> None:
    account = Account("marker")
    account.trunks["unreadable"] = {"id": "mine", "name": "mine"}  # listed, yet answers 404: drift
    ledger = leased(created=("mine",))
    with client(account, ledger) as http:
        assert http.get(f"{TRUNKS_PATH}/mine").status_code == 404
    assert ledger.stood_down is None


def test_without_a_lease_nothing_is_looked_up() -> None:
    """The embedded mock: no one else uses it, so a 404 is the API's answer and nothing more."""
    account = Account()
    ledger = TrunkLedger(run_id="r1")
    ledger.record_created("mine")
    with client(account, ledger) as http:
        assert http.get(f"{TRUNKS_PATH}/mine").status_code == 404
    assert account.sent == [f"GET {TRUNKS_PATH}/mine"]
