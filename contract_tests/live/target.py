"""The API a run talks to, chosen once: the embedded mock in-process, or a server by URL.

Everything live-specific lives here: reaching the server, checking the token, recording and
restoring an existing trunk, deleting what the run created. The checks only see a `Target`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bolna_sip_trunks_client import AuthenticatedClient

from contract_tests.live.lease import Lease, LeaseMark, first_claim, holder, lease_marks, live_runs, run_of
from contract_tests.live.profiles import Budget, budget_for
from contract_tests.live.restore_record import (
    RecordError,
    RestoreRecord,
    differences,
    new_record,
    read_record,
    record_path,
    remove,
    unfinished_records,
    write_atomically,
)
from contract_tests.live.safety import (
    CLEAN_UP,
    DOCUMENTATION_CIDR,
    HARMLESS_GATEWAY,
    KEPT_PREFIX,
    LEASE,
    NAME_PREFIX,
    RESTORE,
    TRUNKS_PATH,
    SafetyTransport,
    TrunkLedger,
)
from contract_tests.live.settings import ConfigError, Settings
from contract_tests.live.transports import BudgetTransport, InProcessTransport, RetryTransport
from contract_tests.live.wsgi_bridge import wsgi_app
from contract_tests.observers.answers import AnswerChecks
from contract_tests.observers.undocumented import UndocumentedFields
from contract_tests.values.spec import SPEC_PATH

MOCK_BASE_URL = "http://testserver"
DESIRED_STATE_FILE = Path("contract-trunk.json")  # where `bolna-contract snapshot` writes by default
# After making its marker, a run on an existing trunk waits this long before it looks for rivals,
# so that a rival's create still in flight is in the list by then.
LEASE_SETTLE_SECONDS = 1.0


@dataclass
class Target:
    description: str
    base_url: str
    token: str
    budget: Budget
    ledger: TrunkLedger
    transport: httpx.BaseTransport
    budget_meter: BudgetTransport
    retries: RetryTransport
    undocumented: UndocumentedFields
    answers: AnswerChecks
    records_dir: Path
    desired_state: Path | None = None
    record: RestoreRecord | None = None  # what the existing trunk goes back to at the end
    lease_seconds: float | None = None  # on a live account: how long the run's lease lasts unrenewed
    notes: list[str] = field(default_factory=list)

    @property
    def requests_sent(self) -> int:
        return self.budget_meter.sent

    def http(self, *, authenticated: bool = True) -> httpx.Client:
        """A client over the target's transport stack; without auth for raw and negative requests."""
        headers = {"Authorization": f"Bearer {self.token}"} if authenticated else {}
        return httpx.Client(
            base_url=self.base_url, transport=self.transport, headers=headers, timeout=self.budget.timeout
        )

    def api_client(self) -> AuthenticatedClient:
        """The generated client, sending through the same stack (whose retries count against the
        budget and know a lost create's answer; so the client's own retries are off)."""
        client = AuthenticatedClient(
            base_url=self.base_url, token=self.token, raise_on_unexpected_status=False, max_retries=0
        )
        client.set_httpx_client(self.http())
        return client

    def wsgi_app(self) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
        """For Schemathesis (as `schema.app`); the token comes from its own config."""
        return wsgi_app(self.http(authenticated=False))

    def scrub(self, text: str) -> str:
        return text.replace(self.token, "$BOLNA_API_KEY") if self.token else text

    def close(self) -> None:
        self.transport.close()


