"""A PATCH whose write also lands in another field is caught by the quick profile, every time.

The fixed sweep sends each field alone while every other field holds something else, so the
catch does not depend on what random generation draws.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.values.spec import schema_at
from mock_api.store import PLAIN_FIELDS
from tests.contract.contract_run import ROOT, contract_environment

PAIRS = [  # (the field sent, the field its value also lands in, whether a boolean lands negated)
    ("inbound_enabled", "is_active", False),
    ("is_active", "inbound_enabled", False),
    ("media_encryption_optimistic", "outbound_leading_plus_enabled", False),
    ("name", "description", False),
    ("transport", "allow", False),
    ("qualify_frequency", "description", False),
    ("inbound_enabled", "is_active", True),
    ("outbound_leading_plus_enabled", "media_encryption_optimistic", True),
]


BOOLEANS = [name for name in PLAIN_FIELDS if schema_at("SipTrunkUpdate", name).get("type") == "boolean"]
EVERY_PAIR = [
    *((source, target, False) for source, target in itertools.permutations(PLAIN_FIELDS, 2)),
    *((source, target, True) for source, target in itertools.permutations(BOOLEANS, 2)),
]


def _leaking_run(source: str, target: str, negated: bool, reports: Path) -> str:
    """Exit 1 and the drift.json of a quick run against the leaking store (fails the test otherwise)."""
    options = ["--negated"] if negated else []
    result = subprocess.run(
        [sys.executable, "-m", "tests.contract.leaking_write_run", source, target, *options, "--quiet", "--fail-fast"],
        cwd=ROOT,
        env=contract_environment(reports),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return (reports / "drift.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "target", "negated"), PAIRS, ids=[f"{s}->{'not ' if n else ''}{t}" for s, t, n in PAIRS]
)
def test_a_leaking_write_is_caught_by_the_patch_sweep(source: str, target: str, negated: bool, tmp_path: Path) -> None:
    drift = _leaking_run(source, target, negated, tmp_path)
    assert "test_each_field_sent_alone_is_applied" in drift, drift[:2000]
    assert f"{target}: expected" in drift, drift[:2000]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "target", "negated"), EVERY_PAIR, ids=[f"{s}->{'not ' if n else ''}{t}" for s, t, n in EVERY_PAIR]
)
def test_every_leaking_pair_is_caught(source: str, target: str, negated: bool, tmp_path: Path) -> None:
    # A value of another type lands as a schema breach the answer observer sees first; either way exit 1.
    _leaking_run(source, target, negated, tmp_path)
