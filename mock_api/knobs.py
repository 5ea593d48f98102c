"""Tester's knobs, off by default: added latency, a 429 every N requests, compressed answers, and
an edge in front that fails a fraction of requests with its own HTML 502/503/504 page.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import zlib
from collections.abc import Callable

import brotli  # type: ignore[import-untyped]  # ships no type hints
import zstandard
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What a CDN or load balancer answers when the origin is briefly out of reach: an HTML page of
# its own, without Retry-After, in this order over the failed requests.
EDGE_STATUSES = ((502, "Bad Gateway"), (504, "Gateway Timeout"), (503, "Service Unavailable"))
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda body: _gzip(body),
    "deflate": zlib.compress,  # HTTP's "deflate" is the zlib format
    "br": brotli.compress,
    "zstd": lambda body: zstandard.ZstdCompressor().compress(body),
}


def _gzip(body: bytes) -> bytes:
    # mtime 0: the same answer compresses to the same bytes.
    compressor = zlib.compressobj(wbits=31)
    return compressor.compress(body) + compressor.flush()


class Knobs:
    """ASGI middleware in front of everything, so a throttled request reaches no route or store."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate_limit_every: int | None = None,
        latency: float = 0.0,
        retry_after: int = 1,
        compress: str | None = None,
        edge_errors: float = 0.0,
    ) -> None:
        if rate_limit_every is not None and rate_limit_every < 1:
            raise ValueError("rate_limit_every must be at least 1")
        if latency < 0:
            raise ValueError("latency must not be negative")
        if compress is not None and compress not in COMPRESSORS:
            raise ValueError(f"compress must be one of {', '.join(COMPRESSORS)}, not {compress!r}")
        if not 0.0 <= edge_errors <= 1.0:
            raise ValueError("edge_errors must be a fraction between 0 and 1")
        self.app = app
        self.rate_limit_every = rate_limit_every
        self.latency = latency
        self.retry_after = retry_after
        self.compress = compress
        self.edge_errors = edge_errors
        self._requests = itertools.count(1)
        self._edge_requests = itertools.count(1)
        self._edge_failures = itertools.count(0)
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        edge_status = self._edge_failure()
        if edge_status is not None:
            await _edge_page(send, *edge_status)
            return
        if self.compress is not None and self.compress in _accepted_encodings(scope):
            send = _compressing(send, self.compress)
        if self._throttled():
            await self._too_many_requests(send)
            return
        await self.app(scope, receive, send)

    def _throttled(self) -> bool:
        if self.rate_limit_every is None:
            return False
        with self._lock:
            return next(self._requests) % self.rate_limit_every == 0

    def _edge_failure(self) -> tuple[int, str] | None:
        """Spread evenly, not at random: request n fails when n * rate crosses a whole number,
        so a run meets the same failures every time (0.01: requests 100, 200, ...)."""
        if not self.edge_errors:
            return None
        with self._lock:
            number = next(self._edge_requests)
            if int(number * self.edge_errors) == int((number - 1) * self.edge_errors):
                return None
            return EDGE_STATUSES[next(self._edge_failures) % len(EDGE_STATUSES)]

    async def _too_many_requests(self, send: Send) -> None:
        body = json.dumps({"detail": "rate limit exceeded; retry later"}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _edge_page(send: Send, status: int, phrase: str) -> None:
    body = (
        f"<html><head><title>{status} {phrase}</title></head><body>"
        f"<center><h1>{status} {phrase}</h1></center><hr><center>edge</center></body></html>"
    ).encode()
    headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _accepted_encodings(scope: Scope) -> set[str]:
    accepted = set()
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            for part in value.decode("latin-1").split(","):
                coding, _, parameters = part.strip().lower().partition(";")
                if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
                    accepted.add(coding.strip())
    return accepted


def _compressing(send: Send, coding: str) -> Send:
    """`send` that compresses the whole answer, however small, as a CDN in front of JSON does."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def compressed(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        raw = b"".join(chunks)
        if not raw:  # nothing to compress: sent as it was
            await send(start)
            await send(message)
            return
        body = COMPRESSORS[coding](raw)
        headers = [(name, value) for name, value in start["headers"] if name.lower() != b"content-length"]
        headers += [
            (b"content-encoding", coding.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"vary", b"Accept-Encoding"),
        ]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return compressed
