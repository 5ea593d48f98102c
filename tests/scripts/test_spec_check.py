"""scripts/spec_check.py is the one spec validator: lint-spec and regenerate.py print its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

from contract_tests.values.spec_check import spec_problem  # noqa: E402

DANGLING = 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: "#/x"}\n'


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*map(str, command)], capture_output=True, text=True, check=False, cwd=ROOT)


def test_repo_spec_is_valid() -> None:
    assert spec_problem(ROOT / "openapi.yaml") is None

    result = _run(sys.executable, SCRIPTS / "spec_check.py", "openapi.yaml")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "openapi.yaml: valid OpenAPI (3.1.0)\n"


def test_every_caller_prints_the_same_line(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(DANGLING, encoding="utf-8")
    expected = f"{spec}:6: $ref '#/x' points to nothing"
    assert spec_problem(spec) == expected

    checked = _run(sys.executable, SCRIPTS / "spec_check.py", spec)
    linted = _run(SCRIPTS / "lint-spec", spec)
    generated = _run(sys.executable, SCRIPTS / "regenerate.py", "--spec", spec, "--output", tmp_path / "client")

    assert (checked.returncode, checked.stderr) == (1, expected + "\n")
    assert (linted.returncode, linted.stderr) == (1, f"lint-spec: {expected}\n")
    assert (generated.returncode, generated.stderr) == (1, f"generate: {expected}; client/ left unchanged\n")
