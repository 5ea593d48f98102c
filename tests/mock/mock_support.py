"""Helpers for the mock's tests: a fresh mock behind Starlette's TestClient, and request bodies.

Every expected behaviour in these tests is written from the contract document
(/work/shared/contract/bolna-sip-trunks.md), and every bound, pattern and response key is read
from openapi.yaml; only `create_app` and the scenario registry are imported from the mock, never
its rules.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx

from contract_tests.values.spec import load_spec, schema_validator
from mock_api import create_app

with warnings.catch_warnings():
    # Starlette 1.x nudges towards `httpx2` on import; the kit pins httpx 0.28, which still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TRUNKS = "/sip-trunks/trunks"

Json = dict[str, Any]


def spec_schema(*path: str) -> Json:
    """The spec's schema at `path`: a component name, then property names (`items` steps into a list).

    The mock reads its bounds, patterns and response keys from the spec, so its tests read them
    from there too instead of restating them.
    """
    node = _resolved({"$ref": f"#/components/schemas/{path[0]}"})
    for step in path[1:]:
        node = _resolved(node["items"] if step == "items" else node["properties"][step])
    return node


def _resolved(node: Json) -> Json:
    while "$ref" in node:
        target: Any = load_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
    return node


def limit(*path: str) -> int:
    """A numeric keyword of the spec: `limit("SipTrunkUpdate", "gateways", "maxItems")`."""
    value = spec_schema(*path[:-1])[path[-1]]
    assert isinstance(value, int), f"{path} is not a number in the spec"
    return value


def spec_accepts(schema: str, body: Any) -> bool:
    """The spec's verdict on `body` (a JSON Schema 2020-12 validator with ECMA-262 patterns)."""
    return bool(schema_validator(schema).is_valid(body))


def response_keys(schema: str) -> set[str]:
    """The keys the spec documents for a response object."""
    return set(spec_schema(schema)["properties"])


TRUNK_KEYS = response_keys("SipTrunk")
GATEWAY_KEYS = response_keys("Gateway")
NUMBER_KEYS = response_keys("PhoneNumber")
ERROR_ITEM_REQUIRED = set(spec_schema("ValidationErrorItem")["required"])
ERROR_ITEM_KEYS = response_keys("ValidationErrorItem")


def userpass_body(**overrides: Any) -> Json:
    body: Json = {
        "name": "Zadarma main line",
        "provider": "zadarma",
        "auth_type": "userpass",
        "auth_username": "491234",
        "auth_password": "s3cr3t-sip-pass",
        "gateways": [{"gateway_address": "sip.zadarma.com"}],
    }
    return {**body, **overrides}


def ip_based_body(**overrides: Any) -> Json:
    body: Json = {
        "name": "Plivo India",
        "provider": "plivo",
        "auth_type": "ip-based",
        "gateways": [{"gateway_address": "21507010193.zt.plivo.com", "port": 5060, "priority": 1}],
        "ip_identifiers": [{"ip_address": "15.207.90.192/31"}],
    }
    return {**body, **overrides}


class Api:
    """A fresh mock with an empty store, reached in-process with the right token by default."""

    def __init__(self, scenario: str | None = None, **knobs: Any) -> None:
        self.http = TestClient(create_app(token=TOKEN, scenario=scenario, **knobs), base_url="http://mock")

    def request(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = {**(AUTH if auth else {}), **kwargs.pop("headers", {})}
        response: httpx.Response = self.http.request(method, path, headers=headers, **kwargs)
        return response

    def create(self, body: Json) -> httpx.Response:
        return self.request("POST", TRUNKS, json=body)

    def create_trunk(self, body: Json | None = None) -> Json:
        response = self.create(userpass_body() if body is None else body)
        assert response.status_code in (200, 201), response.text
        trunk: Json = response.json()
        return trunk

    def patch(self, trunk_id: str, body: Any) -> httpx.Response:
        return self.request("PATCH", f"{TRUNKS}/{trunk_id}", json=body)

    def get(self, trunk_id: str) -> httpx.Response:
        return self.request("GET", f"{TRUNKS}/{trunk_id}")

    def get_trunk(self, trunk_id: str) -> Json:
        response = self.get(trunk_id)
        assert response.status_code == 200, response.text
        trunk: Json = response.json()
        return trunk

    def list(self, query: str = "") -> httpx.Response:
        return self.request("GET", f"{TRUNKS}{query}")

    def delete(self, trunk_id: str) -> httpx.Response:
        return self.request("DELETE", f"{TRUNKS}/{trunk_id}")

    def add_number(self, trunk_id: str, body: Json) -> httpx.Response:
        return self.request("POST", f"{TRUNKS}/{trunk_id}/numbers", json=body)

    def list_numbers(self, trunk_id: str) -> httpx.Response:
        return self.request("GET", f"{TRUNKS}/{trunk_id}/numbers")

    def delete_number(self, trunk_id: str, number_id: str) -> httpx.Response:
        return self.request("DELETE", f"{TRUNKS}/{trunk_id}/numbers/{number_id}")


def without_times(trunk: Json) -> Json:
    """A trunk without what a PATCH may legitimately renew: `updated_at`, gateway ids and times."""
    kept = {key: value for key, value in trunk.items() if key != "updated_at"}
    kept["gateways"] = [
        {key: value for key, value in gateway.items() if key not in ("id", "created_at")}
        for gateway in trunk["gateways"]
    ]
    return kept


def is_validation_error(response: httpx.Response) -> bool:
    """A 422 whose body has the contract's shape: detail is a list of {loc, msg, type}."""
    if response.status_code != 422:
        return False
    detail = response.json().get("detail")
    return (
        isinstance(detail, list)
        and bool(detail)
        and all(
            isinstance(item, dict)
            and ERROR_ITEM_REQUIRED <= set(item) <= ERROR_ITEM_KEYS
            and isinstance(item["loc"], list)
            and isinstance(item["msg"], str)
            and isinstance(item["type"], str)
            for item in detail
        )
    )


def error_locs(response: httpx.Response) -> list[list[str | int]]:
    return [item["loc"] for item in response.json()["detail"]]


def is_plain_error(response: httpx.Response, status: int) -> bool:
    """An error with the contract's `{"detail": "<text>"}` body."""
    body = response.json()
    return response.status_code == status and set(body) == {"detail"} and isinstance(body["detail"], str)
