"""Every answer checked as it arrives, whichever check sent it.

The status must be one the spec documents for the operation, the content type one it gives for
that status, the headers it promises there (`Retry-After` on 429) present, and the body valid
against the response schema. A 405 to a method the path does not serve carries `Allow` (contract:
status codes). A drift of shape or type is then a finding on the first answer that shows it,
wherever in the run that is, rather than when the conformance family gets to it.

Findings carry the fingerprints Schemathesis's findings of the same cause get (conformance.py),
so the two merge into one. Schemas are the open copy of the spec (spec.py): undocumented keys are
left to their own detector. Answers the suite made up itself (a create recovered after a lost
answer) are not the API's and are skipped.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import httpx
import jsonschema_rs

from contract_tests.findings.findings import Finding, undocumented_status
from contract_tests.observers.edge import RECOVERED, edge_note
from contract_tests.values.causes import fingerprint, looser_fingerprint, rule_at_instance, rule_from_schema_path
from contract_tests.values.spec import load_spec, resolved, without_closed_responses

CHECK = "conformance"
TEST = "every answer"
# Contract, status codes: 405 names the methods the path serves. The lifecycle check asks for it
# too; the observer's finding shares its cause.
ALLOW_CAUSE = fingerprint("lifecycle", "test_unserved_method_answers_405_with_allow", "failure")
Sink = Callable[[Finding], None]


@dataclass
class AnswerChecks:
    spec: dict[str, Any] = field(default_factory=load_spec)
    token: str = ""  # the run's token: an answer to a request without it is an auth failure's
    pending: list[Finding] = field(default_factory=list)  # found before anyone listens
    sink: Sink | None = None
    # One finding per cause and operation is enough: a cause shared by operations (a status)
    # is suggested for each operation it was seen on.
    _seen: set[tuple[str, str]] = field(default_factory=set)
    _validators: dict[tuple[str, int], jsonschema_rs.Draft202012Validator] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report_to(self, sink: Sink) -> None:
        """Send findings to `sink` from now on, those found so far first."""
        with self._lock:
            self.sink = sink
            pending, self.pending = self.pending, []
        for finding in pending:
            sink(finding)

    def observe(self, method: str, path: str, response: httpx.Response, body: object) -> None:
        if response.headers.get(RECOVERED):
            return
        findings = list(self._check(method.upper(), path, response, body))
        with self._lock:
            fresh = [finding for finding in findings if _once(finding) not in self._seen]
            self._seen |= {_once(finding) for finding in fresh}
            sink = self.sink
            if sink is None:
                self.pending += fresh
                return
        for finding in fresh:
            sink(finding)

    # -- the checks ---------------------------------------------------------------------------
    def _check(self, method: str, path: str, response: httpx.Response, body: object) -> list[Finding]:
        status = response.status_code
        match = self._path(path)
        if match is None:
            return []  # not a path of the spec: nothing it promises
        template, item = match
        operation = item.get(method.lower())
        label = f"{method} {template}"
        if not isinstance(operation, dict):
            if status == 405 and not response.headers.get("Allow"):
                return [self._finding(ALLOW_CAUSE, label, status, "answered 405 without an Allow header", "lifecycle")]
            return []
        responses: dict[str, Any] = operation.get("responses", {})
        documented = self._response(responses, status)
        if documented is None:
            if status in (429, 503) and response.headers.get("Retry-After"):
                return []  # wait and retry: the spec's conventions, not drift
            return [self._status(method, template, response, body)]
        found = []
        for header, spec in self._resolve(documented).get("headers", {}).items():
            if self._resolve(spec).get("required") and header not in response.headers:
                cause = fingerprint(CHECK, label, "MissingHeaders", status)
                found.append(self._finding(cause, label, status, f"answered {status} without the {header} header"))
        content = self._resolve(documented).get("content")
        if not content or not response.content:
            return found
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in content:
            cause = fingerprint(CHECK, label, "UndefinedContentType", status)
            what = f"answered {status} as {media or 'no content type'}, not {', '.join(content)} as documented"
            return [*found, self._finding(cause, label, status, what)]
        schema = content[media].get("schema")
        if schema is not None and media.endswith("json") and body is not None:
            found += self._body(label, status, schema, body)
        return found

    def _status(self, method: str, template: str, response: httpx.Response, body: object) -> Finding:
        label, status = f"{method} {template}", response.status_code
        if status >= 500:
            edge = edge_note(response)
            cause = fingerprint(CHECK, label, "server-error", status)
            return self._finding(cause, label, status, f"(server error{'; ' + edge if edge else ''})")
        authenticated = self._authenticated(response)
        finding = undocumented_status(method, template, status, body, authenticated=authenticated)
        return replace(finding, test=TEST)

    def _authenticated(self, response: httpx.Response) -> bool:
        """Whether the request carried the run's token (a request not known is taken as it did)."""
        try:
            header = response.request.headers.get("Authorization")
        except RuntimeError:  # an answer made without its request
            return True
        return not self.token or header == f"Bearer {self.token}"

    def _body(self, label: str, status: int, schema: dict[str, Any], body: object) -> list[Finding]:
        found: dict[str, Finding] = {}
        for error in self._validator(label, status, schema).iter_errors(body):
            schema_path = list(error.schema_path)
            keyword = str(schema_path[-1]) if schema_path else "?"
            steps = list(error.instance_path)
            pointer = "".join(f"/{'*' if isinstance(step, int) else step}" for step in steps)
            rule = rule_from_schema_path(schema_path) or rule_at_instance(schema, steps, keyword)
            place = rule.key if rule else f"{label} {status} {pointer} {keyword}"
            what = rule.describe() if rule else f"{keyword} at {pointer or '/'}"
            value = json.dumps(error.instance, ensure_ascii=False, default=str)
            title = f"breaks {what}: {value[:60]} at {pointer or '/'}"
            cause = fingerprint(CHECK, "response-schema", place)
            consequence = looser_fingerprint(rule) if rule else None
            found.setdefault(cause, self._finding(cause, label, status, title, consequence_of=consequence))
        return list(found.values())

    def _finding(
        self,
        cause: str,
        label: str,
        status: int,
        what: str,
        check: str = CHECK,
        *,
        kind: Any = "breaking",
        consequence_of: str | None = None,
    ) -> Finding:
        title = f"{status} answer of {label} {what}"
        return Finding(
            check,
            TEST,
            "failure",
            title[:200],
            f"seen as it arrived: {title}",
            kind=kind,
            fingerprint=cause,
            operations=[label],
            consequence_of=consequence_of,
        )

    # -- reading the spec ---------------------------------------------------------------------
    @cached_property
    def _paths(self) -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
        return [
            (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + r"\Z"), template, item)
            for template, item in self.spec["paths"].items()
        ]

    def _path(self, path: str) -> tuple[str, dict[str, Any]] | None:
        for pattern, template, item in self._paths:
            if pattern.match(path):
                return template, item
        return None

    def _response(self, responses: dict[str, Any], status: int) -> dict[str, Any] | None:
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                return self._resolve(responses[key])
        return None

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        return resolved(node, self.spec)

    @cached_property
    def _components(self) -> dict[str, Any]:
        components: dict[str, Any] = without_closed_responses(self.spec)["components"]
        return components

    def _validator(self, label: str, status: int, schema: dict[str, Any]) -> jsonschema_rs.Draft202012Validator:
        key = (label, status)
        if key not in self._validators:
            document = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                **schema,
                "components": self._components,
            }
            self._validators[key] = jsonschema_rs.Draft202012Validator(document, validate_formats=True)
        return self._validators[key]


def _once(finding: Finding) -> tuple[str, str]:
    return finding.fingerprint, finding.operations[0] if finding.operations else ""
