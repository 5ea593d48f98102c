"""Child processes for the benchmarks: measured runs, served mocks, and stopping them all.

Every child is registered while it lives, so an interrupted bench (Ctrl-C, SIGTERM, a failing
step) stops exactly the processes it started and leaves nothing behind. Measured children are
reaped with `os.wait4`, which reports the peak RSS of that one child (and its own children).
"""

from __future__ import annotations

import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
# Settings the bench decides itself; inherited ones would change what the tools do.
INHERITED_PREFIXES = ("BOLNA_", "CONTRACT_", "PYTEST_", "HYPOTHESIS_", "MOCK_", "SCHEMATHESIS_")
TAIL_LINES = 40
POLL_SECONDS = 0.02
GRACE_SECONDS = 5.0

LineCallback = Callable[[float, str], None]


class Interrupted(Exception):
    """The bench is stopping: no new child may start."""


class _Children:
    """The live children. Signals and reaping happen under one lock, so a pid is never signalled
    after it was reaped (when the kernel may already have given it to another process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[subprocess.Popen[str]] = set()
        self.stopping = False

    def start(
        self, command: list[str], *, cwd: Path, stdout: int | IO[str], env: Mapping[str, str] | None = None
    ) -> subprocess.Popen[str]:
        """Start `command` (stderr joins stdout) unless the bench is stopping."""
        with self.lock:
            if self.stopping:
                raise Interrupted("the bench is stopping")
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True, errors="replace"
            )
            self.running.add(process)
            return process

    def reap(self, process: subprocess.Popen[str]) -> tuple[int, resource.struct_rusage | None] | None:
        """(exit code, resource usage) once the child has ended, else None; never blocks."""
        with self.lock:
            if process not in self.running:
                return (process.returncode if process.returncode is not None else -1), None
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == 0:
                return None
            process.returncode = os.waitstatus_to_exitcode(status)
            self.running.discard(process)
            return process.returncode, usage

    def signal(self, process: subprocess.Popen[str], signum: int) -> None:
        with self.lock:
            if process in self.running:
                os.kill(process.pid, signum)

    def alive(self) -> list[subprocess.Popen[str]]:
        with self.lock:
            return list(self.running)

    def refuse_new(self) -> None:
        with self.lock:
            self.stopping = True


CHILDREN = _Children()


def stop_all_children() -> None:
    """Refuse new children, then end every live one: SIGTERM, and SIGKILL after a grace period."""
    CHILDREN.refuse_new()
    for signum in (signal.SIGTERM, signal.SIGKILL):
        for process in CHILDREN.alive():
            CHILDREN.signal(process, signum)
        deadline = time.monotonic() + GRACE_SECONDS
        while CHILDREN.alive() and time.monotonic() < deadline:
            for process in CHILDREN.alive():
                CHILDREN.reap(process)  # their owners may be gone (an interrupted main thread)
            time.sleep(POLL_SECONDS)


@dataclass(frozen=True)
class ProcessRun:
    exit_code: int | None  # None: stopped at its timeout
    seconds: float  # wall time from launch to exit
    peak_rss_mib: float | None
    output_tail: str

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(INHERITED_PREFIXES)}
    return environment | dict(extra or {})


def run_measured(
    command: list[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    timeout: float,
    on_line: LineCallback | None = None,
) -> ProcessRun:
    """Run `command` to its end (or `timeout`), streaming each output line to `on_line(seconds, line)`."""
    started = time.monotonic()
    process = CHILDREN.start(command, cwd=cwd, env=env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    reader = threading.Thread(target=_read_lines, args=(process.stdout, started, tail, on_line), daemon=True)
    reader.start()
    try:
        code, usage, timed_out = _wait(process, deadline=started + timeout)
    except BaseException:
        # Interrupted: end the child before its caller removes the scratch folder it writes to.
        _stop(process)
        raise
    seconds = time.monotonic() - started
    reader.join(timeout=GRACE_SECONDS)
    process.stdout.close()
    peak = usage.ru_maxrss / 1024 if usage is not None else None  # Linux reports KiB
    return ProcessRun(None if timed_out else code, seconds, peak, "".join(tail))


def _read_lines(stream: IO[str], started: float, tail: deque[str], on_line: LineCallback | None) -> None:
    for line in stream:
        tail.append(line)
        if on_line is not None:
            on_line(time.monotonic() - started, line)


def _wait(process: subprocess.Popen[str], deadline: float) -> tuple[int, resource.struct_rusage | None, bool]:
    """Reap `process`; past the deadline send SIGTERM, and SIGKILL after a grace period."""
    timed_out = False
    while True:
        reaped = CHILDREN.reap(process)
        if reaped is not None:
            return reaped[0], reaped[1], timed_out
        now = time.monotonic()
        if now > deadline and not timed_out:
            timed_out = True
            CHILDREN.signal(process, signal.SIGTERM)
        elif timed_out and now > deadline + GRACE_SECONDS:
            CHILDREN.signal(process, signal.SIGKILL)
        time.sleep(POLL_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def mock_token() -> str:
    # Hex only: a random URL-safe token may start with "-", which argparse takes for an option.
    return f"bench-{secrets.token_hex(8)}"


def mock_command(port: int | str, token: str, scenario: str | None = None) -> list[str]:
    scenario_args = ["--scenario", scenario] if scenario else []
    return [sys.executable, "-m", "mock_api", "--port", str(port), "--token", token, *scenario_args]


@contextmanager
def served_mock(token: str, scenario: str | None = None, attempts: int = 4) -> Iterator[str]:
    """`python -m mock_api` on a free loopback port; yields its base URL and always stops it."""
    with tempfile.TemporaryFile("w+", prefix="bench-mock-") as log:
        for attempt in range(1, attempts + 1):
            port = free_port()
            process = CHILDREN.start(mock_command(port, token, scenario), cwd=ROOT, stdout=log)
            try:
                # Another process may take the free port before the mock binds it; then it exits and we retry.
                if _listening(port, process):
                    break
            except BaseException:
                _stop(process)
                raise
            _stop(process)
            if attempt == attempts:
                raise RuntimeError(f"the mock (scenario {scenario or 'none'}) did not listen: {_last_lines(log)}")
        try:
            yield f"http://{LOOPBACK}:{port}"
        finally:
            _stop(process)


def _last_lines(log: IO[str], count: int = 3) -> str:
    log.seek(0)
    lines = [line.strip() for line in log.read().splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


def _listening(port: int, process: subprocess.Popen[str], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if CHILDREN.reap(process) is not None:
            return False
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[str]) -> None:
    CHILDREN.signal(process, signal.SIGTERM)
    _wait(process, deadline=time.monotonic() + GRACE_SECONDS)
