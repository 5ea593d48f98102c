"""`bolna-contract` as a process a test can watch and signal, and what a run left on a server."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract_tests.live.lease import LeaseMark, lease_marks
from contract_tests.live.safety import NAME_PREFIX, TRUNKS_PATH
from tests.contract.contract_run import ROOT, ForkedContract, RunningContract, contract_environment, forkable
from tests.fixtures.fault_proxy import RequestFilter, json_field, with_token
from tests.fixtures.served_mock import ServedMock

A_TRUNK = TRUNKS_PATH + "/[^/]+"  # one trunk's path, for a Fault's `path`


def workbench_creates(token: str) -> tuple[RequestFilter, ...]:
    """The suite's own creates of its userpass throwaway trunks (contract_tests/live/trunks.py), not fuzzed ones."""
    return (with_token(token), json_field("auth_username", "contract-test"))


def live_env(base_url: str, token: str, **extra: str) -> dict[str, str]:
    return {"BOLNA_BASE_URL": base_url, "BOLNA_API_KEY": token, **extra}


def start_contract(workdir: Path, env: dict[str, str], *args: str, forked: bool = True) -> RunningContract:
    """`bolna-contract` (quick profile, reports in workdir/reports) started and left running.

    `forked=False`: a new interpreter, for a test that reads the process's command line or
    environment (see `ForkedContract`).
    """
    reports, output = workdir / "reports", workdir / "output"
    output.mkdir(parents=True, exist_ok=True)
    environment = contract_environment(reports, env)
    if forked and forkable(environment):
        return RunningContract(ForkedContract(list(args), environment, output), reports, output, time.monotonic())
    with (output / "stdout").open("wb") as stdout, (output / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "contract_tests.cli", *args],
            cwd=ROOT,
            env=environment,
            stdout=stdout,
            stderr=stderr,
        )
    return RunningContract(process, reports, output, time.monotonic())


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting until {what}")
        time.sleep(0.05)


def contract_test_trunks(served: ServedMock) -> list[dict[str, Any]]:
    return [trunk for trunk in served.trunks() if str(trunk["name"]).startswith(NAME_PREFIX)]


def contract_trunks(served: ServedMock) -> list[dict[str, Any]]:
    """Every trunk a run of the kit names: throwaway trunks, lease markers, an existing trunk renamed."""
    return [trunk for trunk in served.trunks() if str(trunk["name"]).startswith("contract-")]


def live_leases(served: ServedMock) -> list[LeaseMark]:
    now = datetime.now(UTC)
    return [mark for mark in lease_marks(served.trunks()) if mark.live(now)]
