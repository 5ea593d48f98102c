"""httpx transports that every request of the suite passes through, whatever the target.

They stack: `SafetyTransport` (see safety.py) -> `RetryTransport` -> `BudgetTransport` -> the
target's own transport (the network, or the mock in-process).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import httpx

RETRYABLE_STATUSES = frozenset({429, 503})
# Describe the bytes on the wire, not the decoded body a response object holds once read.
WIRE_FORM_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
IDEMPOTENT_METHODS = frozenset({"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def decoded_answer(status: int, content: bytes, headers: Mapping[str, str]) -> httpx.Response:
    """An answer rebuilt from a body httpx already decoded: without the headers of its wire form,
    which would make httpx decode (gunzip, inflate) the body a second time."""
    kept = [
        (name, value) for name, value in httpx.Headers(headers).multi_items() if name.lower() not in WIRE_FORM_HEADERS
    ]
    return httpx.Response(status, content=content, headers=kept)


class ClientTransport(httpx.BaseTransport):
    """Hands requests to an existing `httpx.Client`, e.g. Starlette's `TestClient` (sync ASGI).

    The client is entered once and exited on close: a `TestClient` outside its `with` block starts
    a new event-loop thread for every request, which made in-process slower than loopback.
    """

    def __init__(self, client: httpx.Client) -> None:
        self._client = client.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._client.send(request)
        response.read()
        return response

    def close(self) -> None:
        self._client.__exit__(None, None, None)


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


class RetryTransport(httpx.BaseTransport):
    """Waits and retries what is safe to retry, so transient trouble is not reported as drift.

    - 429 and 503 mean "not processed": any method is retried after `Retry-After` seconds.
    - A lost connection is retried only for idempotent methods; a lost answer to a POST may
      mean it happened, which `SafetyTransport` resolves by looking the trunk (or number) up.
    - A read timeout is not retried: the server is there but does not answer.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        attempts: int = 5,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self.attempts = attempts
        self.max_wait = max_wait
        self._sleep = sleep
        self.retries = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self._inner.handle_request(request)
            except httpx.ReadTimeout:
                # The server took the request and stayed silent for the whole timeout; more
                # attempts would multiply that wait (the preflight promises one timeout, not five).
                raise
            except (httpx.TransportError, ConnectionError):
                if last or request.method not in IDEMPOTENT_METHODS:
                    raise
                self._pause(min(2.0 ** (attempt - 1) * 0.2, self.max_wait))
                continue
            if response.status_code not in RETRYABLE_STATUSES or last:
                return response
            response.read()
            response.close()
            self._pause(retry_after_seconds(response, default=min(2.0**attempt, self.max_wait), cap=self.max_wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        self.retries += 1
        self._sleep(seconds)

    def close(self) -> None:
        self._inner.close()


def retry_after_seconds(response: httpx.Response, *, default: float, cap: float) -> float:
    """`Retry-After` in seconds (delta form; an HTTP date falls back to `default`), capped."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = default
    return max(0.0, min(seconds, cap))
