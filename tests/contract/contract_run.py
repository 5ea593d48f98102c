"""Run `bolna-contract` as a user would: a separate process, settings in the environment."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ContractRun:
    code: int
    stdout: str
    stderr: str
    seconds: float
    reports: Path

    @property
    def drift(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.reports / "drift.json").read_text(encoding="utf-8"))
        return document

    def finding_checks(self) -> set[str]:
        return {finding["check"] for finding in self.drift["findings"] if finding["severity"] == "failure"}


# The quick profile's own examples per generating check, for a test of what generation finds.
GENERATED = {"CONTRACT_MAX_EXAMPLES": ""}


def contract_environment(reports: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without its own kit settings: the quick profile with one example
    per generating check, reports in `reports`, then `env`.

    Most tests show how a run behaves or what its deterministic checks find (~1,100 requests of a
    quick run's ~1,400), which one example shows as well as ten, at two thirds of the cost; a test
    of what generation finds passes GENERATED."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOLNA_", "CONTRACT_", "PYTEST_", "HYPOTHESIS_"))
    }
    environment |= {
        "CONTRACT_PROFILE": "quick",
        "CONTRACT_MAX_EXAMPLES": "1",
        "CONTRACT_MAX_RATE": "0",
        "CONTRACT_REPORTS": str(reports),
    }
    # Never the checkout's own contract-baseline.yaml: the known drift of someone's account.
    environment["CONTRACT_BASELINE"] = str(reports / "no-baseline.yaml")
    return environment | (env or {})


def run_contract(reports: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> ContractRun:
    environment = contract_environment(reports, env)
    if forkable(environment):
        return _run_in_forked_process(reports, args, environment, timeout)
    return _run_in_new_interpreter(reports, args, environment, timeout)


def forkable(environment: dict[str, str]) -> bool:
    """Whether a run with this environment may be forked from the kit imported once (`ForkedContract`).

    The spec's path is read at import (CONTRACT_SPEC): a run on another spec imports the kit afresh."""
    return "CONTRACT_SPEC" not in environment and "CONTRACT_SPEC" not in os.environ


def _run_in_new_interpreter(reports: Path, args: tuple[str, ...], env: dict[str, str], timeout: float) -> ContractRun:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "contract_tests.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return ContractRun(result.returncode, result.stdout, result.stderr, time.monotonic() - started, reports)


def _run_in_forked_process(reports: Path, args: tuple[str, ...], env: dict[str, str], timeout: float) -> ContractRun:
    with tempfile.TemporaryDirectory(prefix="contract-output-") as scratch:
        output, started = Path(scratch), time.monotonic()
        return RunningContract(ForkedContract(list(args), env, output), reports, output, started).finish(timeout)


class ForkedContract:
    """`bolna-contract ARGS` in a process forked from one that has imported the kit already, with
    the part of `subprocess.Popen` the tests use.

    A process of its own all the same: its own environment, working folder, signal handlers and
    file descriptors 1 and 2 (files in `output`, so whatever writes there, the kit or a library,
    is seen), and the CLI's exit code as its own (minus the signal that killed it). Importing the
    kit is most of a short run's cost, paid here once. Not for a test that reads the process's
    command line or initial environment from /proc: those are the fork server's.
    """

    def __init__(self, args: list[str], env: dict[str, str], output: Path) -> None:
        self._process = _FORKSERVER.Process(target=_bolna_contract, args=(args, env, output))
        self._process.start()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(["bolna-contract"], timeout or 0)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self._process.kill()


@dataclass
class RunningContract:
    """A `bolna-contract` process under way: forked (`ForkedContract`) or a new interpreter."""

    process: subprocess.Popen[bytes] | ForkedContract
    reports: Path
    output: Path  # stdout and stderr go to files: a pipe nobody reads could stall the run
    started: float

    def signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def command_line(self) -> str:
        assert isinstance(self.process, subprocess.Popen), "a forked run's command line is the fork server's"
        return Path(f"/proc/{self.process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()

    def environment(self) -> str:
        assert isinstance(self.process, subprocess.Popen), "a forked run's initial environment is the fork server's"
        return Path(f"/proc/{self.process.pid}/environ").read_bytes().replace(b"\0", b"\n").decode()

    def finish(self, timeout: float = 120) -> ContractRun:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        if not (self.output / "stderr").exists():  # e.g. the parent's __main__ could not be imported again
            raise RuntimeError(f"bolna-contract ended (exit {code}) before it began")
        read = (
            (self.output / "stdout").read_text(encoding="utf-8"),
            (self.output / "stderr").read_text(encoding="utf-8"),
        )
        return ContractRun(code, *read, time.monotonic() - self.started, self.reports)


def _bolna_contract(args: list[str], env: dict[str, str], output: Path) -> None:
    os.chdir(ROOT)
    os.environ.clear()
    os.environ.update(env)
    for descriptor, name in ((1, "stdout"), (2, "stderr")):
        file = os.open(output / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(file, descriptor)
        os.close(file)
    from contract_tests.cli import main

    sys.exit(main(args))


_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(["contract_tests.cli"])


def startup_seconds(reports: Path) -> float:
    """What starting `bolna-contract` costs now (the interpreter and the suite's imports): under a
    machine's load it grows, and a test that times a short run adds it to its limit."""
    return run_contract(reports, "--help").seconds
