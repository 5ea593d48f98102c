"""The target's httpx stack, seen by Schemathesis as a WSGI application.

Schemathesis sends cases, and the probes its checks send on their own, to `schema.app` when one
is set; pointing that at the target routes all of it through one safety guard, one retry policy
and one request budget, for the embedded mock and a live server alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from contract_tests.live.transports import WIRE_FORM_HEADERS

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
# Hop-by-hop and framing headers belong to each connection, not to the message being relayed
# (whose body httpx has decoded).
_NOT_RELAYED = WIRE_FORM_HEADERS | {"connection", "keep-alive"}


def wsgi_app(client: httpx.Client) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        url = _url(environ)
        headers = [
            (key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key.startswith("HTTP_")
        ]
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        response = client.request(environ["REQUEST_METHOD"], url, headers=headers, content=body)
        status = f"{response.status_code} {response.reason_phrase or _phrase(response.status_code)}"
        relayed = [(name, value) for name, value in response.headers.multi_items() if name.lower() not in _NOT_RELAYED]
        start_response(status, relayed)
        return [response.content]

    return app


def _url(environ: dict[str, Any]) -> str:
    # PATH_INFO is decoded (as latin-1, per PEP 3333); the raw path, where the server gives
    # it, keeps the client's own percent-encoding.
    raw = str(environ.get("RAW_URI", "")).split("?", 1)[0]
    path = raw or quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    query = environ.get("QUERY_STRING", "")
    return path + (f"?{query}" if query else "")


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Unknown"
