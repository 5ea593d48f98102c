"""The record: what this kit believes the API accepts, pinned, and compared with openapi.yaml.

This is the one place that restates the spec's bounds, patterns and enums on purpose. Each row is
(label, body, accepted?) written from the contract's tables; the spec decides with a JSON Schema
2020-12 validator whose patterns follow ECMA-262. When the spec changes, each test fails with one
line per changed verdict, naming the field and the value, so an edit of the spec is a deliberate
act in two places. To update it after such an edit (README: "When the real API differs from the
spec"), move each named row to the new bound or flip its verdict.
"""

from __future__ import annotations

from typing import Any

from contract_tests.values.spec import schema_at, schema_validator

GATEWAY = {"gateway_address": "sip.zadarma.com"}

PATCH_BODIES: list[tuple[str, dict[str, Any], bool]] = [
    ("empty patch is a no-op", {}, True),
    ("unknown fields are ignored", {"colour": "blue", "id": "x"}, True),
    ("name", {"name": "Main line"}, True),
    ("name 255 chars", {"name": "n" * 255}, True),
    ("name 256 chars", {"name": "n" * 256}, False),
    ("name empty", {"name": ""}, False),
    ("name blank", {"name": " \t\r\n"}, False),
    ("name with inner blank", {"name": "  x  "}, True),
    ("name not a string", {"name": 7}, False),
    ("description", {"description": "d" * 1024}, True),
    ("description empty", {"description": ""}, True),
    ("description too long", {"description": "d" * 1025}, False),
    ("description null clears", {"description": None}, True),
    ("auth_username", {"auth_username": "u" * 255}, True),
    ("auth_username empty", {"auth_username": ""}, False),
    ("auth_password too long", {"auth_password": "p" * 256}, False),
    ("gateways one", {"gateways": [GATEWAY]}, True),
    ("gateways eight", {"gateways": [GATEWAY] * 8}, True),
    ("gateways nine", {"gateways": [GATEWAY] * 9}, False),
    ("gateways empty", {"gateways": []}, False),
    ("gateway without address", {"gateways": [{"port": 5060}]}, False),
    ("gateway address ipv4", {"gateways": [{"gateway_address": "203.0.113.7"}]}, True),
    ("gateway address 253", {"gateways": [{"gateway_address": "a" * 253}]}, True),
    ("gateway address 254", {"gateways": [{"gateway_address": "a" * 254}]}, False),
    ("gateway address underscore", {"gateways": [{"gateway_address": "sip_x.com"}]}, False),
    ("gateway address trailing newline", {"gateways": [{"gateway_address": "sip.x.com\n"}]}, False),
    ("gateway port bounds", {"gateways": [{**GATEWAY, "port": 1}, {**GATEWAY, "port": 65535}]}, True),
    ("gateway port 0", {"gateways": [{**GATEWAY, "port": 0}]}, False),
    ("gateway port 65536", {"gateways": [{**GATEWAY, "port": 65536}]}, False),
    ("gateway port integral float", {"gateways": [{**GATEWAY, "port": 5060.0}]}, True),
    ("gateway port fraction", {"gateways": [{**GATEWAY, "port": 5060.5}]}, False),
    ("gateway port string", {"gateways": [{**GATEWAY, "port": "5060"}]}, False),
    ("gateway port boolean", {"gateways": [{**GATEWAY, "port": True}]}, False),
    (
        "gateway priority bounds",
        {"gateways": [{**GATEWAY, "priority": 1}, {**GATEWAY, "priority": 100}]},
        True,
    ),
    ("gateway priority 101", {"gateways": [{**GATEWAY, "priority": 101}]}, False),
    ("ip identifiers empty", {"ip_identifiers": []}, True),
    ("ip identifiers 64", {"ip_identifiers": [{"ip_address": "10.0.0.1"}] * 64}, True),
    ("ip identifiers 65", {"ip_identifiers": [{"ip_address": "10.0.0.1"}] * 65}, False),
    ("ip cidr", {"ip_identifiers": [{"ip_address": "15.207.90.192/31"}]}, True),
    ("ip host bits set", {"ip_identifiers": [{"ip_address": "15.207.90.193/24"}]}, True),
    ("ip octet 256", {"ip_identifiers": [{"ip_address": "256.1.1.1"}]}, False),
    ("ip prefix 33", {"ip_identifiers": [{"ip_address": "1.2.3.4/33"}]}, False),
    ("ip leading zero", {"ip_identifiers": [{"ip_address": "01.2.3.4"}]}, False),
    ("ip trailing newline", {"ip_identifiers": [{"ip_address": "1.2.3.4\n"}]}, False),
    ("ip v6", {"ip_identifiers": [{"ip_address": "::1"}]}, False),
    ("allow list", {"allow": "ulaw,alaw", "disallow": "all"}, True),
    ("allow with space", {"allow": "ulaw, alaw"}, False),
    ("allow upper case", {"allow": "ULAW"}, False),
    ("allow trailing comma", {"allow": "ulaw,"}, False),
    ("disallow empty", {"disallow": ""}, False),
    ("booleans", {"inbound_enabled": True, "outbound_leading_plus_enabled": False, "is_active": False}, True),
    ("boolean as integer", {"is_active": 1}, False),
    ("boolean as string", {"inbound_enabled": "true"}, False),
    ("qualify bounds", {"qualify_frequency": 0}, True),
    ("qualify max", {"qualify_frequency": 86400}, True),
    ("qualify over", {"qualify_frequency": 86401}, False),
    ("qualify negative", {"qualify_frequency": -1}, False),
    ("transport tcp", {"transport": "transport-tcp"}, True),
    ("transport unknown", {"transport": "transport-sctp"}, False),
    ("media encryption no", {"media_encryption": "no"}, True),
    ("media encryption unknown", {"media_encryption": "zrtp"}, False),
    ("optimistic", {"media_encryption_optimistic": True}, True),
    # The request-level half of "sdes requires transport-tls"; the stored-state half is a 400.
    ("sdes alone (depends on stored transport)", {"media_encryption": "sdes"}, True),
    ("sdes with tls", {"media_encryption": "sdes", "transport": "transport-tls"}, True),
    ("sdes with udp", {"media_encryption": "sdes", "transport": "transport-udp"}, False),
    ("sdes with tcp", {"media_encryption": "sdes", "transport": "transport-tcp"}, False),
    ("no encryption with udp", {"media_encryption": "no", "transport": "transport-udp"}, True),
]


