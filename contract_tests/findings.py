"""What a run found, and how it is told without giving away a secret."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from contract_tests.safety import Exchange

Severity = Literal["failure", "warning", "defect"]


@dataclass(frozen=True)
class Finding:
    check: str  # the check family, e.g. "patch-semantics"
    test: str  # the test that saw it
    severity: Severity
    title: str  # one line
    detail: str  # what the spec says and what the API did
    reproduce: list[str] = field(default_factory=list)  # curl commands

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Scrubber:
    """Replaces the token and every password the suite sent before anything is shown or written."""

    def __init__(self, token: Callable[[], str], passwords: Callable[[], Iterable[str]]) -> None:
        self._token = token
        self._passwords = passwords

    def __call__(self, text: str) -> str:
        token = self._token()
        if token:
            text = text.replace(token, "$BOLNA_API_KEY")
        # Longest first, so that a password containing another is replaced whole.
        for password in sorted(set(self._passwords()) - {token}, key=len, reverse=True):
            if password:
                text = text.replace(password, "***")
        return text


def as_curl(exchange: Exchange, scrub: Callable[[str], str]) -> str:
    """A command that repeats the request against `$BOLNA_BASE_URL` with `$BOLNA_API_KEY`."""
    parts = urlsplit(exchange.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    command = f'curl -X {exchange.method} "$BOLNA_BASE_URL{target}" -H "Authorization: Bearer $BOLNA_API_KEY"'
    if exchange.request_body:
        body = scrub(exchange.request_body.decode("utf-8", "replace"))
        command += f" -H 'Content-Type: application/json' -d {shlex.quote(_compact(body))}"
    answer = exchange.response_body.decode("utf-8", "replace")
    return f"{command}\n# answered {exchange.status}: {scrub(_compact(answer))[:300]}"


def _compact(text: str) -> str:
    try:
        return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return text
