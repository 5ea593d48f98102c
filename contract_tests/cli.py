"""`bolna-contract`: check that the API still behaves as openapi.yaml and the contract say.

Exit codes: 0 no drift, 1 drift found, 2 the run could not judge the API (a setting to fix, an
unreachable server, a rejected token, an interrupted run, or a suite defect).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import pytest

from contract_tests.findings.baseline import DEFAULT_BASELINE, Baseline, BaselineError, judge, prune, save, update
from contract_tests.findings.baseline import load as load_baseline
from contract_tests.findings.findings import Scrubber
from contract_tests.findings.night_over_night import PreviousReportError, compare, read_previous
from contract_tests.findings.report import RunSummary, budget_label, console_summary, write_reports
from contract_tests.findings.suggestions import suggest
from contract_tests.live.profiles import PROFILES
from contract_tests.live.safety import RunStoodDown
from contract_tests.live.settings import ConfigError, Settings, settings_from_env
from contract_tests.live.target import (
    DESIRED_STATE_FILE,
    Target,
    clean_up,
    delete_leftovers,
    end_lease,
    open_target,
    restore_recorded,
    snapshot_given_trunk,
    take_lease,
    take_over_given_trunk,
)
from contract_tests.mockdiff.run import DEFAULT_STEPS, mock_diff
from contract_tests.plugin import CALIBRATION_CHECKS, CHECK_MODULES, CHECKS_DIR, ContractPlugin
from contract_tests.values.spec import SPEC_PATH
from contract_tests.values.spec_check import spec_problem

USAGE_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env(
            profile=args.profile,
            strict=True if args.strict else None,
            quiet=True if args.quiet else None,
            wait_for_lease=True if args.wait_for_lease else None,
            reports_dir=args.reports,
            max_examples=args.max_examples,
            scenario=args.scenario,
            baseline=args.baseline,
            previous=args.previous,
        )
        known_drift = (
            load_baseline(settings.baseline or DEFAULT_BASELINE)
            if settings.baseline or args.baseline_update
            else Baseline(DEFAULT_BASELINE)
        )
        previous = read_previous(settings.previous) if settings.previous else None
        if args.scenario and settings.live:
            raise ConfigError("--scenario applies to the embedded mock; unset BOLNA_BASE_URL to use it")
        if args.command == "mock-diff" and settings.trunk_id:
            raise ConfigError("mock-diff works on trunks it creates; unset BOLNA_TRUNK_ID to run it")
        problem = spec_problem(SPEC_PATH)
        if problem:
            raise ConfigError(f"the spec is broken: {problem}")
        target = open_target(settings)
    except ConfigError as error:
        print(f"bolna-contract: {error}", file=sys.stderr)
        return USAGE_ERROR
    except (ValueError, BaselineError, PreviousReportError) as error:  # e.g. an unknown drift scenario
        print(f"bolna-contract: {error}", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.command == "cleanup":
            return _cleanup(target, force=args.force)
        if args.command == "snapshot":
            return _snapshot(target, args.file or DESIRED_STATE_FILE)
        take_lease(target, wait=settings.wait_for_lease, say=_say)
        if args.command == "mock-diff":
            with _stop_gracefully(target):
                return mock_diff(target, settings, steps=args.steps, seed=args.seed)
        take_over_given_trunk(target)
        history = History(known_drift, previous, update=args.baseline_update, prune=args.baseline_prune)
        return _run(target, settings, history, fail_fast=args.fail_fast, calibrate=args.command == "calibrate")
    except ConfigError as error:
        print(f"bolna-contract: {target.scrub(str(error))}", file=sys.stderr)
        return USAGE_ERROR
    except RunStoodDown as error:  # outside the checks, whose report says it
        print(f"bolna-contract: {target.scrub(str(error))}", file=sys.stderr)
        return USAGE_ERROR
    finally:
        end_lease(target)  # a run that stopped before its clean-up still ends its lease
        target.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bolna-contract",
        description="Contract check of Bolna's /sip-trunks API against openapi.yaml. "
        "Without BOLNA_BASE_URL it checks the embedded mock; with it, the live API "
        "(token from BOLNA_API_KEY or BOLNA_API_KEY_FILE, never from the command line).",
        epilog="exit codes: 0 no drift, 1 drift found, 2 could not judge the API (see the message)",
    )
    parser.add_argument("command", nargs="?", choices=["run", "calibrate", "cleanup", "snapshot", "mock-diff"],
                        default="run",
                        help="run the checks (default); calibrate: only explore (bad values, bounds, "
                        "response shapes) and write the spec patch; cleanup: restore trunks from restore "
                        "records and delete leftover contract-test-* trunks of runs that ended; snapshot: "
                        "write the desired state of BOLNA_TRUNK_ID to FILE, for BOLNA_TRUNK_STATE; mock-diff: "
                        "compare the API's answers with the embedded mock's")  # fmt: skip
    parser.add_argument(
        "file", nargs="?", type=Path, help=f"with snapshot: where to write (default {DESIRED_STATE_FILE})"
    )
    parser.add_argument("--profile", choices=sorted(PROFILES), help="budgets (default: $CONTRACT_PROFILE or default)")
    parser.add_argument("--max-examples", type=_positive, metavar="N",
                        help="examples each generating check draws, instead of the profile's "
                        "(or CONTRACT_MAX_EXAMPLES)")  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="fail on additive drift too (or CONTRACT_STRICT=1)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    parser.add_argument("--reports", type=Path, help="report folder (default: reports/contract)")
    parser.add_argument("--scenario", help="run against the embedded mock with this drift scenario (self-test)")
    parser.add_argument("--wait-for-lease", action="store_true",
                        help="wait while another run uses BOLNA_TRUNK_ID (CONTRACT_WAIT_FOR_LEASE=1)")  # fmt: skip
    parser.add_argument("--force", action="store_true",
                        help="cleanup: also delete and restore what runs still going hold")  # fmt: skip
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first finding that fails the run")
    parser.add_argument("--steps", type=_positive, default=DEFAULT_STEPS,
                        help=f"mock-diff: how many random steps (default {DEFAULT_STEPS})")  # fmt: skip
    parser.add_argument("--seed", type=int, help="mock-diff: the seed of the steps (default: a new one, reported)")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="known drift (default: $CONTRACT_BASELINE; live: contract-baseline.yaml)")  # fmt: skip
    parser.add_argument("--baseline-update", action="store_true",
                        help="add this run's findings to the baseline, keeping every annotation")  # fmt: skip
    parser.add_argument("--baseline-prune", action="store_true",
                        help="drop baseline entries whose check ran fully and did not see them")  # fmt: skip
    parser.add_argument("--previous", type=Path, metavar="FILE",
                        help="the previous drift.json: say what is new, persists or is resolved since")  # fmt: skip
    return parser


def _say(line: str) -> None:
    print(f"bolna-contract: {line}", file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return number


def _cleanup(target: Target, *, force: bool = False) -> int:
    restored, problems = restore_recorded(target, force=force)
    for line in restored:
        print(f"bolna-contract: {line}")
    found, delete_problems = delete_leftovers(target, force=force)
    print(f"bolna-contract: deleted {len(found.trunks)} leftover contract-test-* trunks on {target.description}")
    if found.markers:
        print(f"bolna-contract: deleted {len(found.markers)} lease markers of runs that ended or were killed")
    for line in found.spared:
        print(f"bolna-contract: {line}")
    for problem in [*problems, *delete_problems]:
        print(f"bolna-contract: {target.scrub(problem)}", file=sys.stderr)
    return 1 if problems or delete_problems else 0


def _snapshot(target: Target, path: Path) -> int:
    record = snapshot_given_trunk(target, path)
    print(
        f"bolna-contract: wrote the state of trunk {record.trunk_id} to {path}; "
        f"commit it and set BOLNA_TRUNK_STATE={path}"
    )
    return 0


@contextmanager
def _stop_gracefully(target: Target) -> Iterator[None]:
    """Ctrl-C or SIGTERM: let the request in flight finish, send no other, then clean up.

    Raising at once would abandon a request the server may still act on after the clean-up
    (a trunk left behind, an existing trunk changed after its restore). A second signal aborts.
    """

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if target.ledger.stop_requested.is_set():
            raise KeyboardInterrupt
        target.ledger.stop_requested.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass(frozen=True)
class History:
    """What the run is measured against: the known drift, and the previous run's report."""

    baseline: Baseline
    previous: dict[str, Any] | None
    update: bool = False
    prune: bool = False

    def judge(self, summary: RunSummary) -> list[str]:
        """Set the summary's findings against both; update or prune the baseline; return notes."""
        drift = [finding.as_dict() for finding in summary.findings if finding.severity != "defect"]
        ran_fully = summary.checks_run_fully()
        summary.judgement = judge(drift, self.baseline, checks_run_fully=ran_fully, today=date.today())
        if self.previous is not None:
            summary.since_previous = compare(self.previous, drift, checks_run_fully=ran_fully)
        if not (self.update or self.prune):
            return []
        if not summary.complete:
            return [f"{self.baseline.path} not changed: a partial run cannot update or prune it"]
        notes = []
        if self.prune:
            dropped = prune(self.baseline, summary.judgement)
            notes.append(f"baseline pruned: {len(dropped)} entries dropped from {self.baseline.path}")
        if self.update:
            added = update(self.baseline, drift, date.today())
            notes.append(f"baseline updated: {len(added)} entries added to {self.baseline.path}")
        save(self.baseline)
        return notes