def open_target(settings: Settings) -> Target:
    """Build the target and make sure it answers; raises ConfigError with one line otherwise."""
    budget = budget_for(
        settings.profile,
        live=settings.live,
        max_requests=settings.max_requests,
        max_rate=settings.max_rate,
        max_examples=settings.max_examples,
    )
    ledger = TrunkLedger(given_trunk=settings.trunk_id)
    if settings.base_url is None:
        token = secrets.token_urlsafe(16)
        base: httpx.BaseTransport = _in_process_mock(token, settings.scenario)
        description = "embedded mock (in-process)" + (
            f", drift scenario {settings.scenario}" if settings.scenario else ""
        )
        base_url = MOCK_BASE_URL
    else:
        assert settings.token is not None
        token = settings.token
        base = httpx.HTTPTransport(retries=0)
        description = settings.base_url
        base_url = settings.base_url
    ledger.add_secret(token)
    undocumented = UndocumentedFields()
    answers = AnswerChecks(token=token)
    meter = BudgetTransport(base, max_requests=budget.max_requests, max_rate=budget.max_rate)
    retries = RetryTransport(meter, max_wait=min(30.0, budget.timeout * 2))
    target = Target(
        description=description,
        base_url=base_url,
        token=token,
        budget=budget,
        ledger=ledger,
        transport=SafetyTransport(
            retries,
            ledger,
            observers=[undocumented.observe],
            answer_observers=[answers.observe],
            retry_log=retries.log,
        ),
        undocumented=undocumented,
        answers=answers,
        budget_meter=meter,
        retries=retries,
        records_dir=settings.reports_dir,
        desired_state=settings.trunk_state,
        lease_seconds=settings.lease_seconds if settings.live else None,
    )
    try:
        _preflight(target)
    except BaseException:
        target.close()
        raise
    return target


def _in_process_mock(token: str, scenario: str | None) -> InProcessTransport:
    """The embedded mock, answering in this process."""
    from mock_api.app import create_app

    # The same spec the suite reads (CONTRACT_SPEC), so an edited copy moves the mock with it.
    return InProcessTransport(create_app(token=token, scenario=scenario, spec=SPEC_PATH))


def _preflight(target: Target) -> None:
    where = target.description
    try:
        with target.http() as http:
            response = http.get(TRUNKS_PATH, timeout=httpx.Timeout(5.0, read=10.0))
            if response.status_code == 401:
                raise ConfigError(f"{where} rejected the token (401): check BOLNA_API_KEY")
            content_type = response.headers.get("content-type", "")
            if response.status_code != 200 or not content_type.startswith("application/json"):
                raise ConfigError(
                    f"{where} does not look like Bolna's API: GET {TRUNKS_PATH} answered "
                    f"{response.status_code} {content_type or 'without a content type'}"
                )
    except httpx.TimeoutException:
        raise ConfigError(f"{where} did not answer within 10 s: check BOLNA_BASE_URL") from None
    except httpx.TransportError as error:
        raise ConfigError(f"cannot reach {where}: {_reason(error)}; check BOLNA_BASE_URL") from None


