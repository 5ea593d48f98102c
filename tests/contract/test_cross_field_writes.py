"""A PATCH whose write also lands in another field is caught by the quick profile, every time.

The fixed sweep sends each field alone while every other field holds something else, so the
catch does not depend on what random generation draws.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.contract_run import ROOT, contract_environment

PAIRS = [  # (the field sent, the field its value also lands in)
    ("inbound_enabled", "is_active"),
    ("is_active", "inbound_enabled"),
    ("media_encryption_optimistic", "outbound_leading_plus_enabled"),
    ("name", "description"),
    ("transport", "allow"),
    ("qualify_frequency", "description"),
]


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_a_leaking_write_is_caught_by_the_patch_sweep(source: str, target: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.contract.leaking_write_run", source, target, "--quiet", "--fail-fast"],
        cwd=ROOT,
        env=contract_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    drift = (tmp_path / "drift.json").read_text(encoding="utf-8")
    assert "test_each_field_sent_alone_is_applied" in drift, drift[:2000]
    assert f"{target}: expected" in drift, drift[:2000]
