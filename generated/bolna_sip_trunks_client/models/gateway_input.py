from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GatewayInput")


@_attrs_define
class GatewayInput:
    """A gateway as sent. `port` is 5060 and `priority` is 1 when omitted (server-side
    defaults; no schema default, so that clients never send them implicitly).

        Attributes:
            gateway_address (str): Hostname or IPv4 address of the carrier's SIP gateway.
            port (int | Unset):
            priority (int | Unset): Lower is tried first.
    """

    gateway_address: str
    port: int | Unset = UNSET
    priority: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        gateway_address = self.gateway_address

        port = self.port

        priority = self.priority

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "gateway_address": gateway_address,
            }
        )
        if port is not UNSET:
            field_dict["port"] = port
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        gateway_address = d.pop("gateway_address")

        port = d.pop("port", UNSET)

        priority = d.pop("priority", UNSET)

        gateway_input = cls(
            gateway_address=gateway_address,
            port=port,
            priority=priority,
        )

        gateway_input.additional_properties = d
        return gateway_input

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
