"""The retry, lost-create and harmless-body rules of the transport stack, against a scripted in-memory server."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from contract_tests.live.safety import CREATE_ATTEMPTS, TRUNKS_PATH, SafetyTransport, TrunkLedger
from contract_tests.live.transports import RetryTransport

BASE = "http://api.test"
NUMBERS = f"{TRUNKS_PATH}/t1/numbers"
Handler = Callable[[httpx.Request], httpx.Response]


class ScriptedServer:
    """Answers with `handler`, except that the requests numbered in `lose_answer` (from 1) take
    effect and then lose their answer, as a connection reset after the server acted would."""

    def __init__(self, handler: Handler, *, lose_answer: frozenset[int] = frozenset()) -> None:
        self.handler = handler
        self.lose_answer = lose_answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.handler(request)
        if len(self.requests) in self.lose_answer:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return response


def stack(server: ScriptedServer, ledger: TrunkLedger | None = None) -> httpx.Client:
    """The suite's stack over `server`; trunk t1 counts as created by the run."""
    if ledger is None:
        ledger = TrunkLedger()
        ledger.record_created("t1")
    retries = RetryTransport(httpx.MockTransport(server), sleep=lambda seconds: None)
    return httpx.Client(
        base_url=BASE,
        transport=SafetyTransport(retries, ledger),
        headers={"Authorization": "Bearer token"},
        timeout=httpx.Timeout(7.0),
    )


def fake_api() -> Handler:
    """Trunks and numbers in a dict; enough of the API for creates and their lookups."""
    trunks: dict[str, dict[str, object]] = {}
    numbers: list[dict[str, object]] = [{"id": "n0", "phone_number": "+99900000001"}]

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == TRUNKS_PATH and request.method == "POST":
            trunk = {"id": f"t{len(trunks) + 1}", **json.loads(request.content)}
            trunks[str(trunk["id"])] = trunk
            return httpx.Response(201, json=trunk)
        if request.url.path == TRUNKS_PATH:
            return httpx.Response(200, json=list(trunks.values()))
        if request.url.path == NUMBERS and request.method == "POST":
            wanted = json.loads(request.content)["phone_number"]
            if any(number["phone_number"] == wanted for number in numbers):
                return httpx.Response(409, json={"detail": "already active"})
            numbers.append({"id": f"n{len(numbers)}", "phone_number": wanted})
            return httpx.Response(201, json=numbers[-1])
        if request.url.path == NUMBERS:
            return httpx.Response(200, json=numbers)
        return httpx.Response(200, json={})

    return handle


