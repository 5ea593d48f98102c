"""The generated client's retries, rule by rule, over httpx.MockTransport (no network, no waiting).

What is resent: 429 and 503 answers for every method (the server did not act), and connection
errors and timeouts for every method but POST (a lost answer to a create may hide a trunk).
How long it waits: Retry-After (seconds or an HTTP date) up to a cap, else an exponential
backoff with jitter. tests/client/test_retries_served.py runs the same rules against the served
mock and a proxy that drops connections. sync() and asyncio() raise only once the retries are
spent: RateLimitError / InternalServerError for the last answer, APIConnectionError /
APITimeoutError (the httpx error as `__cause__`) when no answer came.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client import client as client_module
from bolna_sip_trunks_client.api.sip_trunks import (
    create_sip_trunk,
    delete_sip_trunk,
    get_sip_trunk,
    list_sip_trunks,
    update_sip_trunk,
)
from bolna_sip_trunks_client.errors import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
)
from bolna_sip_trunks_client.models import Error, SipTrunk, SipTrunkCreate, SipTrunkUpdate
from bolna_sip_trunks_client.types import Response

from contract_tests.values.spec import load_spec

BASE_URL = "http://127.0.0.1"
TRUNK: dict[str, Any] = load_spec()["components"]["examples"]["ZadarmaTrunk"]["value"]
Answer = httpx.Response | Exception


class Script:
    """A server that gives these answers in order (the last one again once they run out) and counts requests."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok() -> httpx.Response:
    return httpx.Response(200, json=TRUNK)


def too_many(retry_after: str | None = "1") -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(429, json={"detail": "slow down"}, headers=headers)