def take_lease(
    target: Target,
    *,
    wait: bool = False,
    say: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Before the run's first change on a live account: tell other runs, and `cleanup`, that this
    one is running; on an existing trunk, first make sure no other run is using it (or wait).
    """
    if target.lease_seconds is None:
        return  # the embedded mock: no one else can see or use it
    ledger = target.ledger
    lease = Lease(ledger.run_id, ledger.given_trunk, target.lease_seconds, f"Bearer {target.token}")
    ledger.lease = lease
    poll = max(1.0, min(10.0, target.lease_seconds / 4))
    waiting = False
    with target.http() as http:
        while True:
            held = None if lease.trunk_id is None else holder(_lease_marks(http), lease.trunk_id, lease.run_id)
            if held is None:
                mine = _make_marker(target, http, lease)
                if mine is None or lease.trunk_id is None:
                    return
                sleep(LEASE_SETTLE_SECONDS)
                marks = _lease_marks(http)
                held = first_claim(marks, mine)
                if held is None:
                    _end_lapsed(http, lease, marks)
                    return
                problem = _end_marker(http, lease)
                if problem:
                    raise ConfigError(problem)
            if not wait:
                raise ConfigError(
                    f"trunk {lease.trunk_id} is in use by run {held.run_id}, whose lease ends at {held.ends} "
                    "unless it renews it; run again after it, or with --wait-for-lease"
                )
            if not waiting:
                say(f"waiting for run {held.run_id} to finish with trunk {lease.trunk_id} (lease until {held.ends})")
                waiting = True
            sleep(poll)


def _lease_marks(http: httpx.Client) -> list[LeaseMark]:
    answer, listed = _json_answer(http, "GET", TRUNKS_PATH)
    if not isinstance(listed, list):
        raise ConfigError(f"could not list the trunks to look for other runs (answer: {answer})")
    return lease_marks(listed)


def _json_answer(http: httpx.Client, method: str, path: str, body: Any = None) -> tuple[int | str, object]:
    """A lease request's status (or why it failed) and its JSON body, None when it has none."""
    try:
        response = http.request(method, path, json=body, extensions={LEASE: True})
    except (httpx.HTTPError, OSError) as error:
        return _reason(error), None
    try:
        return response.status_code, response.json() if response.status_code in (200, 201) else None
    except ValueError:
        return response.status_code, None


def _make_marker(target: Target, http: httpx.Client, lease: Lease) -> LeaseMark | None:
    """The run's marker trunk, made; on throwaway trunks a run goes on without one (and says so)."""
    until = lease.next_until()
    harmless = {
        "provider": "custom",
        "auth_type": "ip-based",
        "gateways": [{"gateway_address": HARMLESS_GATEWAY}],
        "ip_identifiers": [{"ip_address": DOCUMENTATION_CIDR}],
    }
    answer, made = _json_answer(http, "POST", TRUNKS_PATH, lease.create_body(until, harmless))
    marks = lease_marks([made])
    if not marks:
        problem = f"could not make this run's lease marker (answer: {answer})"
        if isinstance(made, dict) and isinstance(made.get("id"), str):
            lease.marker_id = made["id"]  # made, if not as asked: deleted at the end all the same
        if lease.trunk_id is not None:
            raise ConfigError(f"{problem}: without it another run could change trunk {lease.trunk_id} at once")
        target.notes.append(f"{problem}: `cleanup` on this account could take this run's trunks for leftovers")
        return None
    lease.marker_id, lease.until = marks[0].marker_id, until
    return marks[0]


def _end_marker(http: httpx.Client, lease: Lease) -> str | None:
    if lease.marker_id is None:
        return None
    answer = _attempt(http, "DELETE", f"{TRUNKS_PATH}/{lease.marker_id}", extensions={LEASE: True, CLEAN_UP: True})
    if answer not in (200, 404):
        return f"could not delete this run's lease marker {lease.marker_id} (answer: {answer}); it lapses at its time"
    lease.marker_id = None
    return None


def _end_lapsed(http: httpx.Client, lease: Lease, marks: list[LeaseMark]) -> None:
    """The markers killed runs left on the trunk this run now holds: their records are restored next."""
    now = datetime.now(UTC)
    lease.lapsed = {mark.marker_id for mark in marks if mark.trunk_id == lease.trunk_id and not mark.live(now)}
    for marker_id in lease.lapsed:
        _attempt(http, "DELETE", f"{TRUNKS_PATH}/{marker_id}", extensions={LEASE: True})


def end_lease(target: Target) -> str | None:
    """Delete the run's marker, last of all: from then on `cleanup` sees the run as ended."""
    lease = target.ledger.lease
    if lease is None or lease.marker_id is None:
        return None
    target.budget_meter.allow_clean_up(1)
    with target.http() as http:
        return _end_marker(http, lease)


def take_over_given_trunk(target: Target) -> None:
    """Before the first change to the existing trunk: put it back where an interrupted run left it
    changed, then record what it is now, on disk, so that even a killed run can be undone.
    """
    trunk_id = target.ledger.given_trunk
    if trunk_id is None:
        return
    where = target.description
    state = target.desired_state
    if state is not None and not state.is_file():
        raise ConfigError(
            f"BOLNA_TRUNK_STATE={str(state)!r} does not exist: write it with `bolna-contract snapshot {state}` "
            "and commit it"
        )
    pending = [record for record in _records(target) if record.trunk_id == trunk_id]
    if state is not None and not any(record.kept for record in pending):
        raise ConfigError(f"BOLNA_TRUNK_STATE={str(state)!r} describes another trunk than BOLNA_TRUNK_ID={trunk_id!r}")
    with target.http() as http:
        for record in pending:
            problem = restore(http, record)
            if problem:
                raise ConfigError(f"{problem}; nothing was changed, run `bolna-contract cleanup` after fixing it")
            if not record.kept:
                target.notes.append(f"restored trunk {trunk_id} from {record.origin}, left by an interrupted run")
        response = http.get(f"{TRUNKS_PATH}/{trunk_id}")
        if response.status_code != 200:
            raise ConfigError(f"BOLNA_TRUNK_ID={trunk_id!r}: {where} answered {response.status_code} for it")
        trunk = response.json()
    name = str(trunk.get("name", ""))
    if name.startswith(KEPT_PREFIX):
        # Another run's values, not the trunk's own: recording them would make them permanent.
        raise ConfigError(
            f"trunk {trunk_id} still carries the name {name} of run {run_of(name)}, which ended without putting it "
            "back: run `bolna-contract cleanup` where that run ran, or set BOLNA_TRUNK_STATE; nothing was changed"
        )
    kept = next((record for record in pending if record.kept), None)
    if kept is not None:
        target.record = kept
    else:
        target.record = new_record(record_path(target.records_dir, trunk_id), trunk, target.ledger.run_id)
        write_atomically(target.record)
    target.ledger.holds_given = True
    target.notes.append(
        f"worked on existing trunk {trunk_id}: changed its name, is_active, gateways, codecs, transport and "
        f"other PATCHable fields, then restored them from {target.record.origin}; no credentials were sent to it "
        "(a password cannot be read back to restore it)"
    )


def snapshot_given_trunk(target: Target, path: Path) -> RestoreRecord:
    """Write the existing trunk's restorable fields to `path`: the desired state a repository keeps."""
    trunk_id = target.ledger.given_trunk
    if trunk_id is None:
        raise ConfigError("snapshot needs BOLNA_TRUNK_ID: the trunk whose state to keep")
    if record_path(target.records_dir, trunk_id).exists():
        raise ConfigError(f"an interrupted run left trunk {trunk_id} changed: run `bolna-contract cleanup` first")
    with target.http() as http:
        response = http.get(f"{TRUNKS_PATH}/{trunk_id}")
    if response.status_code != 200:
        raise ConfigError(f"BOLNA_TRUNK_ID={trunk_id!r}: {target.description} answered {response.status_code} for it")
    trunk = response.json()
    if str(trunk.get("name", "")).startswith(KEPT_PREFIX):
        raise ConfigError(f"trunk {trunk_id} still carries a run's name ({trunk['name']}): restore it first")
    with target.http() as http:
        held = holder(_lease_marks(http), trunk_id, target.ledger.run_id)
    if held is not None:
        raise ConfigError(f"trunk {trunk_id} is in use by run {held.run_id} (lease until {held.ends}): snapshot later")
    record = new_record(path, trunk, run_id=None)
    write_atomically(record)
    return record


def _records(target: Target) -> list[RestoreRecord]:
    """Unfinished records in the report folder, then the desired state the user keeps (restored last)."""
    try:
        records = unfinished_records(target.records_dir)
        if target.desired_state is not None and target.desired_state.is_file():
            records.append(read_record(target.desired_state, kept=True))
    except RecordError as error:
        raise ConfigError(str(error)) from None
    for record in records:
        target.ledger.recorded.add(record.trunk_id)
    return records


def restore(http: httpx.Client, record: RestoreRecord) -> str | None:
    """Put the trunk back as the record says, read it back, compare field by field; then the
    record has done its work and goes. Returns what went wrong, or None.
    """
    path = f"{TRUNKS_PATH}/{record.trunk_id}"
    answer = _attempt(http, "PATCH", path, record.fields, extensions={RESTORE: True, CLEAN_UP: True})
    if answer != 200:
        return f"could not restore trunk {record.trunk_id} from {record.origin} (answer: {answer})"
    try:
        response = http.get(path, extensions={CLEAN_UP: True})
        trunk = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, OSError, ValueError) as error:
        return f"could not read trunk {record.trunk_id} back after its restore ({_reason(error)})"
    if not isinstance(trunk, dict):
        return f"could not read trunk {record.trunk_id} back after its restore (answer: {response.status_code})"
    changed = differences(trunk, record.fields)
    if changed:
        return f"trunk {record.trunk_id} still differs from {record.origin} after its restore: {', '.join(changed)}"
    remove(record)
    return None


