"""The two tools the bench compares, run as a user runs them, with what their reports say.

- `bolna-contract` (this kit's suite): exit code, drift.json, and its progress lines, whose
  `findings N` column tells when the first finding appeared.
- stock `schemathesis run`: exit code, its JSON run report, and its NDJSON event stream, whose
  timestamped `ScenarioFinished` events tell when the first failure appeared, and whose recorded
  interactions (one per request sent) tell how many requests came before it.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.processes import BIN, ROOT, ProcessRun, clean_env, run_measured

CONTRACT = BIN / "bolna-contract"
SCHEMATHESIS = BIN / "schemathesis"
SPEC = ROOT / "openapi.yaml"
SCHEMATHESIS_CONFIG = ROOT / "schemathesis.toml"
TEMP = "$TMP"  # how temporary folders appear in the commands the report shows
PROGRESS_FINDINGS = re.compile(r"\bfindings\s+(\d+)\s*$")


def shown(command: list[str], env: Mapping[str, str] | None = None) -> str:
    """A command as the report prints it: repository paths relative, settings in front."""
    prefix = str(ROOT) + "/"
    words = [*(f"{key}={value}" for key, value in (env or {}).items()), *(w.replace(prefix, "") for w in command)]
    return " ".join(_quoted(word) for word in words)


def _quoted(word: str) -> str:
    # `$TMP` stays a readable variable instead of becoming part of a quoted literal.
    head, marker, rest = word.partition(TEMP)
    if not marker:
        return shlex.quote(word)
    return (shlex.quote(head) if head else "") + TEMP + (shlex.quote(rest) if rest else "")


# --- the suite -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteRun:
    command: str
    exit_code: int | None  # None: stopped at its timeout
    wall_seconds: float
    run_seconds: float | None  # drift.json `seconds`: the run itself, without interpreter start-up
    requests: int | None
    first_failure_seconds: float | None
    first_failure_source: str  # where first_failure_seconds comes from
    first_failure_requests: int | None  # drift.json: requests sent when the first failure was seen
    failures: tuple[str, ...]  # "[check] title" of each failure finding
    printed: str  # the console summary the suite printed
    peak_rss_mib: float | None

    @property
    def caught(self) -> bool:
        return self.exit_code == 1 and bool(self.failures)

    @property
    def requests_per_second(self) -> float | None:
        return _rate(self.requests, self.run_seconds)


@functools.cache
def suite_has_fail_fast() -> bool:
    """Whether this version of `bolna-contract` offers `--fail-fast` (stop at the first failure)."""
    result = subprocess.run([str(CONTRACT), "--help"], capture_output=True, text=True, check=False, timeout=60)
    return "--fail-fast" in result.stdout


def suite_command(profile: str, reports: str, scenario: str | None = None, *, fail_fast: bool = False) -> list[str]:
    scenario_args = ["--scenario", scenario] if scenario else []
    fail_fast_args = ["--fail-fast"] if fail_fast else []
    return [str(CONTRACT), "--profile", profile, *scenario_args, *fail_fast_args, "--reports", reports]


def live_settings(base_url: str, token: str, profile: str) -> dict[str, str]:
    """Live mode against a served mock, with the rate cap lifted (CONTRACT_MAX_RATE=0)."""
    return {"BOLNA_BASE_URL": base_url, "BOLNA_API_KEY": token, "CONTRACT_MAX_RATE": "0", "CONTRACT_PROFILE": profile}


def run_suite(
    profile: str,
    *,
    scenario: str | None = None,
    live: Mapping[str, str] | None = None,
    fail_fast: bool = False,
    timeout: float,
) -> SuiteRun:
    """One `bolna-contract` run: in-process (optionally against a drift scenario), or live."""
    first_finding = _FirstFinding()
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        command = suite_command(profile, scratch, scenario, fail_fast=fail_fast)
        run = run_measured(command, env=clean_env(live), cwd=ROOT, timeout=timeout, on_line=first_finding.observe)
        drift = _read_json(Path(scratch) / "drift.json")
    display_env = {key: "TOKEN" if key == "BOLNA_API_KEY" else value for key, value in (live or {}).items()}
    display_env = {key: re.sub(r":\d+$", ":PORT", value) for key, value in display_env.items()}
    return _suite_result(
        shown(suite_command(profile, TEMP, scenario, fail_fast=fail_fast), display_env),
        run,
        drift,
        first_finding.seconds,
    )


class _FirstFinding:
    """Watches the progress lines for the first one whose `findings` count is above zero."""

    def __init__(self) -> None:
        self.seconds: float | None = None
        self.lock = threading.Lock()

    def observe(self, seconds: float, line: str) -> None:
        match = PROGRESS_FINDINGS.search(line)
        if match and int(match.group(1)) > 0:
            with self.lock:
                if self.seconds is None:
                    self.seconds = seconds


def _suite_result(command: str, run: ProcessRun, drift: dict[str, Any] | None, seen_at: float | None) -> SuiteRun:
    drift = drift or {}
    failures = tuple(
        f"[{finding.get('check')}] {finding.get('title')}"
        for finding in drift.get("findings", [])
        if finding.get("severity") == "failure"
    )
    first, source = _first_failure(drift, failures, seen_at, run.seconds)
    return SuiteRun(
        command=command,
        exit_code=run.exit_code,
        wall_seconds=run.seconds,
        run_seconds=drift.get("seconds"),
        requests=drift.get("requests"),
        first_failure_seconds=first,
        first_failure_source=source,
        first_failure_requests=drift.get("first_failure_requests") if failures else None,
        failures=failures,
        printed=_console_summary(run.output_tail),
        peak_rss_mib=run.peak_rss_mib,
    )


def _first_failure(
    drift: dict[str, Any], failures: tuple[str, ...], seen_at: float | None, wall: float
) -> tuple[float | None, str]:
    """When the first failure appeared, and where that figure comes from (best source first)."""
    if isinstance(drift.get("first_failure_seconds"), int | float):
        return float(drift["first_failure_seconds"]), "drift.json first_failure_seconds, from the start of its checks"
    if not failures:
        return None, "no failure"
    if seen_at is not None:
        return seen_at, "first progress line with a finding, from launch"
    return wall, "run wall time"


def _console_summary(output: str) -> str:
    """The suite's closing summary: everything after its last progress line, blank lines dropped."""
    lines = [line.rstrip() for line in output.splitlines()]
    progress = [index for index, line in enumerate(lines) if line.startswith("[")]
    after = lines[progress[-1] + 1 :] if progress else lines
    return "\n".join(line for line in after if line.strip())


