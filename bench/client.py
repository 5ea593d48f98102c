"""What the generated client costs over hand-written httpx calls, for the same PATCH.

Both sides send the same bodies through the same `httpx.Client` (so the same transport and
headers); only the way the request is built and the answer read differs:

- generated: `update_sip_trunk.sync_detailed(trunk_id, client=..., body=SipTrunkUpdate(...))`
- by hand:   `http.patch(path, json={...}).json()`

Two transports: the embedded mock in-process (Starlette's TestClient), and `httpx.MockTransport`
answering a canned trunk, which leaves almost nothing but the client's own work to measure.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import yaml
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import update_sip_trunk
from bolna_sip_trunks_client.models import SipTrunk, SipTrunkUpdate

from bench.processes import ROOT

BASE_URL = "http://testserver"
TOKEN = "bench-token"
TRUNKS = "/sip-trunks/trunks"
WARM_UP_CALLS = 20
NEW_TRUNK = {
    "name": "Zadarma main line",
    "provider": "zadarma",
    "auth_type": "userpass",
    "auth_username": "491234",
    "auth_password": "bench-sip-pass",
    "gateways": [{"gateway_address": "sip.zadarma.com"}],
}


@dataclass(frozen=True)
class Overhead:
    transport: str
    calls: int
    repeats: int
    generated_us: float  # median microseconds per call, over the repeats
    by_hand_us: float

    @property
    def ratio(self) -> float:
        return self.generated_us / self.by_hand_us


def measure_client_overhead(calls: int = 300, repeats: int = 7) -> list[Overhead]:
    """Both transports; `calls` PATCHes per timed batch, medians over `repeats` batches per side."""
    results = []
    for transport, opened in (("in-process mock (TestClient)", in_process_mock), ("httpx.MockTransport", canned_trunk)):
        with opened() as (http, trunk_id):
            results.append(_measure(transport, http, trunk_id, calls, repeats))
    return results


def _measure(transport: str, http: httpx.Client, trunk_id: str, calls: int, repeats: int) -> Overhead:
    # The generated client sends through `http` itself: set_httpx_client replaces its own client.
    api = AuthenticatedClient(base_url=BASE_URL, token=TOKEN, raise_on_unexpected_status=False)
    api.set_httpx_client(http)
    generated, by_hand = _generated_patch(api, trunk_id), _hand_patch(http, trunk_id)
    _check_both_work(generated, by_hand)
    for index in range(WARM_UP_CALLS):
        generated(index)
        by_hand(index)
    timings: dict[str, list[float]] = {"generated": [], "by_hand": []}
    for repeat in range(repeats):
        # Alternating which side goes first spreads slow drifts of a noisy machine over both.
        order = [("generated", generated), ("by_hand", by_hand)]
        for side, call in order if repeat % 2 == 0 else order[::-1]:
            timings[side].append(_per_call_us(call, calls))
    return Overhead(
        transport,
        calls,
        repeats,
        statistics.median(timings["generated"]),
        statistics.median(timings["by_hand"]),
    )


def _per_call_us(call: Callable[[int], object], calls: int) -> float:
    started = time.perf_counter()
    for index in range(calls):
        call(index)
    return (time.perf_counter() - started) / calls * 1e6


def _update(index: int) -> dict[str, Any]:
    """The fields of the `index`-th PATCH; they vary so no layer can cache an answer."""
    return {"description": f"bench update {index}", "qualify_frequency": 30 + index % 60}


def _generated_patch(api: AuthenticatedClient, trunk_id: str) -> Callable[[int], object]:
    def call(index: int) -> object:
        return update_sip_trunk.sync_detailed(trunk_id, client=api, body=SipTrunkUpdate(**_update(index)))

    return call


def _hand_patch(http: httpx.Client, trunk_id: str) -> Callable[[int], object]:
    path = f"{TRUNKS}/{trunk_id}"

    def call(index: int) -> object:
        return http.patch(path, json=_update(index)).json()

    return call


def _check_both_work(generated: Callable[[int], object], by_hand: Callable[[int], object]) -> None:
    answer = generated(0)
    parsed = getattr(answer, "parsed", None)
    if not isinstance(parsed, SipTrunk):
        raise RuntimeError(f"the generated client did not get a trunk back: {answer!r}")
    if not isinstance(by_hand(0), dict):
        raise RuntimeError("the hand-written call did not get a JSON object back")


@contextmanager
def in_process_mock() -> Iterator[tuple[httpx.Client, str]]:
    """The embedded mock behind Starlette's TestClient, with one trunk created to PATCH."""
    with warnings.catch_warnings():
        # Starlette suggests httpx2 for its TestClient; the generated client needs httpx.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    from mock_api.app import create_app

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(token=TOKEN), base_url=BASE_URL, headers=headers) as http:
        created = http.post(TRUNKS, json=NEW_TRUNK)
        created.raise_for_status()
        yield http, str(created.json()["id"])


@contextmanager
def canned_trunk() -> Iterator[tuple[httpx.Client, str]]:
    """`httpx.MockTransport` answering every request with the spec's ZadarmaTrunk example."""
    trunk = zadarma_example()
    body = httpx.Response(200, json=trunk).content  # encoded once: the handler should cost nothing

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(answer), headers=headers) as http:
        yield http, str(trunk["id"])


def zadarma_example() -> dict[str, Any]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    example: dict[str, Any] = spec["components"]["examples"]["ZadarmaTrunk"]["value"]
    return example
