from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.auth_type import AuthType
from ..models.media_encryption import MediaEncryption
from ..models.transport import Transport

if TYPE_CHECKING:
    from ..models.gateway import Gateway
    from ..models.ip_identifier import IpIdentifier
    from ..models.phone_number import PhoneNumber


T = TypeVar("T", bound="SipTrunk")


@_attrs_define
class SipTrunk:
    """A SIP trunk as the API returns it. `auth_password` is never returned.

    Attributes:
        id (str):
        name (str): Human-readable trunk name, not blank.
        provider (str):
        description (None | str): Description for internal reference; `null` when unset.
        auth_type (AuthType): How the carrier authenticates the trunk. Immutable after create.
        auth_username (None | str): SIP username; null for ip-based trunks.
        gateways (list[Gateway]): In the order last sent.
        ip_identifiers (list[IpIdentifier]):
        phone_numbers (list[PhoneNumber]): The trunk's active (not deleted) phone numbers.
        allow (str): Comma-separated codec names, e.g. `ulaw,alaw` or `all`.
        disallow (str): Comma-separated codec names, e.g. `ulaw,alaw` or `all`.
        transport (Transport): SIP transport.
        direct_media (bool): Read-only NAT setting. Default: False.
        rtp_symmetric (bool): Read-only NAT setting. Default: True.
        force_rport (bool): Read-only NAT setting. Default: True.
        media_encryption (MediaEncryption): RTP encryption. `sdes` (SRTP via SDES) requires `transport-tls`.
        media_encryption_optimistic (bool):
        qualify_frequency (int): SIP OPTIONS ping interval in seconds; 0 disables it.
        inbound_enabled (bool):
        outbound_leading_plus_enabled (bool):
        is_active (bool):
        created_at (datetime.datetime): RFC 3339 date-time.
        updated_at (datetime.datetime): RFC 3339 date-time.
    """

    id: str
    name: str
    provider: str
    description: None | str
    auth_type: AuthType
    auth_username: None | str
    gateways: list[Gateway]
    ip_identifiers: list[IpIdentifier]
    phone_numbers: list[PhoneNumber]
    allow: str
    disallow: str
    transport: Transport
    media_encryption: MediaEncryption
    media_encryption_optimistic: bool
    qualify_frequency: int
    inbound_enabled: bool
    outbound_leading_plus_enabled: bool
    is_active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    direct_media: bool = False
    rtp_symmetric: bool = True
    force_rport: bool = True

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        provider = self.provider

        description: None | str
        description = self.description

        auth_type = self.auth_type.value

        auth_username: None | str
        auth_username = self.auth_username

        gateways = []
        for gateways_item_data in self.gateways:
            gateways_item = gateways_item_data.to_dict()
            gateways.append(gateways_item)

        ip_identifiers = []
        for ip_identifiers_item_data in self.ip_identifiers:
            ip_identifiers_item = ip_identifiers_item_data.to_dict()
            ip_identifiers.append(ip_identifiers_item)

        phone_numbers = []
        for phone_numbers_item_data in self.phone_numbers:
            phone_numbers_item = phone_numbers_item_data.to_dict()
            phone_numbers.append(phone_numbers_item)

        allow = self.allow

        disallow = self.disallow

        transport = self.transport.value

        direct_media = self.direct_media

        rtp_symmetric = self.rtp_symmetric

        force_rport = self.force_rport

        media_encryption = self.media_encryption.value

        media_encryption_optimistic = self.media_encryption_optimistic

        qualify_frequency = self.qualify_frequency

        inbound_enabled = self.inbound_enabled

        outbound_leading_plus_enabled = self.outbound_leading_plus_enabled

        is_active = self.is_active

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "provider": provider,
                "description": description,
                "auth_type": auth_type,
                "auth_username": auth_username,
                "gateways": gateways,
                "ip_identifiers": ip_identifiers,
                "phone_numbers": phone_numbers,
                "allow": allow,
                "disallow": disallow,
                "transport": transport,
                "direct_media": direct_media,
                "rtp_symmetric": rtp_symmetric,
                "force_rport": force_rport,
                "media_encryption": media_encryption,
                "media_encryption_optimistic": media_encryption_optimistic,
                "qualify_frequency": qualify_frequency,
                "inbound_enabled": inbound_enabled,
                "outbound_leading_plus_enabled": outbound_leading_plus_enabled,
                "is_active": is_active,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gateway import Gateway  # noqa: PLC0415
        from ..models.ip_identifier import IpIdentifier  # noqa: PLC0415
        from ..models.phone_number import PhoneNumber  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        provider = d.pop("provider")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        auth_type = AuthType(d.pop("auth_type"))

        def _parse_auth_username(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        auth_username = _parse_auth_username(d.pop("auth_username"))

        gateways = []
        _gateways = d.pop("gateways")
        for gateways_item_data in _gateways:
            gateways_item = Gateway.from_dict(gateways_item_data)

            gateways.append(gateways_item)

        ip_identifiers = []
        _ip_identifiers = d.pop("ip_identifiers")
        for ip_identifiers_item_data in _ip_identifiers:
            ip_identifiers_item = IpIdentifier.from_dict(ip_identifiers_item_data)

            ip_identifiers.append(ip_identifiers_item)

        phone_numbers = []
        _phone_numbers = d.pop("phone_numbers")
        for phone_numbers_item_data in _phone_numbers:
            phone_numbers_item = PhoneNumber.from_dict(phone_numbers_item_data)

            phone_numbers.append(phone_numbers_item)

        allow = d.pop("allow")

        disallow = d.pop("disallow")

        transport = Transport(d.pop("transport"))

        direct_media = d.pop("direct_media")

        rtp_symmetric = d.pop("rtp_symmetric")

        force_rport = d.pop("force_rport")

        media_encryption = MediaEncryption(d.pop("media_encryption"))

        media_encryption_optimistic = d.pop("media_encryption_optimistic")

        qualify_frequency = d.pop("qualify_frequency")

        inbound_enabled = d.pop("inbound_enabled")

        outbound_leading_plus_enabled = d.pop("outbound_leading_plus_enabled")

        is_active = d.pop("is_active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        sip_trunk = cls(
            id=id,
            name=name,
            provider=provider,
            description=description,
            auth_type=auth_type,
            auth_username=auth_username,
            gateways=gateways,
            ip_identifiers=ip_identifiers,
            phone_numbers=phone_numbers,
            allow=allow,
            disallow=disallow,
            transport=transport,
            direct_media=direct_media,
            rtp_symmetric=rtp_symmetric,
            force_rport=force_rport,
            media_encryption=media_encryption,
            media_encryption_optimistic=media_encryption_optimistic,
            qualify_frequency=qualify_frequency,
            inbound_enabled=inbound_enabled,
            outbound_leading_plus_enabled=outbound_leading_plus_enabled,
            is_active=is_active,
            created_at=created_at,
            updated_at=updated_at,
        )

        return sip_trunk
