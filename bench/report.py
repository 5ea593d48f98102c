"""The bench's results, and how they read: reports/bench.md for people, reports/bench.json for machines.

Every figure here was measured in the run that writes the report; the targets are only
compared against, never used as values.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bench.client import Overhead
from bench.detection import Detection, DetectionPlan, Probe, tally
from bench.tools import StockRun, SuiteRun

if TYPE_CHECKING:
    from bench.first_contact import FirstContact

IN_PROCESS_SPEED_UP_TARGET = 3.0  # suite in-process / suite over loopback, requests per second
CLIENT_OVERHEAD_TARGET = 1.5  # generated client / hand-written httpx, time per call
CONTRACT_SECONDS_TARGET = 60.0
CONTRACT_MIB_TARGET = 500.0
FIRST_FINDING_MEDIAN_TARGET = 100  # requests to the first finding, quick profile, median over scenarios
FIRST_FINDING_MAX_TARGET = 600  # and the maximum

DETECTION_COLUMNS = (
    "scenario", "category", "stock", "stock first failure s", "stock run s", "stock cases", "stock failures",
    "suite", "suite first finding s", "suite run s", "suite requests", "suite findings",
)  # fmt: skip
FIRST_FINDING_COLUMNS = ("tool", "budget", "caught", "median", "maximum", "scenarios measured")
THROUGHPUT_COLUMNS = (
    "mode", "measured", "runs", "requests (median)", "run s (median)", "wall s (median)", "requests/s (median)",
    "peak RSS MiB (median)", "exit codes",
)  # fmt: skip
CLIENT_COLUMNS = ("transport", "calls per batch", "batches per side", "generated µs/call", "by hand µs/call", "ratio")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class Sample:
    """One run of a tool, reduced to what the throughput and resource tables need."""

    exit_code: int | None
    requests: int | None
    run_seconds: float | None  # as the tool reports it (no interpreter start-up)
    wall_seconds: float
    peak_rss_mib: float | None
    failures: tuple[str, ...] = ()  # what the tool reported failing (on a clean mock: a false alarm)

    @property
    def requests_per_second(self) -> float | None:
        return self.requests / self.run_seconds if self.requests and self.run_seconds else None

    @classmethod
    def of(cls, run: SuiteRun | StockRun) -> Sample:
        requests = run.requests if isinstance(run, SuiteRun) else run.generated
        return cls(run.exit_code, requests, run.run_seconds, run.wall_seconds, run.peak_rss_mib, run.failures)


@dataclass
class Series:
    label: str
    command: str
    measured_at: str
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # runs that could not happen

    def median(self, value: Callable[[Sample], float | int | None]) -> float | None:
        values = [number for number in map(value, self.samples) if number is not None]
        return statistics.median(values) if values else None

    @property
    def requests_per_second(self) -> float | None:
        return self.median(lambda sample: sample.requests_per_second)


@dataclass(frozen=True)
class Calibration:
    target_requests: int  # what the suite sends on the clean mock (quick profile, in-process)
    max_examples: int
    probes: list[Probe]
    measured_at: str


@dataclass
class Results:
    command: str
    started_at: str
    machine: dict[str, str]
    quick: bool
    code: str = ""  # the commit measured, and whether the working tree differed from it
    wall_seconds: float = 0.0
    client: list[Overhead] | None = None
    client_measured_at: str = ""
    suite_in_process: Series | None = None
    suite_loopback: Series | None = None
    stock: Series | None = None
    calibration: Calibration | None = None
    contract: Series | None = None
    detection_plan: DetectionPlan | None = None
    detections: list[Detection] | None = None
    detection_measured_at: str = ""
    first_contact: FirstContact | None = None
    first_contact_stricter: FirstContact | None = None

    @property
    def in_process_speed_up(self) -> float | None:
        return _ratio(_rate(self.suite_in_process), _rate(self.suite_loopback))

    @property
    def loopback_over_stock(self) -> float | None:
        return _ratio(_rate(self.suite_loopback), _rate(self.stock))


def _rate(series: Series | None) -> float | None:
    return series.requests_per_second if series else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


# --- markdown ------------------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return ("—" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def number(value: float | None, digits: int = 1, suffix: str = "") -> str | None:
    return None if value is None else f"{value:.{digits}f}{suffix}"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**not met**")


def as_markdown(results: Results) -> str:
    sections = [
        _heading(results),
        _detection(results),
        _throughput(results),
        _client(results),
        _contract(results),
        _first_contact(results),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _heading(results: Results) -> str:
    machine = ", ".join(f"{key} {value}" for key, value in results.machine.items())
    return "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured {results.started_at} by `{results.command}`"
            + (" (--quick: fewer scenarios and runs; a smoke run, not figures to quote)" if results.quick else "")
            + f"; the whole run took {results.wall_seconds:.0f} s.",
            "",
            f"Machine: {machine}. Code: {results.code or 'unknown'}.",
            "",
            "The machine is shared and noisy: absolute times vary from run to run, so compare the ratios (both",
            "sides measured in this run) and the medians of several runs.",
        ]
    )


def _detection(results: Results) -> str:
    detections, plan, calibration = results.detections, results.detection_plan, results.calibration
    if detections is None or plan is None:
        return ""
    lines = [
        "## 1. Drift detection: stock Schemathesis vs bolna-contract",
        "",
        f"Measured {results.detection_measured_at}, {plan.workers} runs at a time (each stock run with its own "
        "served mock on its own free loopback port).",
        "",
        "**bolna-contract caught "
        + ", ".join(
            f"{tally(d.suites.get(profile) for d in detections)} ({profile} profile)" for profile in plan.profiles
        )
        + f"; stock Schemathesis caught {tally(d.stock for d in detections)}.**",
        "",
        *_budget_lines(calibration, results.stock, plan),
        "",
        *_requests_to_first_finding(detections, plan, _budgets(results, plan)),
        "",
        "Commands (one scenario `NAME`; `PORT`, `TOKEN` and `$TMP` differ per run):",
        "",
        "```sh",
        "# served mock, for stock Schemathesis",
        ".venv/bin/python -m mock_api --port PORT --token TOKEN --scenario NAME",
        _example_command(detections, "stock"),
        *(_example_command(detections, profile) for profile in plan.profiles),
        "```",
        "",
        f"The table: stock, and the suite's {plan.suite_profile} profile. Caught: stock = non-zero exit with "
        "failures in its report; suite = exit 1 with a failure finding.",
        "First failure: seconds from the tool's own start to its first failure, interpreter start-up excluded",
        "(stock: from its first NDJSON event, `LoadingStarted`, to the first failed `ScenarioFinished`; suite:",
        f"{_suite_first_failure_basis(detections)}). Run: wall time of the whole process, start-up included.",
        "",
        markdown_table(
            DETECTION_COLUMNS,
            (_detection_row(detection) for detection in detections),
        ),
    ]
    lines += _misses(detections, plan)
    return "\n".join(lines)


def _budget_lines(calibration: Calibration | None, stock: Series | None, plan: DetectionPlan) -> list[str]:
    if calibration is None:
        return [f"Budget: stock `--max-examples {plan.max_examples}`; suite profile {plan.suite_profile}."]
    probes = ", ".join(f"{probe.max_examples} → {probe.generated}" for probe in calibration.probes)
    generated = stock.median(lambda sample: sample.requests) if stock else None
    return [
        f"Budget: the suite (profile {plan.suite_profile}, in-process, clean mock) sends "
        f"{calibration.target_requests} requests (median); stock Schemathesis gets `--max-examples "
        f"{calibration.max_examples}`, the value whose generated cases came closest to that on the clean "
        f"served mock (probes, max-examples → cases: {probes}"
        + (f"; {generated:.0f} cases, median of the throughput runs at that value" if generated else "")
        + f", measured {calibration.measured_at}). One case is one request. "
        f"`--fail-fast` for the suite: {'used' if plan.fail_fast else 'not offered by bolna-contract, not used'}."
    ]


@dataclass(frozen=True)
class FirstFindings:
    """Requests to the first finding over the scenarios one tool (or profile) caught."""

    tool: str
    counts: list[int]  # one per scenario caught with a recorded count
    caught: str  # the tally, "48/49"

    @classmethod
    def of(cls, tool: str, runs: list[StockRun | SuiteRun | None]) -> FirstFindings:
        counts = [run.first_failure_requests for run in runs if run and run.caught and run.first_failure_requests]
        return cls(tool, counts, str(tally(runs)))

    @property
    def median(self) -> float | None:
        return statistics.median(self.counts) if self.counts else None

    @property
    def maximum(self) -> int | None:
        return max(self.counts) if self.counts else None


def first_findings(detections: list[Detection], plan: DetectionPlan) -> list[FirstFindings]:
    """One row per suite profile, then stock Schemathesis."""
    rows = [
        FirstFindings.of(f"bolna-contract, {profile} profile", [d.suites.get(profile) for d in detections])
        for profile in plan.profiles
    ]
    return [*rows, FirstFindings.of("stock Schemathesis", [d.stock for d in detections])]


def _budgets(results: Results, plan: DetectionPlan) -> list[str]:
    """What each row of the requests table could spend: the profiles' requests on the clean mock
    where this run measured them, and stock's `--max-examples`."""
    measured = {"quick": results.suite_in_process, "default": results.contract}
    budgets = []
    for profile in plan.profiles:
        series = measured.get(profile)
        requests = series.median(lambda sample: sample.requests) if series else None
        budgets.append(f"{profile} profile" + (f" ({requests:.0f} requests on the clean mock)" if requests else ""))
    calibration = results.calibration
    matched = f", matched to the {plan.suite_profile} profile's {calibration.target_requests}" if calibration else ""
    return [*budgets, f"`--max-examples {plan.max_examples}`{matched}"]