def restore_recorded(target: Target, *, force: bool = False) -> tuple[list[str], list[str]]:
    """Restore every trunk a record names (interrupted runs', the desired state), except one a
    running run holds (unless `force`): (what was done or left alone, failed)."""
    restored, problems = [], []
    records = _records(target)
    target.budget_meter.allow_clean_up(2 * len(records) + 1)
    with target.http() as http:
        marks = [] if force or not records else _lease_marks(http)
        for record in records:
            held = holder(marks, record.trunk_id, target.ledger.run_id)
            if held is not None:
                restored.append(
                    f"left trunk {record.trunk_id} alone: run {held.run_id} is using it (lease until {held.ends}); "
                    "--force restores it anyway"
                )
                continue
            problem = restore(http, record)
            if problem:
                problems.append(problem)
            else:
                restored.append(f"restored trunk {record.trunk_id} from {record.origin}")
    return restored, problems


def clean_up(target: Target) -> list[str]:
    """Delete every trunk the run created and restore the existing one; return what failed."""
    problems = []
    ledger = target.ledger
    target.budget_meter.allow_clean_up(2 * len(ledger.undeleted()) + 10)
    with target.http() as http:
        if target.record is not None:
            problem = restore(http, target.record)
            if problem:
                problems.append(f"{problem}; the record stays: run `make contract-cleanup`")
        if ledger.may_create:
            _adopt_named_leftovers(http, ledger)
            target.budget_meter.allow_clean_up(2 * len(ledger.undeleted()))
        for trunk_id in ledger.undeleted():
            answer = _attempt(http, "DELETE", f"{TRUNKS_PATH}/{trunk_id}", extensions={CLEAN_UP: True})
            if answer in (200, 404):
                ledger.deleted.add(trunk_id)
            else:
                problems.append(f"could not delete trunk {trunk_id} (answer: {answer})")
    problem = end_lease(target)
    return [*problems, problem] if problem else problems


