"""Benchmarks of the kit: drift detection against stock Schemathesis, throughput, client overhead,
the cost of `make contract`, and a first contact with benign differences; written to
reports/bench.md and reports/bench.json.

Usage: python -m bench [--quick] [--scenarios a,b]
                       [--parts detection,throughput,client,contract,first-contact]
       (`make bench` runs it with the defaults; the full run takes about 12 minutes on 2 cores)

All traffic stays on loopback (127.0.0.1). Runs that need a server get `python -m mock_api` on
a free port; every child process is stopped when the bench ends, however it ends.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bench.client import measure_client_overhead
from bench.detection import DetectionPlan, DriftScenario, calibrate, detect, drift_scenarios, stock_on_scenario
from bench.first_contact import measure_first_contact
from bench.processes import ROOT, mock_token, served_mock, stop_all_children
from bench.report import Calibration, Results, Sample, Series, as_json, as_markdown, first_findings, now, number
from bench.tools import StockRun, SuiteRun, live_settings, run_suite, suite_has_fail_fast

PARTS = ("detection", "throughput", "client", "contract", "first-contact")
QUICK_SCENARIOS = 4  # spread over the catalogue, which is grouped by category


@dataclass(frozen=True)
class Options:
    parts: tuple[str, ...]
    scenarios: list[DriftScenario]
    runs: int  # runs per throughput and contract figure (their median is reported)
    client_calls: int
    client_repeats: int
    first_probes: tuple[int, int]  # stock --max-examples tried first when matching the budgets
    calibration_rounds: int
    output: Path
    quick: bool


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 scenarios, 1 run per figure, small N")
    parser.add_argument("--scenarios", help="comma-separated drift scenarios (default: all; with --quick: 4)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--output", type=Path, default=ROOT / "reports", help="folder for bench.md and bench.json")
    args = parser.parse_args(argv)
    parts = tuple(part.strip() for part in args.parts.split(",") if part.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}")
    try:
        scenarios = _chosen_scenarios(args.scenarios, quick=args.quick)
    except ValueError as error:
        parser.error(str(error))
    return Options(
        parts=parts,
        scenarios=scenarios,
        runs=1 if args.quick else 3,
        client_calls=100 if args.quick else 300,
        client_repeats=5 if args.quick else 7,
        first_probes=(10, 100),
        calibration_rounds=0 if args.quick else 3,
        output=args.output,
        quick=args.quick,
    )


def _chosen_scenarios(names: str | None, *, quick: bool) -> list[DriftScenario]:
    if names:
        return drift_scenarios(name.strip() for name in names.split(",") if name.strip())
    everything = drift_scenarios()
    if not quick:
        return everything
    step = max(1, len(everything) // QUICK_SCENARIOS)
    return everything[::step][:QUICK_SCENARIOS]


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    results = Results(
        command=shlex.join([".venv/bin/python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])]),
        started_at=now(),
        machine=_machine(),
        quick=options.quick,
        code=_code_state(),
    )
    try:
        _run_parts(options, results)
    except KeyboardInterrupt:
        stop_all_children()
        print("bench: interrupted; every child process was stopped, no report written", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_all_children()
    results.wall_seconds = time.monotonic() - started
    written = _write(results, options.output)
    print(_console_summary(results))
    print(f"bench: wrote {', '.join(str(path) for path in written)}")
    return 0


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _machine() -> dict[str, str]:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "Python": platform.python_version(),
        "CPUs": str(os.cpu_count()),
        "system": f"{platform.system()} {platform.release()}",
        "load average at start": load,
    }


def _code_state() -> str:
    """The commit, and how many paths differ from it: figures belong to the code they measured."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = len(_git("status", "--porcelain").splitlines())
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (f" with {changed} changed or untracked paths" if changed else ", clean")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()


def _run_parts(options: Options, results: Results) -> None:
    if "client" in options.parts:
        _step("generated-client overhead")
        results.client_measured_at = now()
        results.client = measure_client_overhead(options.client_calls, options.client_repeats)
    needs_budget = "detection" in options.parts or "throughput" in options.parts
    if needs_budget:
        _step("suite in-process, quick profile, clean mock")
        runs = options.runs if "throughput" in options.parts else 1
        results.suite_in_process = _series("bolna-contract in-process (quick)", runs, _suite_in_process)
        results.calibration = _calibrate(options, results.suite_in_process)
    if "throughput" in options.parts:
        assert results.calibration is not None
        examples = results.calibration.max_examples
        _step(f"stock Schemathesis over loopback, --max-examples {examples}, clean mock")
        results.stock = _series("stock Schemathesis over loopback", options.runs, lambda: _stock_clean(examples))
        _step("suite over loopback (live mode), quick profile, clean mock")
        results.suite_loopback = _series("bolna-contract over loopback (quick)", options.runs, _suite_loopback)
    if "contract" in options.parts:
        _step("make contract: default profile, in-process")
        results.contract = _series("bolna-contract (default profile)", options.runs, _contract_default)
    if "first-contact" in options.parts:
        _step("first contact: quick profile over loopback against a server with benign differences")
        results.first_contact = measure_first_contact()
        _step("first contact: quick profile over loopback against a server stricter than the spec's guesses")
        results.first_contact_stricter = measure_first_contact(server="stricter")
    if "detection" in options.parts:
        assert results.calibration is not None
        plan = DetectionPlan(max_examples=results.calibration.max_examples, fail_fast=suite_has_fail_fast())
        runs = 1 + len(plan.profiles)
        _step(
            f"detection: {len(options.scenarios)} scenarios x {runs} runs (stock, {', '.join(plan.profiles)}), "
            f"{plan.workers} at a time"
        )
        results.detection_plan = plan
        results.detection_measured_at = now()
        results.detections = detect(options.scenarios, plan)