def _short(value: Any) -> str:
    """A value as one short line: long strings and lists by their size."""
    if isinstance(value, str) and len(value) > 12:
        return f"{value[:3]!r}... ({len(value)} characters)"
    if isinstance(value, list) and len(value) > 2:
        return f"[{_short(value[0])}, ...] ({len(value)} items)"
    if isinstance(value, list):
        return "[" + ", ".join(_short(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_short(item)}" for key, item in value.items()) + "}"
    return repr(value)


def changed_verdicts(schema: str, rows: list[tuple[str, dict[str, Any], bool]]) -> list[str]:
    """One line per row whose verdict the spec no longer shares with the record."""
    validator = schema_validator(schema)
    lines = []
    for label, body, accepted in rows:
        if validator.is_valid(body) is not accepted:
            recorded, now = ("accepted", "refuses") if accepted else ("refused", "accepts")
            fields = ", ".join(f"{key}={_short(value)}" for key, value in body.items()) or "{}"
            lines.append(f"{schema} [{label}] {fields}: the record says {recorded}, the spec now {now} it")
    return lines


def assert_record_holds(schema: str, rows: list[tuple[str, dict[str, Any], bool]]) -> None:
    changed = changed_verdicts(schema, rows)
    assert not changed, (
        f"openapi.yaml changed {len(changed)} verdict(s) of {schema} that tests/spec/test_request_bodies.py "
        "records; update the record if the change is meant:\n" + "\n".join(changed)
    )


