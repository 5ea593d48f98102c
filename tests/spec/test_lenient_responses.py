"""The copy of the spec Schemathesis checks responses against: responses open, requests untouched."""

from __future__ import annotations

import copy

from contract_tests.values.spec import load_spec, schemas_in_responses, without_closed_responses

REQUEST_SCHEMAS = ["SipTrunkUpdate", "SipTrunkCreate", "GatewayInput", "IpIdentifierInput", "PhoneNumberCreate"]


def test_every_closed_response_schema_is_opened() -> None:
    spec = load_spec()
    closed = [name for name, schema in spec["components"]["schemas"].items() if "additionalProperties" in schema]
    assert {"SipTrunk", "Gateway", "PhoneNumber", "ValidationErrorItem"} <= set(closed)

    lenient = without_closed_responses(spec)

    still_closed = [name for name in closed if "additionalProperties" in lenient["components"]["schemas"][name]]
    assert still_closed == []
    assert "additionalProperties" in spec["components"]["schemas"]["SipTrunk"], "the loaded spec was changed"


def test_request_schemas_are_not_response_schemas() -> None:
    assert not schemas_in_responses(load_spec()) & set(REQUEST_SCHEMAS)


def test_a_closed_request_schema_stays_closed() -> None:
    spec = copy.deepcopy(load_spec())
    for name in REQUEST_SCHEMAS:
        spec["components"]["schemas"][name]["additionalProperties"] = False

    lenient = without_closed_responses(spec)

    assert all(lenient["components"]["schemas"][name]["additionalProperties"] is False for name in REQUEST_SCHEMAS)
    assert "additionalProperties" not in lenient["components"]["schemas"]["SipTrunk"]
