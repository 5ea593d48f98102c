"""A broken spec stops `make generate`, `make check-generated`, `make lint-spec` and `bolna-contract`
with one clear line and a non-zero exit code, and leaves nothing half-written.

The real openapi.yaml is only read. `lint-spec` and `bolna-contract` are pointed at a broken copy
(a path argument, CONTRACT_SPEC). `check_generated.py` has no spec option (it reads the
openapi.yaml beside its scripts/), so both generation scripts run as make runs them, without
arguments, in a copy of the parts of the repository they use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract.contract_run import ROOT, run_contract
from tests.fixtures.broken_specs import Breakage, BrokenSpec

GENERATION_SCRIPTS = {"generate": "regenerate.py", "check-generated": "check_generated.py"}
_CACHES = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache", ".pdm-build", "*.egg-info")


def kit_copy(root: Path) -> Path:
    """What the generation scripts read and write: scripts/, their config, templates/, generated/."""
    shutil.copytree(ROOT / "scripts", root / "scripts", ignore=_CACHES)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "generated", root / "generated", ignore=_CACHES)
    shutil.copy2(ROOT / "generator-config.yml", root)
    return root


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def only_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("breakage", list(Breakage))
@pytest.mark.parametrize("tool", list(GENERATION_SCRIPTS))
def test_generation_stops_in_one_line_and_writes_nothing(
    tool: str, breakage: Breakage, tmp_path: Path, broken_spec: Callable[..., BrokenSpec]
) -> None:
    kit = kit_copy(tmp_path / "kit")
    spec = broken_spec(breakage, kit)
    before = files_under(kit)

    result = run([sys.executable, f"scripts/{GENERATION_SCRIPTS[tool]}"], cwd=kit)

    assert result.returncode == 1
    line = only_line(result.stderr)
    assert line.startswith(f"{tool}: {spec.located}"), line
    assert result.stdout == ""
    assert files_under(kit) == before, "generated/ (or the folder around it) was changed"


@pytest.mark.parametrize("breakage", list(Breakage))
def test_lint_spec_stops_in_one_line(
    breakage: Breakage, tmp_path: Path, broken_spec: Callable[..., BrokenSpec]
) -> None:
    spec = broken_spec(breakage)

    result = run([ROOT / "scripts" / "lint-spec", spec.path], cwd=ROOT)

    assert result.returncode == 1
    assert only_line(result.stderr).startswith(f"lint-spec: {spec.path}:{spec.line}: {spec.problem}")
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [spec.path]


@pytest.mark.parametrize("breakage", list(Breakage))
def test_contract_run_stops_in_one_line_naming_the_spec(
    breakage: Breakage, tmp_path: Path, broken_spec: Callable[..., BrokenSpec]
) -> None:
    spec = broken_spec(breakage)
    reports = tmp_path / "reports"

    run = run_contract(reports, env={"CONTRACT_SPEC": str(spec.path)})

    assert run.code == 2
    line = only_line(run.stderr)
    assert f"{spec.path}:{spec.line}: {spec.problem}" in line, line
    assert run.stdout == ""
    assert not reports.exists(), "a run stopped by its spec must write no report"
    assert run.seconds < 15