def test_a_read_timeout_is_not_retried() -> None:
    def silent(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    server = ScriptedServer(silent)
    with stack(server) as http, pytest.raises(httpx.ReadTimeout):
        http.get(TRUNKS_PATH)
    assert len(server.requests) == 1


@pytest.mark.parametrize(("method", "sends"), [("GET", 2), ("PATCH", 2), ("DELETE", 2)])
def test_an_idempotent_request_whose_answer_was_lost_is_sent_again(method: str, sends: int) -> None:
    server = ScriptedServer(fake_api(), lose_answer=frozenset({1}))
    ledger = TrunkLedger()
    trunk = ledger.made_up_absent_id()  # a trunk the run may change and delete
    with stack(server, ledger) as http:
        assert http.request(method, f"{TRUNKS_PATH}/{trunk}").status_code == 200
    assert len(server.requests) == sends


def test_a_lost_create_is_looked_up_with_a_plain_get_and_not_sent_again() -> None:
    server = ScriptedServer(fake_api(), lose_answer=frozenset({1}))
    ledger = TrunkLedger()
    with stack(server, ledger) as http:
        response = http.post(TRUNKS_PATH, json={"name": ledger.next_name(), "provider": "custom"})

    assert response.status_code == 201
    post, lookup = server.requests
    assert (lookup.method, lookup.url.path) == ("GET", TRUNKS_PATH)
    # A GET that announced the POST's body length would never be sent by h11 over a socket.
    assert "content-length" not in lookup.headers and "content-type" not in lookup.headers
    assert lookup.headers["authorization"] == "Bearer token"
    assert lookup.extensions["timeout"] == post.extensions["timeout"]
    assert ledger.created == [response.json()["id"]], "the recovered trunk must be deleted at the end"


def test_a_lost_number_is_found_by_the_number() -> None:
    server = ScriptedServer(fake_api(), lose_answer=frozenset({1}))
    with stack(server) as http:
        response = http.post(NUMBERS, json={"phone_number": "+99912345678"})
    assert response.status_code == 201
    assert response.json()["phone_number"] == "+99912345678"
    assert [request.method for request in server.requests] == ["POST", "GET"]


def test_a_number_the_run_added_before_is_not_taken_for_the_lost_one() -> None:
    # A check sends an active number again and expects 409; if that answer is lost, the number
    # found is the earlier one, so the request is sent again and the 409 comes back.
    server = ScriptedServer(fake_api(), lose_answer=frozenset({2}))
    with stack(server) as http:
        assert http.post(NUMBERS, json={"phone_number": "+99912345678"}).status_code == 201
        duplicate = http.post(NUMBERS, json={"phone_number": "+99912345678"})
    assert duplicate.status_code == 409
    assert [request.method for request in server.requests] == ["POST", "POST", "GET", "POST"]


def test_a_create_that_never_took_effect_is_sent_at_most_three_times() -> None:
    def unreachable_after_connecting(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return httpx.Response(200, json=[])

    server = ScriptedServer(unreachable_after_connecting)
    with stack(server) as http, pytest.raises(httpx.RemoteProtocolError):
        http.post(TRUNKS_PATH, json={"name": "contract-test-x", "provider": "custom"})
    assert [request.method for request in server.requests].count("POST") == CREATE_ATTEMPTS


def echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={})


@pytest.mark.parametrize("method", ["PATCH", "PUT", "TRACE", "DELETE"])
def test_a_password_the_run_did_not_make_up_never_leaves_whatever_the_method(method: str) -> None:
    # Schemathesis sends a case's body with undeclared methods too; the API may not store
    # those, but the run can only scrub passwords it knows.
    server = ScriptedServer(echo)
    ledger = TrunkLedger()
    ledger.record_created("t1")
    body = {"auth_password": "null", "gateways": [{"gateway_address": "sip.invalid", "auth_password": "nested"}]}
    with stack(server, ledger) as http:
        http.request(method, f"{TRUNKS_PATH}/t1", json=body)

    (sent,) = server.requests
    top, nested = json.loads(sent.content)["auth_password"], json.loads(sent.content)["gateways"][0]["auth_password"]
    assert {top, nested} <= ledger.secrets, "the passwords sent must be ones the run registered"
    assert top.startswith("ctpw-") and nested.startswith("ctpw-") and top != nested


def test_a_password_the_run_made_up_and_an_unstorable_one_are_sent_as_they_are() -> None:
    server = ScriptedServer(echo)
    ledger = TrunkLedger()
    ledger.record_created("t1")
    known = ledger.new_password()
    with stack(server, ledger) as http:
        http.patch(f"{TRUNKS_PATH}/t1", json={"auth_password": known})
        # Empty: the spec's Credential refuses it, so the API cannot store it; kept for the 422.
        http.patch(f"{TRUNKS_PATH}/t1", json={"auth_password": ""})
    assert [json.loads(request.content)["auth_password"] for request in server.requests] == [known, ""]


def test_an_undeclared_method_still_gets_a_findable_name_and_a_gateway_that_reaches_no_one() -> None:
    server = ScriptedServer(echo)
    ledger = TrunkLedger()
    ledger.record_created("t1")
    with stack(server, ledger) as http:
        http.put(f"{TRUNKS_PATH}/t1", json={"name": "prod", "gateways": [{"gateway_address": "sip.example.com"}]})
    sent = json.loads(server.requests[0].content)
    assert sent["name"].startswith(ledger.name_prefix)
    assert sent["gateways"] == [{"gateway_address": "sip.invalid"}]