def _requests_to_first_finding(detections: list[Detection], plan: DetectionPlan, budgets: list[str]) -> list[str]:
    rows = first_findings(detections, plan)
    quick = rows[0]
    met = None
    if quick.median is not None and quick.maximum is not None:
        met = quick.median <= FIRST_FINDING_MEDIAN_TARGET and quick.maximum <= FIRST_FINDING_MAX_TARGET
    return [
        "### Requests to the first finding",
        "",
        "The suite's probes come before its random generation, so in a scenario they catch, both profiles "
        "find the drift at the same request; the profiles differ in what the random phases add after them.",
        "",
        "Per scenario, the requests sent up to the first failure: the suite's drift.json "
        "`first_failure_requests` (the answer a check failed on included), stock's recorded interactions up "
        "to and including the first one a check failed on. Median and maximum over the scenarios the tool "
        "caught; a missed scenario has no figure and shows in the `caught` column.",
        "",
        markdown_table(
            FIRST_FINDING_COLUMNS,
            (
                [row.tool, budget, row.caught, number(row.median, 0), row.maximum, len(row.counts)]
                for row, budget in zip(rows, budgets, strict=True)
            ),
        ),
        "",
        f"Target for the {plan.suite_profile} profile: median ≤ {FIRST_FINDING_MEDIAN_TARGET} and maximum ≤ "
        f"{FIRST_FINDING_MAX_TARGET}: {verdict(met)}.",
        "",
        markdown_table(
            ["scenario", *(f"{profile} profile" for profile in plan.profiles), "stock"],
            (
                [d.scenario.name, *(_requests(d.suites.get(profile)) for profile in plan.profiles), _requests(d.stock)]
                for d in detections
            ),
        ),
    ]


