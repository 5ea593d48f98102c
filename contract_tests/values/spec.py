"""openapi.yaml as data: its schemas as JSON Schema 2020-12 validators.

The suite derives its expectations from the spec and the contract document, so this module is
the one place that reads the spec file. Validation uses jsonschema-rs because its `pattern`
follows ECMA-262 as JSON Schema requires (`$` only at the very end); Python's `re`, which the
`jsonschema` package uses, would accept a trailing newline.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from mock_api.spec_file import spec_path

SCHEMA_REF = "#/components/schemas/"
# libyaml's loader when PyYAML has it: the pure-Python one takes a few tenths of a second for
# each read of the spec, and every run reads it more than once.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# CONTRACT_SPEC points a run at another copy of the spec (a branch's, a reviewer's).
SPEC_PATH = Path(os.environ.get("CONTRACT_SPEC") or spec_path())


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=YAML_LOADER)
    return document


@cache
def schema_validator(name: str, path: Path = SPEC_PATH) -> jsonschema_rs.Draft202012Validator:
    """A validator for `#/components/schemas/<name>`, with the spec's `$ref`s resolvable."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": load_spec(path)["components"],
    }
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def without_closed_responses(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the spec whose response objects accept undocumented keys.

    Schemathesis checks responses against this copy, so an extra key (additive drift) is left
    to the suite's own detector, which reports it as a warning unless the run is strict. Request
    schemas keep their own rules, so negative cases are drawn as before.
    """
    lenient = copy.deepcopy(document)
    schemas = lenient["components"]["schemas"]
    for name in schemas_in_responses(lenient):
        if schemas[name].get("additionalProperties") is False:
            del schemas[name]["additionalProperties"]
    return lenient


def schemas_in_responses(document: dict[str, Any]) -> set[str]:
    """Names of the component schemas some response uses, directly or through other schemas."""
    pending: list[Any] = [
        operation.get("responses", {})
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    pending.append(document["components"].get("responses", {}))
    found: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_REF) and (name := ref[len(SCHEMA_REF) :]) not in found:
                found.add(name)
                pending.append(document["components"]["schemas"][name])
            pending += node.values()
    return found


def defaults_of(name: str) -> dict[str, Any]:
    """The `default` of every property of `#/components/schemas/<name>` that declares one."""
    properties = load_spec()["components"]["schemas"][name].get("properties", {})
    return {key: schema["default"] for key, schema in properties.items() if "default" in schema}


def resolved(schema: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    """`schema` (or any spec object) with its `$ref` chain followed through `document` (default:
    the spec); keywords next to a `$ref` win over the target's."""
    while "$ref" in schema:
        node: Any = load_spec() if document is None else document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = {**node, **{key: value for key, value in schema.items() if key != "$ref"}}
    return schema


def json_type(value: object) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def schema_at(name: str, *path: str) -> dict[str, Any]:
    """`#/components/schemas/<name>`, then down its properties (`items` steps into a list), resolved."""
    schema = resolved({"$ref": f"{SCHEMA_REF}{name}"})
    for step in path:
        schema = resolved(schema["items"] if step == "items" else schema["properties"][step])
    return schema


def patch_accepts(body: object) -> bool:
    """The spec's verdict on a PATCH body (its request-level rules included)."""
    return bool(schema_validator("SipTrunkUpdate").is_valid(body))


def valid_patch(body: dict[str, Any]) -> dict[str, Any]:
    """`body`, once the spec agrees it is a valid PATCH: a check's chosen value, checked before use."""
    if not patch_accepts(body):
        raise AssertionError(f"the suite meant this PATCH as valid, but the spec refuses it: {body}")
    return body


# The spec's shared answers whose status a check asserts: a wrong or missing token, a field error.
AUTH_FAILURE = "Unauthorized"
VALIDATION_FAILURE = "ValidationFailed"


def status_for(method: str, path: str, response: str) -> int | None:
    """The status under which `method path` (a path template) documents the shared answer
    `#/components/responses/<response>`: what a check asserts, so that an edit of it moves the check."""
    operation = load_spec()["paths"].get(path, {}).get(method.lower(), {})
    for status, answer in operation.get("responses", {}).items():
        if isinstance(answer, dict) and answer.get("$ref") == f"#/components/responses/{response}":
            return int(status)
    return None


# Rules PATCH checks over the merged trunk: no JSON Schema keyword can say them, so the operation
# lists them under this extension, each with an `id`, its `rule` text and its `x-provenance`.
MERGED_STATE_RULES = "x-merged-state-rules"
TRUNK_PATH = "/sip-trunks/trunks/{trunk_id}"


def merged_state_rules(document: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The merged-state rules of PATCH as `document` (default: the spec) lists them; a rule the
    spec drops is one no check expects any more."""
    operation = (load_spec() if document is None else document)["paths"].get(TRUNK_PATH, {}).get("patch", {})
    rules = operation.get(MERGED_STATE_RULES, [])
    return [rule for rule in rules if isinstance(rule, dict)] if isinstance(rules, list) else []
