"""The team's tests of trunk_service: only the kit's fixtures, no network, no Bolna account."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from mock_api.pytest_plugin import BolnaMock
from trunk_service import close_line, open_line, pause_trunk, rename_trunk


def test_pause_deactivates_the_trunk(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk(name="Main line")

    assert pause_trunk(bolna_client, trunk["id"]) == "done"
    assert [t["is_active"] for t in bolna_mock.trunks()] == [False]


@pytest.mark.bolna_mock(rate_limit_every=2, retry_after=0, max_retries=0)
def test_pause_waits_out_a_rate_limit(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk()  # request 1; the service's first PATCH is request 2: 429
    waits: list[float] = []

    assert pause_trunk(bolna_client, trunk["id"], sleep=waits.append) == "done"
    assert waits == [0.0]
    assert bolna_mock.trunks()[0]["is_active"] is False


@pytest.mark.bolna_mock(rate_limit_every=2, retry_after=0)
def test_the_client_itself_retries_by_default(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk()
    waits: list[float] = []

    assert pause_trunk(bolna_client, trunk["id"], sleep=waits.append) == "done"
    assert waits == []  # the 429 never reached the service


def test_rename_reports_a_blank_name(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk(name="Main line")

    assert rename_trunk(bolna_client, trunk["id"], "   ") == "invalid: name"
    assert bolna_mock.trunks()[0]["name"] == "Main line"


def test_an_unknown_trunk_is_refused(bolna_client: AuthenticatedClient) -> None:
    assert pause_trunk(bolna_client, "no-such-trunk") == "refused: 404"


def test_a_line_is_opened_and_closed_with_every_operation(
    bolna_client: AuthenticatedClient, bolna_mock: BolnaMock
) -> None:
    assert open_line(bolna_client, "Office", "203.0.113.10", "+4930111222") == "opened Office with +4930111222"
    (trunk,) = bolna_mock.trunks()
    assert [number["phone_number"] for number in bolna_mock.numbers(trunk["id"])] == ["+4930111222"]

    assert close_line(bolna_client, "Office") == "closed 1"
    assert close_line(bolna_client, "Office") == "gone"
    assert bolna_mock.trunks() == []


def test_a_number_in_use_elsewhere_is_taken(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    assert open_line(bolna_client, "Office", "203.0.113.10", "+4930111222").startswith("opened")

    assert open_line(bolna_client, "Branch", "203.0.113.11", "4930111222") == "taken"
    assert [trunk["name"] for trunk in bolna_mock.trunks()] == ["Office"]


@pytest.mark.bolna_mock(scenario="patch-ignores-false-booleans")
def test_a_drift_scenario_shows_what_the_service_would_miss(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk()

    assert pause_trunk(bolna_client, trunk["id"]) == "done"
    assert bolna_mock.trunks()[0]["is_active"] is True  # the drifted API ignored the pause


def test_the_kit_and_its_spec_come_from_the_installed_wheel() -> None:
    import mock_api
    from mock_api.spec_file import spec_path

    assert Path(mock_api.__file__).is_relative_to(sys.prefix)
    assert spec_path().is_relative_to(sys.prefix)
    assert spec_path().name == "openapi.yaml" and spec_path().is_file()
