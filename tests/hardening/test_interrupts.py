"""An interrupted run (Ctrl-C, SIGTERM) exits 2, deletes its trunks, restores an existing trunk and
leaves a report that says it is partial.

The run goes through the fault proxy, which holds one read of a trunk for a few seconds; the
signal arrives while the run waits for that answer. The suite sends one request at a time, so
no write is in flight at that moment and the outcome does not depend on timing. A write in
flight is another matter: see the last two tests.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.live.safety import TRUNKS_PATH
from tests.contract.contract_run import ContractRun, RunningContract
from tests.fixtures.fault_proxy import Action, Fault, FaultProxy, StartFaultProxy, at, json_has
from tests.fixtures.served_mock import ServedMock, serve_mock
from tests.hardening.live_runs import (
    A_TRUNK,
    contract_test_trunks,
    live_env,
    start_contract,
    wait_until,
    workbench_creates,
)

TOKEN = "tok-interrupts-5e1f"
HOLD = 3.0  # seconds the proxy holds the chosen request; the signal comes during that time
SIGNALS = [signal.SIGINT, signal.SIGTERM]
# Fields a run may change on an existing trunk and must put back (credentials are never sent).
RESTORED = (
    *("name", "description", "allow", "disallow", "inbound_enabled", "outbound_leading_plus_enabled"),
    *("is_active", "qualify_frequency", "transport", "media_encryption", "media_encryption_optimistic"),
    *("ip_identifiers", "phone_numbers", "auth_username", "provider", "auth_type"),
)


def wait_for_the_hold(proxy: FaultProxy) -> None:
    wait_until(lambda: proxy.injected[Action.DELAY] == 1, "the run waits for the held request")


def interrupt(running: RunningContract, signum: signal.Signals) -> ContractRun:
    running.signal(signum)
    return running.finish(timeout=60)


def assert_partial_report(run: ContractRun) -> None:
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.drift["complete"] is False
    assert run.drift["exit_code"] == 2
    assert any("interrupted" in note for note in run.drift["notes"])
    assert "partial run" in (run.reports / "drift.md").read_text(encoding="utf-8")
    # README: every exit 2 comes with one line on stderr that says what to fix.
    assert run.stderr.strip().splitlines() == [
        "bolna-contract: interrupted: the report is partial; run again for a verdict"
    ], run.stderr


def read_trunk(served: ServedMock, trunk_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{served.base_url}{TRUNKS_PATH}/{trunk_id}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    trunk: dict[str, Any] = response.json()
    return trunk


def assert_restored(after: dict[str, Any], before: dict[str, Any]) -> None:
    for key in RESTORED:
        assert after[key] == before[key], f"{key} was not restored"
    sent = ("gateway_address", "port", "priority")
    assert [[g[k] for k in sent] for g in after["gateways"]] == [[g[k] for k in sent] for g in before["gateways"]]


@pytest.mark.parametrize("signum", SIGNALS, ids=[s.name for s in SIGNALS])
def test_an_interrupted_run_deletes_its_trunks_and_says_it_is_partial(
    signum: signal.Signals, fault_proxy: StartFaultProxy, tmp_path: Path
) -> None:
    hold_a_read = Fault(Action.DELAY, at(3), "GET", A_TRUNK, seconds=HOLD)
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, hold_a_read)
        running = start_contract(tmp_path, live_env(proxy.base_url, TOKEN))
        wait_for_the_hold(proxy)
        made = contract_test_trunks(served)
        run = interrupt(running, signum)
        left = contract_test_trunks(served)

    assert made, "the run was to be interrupted after it had created trunks"
    assert_partial_report(run)
    assert left == []


def test_an_interrupted_run_on_an_existing_trunk_restores_it(fault_proxy: StartFaultProxy, tmp_path: Path) -> None:
    # By the tenth read of the trunk the run has changed it several times (asserted below).
    hold_a_read = Fault(Action.DELAY, at(10), "GET", A_TRUNK, seconds=HOLD)
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, hold_a_read)
        before = served.production_trunk()
        running = start_contract(tmp_path, live_env(proxy.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"]))
        wait_for_the_hold(proxy)
        changed = read_trunk(served, before["id"])
        run = interrupt(running, signal.SIGINT)
        after = read_trunk(served, before["id"])
        trunks = served.trunks()

    assert changed["updated_at"] != before["updated_at"], "the run was to be interrupted after it changed the trunk"
    assert_partial_report(run)
    assert [trunk["id"] for trunk in trunks] == [before["id"]], "the run created (or left) other trunks"
    assert_restored(after, before)


# -- a write in flight when the signal comes ----------------------------------------------------
#
# The signal raises KeyboardInterrupt inside the request, so the run stops waiting for it. The
# server may still act on it afterwards: a create lands after the clean-up (a trunk is left), a
# PATCH lands after the restore (the existing trunk keeps the suite's values, gateway sip.invalid
# included). The proxy holds the write to make the timing certain.


def test_a_create_in_flight_when_interrupted_is_deleted_too(fault_proxy: StartFaultProxy, tmp_path: Path) -> None:
    hold_a_create = Fault(Action.DELAY, at(2), "POST", TRUNKS_PATH, workbench_creates(TOKEN), seconds=HOLD)
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, hold_a_create)
        running = start_contract(tmp_path, live_env(proxy.base_url, TOKEN))
        wait_for_the_hold(proxy)
        run = interrupt(running, signal.SIGINT)
        (held,) = proxy.faulted(Action.DELAY)
        wait_until(lambda: held.upstream_status is not None, "the held create reached the server", timeout=HOLD + 5)
        left = contract_test_trunks(served)

    assert_partial_report(run)
    assert left == []


def test_a_patch_in_flight_when_interrupted_does_not_outlive_the_restore(
    fault_proxy: StartFaultProxy, tmp_path: Path
) -> None:
    # One that replaces the gateways: landing late, it leaves the trunk pointing at sip.invalid.
    hold_a_patch = Fault(Action.DELAY, at(1), "PATCH", A_TRUNK, (json_has("gateways"),), seconds=HOLD)
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, hold_a_patch)
        before = served.production_trunk()
        running = start_contract(tmp_path, live_env(proxy.base_url, TOKEN, BOLNA_TRUNK_ID=before["id"]))
        wait_for_the_hold(proxy)
        run = interrupt(running, signal.SIGINT)
        (held,) = proxy.faulted(Action.DELAY)
        wait_until(lambda: held.upstream_status is not None, "the held PATCH reached the server", timeout=HOLD + 5)
        after = read_trunk(served, before["id"])

    assert_partial_report(run)
    assert_restored(after, before)