# --- stock Schemathesis --------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRun:
    command: str
    max_examples: int
    exit_code: int | None  # None: stopped at its timeout
    wall_seconds: float
    run_seconds: float | None  # the JSON report's `running_time`
    generated: int | None  # test cases generated, one request each
    first_failure_seconds: float | None  # from the first NDJSON event (start-up excluded) to the first failure
    first_failure_requests: int | None  # interactions recorded up to and including the first failing one
    failures: tuple[str, ...]  # "ST108 Response violates schema x4"
    errors: int
    seed: str | None
    peak_rss_mib: float | None

    @property
    def caught(self) -> bool:
        return self.exit_code != 0 and bool(self.failures)

    @property
    def requests_per_second(self) -> float | None:
        return _rate(self.generated, self.run_seconds)


def stock_command(base_url: str, token: str, max_examples: int, reports: str) -> list[str]:
    # The repository's config, named explicitly, so the run may start in a scratch folder
    # (where the CLI's `.schemathesis/` cache lands) instead of the repository.
    return [
        str(SCHEMATHESIS),
        "--config-file", str(SCHEMATHESIS_CONFIG),
        "--no-color",
        "run", str(SPEC),
        "--checks", "all",
        "-u", base_url,
        "-H", f"Authorization: Bearer {token}",
        "--max-examples", str(max_examples),
        "--report", "json,ndjson",
        "--report-json-path", f"{reports}/run.json",
        "--report-ndjson-path", f"{reports}/events.ndjson",
    ]  # fmt: skip


