"""httpx transports that every request of the suite passes through, whatever the target.

They stack: `SafetyTransport` (see safety.py) -> `RetryTransport` -> `BudgetTransport` -> the
target's own transport (the network, or the mock in-process).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import httpx

RETRYABLE_STATUSES = frozenset({429, 503})  # "not processed", whatever the method
GATEWAY_STATUSES = frozenset({502, 504})  # a gateway failed; the API may have acted
# Describe the bytes on the wire, not the decoded body a response object holds once read.
WIRE_FORM_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
IDEMPOTENT_METHODS = frozenset({"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Response extension: what the attempts before this answer met ("504", "connection reset", ...).
EARLIER_ATTEMPTS = "contract-earlier-attempts"
# Failures after which the API may have carried the request out: the answer, not the request, was lost.
MAY_HAVE_ACTED = frozenset({*map(str, GATEWAY_STATUSES), "connection reset"})


def decoded_answer(status: int, content: bytes, headers: Mapping[str, str]) -> httpx.Response:
    """An answer rebuilt from a body httpx already decoded: without the headers of its wire form,
    which would make httpx decode (gunzip, inflate) the body a second time."""
    kept = [
        (name, value) for name, value in httpx.Headers(headers).multi_items() if name.lower() not in WIRE_FORM_HEADERS
    ]
    return httpx.Response(status, content=content, headers=kept)


class InProcessTransport(httpx.BaseTransport):
    """Sends each request to an ASGI app in this process (the embedded mock), on an event loop
    the calling thread runs itself.

    httpx's `ASGITransport` is async-only; Starlette's sync `TestClient` hands every request to an
    event-loop thread and back in several steps, which cost several times what the mock itself
    does. One request at a time, as through the TestClient's single loop thread; an exception in
    the app is a 500 answer, as a server would give.
    """

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        with self._lock:
            status, headers, body = self._loop.run_until_complete(self._send(request, content))
        return httpx.Response(status, headers=headers, content=body)

    async def _send(self, request: httpx.Request, content: bytes) -> tuple[int, httpx.Headers, bytes]:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=content)
        response = await self._asgi.handle_async_request(copy)
        # The bytes as sent (compressed, if the mock compresses): the client decodes them, once.
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.status_code, response.headers, body

    def close(self) -> None:
        self._loop.close()


class BudgetExhausted(Exception):
    """The profile's request budget is spent; the run stops instead of sending more."""


class BudgetTransport(httpx.BaseTransport):
    """Counts requests, refuses more than `max_requests`, and keeps under `max_rate` per second."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        max_requests: int,
        max_rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self.max_requests = max_requests
        self._interval = 1.0 / max_rate if max_rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self.sent = 0
        self.exhausted = False

    def allow_clean_up(self, requests: int) -> None:
        """Room beyond the budget for deleting what the run created: that is never skipped."""
        with self._lock:
            self.max_requests = max(self.max_requests, self.sent) + requests

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if self.sent >= self.max_requests:
                self.exhausted = True
                raise BudgetExhausted(f"request budget of {self.max_requests} spent")
            self.sent += 1
            now = self._clock()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + self._interval
        if wait > 0:
            self._sleep(wait)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@dataclass
class RetryLog:
    """What was retried in a run, by reason ("503", "connection reset", ...), and how it ended:
    transient (a later attempt got through) or persistent (every attempt met it)."""

    transient: Counter[str] = field(default_factory=Counter)
    persistent: Counter[str] = field(default_factory=Counter)
    retries: int = 0  # requests sent again
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self) -> None:
        with self._lock:
            self.retries += 1

    def ended(self, reasons: list[str], *, cleared: bool) -> None:
        """One request's attempts are over, having met `reasons` on the way: each counts as
        transient if a later attempt got through (`cleared`); if none did, the request counts
        once as persistent, by the last reason."""
        if not reasons:
            return
        with self._lock:
            if cleared:
                self.transient.update(reasons)
            else:
                self.persistent[reasons[-1]] += 1


class RetryTransport(httpx.BaseTransport):
    """Waits and retries what is safe to retry, so transient trouble is not reported as drift.

    - 429 and 503 mean "not processed": any method is retried after `Retry-After` seconds.
    - 502 and 504 come from a gateway or CDN in front of the API, which may have passed the
      request on before it failed: retried for idempotent methods. A create (POST) is left to
      `SafetyTransport`, which looks the trunk (or number) up before sending it again. A DELETE
      sent again may then answer 404 because the first one acted: the answer carries what the
      earlier attempts met (`EARLIER_ATTEMPTS`), and `SafetyTransport` tells the two apart.
    - A lost connection (a reset) is retried only for idempotent methods, for the same reason.
    - A read timeout is not retried: the server is there but does not answer.
    - Anything else, a 500 included, is the API's answer and returned at once.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        attempts: int = 5,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        log: RetryLog | None = None,
    ) -> None:
        self._inner = inner
        self.attempts = attempts
        self.max_wait = max_wait
        self._sleep = sleep
        self.log = RetryLog() if log is None else log

    @property
    def retries(self) -> int:
        return self.log.retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reasons: list[str] = []
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self._inner.handle_request(request)
            except httpx.ReadTimeout:
                # The server took the request and stayed silent for the whole timeout; more
                # attempts would multiply that wait (the preflight promises one timeout, not five).
                if reasons:
                    self.log.ended([*reasons, "timeout"], cleared=False)
                raise
            except (httpx.TransportError, ConnectionError) as error:
                if request.method not in IDEMPOTENT_METHODS:
                    # Got past the earlier trouble; this loss is for the caller to resolve.
                    self.log.ended(reasons, cleared=True)
                    raise
                if last:
                    self.log.ended([*reasons, connection_failure(error)], cleared=False)
                    raise
                reasons.append(connection_failure(error))
                self._pause(self._backoff(attempt))
                continue
            status = response.status_code
            retryable = status in RETRYABLE_STATUSES or (
                status in GATEWAY_STATUSES and request.method in IDEMPOTENT_METHODS
            )
            if not retryable or last:
                self.log.ended([*reasons, str(status)] if retryable else reasons, cleared=not retryable)
                response.extensions[EARLIER_ATTEMPTS] = tuple(reasons)
                return response
            reasons.append(str(status))
            response.read()
            response.close()
            # An edge's blip is over in a moment, and its page rarely says when; a rate limit is not.
            default = min(2.0**attempt, self.max_wait) if status == 429 else self._backoff(attempt)
            self._pause(retry_after_seconds(response, default=default, cap=self.max_wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return min(2.0 ** (attempt - 1) * 0.2, self.max_wait)

    def _pause(self, seconds: float) -> None:
        self.log.retried()
        self._sleep(seconds)

    def close(self) -> None:
        self._inner.close()


def an_earlier_attempt_may_have_acted(response: httpx.Response) -> bool:
    """Whether an attempt before this answer may have been carried out by the API."""
    return not MAY_HAVE_ACTED.isdisjoint(response.extensions.get(EARLIER_ATTEMPTS, ()))


def connection_failure(error: BaseException) -> str:
    """How the report names a request that got no answer."""
    if isinstance(error, httpx.ConnectError):
        return "connection refused"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    return "connection reset"


def retry_after_seconds(response: httpx.Response, *, default: float, cap: float) -> float:
    """`Retry-After` in seconds (delta form; an HTTP date falls back to `default`), capped."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = default
    return max(0.0, min(seconds, cap))