def _step(title: str) -> None:
    print(f"bench: {title} ({now()})", flush=True)


def _series(label: str, runs: int, run_once: Callable[[], SuiteRun | StockRun]) -> Series:
    series = Series(label=label, command="", measured_at=now())
    for index in range(1, runs + 1):
        try:
            run = run_once()
        except Exception as error:  # e.g. a mock that would not start: noted, and the other runs go on
            series.problems.append(f"run {index}: {type(error).__name__}: {error}")
            print(f"  run {index}/{runs}: could not run: {error}", flush=True)
            continue
        series.command = run.command
        sample = Sample.of(run)
        series.samples.append(sample)
        rate = sample.requests_per_second
        print(
            f"  run {index}/{runs}: exit {sample.exit_code}, {sample.requests} requests, "
            f"{sample.wall_seconds:.1f} s wall" + (f", {rate:.0f} requests/s" if rate else ""),
            flush=True,
        )
        for failure in sample.failures:
            print(f"    reported: {failure}", flush=True)
    return series


def _suite_in_process() -> SuiteRun:
    return run_suite("quick", timeout=300)


def _suite_loopback() -> SuiteRun:
    token = mock_token()
    with served_mock(token) as base_url:
        return run_suite("quick", live=live_settings(base_url, token, "quick"), timeout=300)


def _stock_clean(max_examples: int) -> StockRun:
    return stock_on_scenario(None, DetectionPlan(max_examples=max_examples))


def _contract_default() -> SuiteRun:
    # What `make contract` runs: the default profile against the embedded mock.
    return run_suite("default", timeout=900)


def _calibrate(options: Options, suite: Series) -> Calibration:
    target = suite.median(lambda sample: sample.requests)
    if target is None:
        raise SystemExit("bench: the suite reported no request count on the clean mock; see its output above")
    _step(f"matching stock Schemathesis's budget to the suite's {target:.0f} requests")

    def count_cases(max_examples: int) -> int | None:
        run = _stock_clean(max_examples)
        print(f"  --max-examples {max_examples}: {run.generated} cases, {run.wall_seconds:.1f} s", flush=True)
        return run.generated

    measured_at = now()
    chosen, probes = calibrate(round(target), count_cases, options.first_probes, options.calibration_rounds)
    return Calibration(round(target), chosen, probes, measured_at)


def _write(results: Results, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("bench.md", as_markdown(results)), ("bench.json", as_json(results))):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _console_summary(results: Results) -> str:
    lines = ["", f"bench summary ({results.wall_seconds:.0f} s):"]
    if results.detections is not None and results.detection_plan is not None:
        for row in first_findings(results.detections, results.detection_plan):
            lines.append(
                f"  detection, {row.tool}: caught {row.caught}; requests to the first finding: median "
                f"{number(row.median, 0)}, maximum {row.maximum}"
            )
        missed = [d.scenario.name for d in results.detections if d.suite_missed]
        if missed:
            lines.append(f"  bolna-contract missed: {', '.join(missed)}")
    for series in (results.stock, results.suite_loopback, results.suite_in_process):
        if series is not None and series.requests_per_second is not None:
            lines.append(f"  {series.label}: {series.requests_per_second:.0f} requests/s (median)")
    if results.in_process_speed_up is not None:
        lines.append(f"  suite in-process / loopback: {results.in_process_speed_up:.2f}x (target >= 3x)")
    if results.loopback_over_stock is not None:
        lines.append(f"  suite loopback / stock: {results.loopback_over_stock:.2f}x")
    for overhead in results.client or []:
        lines.append(f"  client overhead, {overhead.transport}: {overhead.ratio:.2f}x (target <= 1.5x)")
    if results.contract is not None:
        wall = results.contract.median(lambda sample: sample.wall_seconds)
        peak = results.contract.median(lambda sample: sample.peak_rss_mib)
        lines.append(f"  make contract (default): {number(wall, 1)} s wall, {number(peak, 0)} MiB peak RSS (median)")
    for first in (results.first_contact, results.first_contact_stricter):
        if first is not None:
            lines.append(
                f"  first contact ({first.server}): {first.symptoms} findings for {first.total_causes} causes, "
                f"{first.discovery_requests} requests measuring {first.bounds_measured} bounds"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