def unavailable(retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(503, json={"detail": "try later"}, headers=headers)


def dropped() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.")


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Every wait between attempts, sync or async, recorded instead of slept."""
    recorded: list[float] = []

    async def asleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(time, "sleep", recorded.append)
    monkeypatch.setattr(asyncio, "sleep", asleep)
    yield recorded


def api(script: Script, **settings: Any) -> AuthenticatedClient:
    """A client over the script, built the ordinary way (its own httpx.Client, token header and all)."""
    return AuthenticatedClient(
        base_url=BASE_URL, token="t", httpx_args={"transport": httpx.MockTransport(script)}, **settings
    )


def own_httpx_client(script: Script, **settings: Any) -> AuthenticatedClient:
    """A client whose caller passed their own httpx.Client (set_httpx_client)."""
    http = httpx.Client(base_url=BASE_URL, headers={"Authorization": "Bearer t"}, transport=httpx.MockTransport(script))
    return AuthenticatedClient(base_url=BASE_URL, token="t", **settings).set_httpx_client(http)


def own_async_httpx_client(script: Script, **settings: Any) -> AuthenticatedClient:
    transport = httpx.MockTransport(script)
    http = httpx.AsyncClient(base_url=BASE_URL, headers={"Authorization": "Bearer t"}, transport=transport)
    return AuthenticatedClient(base_url=BASE_URL, token="t", **settings).set_async_httpx_client(http)


BUILDERS: dict[str, Callable[..., AuthenticatedClient]] = {"built": api, "own-httpx-client": own_httpx_client}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_a_429_is_waited_out_and_the_caller_sees_only_the_answer(build: Any, waits: list[float]) -> None:
    script = Script(too_many("3"), ok())

    trunk = get_sip_trunk.sync(TRUNK["id"], client=build(script))

    assert isinstance(trunk, SipTrunk) and trunk.id == TRUNK["id"]
    assert len(script.requests) == 2
    assert waits == [3.0]


def test_two_retries_by_default_then_the_last_answer(waits: list[float]) -> None:
    script = Script(too_many("1"))

    response = get_sip_trunk.sync_detailed(TRUNK["id"], client=api(script))

    assert len(script.requests) == 3  # the first attempt and client_module.DEFAULT_MAX_RETRIES more
    assert client_module.DEFAULT_MAX_RETRIES == 2
    assert response.status_code == 429
    assert isinstance(response.parsed, Error) and response.parsed.detail == "slow down"
    assert waits == [1.0, 1.0]


@pytest.mark.parametrize(
    ("client_setting", "call_setting", "attempts"), [(0, None, 1), (5, None, 6), (0, 3, 4), (4, 0, 1)]
)
def test_the_count_is_set_per_client_and_per_call(
    client_setting: int, call_setting: int | None, attempts: int, waits: list[float]
) -> None:
    script = Script(unavailable("0"))

    response = list_sip_trunks.sync_detailed(client=api(script, max_retries=client_setting), max_retries=call_setting)

    assert len(script.requests) == attempts
    assert response.status_code == 503


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        AuthenticatedClient(base_url=BASE_URL, token="t", max_retries=-1)
    with pytest.raises(ValueError, match="max_retries must be 0 or more"):
        list_sip_trunks.sync(client=api(Script(ok())), max_retries=-1)


def test_retry_after_as_an_http_date(waits: list[float]) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = Script(unavailable(when), ok())

    assert isinstance(get_sip_trunk.sync(TRUNK["id"], client=api(script)), SipTrunk)

    (wait,) = waits
    assert 27 <= wait <= 30


@pytest.mark.parametrize(
    ("header", "expected"), [("3600", 60.0), ("0", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)], ids=str
)
def test_retry_after_is_capped_and_never_negative(header: str, expected: float, waits: list[float]) -> None:
    get_sip_trunk.sync(TRUNK["id"], client=api(Script(too_many(header), ok())))

    assert waits == [expected]
    assert client_module.MAX_RETRY_AFTER == 60.0


@pytest.mark.parametrize("header", [None, "soon"], ids=["absent", "unreadable"])
def test_without_a_usable_retry_after_the_backoff_doubles_with_jitter(header: str | None, waits: list[float]) -> None:
    script = Script(unavailable(header))

    list_sip_trunks.sync_detailed(client=api(script), max_retries=5)

    # 0.5, 1, 2, 4, 8 seconds, each less up to a quarter at random; never over 8 s.
    for wait, full in zip(waits, [0.5, 1.0, 2.0, 4.0, 8.0], strict=True):
        assert 0.75 * full <= wait <= full


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadError("connection reset by peer"),
        dropped(),
    ],
    ids=lambda error: type(error).__name__,
)
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_lost_answer_to_an_idempotent_request_is_sent_again(
    method: str, error: Exception, waits: list[float]
) -> None:
    succeeded = httpx.Response(204) if method == "DELETE" else ok()
    script = Script(error, succeeded)
    client = api(script)

    response: Response[Any]
    if method == "GET":
        response = get_sip_trunk.sync_detailed(TRUNK["id"], client=client)
    elif method == "PATCH":
        response = update_sip_trunk.sync_detailed(TRUNK["id"], client=client, body=SipTrunkUpdate(name="x"))
    else:
        response = delete_sip_trunk.sync_detailed(TRUNK["id"], client=client)

    assert [request.method for request in script.requests] == [method, method]
    assert response.status_code == succeeded.status_code
    (wait,) = waits
    assert 0.375 <= wait <= 0.5


def test_the_same_patch_body_is_sent_again(waits: list[float]) -> None:
    script = Script(dropped(), ok())

    update_sip_trunk.sync(TRUNK["id"], client=api(script), body=SipTrunkUpdate(name="Backup", is_active=False))

    first, second = (json.loads(request.content) for request in script.requests)
    assert first == second == {"name": "Backup", "is_active": False}


def test_the_last_error_is_raised_when_retries_run_out(waits: list[float]) -> None:
    errors = [httpx.ConnectError("first"), httpx.ConnectError("second"), httpx.ConnectError("third")]
    script = Script(*errors)

    with pytest.raises(APIConnectionError) as caught:
        get_sip_trunk.sync(TRUNK["id"], client=api(script))

    assert caught.value.__cause__ is errors[-1]
    assert not isinstance(caught.value, APITimeoutError)
    assert len(script.requests) == 3


def test_timeouts_on_every_attempt_raise_the_timeout_error(waits: list[float]) -> None:
    script = Script(httpx.ReadTimeout("slow"))

    with pytest.raises(APITimeoutError, match=r"^GET /sip-trunks/trunks/\S+: timed out \(ReadTimeout: slow\)$"):
        get_sip_trunk.sync(TRUNK["id"], client=api(script))

    assert len(script.requests) == 3


@pytest.mark.parametrize(
    ("answer", "raised"), [(too_many("0"), RateLimitError), (unavailable("0"), InternalServerError)], ids=["429", "503"]
)
def test_a_refusal_raises_only_once_the_retries_are_spent(
    answer: httpx.Response, raised: type[Exception], waits: list[float]
) -> None:
    script = Script(answer)

    with pytest.raises(raised) as caught:
        list_sip_trunks.sync(client=api(script, max_retries=3))

    assert len(script.requests) == 4
    assert getattr(caught.value, "status_code", None) == answer.status_code


def new_trunk() -> SipTrunkCreate:
    return SipTrunkCreate.from_dict(
        {
            "name": "Main line",
            "provider": "zadarma",
            "auth_type": "userpass",
            "auth_username": "491234",
            "auth_password": "made-up-secret",
            "gateways": [{"gateway_address": "sip.invalid"}],
        }
    )


@pytest.mark.parametrize(
    "error",
    [dropped(), httpx.ReadTimeout("timed out"), httpx.ReadError("reset"), httpx.ConnectError("refused")],
    ids=lambda error: type(error).__name__,
)
def test_a_post_whose_answer_was_lost_is_never_sent_again(error: Exception, waits: list[float]) -> None:
    script = Script(error, httpx.Response(201, json=TRUNK))

    with pytest.raises(APIConnectionError) as caught:
        create_sip_trunk.sync(client=api(script, max_retries=5), body=new_trunk())

    assert caught.value.__cause__ is error
    assert isinstance(caught.value, APITimeoutError) == isinstance(error, httpx.TimeoutException)

    assert len(script.requests) == 1
    assert waits == []


@pytest.mark.parametrize("refusal", [too_many("0"), unavailable("0")], ids=["429", "503"])
def test_a_post_the_server_refused_is_sent_again(refusal: httpx.Response, waits: list[float]) -> None:
    script = Script(refusal, httpx.Response(201, json=TRUNK))

    created = create_sip_trunk.sync(client=api(script), body=new_trunk())

    assert isinstance(created, SipTrunk)
    assert [request.method for request in script.requests] == ["POST", "POST"]


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 502])
def test_other_answers_are_returned_at_once(status: int, waits: list[float]) -> None:
    script = Script(httpx.Response(status, json={"detail": "no"}), ok())

    response = get_sip_trunk.sync_detailed(TRUNK["id"], client=api(script))

    assert response.status_code == status
    assert len(script.requests) == 1


def test_a_setting_error_is_not_retried(waits: list[float]) -> None:
    script = Script(httpx.UnsupportedProtocol("no such scheme"), ok())

    with pytest.raises(APIConnectionError) as caught:
        list_sip_trunks.sync(client=api(script))

    assert isinstance(caught.value.__cause__, httpx.UnsupportedProtocol)

    assert len(script.requests) == 1


def test_async_follows_the_same_rules(waits: list[float]) -> None:
    script = Script(too_many("2"), dropped(), ok())
    post_script = Script(dropped(), httpx.Response(201, json=TRUNK))

    async def calls() -> tuple[object, BaseException | None]:
        trunk = await get_sip_trunk.asyncio(TRUNK["id"], client=own_async_httpx_client(script))
        try:
            await create_sip_trunk.asyncio(client=own_async_httpx_client(post_script), body=new_trunk())
        except APIConnectionError as error:
            return trunk, error.__cause__
        return trunk, None

    trunk, post_error = asyncio.run(calls())

    assert isinstance(trunk, SipTrunk)
    assert len(script.requests) == 3
    assert waits[0] == 2.0 and 0.75 <= waits[1] <= 1.0  # Retry-After, then the second backoff step
    assert isinstance(post_error, httpx.RemoteProtocolError)
    assert len(post_script.requests) == 1


def test_async_count_per_call(waits: list[float]) -> None:
    script = Script(too_many("0"))
    client = AuthenticatedClient(base_url=BASE_URL, token="t", httpx_args={"transport": httpx.MockTransport(script)})

    response = asyncio.run(list_sip_trunks.asyncio_detailed(client=client, max_retries=0))

    assert response.status_code == 429
    assert len(script.requests) == 1