def _adopt_named_leftovers(http: httpx.Client, ledger: TrunkLedger) -> None:
    """Trunks carrying this run's name whose create answer never arrived: they are ours too."""
    try:
        response = http.get(TRUNKS_PATH, extensions={CLEAN_UP: True})
        listed = response.json() if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return
    for trunk_id in _ids_named(listed if isinstance(listed, list) else [], f"{ledger.name_prefix}-"):
        ledger.record_created(trunk_id)


@dataclass
class Leftovers:
    """What `cleanup` found: trunks of runs that ended, and what it left to runs still going."""

    trunks: list[str] = field(default_factory=list)  # contract-test-* trunks of ended runs
    markers: list[str] = field(default_factory=list)  # lapsed leases
    spared: list[str] = field(default_factory=list)  # one line per running run left alone


def delete_leftovers(target: Target, *, force: bool = False) -> tuple[Leftovers, list[str]]:
    """Delete the `contract-test-*` trunks and lease markers of runs that ended, or whose lease
    lapsed (a killed run); with `force`, of every run: (what was deleted or spared, failed)."""
    with target.http() as http:
        response = http.get(TRUNKS_PATH)
        response.raise_for_status()
        listed = response.json()
    marks = lease_marks(listed)
    running = {} if force else live_runs(marks)
    found = Leftovers(markers=[mark.marker_id for mark in marks if mark.run_id not in running])
    spared: dict[str, int] = {}
    for trunk_id, name in _named(listed, NAME_PREFIX):
        run = run_of(name)
        if run in running:
            spared[run] = spared.get(run, 0) + 1
        else:
            found.trunks.append(trunk_id)
    for run, count in spared.items():
        found.spared.append(
            f"left {count} contract-test-* trunks of run {run} alone: it is running (lease until "
            f"{running[run].ends}); --force deletes them if you know it has ended"
        )
    for trunk_id in [*found.trunks, *found.markers]:
        target.ledger.record_created(trunk_id)  # named by this kit, of a run that ended: ours to delete
    problems = clean_up(target)
    found.trunks = [t for t in found.trunks if t in target.ledger.deleted]
    found.markers = [t for t in found.markers if t in target.ledger.deleted]
    return found, problems


def _ids_named(trunks: Iterable[object], prefix: str) -> list[str]:
    """The ids of the listed trunks whose name starts with `prefix`."""
    return [trunk_id for trunk_id, _ in _named(trunks, prefix)]


def _named(trunks: Iterable[object], prefix: str) -> list[tuple[str, str]]:
    """(id, name) of the listed trunks whose name starts with `prefix`."""
    return [
        (str(trunk["id"]), str(trunk["name"]))
        for trunk in trunks
        if isinstance(trunk, dict) and str(trunk.get("name", "")).startswith(prefix)
    ]


def _attempt(
    http: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None, **options: Any
) -> int | str:
    try:
        return http.request(method, path, json=body, **options).status_code
    except (httpx.HTTPError, OSError) as error:
        return _reason(error)


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200].rstrip(".")
