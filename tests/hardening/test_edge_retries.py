"""An edge in front of the API (a CDN, a load balancer): its 502/503/504 blips and resets are
retried where that is safe, counted as transient, and a failure that lasts is handed on as it is."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator

import brotli  # type: ignore[import-untyped]  # ships no type hints
import httpx
import pytest
import zstandard

from contract_tests.live.safety import CREATE_ATTEMPTS, TRUNKS_PATH, SafetyTransport, TrunkLedger
from contract_tests.live.transports import RetryLog, RetryTransport, decoded_answer
from contract_tests.observers.edge import RECOVERED
from tests.hardening.test_transport_stack import BASE, NUMBERS, Handler, ScriptedServer, fake_api

EDGE_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>edge</body></html>"


def edge(status: int) -> httpx.Response:
    return httpx.Response(status, content=EDGE_PAGE, headers={"Content-Type": "text/html"})


def failing_first(statuses: list[int], then: Handler) -> Handler:
    """Answers the first requests with the edge's `statuses`, in order, without passing them on."""
    pending: Iterator[int] = iter(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        status = next(pending, None)
        return then(request) if status is None else edge(status)

    return handle


def stack(server: ScriptedServer, ledger: TrunkLedger, waits: list[float]) -> tuple[httpx.Client, RetryLog]:
    retries = RetryTransport(httpx.MockTransport(server), sleep=waits.append)
    client = httpx.Client(
        base_url=BASE,
        transport=SafetyTransport(retries, ledger, retry_log=retries.log),
        headers={"Authorization": "Bearer token"},
    )
    return client, retries.log


def owned() -> TrunkLedger:
    ledger = TrunkLedger()
    ledger.record_created("t1")
    return ledger


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_blip_of_502_504_503_is_retried_quickly_and_counted_as_transient(method: str) -> None:
    server = ScriptedServer(failing_first([502, 504, 503], fake_api()))
    waits: list[float] = []
    http, log = stack(server, owned(), waits)
    with http:
        response = http.request(method, f"{TRUNKS_PATH}/t1")

    assert response.status_code == 200
    assert len(server.requests) == 4
    assert log.transient == {"502": 1, "504": 1, "503": 1} and not log.persistent
    assert log.retries == 3
    assert sum(waits) < 2, f"an edge page without Retry-After waits a moment, not {waits}"


def test_a_gateway_error_on_every_attempt_is_handed_on_as_the_answer() -> None:
    server = ScriptedServer(failing_first([502] * 10, fake_api()))
    http, log = stack(server, owned(), [])
    with http:
        response = http.get(f"{TRUNKS_PATH}/t1")

    assert response.status_code == 502 and response.content == EDGE_PAGE
    assert len(server.requests) == 5
    assert log.persistent == {"502": 1} and not log.transient


def test_a_500_is_the_apis_answer_and_is_not_retried() -> None:
    server = ScriptedServer(lambda request: httpx.Response(500, json={"detail": "Internal Server Error"}))
    http, log = stack(server, owned(), [])
    with http:
        assert http.patch(f"{TRUNKS_PATH}/t1", json={"name": "线路"}).status_code == 500
    assert len(server.requests) == 1
    assert log.retries == 0 and not log.transient and not log.persistent


def test_a_reset_of_a_get_is_retried_and_named() -> None:
    server = ScriptedServer(fake_api(), lose_answer=frozenset({1}))
    http, log = stack(server, owned(), [])
    with http:
        assert http.get(TRUNKS_PATH).status_code == 200
    assert log.transient == {"connection reset": 1}


@pytest.mark.parametrize("status", [502, 504])
def test_a_create_the_api_performed_behind_a_gateway_error_is_found_not_made_twice(status: int) -> None:
    api = fake_api()

    def acted_then_failed(request: httpx.Request) -> httpx.Response:
        answer = api(request)
        return edge(status) if request.method == "POST" and len(server.requests) == 1 else answer

    server = ScriptedServer(acted_then_failed)
    ledger = TrunkLedger()
    http, log = stack(server, ledger, [])
    with http:
        response = http.post(TRUNKS_PATH, json={"name": ledger.next_name(), "provider": "custom"})

    assert response.status_code == 201
    assert [request.method for request in server.requests] == ["POST", "GET"]
    assert ledger.created == [response.json()["id"]]
    assert log.transient == {str(status): 1}


def test_a_create_that_a_gateway_error_stopped_is_sent_again() -> None:
    server = ScriptedServer(failing_first([502], fake_api()))
    with_number = owned()
    http, log = stack(server, with_number, [])
    with http:
        response = http.post(NUMBERS, json={"phone_number": "+99912345678"})

    assert response.status_code == 201
    assert [request.method for request in server.requests] == ["POST", "GET", "POST"]
    assert log.transient == {"502": 1} and log.retries == 1


def test_a_create_met_by_gateway_errors_every_time_ends_with_the_last_one() -> None:
    server = ScriptedServer(lambda request: edge(504) if request.method == "POST" else httpx.Response(200, json=[]))
    http, log = stack(server, TrunkLedger(), [])
    with http:
        response = http.post(TRUNKS_PATH, json={"name": "contract-test-x", "provider": "custom"})

    assert response.status_code == 504
    assert [request.method for request in server.requests].count("POST") == CREATE_ATTEMPTS
    assert log.persistent == {"504": 1}


def test_a_post_that_is_not_a_create_is_not_sent_twice() -> None:
    # Nothing tells whether it acted: a gateway error on it is handed on as the answer.
    server = ScriptedServer(failing_first([502], fake_api()))
    http, _ = stack(server, owned(), [])
    with http:
        response = http.post(f"{TRUNKS_PATH}/t1", content=json.dumps({"name": "x"}))
    assert response.status_code == 502
    assert len(server.requests) == 1


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": lambda body: zstandard.ZstdCompressor().compress(body),
}


