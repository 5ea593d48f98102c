"""The bolna_mock and bolna_client fixtures, as a user's own tests use them (the kit's pytest11 plugin)."""

from __future__ import annotations

import time

import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import create_sip_trunk, list_sip_trunks, update_sip_trunk
from bolna_sip_trunks_client.errors import NotFoundError, UnprocessableEntityError
from bolna_sip_trunks_client.models import Error, SipTrunk, SipTrunkCreate, SipTrunkUpdate

from mock_api.pytest_plugin import BolnaMock


def test_the_client_talks_to_a_fresh_mock_whose_store_tests_can_read(
    bolna_client: AuthenticatedClient, bolna_mock: BolnaMock
) -> None:
    assert bolna_mock.trunks() == []
    trunk = bolna_mock.create_trunk(name="Main line")

    updated = update_sip_trunk.sync(trunk["id"], client=bolna_client, body=SipTrunkUpdate(is_active=False))

    assert isinstance(updated, SipTrunk)
    assert updated.name == "Main line"
    assert [(t["id"], t["is_active"]) for t in bolna_mock.trunks()] == [(trunk["id"], False)]
    assert bolna_mock.store.has_trunk(trunk["id"])
    assert bolna_mock.numbers(trunk["id"]) == []


def test_each_test_gets_an_empty_store(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    listed = list_sip_trunks.sync(client=bolna_client)

    assert listed == []


def test_error_answers_raise_with_their_models(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk()

    with pytest.raises(UnprocessableEntityError) as invalid:
        update_sip_trunk.sync(trunk["id"], client=bolna_client, body=SipTrunkUpdate(qualify_frequency=86401))
    with pytest.raises(NotFoundError) as missing:
        update_sip_trunk.sync("no-such-trunk", client=bolna_client, body=SipTrunkUpdate(is_active=True))

    assert [item.loc for item in invalid.value.errors] == [["body", "qualify_frequency"]]
    assert isinstance(missing.value.body, Error)


@pytest.mark.bolna_mock(rate_limit_every=2, retry_after=3, max_retries=0)
def test_the_marker_turns_on_429s(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    first = list_sip_trunks.sync_detailed(client=bolna_client)
    second = list_sip_trunks.sync_detailed(client=bolna_client)

    assert [first.status_code, second.status_code] == [200, 429]
    assert second.headers["Retry-After"] == "3"
    assert bolna_mock.options == {"rate_limit_every": 2, "retry_after": 3, "max_retries": 0}


@pytest.mark.bolna_mock(rate_limit_every=2, retry_after=0)
def test_the_client_rides_out_429s_by_default(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    answers = [list_sip_trunks.sync_detailed(client=bolna_client).status_code for _ in range(3)]

    assert answers == [200, 200, 200]


@pytest.mark.bolna_mock(latency=0.2)
def test_the_marker_adds_latency(bolna_client: AuthenticatedClient) -> None:
    started = time.monotonic()
    list_sip_trunks.sync(client=bolna_client)

    assert time.monotonic() - started >= 0.2


@pytest.mark.bolna_mock(compress="gzip", edge_errors=0.5, max_retries=0)
def test_the_marker_puts_a_compressing_flaky_edge_in_front(
    bolna_client: AuthenticatedClient, bolna_mock: BolnaMock
) -> None:
    trunk = bolna_mock.create_trunk(name="Main line")  # request 1 passes the edge

    refused = list_sip_trunks.sync_detailed(client=bolna_client)  # request 2 does not
    listed = list_sip_trunks.sync_detailed(client=bolna_client)

    assert refused.status_code == 502 and refused.headers["content-type"] == "text/html"
    assert listed.headers["content-encoding"] == "gzip"
    assert isinstance(listed.parsed, list) and [item.name for item in listed.parsed] == [trunk["name"]]


@pytest.mark.bolna_mock(scenario="patch-merges-gateways")
def test_the_marker_picks_a_drift_scenario(bolna_client: AuthenticatedClient, bolna_mock: BolnaMock) -> None:
    trunk = bolna_mock.create_trunk()

    updated = update_sip_trunk.sync(
        trunk["id"],
        client=bolna_client,
        body=SipTrunkUpdate.from_dict({"gateways": [{"gateway_address": "b.invalid"}]}),
    )

    assert isinstance(updated, SipTrunk)
    assert len(updated.gateways) == 2  # the drift appends instead of replacing


def test_the_client_may_be_used_as_a_context_manager(bolna_client: AuthenticatedClient) -> None:
    with bolna_client as client:
        created = create_sip_trunk.sync_detailed(client=client, body=_create_body())
    assert created.status_code == 201


def _create_body() -> SipTrunkCreate:
    return SipTrunkCreate.from_dict(
        {
            "name": "ip trunk",
            "provider": "custom",
            "auth_type": "ip-based",
            "gateways": [{"gateway_address": "sip.invalid"}],
            "ip_identifiers": [{"ip_address": "192.0.2.7"}],
        }
    )


SAMPLE = """
import pytest

@pytest.mark.bolna_mock(scenario="patch-merges-gateways", rate_limit_every=5, latency=0.0)
def test_marked(bolna_mock):
    assert bolna_mock.options["scenario"] == "patch-merges-gateways"

def test_plain(bolna_client, bolna_mock):
    assert bolna_mock.trunks() == []
"""


def test_the_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SAMPLE)

    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("bolna_mock(scenario='no-such-drift')", "no-such-drift"),
        ("bolna_mock(rate_limit=3)", "unknown option 'rate_limit'"),
        ("bolna_mock('patch-merges-gateways')", "keyword arguments only"),
    ],
)
def test_a_wrong_marker_says_what_is_wrong(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.{marker}\ndef test_it(bolna_mock):\n    pass\n")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*{message}*"])
