"""scripts/dist.py refuses, in one line, a client generated from another spec version."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_version_mismatch_fails_in_one_line_and_builds_nothing(tmp_path: Path) -> None:
    project = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", project, ignore=shutil.ignore_patterns("__pycache__", ".pdm-build"))
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert '\nversion = "' in text
    pyproject.write_text(text.replace('\nversion = "', '\nversion = "0.0.1-', 1), encoding="utf-8")
    output = tmp_path / "dist"

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dist.py"), "--project", str(project), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "generated/pyproject.toml has version 0.0.1-" in lines[0]
    assert "but openapi.yaml has info.version" in lines[0]
    assert lines[0].endswith("run `make generate`")
    assert result.stdout == ""
    assert not output.exists()
