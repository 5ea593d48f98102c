"""pytest fixtures for testing your own code against the embedded mock, with no network.

Installed with the kit, pytest loads this module through the `pytest11` entry point:

    def test_deactivate(bolna_client, bolna_mock):
        trunk = bolna_mock.create_trunk(name="Main line")
        my_service.deactivate(bolna_client, trunk["id"])
        assert bolna_mock.trunks()[0]["is_active"] is False

    @pytest.mark.bolna_mock(rate_limit_every=2, retry_after=0, max_retries=0)
    def test_my_code_handles_a_429(bolna_client, bolna_mock): ...

    @pytest.mark.bolna_mock(scenario="patch-merges-gateways")
    def test_notices_a_drifted_api(bolna_client, bolna_mock): ...

`bolna_mock` is a fresh mock per test with an empty store; `bolna_client` is the generated
`AuthenticatedClient` bound to it (through Starlette's TestClient, a sync `httpx.Client`, so
`sync` and `sync_detailed` calls work; the in-process transport has no async side). The client
retries 429s itself (waiting `Retry-After`) unless the marker says `max_retries=0`.
"""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from bolna_sip_trunks_client import AuthenticatedClient
    from starlette.applications import Starlette

    from mock_api.store import TrunkStore

MARKER = "bolna_mock"
MARKER_HELP = (
    "bolna_mock(scenario=None, rate_limit_every=None, latency=0.0, retry_after=1, compress=None, edge_errors=0.0, "
    "token=None, max_retries=None): how the bolna_mock fixture behaves in this test: a drift scenario "
    "(python -m mock_api --list-scenarios), a 429 with Retry-After every N requests, seconds added to each "
    "request, answers compressed (gzip, deflate, br or zstd), a share of requests answered by an edge's HTML "
    "502/504/503; max_retries for bolna_client (default: the client's own)"
)
OPTIONS = frozenset(
    {"scenario", "rate_limit_every", "latency", "retry_after", "compress", "edge_errors", "token", "max_retries"}
)
BASE_URL = "http://testserver"
TRUNKS_PATH = "/sip-trunks/trunks"


@dataclass
class BolnaMock:
    """One fresh mock: its app, token and HTTP client, and a look into its store."""

    app: Starlette
    token: str
    http: httpx.Client  # authenticated; its requests count towards `rate_limit_every` too
    base_url: str = BASE_URL
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> TrunkStore:
        """The mock's store, for assertions on what your code left there."""
        store: TrunkStore = self.app.state.mock.store
        return store

    def trunks(self) -> list[dict[str, Any]]:
        """Every stored trunk as the API renders it (no request is sent, so no 429 or latency)."""
        return self.store.list_trunks(None)

    def numbers(self, trunk_id: str) -> list[dict[str, Any]]:
        return self.store.list_numbers(trunk_id)

    def create_trunk(self, **fields: Any) -> dict[str, Any]:
        """A stored trunk to start from: a userpass trunk on a `.invalid` gateway, with `fields` on top."""
        body: dict[str, Any] = {
            "name": "Test trunk",
            "provider": "custom",
            "auth_type": "userpass",
            "auth_username": "test-user",
            "auth_password": "test-password",
            "gateways": [{"gateway_address": "sip.example.invalid"}],
        }
        if fields.get("auth_type") == "ip-based":
            body = {k: v for k, v in body.items() if k not in ("auth_username", "auth_password")}
            body["ip_identifiers"] = [{"ip_address": "192.0.2.1"}]
        response = self.http.post(TRUNKS_PATH, json=body | fields)
        if response.status_code not in (200, 201):
            raise AssertionError(f"bolna_mock.create_trunk: the mock answered {response.status_code}: {response.text}")
        trunk: dict[str, Any] = response.json()
        return trunk


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only, e.g. scenario='...'")
    unknown = sorted(set(marker.kwargs) - OPTIONS)
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER}: unknown option {unknown[0]!r}; use {', '.join(sorted(OPTIONS))}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def bolna_mock(request: pytest.FixtureRequest) -> Iterator[BolnaMock]:
    """A fresh in-process mock of Bolna's /sip-trunks API with an empty store."""
    with warnings.catch_warnings():
        # Starlette 1.x suggests httpx2 for its TestClient; the generated client needs httpx.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    from mock_api.app import create_app

    options = _options(request)
    token = options.get("token") or secrets.token_urlsafe(16)
    try:
        app = create_app(
            token=token,
            scenario=options.get("scenario"),
            rate_limit_every=options.get("rate_limit_every"),
            latency=options.get("latency", 0.0),
            retry_after=options.get("retry_after", 1),
            compress=options.get("compress"),
            edge_errors=options.get("edge_errors", 0.0),
        )
    except ValueError as error:  # an unknown scenario, a negative latency, an unknown compression
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: {error}") from None
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {token}"
    with client:
        yield BolnaMock(app=app, token=token, http=client, options=options)


@pytest.fixture
def bolna_client(bolna_mock: BolnaMock) -> AuthenticatedClient:
    """The generated client, bound to `bolna_mock`: what your code calls Bolna with."""
    try:
        from bolna_sip_trunks_client import AuthenticatedClient
    except ImportError:
        raise pytest.UsageError(
            "bolna_client needs the generated client: pip install bolna-sip-trunks-client (make dist builds it)"
        ) from None
    retries = bolna_mock.options.get("max_retries")
    settings: dict[str, Any] = {} if retries is None else {"max_retries": retries}
    client = AuthenticatedClient(base_url=bolna_mock.base_url, token=bolna_mock.token, **settings)
    # set_httpx_client replaces the client's own headers: the TestClient carries the token.
    client.set_httpx_client(bolna_mock.http)
    return client
