from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Gateway")


@_attrs_define
class Gateway:
    """
    Attributes:
        id (str):
        gateway_address (str): Hostname or IPv4 address of the carrier's SIP gateway.
        port (int):
        priority (int): Lower is tried first.
        created_at (datetime.datetime): RFC 3339 date-time.
    """

    id: str
    gateway_address: str
    port: int
    priority: int
    created_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        gateway_address = self.gateway_address

        port = self.port

        priority = self.priority

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "gateway_address": gateway_address,
                "port": port,
                "priority": priority,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        gateway_address = d.pop("gateway_address")

        port = d.pop("port")

        priority = d.pop("priority")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        gateway = cls(
            id=id,
            gateway_address=gateway_address,
            port=port,
            priority=priority,
            created_at=created_at,
        )

        return gateway
