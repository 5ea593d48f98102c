"""Request bodies for mock-diff, drawn with a seeded `random.Random` from the spec's schemas.

Bounds, enums, list sizes and nullability come from openapi.yaml; only what a schema cannot say
is chosen here: values that are harmless on a live account (gateways under `.invalid` or in
documentation ranges, names with the run's prefix, passwords the run made up). Every valid body
is checked against the spec's own schema, every invalid one must fail it, so neither list can
drift from the spec unnoticed. Invalid values come from `bad_values`, the suite's own table.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from contract_tests.values.bad_values import bad_values, bad_values_by_field
from contract_tests.values.spec import load_spec, resolved, schema_validator

# Placeholders a step carries in its body; each run of the steps fills in its own values, so a
# replay never reuses a name, a password or a phone number an earlier run left on the account.
# A name placeholder may carry a suffix: the run's unique name comes first, so the guard and
# `make contract-cleanup` still know the trunk as the run's.
NAME = "\x00name"
PASSWORD = "\x00password"
NAME_SUFFIXES = ("", "", "", " main line", "-é名线路", " ü")

DOCUMENTATION_NETS = ("192.0.2", "198.51.100", "203.0.113")  # RFC 5737: routed nowhere
_LABEL = "abcdefghijklmnopqrstuvwxyz0123456789"
_TEXT = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:;!?éüß名线路"
_CODECS = ("ulaw", "alaw", "g722", "g729", "opus", "gsm", "all")


def _harmless_gateway(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{''.join(rng.choices(_LABEL, k=rng.randint(1, 10)))}.sip.invalid"
    return f"{rng.choice(DOCUMENTATION_NETS)}.{rng.randint(0, 255)}"


def _ip_or_cidr(rng: random.Random) -> str:
    address = f"{rng.choice(DOCUMENTATION_NETS)}.{rng.randint(0, 255)}"
    return address if rng.random() < 0.5 else f"{address}/{rng.randint(0, 32)}"


def _codecs(rng: random.Random) -> str:
    return ",".join(rng.sample(_CODECS, rng.randint(1, 3)))


# Harmless strings for patterned fields a random draw would rarely satisfy, by field name (the
# patterns themselves stay in the spec); a made value the field's schema refuses, or a pattern
# without a maker here, is drawn as plain text and caught by the schema check.
PATTERN_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "name": lambda rng: NAME + rng.choice(NAME_SUFFIXES),
    "allow": _codecs,
    "disallow": _codecs,
    "gateway_address": _harmless_gateway,
}
IP_PATTERN_FIELD = "ip_address"


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def valid_value(schema: dict[str, Any], rng: random.Random, field: str = "") -> Any:
    """A value the (resolved) schema accepts, edge values (bounds, null) drawn often."""
    schema = resolved(schema)
    types = _types(schema)
    if "null" in types and rng.random() < 0.2:
        return None
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = next((t for t in types if t != "null"), "string")
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "integer":
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low + 1000)
        return rng.choice([low, high, rng.randint(low, high)])
    if kind == "array":
        item = resolved(schema["items"])
        low, high = schema.get("minItems", 0), schema.get("maxItems", 4)
        size = rng.choice([low, min(high, low + 3), rng.randint(low, min(high, low + 3))]) if high > low else low
        if rng.random() < 0.05:
            size = high  # the maximum, now and then
        return [valid_value(item, rng) for _ in range(size)]
    if kind == "object":
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        return {
            name: valid_value(sub, rng, name)
            for name, sub in properties.items()
            if name in required or rng.random() < 0.5
        }
    return _valid_string(schema, rng, field)


def _valid_string(schema: dict[str, Any], rng: random.Random, field: str) -> str:
    if field == IP_PATTERN_FIELD:
        return _ip_or_cidr(rng)
    maker = PATTERN_MAKERS.get(field) if "pattern" in schema else None
    if maker is not None and _accepts(schema, made := maker(rng)):
        return made
    low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
    length = high if rng.random() < 0.05 else rng.choice([low, rng.randint(low, min(high, 24))])
    return "".join(rng.choices(_TEXT, k=length)) or ("x" * low)


def _accepts(schema: dict[str, Any], value: str) -> bool:
    return bool(jsonschema_rs.validator_for({**schema, "components": load_spec()["components"]}).is_valid(value))


class BodyMaker:
    """Valid and invalid bodies for the trunk and number operations, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        schemas = load_spec()["components"]["schemas"]
        self.update_fields: dict[str, Any] = schemas["SipTrunkUpdate"]["properties"]
        self.create_schema: dict[str, Any] = schemas["SipTrunkCreate"]
        self.number_schema: dict[str, Any] = schemas["PhoneNumberCreate"]
        self.bad_update_values = bad_values_by_field()
        self.auth_types: list[str] = resolved(self.create_schema["properties"]["auth_type"])["enum"]

    # -- trunks ----------------------------------------------------------------------------------
    def update_body(self) -> dict[str, Any]:
        """A random subset of the PATCH fields, each with a value the spec accepts; now and then none."""
        if self.rng.random() < 0.04:
            return {}  # PATCH {}: a valid no-op
        validator = schema_validator("SipTrunkUpdate")
        for _ in range(20):
            chosen = [name for name in self.update_fields if self.rng.random() < 0.25]
            body = {name: self._patch_value(name) for name in chosen}
            if validator.is_valid(_filled(body)):
                return body
        return {}

    def _patch_value(self, name: str) -> Any:
        if name == "auth_password":
            return PASSWORD
        return valid_value(self.update_fields[name], self.rng, name)

    def bad_value(self, name: str) -> Any:
        """A value the spec refuses for field `name`; mostly of the right JSON type (a bound, a
        pattern, an enum broken), since that is where servers' rules drift apart."""
        values = self.bad_update_values[name]
        types = {"type": _types(resolved(self.update_fields[name]))}
        right_type = [value for value in values if jsonschema_rs.is_valid(types, value)]
        return self.rng.choice(right_type if right_type and self.rng.random() < 0.7 else values)

    def bad_update_body(self) -> tuple[dict[str, Any], str]:
        """A PATCH with one field the spec refuses (and maybe valid others); and that field."""
        name = self.rng.choice(sorted(self.bad_update_values))
        body = {key: value for key, value in self.update_body().items() if key != name}
        body[name] = self.bad_value(name)
        assert not schema_validator("SipTrunkUpdate").is_valid(_filled(body)), body
        return body, name

    def create_body(self) -> dict[str, Any]:
        """A trunk the spec accepts, with the credentials or ip_identifiers its auth_type needs."""
        properties = self.create_schema["properties"]
        auth_type = self.rng.choice(self.auth_types)
        body: dict[str, Any] = {
            "name": NAME,
            "provider": "custom",
            "auth_type": auth_type,
            "gateways": valid_value(properties["gateways"], self.rng),
        }
        for name in ("description", "allow", "disallow", "transport", "qualify_frequency", "is_active"):
            if self.rng.random() < 0.3:
                body[name] = valid_value(properties[name], self.rng, name)
        if body.get("transport") != "transport-tls" and self.rng.random() < 0.9:
            body.pop("media_encryption", None)
        if auth_type == "userpass":
            body["auth_username"] = valid_value(properties["auth_username"], self.rng)
            body["auth_password"] = PASSWORD
        else:
            body["ip_identifiers"] = [{"ip_address": _ip_or_cidr(self.rng)} for _ in range(self.rng.randint(1, 3))]
        assert schema_validator("SipTrunkCreate").is_valid(_filled(body)), body
        return body

    def bad_create_body(self) -> tuple[dict[str, Any], str]:
        """A create body with one bad field, or one required field missing; and that field."""
        body = self.create_body()
        if self.rng.random() < 0.3:
            name = self.rng.choice(sorted(self.create_schema["required"]))
            del body[name]
        else:
            name = self.rng.choice(sorted(set(self.bad_update_values) & set(self.create_schema["properties"])))
            body[name] = self.bad_value(name)
        assert not schema_validator("SipTrunkCreate").is_valid(_filled(body)), body
        return body, name

    # -- numbers ---------------------------------------------------------------------------------
    def number_extras(self) -> dict[str, Any]:
        """The optional fields of a number: a name, the e164 flag (the number itself is the run's)."""
        properties = self.number_schema["properties"]
        extras: dict[str, Any] = {}
        if self.rng.random() < 0.5:
            extras["name"] = valid_value(properties["name"], self.rng)
        if self.rng.random() < 0.3:
            extras["e164_check_enabled"] = self.rng.random() < 0.5
        return extras

    def bad_phone_number(self) -> Any:
        return self.rng.choice(bad_values(self.number_schema["properties"]["phone_number"]))


def _filled(body: Any) -> Any:
    """The body with harmless stand-ins for its placeholders, to check it against the spec."""
    if isinstance(body, dict):
        return {key: _filled(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(item) for item in body]
    if isinstance(body, str) and body.startswith(NAME):
        return "contract-test-x" + body.removeprefix(NAME)
    if body == PASSWORD:
        return "ctpw-x"
    return body
