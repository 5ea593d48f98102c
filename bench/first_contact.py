"""First contact: the suite against a correct server that differs from the spec's guesses, looser
(tests/fixtures/benign_server.py: names up to 1,000 characters, codec lists in any spelling,
larger bounds, undocumented keys) or stricter (tests/fixtures/stricter_server.py: shorter names
and gateway addresses, another auth failure status).

Measures how many findings the run's checks raised per cause it reported, and the requests it
spent measuring the bounds the server really enforces. The servers are the ones the tests use,
served on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.processes import ROOT, clean_env
from bench.tools import live_settings
from tests.fixtures.benign_server import serve_benign
from tests.fixtures.served_mock import ServedMock
from tests.fixtures.stricter_server import serve_stricter

SERVERS: dict[str, Callable[[], AbstractContextManager[ServedMock]]] = {
    "looser": serve_benign,
    "stricter": serve_stricter,
}


@dataclass(frozen=True)
class FirstContact:
    symptoms: int  # findings the checks raised before merging per cause
    causes: dict[str, int] = field(default_factory=dict)  # by kind
    discovery_requests: int = 0
    bounds_measured: int = 0
    requests: int = 0
    wall_seconds: float = 0.0
    exit_code: int = 0
    server: str = "looser"  # which of SERVERS

    @property
    def total_causes(self) -> int:
        return sum(self.causes.values())


def measure_first_contact(profile: str = "quick", timeout: float = 600, server: str = "looser") -> FirstContact:
    with SERVERS[server]() as served, tempfile.TemporaryDirectory(prefix="bench-first-contact-") as scratch:
        env = clean_env(live_settings(served.base_url, served.token, profile) | {"CONTRACT_REPORTS": scratch})
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "contract_tests.cli", "--quiet"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        wall = time.monotonic() - started
        drift = json.loads((Path(scratch) / "drift.json").read_text(encoding="utf-8"))
    return first_contact_from(drift, exit_code=result.returncode, wall_seconds=wall, server=server)


def first_contact_from(drift: dict[str, Any], *, exit_code: int, wall_seconds: float, server: str) -> FirstContact:
    """The figures of a first-contact run, from its drift.json."""
    bounds = [f for f in drift["findings"] if "bound" in f.get("evidence", {})]
    return FirstContact(
        symptoms=int(drift["symptoms"]),
        causes=dict(drift["causes"]),
        discovery_requests=int(drift["discovery_requests"]),
        bounds_measured=len(bounds),
        requests=int(drift["requests"]),
        wall_seconds=round(wall_seconds, 1),
        exit_code=exit_code,
        server=server,
    )
