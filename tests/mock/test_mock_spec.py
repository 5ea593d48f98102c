"""The mock reads openapi.yaml when it is created: a copy of the spec moves it, and a spec it
cannot act on stops it with one line naming the place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.values.spec import SPEC_PATH
from mock_api import create_app
from mock_api.__main__ import main
from mock_api.spec import SpecError
from tests.mock.mock_support import Api, error_locs, is_validation_error, userpass_body

Edit = Callable[[dict[str, Any]], None]


def edited_spec(tmp_path: Path, edit: Edit) -> Path:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    edit(document["components"]["schemas"])
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_a_moved_bound_moves_the_check(tmp_path: Path) -> None:
    def shorter_names(schemas: dict[str, Any]) -> None:
        schemas["TrunkName"]["maxLength"] = 10

    api = Api(spec=edited_spec(tmp_path, shorter_names))
    trunk = api.create_trunk(userpass_body(name="n" * 10))
    response = api.patch(trunk["id"], {"name": "n" * 11})
    assert is_validation_error(response)
    assert response.json()["detail"][0]["msg"] == "String should have at most 10 characters"


def test_a_new_enum_value_is_accepted(tmp_path: Path) -> None:
    def with_wss(schemas: dict[str, Any]) -> None:
        schemas["Transport"]["enum"].append("transport-wss")

    api = Api(spec=edited_spec(tmp_path, with_wss))
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"transport": "transport-wss"}).json()["transport"] == "transport-wss"
    refused = api.patch(trunk["id"], {"transport": "transport-sctp"})
    assert "'transport-wss'" in refused.json()["detail"][0]["msg"]


def test_a_new_required_field_is_required(tmp_path: Path) -> None:
    def with_region(schemas: dict[str, Any]) -> None:
        schemas["SipTrunkCreate"]["properties"]["region"] = {"type": "string", "minLength": 2}
        schemas["SipTrunkCreate"]["required"].append("region")

    api = Api(spec=edited_spec(tmp_path, with_region))
    response = api.create(userpass_body())
    assert is_validation_error(response) and error_locs(response) == [["body", "region"]]
    assert api.create(userpass_body(region="eu")).status_code == 201


def test_an_undocumented_key_gets_its_example_default_enum_or_a_valid_value(tmp_path: Path) -> None:
    def with_new_keys(schemas: dict[str, Any]) -> None:
        properties = schemas["SipTrunk"]["properties"]
        properties["sip_domain"] = {"type": "string", "example": "sip.example.invalid"}
        properties["codec_profile"] = {"type": "string", "default": "standard"}
        properties["region"] = {"type": "string", "enum": ["eu", "us"]}
        properties["max_channels"] = {"type": "integer", "minimum": 1}
        ip_identifier = {"$ref": "#/components/schemas/IpIdentifier"}
        properties["carrier_ips"] = {"type": "array", "minItems": 1, "items": ip_identifier}
        schemas["SipTrunk"]["required"] += ["sip_domain", "region"]

    api = Api(spec=edited_spec(tmp_path, with_new_keys))
    trunk = api.create_trunk()
    added = {"sip_domain", "codec_profile", "region", "max_channels", "carrier_ips"}
    assert {key: trunk[key] for key in added} == {
        "sip_domain": "sip.example.invalid",
        "codec_profile": "standard",
        "region": "eu",
        "max_channels": 1,
        "carrier_ips": [{"ip_address": "15.207.90.192/31"}],  # from the spec's own examples
    }
    assert all(listed[key] == trunk[key] for listed in api.list().json() for key in added)


def test_ecma_shorthand_classes_mean_ascii(tmp_path: Path) -> None:
    def digits_only(schemas: dict[str, Any]) -> None:
        schemas["PhoneNumberCreate"]["properties"]["phone_number"]["pattern"] = r"^\+?\d{6,15}$"

    api = Api(spec=edited_spec(tmp_path, digits_only))
    trunk = api.create_trunk()
    assert api.add_number(trunk["id"], {"phone_number": "+4930123456"}).status_code == 201
    # Python's \d takes Arabic-Indic digits; ECMA-262's does not.
    assert is_validation_error(api.add_number(trunk["id"], {"phone_number": "\u0661" * 8}))
    assert is_validation_error(api.add_number(trunk["id"], {"phone_number": "4930123456\n"}))


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda s: s["QualifyFrequency"].update(multipleOf=10), "qualify_frequency: the mock cannot check multipleOf"),
        (lambda s: s["SipTrunkUpdate"]["properties"].update(ttl={"type": ["string", "integer"]}), "ttl"),
        (lambda s: s["TrunkName"].update(pattern="\\bline"), "name: pattern"),
    ],
)
def test_a_spec_the_mock_cannot_act_on_fails_at_creation_naming_the_place(
    tmp_path: Path, edit: Edit, named: str
) -> None:
    with pytest.raises(SpecError, match=named.replace("(", r"\(")):
        create_app(spec=edited_spec(tmp_path, edit))


def test_the_served_mock_refuses_a_missing_spec_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--spec", str(tmp_path / "nowhere.yaml")]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "nowhere.yaml" in error
