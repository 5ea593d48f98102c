"""The generated client's retries against the served mock's knobs and a proxy that drops connections.

`python -m mock_api --rate-limit-every N --retry-after S` answers every Nth request with 429;
`--latency` holds every request. The fault proxy (tests/fixtures/fault_proxy.py) sits in front,
records every request that reached it and drops chosen connections before or after the mock
acted on them. The callers here have no retry code of their own.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import (
    create_sip_trunk,
    delete_sip_trunk,
    get_sip_trunk,
    list_sip_trunks,
    update_sip_trunk,
)
from bolna_sip_trunks_client.errors import APIConnectionError, APITimeoutError
from bolna_sip_trunks_client.models import SipTrunk, SipTrunkCreate, SipTrunkUpdate

from contract_tests.live.safety import TRUNKS_PATH
from tests.fixtures.fault_proxy import Action, Fault, FaultProxy, StartFaultProxy, at
from tests.fixtures.served_mock import serve_mock

TOKEN = "tok-retries-7c2d"
TRUNK_PATH = TRUNKS_PATH + "/[^/]+"


def client_for(base_url: str, **settings: Any) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=TOKEN, **settings)


def new_trunk(name: str) -> SipTrunkCreate:
    return SipTrunkCreate.from_dict(
        {
            "name": name,
            "provider": "zadarma",
            "auth_type": "userpass",
            "auth_username": "491234",
            "auth_password": "made-up-secret",
            "gateways": [{"gateway_address": "sip.invalid"}],
        }
    )


def statuses(proxy: FaultProxy) -> list[int | None]:
    return [seen.upstream_status for seen in proxy.seen]


def work_through(client: AuthenticatedClient) -> list[str]:
    """A day's calls, sync: create, read, rename three times, list, delete; what each returned."""
    created = create_sip_trunk.sync(client=client, body=new_trunk("Main line"))
    assert isinstance(created, SipTrunk), created
    results = [type(created).__name__]
    results.append(type(get_sip_trunk.sync(created.id, client=client)).__name__)
    for name in ("One", "Two", "Three"):
        results.append(type(update_sip_trunk.sync(created.id, client=client, body=SipTrunkUpdate(name=name))).__name__)
    listed = list_sip_trunks.sync(client=client)
    results.append(f"{len(listed)} trunks" if isinstance(listed, list) else type(listed).__name__)
    results.append(str(delete_sip_trunk.sync_detailed(created.id, client=client).status_code.value))
    return results


async def work_through_async(client: AuthenticatedClient) -> list[str]:
    """The same calls through the async functions."""
    async with client:
        created = await create_sip_trunk.asyncio(client=client, body=new_trunk("Main line"))
        assert isinstance(created, SipTrunk), created
        results = [type(created).__name__]
        results.append(type(await get_sip_trunk.asyncio(created.id, client=client)).__name__)
        for name in ("One", "Two", "Three"):
            renamed = await update_sip_trunk.asyncio(created.id, client=client, body=SipTrunkUpdate(name=name))
            results.append(type(renamed).__name__)
        listed = await list_sip_trunks.asyncio(client=client)
        results.append(f"{len(listed)} trunks" if isinstance(listed, list) else type(listed).__name__)
        results.append(str((await delete_sip_trunk.asyncio_detailed(created.id, client=client)).status_code.value))
        return results


EXPECTED = ["SipTrunk", "SipTrunk", "SipTrunk", "SipTrunk", "SipTrunk", "1 trunks", "200"]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_mock_answering_429_on_every_third_request_is_invisible_to_the_caller(
    flavour: str, fault_proxy: StartFaultProxy
) -> None:
    with serve_mock("--rate-limit-every", "3", "--retry-after", "0", token=TOKEN) as served:
        proxy = fault_proxy(served.base_url)  # no faults: it only counts what the mock answered
        client = client_for(proxy.base_url)
        results = work_through(client) if flavour == "sync" else asyncio.run(work_through_async(client))

    assert results == EXPECTED
    assert statuses(proxy).count(429) >= 3, statuses(proxy)


def test_retry_after_from_the_mock_is_waited_out() -> None:
    with serve_mock("--rate-limit-every", "2", "--retry-after", "1", token=TOKEN) as served:
        client = client_for(served.base_url)
        assert list_sip_trunks.sync(client=client) == []  # request 1
        started = time.monotonic()
        assert list_sip_trunks.sync(client=client) == []  # request 2 answers 429, Retry-After: 1
        waited = time.monotonic() - started

    assert waited >= 1.0


