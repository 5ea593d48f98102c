"""Values each PATCH field must refuse, derived from the keywords of its schema in the spec.

Every value produced here is checked against the spec's own `SipTrunkUpdate` schema before a
check uses it, so the list cannot drift from the spec unnoticed.
"""

from __future__ import annotations

from typing import Any

from contract_tests.spec import load_spec, schema_validator

# Values of the wrong JSON type, for a field whose schema declares none of their types.
WRONG_TYPE_CANDIDATES: list[Any] = ["60", "true", 0, 1, 7, 1.5, True, None, ["x"], {"x": 1}]
# One value per pattern that breaks it while keeping type and length.
PATTERN_BREAKERS = {
    "[^ \\t\\r\\n]": [" ", "\t\r\n"],
    "^[a-z0-9_]+(,[a-z0-9_]+)*$": ["ULAW", "ulaw,", "ulaw, alaw", "ulaw\n"],
    "^[A-Za-z0-9.-]+$": ["sip_x.invalid", "sip.invalid\n", "sip invalid"],
}
IP_PATTERN_BREAKERS = ["256.1.1.1", "1.2.3.4/33", "01.2.3.4", "1.2.3", "1.2.3.4\n", "::1"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    spec = load_spec()
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def bad_values(schema: dict[str, Any]) -> list[Any]:
    """Values the (resolved) field schema rejects: wrong type, out of bounds, pattern, enum."""
    schema = _resolve(schema)
    types = _types(schema)
    values: list[Any] = [value for value in WRONG_TYPE_CANDIDATES if _json_type(value) not in types]
    if "enum" in schema:
        values.append("not-" + str(schema["enum"][0]))
    if "string" in types:
        if "minLength" in schema and schema["minLength"] > 0:
            values.append("")
        if "maxLength" in schema:
            values.append("x" * (schema["maxLength"] + 1))
        values += PATTERN_BREAKERS.get(schema.get("pattern", ""), [])
    if "integer" in types:
        if "minimum" in schema:
            values.append(schema["minimum"] - 1)
        if "maximum" in schema:
            values.append(schema["maximum"] + 1)
    if "array" in types:
        item = _resolve(schema["items"])
        if schema.get("minItems", 0) > 0:
            values.append([])
        if "maxItems" in schema:
            values.append([_valid_item(item)] * (schema["maxItems"] + 1))
        for bad_item in _bad_items(item):
            values.append([bad_item])
    return values


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names[type(value)]


def _valid_item(item: dict[str, Any]) -> dict[str, Any]:
    if "gateway_address" in item.get("properties", {}):
        return {"gateway_address": "sip.invalid"}
    return {"ip_address": "192.0.2.1"}


def _bad_items(item: dict[str, Any]) -> list[Any]:
    valid = _valid_item(item)
    bad: list[Any] = ["not-an-object"]
    bad += [{key: value for key, value in valid.items() if key not in item.get("required", [])}]  # missing required
    for name, property_schema in item.get("properties", {}).items():
        resolved = _resolve(property_schema)
        breakers = IP_PATTERN_BREAKERS if name == "ip_address" else bad_values(resolved)
        bad += [{**valid, name: value} for value in breakers]
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
