"""Which drift scenarios of the mock each tool catches, and how soon.

Stock Schemathesis gets a budget of generated cases about equal to the requests the suite sends
with its quick profile (`calibrate`); stock and the suite's profiles (quick, then default) then run
against every scenario, two runs at a time on a 2-core machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import Interrupted, mock_token, served_mock, stop_all_children
from bench.tools import StockRun, SuiteRun, run_stock, run_suite

HEADING = re.compile(r"^# === (?P<title>.+?) =+\s*$")
KEBAB_LITERAL = re.compile(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"')

# Why a tool that judges each exchange against the schema misses a drift, from the words of the
# scenario's category (the mock's section heading) or, where one phrase says more, its
# description. First match wins; anything else is visible in a single exchange.
DESCRIPTION_REASONS = (
    ("instead of the default", "a documented default: the value given instead is just as schema-valid"),
)
CATEGORY_REASONS = (
    (
        ("merge semantics", "array replacement"),
        "needs what a PATCH sent compared with what is stored after it: no schema says which values come back",
    ),
    (
        ("atomicity", "persistence", "timestamps"),
        "needs two requests: each answer is schema-valid, only the pair contradicts",
    ),
    (
        ("cross-field", "stored-state"),
        "value-level semantics a schema cannot express: a rule over stored state or between fields",
    ),
    (
        ("status codes", "order of checks"),
        "a documented status for the wrong reason: the right one depends on what the request means "
        "(an unknown id, which check comes first), not on its shape",
    ),
    (
        ("secrets",),
        "visible in one answer, but only after an earlier request stored a password: needs that sequence",
    ),
    (
        ("field checks",),
        "one kind of invalid value (an edge of a bound or pattern): visible in one exchange, "
        "but only for inputs the generator rarely produces",
    ),
)
SINGLE_EXCHANGE = "visible in a single exchange, but no generated case triggered it within this budget"


@dataclass(frozen=True)
class DriftScenario:
    name: str
    description: str
    category: str

    @property
    def miss_reason(self) -> str:
        """The class of drift, as the reason a schema-driven fuzzer would miss it."""
        for phrase, reason in DESCRIPTION_REASONS:
            if phrase in self.description:
                return reason
        for words, reason in CATEGORY_REASONS:
            if any(word in self.category for word in words):
                return reason
        return SINGLE_EXCHANGE


def drift_scenarios(names: Iterable[str] | None = None) -> list[DriftScenario]:
    """The mock's drift scenarios (all, or `names` in that order), each with its category."""
    from mock_api import scenarios

    described = dict(scenarios.list_scenarios())
    categories = _categories(Path(scenarios.__file__).read_text(encoding="utf-8"), described)
    chosen = list(described) if names is None else list(names)
    unknown = [name for name in chosen if name not in described]
    if unknown:
        raise ValueError(f"unknown drift scenarios: {', '.join(unknown)} (see python -m mock_api --list-scenarios)")
    return [DriftScenario(name, described[name], categories.get(name, "uncategorised")) for name in chosen]


def _categories(source: str, names: Iterable[str]) -> dict[str, str]:
    """Scenario name -> the `# === heading ===` of the section of scenarios.py that registers it."""
    known = set(names)
    found: dict[str, str] = {}
    category = "uncategorised"
    for line in source.splitlines():
        heading = HEADING.match(line)
        if heading:
            category = heading.group("title")
        for name in KEBAB_LITERAL.findall(line):
            if name in known:
                found.setdefault(name, category)
    return found


# --- the budget ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    max_examples: int
    generated: int


def calibrate(
    target: int, count_cases: Callable[[int], int | None], first: tuple[int, int] = (10, 100), rounds: int = 3
) -> tuple[int, list[Probe]]:
    """The `--max-examples` whose generated cases come closest to `target`, and the probes tried.

    Cases grow with max-examples but not linearly (small value spaces run dry), so this is a
    secant search: probe, interpolate between the two probes nearest the target, repeat.
    """
    probes: list[Probe] = []
    candidates = list(first)
    for _ in range(len(first) + rounds):
        if not candidates:
            break
        examples = candidates.pop(0)
        if any(probe.max_examples == examples for probe in probes):
            break
        generated = count_cases(examples)
        if generated is None:
            raise RuntimeError(f"stock Schemathesis reported no case count at --max-examples {examples}")
        probes.append(Probe(examples, generated))
        if _close_enough(generated, target):
            break
        if not candidates and len(probes) >= 2:
            candidates.append(_interpolated(probes, target))
    best = min(probes, key=lambda probe: abs(probe.generated - target))
    return best.max_examples, probes


def _close_enough(generated: int, target: int, tolerance: float = 0.1) -> bool:
    return abs(generated - target) <= tolerance * target


def _interpolated(probes: list[Probe], target: int) -> int:
    nearest = sorted(probes, key=lambda probe: abs(probe.generated - target))[:2]
    low, high = sorted(nearest, key=lambda probe: probe.max_examples)
    if high.generated == low.generated:
        return high.max_examples * 2
    slope = (high.generated - low.generated) / (high.max_examples - low.max_examples)
    return max(1, min(2000, round(low.max_examples + (target - low.generated) / slope)))


