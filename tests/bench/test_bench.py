"""The bench's building blocks (`python -m bench`) on a tiny budget: the figures are numbers, the tables well-formed.

Only the shape of the results is checked here; timing targets belong in the bench report.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest

from bench.client import measure_client_overhead
from bench.detection import Detection, DetectionPlan, Tally, calibrate, detect, drift_scenarios, tally
from bench.processes import mock_token, run_measured
from bench.report import Results, Sample, Series, as_json, as_markdown, markdown_table
from bench.tools import read_events, suite_has_fail_fast
from mock_api import SCENARIOS
from tests.bench.tables import assert_well_formed, tables


def test_markdown_table_escapes_pipes_and_shows_missing_values() -> None:
    table = markdown_table(["a", "b"], [["x|y", None], [1.5, "two\nlines"]]).splitlines()

    assert_well_formed(table)
    assert table[2] == "| x\\|y | — |"
    assert table[3] == "| 1.5 | two lines |"


def test_client_overhead_is_measured_for_both_transports() -> None:
    overheads = measure_client_overhead(calls=5, repeats=3)

    assert [overhead.transport for overhead in overheads] == ["in-process mock (TestClient)", "httpx.MockTransport"]
    for overhead in overheads:
        assert (overhead.calls, overhead.repeats) == (5, 3)
        assert overhead.generated_us > 0 and overhead.by_hand_us > 0
        assert math.isfinite(overhead.ratio) and overhead.ratio > 0


def test_every_drift_scenario_has_a_category_and_a_reason() -> None:
    scenarios = drift_scenarios()

    assert [scenario.name for scenario in scenarios] == list(SCENARIOS)
    for scenario in scenarios:
        assert scenario.category != "uncategorised", scenario.name
        assert scenario.miss_reason, scenario.name


def test_an_unknown_scenario_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="no-such-drift"):
        drift_scenarios(["no-such-drift"])


def test_calibration_finds_the_budget_that_matches_the_target() -> None:
    probed: list[int] = []

    def cases(max_examples: int) -> int:
        probed.append(max_examples)
        return 500 + 10 * max_examples

    chosen, probes = calibrate(1500, cases, first=(10, 50), rounds=3)

    assert chosen == 100
    assert probed == [10, 50, 100]
    assert [probe.generated for probe in probes] == [600, 1000, 1500]


def test_a_run_that_could_not_happen_counts_as_neither_caught_nor_missed() -> None:
    [scenario] = drift_scenarios(["patch-response-stale"])
    detection = Detection(scenario, problems=["stock: RuntimeError: the mock did not listen"])

    assert not detection.stock_caught and not detection.stock_missed
    assert tally([detection.stock]) == Tally(caught=0, missed=0, not_run=1)
    assert str(tally([detection.stock])) == "0/0 (1 could not run)"


def test_mock_tokens_never_look_like_an_option() -> None:
    # `python -m mock_api --token -x...` would read the token as an option and exit.
    assert all(re.fullmatch(r"bench-[0-9a-f]{16}", mock_token()) for _ in range(100))


def test_a_measured_run_is_stopped_at_its_timeout(tmp_path: Path) -> None:
    run = run_measured(
        [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(60)"],
        env={},
        cwd=tmp_path,
        timeout=1.0,
    )

    assert run.timed_out and run.exit_code is None
    assert 1.0 <= run.seconds < 15
    assert "started" in run.output_tail


def _scenario(stamp: float, status: str, cases: list[tuple[str, float, bool]]) -> str:
    """One `ScenarioFinished` line: (case id, answered at, failed) per recorded interaction."""
    recorder = {
        "interactions": {case: {"timestamp": at} for case, at, _ in cases},
        "checks": {case: [{"name": "status_code_conformance", "status": "failure" if bad else "success"}]
                   for case, _, bad in cases},
    }  # fmt: skip
    return json.dumps({"ScenarioFinished": {"timestamp": stamp, "status": status, "recorder": recorder}})


def test_stock_requests_are_counted_up_to_the_first_failing_interaction(tmp_path: Path) -> None:
    events = tmp_path / "events.ndjson"
    lines = [
        json.dumps({"LoadingStarted": {"timestamp": 100.0}}),
        _scenario(103.0, "success", [("a", 101.0, False), ("b", 102.0, False), ("c", 103.0, False)]),
        # Listed out of order on purpose: the count follows the answers' times, not the file's order.
        _scenario(107.0, "failure", [("f", 106.0, True), ("d", 104.0, False), ("e", 105.0, True)]),
        _scenario(109.0, "failure", [("g", 108.0, True)]),
        '{"ScenarioFinished": {"timestamp": 110.0, "recor',  # cut short by a stopped run
    ]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")

    read = read_events(events)

    assert read.first_failure_requests == 5  # a, b, c, d, then e failed
    assert read.first_failure_seconds == 7.0
    assert len(read.answered) == 7
    assert read.failed_checks == ("status_code_conformance",)


def test_a_run_without_failures_has_no_requests_to_a_first_failure(tmp_path: Path) -> None:
    events = tmp_path / "events.ndjson"
    events.write_text(_scenario(1.0, "success", [("a", 1.0, False)]) + "\n", encoding="utf-8")

    assert read_events(events).first_failure_requests is None


def test_one_scenario_through_every_tool_gives_a_well_formed_report(tmp_path: Path) -> None:
    plan = DetectionPlan(max_examples=1, fail_fast=suite_has_fail_fast(), stock_timeout=120, suite_timeout=120)
    progress: list[str] = []

    [detection] = detect(drift_scenarios(["qualify-frequency-as-string"]), plan, report=progress.append)

    assert len(progress) == 3 and not detection.problems
    assert set(detection.suites) == {"quick", "default"} and detection.suite is detection.suites["quick"]
    suite, stock = detection.suite, detection.stock
    assert suite is not None and stock is not None
    # A response field of the wrong type: the suite's PATCH checks see it on any trunk, in any profile.
    for run in detection.suites.values():
        assert run.caught and run.exit_code == 1 and run.failures
        assert run.first_failure_seconds is not None and 0 < run.first_failure_seconds <= run.wall_seconds
        assert run.requests is not None and run.requests > 0
        assert run.first_failure_requests is not None and 0 < run.first_failure_requests <= run.requests
    assert stock.exit_code in (0, 1) and stock.generated is not None and stock.generated > 0
    assert stock.caught == bool(stock.failures)
    if stock.caught:
        assert stock.first_failure_requests is not None and 0 < stock.first_failure_requests <= stock.generated
    assert "--max-examples 1" in stock.command and "$TMP" in stock.command

    sample = Sample.of(suite)
    results = Results(command="bench", started_at="now", machine={"CPUs": "2"}, quick=True)
    results.detections, results.detection_plan = [detection], plan
    results.suite_in_process = Series("suite", suite.command, "now", [sample])
    markdown = as_markdown(results)
    document = json.loads(as_json(results))

    found = tables(markdown)
    assert len(found) >= 2  # detection, throughput
    for table in found:
        assert_well_formed(table)
    assert "qualify-frequency-as-string" in markdown
    [row] = [line for line in markdown.splitlines() if line.startswith("| bolna-contract, quick profile |")]
    assert f"| quick profile ({suite.requests} requests on the clean mock) | 1/1 |" in row
    summary = document["detection_summary"]
    assert summary["scenarios"] == 1 and summary["suite"] == {"caught": 1, "missed": 0, "not_run": 0}
    assert summary["suite_by_profile"]["default"] == {"caught": 1, "missed": 0, "not_run": 0}
    quick = summary["requests_to_first_finding"]["bolna-contract, quick profile"]
    assert quick == {"median": suite.first_failure_requests, "maximum": suite.first_failure_requests, "scenarios": 1}
    assert document["suite_in_process"]["medians"]["requests"] == suite.requests
