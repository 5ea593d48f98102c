"""What a run found, and how it is told without giving away a secret."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from contract_tests.values.causes import (
    Provenance,
    answer_component,
    status_provenance,
    status_rule_fingerprint,
    undocumented_status_fingerprint,
)
from contract_tests.values.spec import AUTH_FAILURE, status_for

RUN_TOKEN = "Bearer $BOLNA_API_KEY"  # the run's own token, as reports write it


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, kept for the report's reproduction steps."""

    method: str
    url: str
    request_body: bytes
    status: int | None
    response_body: bytes
    # The Authorization header as sent (None: none); the default stands for the run's own token.
    authorization: str | None = RUN_TOKEN


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
    # Where the rule it concerns comes from (openapi.yaml's x-provenance): `assumed` makes it a
    # calibration of the spec, `docs` the API's to fix; None: behaviour, not a rule of the spec.
    provenance: Provenance | None = None

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


def undocumented_status(method: str, template: str, status: int, body: object, *, authenticated: bool) -> Finding:
    """An answer with a status the operation does not document, one cause per status and kind of request.

    Without the run's token it is the auth failure status the spec assumed wrong; otherwise a
    status to document. Either way the evidence says where it was seen, with the body schema it fits.
    """
    operation = f"{method.upper()} {template}"
    evidence: dict[str, Any] = {
        "method": method.lower(),
        "path": template,
        "status": status,
        "schema": answer_component(body),
        "seen_at": [[method.lower(), template]],
    }
    # Only another 4xx is the assumed auth status: a token-less request let through is no calibration.
    refused = 400 <= status < 500
    documented = None if authenticated or not refused else status_for(method, template, AUTH_FAILURE)
    if documented is not None:
        evidence |= {"replaces": AUTH_FAILURE, "documented": documented}
        return Finding(
            "auth",
            "every answer",
            "failure",
            f"a request with no or a made-up token answers {status}, not {documented} as the spec says",
            f"{operation} answered {status} to a request without the run's token; the spec gives a wrong "
            f"or missing token {documented} ({AUTH_FAILURE}).",
            kind="breaking",
            fingerprint=status_rule_fingerprint(AUTH_FAILURE, status),
            operations=[operation],
            evidence=evidence,
            provenance=status_provenance(method, template, documented),
        )
    return Finding(
        "conformance",
        "every answer",
        "failure",
        f"answers {status}, a status the spec does not document (body: {evidence['schema'] or 'no known schema'})",
        f"{operation} answered {status}, which the spec does not list for it.",
        kind="additive",
        fingerprint=undocumented_status_fingerprint(status, authenticated or not refused),
        operations=[operation],
        evidence=evidence,
        provenance="assumed",  # the list of statuses is this kit's (no status is documented by Bolna)
    )


KIND_ORDER: tuple[Kind, ...] = ("breaking", "looser", "additive")


def _combined(first: Finding, other: Finding) -> Finding:
    reproduce = min((first.reproduce, other.reproduce), key=lambda steps: (not steps, sum(map(len, steps))))
    evidence = dict(first.evidence)
    for key, value in other.evidence.items():
        if isinstance(value, list) and isinstance(evidence.get(key), list):
            evidence[key] = _union(evidence[key], value)
        else:
            evidence.setdefault(key, value)
    severity = first.severity if first.severity == "failure" else other.severity
    # What a client feels most decides the kind: a status seen first by the observer of every
    # answer (undocumented) and then by the check that asserts it (breaking) is breaking.
    kinds = [kind for kind in (first.kind, other.kind) if kind is not None]
    return replace(
        first,
        kind=min(kinds, key=KIND_ORDER.index) if kinds else None,
        provenance=first.provenance or other.provenance,
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
    """A command that repeats the request against `$BOLNA_BASE_URL`, with the credential it was
    sent with: `$BOLNA_API_KEY` for the run's token, none or the made-up one as they were."""
    parts = urlsplit(exchange.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    command = f'curl -X {exchange.method} "$BOLNA_BASE_URL{target}"'
    header = None if exchange.authorization is None else scrub(exchange.authorization)
    if header == RUN_TOKEN:
        command += f' -H "Authorization: {RUN_TOKEN}"'  # double quotes: the shell expands the key
    elif header is not None:
        command += f" -H {shlex.quote('Authorization: ' + header)}"
    if exchange.request_body:
        body = scrub(exchange.request_body.decode("utf-8", "replace"))
        command += f" -H 'Content-Type: application/json' -d {shlex.quote(_compact(body))}"
    answer = exchange.response_body.decode("utf-8", "replace")
    if exchange.authorization is None:
        command += "  # sent with no Authorization header"
    return f"{command}\n# answered {exchange.status}: {scrub(_compact(answer))[:300]}"


def _compact(text: str) -> str:
    try:
        return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return text
