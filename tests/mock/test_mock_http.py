"""The HTTP surface: auth, unknown paths and methods, bodies that are too big or not JSON objects,
the order of checks, JSON everywhere, and the tester's knobs (429 every N requests, latency)."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from collections.abc import Callable
from typing import Any

import brotli  # type: ignore[import-untyped]  # ships no type hints
import pytest
import zstandard
from starlette.types import Message

from mock_api import SCENARIOS, create_app
from tests.mock.mock_support import (
    AUTH,
    TOKEN,
    TRUNKS,
    Api,
    error_locs,
    is_plain_error,
    is_validation_error,
    userpass_body,
)

MIB = 1024 * 1024

# Every operation of the contract, with a path that reaches it.
OPERATIONS = [
    ("GET", TRUNKS),
    ("POST", TRUNKS),
    ("GET", f"{TRUNKS}/some-trunk"),
    ("PATCH", f"{TRUNKS}/some-trunk"),
    ("DELETE", f"{TRUNKS}/some-trunk"),
    ("POST", f"{TRUNKS}/some-trunk/numbers"),
    ("GET", f"{TRUNKS}/some-trunk/numbers"),
    ("DELETE", f"{TRUNKS}/some-trunk/numbers/some-number"),
]
# The methods the contract serves on each path; anything else is 405.
SERVED = {
    TRUNKS: {"GET", "POST"},
    f"{TRUNKS}/some-trunk": {"GET", "PATCH", "DELETE"},
    f"{TRUNKS}/some-trunk/numbers": {"GET", "POST"},
    f"{TRUNKS}/some-trunk/numbers/some-number": {"DELETE"},
}
ALL_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer", f"Bearer {TOKEN}x", f"Token {TOKEN}", TOKEN],
)
def test_every_endpoint_needs_the_bearer_token(method: str, path: str, authorization: str | None) -> None:
    api = Api()
    headers = {} if authorization is None else {"Authorization": authorization}
    response = api.request(method, path, auth=False, headers=headers, json=userpass_body())
    assert is_plain_error(response, 401)


def test_the_bearer_scheme_is_case_insensitive() -> None:
    response = Api().request("GET", TRUNKS, auth=False, headers={"Authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200


def test_the_token_is_checked_before_the_body_and_the_lookup() -> None:
    api = Api()
    wrong = {"Authorization": "Bearer wrong"}
    assert is_plain_error(api.request("PATCH", f"{TRUNKS}/nope", auth=False, headers=wrong, json=[]), 401)
    assert is_plain_error(api.request("POST", TRUNKS, auth=False, headers=wrong, content=b"{"), 401)


def test_the_body_is_checked_before_the_lookup_and_the_lookup_before_the_rules() -> None:
    api = Api()
    assert is_validation_error(api.patch("nope", {"name": ""}))
    assert is_plain_error(api.patch("nope", {"media_encryption": "sdes"}), 404)
    assert is_validation_error(api.add_number("nope", {"phone_number": "x"}))
    assert is_plain_error(api.add_number("nope", {"phone_number": "123456", "e164_check_enabled": True}), 404)


@pytest.mark.parametrize(
    "path", ["/", "/sip-trunks", f"{TRUNKS}/", f"{TRUNKS}/t/unknown", f"{TRUNKS}/t/numbers/n/x", "/trunks"]
)
def test_unknown_paths_answer_404(path: str) -> None:
    api = Api()
    for method in ("GET", "POST", "DELETE"):
        assert is_plain_error(api.request(method, path), 404)
    # The mock routes before it authenticates, as FastAPI does: a path that is no endpoint is 404.
    assert is_plain_error(api.request("GET", path, auth=False), 404)


@pytest.mark.parametrize("path", sorted(SERVED))
def test_unserved_methods_answer_405_with_allow(path: str) -> None:
    api = Api()
    for method in sorted(ALL_METHODS - SERVED[path]):
        response = api.request(method, path)
        assert response.status_code == 405, method
        allowed = {item.strip() for item in response.headers["allow"].split(",")}
        assert allowed == SERVED[path]
        if method != "HEAD":
            assert is_plain_error(response, 405)


# --- bodies ------------------------------------------------------------------------------------


def test_a_body_over_1_mib_answers_413() -> None:
    api = Api()
    trunk = api.create_trunk()
    padded = b'{"name": "big"}' + b" " * MIB
    response = api.request("PATCH", f"{TRUNKS}/{trunk['id']}", content=padded)
    assert is_plain_error(response, 413)
    assert api.get_trunk(trunk["id"]) == trunk


def test_a_body_of_exactly_1_mib_is_read() -> None:
    api = Api()
    trunk = api.create_trunk()
    body = b'{"name": "big"}'
    response = api.request("PATCH", f"{TRUNKS}/{trunk['id']}", content=body + b" " * (MIB - len(body)))
    assert response.status_code == 200
    assert response.json()["name"] == "big"


def drive_asgi(headers: list[tuple[bytes, bytes]], chunk: bytes, chunks: int) -> tuple[int, int]:
    """PATCH straight into the ASGI app with a streamed body; returns (status, chunks it read)."""
    app = create_app(token=TOKEN)
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        if read == chunks:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PATCH",
        "scheme": "http",
        "path": f"{TRUNKS}/some-trunk",
        "raw_path": f"{TRUNKS}/some-trunk".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", f"Bearer {TOKEN}".encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def run() -> None:
        await app(scope, receive, send)

    asyncio.run(run())
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    return status, read


def test_an_oversized_stream_is_refused_without_reading_it_all() -> None:
    chunk = b" " * (64 * 1024)
    # 1,000 chunks would be 64 MiB; the mock must stop just past its 1 MiB limit.
    status, read = drive_asgi([(b"content-type", b"application/json")], chunk, chunks=1000)
    assert status == 413
    assert read <= MIB // len(chunk) + 1


def test_an_oversized_content_length_is_refused_before_reading() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(64 * MIB).encode())]
    status, read = drive_asgi(headers, b" " * 1024, chunks=1000)
    assert status == 413
    assert read == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   ",
        b"{",
        b'{"name": "x"',
        b'{"name": "x"} trailing',
        b"{'name': 'x'}",
        b"nul",
        b"NaN",
        b'{"qualify_frequency": NaN}',
        b'{"qualify_frequency": Infinity}',
        b"\xff\xfe{\x00}\x00",
        b'{"name": "\xc3"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
def test_malformed_json_answers_422(content: bytes) -> None:
    api = Api()
    trunk = api.create_trunk()
    for method, path in (("PATCH", f"{TRUNKS}/{trunk['id']}"), ("POST", TRUNKS)):
        response = api.request(method, path, content=content, headers={"Content-Type": "application/json"})
        assert is_validation_error(response), (method, response.text)
        assert error_locs(response)[0][0] == "body"
    assert api.get_trunk(trunk["id"]) == trunk


@pytest.mark.parametrize("body", [[], [1], "text", 3, 2.5, True, None])
def test_a_json_body_that_is_not_an_object_answers_422(body: object) -> None:
    api = Api()
    trunk = api.create_trunk()
    for method, path in (
        ("PATCH", f"{TRUNKS}/{trunk['id']}"),
        ("POST", TRUNKS),
        ("POST", f"{TRUNKS}/{trunk['id']}/numbers"),
    ):
        response = api.request(method, path, content=json.dumps(body), headers={"Content-Type": "application/json"})
        assert is_validation_error(response)
        assert error_locs(response) == [["body"]]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"]
)
def test_a_body_that_is_not_json_answers_422(content_type: str) -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.request(
        "PATCH", f"{TRUNKS}/{trunk['id']}", content=b'{"name": "x"}', headers={"Content-Type": content_type}
    )
    assert is_validation_error(response)
    assert api.get_trunk(trunk["id"]) == trunk


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_media_types_are_read(content_type: str) -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.request(
        "PATCH", f"{TRUNKS}/{trunk['id']}", content=b'{"name": "x"}', headers={"Content-Type": content_type}
    )
    assert response.status_code == 200


def test_strings_the_client_sent_come_back_intact() -> None:
    api = Api()
    name = 'quote " backslash \\ nul \x00 bell \x07 lone surrogate \ud800 emoji 😀'
    body = json.dumps({"name": name}).encode()  # ASCII escapes, so the lone surrogate survives
    trunk = api.create_trunk()
    response = api.request(
        "PATCH", f"{TRUNKS}/{trunk['id']}", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == name


def test_every_answer_is_json() -> None:
    api = Api(rate_limit_every=50)
    trunk = api.create_trunk()
    responses = [
        api.list(),
        api.get(trunk["id"]),
        api.patch(trunk["id"], {"media_encryption": "sdes"}),
        api.patch(trunk["id"], {"name": ""}),
        api.get("nope"),
        api.request("GET", TRUNKS, auth=False),
        api.request("PUT", TRUNKS),
        api.request("GET", "/nowhere"),
        api.request("POST", TRUNKS, content=b" " * (MIB + 1)),
        api.add_number(trunk["id"], {"phone_number": "123456"}),
        api.add_number(trunk["id"], {"phone_number": "123456"}),
        api.delete(trunk["id"]),
    ]
    assert {response.status_code for response in responses} >= {200, 400, 401, 404, 405, 409, 413, 422}
    for response in responses:
        assert response.headers["content-type"] == "application/json"
        json.loads(response.content)


# --- knobs -----------------------------------------------------------------------------------------


def test_every_nth_request_answers_429_and_changes_nothing() -> None:
    api = Api(rate_limit_every=3)
    trunk = api.create_trunk()  # request 1
    assert api.get(trunk["id"]).status_code == 200  # request 2
    throttled = api.patch(trunk["id"], {"name": "Throttled"})  # request 3
    assert is_plain_error(throttled, 429)
    assert throttled.headers["retry-after"] == "1"
    assert api.get_trunk(trunk["id"])["name"] == trunk["name"]  # request 4
    assert api.list().status_code == 200  # request 5
    assert api.list().status_code == 429  # request 6


def test_retry_after_is_configurable() -> None:
    response = Api(rate_limit_every=1, retry_after=7).list()
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"


def test_knobs_are_off_by_default() -> None:
    api = Api()
    assert all(api.list().status_code == 200 for _ in range(60))


def test_latency_is_added_to_every_request() -> None:
    api = Api(latency=0.2)
    started = time.monotonic()
    assert api.list().status_code == 200
    assert time.monotonic() - started >= 0.2


# What each coding's own library reads back, and how its bytes start where the format says.
DECODERS: dict[str, tuple[Callable[[bytes], bytes], bytes]] = {
    "gzip": (gzip.decompress, b"\x1f\x8b"),
    "deflate": (zlib.decompress, b"\x78"),  # HTTP's "deflate" is the zlib format
    "br": (brotli.decompress, b""),  # brotli has no magic number
    "zstd": (lambda wire: zstandard.ZstdDecompressor().decompress(wire), b"\x28\xb5\x2f\xfd"),
}


@pytest.mark.parametrize("coding", DECODERS)
def test_compress_encodes_every_answer_the_request_accepts(coding: str) -> None:
    api = Api(compress=coding)
    created = api.create(userpass_body())
    listed = api.list()
    identity = api.request("GET", TRUNKS, headers={"Accept-Encoding": "identity"})
    refused = api.request("GET", TRUNKS, auth=False)

    for response in (created, listed, refused):
        assert response.headers["content-encoding"] == coding
    assert listed.json() == [created.json()]  # httpx decoded it: the body is the JSON it was
    assert is_plain_error(refused, 401)
    assert "content-encoding" not in identity.headers
    assert identity.json() == listed.json()


@pytest.mark.parametrize("coding", DECODERS)
def test_compressed_bytes_on_the_wire_are_the_declared_coding(coding: str) -> None:
    decompress, magic = DECODERS[coding]
    api = Api(compress=coding)
    api.create_trunk()
    with api.http.stream("GET", TRUNKS, headers={**AUTH, "Accept-Encoding": coding}) as response:
        wire = b"".join(response.iter_raw())  # before httpx decodes it
    assert response.headers["content-encoding"] == coding
    assert wire.startswith(magic), f"not {coding}: {wire[:4]!r}"
    assert int(response.headers["content-length"]) == len(wire)
    assert json.loads(decompress(wire))[0]["name"] == userpass_body()["name"]


def test_edge_errors_answer_a_share_of_requests_with_html_502_504_503() -> None:
    api = Api(edge_errors=0.1)
    statuses = [api.list().status_code for _ in range(40)]

    failed = [(number, status) for number, status in enumerate(statuses, start=1) if status != 200]
    assert failed == [(10, 502), (20, 504), (30, 503), (40, 502)]
    page = Api(edge_errors=1.0).list()
    assert page.headers["content-type"].startswith("text/html")
    assert "retry-after" not in page.headers
    assert "502 Bad Gateway" in page.text


def test_an_edge_error_never_reaches_the_store() -> None:
    api = Api(edge_errors=0.5)
    assert api.create(userpass_body()).status_code == 201  # request 1 passes
    assert api.create(userpass_body() | {"name": "second"}).status_code == 502  # request 2 fails at the edge
    assert [trunk["name"] for trunk in api.list().json()] == [userpass_body()["name"]]


@pytest.mark.parametrize(("knob", "value"), [("compress", "lzma"), ("edge_errors", 1.5), ("edge_errors", -0.1)])
def test_bad_knob_values_are_refused(knob: str, value: object) -> None:
    settings: dict[str, Any] = {knob: value}
    with pytest.raises(ValueError, match=knob):
        Api(**settings).list()


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="no-such-drift"):
        create_app(scenario="no-such-drift")
    assert "no-such-drift" not in SCENARIOS


def test_each_app_has_its_own_store() -> None:
    first, second = Api(), Api()
    first.create_trunk()
    assert second.list().json() == []