@pytest.mark.parametrize("coding", COMPRESSORS)
def test_an_answer_rebuilt_from_its_decoded_body_is_not_decoded_again(coding: str) -> None:
    body = json.dumps({"name": "线路"}).encode()
    wire = COMPRESSORS[coding](body)
    headers = {"Content-Type": "application/json", "Content-Encoding": coding, "Content-Length": str(len(wire))}
    with httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=wire, headers=headers))
    ) as http:
        received = http.get(BASE)

    rebuilt = decoded_answer(received.status_code, received.content, received.headers)
    assert rebuilt.json() == {"name": "线路"}
    assert rebuilt.headers["content-type"] == "application/json"
    assert "content-encoding" not in rebuilt.headers
    assert rebuilt.headers["content-length"] == str(len(body))


def test_a_timeout_after_a_blip_counts_as_persistent_and_a_lone_timeout_as_no_retry() -> None:
    answers = iter([edge(502)])

    def blip_then_silence(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        if answer is None:
            raise httpx.ReadTimeout("timed out", request=request)
        return answer

    http, log = stack(ScriptedServer(blip_then_silence), owned(), [])
    with http:
        with pytest.raises(httpx.ReadTimeout):
            http.get(TRUNKS_PATH)
        assert log.persistent == {"timeout": 1} and not log.transient
        with pytest.raises(httpx.ReadTimeout):
            http.get(TRUNKS_PATH)  # no blip first: nothing was retried
    assert log.persistent == {"timeout": 1} and log.retries == 1


def deleting_api(trunks: set[str], numbers: set[str]) -> Handler:
    """Trunk t1's DELETE and reads, and its numbers' (ids in `numbers`), as the API answers them."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        gone = httpx.Response(404, json={"detail": "not found"})
        if path == NUMBERS:
            return httpx.Response(200, json=[{"id": number} for number in sorted(numbers)])
        if path.startswith(NUMBERS + "/"):
            number = path.rsplit("/", 1)[1]
            if number not in numbers:
                return gone
            numbers.discard(number)
            return httpx.Response(200, json={"message": f"number {number} deleted"})
        trunk = path.rsplit("/", 1)[1]
        if trunk not in trunks:
            return gone
        if request.method == "DELETE":
            trunks.discard(trunk)
            return httpx.Response(200, json={"message": f"SIP trunk {trunk} deleted"})
        return httpx.Response(200, json={"id": trunk})

    return handle


def acted_then(lost: str, api: Handler) -> ScriptedServer:
    """The API carries out the first request; the edge answers 504 instead, or the connection drops."""
    if lost == "connection reset":
        return ScriptedServer(api, lose_answer=frozenset({1}))

    def timed_out_first(request: httpx.Request) -> httpx.Response:
        answer = api(request)
        return edge(504) if len(server.requests) == 1 else answer

    server = ScriptedServer(timed_out_first)
    return server


@pytest.mark.parametrize("lost", ["504", "connection reset"])
@pytest.mark.parametrize("path", [f"{TRUNKS_PATH}/t1", f"{NUMBERS}/n1"])
def test_a_delete_whose_answer_was_lost_after_it_acted_is_done_not_a_404(lost: str, path: str) -> None:
    server = acted_then(lost, deleting_api({"t1"}, {"n1"}))
    ledger = owned()
    ledger.numbers_added.add("n1")
    http, log = stack(server, ledger, [])
    with http:
        response = http.delete(path)

    assert response.status_code == 200 and isinstance(response.json()["message"], str)
    assert response.headers[RECOVERED] == "gone"
    # Sent again (404: already gone), then looked up to be sure it is gone.
    lookup = NUMBERS if "numbers" in path else path
    assert [(r.method, r.url.path) for r in server.requests] == [("DELETE", path), ("DELETE", path), ("GET", lookup)]
    assert log.transient == {lost: 1} and log.retries == 1 and not log.persistent
    assert ("t1" in ledger.deleted) == (path.endswith("t1"))
    assert ("n1" in ledger.numbers_deleted) == (path.endswith("n1"))


def lose_first_answer(api: Handler) -> ScriptedServer:
    return ScriptedServer(api, lose_answer=frozenset({1}))


@pytest.mark.parametrize(
    ("case", "path", "server", "sent"),
    [
        # The API answers 404 for a trunk it still has: drift, on the first attempt and after a blip
        # that did not act (the look-up finds the trunk).
        ("first attempt", "t1", ScriptedServer(lambda r: httpx.Response(404, json={})), ["DELETE"]),
        (
            "after a blip",
            "t1",
            lose_first_answer(lambda r: httpx.Response(404 if r.method == "DELETE" else 200, json={})),
            ["DELETE", "DELETE", "GET"],
        ),
        # 503 means "not processed": the 404 after it is the API's own answer.
        ("after a 503", "t1", ScriptedServer(failing_first([503], deleting_api(set(), set()))), ["DELETE", "DELETE"]),
        # Never this run's to delete: an id it made up, a trunk it deleted already.
        ("an absent id", "missing", acted_then("504", deleting_api(set(), set())), ["DELETE", "DELETE"]),
        ("deleted before", "gone", acted_then("504", deleting_api(set(), set())), ["DELETE", "DELETE"]),
    ],
)
def test_a_404_to_a_delete_stays_the_apis_answer_unless_an_earlier_attempt_acted(
    case: str, path: str, server: ScriptedServer, sent: list[str]
) -> None:
    ledger = owned()
    ledger.absent.add("missing")
    ledger.record_created("gone")
    ledger.deleted.add("gone")
    http, _ = stack(server, ledger, [])
    with http:
        response = http.delete(f"{TRUNKS_PATH}/{path}")

    assert response.status_code == 404 and RECOVERED not in response.headers, case
    assert [request.method for request in server.requests] == sent
