"""Hypothesis strategies for request bodies.

Candidates are built from the contract's field list and filtered through the spec's own schema
(`SipTrunkUpdate`), so what they draw is valid by the spec's definition. Values stay harmless on
a live account: gateways under `.invalid` or in documentation IP ranges, names with the run's
prefix, passwords the run registers as secrets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from contract_tests.values.spec import schema_at, schema_validator

TRANSPORTS: list[str] = schema_at("Transport")["enum"]
MEDIA_ENCRYPTIONS: list[str] = schema_at("MediaEncryption")["enum"]
AUTH_TYPES: list[str] = schema_at("AuthType")["enum"]
CODECS = ["ulaw", "alaw", "g722", "g729", "opus", "gsm", "all"]


def _integers(name: str) -> st.SearchStrategy[int]:
    """Integers within the bounds the spec gives schema `name`."""
    schema = schema_at(name)
    return st.integers(schema.get("minimum"), schema.get("maximum"))


def _lengths(name: str) -> tuple[int, int | None]:
    schema = schema_at(name)
    return schema.get("minLength", 0), schema.get("maxLength")


_octets = st.integers(0, 255)  # the parts of an IPv4 address (not a bound of the spec)
_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
gateway_addresses = st.one_of(
    st.just("sip.invalid"),
    _label.map(lambda label: f"{label}.sip.invalid"),
    st.tuples(st.sampled_from(["192.0.2", "198.51.100", "203.0.113"]), _octets).map(
        lambda parts: f"{parts[0]}.{parts[1]}"
    ),
)
gateways = st.lists(
    st.fixed_dictionaries(
        {"gateway_address": gateway_addresses},
        optional={"port": _integers("Port"), "priority": _integers("Priority")},
    ),
    min_size=1,
    max_size=4,
)
_octet = _octets.map(str)
ip_addresses = st.tuples(_octet, _octet, _octet, _octet, st.none() | st.integers(0, 32)).map(
    lambda p: ".".join(p[:4]) + ("" if p[4] is None else f"/{p[4]}")
)
ip_identifier_lists = st.lists(st.fixed_dictionaries({"ip_address": ip_addresses}), max_size=4)
codec_lists = st.lists(st.sampled_from(CODECS), min_size=1, max_size=4, unique=True).map(",".join)


def _descriptions() -> st.SearchStrategy[str | None]:
    """None, short ones, and (when the spec sets a maximum length) ones near it."""
    longest = _lengths("Description")[1]
    drawn: st.SearchStrategy[str | None] = st.none() | st.text(max_size=40)
    return drawn if longest is None else drawn | st.text(min_size=max(0, longest - 24), max_size=longest)


descriptions = _descriptions()
credentials = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=32)


def names(prefix: str) -> st.SearchStrategy[str]:
    return st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 -_éüß名线路", max_size=24).map(
        lambda suffix: f"{prefix}-{suffix}".rstrip()
    )


def passwords(register: Callable[[str], None]) -> st.SearchStrategy[str]:
    def registered(suffix: str) -> str:
        password = f"ctpw-{suffix}"
        register(password)
        return password

    return st.text(alphabet="0123456789abcdef", min_size=16, max_size=24).map(registered)


def patch_fields(
    name_prefix: str, register_secret: Callable[[str], None], *, credentials_allowed: bool
) -> dict[str, Any]:
    fields: dict[str, st.SearchStrategy[Any]] = {
        "name": names(name_prefix),
        "description": descriptions,
        "gateways": gateways,
        "ip_identifiers": ip_identifier_lists,
        "allow": codec_lists,
        "disallow": codec_lists,
        "inbound_enabled": st.booleans(),
        "outbound_leading_plus_enabled": st.booleans(),
        "is_active": st.booleans(),
        "qualify_frequency": _integers("QualifyFrequency"),
        "transport": st.sampled_from(TRANSPORTS),
        "media_encryption": st.sampled_from(MEDIA_ENCRYPTIONS),
        "media_encryption_optimistic": st.booleans(),
    }
    if credentials_allowed:
        fields["auth_username"] = credentials
        fields["auth_password"] = passwords(register_secret)
    return fields


def patch_bodies(
    name_prefix: str, register_secret: Callable[[str], None], *, credentials_allowed: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Random subsets of the PATCH fields with random valid values, valid per the spec."""
    optional = patch_fields(name_prefix, register_secret, credentials_allowed=credentials_allowed)
    validator = schema_validator("SipTrunkUpdate")
    return st.fixed_dictionaries({}, optional=optional).filter(validator.is_valid)
