"""Every drift scenario is a real, observable deviation from the contract.

Each scenario has a probe here: a short conversation with the mock that asserts what the contract
document says. A probe passes against the contract mock and fails against its scenario, so the
scenario changes the behaviour it names. A scenario without a probe fails the registry test.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mock_api import SCENARIOS, list_scenarios
from tests.mock.mock_support import (
    NUMBER_KEYS,
    TOKEN,
    TRUNK_KEYS,
    TRUNKS,
    Api,
    ip_based_body,
    is_plain_error,
    is_validation_error,
    limit,
    userpass_body,
)

QUALIFY_MIN, QUALIFY_MAX = limit("QualifyFrequency", "minimum"), limit("QualifyFrequency", "maximum")

Probe = Callable[[Api], None]
PROBES: dict[str, Probe] = {}


def probe(name: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        assert name not in PROBES, name
        PROBES[name] = function
        return function

    return register


# --- PATCH merge semantics -----------------------------------------------------------------------


@probe("patch-resets-unsent-fields")
def unsent_fields_are_kept(api: Api) -> None:
    sent = {"inbound_enabled": True, "allow": "g722", "qualify_frequency": 30, "description": "kept"}
    trunk = api.create_trunk(userpass_body(**sent))
    updated = api.patch(trunk["id"], {"name": "Renamed"}).json()
    assert {key: updated[key] for key in sent} == sent


@probe("patch-ignores-null-description")
def null_description_clears_it(api: Api) -> None:
    trunk = api.create_trunk(userpass_body(description="to be cleared"))
    assert api.patch(trunk["id"], {"description": None}).json()["description"] is None
    assert api.get_trunk(trunk["id"])["description"] is None


@probe("patch-ignores-false-booleans")
def false_is_a_value(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"is_active": False}).json()["is_active"] is False


@probe("userpass-username-not-updated")
def userpass_username_is_updated(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"auth_username": "new-user"}).json()["auth_username"] == "new-user"


@probe("patch-write-leaks-into-another-field")
def a_write_changes_only_its_field(api: Api) -> None:
    trunk = api.create_trunk(userpass_body(inbound_enabled=False, is_active=False))
    updated = api.patch(trunk["id"], {"inbound_enabled": True}).json()
    assert (updated["inbound_enabled"], updated["is_active"]) == (True, False)


# --- array replacement -----------------------------------------------------------------------------


@probe("patch-merges-gateways")
def gateways_are_replaced(api: Api) -> None:
    trunk = api.create_trunk()
    updated = api.patch(trunk["id"], {"gateways": [{"gateway_address": "sip2.example.com"}]}).json()
    assert [g["gateway_address"] for g in updated["gateways"]] == ["sip2.example.com"]


@probe("patch-merges-ip-identifiers")
def ip_identifiers_are_replaced(api: Api) -> None:
    trunk = api.create_trunk(ip_based_body())
    updated = api.patch(trunk["id"], {"ip_identifiers": [{"ip_address": "10.0.0.1"}]}).json()
    assert updated["ip_identifiers"] == [{"ip_address": "10.0.0.1"}]


@probe("gateways-sorted-by-priority")
def gateways_keep_the_order_sent(api: Api) -> None:
    trunk = api.create_trunk()
    sent = [{"gateway_address": "b.example.com", "priority": 5}, {"gateway_address": "a.example.com", "priority": 1}]
    updated = api.patch(trunk["id"], {"gateways": sent}).json()
    assert [g["gateway_address"] for g in updated["gateways"]] == ["b.example.com", "a.example.com"]


@probe("gateway-default-port-5080")
def gateway_port_defaults_to_5060(api: Api) -> None:
    trunk = api.create_trunk(userpass_body(gateways=[{"gateway_address": "sip.example.com"}]))
    assert trunk["gateways"][0]["port"] == 5060


# --- cross-field and stored-state rules ------------------------------------------------------------


@probe("sdes-allowed-without-tls")
def sdes_needs_tls(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_plain_error(api.patch(trunk["id"], {"media_encryption": "sdes"}), 400)


@probe("sdes-rule-skipped-on-transport-change")
def sdes_trunk_stays_on_tls(api: Api) -> None:
    trunk = api.create_trunk(userpass_body(transport="transport-tls", media_encryption="sdes"))
    assert is_plain_error(api.patch(trunk["id"], {"transport": "transport-udp"}), 400)
    assert api.get_trunk(trunk["id"])["transport"] == "transport-tls"


@probe("ip-based-may-lose-identifiers")
def ip_based_keeps_an_identifier(api: Api) -> None:
    trunk = api.create_trunk(ip_based_body())
    assert is_plain_error(api.patch(trunk["id"], {"ip_identifiers": []}), 400)


@probe("ip-based-keeps-credentials")
def ip_based_ignores_credentials(api: Api) -> None:
    trunk = api.create_trunk(ip_based_body(auth_username="someone", auth_password="secret"))
    assert trunk["auth_username"] is None
    assert api.patch(trunk["id"], {"auth_username": "someone"}).json()["auth_username"] is None


@probe("patch-drops-phone-numbers")
def patch_keeps_phone_numbers(api: Api) -> None:
    trunk = api.create_trunk()
    number = api.add_number(trunk["id"], {"phone_number": "+919876543210"}).json()
    updated = api.patch(trunk["id"], {"gateways": [{"gateway_address": "new.example.com"}]}).json()
    assert updated["phone_numbers"] == [number]


@probe("duplicate-number-plus-sensitive")
def numbers_compare_without_plus(api: Api) -> None:
    trunk = api.create_trunk()
    api.add_number(trunk["id"], {"phone_number": "+919876543210"})
    assert is_plain_error(api.add_number(trunk["id"], {"phone_number": "919876543210"}), 409)


@probe("trunk-delete-keeps-numbers-active")
def trunk_delete_frees_numbers(api: Api) -> None:
    old, new = api.create_trunk(), api.create_trunk()
    api.add_number(old["id"], {"phone_number": "+919876543210"})
    api.delete(old["id"])
    assert api.add_number(new["id"], {"phone_number": "+919876543210"}).status_code in (200, 201)


@probe("e164-check-ignored")
def e164_check_needs_plus(api: Api) -> None:
    trunk = api.create_trunk()
    body = {"phone_number": "919876543210", "e164_check_enabled": True}
    assert is_plain_error(api.add_number(trunk["id"], body), 400)


@probe("is-active-filter-ignored")
def is_active_filter_filters(api: Api) -> None:
    api.create_trunk()
    inactive = api.create_trunk(userpass_body(is_active=False))
    assert api.list("?is_active=false").json() == [inactive]


# --- atomicity, persistence and timestamps --------------------------------------------------------


@probe("partial-patch-on-rule-violation")
def rule_violation_changes_nothing(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"name": "New", "media_encryption": "sdes"}).status_code == 400
    assert api.get_trunk(trunk["id"]) == trunk


@probe("partial-patch-on-invalid-field")
def invalid_field_changes_nothing(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"name": "New", "qualify_frequency": QUALIFY_MIN - 1}).status_code == 422
    assert api.get_trunk(trunk["id"]) == trunk


@probe("patch-response-stale")
def patch_answers_the_new_trunk(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"name": "New"}).json()["name"] == "New"


@probe("patch-not-persisted")
def patch_is_stored(api: Api) -> None:
    trunk = api.create_trunk()
    answered = api.patch(trunk["id"], {"name": "New"}).json()
    assert api.get_trunk(trunk["id"]) == answered


@probe("created-at-changes-on-patch")
def created_at_is_fixed(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"name": "New"}).json()["created_at"] == trunk["created_at"]


@probe("updated-at-goes-back")
def updated_at_never_goes_back(api: Api) -> None:
    trunk = api.create_trunk()
    first = api.patch(trunk["id"], {"name": "One"}).json()["updated_at"]
    second = api.patch(trunk["id"], {"name": "Two"}).json()["updated_at"]
    assert trunk["updated_at"] <= first <= second  # same UTC layout, so text order is time order


# --- response types, enums and missing fields -----------------------------------------------------


@probe("qualify-frequency-as-string")
def qualify_frequency_is_an_integer(api: Api) -> None:
    trunk = api.create_trunk()
    assert type(api.get_trunk(trunk["id"])["qualify_frequency"]) is int


@probe("booleans-as-integers")
def booleans_are_json_booleans(api: Api) -> None:
    trunk = api.create_trunk()
    fetched = api.get_trunk(trunk["id"])
    assert all(type(fetched[key]) is bool for key in ("is_active", "inbound_enabled", "direct_media"))


@probe("transport-enum-shortened")
def transport_is_in_the_enum(api: Api) -> None:
    trunk = api.create_trunk(userpass_body(transport="transport-tcp"))
    assert trunk["transport"] == "transport-tcp"


@probe("omits-documented-fields")
def trunk_has_every_key(api: Api) -> None:
    trunk = api.create_trunk()
    assert set(api.get_trunk(trunk["id"])) == TRUNK_KEYS


@probe("phone-number-missing-deleted")
def phone_number_has_every_key(api: Api) -> None:
    trunk = api.create_trunk()
    assert set(api.add_number(trunk["id"], {"phone_number": "123456"}).json()) == NUMBER_KEYS
    assert set(api.get_trunk(trunk["id"])["phone_numbers"][0]) == NUMBER_KEYS


# --- secrets ----------------------------------------------------------------------------------------


@probe("auth-password-echoed")
def password_is_not_echoed(api: Api) -> None:
    response = api.create(userpass_body())
    assert "s3cr3t-sip-pass" not in response.text
    assert "auth_password" not in api.get(response.json()["id"]).text


@probe("auth-password-in-list")
def password_is_not_listed(api: Api) -> None:
    api.create_trunk()
    assert "s3cr3t-sip-pass" not in api.list().text


# --- status codes and order of checks -----------------------------------------------------------


@probe("create-answers-202")
def create_answers_200_or_201(api: Api) -> None:
    assert api.create(userpass_body()).status_code in (200, 201)


@probe("validation-errors-as-400")
def field_errors_are_422(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_validation_error(api.patch(trunk["id"], {"qualify_frequency": QUALIFY_MIN - 1}))


@probe("rule-violations-as-422")
def rule_violations_are_400(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_plain_error(api.patch(trunk["id"], {"media_encryption": "sdes"}), 400)


@probe("delete-unknown-trunk-200")
def deleting_an_unknown_trunk_is_404(api: Api) -> None:
    assert is_plain_error(api.delete("no-such-trunk"), 404)


@probe("method-not-allowed-without-allow")
def method_not_allowed_says_allow(api: Api) -> None:
    response = api.request("PUT", TRUNKS)
    assert response.status_code == 405
    assert {method.strip() for method in response.headers.get("allow", "").split(",")} == {"GET", "POST"}


@probe("lookup-before-body-check")
def body_is_checked_before_lookup(api: Api) -> None:
    assert is_validation_error(api.patch("no-such-trunk", {"qualify_frequency": QUALIFY_MIN - 1}))


# --- auth -------------------------------------------------------------------------------------------


@probe("any-bearer-token-accepted")
def only_the_token_is_accepted(api: Api) -> None:
    response = api.request("GET", TRUNKS, auth=False, headers={"Authorization": f"Bearer not-{TOKEN}"})
    assert is_plain_error(response, 401)


@probe("delete-skips-auth")
def delete_needs_the_token(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_plain_error(api.request("DELETE", f"{TRUNKS}/{trunk['id']}", auth=False), 401)
    assert api.get(trunk["id"]).status_code == 200


# --- content type -------------------------------------------------------------------------------------


@probe("content-type-text-plain")
def success_is_json(api: Api) -> None:
    assert api.create(userpass_body()).headers["content-type"] == "application/json"
    trunk = api.create_trunk()
    assert api.get(trunk["id"]).headers["content-type"] == "application/json"
    assert api.patch(trunk["id"], {}).headers["content-type"] == "application/json"


@probe("errors-as-plain-text")
def errors_are_json_with_detail(api: Api) -> None:
    response = api.get("no-such-trunk")
    assert response.headers["content-type"] == "application/json"
    assert is_plain_error(response, 404)


# --- server errors --------------------------------------------------------------------------------------


@probe("server-error-on-empty-patch")
def empty_patch_is_a_no_op(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {}).status_code == 200


@probe("server-error-on-most-gateways")
def the_most_gateways_are_fine(api: Api) -> None:
    trunk = api.create_trunk()
    most = limit("SipTrunkUpdate", "gateways", "maxItems")
    sent = [{"gateway_address": f"gw{index}.example.com"} for index in range(most)]
    assert api.patch(trunk["id"], {"gateways": sent}).status_code == 200


@probe("server-error-on-non-ascii-name")
def non_ascii_names_are_fine(api: Api) -> None:
    trunk = api.create_trunk()
    assert api.patch(trunk["id"], {"name": "Zürich ☎"}).status_code == 200


# --- field checks ------------------------------------------------------------------------------------------


@probe("qualify-frequency-unbounded")
def qualify_frequency_is_bounded(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_validation_error(api.patch(trunk["id"], {"qualify_frequency": QUALIFY_MAX + 1}))


@probe("booleans-accept-0-and-1")
def booleans_refuse_numbers(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_validation_error(api.patch(trunk["id"], {"is_active": 0}))


@probe("blank-name-accepted")
def blank_names_are_refused(api: Api) -> None:
    trunk = api.create_trunk()
    assert is_validation_error(api.patch(trunk["id"], {"name": "   "}))


@probe("ip-address-trailing-newline")
def ip_address_pattern_ends_at_the_end(api: Api) -> None:
    trunk = api.create_trunk(ip_based_body())
    assert is_validation_error(api.patch(trunk["id"], {"ip_identifiers": [{"ip_address": "10.0.0.1\n"}]}))


@probe("gateway-port-zero-accepted")
def gateway_port_has_a_minimum(api: Api) -> None:
    trunk = api.create_trunk()
    gateway = {"gateway_address": "sip.example.com", "port": limit("Port", "minimum") - 1}
    assert is_validation_error(api.patch(trunk["id"], {"gateways": [gateway]}))


# --- the tests ---------------------------------------------------------------------------------------------


def test_every_scenario_has_a_probe_and_every_probe_a_scenario() -> None:
    assert set(PROBES) == set(SCENARIOS)


def test_the_registry_is_large_named_and_described() -> None:
    assert len(SCENARIOS) >= 25
    assert [name for name, _ in list_scenarios()] == list(SCENARIOS)
    for name, description in list_scenarios():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert description and "\n" not in description
        assert SCENARIOS[name].description == description


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_holds_on_the_contract_mock(name: str) -> None:
    PROBES[name](Api())


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_changes_the_behaviour_it_names(name: str) -> None:
    if name not in PROBES:
        pytest.fail(f"scenario {name!r} has no probe in this file")
    with pytest.raises(AssertionError):
        PROBES[name](Api(scenario=name))
