from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auth_type import AuthType
from ..models.media_encryption import MediaEncryption
from ..models.transport import Transport
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gateway_input import GatewayInput
    from ..models.ip_identifier_input import IpIdentifierInput


T = TypeVar("T", bound="SipTrunkCreate")


@_attrs_define
class SipTrunkCreate:
    """
    Attributes:
        name (str): Human-readable trunk name, not blank.
        provider (str): Free text, e.g. twilio, plivo, zadarma, telnyx, vonage, custom. Immutable.
        auth_type (AuthType): How the carrier authenticates the trunk. Immutable after create.
        gateways (list[GatewayInput]):
        description (None | str | Unset): Description for internal reference; `null` when unset.
        auth_username (str | Unset):
        auth_password (str | Unset):
        ip_identifiers (list[IpIdentifierInput] | Unset): At least one entry for ip-based trunks (otherwise 400).
        allow (str | Unset): Comma-separated codec names, e.g. `ulaw,alaw` or `all`.
        disallow (str | Unset): Comma-separated codec names, e.g. `ulaw,alaw` or `all`.
        inbound_enabled (bool | Unset):  Default: False.
        outbound_leading_plus_enabled (bool | Unset):  Default: True.
        is_active (bool | Unset):  Default: True.
        qualify_frequency (int | Unset): SIP OPTIONS ping interval in seconds; 0 disables it.
        transport (Transport | Unset): SIP transport.
        media_encryption (MediaEncryption | Unset): RTP encryption. `sdes` (SRTP via SDES) requires `transport-tls`.
        media_encryption_optimistic (bool | Unset):  Default: False.
    """

    name: str
    provider: str
    auth_type: AuthType
    gateways: list[GatewayInput]
    description: None | str | Unset = UNSET
    auth_username: str | Unset = UNSET
    auth_password: str | Unset = UNSET
    ip_identifiers: list[IpIdentifierInput] | Unset = UNSET
    allow: str | Unset = UNSET
    disallow: str | Unset = UNSET
    inbound_enabled: bool | Unset = False
    outbound_leading_plus_enabled: bool | Unset = True
    is_active: bool | Unset = True
    qualify_frequency: int | Unset = UNSET
    transport: Transport | Unset = UNSET
    media_encryption: MediaEncryption | Unset = UNSET
    media_encryption_optimistic: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        provider = self.provider

        auth_type = self.auth_type.value

        gateways = []
        for gateways_item_data in self.gateways:
            gateways_item = gateways_item_data.to_dict()
            gateways.append(gateways_item)

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        auth_username = self.auth_username

        auth_password = self.auth_password

        ip_identifiers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.ip_identifiers, Unset):
            ip_identifiers = []
            for ip_identifiers_item_data in self.ip_identifiers:
                ip_identifiers_item = ip_identifiers_item_data.to_dict()
                ip_identifiers.append(ip_identifiers_item)

        allow = self.allow

        disallow = self.disallow

        inbound_enabled = self.inbound_enabled

        outbound_leading_plus_enabled = self.outbound_leading_plus_enabled

        is_active = self.is_active

        qualify_frequency = self.qualify_frequency

        transport: str | Unset = UNSET
        if not isinstance(self.transport, Unset):
            transport = self.transport.value

        media_encryption: str | Unset = UNSET
        if not isinstance(self.media_encryption, Unset):
            media_encryption = self.media_encryption.value

        media_encryption_optimistic = self.media_encryption_optimistic

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "provider": provider,
                "auth_type": auth_type,
                "gateways": gateways,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if auth_username is not UNSET:
            field_dict["auth_username"] = auth_username
        if auth_password is not UNSET:
            field_dict["auth_password"] = auth_password
        if ip_identifiers is not UNSET:
            field_dict["ip_identifiers"] = ip_identifiers
        if allow is not UNSET:
            field_dict["allow"] = allow
        if disallow is not UNSET:
            field_dict["disallow"] = disallow
        if inbound_enabled is not UNSET:
            field_dict["inbound_enabled"] = inbound_enabled
        if outbound_leading_plus_enabled is not UNSET:
            field_dict["outbound_leading_plus_enabled"] = outbound_leading_plus_enabled
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if qualify_frequency is not UNSET:
            field_dict["qualify_frequency"] = qualify_frequency
        if transport is not UNSET:
            field_dict["transport"] = transport
        if media_encryption is not UNSET:
            field_dict["media_encryption"] = media_encryption
        if media_encryption_optimistic is not UNSET:
            field_dict["media_encryption_optimistic"] = media_encryption_optimistic

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gateway_input import GatewayInput  # noqa: PLC0415
        from ..models.ip_identifier_input import IpIdentifierInput  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        provider = d.pop("provider")

        auth_type = AuthType(d.pop("auth_type"))

        gateways = []
        _gateways = d.pop("gateways")
        for gateways_item_data in _gateways:
            gateways_item = GatewayInput.from_dict(gateways_item_data)

            gateways.append(gateways_item)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        auth_username = d.pop("auth_username", UNSET)

        auth_password = d.pop("auth_password", UNSET)

        _ip_identifiers = d.pop("ip_identifiers", UNSET)
        ip_identifiers: list[IpIdentifierInput] | Unset = UNSET
        if _ip_identifiers is not UNSET:
            ip_identifiers = []
            for ip_identifiers_item_data in _ip_identifiers:
                ip_identifiers_item = IpIdentifierInput.from_dict(ip_identifiers_item_data)

                ip_identifiers.append(ip_identifiers_item)

        allow = d.pop("allow", UNSET)

        disallow = d.pop("disallow", UNSET)

        inbound_enabled = d.pop("inbound_enabled", UNSET)

        outbound_leading_plus_enabled = d.pop("outbound_leading_plus_enabled", UNSET)

        is_active = d.pop("is_active", UNSET)

        qualify_frequency = d.pop("qualify_frequency", UNSET)

        _transport = d.pop("transport", UNSET)
        transport: Transport | Unset
        if isinstance(_transport, Unset):
            transport = UNSET
        else:
            transport = Transport(_transport)

        _media_encryption = d.pop("media_encryption", UNSET)
        media_encryption: MediaEncryption | Unset
        if isinstance(_media_encryption, Unset):
            media_encryption = UNSET
        else:
            media_encryption = MediaEncryption(_media_encryption)

        media_encryption_optimistic = d.pop("media_encryption_optimistic", UNSET)

        sip_trunk_create = cls(
            name=name,
            provider=provider,
            auth_type=auth_type,
            gateways=gateways,
            description=description,
            auth_username=auth_username,
            auth_password=auth_password,
            ip_identifiers=ip_identifiers,
            allow=allow,
            disallow=disallow,
            inbound_enabled=inbound_enabled,
            outbound_leading_plus_enabled=outbound_leading_plus_enabled,
            is_active=is_active,
            qualify_frequency=qualify_frequency,
            transport=transport,
            media_encryption=media_encryption,
            media_encryption_optimistic=media_encryption_optimistic,
        )

        sip_trunk_create.additional_properties = d
        return sip_trunk_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
