"""The API a run talks to, chosen once: the embedded mock in-process, or a server by URL.

Everything live-specific lives here: reaching the server, checking the token, snapshotting and
restoring an existing trunk, deleting what the run created. The checks only see a `Target`.
"""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from bolna_sip_trunks_client import AuthenticatedClient

from contract_tests.model import CREDENTIALS, PATCHABLE
from contract_tests.profiles import Budget, budget_for
from contract_tests.safety import CLEAN_UP, NAME_PREFIX, RESTORE, TRUNKS_PATH, SafetyTransport, TrunkLedger
from contract_tests.settings import ConfigError, Settings
from contract_tests.transports import BudgetTransport, ClientTransport, RetryTransport
from contract_tests.undocumented import UndocumentedFields
from contract_tests.wsgi_bridge import wsgi_app

MOCK_BASE_URL = "http://testserver"
# What a restore puts back on an existing trunk: every PATCHable field but the credentials, since
# a password cannot be read back, so the suite never sends any to an existing trunk.
RESTORABLE_FIELDS = sorted(PATCHABLE - CREDENTIALS)


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
    snapshot: dict[str, Any] | None = None
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
        """The generated client, sending through the same stack."""
        client = AuthenticatedClient(base_url=self.base_url, token=self.token, raise_on_unexpected_status=False)
        client.set_httpx_client(self.http())
        return client

    def wsgi_app(self) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
        """For Schemathesis (as `schema.app`); the token comes from its own config."""
        return wsgi_app(self.http(authenticated=False))

    def close(self) -> None:
        self.transport.close()


def open_target(settings: Settings) -> Target:
    """Build the target and make sure it answers; raises ConfigError with one line otherwise."""
    budget = budget_for(
        settings.profile, live=settings.live, max_requests=settings.max_requests, max_rate=settings.max_rate
    )
    ledger = TrunkLedger(given_trunk=settings.trunk_id)
    if settings.base_url is None:
        token = secrets.token_urlsafe(16)
        base: httpx.BaseTransport = ClientTransport(_in_process_mock(token, settings.scenario))
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
    meter = BudgetTransport(base, max_requests=budget.max_requests, max_rate=budget.max_rate)
    retries = RetryTransport(meter, max_wait=min(30.0, budget.timeout * 2))
    target = Target(
        description=description,
        base_url=base_url,
        token=token,
        budget=budget,
        ledger=ledger,
        transport=SafetyTransport(retries, ledger, observers=[undocumented.observe]),
        undocumented=undocumented,
        budget_meter=meter,
        retries=retries,
    )
    try:
        _preflight(target)
    except BaseException:
        target.close()
        raise
    return target


def _in_process_mock(token: str, scenario: str | None) -> httpx.Client:
    """The embedded mock behind Starlette's TestClient: a sync `httpx.Client` over ASGI."""
    with warnings.catch_warnings():
        # Starlette 1.x suggests httpx2 for its TestClient; the generated client needs httpx.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    from mock_api.app import create_app

    app = create_app(token=token, scenario=scenario)
    return TestClient(app, base_url=MOCK_BASE_URL, raise_server_exceptions=False)


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
            if target.ledger.given_trunk:
                target.snapshot = _snapshot(http, target.ledger.given_trunk, where)
                target.notes.append(
                    f"worked on existing trunk {target.ledger.given_trunk}: no credentials were sent to it "
                    "(a password cannot be read back to restore it), and its fields were restored afterwards"
                )
    except httpx.TimeoutException:
        raise ConfigError(f"{where} did not answer within 10 s: check BOLNA_BASE_URL") from None
    except httpx.TransportError as error:
        raise ConfigError(f"cannot reach {where}: {_reason(error)}; check BOLNA_BASE_URL") from None


def _snapshot(http: httpx.Client, trunk_id: str, where: str) -> dict[str, Any]:
    response = http.get(f"{TRUNKS_PATH}/{trunk_id}")
    if response.status_code != 200:
        raise ConfigError(f"BOLNA_TRUNK_ID={trunk_id!r}: {where} answered {response.status_code} for it")
    trunk: dict[str, Any] = response.json()
    return trunk


def restore_body(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The PATCH that puts an existing trunk back as it was (credentials excepted)."""
    body = {key: snapshot[key] for key in RESTORABLE_FIELDS if key in snapshot}
    body["gateways"] = [
        {key: gateway[key] for key in ("gateway_address", "port", "priority") if key in gateway}
        for gateway in snapshot.get("gateways", [])
    ]
    body["ip_identifiers"] = [{"ip_address": item["ip_address"]} for item in snapshot.get("ip_identifiers", [])]
    return body


def clean_up(target: Target) -> list[str]:
    """Delete every trunk the run created and restore the existing one; return what failed."""
    problems = []
    ledger = target.ledger
    target.budget_meter.allow_clean_up(2 * len(ledger.undeleted()) + 10)
    with target.http() as http:
        if target.snapshot is not None and ledger.given_trunk:
            path = f"{TRUNKS_PATH}/{ledger.given_trunk}"
            restore = {RESTORE: True, CLEAN_UP: True}
            answer = _attempt(http, "PATCH", path, restore_body(target.snapshot), extensions=restore)
            if answer != 200:
                problems.append(f"could not restore trunk {ledger.given_trunk} (answer: {answer})")
        if ledger.may_create:
            _adopt_named_leftovers(http, ledger)
            target.budget_meter.allow_clean_up(2 * len(ledger.undeleted()))
        for trunk_id in ledger.undeleted():
            answer = _attempt(http, "DELETE", f"{TRUNKS_PATH}/{trunk_id}", extensions={CLEAN_UP: True})
            if answer in (200, 404):
                ledger.deleted.add(trunk_id)
            else:
                problems.append(f"could not delete trunk {trunk_id} (answer: {answer})")
    return problems


def _adopt_named_leftovers(http: httpx.Client, ledger: TrunkLedger) -> None:
    """Trunks carrying this run's name whose create answer never arrived: they are ours too."""
    try:
        response = http.get(TRUNKS_PATH, extensions={CLEAN_UP: True})
        listed = response.json() if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return
    for trunk_id in _ids_named(listed if isinstance(listed, list) else [], f"{ledger.name_prefix}-"):
        ledger.record_created(trunk_id)


def delete_leftovers(target: Target) -> tuple[list[str], list[str]]:
    """Delete every trunk named `contract-test-*` (earlier runs' leftovers): (deleted, failed)."""
    with target.http() as http:
        response = http.get(TRUNKS_PATH)
        response.raise_for_status()
        leftovers = _ids_named(response.json(), NAME_PREFIX)
    for trunk_id in leftovers:
        target.ledger.record_created(trunk_id)  # named by this kit: it is ours to delete
    problems = clean_up(target)
    return [t for t in leftovers if t in target.ledger.deleted], problems


def _ids_named(trunks: Iterable[object], prefix: str) -> list[str]:
    """The ids of the listed trunks whose name starts with `prefix`."""
    return [
        str(trunk["id"])
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
