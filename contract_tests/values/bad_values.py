"""Values each PATCH field must refuse, derived from the keywords of its schema in the spec.

Bounds give the values just past them; for a `pattern` or an `enum`, candidates of the right
type and length are kept only where the spec's own validator refuses them, so no pattern is
restated here. Every value produced is checked against the spec's `SipTrunkUpdate` schema before
a check uses it, so the list cannot drift from the spec unnoticed.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs

from contract_tests.values.causes import Rule, rules_broken
from contract_tests.values.spec import json_type, load_spec, resolved, schema_validator

# Values of the wrong JSON type, for a field whose schema declares none of their types.
WRONG_TYPE_CANDIDATES: list[Any] = ["60", "true", 0, 1, 7, 1.5, True, None, ["x"], {"x": 1}]
# Strings that break common patterns (blank, case, separators, ECMA's end of input, addresses);
# those the field's pattern accepts are dropped, so each kept one breaks that pattern.
PATTERN_CANDIDATES = [
    " ",
    "\t\r\n",
    "ULAW",
    "ulaw,",
    "ulaw, alaw",
    "ulaw\n",
    "sip_x.invalid",
    "sip.invalid\n",
    "sip invalid",
    "256.1.1.1",
    "1.2.3.4/33",
    "01.2.3.4",
    "1.2.3",
    "1.2.3.4\n",
    "::1",
]
# Of the values that break the same rules, the one a first look sends: what lenient servers let
# through most often. First a value that only a trailing newline makes invalid (Python's `$`
# matches before it, ECMA-262's does not), then these (pydantic's lax mode takes 0, 1 and
# "true" for a boolean and "60" for an integer); the others keep their order.
LIKELIEST_ACCEPTED = [json.dumps(value) for value in (0, 1, "60", "true")]
# Harmless valid items for a list's maxItems + 1, tried in turn against the item schema.
ITEM_CANDIDATES: list[Any] = [{"gateway_address": "sip.invalid"}, {"ip_address": "192.0.2.1"}]


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def _validator(schema: dict[str, Any]) -> jsonschema_rs.Draft202012Validator:
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return jsonschema_rs.Draft202012Validator({**document, "components": load_spec()["components"]})


def bad_values(schema: dict[str, Any]) -> list[Any]:
    """Values the (resolved) field schema rejects: wrong type, out of bounds, pattern, enum."""
    schema = resolved(schema)
    types = _types(schema)
    values: list[Any] = [value for value in WRONG_TYPE_CANDIDATES if _json_type(value) not in types]
    if "enum" in schema:
        values.append("not-" + str(schema["enum"][0]))
    if "string" in types:
        if "minLength" in schema and schema["minLength"] > 0:
            values.append("")
        if "maxLength" in schema:
            values.append("x" * (schema["maxLength"] + 1))
        if "pattern" in schema:
            values += _pattern_breakers(schema)
    if "integer" in types:
        if "minimum" in schema:
            values.append(schema["minimum"] - 1)
        if "maximum" in schema:
            values.append(schema["maximum"] + 1)
    if "array" in types:
        item = resolved(schema["items"])
        if schema.get("minItems", 0) > 0:
            values.append([])
        if "maxItems" in schema:
            values.append([valid_item(item)] * (schema["maxItems"] + 1))
        for bad_item in _bad_items(item):
            values.append([bad_item])
    return values


def _pattern_breakers(schema: dict[str, Any]) -> list[str]:
    """Candidates that only the pattern refuses: the right length, and valid without the pattern."""
    whole = _validator(schema)
    unpatterned = _validator({key: value for key, value in schema.items() if key != "pattern"})
    return [text for text in PATTERN_CANDIDATES if unpatterned.is_valid(text) and not whole.is_valid(text)]


def _json_type(value: Any) -> str:
    # JSON Schema counts a number with no fraction as an integer.
    return "integer" if isinstance(value, float) and value.is_integer() else json_type(value)


def valid_item(item: dict[str, Any]) -> Any:
    """A harmless item the list's item schema accepts."""
    validator = _validator(item)
    for candidate in ITEM_CANDIDATES:
        if validator.is_valid(candidate):
            return candidate
    raise AssertionError(f"none of the suite's harmless items fits the spec's item schema {item}")


def _bad_items(item: dict[str, Any]) -> list[Any]:
    valid = valid_item(item)
    bad: list[Any] = ["not-an-object"]
    bad += [{key: value for key, value in valid.items() if key not in item.get("required", [])}]  # missing required
    for name, property_schema in item.get("properties", {}).items():
        bad += [{**valid, name: value} for value in bad_values(resolved(property_schema))]
    return bad


def bad_values_by_field(fields: list[str] | None = None) -> dict[str, list[Any]]:
    properties = load_spec()["components"]["schemas"]["SipTrunkUpdate"]["properties"]
    validator = schema_validator("SipTrunkUpdate")
    table = {}
    for field in fields or list(properties):
        values = bad_values(properties[field])
        accepted = [value for value in values if validator.is_valid({field: value})]
        assert not accepted, f"bad_values produced values the spec accepts for {field}: {accepted}"
        table[field] = values
    return table


def one_per_rule(field: str, values: list[Any]) -> tuple[list[Any], list[Any]]:
    """`values` split in two: one value for each set of rules they break (the likeliest to be
    accepted), and the rest; both in the order given."""
    groups: dict[frozenset[Rule], list[int]] = {}  # rules broken -> positions in `values`
    for index, value in enumerate(values):
        groups.setdefault(frozenset(rules_broken("SipTrunkUpdate", {field: value})), []).append(index)
    chosen = {min(group, key=lambda index: _likelihood_rank(field, values[index])) for group in groups.values()}
    return [v for i, v in enumerate(values) if i in chosen], [v for i, v in enumerate(values) if i not in chosen]


def _likelihood_rank(field: str, value: Any) -> int:
    stripped = _without_trailing_newlines(value)
    if stripped != value and schema_validator("SipTrunkUpdate").is_valid({field: stripped}):
        return 0
    text = json.dumps(value)
    return 1 + (LIKELIEST_ACCEPTED.index(text) if text in LIKELIEST_ACCEPTED else len(LIKELIEST_ACCEPTED))


def _without_trailing_newlines(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, list):
        return [_without_trailing_newlines(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_trailing_newlines(item) for key, item in value.items()}
    return value
