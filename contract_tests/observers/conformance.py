"""Schemathesis's failures, one finding each, named by what it found and the rule of the spec it concerns."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from schemathesis.core.failures import AcceptedNegativeData, ServerError
from schemathesis.openapi.checks import JsonSchemaError, RejectedPositiveData, UndefinedStatusCode

from contract_tests.findings.findings import Finding, Kind, undocumented_status
from contract_tests.values.causes import (
    Provenance,
    Rule,
    field_at,
    fingerprint,
    looser_fingerprint,
    provenance_of,
    request_component,
    response_schema,
    rule_at_instance,
    rule_from_schema_path,
    rules_broken,
    stricter_fingerprint,
)


def failures_of(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [inner for group in error.exceptions for inner in failures_of(group)]
    return [error]


def findings_of(
    error: BaseException,
    case: Any,
    status: int,
    body: object,
    test: str,
    reproduce: list[str],
    edge: str = "",
    *,
    authenticated: bool = True,
) -> list[Finding]:
    """A finding per Schemathesis failure in `error`, for the answer `status` (with `body`) to `case`
    (sent with the run's token, or, `authenticated` False, without it: its negative cases drop it);
    `edge` names the page when a gateway in front of the API answered instead (edge.py)."""
    operation = f"{case.method.upper()} {case.path}"
    found = []
    for failure in failures_of(error):
        if isinstance(failure, UndefinedStatusCode) and status < 500:
            # The same cause, evidence and suggestion as the observer of every answer gives it.
            seen = undocumented_status(case.method, case.path, status, body, authenticated=authenticated)
            message = str(getattr(failure, "message", "") or failure)
            found.append(replace(seen, test=test, reproduce=reproduce, detail=f"{seen.detail}\n{message}"[:3000]))
        elif isinstance(failure, Exception):
            found.append(_finding(failure, case, operation, status, body, test, reproduce, edge))
    return found


def _finding(
    failure: Exception,
    case: Any,
    operation: str,
    status: int,
    body: object,
    test: str,
    reproduce: list[str],
    edge: str = "",
) -> Finding:
    kind: Kind = "breaking"
    consequence_of = None
    provenance: Provenance | None = None
    evidence: dict[str, Any] = {"check": type(failure).__name__}
    if isinstance(failure, JsonSchemaError):
        keyword = str(list(failure.schema_path)[-1]) if failure.schema_path else "?"
        pointer = "".join(f"/{'*' if isinstance(step, int) else step}" for step in failure.instance_path)
        schema = response_schema(case.method, case.path, status) or {}
        rule = rule_from_schema_path(list(failure.schema_path)) or rule_at_instance(
            schema, list(failure.instance_path), keyword
        )
        place = rule.key if rule else f"{operation} {status} {pointer} {keyword}"
        cause = fingerprint("conformance", "response-schema", place)
        consequence_of = looser_fingerprint(rule) if rule else None
        what = rule.describe() if rule else f"{keyword} at {pointer or '/'}"
        title = f"{status} answer of {operation} breaks {what}: {_short(failure.instance)} at {pointer or '/'}"
    elif isinstance(failure, AcceptedNegativeData):
        kind = "looser"
        component = request_component(case.method, case.path)
        rules: list[Rule] = rules_broken(component, case.body) if component and case.body is not None else []
        if len(rules) == 1:
            cause = looser_fingerprint(rules[0])
        else:
            cause = fingerprint("conformance", operation, "accepted-negative", *(rule.key for rule in rules))
            consequence_of = looser_fingerprint(rules[0]) if rules else None
        broken = ", ".join(rule.describe() for rule in rules) or "the request's schema"
        title = f"{operation} answered {status} to a request that breaks {broken}: {_short(case.body)}"
        if rules:
            provenance = rules[0].provenance
            evidence["rule"] = {
                "component": rules[0].component,
                "path": rules[0].path,
                "keyword": rules[0].keyword,
                "documented": rules[0].documented,
            }
    elif isinstance(failure, RejectedPositiveData) and (refused := _refused_fields(case, body)):
        # The answer names the field it refused: that field's cause, whichever request showed it.
        (place, where, value, provenance), *others = refused
        cause = stricter_fingerprint(place)
        title = f"{operation} refused {where} {_short(value)}, which the spec allows, with {status}"
        also = "".join(f"; also {w} {_short(v)}" for _, w, v, _ in others)
        return Finding(
            "conformance",
            test,
            "failure",
            (title + also)[:200],
            f"The spec allows {where} {_short(value, 200)}{also}; the API answered {status}: {_short(body, 400)}",
            reproduce,
            kind="breaking",
            fingerprint=cause,
            operations=[operation],
            evidence={"field": place, "refused": [_short(value, 80)]},
            provenance=provenance,
        )
    elif isinstance(failure, RejectedPositiveData):
        cause = fingerprint("conformance", operation, "rejected-positive", status)
        title = f"{operation} refused a request the spec allows with {status}: {_short(case.body)}"
    elif isinstance(failure, UndefinedStatusCode):
        cause = fingerprint("conformance", operation, "undocumented-status", status)
        whose = f" ({edge})" if edge else ""
        title = f"{operation} answered {status}{whose}, a status the spec does not document for it"
    elif isinstance(failure, ServerError):
        cause = fingerprint("conformance", operation, "server-error", status)
        title = f"{operation} answered {status} (server error{'; ' + edge if edge else ''}) to {_short(case.body)}"
    else:
        name = getattr(failure, "title", type(failure).__name__)
        cause = fingerprint("conformance", operation, type(failure).__name__, status)
        title = f"{name}: {operation} answered {status}"
    message = str(getattr(failure, "message", "") or failure)
    return Finding(
        "conformance",
        test,
        "failure",
        title[:200],
        f"Schemathesis check {getattr(failure, 'title', type(failure).__name__)} on {operation} ({status}):\n{message}"[
            :3000
        ],
        reproduce,
        kind=kind,
        fingerprint=cause,
        operations=[operation],
        evidence=evidence,
        consequence_of=consequence_of,
        provenance=provenance,
    )


def _refused_fields(case: Any, body: object) -> list[tuple[str, str, Any, Provenance]]:
    """The fields a validation answer's `loc`s name in the request body: (schema place, where,
    value sent, provenance), each place once; empty when the answer names none of the body's."""
    component = request_component(case.method, case.path)
    items = body.get("detail") if isinstance(body, dict) else None
    found: dict[str, tuple[str, str, Any, Provenance]] = {}
    for item in items if isinstance(items, list) and component else []:
        loc = item.get("loc") if isinstance(item, dict) else None
        if not isinstance(loc, list) or len(loc) < 2 or loc[0] != "body":
            continue
        steps = [step for step in loc[1:] if isinstance(step, (str, int))]
        field = field_at(str(component), steps)
        value = _value_at(case.body, steps)
        if field is not None and value is not _ABSENT:
            place, schema = field
            where = ".".join(map(str, steps))
            found.setdefault(place, (place, where, value, provenance_of(schema)))
    return list(found.values())


_ABSENT = object()


def _value_at(body: object, steps: list[str | int]) -> object:
    for step in steps:
        try:
            body = body[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return body


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
