"""Prove the suite's teeth: clean mock -> exit 0; every drift scenario of the mock -> exit 1.

Usage: python scripts/selftest.py [--jobs N] [--scenarios a,b] [--profile quick]
       (`make selftest`; part of `make test`)

A finding under a scenario belongs to it because the same profile against the clean mock finds
nothing: the scenario is the only difference. Writes reports/selftest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mock_api.scenarios import SCENARIOS  # noqa: E402


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


def run_suite(scenario: str | None, profile: str, scratch: Path, *, fail_fast: bool) -> Outcome:
    reports = scratch / (scenario or "clean")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOLNA_", "CONTRACT_"))}
    env |= {"CONTRACT_PROFILE": profile, "CONTRACT_REPORTS": str(reports)}
    command = [sys.executable, "-m", "contract_tests.cli", "--quiet"]
    command += ["--scenario", scenario] if scenario else []
    command += ["--fail-fast"] if fail_fast else []
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    wall = time.monotonic() - started
    try:
        drift = json.loads((reports / "drift.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = (result.stderr.strip().splitlines() or ["no drift.json"])[-1]
        return Outcome(scenario or "(clean)", result.returncode, wall, "", last[:120])
    failures = [f for f in drift["findings"] if f["severity"] == "failure"]
    first = failures[0] if failures else None
    seconds = drift.get("first_failure_seconds") or wall
    return Outcome(
        scenario or "(clean)",
        result.returncode,
        seconds,
        first["check"] if first else "",
        first["title"][:100] if first else "",
    )


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
    with tempfile.TemporaryDirectory(prefix="selftest-") as scratch, ThreadPoolExecutor(max(1, args.jobs)) as pool:
        # The clean run is the longest (no --fail-fast): started first, beside the scenarios.
        clean_run = pool.submit(run_suite, None, args.profile, Path(scratch), fail_fast=False)
        outcomes = list(pool.map(lambda n: run_suite(n, args.profile, Path(scratch), fail_fast=True), names))
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
