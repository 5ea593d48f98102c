"""`bolna-contract mock-diff` against servers on loopback: the same API, benign differences, PATCH drift.

Each run also leaves the server as it found it: a trunk that is not the run's is untouched, and
none of the run's trunks are left behind.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from contract_tests.values.spec import SPEC_PATH
from mock_api.app import create_app
from tests.contract.contract_run import ContractRun, run_contract
from tests.fixtures.altered_api import EXTRA_TRUNK_KEY, BenignDifferences, serve_app
from tests.fixtures.independent_api import LIST_ORDER, serve_independent
from tests.fixtures.served_mock import ServedMock, serve_mock
from tests.hardening.live_runs import live_env, start_contract, wait_until

SEED = "20261202"


def _mock_diff(
    served: ServedMock, tmp_path: Path, steps: int, spec: Path | None = None
) -> tuple[ContractRun, dict[str, Any]]:
    env = {"BOLNA_BASE_URL": served.base_url, "BOLNA_API_KEY": served.token, "CONTRACT_MAX_REQUESTS": "20000"}
    if spec is not None:
        env["CONTRACT_SPEC"] = str(spec)
    run = run_contract(tmp_path, "mock-diff", "--steps", str(steps), "--seed", SEED, env=env)
    report_file = tmp_path / "mock-diff.json"
    assert report_file.exists(), run.stdout[-3000:] + run.stderr[-2000:]
    report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    return run, report


def _left_as_found(served: ServedMock, production: dict[str, Any]) -> None:
    trunks = served.trunks()
    assert [trunk["id"] for trunk in trunks] == [production["id"]], "the run left trunks behind"
    assert trunks[0] == production, "the run changed a trunk that was not its own"


def _keys(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(d["operation"], d["field"], d["kind"]) for d in report["differences"]]


def test_the_same_api_shows_no_difference_in_1000_steps(tmp_path: Path) -> None:
    # Behind an edge that compresses (deflate) and fails 1 % of requests with an HTML 502/504/503:
    # neither is a difference from the mock.
    with serve_mock("--compress", "deflate", "--edge-errors", "0.01") as served:
        production = served.production_trunk()
        run, report = _mock_diff(served, tmp_path, steps=1000)
        _left_as_found(served, production)

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert report["differences"] == []
    assert report["steps"] == {"planned": 1000, "run": 1000}
    assert report["requests"] >= 1000
    assert set(report["retried"]["transient"]) == {"502", "503", "504"}, report["retried"]
    assert (tmp_path / "mock-diff.md").read_text(encoding="utf-8").count("No differences.") == 1


def test_benign_differences_are_each_named_once_and_grouped(tmp_path: Path) -> None:
    token = "altered-api-token"
    app = BenignDifferences(create_app(token=token, scenario="blank-name-accepted"))
    with serve_app(app) as base_url:
        served = ServedMock(base_url, token, process=None)  # type: ignore[arg-type]
        production = served.production_trunk()
        run, report = _mock_diff(served, tmp_path, steps=600)
        production = {**production, EXTRA_TRUNK_KEY: "ap-south-1"}
        _left_as_found(served, production)

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    keys = _keys(report)
    assert len(keys) == len(set(keys)), f"a difference was named twice: {Counter(keys).most_common(3)}"
    extra_key = {op for op, field, kind in keys if field in (EXTRA_TRUNK_KEY, f"[].{EXTRA_TRUNK_KEY}")}
    assert extra_key == {"create_trunk", "get_trunk", "list_trunks", "update_trunk"}
    assert all(kind == "extra key" for _, field, kind in keys if field.endswith(EXTRA_TRUNK_KEY))
    error_item_keys = {field for _, field, kind in keys if field.startswith("detail[].") and kind == "extra key"}
    assert error_item_keys == {"detail[].input", "detail[].url"}
    looser = {(op, kind) for op, field, kind in keys if field == "name"}  # a blank name is accepted
    assert ("update_trunk", "status") in looser or ("create_trunk", "status") in looser
    # Nothing else: each cause shows as itself, not as a trail of symptoms.
    others = [key for key in keys if not key[1].endswith(EXTRA_TRUNK_KEY)]
    others = [key for key in others if not key[1].startswith("detail[].") and key[1] != "name"]
    assert others == []
    markdown = (tmp_path / "mock-diff.md").read_text(encoding="utf-8")
    assert markdown.count("## update_trunk") == 1
    assert 'curl -X PATCH "$BOLNA_BASE_URL/sip-trunks/trunks/' in markdown
    assert token not in markdown and token not in run.stdout + run.stderr


def test_a_correct_api_with_its_own_clock_and_words_differs_only_in_wording_which_its_patch_absorbs(
    tmp_path: Path,
) -> None:
    first, second, spec = tmp_path / "first", tmp_path / "second", tmp_path / "spec"
    spec.mkdir()
    shutil.copy(SPEC_PATH, spec / "openapi.yaml")
    with serve_independent() as served:
        production = served.production_trunk()
        run, report = _mock_diff(served, first, steps=200)
        patch = first / "mock-diff.suggestions.patch"
        applied = subprocess.run(["git", "apply", str(patch)], cwd=spec, capture_output=True, text=True, check=False)
        rerun, again = _mock_diff(served, second, steps=200, spec=spec / "openapi.yaml")
        _left_as_found(served, production)

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    kinds = {d["kind"] for d in report["differences"]}
    assert kinds == {"wording", "order"}, report["differences"]  # no timestamp against another resource's
    assert "time" not in run.stdout
    fields = {(d["operation"], d["field"]) for d in report["differences"]}
    assert {("delete_trunk", "message"), ("get_trunk", "detail (404)"), ("list_trunks", "(order)")} <= fields
    (order,) = [d for d in report["differences"] if d["kind"] == "order"]
    assert (order["live"], order["mock"]) == (LIST_ORDER, "oldest-first")
    assert all(d["suggestion"].startswith("suggested: ") for d in report["differences"]), report["differences"]
    markdown = (first / "mock-diff.md").read_text(encoding="utf-8")
    assert (
        "## Suggested spec changes" in markdown and "git apply reports/contract/mock-diff.suggestions.patch" in markdown
    )
    assert "{numbers_removed} phone number(s) removed." in patch.read_text(encoding="utf-8")
    assert applied.returncode == 0, applied.stderr
    assert rerun.code == 0, rerun.stdout[-3000:] + rerun.stderr[-2000:]
    assert again["differences"] == [] and again["suggestions"] == []
    assert not (second / "mock-diff.suggestions.patch").exists()


@pytest.mark.parametrize(
    ("scenario", "field"),
    [
        ("patch-merges-gateways", "gateways"),
        ("patch-resets-unsent-fields", None),
        ("created-at-changes-on-patch", "created_at"),
    ],
)
def test_patch_drift_is_named_under_update_trunk(scenario: str, field: str | None, tmp_path: Path) -> None:
    with serve_mock("--scenario", scenario) as served:
        production = served.production_trunk()
        run, report = _mock_diff(served, tmp_path, steps=400)
        _left_as_found(served, production)

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    patch_differences = [d for d in report["differences"] if d["operation"] == "update_trunk"]
    assert patch_differences, report["differences"]
    if field == "created_at":  # said as a user would, not as an internal label
        assert "update_trunk created_at: changed on the live side, kept on the mock" in run.stdout
    if field is not None:
        assert field in {d["field"] for d in patch_differences}
    else:  # a reset shows as an unsent field coming back with another value
        assert {d["kind"] for d in patch_differences} & {"value", "type"}
    shortest = min(patch_differences, key=lambda d: len(d["steps"]))
    assert shortest["replayed"] is True
    assert shortest["steps"][0].startswith("POST /sip-trunks/trunks ")
    assert shortest["steps"][-1].startswith("PATCH /sip-trunks/trunks/trunk#")
    assert len(shortest["reproduce"]) == len(shortest["steps"])


def test_without_a_live_api_a_drift_scenario_stands_in_for_it(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "mock-diff", "--steps", "300", "--seed", SEED, "--scenario", "patch-merges-gateways")

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert "update_trunk gateways: length" in run.stdout


def test_a_spent_budget_is_exit_2_with_one_line(served_mock: ServedMock, tmp_path: Path) -> None:
    env = {"BOLNA_BASE_URL": served_mock.base_url, "BOLNA_API_KEY": served_mock.token, "CONTRACT_MAX_REQUESTS": "50"}
    run = run_contract(tmp_path, "mock-diff", "--steps", "200", "--seed", SEED, env=env)

    assert run.code == 2, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(run.stderr.strip().splitlines()) == 1
    assert "budget" in run.stderr
    assert served_mock.trunks() == []


def test_an_existing_trunk_setting_is_refused(served_mock: ServedMock, tmp_path: Path) -> None:
    env = {"BOLNA_BASE_URL": served_mock.base_url, "BOLNA_API_KEY": served_mock.token, "BOLNA_TRUNK_ID": "abc"}
    run = run_contract(tmp_path, "mock-diff", env=env)

    assert run.code == 2
    assert run.stderr.strip() == "bolna-contract: mock-diff works on trunks it creates; unset BOLNA_TRUNK_ID to run it"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_deletes_its_trunks_and_exits_2(signum: signal.Signals, tmp_path: Path) -> None:
    with serve_mock("--latency", "0.01") as served:
        production = served.production_trunk()
        env = live_env(served.base_url, served.token, CONTRACT_MAX_REQUESTS="20000")
        running = start_contract(tmp_path, env, "mock-diff", "--steps", "5000", "--seed", SEED)
        wait_until(lambda: len(served.trunks()) > 3, "the run has made a few trunks")
        running.signal(signum)
        run = running.finish()
        _left_as_found(served, production)

    assert run.code == 2, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.stderr.strip() == "bolna-contract: mock-diff interrupted"
    report = json.loads((running.reports / "mock-diff.json").read_text(encoding="utf-8"))
    assert report["complete"] is False
    assert "interrupted: this report is partial" in report["notes"]