def _run(
    target: Target, settings: Settings, history: History, *, fail_fast: bool = False, calibrate: bool = False
) -> int:
    scrub = Scrubber(lambda: target.token, lambda: target.ledger.secrets)
    plugin = ContractPlugin(target, settings, scrub, calibrating=calibrate)
    progress = Progress(plugin, sys.stdout, quiet=settings.quiet)
    reports_dir = settings.reports_dir
    reports_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    interrupted = False
    if not settings.quiet:
        verb = "calibrating against" if calibrate else "checking"
        budget = budget_label(settings.profile, settings.max_examples)
        print(f"bolna-contract: {verb} {target.description} (profile {budget})", flush=True)
    with _stop_gracefully(target):
        try:
            code = pytest.main(
                _pytest_args(reports_dir, CALIBRATION_CHECKS if calibrate else list(CHECK_MODULES))
                + (["--exitfirst"] if fail_fast else []),
                plugins=[plugin, progress],
            )
            interrupted = code == pytest.ExitCode.INTERRUPTED or target.ledger.stop_requested.is_set()
            if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED):
                plugin.stopped = f"the checks could not run (pytest exit code {int(code)})"
        except KeyboardInterrupt:
            interrupted = True
        finally:
            problems = _clean_up_quietly(target)
    findings = plugin.final_findings()
    patch, suggestions = suggest(findings, SPEC_PATH)
    summary = RunSummary(
        target=target.description,
        profile=settings.profile,
        max_examples=settings.max_examples,
        strict=settings.strict,
        requests=target.requests_sent,
        retries=target.retries.retries,
        transient=dict(target.retries.log.transient),
        persistent=dict(target.retries.log.persistent),
        seconds=time.monotonic() - started,
        first_failure_seconds=plugin.first_failure_at - started if plugin.first_failure_at else None,
        first_failure_requests=plugin.first_failure_requests,
        outcomes={check: counts for check, counts in plugin.outcomes.items() if counts},
        findings=findings,
        complete=not interrupted and plugin.stopped is None,
        notes=[*target.notes, *problems]
        + ([target.ledger.stood_down] if target.ledger.stood_down else [])
        + (["interrupted: this report is partial"] if interrupted else [])
        + (
            ["calibration: only breaking findings fail it; looser and additive ones are in the spec patch"]
            if calibrate
            else []
        ),
        suggestions=suggestions,
        patch=patch,
        symptoms=len(plugin.findings),
    )
    summary.notes += history.judge(summary)
    written = write_reports(summary, reports_dir, scrub)
    print(scrub(console_summary(summary, written)), flush=True)
    if target.ledger.stood_down:
        print(f"bolna-contract: {scrub(target.ledger.stood_down)}", file=sys.stderr)
    elif interrupted:  # exit 2 like every run that could not judge the API, so one line says why
        print("bolna-contract: interrupted: the report is partial; run again for a verdict", file=sys.stderr)
    elif plugin.stopped:
        print(f"bolna-contract: stopped early: {scrub(plugin.stopped)}", file=sys.stderr)
    return summary.exit_code