def test_a_post_whose_answer_was_dropped_is_not_sent_again(fault_proxy: StartFaultProxy) -> None:
    lose_the_create = Fault(Action.DROP_AFTER_FORWARDING, at(1), "POST", TRUNKS_PATH)
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, lose_the_create)
        with pytest.raises(APIConnectionError) as caught:
            create_sip_trunk.sync(client=client_for(proxy.base_url, max_retries=5), body=new_trunk("Lost answer"))
        assert isinstance(caught.value.__cause__, httpx.TransportError)
        trunks = served.trunks()

    assert len(proxy.requests_to("POST", TRUNKS_PATH)) == 1
    assert [trunk["name"] for trunk in trunks] == ["Lost answer"]  # made once, by the one request


@pytest.mark.parametrize("action", [Action.DROP_BEFORE_FORWARDING, Action.DROP_AFTER_FORWARDING])
def test_a_get_and_a_patch_whose_connection_dropped_are_sent_again(
    action: Action, fault_proxy: StartFaultProxy
) -> None:
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(
            served.base_url, Fault(action, at(1), "GET", TRUNK_PATH), Fault(action, at(1), "PATCH", TRUNK_PATH)
        )
        client = client_for(proxy.base_url)
        created = create_sip_trunk.sync(client=client, body=new_trunk("Main line"))
        assert isinstance(created, SipTrunk)
        read = get_sip_trunk.sync(created.id, client=client)
        renamed = update_sip_trunk.sync(created.id, client=client, body=SipTrunkUpdate(name="Renamed"))
        path = f"{TRUNKS_PATH}/{created.id}"

    assert isinstance(read, SipTrunk) and read.id == created.id
    assert isinstance(renamed, SipTrunk) and renamed.name == "Renamed"
    assert len(proxy.requests_to("GET", path)) == 2
    assert len(proxy.requests_to("PATCH", path)) == 2
    assert proxy.injected[action] == 2


def test_a_delete_whose_connection_dropped_before_the_mock_saw_it_is_sent_again(
    fault_proxy: StartFaultProxy,
) -> None:
    with serve_mock(token=TOKEN) as served:
        proxy = fault_proxy(served.base_url, Fault(Action.DROP_BEFORE_FORWARDING, at(1), "DELETE", TRUNK_PATH))
        client = client_for(proxy.base_url)
        created = create_sip_trunk.sync(client=client, body=new_trunk("Main line"))
        assert isinstance(created, SipTrunk)
        deleted = delete_sip_trunk.sync_detailed(created.id, client=client)
        left = served.trunks()

    assert deleted.status_code == 200
    assert len(proxy.requests_to("DELETE", f"{TRUNKS_PATH}/{created.id}")) == 2
    assert left == []


def test_a_slow_mock_read_times_out_on_every_attempt_and_a_slow_create_is_sent_once(
    fault_proxy: StartFaultProxy,
) -> None:
    with serve_mock("--latency", "0.6", token=TOKEN) as served:
        proxy = fault_proxy(served.base_url)
        client = client_for(proxy.base_url, timeout=httpx.Timeout(0.3))
        with pytest.raises(APITimeoutError, match=r"^GET /sip-trunks/trunks: timed out"):
            list_sip_trunks.sync(client=client)
        with pytest.raises(APITimeoutError, match=r"^POST /sip-trunks/trunks: timed out"):
            create_sip_trunk.sync(client=client, body=new_trunk("Slow create"))
        time.sleep(1.0)  # the mock finishes the create it was holding
        trunks = served.trunks()

    assert len(proxy.requests_to("GET", TRUNKS_PATH)) == 3  # the first attempt and two retries
    assert len(proxy.requests_to("POST", TRUNKS_PATH)) == 1
    assert [trunk["name"] for trunk in trunks] == ["Slow create"]


def test_retries_off_shows_the_429() -> None:
    with serve_mock("--rate-limit-every", "1", "--retry-after", "0", token=TOKEN) as served:
        response = list_sip_trunks.sync_detailed(client=client_for(served.base_url, max_retries=0))

    assert response.status_code == 429