def _requests(run: StockRun | SuiteRun | None) -> object:
    if run is None or not run.caught:
        return _caught(run, caught=False)
    return run.first_failure_requests


def _suite_first_failure_basis(detections: list[Detection]) -> str:
    sources = sorted({d.suite.first_failure_source for d in detections if d.suite and d.suite.caught})
    return "; ".join(sources) if sources else "no failure found"


def _example_command(detections: list[Detection], tool: str) -> str:
    for detection in detections:
        run = detection.stock if tool == "stock" else detection.suites.get(tool)
        if run is not None:
            return run.command.replace(detection.scenario.name, "NAME")
    return f"# no {tool} run happened"


def _detection_row(detection: Detection) -> list[object]:
    stock, suite = detection.stock, detection.suite
    return [
        detection.scenario.name,
        detection.scenario.category,
        _caught(stock, detection.stock_caught),
        number(stock.first_failure_seconds) if stock else None,
        number(stock.wall_seconds) if stock else None,
        stock.generated if stock else None,
        "; ".join(stock.failures) if stock else None,
        _caught(suite, detection.suite_caught),
        number(suite.first_failure_seconds) if suite else None,
        number(suite.wall_seconds) if suite else None,
        suite.requests if suite else None,
        _findings(suite.failures) if suite else None,
    ]