# --- detection -----------------------------------------------------------------------------------


@dataclass
class Detection:
    scenario: DriftScenario
    stock: StockRun | None = None
    suites: dict[str, SuiteRun] = field(default_factory=dict)  # profile -> run
    problems: list[str] = field(default_factory=list)  # runs that could not happen
    profile: str = "quick"  # the suite profile `suite` stands for: the one stock's budget matches

    @property
    def suite(self) -> SuiteRun | None:
        return self.suites.get(self.profile)

    @property
    def stock_missed(self) -> bool:
        return self.stock is not None and not self.stock.caught

    @property
    def suite_missed(self) -> bool:
        return self.suite is not None and not self.suite.caught

    @property
    def stock_caught(self) -> bool:
        return self.stock is not None and self.stock.caught

    @property
    def suite_caught(self) -> bool:
        return self.suite is not None and self.suite.caught


@dataclass(frozen=True)
class Tally:
    """How one tool did over the scenarios: runs that could not happen count as neither."""

    caught: int
    missed: int
    not_run: int

    @property
    def ran(self) -> int:
        return self.caught + self.missed

    def __str__(self) -> str:
        return f"{self.caught}/{self.ran}" + (f" ({self.not_run} could not run)" if self.not_run else "")


def tally(runs: Iterable[StockRun | SuiteRun | None]) -> Tally:
    """Over one tool's runs, one per scenario (None: the run could not happen)."""
    runs = list(runs)
    outcomes = [run.caught for run in runs if run is not None]
    caught = sum(outcomes)
    return Tally(caught, len(outcomes) - caught, len(runs) - len(outcomes))


@dataclass(frozen=True)
class DetectionPlan:
    max_examples: int  # stock budget per operation (calibrated against the first profile)
    profiles: tuple[str, ...] = ("quick", "default")  # the suite's, each run on every scenario
    fail_fast: bool = False
    workers: int = 2
    stock_timeout: float = 420.0
    suite_timeout: float = 240.0

    @property
    def suite_profile(self) -> str:
        return self.profiles[0]


def stock_on_scenario(scenario: str | None, plan: DetectionPlan) -> StockRun:
    token = mock_token()
    with served_mock(token, scenario) as base_url:
        return run_stock(base_url, token, plan.max_examples, timeout=plan.stock_timeout)


def suite_on_scenario(scenario: str, plan: DetectionPlan, profile: str) -> SuiteRun:
    return run_suite(profile, scenario=scenario, fail_fast=plan.fail_fast, timeout=plan.suite_timeout)


def detect(
    scenarios: list[DriftScenario], plan: DetectionPlan, report: Callable[[str], None] = print
) -> list[Detection]:
    """Run stock and every suite profile on every scenario, `plan.workers` runs at a time; one line
    per finished run."""
    detections = {scenario.name: Detection(scenario, profile=plan.suite_profile) for scenario in scenarios}
    with ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="bench-detect") as pool:
        # -> (the suite's profile, None for stock; scenario)
        futures: dict[Future[StockRun | SuiteRun], tuple[str | None, str]] = {}
        # Alternating the tools keeps both under the same load from the run beside them.
        for scenario in scenarios:
            futures[pool.submit(stock_on_scenario, scenario.name, plan)] = (None, scenario.name)
            for profile in plan.profiles:
                submitted: Future[StockRun | SuiteRun] = pool.submit(suite_on_scenario, scenario.name, plan, profile)
                futures[submitted] = (profile, scenario.name)
        try:
            for done, future in enumerate(as_completed(futures), 1):
                suite_profile, name = futures[future]
                line = _record(detections[name], suite_profile, future)
                report(f"  [{done:>3}/{len(futures)}] {_tool(suite_profile):<13} {name:<40} {line}")
        except BaseException:
            # Without this the pool would wait for every running child to finish on its own.
            for future in futures:
                future.cancel()
            stop_all_children()
            raise
    return list(detections.values())


def _tool(profile: str | None) -> str:
    return f"suite {profile}" if profile else "stock"


def _record(detection: Detection, profile: str | None, future: Future[StockRun | SuiteRun]) -> str:
    try:
        result = future.result()
    except Interrupted:
        raise
    except Exception as error:  # a mock that would not start, a missing tool: noted, not fatal
        detection.problems.append(f"{_tool(profile)}: {type(error).__name__}: {error}")
        return f"could not run: {error}"
    if isinstance(result, SuiteRun) and profile:
        detection.suites[profile] = result
    elif isinstance(result, StockRun):
        detection.stock = result
    if result.exit_code is None:
        return f"timed out after {result.wall_seconds:.0f} s"
    if not result.caught:
        return f"missed (exit {result.exit_code}, {result.wall_seconds:.1f} s)"
    seconds = result.first_failure_seconds or result.wall_seconds
    count = result.first_failure_requests
    requests = f" after {count} request{'s' if count != 1 else ''}" if count else ""
    return f"caught at {seconds:.1f} s{requests} (run {result.wall_seconds:.1f} s)"
