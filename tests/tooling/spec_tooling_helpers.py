"""Helpers for the spec-tooling tests (scripts/lint-spec, scripts/spec-diff, scripts/actionlint).

A uniquely named module (not conftest) so that `import` cannot pick up another directory's conftest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
SAMPLE_SPEC = Path(__file__).with_name("sample_openapi.yaml")


def node_tooling_skip_reason(binary: str) -> str | None:
    """Why the npm-installed tools cannot run here, or None when they can.

    With npm present but node_modules missing the scripts install from
    package-lock.json themselves (npm ci), so that is not a reason to skip.
    """
    if shutil.which("node") is None:
        return f"node is not on PATH, so node_modules/.bin/{binary} cannot run"
    if (REPO / "node_modules" / ".bin" / binary).exists():
        return None
    if shutil.which("npm") is None:
        return f"npm is not on PATH and node_modules/.bin/{binary} is not installed"
    return None


def run_script(
    name: str, *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SPEC_TOOLS_PYTHON": sys.executable, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(SCRIPTS / name), *map(str, args)],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
