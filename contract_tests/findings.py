"""What a run found, and how it is told without giving away a secret."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from contract_tests.safety import Exchange

Severity = Literal["failure", "warning", "defect"]
# breaking: the API does not do what the spec promises; looser: it accepts what the spec forbids;
# additive: its answers carry what the spec does not document. None: not about the API (a defect).
Kind = Literal["breaking", "looser", "additive"]
KINDS: tuple[Kind, ...] = ("breaking", "looser", "additive")


@dataclass(frozen=True)
class Finding:
    check: str  # the check family, e.g. "patch-semantics"
    test: str  # the test that saw it
    severity: Severity
    title: str  # one line
    detail: str  # what the spec says and what the API did
    reproduce: list[str] = field(default_factory=list)  # curl commands, the shortest first
    kind: Kind | None = None
    fingerprint: str = ""  # the cause's id (see causes.py); findings with the same one are merged
    occurrences: int = 1
    operations: list[str] = field(default_factory=list)  # where it was seen
    consequences: list[str] = field(default_factory=list)  # symptoms of this cause seen by other checks
    evidence: dict[str, Any] = field(default_factory=dict)  # the rule, the values seen, a measured bound
    # The fingerprint of a cause this finding is a consequence of, should that cause be reported.
    consequence_of: str | None = None

    def as_dict(self) -> dict[str, object]:
        document = asdict(self)
        del document["consequence_of"]
        return document


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per fingerprint, and symptoms folded into the cause they follow from."""
    by_cause: dict[str, Finding] = {}
    for finding in findings:
        kept = by_cause.get(finding.fingerprint)
        by_cause[finding.fingerprint] = finding if kept is None else _combined(kept, finding)
    causes = list(by_cause.values())
    for symptom in [finding for finding in causes if finding.consequence_of in by_cause]:
        cause = by_cause[str(symptom.consequence_of)]
        if cause is symptom:
            continue
        note = f"[{symptom.check}] {symptom.title}"
        by_cause[cause.fingerprint] = replace(
            cause,
            consequences=_union(cause.consequences, [note]),
            operations=_union(cause.operations, symptom.operations),
        )
        del by_cause[symptom.fingerprint]
    return list(by_cause.values())


def _combined(first: Finding, other: Finding) -> Finding:
    reproduce = min((first.reproduce, other.reproduce), key=lambda steps: (not steps, sum(map(len, steps))))
    evidence = dict(first.evidence)
    for key, value in other.evidence.items():
        if isinstance(value, list) and isinstance(evidence.get(key), list):
            evidence[key] = _union(evidence[key], value)
        else:
            evidence.setdefault(key, value)
    severity = first.severity if first.severity == "failure" else other.severity
    return replace(
        first,
        severity=severity,
        occurrences=first.occurrences + other.occurrences,
        operations=_union(first.operations, other.operations),
        consequences=_union(first.consequences, other.consequences),
        reproduce=reproduce,
        evidence=evidence,
    )


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    out = list(first)
    for item in second:
        if item not in out:
            out.append(item)
    return out


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
