"""Tester's knobs, off by default: added latency and a 429 every N requests."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading

from starlette.types import ASGIApp, Receive, Scope, Send


class Knobs:
    """ASGI middleware in front of everything, so a throttled request reaches no route or store."""

    def __init__(
        self, app: ASGIApp, *, rate_limit_every: int | None = None, latency: float = 0.0, retry_after: int = 1
    ) -> None:
        if rate_limit_every is not None and rate_limit_every < 1:
            raise ValueError("rate_limit_every must be at least 1")
        if latency < 0:
            raise ValueError("latency must not be negative")
        self.app = app
        self.rate_limit_every = rate_limit_every
        self.latency = latency
        self.retry_after = retry_after
        self._requests = itertools.count(1)
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        if self._throttled():
            await self._too_many_requests(send)
            return
        await self.app(scope, receive, send)

    def _throttled(self) -> bool:
        if self.rate_limit_every is None:
            return False
        with self._lock:
            return next(self._requests) % self.rate_limit_every == 0

    async def _too_many_requests(self, send: Send) -> None:
        body = json.dumps({"detail": "rate limit exceeded; retry later"}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