def _findings(failures: tuple[str, ...], width: int = 110) -> str:
    """How many failures, and the first one cut to `width` characters (drift.json has them all)."""
    if not failures:
        return ""
    first = failures[0] if len(failures[0]) <= width else failures[0][: width - 1] + "…"
    return f"{len(failures)}: {first}"


def _caught(run: StockRun | SuiteRun | None, caught: bool) -> str:
    if run is None:
        return "not run"
    if run.exit_code is None:
        return "caught (timed out)" if caught else "timed out"
    return "caught" if caught else f"**missed** (exit {run.exit_code})"


def _misses(detections: list[Detection], plan: DetectionPlan) -> list[str]:
    lines: list[str] = []
    stock_missed = [detection for detection in detections if detection.stock_missed]
    if stock_missed:
        lines += ["", "### What stock Schemathesis missed, and why", ""]
        lines += [
            "The reason is the class of drift, derived from the scenario's category (the mock's section",
            "heading) and description; it is not a trace of what Schemathesis did.",
            "",
            markdown_table(
                ["scenario", "why (class of drift)", "description"],
                ([d.scenario.name, d.scenario.miss_reason, d.scenario.description] for d in stock_missed),
            ),
        ]
    for profile in plan.profiles:
        missed = [(d, run) for d in detections if (run := d.suites.get(profile)) is not None and not run.caught]
        lines += ["", f"### What bolna-contract missed ({profile} profile)", ""]
        if not missed:
            lines.append("Nothing: every scenario it ran ended with exit 1 and at least one failure finding.")
        for detection, run in missed:
            lines += [f"- `{detection.scenario.name}` ({detection.scenario.description}); it printed:", ""]
            lines += ["  ```text", *(f"  {line}" for line in run.printed.splitlines()), "  ```"]
    problems = [f"- `{d.scenario.name}`: {problem}" for d in detections for problem in d.problems]
    if problems:
        lines += ["", "### Runs that could not happen", "", *problems]
    return lines


def _throughput(results: Results) -> str:
    series = [results.stock, results.suite_loopback, results.suite_in_process]
    present = [item for item in series if item is not None]
    if not present:
        return ""
    speed_up, over_stock = results.in_process_speed_up, results.loopback_over_stock
    met = None if speed_up is None else speed_up >= IN_PROCESS_SPEED_UP_TARGET
    lines = [
        "## 2. Throughput",
        "",
        "Requests (one generated case = one request for Schemathesis) per second of the tool's own run",
        "time (its report: Schemathesis `running_time`, drift.json `seconds`), median of the runs; one run at a",
        "time, each against a fresh mock. The suite's live budget (quick) is smaller than its in-process one,",
        "so compare rates, not request counts.",
        "",
        markdown_table(
            THROUGHPUT_COLUMNS,
            (_series_row(item) for item in present),
        ),
        "",
        *_exit_note(present),
        "Ratios:",
        "",
        f"- suite in-process / suite over loopback: **{number(speed_up, 2, 'x')}** "
        f"(target ≥ {IN_PROCESS_SPEED_UP_TARGET:.0f}x: {verdict(met)})",
        f"- suite over loopback / stock Schemathesis over loopback: **{number(over_stock, 2, 'x')}**",
        "",
        "Commands:",
        "",
        "```sh",
        *(f"# {item.label}\n{item.command}" for item in present),
        "```",
    ]
    return "\n".join(lines)


