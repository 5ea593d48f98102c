"""Which run is using what on a shared account, told through the one thing every user can see: trunks.

The API has no locks, so a live run announces itself with a marker trunk of its own, named
`contract-lease-<run id>-until-<UTC time>` (with `-on-<trunk id>` for a run on an existing trunk).
The run renews the time while it sends requests and deletes the marker at its end; a killed run
stops renewing, so its lease lapses by itself. `cleanup` leaves alone every run whose lease is
live, and a run on an existing trunk stands aside while another run's lease on that trunk is live.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

LEASE_PREFIX = "contract-lease-"
DEFAULT_LEASE_SECONDS = 600.0
# A lease is renewed once a third of it has passed, so a run that pauses between requests (a
# request's retries, a long check of what the run saw) still renews in time.
_RENEW_AFTER = 1 / 3
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_LEASE_NAME = re.compile(
    rf"^{LEASE_PREFIX}(?P<run>[^-]+)-until-(?P<until>\d{{8}}T\d{{6}}Z)(?:-on-(?P<trunk>.+))?\Z", re.DOTALL
)
_RUN_TRUNK_NAME = re.compile(r"^contract-(?:test|kept)-(?P<run>[^-]+)-")


@dataclass(frozen=True)
class LeaseMark:
    """A marker trunk as listed: whose lease it is, on which trunk, and until when."""

    marker_id: str
    run_id: str
    until: datetime
    trunk_id: str | None  # None: a run on throwaway trunks
    created_at: datetime | None

    def live(self, now: datetime) -> bool:
        return self.until > now

    @property
    def ends(self) -> str:
        return f"{self.until:%Y-%m-%d %H:%M:%S} UTC"


class Lease:
    """This run's own lease: its marker trunk, and the time the marker says."""

    def __init__(self, run_id: str, trunk_id: str | None, seconds: float, authorization: str) -> None:
        self.run_id = run_id
        self.trunk_id = trunk_id
        self.seconds = seconds
        self.authorization = authorization  # the header value renewals and look-ups send
        self.marker_id: str | None = None
        self.until = _now()
        self.lapsed: set[str] = set()  # markers of killed runs on the same trunk, this run's to delete

    def name(self, until: datetime) -> str:
        on = f"-on-{self.trunk_id}" if self.trunk_id is not None else ""
        return f"{LEASE_PREFIX}{self.run_id}-until-{until:{_TIME_FORMAT}}{on}"

    def next_until(self) -> datetime:
        # Whole seconds, as the name says it: the run's own idea of the time must not outlast the name's.
        return (_now() + timedelta(seconds=self.seconds)).replace(microsecond=0)

    def create_body(self, until: datetime, harmless: dict[str, Any]) -> dict[str, Any]:
        what = f"trunk {self.trunk_id}" if self.trunk_id is not None else "its own contract-test-* trunks"
        return harmless | {
            "name": self.name(until),
            "is_active": False,
            "description": f"bolna-contract run {self.run_id} is using {what}; it renews the time in the name "
            "while it runs and deletes this trunk at its end",
        }

    def due(self) -> bool:
        return self.marker_id is not None and self.until - _now() < timedelta(seconds=self.seconds * (1 - _RENEW_AFTER))


def lease_marks(trunks: Iterable[object]) -> list[LeaseMark]:
    """The lease markers among the listed trunks."""
    marks = []
    for trunk in trunks:
        if not isinstance(trunk, dict):
            continue
        match = _LEASE_NAME.match(str(trunk.get("name", "")))
        if match is None:
            continue
        until = datetime.strptime(match["until"], _TIME_FORMAT).replace(tzinfo=UTC)
        made = _moment(trunk.get("created_at"))
        marks.append(LeaseMark(str(trunk.get("id")), match["run"], until, match["trunk"], made))
    return marks


def holder(marks: Iterable[LeaseMark], trunk_id: str, run_id: str) -> LeaseMark | None:
    """Another run's live lease on `trunk_id`, the one that lasts longest; None when the trunk is free."""
    now = _now()
    others = [mark for mark in marks if mark.trunk_id == trunk_id and mark.run_id != run_id and mark.live(now)]
    return max(others, key=lambda mark: mark.until, default=None)


def first_claim(marks: Iterable[LeaseMark], mine: LeaseMark) -> LeaseMark | None:
    """Another live claim on the same trunk made no later than `mine`: the run that has it goes
    first. A tie or an unreadable time counts against `mine`, so two runs never both go ahead."""
    now = _now()
    for mark in marks:
        if mark.trunk_id != mine.trunk_id or mark.run_id == mine.run_id or not mark.live(now):
            continue
        if mark.created_at is None or mine.created_at is None or mark.created_at <= mine.created_at:
            return mark
    return None


def run_of(name: object) -> str | None:
    """The run id a `contract-test-*` or `contract-kept-*` name carries."""
    match = _RUN_TRUNK_NAME.match(str(name))
    return match["run"] if match else None


def live_runs(marks: Iterable[LeaseMark]) -> dict[str, LeaseMark]:
    now = _now()
    return {mark.run_id: mark for mark in marks if mark.live(now)}


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)
