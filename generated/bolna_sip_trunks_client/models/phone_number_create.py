from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PhoneNumberCreate")


@_attrs_define
class PhoneNumberCreate:
    """
    Attributes:
        phone_number (str):
        name (None | str | Unset):
        e164_check_enabled (bool | Unset): When true the number must start with `+` (otherwise 400). Default: False.
    """

    phone_number: str
    name: None | str | Unset = UNSET
    e164_check_enabled: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone_number = self.phone_number

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        e164_check_enabled = self.e164_check_enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phone_number": phone_number,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if e164_check_enabled is not UNSET:
            field_dict["e164_check_enabled"] = e164_check_enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone_number = d.pop("phone_number")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        e164_check_enabled = d.pop("e164_check_enabled", UNSET)

        phone_number_create = cls(
            phone_number=phone_number,
            name=name,
            e164_check_enabled=e164_check_enabled,
        )

        phone_number_create.additional_properties = d
        return phone_number_create

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