def _exit_note(series: list[Series]) -> list[str]:
    """A warning when a measured run did not end cleanly, with what it reported failing."""
    notes = [f"> {item.label}, {problem} (left out of the medians)" for item in series for problem in item.problems]
    for item in series:
        for index, sample in enumerate(item.samples, 1):
            if sample.exit_code != 0:
                reported = "; ".join(sample.failures) or "no failure named"
                notes.append(f"> {item.label}, run {index}: exit {sample.exit_code}: {reported}")
    if not notes:
        return []
    return [
        *notes,
        ">",
        "> Exit 1 is drift found, 2 could not judge, none a timeout. Every run here is against the clean mock, so a",
        "> failure is a false alarm of the tool, and a run stopped early has partial times and request counts.",
        "",
    ]


def _series_row(series: Series) -> list[object]:
    return [
        series.label,
        series.measured_at,
        len(series.samples),
        number(series.median(lambda sample: sample.requests), 0),
        number(series.median(lambda sample: sample.run_seconds), 2),
        number(series.median(lambda sample: sample.wall_seconds), 2),
        number(series.requests_per_second, 1),
        number(series.median(lambda sample: sample.peak_rss_mib), 0),
        ", ".join(str(sample.exit_code) for sample in series.samples),
    ]


def _client(results: Results) -> str:
    if not results.client:
        return ""
    rows = [
        [
            overhead.transport,
            overhead.calls,
            overhead.repeats,
            number(overhead.generated_us, 1),
            number(overhead.by_hand_us, 1),
            number(overhead.ratio, 2, "x"),
            verdict(overhead.ratio <= CLIENT_OVERHEAD_TARGET),
        ]
        for overhead in results.client
    ]
    return "\n".join(
        [
            "## 3. Generated-client overhead",
            "",
            f"Measured {results.client_measured_at}, in the bench process with `time.perf_counter`: batches of "
            "PATCH calls, the two sides alternating batch by batch, median µs per call over the batches.",
            "",
            "```python",
            "# generated (body fields vary per call: description, qualify_frequency)",
            "update_sip_trunk.sync_detailed(trunk_id, client=api, body=SipTrunkUpdate(**fields))",
            "# by hand, through the same httpx.Client (api.set_httpx_client(http))",
            'http.patch(f"/sip-trunks/trunks/{trunk_id}", json=fields).json()',
            "```",
            "",
            "Transports: the embedded mock in-process (`TestClient(create_app(...))`, one trunk created first), "
            "and `httpx.MockTransport` answering the spec's `ZadarmaTrunk` example (pre-encoded), which leaves "
            "mostly the client's own cost.",
            "",
            markdown_table(
                [*CLIENT_COLUMNS, f"target ≤ {CLIENT_OVERHEAD_TARGET}x"],
                rows,
            ),
        ]
    )


def _contract(results: Results) -> str:
    contract = results.contract
    if contract is None:
        return ""
    wall = contract.median(lambda sample: sample.wall_seconds)
    peak = contract.median(lambda sample: sample.peak_rss_mib)
    rows = [
        [
            f"run {index}",
            sample.exit_code,
            number(sample.wall_seconds, 1),
            number(sample.peak_rss_mib, 0),
            sample.requests,
        ]
        for index, sample in enumerate(contract.samples, 1)
    ]
    rows.append(["**median**", "", number(wall, 1), number(peak, 0), number(contract.median(lambda s: s.requests), 0)])
    return "\n".join(
        [
            "## 4. `make contract` (default profile, embedded mock in-process)",
            "",
            f"Measured {contract.measured_at}, one run at a time. Peak memory is the child's maximum RSS "
            "(`os.wait4` resource usage of that process).",
            "",
            "```sh",
            contract.command,
            "```",
            "",
            markdown_table(["run", "exit", "wall s", "peak RSS MiB", "requests"], rows),
            "",
            *_exit_note([contract]),
            f"Targets: wall < {CONTRACT_SECONDS_TARGET:.0f} s: {_below(wall, CONTRACT_SECONDS_TARGET)}; "
            f"peak RSS < {CONTRACT_MIB_TARGET:.0f} MiB: {_below(peak, CONTRACT_MIB_TARGET)}.",
        ]
    )


