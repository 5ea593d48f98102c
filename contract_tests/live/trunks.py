"""Throwaway trunks for the checks to work on, or the existing trunk a run was given."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from contract_tests.live.safety import DOCUMENTATION_CIDR, HARMLESS_GATEWAY, TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.observers.edge import answer_text
from contract_tests.values.spec import schema_validator


class Workbench:
    """Hands out trunks: one per kind, made once and reused, or the given existing trunk."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.http = target.http()
        self._by_kind: dict[str, str] = {}

    def create_body(self, kind: str, **fields: Any) -> dict[str, Any]:
        ledger = self.target.ledger
        body: dict[str, Any] = {
            "name": ledger.next_name(),
            "provider": "custom",
            "auth_type": kind,
            "gateways": [{"gateway_address": HARMLESS_GATEWAY}],
        }
        if kind == "userpass":
            body |= {"auth_username": "contract-test", "auth_password": ledger.new_password()}
        else:
            body["ip_identifiers"] = [{"ip_address": DOCUMENTATION_CIDR}]
        body |= fields
        # The suite's chosen values, checked against the spec before they are sent as valid.
        if not schema_validator("SipTrunkCreate").is_valid(body):
            raise AssertionError(f"the suite meant a valid create body, but the spec refuses it: {sorted(body)}")
        return body

    def create(self, kind: str = "userpass", **fields: Any) -> dict[str, Any]:
        """A new trunk; skips the check where this run may not create trunks."""
        if not self.target.ledger.may_create:
            pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): creates nothing")
        response = self.http.post(TRUNKS_PATH, json=self.create_body(kind, **fields))
        assert response.status_code in (200, 201), _unexpected("create a trunk", response)
        trunk: dict[str, Any] = response.json()
        return trunk

    def trunk_id(self, kind: str | None = None) -> str:
        """A trunk to change: the existing one, else this run's trunk of `kind`."""
        given = self.target.ledger.given_trunk
        if given:
            if kind is not None and self.auth_type(given) != kind:
                pytest.skip(f"the existing trunk is not {kind}")
            return given
        kind = kind or "userpass"
        trunk_id = self._by_kind.get(kind)
        if trunk_id is None or trunk_id in self.target.ledger.deleted:
            trunk_id = self.create(kind)["id"]
            self._by_kind[kind] = trunk_id
            # A number on the trunk, so that checks can see PATCH leave numbers alone.
            self.add_number(trunk_id)
        return trunk_id

    def add_number(self, trunk_id: str) -> dict[str, Any]:
        for _ in range(5):
            number = "+9990" + "".join(secrets.choice("0123456789") for _ in range(9))
            response = self.http.post(f"{TRUNKS_PATH}/{trunk_id}/numbers", json={"phone_number": number})
            if response.status_code != 409:  # already taken elsewhere: draw another
                break
        assert response.status_code in (200, 201), _unexpected("add a phone number", response)
        added: dict[str, Any] = response.json()
        return added

    def get(self, trunk_id: str) -> dict[str, Any]:
        response = self.http.get(f"{TRUNKS_PATH}/{trunk_id}")
        assert response.status_code == 200, _unexpected(f"read trunk {trunk_id}", response)
        trunk: dict[str, Any] = response.json()
        return trunk

    def numbers(self, trunk_id: str) -> list[dict[str, Any]]:
        response = self.http.get(f"{TRUNKS_PATH}/{trunk_id}/numbers")
        assert response.status_code == 200, _unexpected(f"list the numbers of {trunk_id}", response)
        numbers: list[dict[str, Any]] = response.json()
        return numbers

    def own_trunks(self) -> list[str]:
        """The ids of this run's trunks in the list: made or given, or named as this run names
        trunks (a create that slipped past the token would be). Others' trunks come and go."""
        response = self.http.get(TRUNKS_PATH)
        assert response.status_code == 200, _unexpected("list trunks", response)
        ledger = self.target.ledger
        return sorted(
            str(trunk.get("id"))
            for trunk in response.json()
            if ledger.owns(str(trunk.get("id"))) or str(trunk.get("name", "")).startswith(f"{ledger.name_prefix}-")
        )

    def auth_type(self, trunk_id: str) -> str:
        return str(self.get(trunk_id).get("auth_type"))

    @property
    def throwaway(self) -> bool:
        """True when the run works on trunks it creates (it may then also send credentials)."""
        return self.target.ledger.may_create

    def close(self) -> None:
        self.http.close()


def _unexpected(what: str, response: httpx.Response) -> str:
    return f"could not {what}: {answer_text(response, 200)}"
