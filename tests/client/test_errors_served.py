"""Each exception sync() and asyncio() raise, provoked from the served mock over loopback.

The mock answers 400, 401, 404, 409, 422 and 429 as the spec documents them; the fault proxy
answers 503 in its place; a port nobody listens on gives no answer; drift scenarios give bodies
and statuses the spec does not document. The *_detailed functions get the same answers as data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient, errors
from bolna_sip_trunks_client.api.phone_numbers import add_phone_number
from bolna_sip_trunks_client.api.sip_trunks import create_sip_trunk, get_sip_trunk, update_sip_trunk
from bolna_sip_trunks_client.models import (
    Error,
    MediaEncryption,
    PhoneNumberCreate,
    SipTrunk,
    SipTrunkCreate,
    SipTrunkUpdate,
    ValidationError,
)

from contract_tests.live.safety import TRUNKS_PATH
from tests.fixtures.fault_proxy import Action, Fault, StartFaultProxy, every
from tests.fixtures.served_mock import ServedMock, free_port, serve_mock

TOKEN = "tok-errors-51ab"


@pytest.fixture(scope="module")
def mock() -> Iterator[ServedMock]:
    """One served mock for the module; every test makes its own trunks on it."""
    with serve_mock(token=TOKEN) as served:
        yield served


def client_for(base_url: str, **settings: Any) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=settings.pop("token", TOKEN), **settings)


def new_trunk(client: AuthenticatedClient) -> SipTrunk:
    body = SipTrunkCreate.from_dict(
        {
            "name": "Main line",
            "provider": "zadarma",
            "auth_type": "userpass",
            "auth_username": "491234",
            "auth_password": "made-up-secret",
            "gateways": [{"gateway_address": "sip.invalid"}],
        }
    )
    return create_sip_trunk.sync(client=client, body=body)


def raised_by(call: Callable[[], object]) -> errors.BolnaAPIError:
    with pytest.raises(errors.BolnaAPIError) as caught:
        call()
    return caught.value


def test_a_rule_broken_across_fields_raises_bad_request(mock: ServedMock) -> None:
    client = client_for(mock.base_url)
    trunk = new_trunk(client)

    sdes_over_udp = SipTrunkUpdate(media_encryption=MediaEncryption.SDES)

    error = raised_by(lambda: update_sip_trunk.sync(trunk.id, client=client, body=sdes_over_udp))

    assert type(error) is errors.BadRequestError
    assert error.status_code == 400 and error.method == "PATCH"
    assert error.url == f"{mock.base_url}{TRUNKS_PATH}/{trunk.id}"
    assert isinstance(error.body, Error)
    assert error.message == f"PATCH {TRUNKS_PATH}/{trunk.id}: 400 Bad Request: {error.body.detail}"
    assert get_sip_trunk.sync(trunk.id, client=client).media_encryption == trunk.media_encryption


def test_a_wrong_token_raises_authentication_error(mock: ServedMock) -> None:
    trunk = new_trunk(client_for(mock.base_url))

    error = raised_by(lambda: get_sip_trunk.sync(trunk.id, client=client_for(mock.base_url, token="wrong")))

    assert type(error) is errors.AuthenticationError
    assert error.status_code == 401 and isinstance(error.body, Error)
    assert "wrong" not in error.message and TOKEN not in error.message


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_an_unknown_trunk_raises_not_found(mock: ServedMock, flavour: str) -> None:
    client = client_for(mock.base_url)

    async def in_async() -> SipTrunk:
        async with client:
            return await get_sip_trunk.asyncio("no-such-trunk", client=client)

    error = raised_by(
        (lambda: get_sip_trunk.sync("no-such-trunk", client=client))
        if flavour == "sync"
        else (lambda: asyncio.run(in_async()))
    )

    assert type(error) is errors.NotFoundError
    assert isinstance(error, errors.APIStatusError) and error.status_code == 404
    assert isinstance(error.body, Error)
    assert error.message.startswith(f"GET {TRUNKS_PATH}/no-such-trunk: 404 Not Found: ")
    assert error.headers["content-type"].startswith("application/json")


def test_a_number_already_active_raises_conflict(mock: ServedMock) -> None:
    client = client_for(mock.base_url)
    first, second = new_trunk(client), new_trunk(client)
    add_phone_number.sync(first.id, client=client, body=PhoneNumberCreate(phone_number="+4930555001"))

    error = raised_by(
        lambda: add_phone_number.sync(second.id, client=client, body=PhoneNumberCreate(phone_number="4930555001"))
    )

    assert type(error) is errors.ConflictError
    assert error.status_code == 409 and error.method == "POST" and isinstance(error.body, Error)


def test_a_malformed_field_raises_unprocessable_entity_with_its_items(mock: ServedMock) -> None:
    client = client_for(mock.base_url)
    trunk = new_trunk(client)
    detailed = update_sip_trunk.sync_detailed(trunk.id, client=client, body=SipTrunkUpdate(qualify_frequency=86401))

    error = raised_by(
        lambda: update_sip_trunk.sync(trunk.id, client=client, body=SipTrunkUpdate(qualify_frequency=86401))
    )

    assert type(error) is errors.UnprocessableEntityError
    assert isinstance(detailed.parsed, ValidationError)  # the same answer, as data
    assert error.errors == detailed.parsed.detail
    (item,) = error.errors
    assert item.loc == ["body", "qualify_frequency"] and item.msg and item.type_
    assert error.message.endswith(f": 422 Unprocessable Entity: body.qualify_frequency: {item.msg}")


def test_a_429_raises_rate_limit_error_only_once_the_retries_are_spent(fault_proxy: StartFaultProxy) -> None:
    with serve_mock("--rate-limit-every", "1", "--retry-after", "0", token=TOKEN) as limited:
        proxy = fault_proxy(limited.base_url)
        error = raised_by(lambda: get_sip_trunk.sync("any", client=client_for(proxy.base_url, max_retries=2)))

    assert type(error) is errors.RateLimitError
    assert error.status_code == 429 and error.headers["Retry-After"] == "0"
    assert [seen.upstream_status for seen in proxy.seen] == [429, 429, 429]


def test_a_503_raises_internal_server_error_once_the_retries_are_spent(
    mock: ServedMock, fault_proxy: StartFaultProxy
) -> None:
    proxy = fault_proxy(mock.base_url, Fault(Action.UNAVAILABLE, every(1), "GET", TRUNKS_PATH + "/[^/]+"))

    error = raised_by(lambda: get_sip_trunk.sync("any", client=client_for(proxy.base_url, max_retries=1)))

    assert type(error) is errors.InternalServerError
    assert error.status_code == 503 and isinstance(error.body, str)
    assert len(proxy.faulted(Action.UNAVAILABLE)) == 2


def test_no_answer_raises_connection_error_with_the_httpx_error_as_cause() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"

    error = raised_by(lambda: get_sip_trunk.sync("any", client=client_for(nobody, max_retries=0)))

    assert type(error) is errors.APIConnectionError
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert error.message.startswith("GET /sip-trunks/trunks/any: no answer (ConnectError: ")


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("omits-documented-fields", "the body is not the documented model"),
        ("create-answers-202", "the spec documents no answer with this status"),
    ],
)
def test_a_success_the_spec_does_not_describe_raises_response_validation_error(scenario: str, reason: str) -> None:
    with serve_mock("--scenario", scenario, token=TOKEN) as drifted:
        error = raised_by(lambda: new_trunk(client_for(drifted.base_url)))

    assert type(error) is errors.APIResponseValidationError
    assert 200 <= error.status_code < 300 and reason in error.message


def test_every_class_has_one_root() -> None:
    status_classes = [errors.status_error_class(code) for code in (400, 401, 403, 404, 409, 418, 422, 429, 500, 599)]

    assert [cls.__name__ for cls in status_classes] == [
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "APIStatusError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
        "InternalServerError",
    ]
    assert all(issubclass(cls, errors.APIStatusError) for cls in status_classes)
    for cls in (errors.APIStatusError, errors.APIConnectionError, errors.APIResponseValidationError):
        assert issubclass(cls, errors.BolnaAPIError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
