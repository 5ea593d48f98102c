from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="IpIdentifier")


@_attrs_define
class IpIdentifier:
    """
    Attributes:
        ip_address (str): IPv4 address or CIDR block; host bits may be set (e.g. `15.207.90.192/31`).
    """

    ip_address: str

    def to_dict(self) -> dict[str, Any]:
        ip_address = self.ip_address

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ip_address": ip_address,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ip_address = d.pop("ip_address")

        ip_identifier = cls(
            ip_address=ip_address,
        )

        return ip_identifier