def _clean_up_quietly(target: Target) -> list[str]:
    try:
        return clean_up(target)
    except KeyboardInterrupt:
        return ["clean-up interrupted: run `make contract-cleanup`"]


def _pytest_args(reports_dir: Path, checks: list[str]) -> list[str]:
    # Only the plugins the checks use, whatever else the environment has installed (a plugin
    # reordering or rerunning tests would change the run); and pytest then rewrites the asserts
    # of the checks alone, not of every module of every installed plugin, in every run.
    return [
        *(str(CHECKS_DIR / CHECK_MODULES[check]) for check in checks),
        "-c", os.devnull,
        "--rootdir", str(CHECKS_DIR),
        "--disable-plugin-autoload",
        "-p", "_hypothesis_pytestplugin",
        "-p", "no:terminal",
        "-p", "no:cacheprovider",
        "--junitxml", str(reports_dir / "junit.xml"),
        "-o", "junit_suite_name=bolna-contract",
        "-o", "junit_family=xunit2",
        "-o", "junit_logging=no",
        "-W", "ignore::DeprecationWarning",
    ]  # fmt: skip


class Progress:
    """One line per check as it finishes: cases done, requests sent, findings so far."""

    def __init__(self, plugin: ContractPlugin, stream: TextIO, *, quiet: bool) -> None:
        self.plugin = plugin
        self.stream = stream
        self.quiet = quiet
        self.total = 0
        self.done = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
            return
        self.done += 1
        if self.quiet:
            return
        failures = sum(1 for finding in self.plugin.findings if finding.severity != "warning")
        name = report.nodeid.split("::", 1)[-1]
        line = (
            f"[{self.done:>3}/{self.total}] {report.outcome:<7} {name[:70]:<70} "
            f"requests {self.plugin.run_target.requests_sent:>5}  findings {failures}"
        )
        print(self.plugin.scrub(line), file=self.stream, flush=True)


if __name__ == "__main__":
    sys.exit(main())
