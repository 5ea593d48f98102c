from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.phone_number_telephony_provider import PhoneNumberTelephonyProvider

T = TypeVar("T", bound="PhoneNumber")


@_attrs_define
class PhoneNumber:
    """
    Attributes:
        id (str):
        phone_number (str):
        name (None | str):
        byot_trunk_id (str):
        telephony_provider (PhoneNumberTelephonyProvider):
        deleted (bool):
        created_at (datetime.datetime): RFC 3339 date-time.
        updated_at (datetime.datetime): RFC 3339 date-time.
    """

    id: str
    phone_number: str
    name: None | str
    byot_trunk_id: str
    telephony_provider: PhoneNumberTelephonyProvider
    deleted: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        phone_number = self.phone_number

        name: None | str
        name = self.name

        byot_trunk_id = self.byot_trunk_id

        telephony_provider = self.telephony_provider.value

        deleted = self.deleted

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "phone_number": phone_number,
                "name": name,
                "byot_trunk_id": byot_trunk_id,
                "telephony_provider": telephony_provider,
                "deleted": deleted,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        phone_number = d.pop("phone_number")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        byot_trunk_id = d.pop("byot_trunk_id")

        telephony_provider = PhoneNumberTelephonyProvider(d.pop("telephony_provider"))

        deleted = d.pop("deleted")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        phone_number = cls(
            id=id,
            phone_number=phone_number,
            name=name,
            byot_trunk_id=byot_trunk_id,
            telephony_provider=telephony_provider,
            deleted=deleted,
            created_at=created_at,
            updated_at=updated_at,
        )

        return phone_number