def run_stock(base_url: str, token: str, max_examples: int, *, timeout: float) -> StockRun:
    """One stock `schemathesis run --checks all` against a served mock, from a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="bench-stock-") as scratch:
        command = stock_command(base_url, token, max_examples, scratch)
        run = run_measured(command, env=clean_env(), cwd=Path(scratch), timeout=timeout)
        report = _read_json(Path(scratch) / "run.json") or {}
        events = read_events(Path(scratch) / "events.ndjson")
    # A run stopped at its timeout writes no JSON report; its event stream still names the failures.
    failures = _report_failures(report) or events.failed_checks
    display = shown(stock_command("http://127.0.0.1:PORT", "TOKEN", max_examples, TEMP))
    return StockRun(
        command=display,
        max_examples=max_examples,
        exit_code=run.exit_code,
        wall_seconds=run.seconds,
        run_seconds=report.get("running_time"),
        generated=report.get("test_cases", {}).get("generated"),
        first_failure_seconds=events.first_failure_seconds,
        first_failure_requests=events.first_failure_requests,
        failures=failures,
        errors=len(report.get("errors", [])),
        seed=str(report["seed"]) if "seed" in report else None,
        peak_rss_mib=run.peak_rss_mib,
    )


def _report_failures(report: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        f"{failure.get('code', '?')} {failure.get('title', '')} x{failure.get('count', 1)}"
        for failure in report.get("failures", [])
    )


@dataclass(frozen=True)
class Events:
    """What the NDJSON event stream says: when the run started, when each request was answered,
    and when and how scenarios failed."""

    started: float | None  # epoch of `LoadingStarted`, the first event (after interpreter start-up)
    failures: list[tuple[float, tuple[str, ...]]]  # (epoch, failed check names) per failed scenario
    answered: list[float]  # epoch of every recorded interaction: one request each
    failing: list[float]  # epoch of every interaction a check failed on

    @property
    def first_failure_seconds(self) -> float | None:
        if not self.failures or self.started is None:
            return None
        return min(stamp for stamp, _ in self.failures) - self.started

    @property
    def first_failure_requests(self) -> int | None:
        """Requests sent up to and including the first one a check failed on."""
        if not self.failing:
            return None
        first = min(self.failing)
        return sum(1 for stamp in self.answered if stamp <= first)

    @property
    def failed_checks(self) -> tuple[str, ...]:
        return tuple(sorted({name for _, names in self.failures for name in names}))


def read_events(path: Path) -> Events:
    started: float | None = None
    failures: list[tuple[float, tuple[str, ...]]] = []
    answered: list[float] = []
    failing: list[float] = []
    for kind, event in _events(path, ("LoadingStarted", "ScenarioFinished")):
        if kind == "LoadingStarted" and started is None:
            started = float(event["timestamp"])
            continue
        if kind != "ScenarioFinished":
            continue
        recorder = event.get("recorder") or {}
        stamps = {case: float(item["timestamp"]) for case, item in recorder.get("interactions", {}).items()}
        answered += stamps.values()
        if event.get("status") == "failure":
            failures.append((float(event["timestamp"]), _failed_checks(event)))
            failed = [stamps[case] for case in _failed_cases(recorder) if case in stamps]
            # A failure on no recorded interaction is placed after the scenario's last one.
            failing.append(min(failed) if failed else max(stamps.values(), default=float(event["timestamp"])))
    return Events(started, failures, answered, failing)


def _failed_cases(recorder: dict[str, Any]) -> list[str]:
    checks = recorder.get("checks", {})
    return [case for case, results in checks.items() if any(check.get("status") == "failure" for check in results)]


def _events(path: Path, kinds: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    if not path.exists():
        return
    prefixes = tuple(f'{{"{kind}"' for kind in kinds)
    with path.open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            # Cheap test first: the stream holds every request and response of the run.
            if not line.startswith(prefixes):
                continue
            try:
                kind, event = next(iter(json.loads(line).items()))
            except (json.JSONDecodeError, StopIteration, AttributeError):
                continue  # a line cut short by a stopped run
            yield kind, event


def _failed_checks(event: dict[str, Any]) -> tuple[str, ...]:
    checks = event.get("recorder", {}).get("checks", {})
    return tuple(
        sorted({check["name"] for results in checks.values() for check in results if check.get("status") == "failure"})
    )


# --- shared --------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return document


def _rate(count: int | None, seconds: float | None) -> float | None:
    return count / seconds if count and seconds else None
