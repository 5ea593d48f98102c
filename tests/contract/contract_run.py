"""Run `bolna-contract` as a user would: a separate process, settings in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ContractRun:
    code: int
    stdout: str
    stderr: str
    seconds: float
    reports: Path

    @property
    def drift(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.reports / "drift.json").read_text(encoding="utf-8"))
        return document

    def finding_checks(self) -> set[str]:
        return {finding["check"] for finding in self.drift["findings"] if finding["severity"] == "failure"}


def contract_environment(reports: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without its own kit settings: the quick profile, reports in `reports`, then `env`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOLNA_", "CONTRACT_", "PYTEST_", "HYPOTHESIS_"))
    }
    environment |= {"CONTRACT_PROFILE": "quick", "CONTRACT_MAX_RATE": "0", "CONTRACT_REPORTS": str(reports)}
    # Never the checkout's own contract-baseline.yaml: the known drift of someone's account.
    environment["CONTRACT_BASELINE"] = str(reports / "no-baseline.yaml")
    return environment | (env or {})


def run_contract(reports: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> ContractRun:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "contract_tests.cli", *args],
        cwd=ROOT,
        env=contract_environment(reports, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return ContractRun(result.returncode, result.stdout, result.stderr, time.monotonic() - started, reports)


def startup_seconds(reports: Path) -> float:
    """What starting `bolna-contract` costs now (the interpreter and the suite's imports): under a
    machine's load it grows, and a test that times a short run adds it to its limit."""
    return run_contract(reports, "--help").seconds