def test_patch_bodies() -> None:
    assert_record_holds("SipTrunkUpdate", PATCH_BODIES)


USERPASS = {
    "name": "Zadarma",
    "provider": "zadarma",
    "auth_type": "userpass",
    "auth_username": "491234",
    "auth_password": "secret",
    "gateways": [GATEWAY],
}
IP_BASED = {
    "name": "Plivo",
    "provider": "plivo",
    "auth_type": "ip-based",
    "gateways": [GATEWAY],
    "ip_identifiers": [{"ip_address": "15.207.90.192/31"}],
}

CREATE_BODIES: list[tuple[str, dict[str, Any], bool]] = [
    ("userpass", USERPASS, True),
    ("ip-based", IP_BASED, True),
    ("ip-based ignores credentials", {**IP_BASED, "auth_username": "u", "auth_password": "p"}, True),
    ("missing name", {k: v for k, v in USERPASS.items() if k != "name"}, False),
    ("missing provider", {k: v for k, v in USERPASS.items() if k != "provider"}, False),
    ("missing auth type", {k: v for k, v in USERPASS.items() if k != "auth_type"}, False),
    ("missing gateways", {k: v for k, v in USERPASS.items() if k != "gateways"}, False),
    ("provider empty", {**USERPASS, "provider": ""}, False),
    ("auth type unknown", {**USERPASS, "auth_type": "token"}, False),
    ("userpass without password", {k: v for k, v in USERPASS.items() if k != "auth_password"}, False),
    ("ip-based without identifiers", {k: v for k, v in IP_BASED.items() if k != "ip_identifiers"}, False),
    ("ip-based with empty identifiers", {**IP_BASED, "ip_identifiers": []}, False),
    ("sdes on default udp", {**USERPASS, "media_encryption": "sdes"}, False),
    ("sdes with tls", {**USERPASS, "media_encryption": "sdes", "transport": "transport-tls"}, True),
    ("sdes with tcp", {**USERPASS, "media_encryption": "sdes", "transport": "transport-tcp"}, False),
]


def test_create_bodies() -> None:
    assert_record_holds("SipTrunkCreate", CREATE_BODIES)


NUMBER_BODIES: list[tuple[str, dict[str, Any], bool]] = [
    ("plain", {"phone_number": "912268093601"}, True),
    ("with plus", {"phone_number": "+912268093601", "name": None}, True),
    ("six digits", {"phone_number": "123456"}, True),
    ("five digits", {"phone_number": "12345"}, False),
    ("fifteen digits and plus", {"phone_number": "+" + "1" * 15}, True),
    ("sixteen digits", {"phone_number": "1" * 16}, False),
    ("letters", {"phone_number": "+91abc45678"}, False),
    ("trailing newline", {"phone_number": "912268093601\n"}, False),
    ("name too long", {"phone_number": "912268093601", "name": "n" * 256}, False),
    ("e164 with plus", {"phone_number": "+912268093601", "e164_check_enabled": True}, True),
    ("e164 without plus", {"phone_number": "912268093601", "e164_check_enabled": True}, False),
    ("missing number", {"name": "x"}, False),
]


def test_phone_number_bodies() -> None:
    assert_record_holds("PhoneNumberCreate", NUMBER_BODIES)


def test_a_changed_verdict_is_named_in_one_line() -> None:
    too_long = schema_at("TrunkName")["maxLength"] + 1
    flipped = [("name too long", {"name": "n" * too_long}, True), ("name", {"name": "Main line"}, True)]
    assert changed_verdicts("SipTrunkUpdate", flipped) == [
        f"SipTrunkUpdate [name too long] name='nnn'... ({too_long} characters): the record says accepted, "
        "the spec now refuses it"
    ]
