"""What changed since the previous run: its drift.json against this run's findings, by fingerprint."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PreviousReportError(Exception):
    """The previous report cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class SincePrevious:
    finished_at: str  # when the previous run finished, as its report says
    new: list[str]  # fingerprints seen now and not then
    persisting: list[str]  # seen both times
    resolved: list[str]  # seen then, not now, and their check ran fully this time
    unjudged: list[str]  # seen then, not now, but their check did not run fully this time

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_finished_at": self.finished_at,
            "new": self.new,
            "persisting": self.persisting,
            "resolved": self.resolved,
            "unjudged": self.unjudged,
        }


def read_previous(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PreviousReportError(f"{path} cannot be read: {error.strerror}") from None
    except ValueError as error:
        raise PreviousReportError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise PreviousReportError(f"{path} is not a drift.json of bolna-contract (no findings list)")
    return document


def compare(
    previous: Mapping[str, Any], findings: Iterable[Mapping[str, Any]], *, checks_run_fully: set[str]
) -> SincePrevious:
    """Drift (failures and warnings) then and now; suite defects say nothing about the API."""
    then = {
        str(f["fingerprint"]): str(f.get("check", ""))
        for f in previous.get("findings", [])
        if f.get("fingerprint") and f.get("severity") != "defect"
    }
    now = [str(f["fingerprint"]) for f in findings]
    gone = [fingerprint for fingerprint in then if fingerprint not in now]
    return SincePrevious(
        finished_at=str(previous.get("finished_at", "")),
        new=[fingerprint for fingerprint in now if fingerprint not in then],
        persisting=[fingerprint for fingerprint in now if fingerprint in then],
        resolved=[fingerprint for fingerprint in gone if then[fingerprint] in checks_run_fully],
        unjudged=[fingerprint for fingerprint in gone if then[fingerprint] not in checks_run_fully],
    )
