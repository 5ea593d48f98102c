"""Prove the suite's teeth: clean mock -> exit 0; every drift scenario of the mock -> exit 1.

Usage: python scripts/selftest.py [--jobs N] [--scenarios a,b] [--profile quick]
       (`make selftest`; part of `make test`)

A finding under a scenario belongs to it because the same profile against the clean mock finds
nothing: the scenario is the only difference. Writes reports/selftest.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mock_api.scenarios import SCENARIOS  # noqa: E402

RUN_TIME_LIMIT = 600  # seconds


@dataclass(frozen=True)
class Outcome:
    scenario: str
    code: int
    seconds: float
    caught_by: str
    finding: str

    @property
    def caught(self) -> bool:
        return self.code == 1 and bool(self.caught_by)


def run_suite(pool: Executor, scenario: str | None, profile: str, scratch: Path, *, fail_fast: bool) -> Outcome:
    reports = scratch / (scenario or "clean")
    settings = {"CONTRACT_PROFILE": profile, "CONTRACT_REPORTS": str(reports)}
    arguments = ["--quiet", *(["--scenario", scenario] if scenario else []), *(["--fail-fast"] if fail_fast else [])]
    started = time.monotonic()
    try:
        code, stderr = pool.submit(bolna_contract, arguments, settings).result()
    except BrokenProcessPool:  # killed, e.g. by its time limit
        code, stderr = -1, f"the run was killed after {time.monotonic() - started:.0f} s"
    wall = time.monotonic() - started
    try:
        drift = json.loads((reports / "drift.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = (stderr.strip().splitlines() or ["no drift.json"])[-1]
        return Outcome(scenario or "(clean)", code, wall, "", last[:120])
    failures = [f for f in drift["findings"] if f["severity"] == "failure"]
    first = failures[0] if failures else None
    seconds = drift.get("first_failure_seconds") or wall
    return Outcome(
        scenario or "(clean)",
        code,
        seconds,
        first["check"] if first else "",
        first["title"][:100] if first else "",
    )


def bolna_contract(arguments: list[str], settings: dict[str, str]) -> tuple[int, str]:
    """`bolna-contract ARGUMENTS` with these settings alone: its exit code and what it wrote to stderr.

    Runs in a worker of its own, forked from a server that imported the kit once, so 50 runs do
    not import it 50 times; each worker runs one scenario and ends (see `runs_in_fresh_workers`).
    """
    signal.alarm(RUN_TIME_LIMIT)  # a run that hangs is killed, not waited for
    os.chdir(ROOT)
    os.environ.update(settings)
    from contract_tests.cli import main as cli

    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = cli(arguments)
        except Exception as error:  # what a separate process would print before exit 1
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            code = 1
    return code, stderr.getvalue()


def runs_in_fresh_workers(jobs: int) -> ProcessPoolExecutor:
    """Worker processes that each run one scenario, forked from a server holding the imported kit.

    They inherit this environment, read once at import (`CONTRACT_SPEC`), so none of the caller's
    own settings reaches them: each run has the settings of its scenario alone.
    """
    for name in [name for name in os.environ if name.startswith(("BOLNA_", "CONTRACT_"))]:
        del os.environ[name]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contract_tests.cli"])
    return ProcessPoolExecutor(max(1, jobs), mp_context=context, max_tasks_per_child=1)


def as_markdown(clean: Outcome, outcomes: list[Outcome], profile: str) -> str:
    caught = sum(outcome.caught for outcome in outcomes)
    lines = [
        "# Self-test: the suite against the mock's drift scenarios",
        "",
        f"Profile `{profile}`, `--fail-fast`. Clean mock: exit {clean.code}"
        + (f", finding: {clean.finding}" if clean.finding else ", no findings")
        + ".",
        f"Caught {caught} of {len(outcomes)} scenarios.",
        "",
        "| scenario | caught | seconds to catch | caught by | first finding |",
        "|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        mark = "yes" if outcome.caught else f"**no** (exit {outcome.code})"
        finding = outcome.finding.replace("|", "\\\\|")
        lines.append(f"| {outcome.scenario} | {mark} | {outcome.seconds:.1f} | {outcome.caught_by} | {finding} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="runs at once (default: one per core)")
    parser.add_argument("--scenarios", help="comma-separated names (default: all)")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "selftest.md")
    args = parser.parse_args(argv)
    names = args.scenarios.split(",") if args.scenarios else sorted(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        print(f"selftest: unknown scenarios: {', '.join(unknown)}", file=sys.stderr)
        return 2
    with (
        tempfile.TemporaryDirectory(prefix="selftest-") as scratch,
        runs_in_fresh_workers(args.jobs) as workers,
        ThreadPoolExecutor(max(1, args.jobs)) as waiting,
    ):
        # The clean run is the longest (no --fail-fast): started first, beside the scenarios.
        clean_run = waiting.submit(run_suite, workers, None, args.profile, Path(scratch), fail_fast=False)
        outcomes = list(
            waiting.map(lambda n: run_suite(workers, n, args.profile, Path(scratch), fail_fast=True), names)
        )
        clean = clean_run.result()
    report = as_markdown(clean, outcomes, args.profile)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    width = max(len(name) for name in names)
    print(f"{'(clean mock)':<{width}}  exit {clean.code}  {clean.finding or 'no findings'}")
    for outcome in outcomes:
        verdict = "caught" if outcome.caught else "MISSED"
        print(f"{outcome.scenario:<{width}}  {verdict:6}  {outcome.seconds:5.1f}s  {outcome.caught_by}")
    missed = [outcome.scenario for outcome in outcomes if not outcome.caught]
    passed = len(outcomes) - len(missed) + (clean.code == 0)
    print(f"report: {args.report.relative_to(ROOT) if args.report.is_relative_to(ROOT) else args.report}")
    # Repeated last, where a CI log's tail shows them.
    if clean.code != 0:
        print(f"false alarm on the clean mock (exit {clean.code}): {clean.caught_by} {clean.finding}".rstrip())
    for outcome in outcomes:
        if not outcome.caught:
            print(f"missed {outcome.scenario} (exit {outcome.code}) {outcome.finding}".rstrip())
    print(f"selftest: {passed} passed, {len(missed) + (clean.code != 0)} failed")
    return 0 if not missed and clean.code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
