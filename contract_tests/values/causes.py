"""What a finding is about: the rule of the spec it concerns, and a fingerprint of its cause.

A rule is one keyword at one place of openapi.yaml (`maxLength` of `TrunkName`, `maxItems` of
`SipTrunkUpdate`'s `gateways`). Findings about the same rule are one cause, whichever check saw
them; the fingerprint is built from such places and kinds of deviation only, never from the
values, ids or seed of a run, so two runs against the same API give the same fingerprints.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from contract_tests.values.spec import AUTH_FAILURE, load_spec, resolved, schema_validator

SCHEMAS = ("components", "schemas")
# Answer schemas of the spec a new status's body may be, simplest first.
ANSWER_SCHEMAS = ("Error", "ValidationError", "Message", "SipTrunk", "PhoneNumber")
# Keywords whose loosening the run measures (bounds) or samples (patterns).
# The spec's extension that says where a rule comes from (see openapi.yaml's description).
PROVENANCE = "x-provenance"
Provenance = Literal["docs", "assumed"]
BOUNDS = frozenset({"maxLength", "maxItems", "maximum", "minimum", "minLength", "minItems"})


@dataclass(frozen=True, order=True)
class Rule:
    component: str  # the schema component the keyword is written in
    path: str  # JSON pointer inside the component; "" for the component itself
    keyword: str

    @property
    def key(self) -> str:
        """The same rule wherever it is repeated: a shared shape by its name, an inline one by its field.

        `gateways`' `maxItems: 8` is written in the create, the update and the response schema;
        a loosened one is one cause.
        """
        field = self.path.rsplit("/", 1)[-1] if self.path else self.component
        return f"{field}.{self.keyword}"

    @property
    def pointer(self) -> str:
        return f"#/components/schemas/{self.component}{self.path}/{self.keyword}"

    @property
    def documented(self) -> Any:
        return schema_at(self.component, self.path).get(self.keyword)

    @property
    def provenance(self) -> Provenance:
        return provenance_of(schema_at(self.component, self.path))

    def as_evidence(self) -> dict[str, Any]:
        """The rule as drift.json's evidence names it."""
        return {"component": self.component, "path": self.path, "keyword": self.keyword, "documented": self.documented}

    def describe(self) -> str:
        where = self.component + (self.path.replace("/properties/", ".").replace("/items", "[]") if self.path else "")
        return f"{where} {self.keyword} {json.dumps(self.documented, ensure_ascii=False)}"


def provenance_of(node: dict[str, Any]) -> Provenance:
    """Where a rule of the spec comes from: Bolna's pages (`docs`) or this kit's guess (`assumed`).

    A rule that does not say is taken as assumed: only what Bolna documents is Bolna's promise.
    """
    return "docs" if node.get(PROVENANCE) == "docs" else "assumed"


def status_provenance(method: str, path: str, status: int | str) -> Provenance:
    """The provenance of status `status` of `method path` (a path template), as the spec gives it."""
    operation = load_spec()["paths"].get(path, {}).get(method.lower(), {})
    response = operation.get("responses", {}).get(str(status))
    return provenance_of(resolved(response)) if isinstance(response, dict) else "assumed"


