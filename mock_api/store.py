"""Trunks and phone numbers in memory, with the contract's rules, behind one lock.

Bodies reach the store already field-checked (see `validation.py`); the store decides what the
contract calls lookups (404), rules over the merged trunk (400) and conflicts (409). Records are
immutable: a PATCH builds a new trunk from the stored one, checks it, and only then swaps it in,
so a rejected PATCH changes nothing and concurrent PATCHes each see and leave a whole trunk.

Drift scenarios subclass `TrunkStore` and override one step; this module stays the contract.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_api.exchange import conflict, not_found, rule_broken
from mock_api.texts import Said

JsonObject = dict[str, Any]

# Create defaults from the contract document (Bolna's docs).
CREATE_DEFAULTS: Mapping[str, Any] = {
    "description": None,
    "allow": "ulaw,alaw",
    "disallow": "all",
    "inbound_enabled": False,
    "outbound_leading_plus_enabled": True,
    "transport": "transport-udp",
    "media_encryption": "no",
    "media_encryption_optimistic": False,
    "qualify_frequency": 60,
    "is_active": True,
    "ip_identifiers": [],
}
# The ids of the spec's merged-state rules (`x-merged-state-rules` of PATCH).
SDES_REQUIRES_TLS = "sdes-requires-tls"
IP_BASED_KEEPS_AN_IDENTIFIER = "ip-based-keeps-an-identifier"
DEFAULT_GATEWAY_PORT = 5060
DEFAULT_GATEWAY_PRIORITY = 1

# Fields a PATCH sets as sent, on every kind of trunk.
PLAIN_FIELDS = (
    "name",
    "description",
    "allow",
    "disallow",
    "inbound_enabled",
    "outbound_leading_plus_enabled",
    "is_active",
    "qualify_frequency",
    "transport",
    "media_encryption",
    "media_encryption_optimistic",
)
# Fields only a userpass trunk takes; an ip-based trunk ignores them.
CREDENTIAL_FIELDS = ("auth_username", "auth_password")


@dataclass(frozen=True)
class Gateway:
    id: str
    gateway_address: str
    port: int
    priority: int
    created_at: str


@dataclass(frozen=True)
class Trunk:
    id: str
    name: str
    provider: str
    description: str | None
    auth_type: str
    auth_username: str | None
    auth_password: str | None  # stored so the trunk could register; never rendered
    gateways: tuple[Gateway, ...]
    ip_identifiers: tuple[str, ...]
    allow: str
    disallow: str
    transport: str
    media_encryption: str
    media_encryption_optimistic: bool
    qualify_frequency: int
    inbound_enabled: bool
    outbound_leading_plus_enabled: bool
    is_active: bool
    created_at: str
    updated_at: str
    # Read-only NAT settings: no request can change them.
    direct_media: bool = False
    rtp_symmetric: bool = True
    force_rport: bool = True


@dataclass(frozen=True)
class PhoneNumber:
    id: str
    phone_number: str
    name: str | None
    byot_trunk_id: str
    created_at: str
    updated_at: str


def new_id() -> str:
    return uuid.uuid4().hex


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def without_plus(phone_number: str) -> str:
    return phone_number.removeprefix("+")


class TrunkStore:
    def __init__(self) -> None:
        # One lock for everything: each public operation reads and writes under it, so every
        # response shows a state the store actually held.
        self._lock = threading.Lock()
        self._trunks: dict[str, Trunk] = {}
        self._numbers: dict[str, PhoneNumber] = {}  # the live ones: a deleted number is forgotten
        self._last_moment = datetime.min.replace(tzinfo=UTC)
        # The merged-state rules a PATCH is checked against, by the spec's ids; None: all of them.
        self.patch_rules: frozenset[str] | None = None

    # --- operations (each takes the lock once) ---------------------------------------------------

    def create_trunk(self, fields: Mapping[str, Any]) -> JsonObject:
        with self._lock:
            trunk = self.new_trunk(fields, self._now())
            self.check_rules(trunk)
            self._trunks[trunk.id] = trunk
            return self.render_trunk(trunk)

    def list_trunks(self, is_active: bool | None) -> list[JsonObject]:
        with self._lock:
            return [
                self.render_trunk(trunk)
                for trunk in self._trunks.values()
                if is_active is None or trunk.is_active == is_active
            ]

    def get_trunk(self, trunk_id: str) -> JsonObject:
        with self._lock:
            return self.render_trunk(self._find_trunk(trunk_id))

    def update_trunk(self, trunk_id: str, patch: Mapping[str, Any]) -> JsonObject:
        with self._lock:
            stored = self._find_trunk(trunk_id)
            updated = self.merged(stored, patch, self._now())
            self.check_merged(updated)  # raises before the swap, so a rejected PATCH changes nothing
            self._trunks[trunk_id] = updated
            return self.render_trunk(updated)

    def delete_trunk(self, trunk_id: str) -> JsonObject:
        with self._lock:
            self._find_trunk(trunk_id)
            del self._trunks[trunk_id]
            removed = len(self._numbers_of(trunk_id))
            self.retire_numbers_of(trunk_id)
            return {"message": Said("trunk_deleted", trunk_id=trunk_id, numbers_removed=removed)}

    def add_number(self, trunk_id: str, fields: Mapping[str, Any]) -> JsonObject:
        with self._lock:
            self._find_trunk(trunk_id)
            phone_number: str = fields["phone_number"]
            if fields.get("e164_check_enabled", False) and not phone_number.startswith("+"):
                raise rule_broken("e164_needs_plus", trunk_id=trunk_id, phone_number=phone_number)
            if self.number_is_active(phone_number):
                raise conflict("number_already_active", trunk_id=trunk_id, phone_number=phone_number)
            now = self._now()
            number = PhoneNumber(new_id(), phone_number, fields.get("name"), trunk_id, now, now)
            self._numbers[number.id] = number
            return self.render_number(number)

    def list_numbers(self, trunk_id: str) -> list[JsonObject]:
        with self._lock:
            self._find_trunk(trunk_id)
            return [self.render_number(number) for number in self._numbers_of(trunk_id)]

    def delete_number(self, trunk_id: str, number_id: str) -> JsonObject:
        with self._lock:
            self._find_trunk(trunk_id)
            number = self._numbers.get(number_id)
            if number is None or number.byot_trunk_id != trunk_id:
                raise not_found("phone_number_not_found", trunk_id=trunk_id, phone_number_id=number_id)
            # Soft-deleted for the API: never listed, rendered or counted again, so not kept either
            # (a long session would otherwise grow without bound).
            del self._numbers[number_id]
            return {"message": Said("phone_number_deleted", trunk_id=trunk_id, phone_number_id=number_id)}

    def has_trunk(self, trunk_id: str) -> bool:
        with self._lock:
            return trunk_id in self._trunks

    # --- the rules; drift scenarios override these ------------------------------------------------

    def new_trunk(self, fields: Mapping[str, Any], now: str) -> Trunk:
        sent = {**CREATE_DEFAULTS, **fields}
        userpass = sent["auth_type"] == "userpass"
        return Trunk(
            id=new_id(),
            name=sent["name"],
            provider=sent["provider"],
            description=sent["description"],
            auth_type=sent["auth_type"],
            # Credentials sent for an ip-based trunk are ignored.
            auth_username=sent.get("auth_username") if userpass else None,
            auth_password=sent.get("auth_password") if userpass else None,
            gateways=self.new_gateways(sent["gateways"], now),
            ip_identifiers=tuple(entry["ip_address"] for entry in sent["ip_identifiers"]),
            allow=sent["allow"],
            disallow=sent["disallow"],
            transport=sent["transport"],
            media_encryption=sent["media_encryption"],
            media_encryption_optimistic=sent["media_encryption_optimistic"],
            qualify_frequency=sent["qualify_frequency"],
            inbound_enabled=sent["inbound_enabled"],
            outbound_leading_plus_enabled=sent["outbound_leading_plus_enabled"],
            is_active=sent["is_active"],
            created_at=now,
            updated_at=now,
        )

    def merged(self, stored: Trunk, patch: Mapping[str, Any], now: str) -> Trunk:
        """The stored trunk with the patch applied: only the fields sent change."""
        changes: dict[str, Any] = {name: patch[name] for name in PLAIN_FIELDS if name in patch}
        if stored.auth_type == "userpass":
            changes.update({name: patch[name] for name in CREDENTIAL_FIELDS if name in patch})
        if "gateways" in patch:
            changes["gateways"] = self.new_gateways(patch["gateways"], now)  # replaces the list
        if "ip_identifiers" in patch:
            changes["ip_identifiers"] = tuple(entry["ip_address"] for entry in patch["ip_identifiers"])
        return replace(stored, **changes, updated_at=now)

    def new_gateways(self, sent: list[Mapping[str, Any]], now: str) -> tuple[Gateway, ...]:
        return tuple(
            Gateway(
                id=new_id(),
                gateway_address=gateway["gateway_address"],
                port=gateway.get("port", DEFAULT_GATEWAY_PORT),
                priority=gateway.get("priority", DEFAULT_GATEWAY_PRIORITY),
                created_at=now,
            )
            for gateway in sent
        )

    def check_rules(self, trunk: Trunk) -> None:
        """Rules over a whole trunk (merged, or about to be created); a violation answers 400."""
        if trunk.media_encryption == "sdes" and trunk.transport != "transport-tls":
            raise rule_broken("sdes_requires_tls", trunk_id=trunk.id)
        if trunk.auth_type == "ip-based" and not trunk.ip_identifiers:
            raise rule_broken("ip_based_needs_ip_identifiers", trunk_id=trunk.id)
        if trunk.auth_type == "userpass" and (trunk.auth_username is None or trunk.auth_password is None):
            raise rule_broken("userpass_needs_credentials", trunk_id=trunk.id)

    def check_merged(self, trunk: Trunk) -> None:
        """`check_rules` for a PATCH: a merged-state rule the spec no longer lists is not checked
        (create keeps its own rules, which the spec documents apart)."""
        rules = self.patch_rules
        if rules is not None and SDES_REQUIRES_TLS not in rules:
            trunk = replace(trunk, media_encryption="no")
        if rules is not None and IP_BASED_KEEPS_AN_IDENTIFIER not in rules:
            trunk = replace(trunk, ip_identifiers=trunk.ip_identifiers or ("192.0.2.1",))
        self.check_rules(trunk)

    def retire_numbers_of(self, trunk_id: str) -> None:
        """Soft-deletes a deleted trunk's numbers, so they no longer count as active (409)."""
        for number in self._numbers_of(trunk_id):
            del self._numbers[number.id]

    def number_is_active(self, phone_number: str) -> bool:
        """Whether the number is active on any trunk, compared without the leading '+'."""
        wanted = without_plus(phone_number)
        return any(without_plus(number.phone_number) == wanted for number in self._numbers.values())

    def render_trunk(self, trunk: Trunk) -> JsonObject:
        return {
            "id": trunk.id,
            "name": trunk.name,
            "provider": trunk.provider,
            "description": trunk.description,
            "auth_type": trunk.auth_type,
            "auth_username": trunk.auth_username,
            "gateways": [self.render_gateway(gateway) for gateway in trunk.gateways],
            "ip_identifiers": [{"ip_address": address} for address in trunk.ip_identifiers],
            "phone_numbers": [self.render_number(number) for number in self._numbers_of(trunk.id)],
            "allow": trunk.allow,
            "disallow": trunk.disallow,
            "transport": trunk.transport,
            "direct_media": trunk.direct_media,
            "rtp_symmetric": trunk.rtp_symmetric,
            "force_rport": trunk.force_rport,
            "media_encryption": trunk.media_encryption,
            "media_encryption_optimistic": trunk.media_encryption_optimistic,
            "qualify_frequency": trunk.qualify_frequency,
            "inbound_enabled": trunk.inbound_enabled,
            "outbound_leading_plus_enabled": trunk.outbound_leading_plus_enabled,
            "is_active": trunk.is_active,
            "created_at": trunk.created_at,
            "updated_at": trunk.updated_at,
        }

    def render_gateway(self, gateway: Gateway) -> JsonObject:
        return {
            "id": gateway.id,
            "gateway_address": gateway.gateway_address,
            "port": gateway.port,
            "priority": gateway.priority,
            "created_at": gateway.created_at,
        }

    def render_number(self, number: PhoneNumber) -> JsonObject:
        return {
            "id": number.id,
            "phone_number": number.phone_number,
            "name": number.name,
            "byot_trunk_id": number.byot_trunk_id,
            "telephony_provider": "sip-trunk",
            "deleted": False,  # a soft-deleted number is forgotten, so every stored one is live
            "created_at": number.created_at,
            "updated_at": number.updated_at,
        }

    # --- helpers, called with the lock held ---------------------------------------------------------

    def _find_trunk(self, trunk_id: str) -> Trunk:
        trunk = self._trunks.get(trunk_id)
        if trunk is None:
            raise not_found("trunk_not_found", trunk_id=trunk_id)
        return trunk

    def _numbers_of(self, trunk_id: str) -> list[PhoneNumber]:
        return [n for n in self._numbers.values() if n.byot_trunk_id == trunk_id]

    def _now(self) -> str:
        """The current UTC time, forced to move forward so `updated_at` never repeats or goes back."""
        moment = datetime.now(UTC)
        if moment <= self._last_moment:
            moment = self._last_moment + timedelta(microseconds=1)
        self._last_moment = moment
        return rfc3339(moment)