def _below(value: float | None, target: float) -> str:
    return verdict(None if value is None else value < target)


# --- json ----------------------------------------------------------------------------------------


def _first_contact(results: Results) -> str:
    measured = [first for first in (results.first_contact, results.first_contact_stricter) if first is not None]
    if not measured:
        return ""

    def column(first: FirstContact) -> list[object]:
        kinds = ", ".join(f"{count} {kind}" for kind, count in first.causes.items())
        per_cause = first.symptoms / first.total_causes if first.total_causes else None
        return [
            f"{first.total_causes} ({kinds})",
            first.symptoms,
            number(per_cause, 1),
            f"{first.discovery_requests} for {first.bounds_measured} bounds",
            f"{first.requests}, {first.wall_seconds} s (exit {first.exit_code})",
        ]

    measures = [
        "causes reported",
        "findings the checks raised, merged into those",
        "findings per cause",
        "requests spent measuring bounds",
        "requests in the run, wall time",
    ]
    columns = [column(first) for first in measured]
    return "\n".join(
        [
            "## First contact",
            "",
            "The quick profile over loopback against a correct server that differs from the spec's "
            "guesses: looser (tests/fixtures/benign_server.py, six benign differences) and stricter "
            "(tests/fixtures/stricter_server.py, three bounds, one of them create-only, and the auth "
            "status): what the checks raised, and what the report made of it.",
            "",
            markdown_table(
                ["measure", *(f"{first.server} server" for first in measured)],
                [[measure, *(values[index] for values in columns)] for index, measure in enumerate(measures)],
            ),
        ]
    )


def as_json(results: Results) -> str:
    document: dict[str, Any] = asdict(results)
    document["ratios"] = {
        "suite_in_process_over_loopback": results.in_process_speed_up,
        "suite_loopback_over_stock": results.loopback_over_stock,
        "client": {overhead.transport: overhead.ratio for overhead in results.client or []},
    }
    for key in ("suite_in_process", "suite_loopback", "stock", "contract"):
        series = getattr(results, key)
        if series is not None:
            document[key]["medians"] = {
                "requests": series.median(lambda sample: sample.requests),
                "run_seconds": series.median(lambda sample: sample.run_seconds),
                "wall_seconds": series.median(lambda sample: sample.wall_seconds),
                "requests_per_second": series.requests_per_second,
                "peak_rss_mib": series.median(lambda sample: sample.peak_rss_mib),
            }
    if results.detections is not None:
        plan = results.detection_plan or DetectionPlan(max_examples=0)
        document["detection_summary"] = {
            "scenarios": len(results.detections),
            "suite": asdict(tally(d.suite for d in results.detections)),
            "suite_by_profile": {
                profile: asdict(tally(d.suites.get(profile) for d in results.detections)) for profile in plan.profiles
            },
            "requests_to_first_finding": {
                row.tool: {"median": row.median, "maximum": row.maximum, "scenarios": len(row.counts)}
                for row in first_findings(results.detections, plan)
            },
            "stock": asdict(tally(d.stock for d in results.detections)),
            "stock_missed": {d.scenario.name: d.scenario.miss_reason for d in results.detections if d.stock_missed},
            "suite_missed": [d.scenario.name for d in results.detections if d.suite_missed],
            "not_run": {d.scenario.name: d.problems for d in results.detections if d.problems},
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