def fingerprint(*parts: object) -> str:
    """A short stable id of a cause, from the parts that identify it (never from run data)."""
    text = json.dumps([str(part) for part in parts], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def status_rule_fingerprint(response: str, seen: int) -> str:
    """A shared answer (`Unauthorized`) given with another status, whichever operation showed it."""
    return fingerprint("status-rule", response, seen)


def undocumented_status_fingerprint(status: int, authenticated: bool) -> str:
    """An undocumented status, by the kind of request it answered, whichever operation showed it.

    A request without the run's token answered with it is the auth failure status.
    """
    if not authenticated:
        return status_rule_fingerprint(AUTH_FAILURE, status)
    return fingerprint("undocumented-status", status)


def answer_component(body: object) -> str | None:
    """The first of the spec's answer schemas `body` fits, to document a new status with it."""
    for name in ANSWER_SCHEMAS:
        if name in load_spec()["components"]["schemas"] and schema_validator(name).is_valid(body):
            return name
    return None


def stricter_fingerprint(place: str) -> str:
    """A value the spec allows refused: one cause per field (its schema place), whoever sent it."""
    return fingerprint("stricter", place)


def rule_place(rule: Rule) -> str:
    """The field a rule is written for, as `field_place` names it."""
    return rule.key.rsplit(".", 1)[0]


def field_place(component: str, steps: list[str | int]) -> str | None:
    """The schema place of the value at `steps` in a `component` body: the named shape it
    references (`TrunkName`), else the field it is written inline as (`gateways`)."""
    found = field_at(component, steps)
    return found[0] if found else None


def field_at(component: str, steps: list[str | int]) -> tuple[str, dict[str, Any]] | None:
    """`field_place`, and the field's schema as written there (its `x-provenance` included)."""
    spec = load_spec()
    node: Any = spec["components"]["schemas"].get(component)
    place = component
    for step in steps:
        node = resolved(node) if isinstance(node, dict) else {}
        if isinstance(step, int):
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(step)
            place = step
        if not isinstance(node, dict):
            return None
        if "$ref" in node:
            place = node["$ref"].rsplit("/", 1)[-1]
    return place, resolved(node) if isinstance(node, dict) else {}


def looser_fingerprint(rule: Rule) -> str:
    return fingerprint("looser", rule.key)


def schema_at(component: str, path: str) -> dict[str, Any]:
    node: Any = load_spec()["components"]["schemas"][component]
    for part in [p for p in path.split("/") if p]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]  # `allOf/2`: a list's index
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return {}  # a place of the schema as a tool rewrote it (an `if`/`then` as `anyOf`)
    return node if isinstance(node, dict) else {}


def rule_from_schema_path(schema_path: list[str | int]) -> Rule | None:
    """The rule of a jsonschema-rs error's schema path, when it runs through a named component."""
    parts = [str(part) for part in schema_path]
    for index in range(len(parts) - 2, -1, -1):
        if tuple(parts[index : index + 2]) == SCHEMAS and index + 3 < len(parts):
            component, *inner, keyword = parts[index + 2 :]
            return Rule(component, "".join(f"/{part}" for part in inner), keyword)
    return None


def rules_broken(component: str, body: object) -> list[Rule]:
    """The rules of `#/components/schemas/<component>` that `body` breaks, sorted."""
    rules = {
        rule
        for error in schema_validator(component).iter_errors(body)
        if (rule := rule_from_schema_path(list(error.schema_path))) is not None
    }
    return sorted(rules)


def rule_at_instance(schema: dict[str, Any], instance_path: list[str | int], keyword: str) -> Rule | None:
    """The rule a response value at `instance_path` breaks, following the spec's `$ref`s from `schema`."""
    spec = load_spec()
    component, path, node = "", "", schema

    def enter(node: dict[str, Any]) -> dict[str, Any]:
        nonlocal component, path
        while isinstance(node, dict) and "$ref" in node and keyword not in node:
            component, path = node["$ref"].rsplit("/", 1)[-1], ""
            node = spec["components"]["schemas"][component]
        return node

    for step in instance_path:
        node = enter(node)
        if isinstance(step, int):
            node, path = node.get("items", {}), f"{path}/items"
        else:
            node, path = node.get("properties", {}).get(step, {}), f"{path}/properties/{step}"
    node = enter(node)
    return Rule(component, path, keyword) if component and keyword in node else None


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The JSON schema the spec gives the answer `status` of `method path` (a path template)."""
    operation = load_spec()["paths"].get(path, {}).get(method.lower(), {})
    response = operation.get("responses", {}).get(str(status))
    if response is None:
        return None
    schema = resolved(response).get("content", {}).get("application/json", {}).get("schema")
    return schema if isinstance(schema, dict) else None


def request_component(method: str, path: str) -> str | None:
    """The component name of the JSON request body of `method path`, if it has one."""
    operation = load_spec()["paths"].get(path, {}).get(method.lower(), {})
    schema = resolved(operation.get("requestBody", {})).get("content", {}).get("application/json", {}).get("schema")
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None
