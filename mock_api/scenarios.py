"""Named drift scenarios: each makes the mock deviate from the contract in one observable way.

A scenario is a `Scenario` (see `hooks.py`) with a kebab-case name, a one-line description, and
its behaviour right below the description: a `TrunkStore` subclass overriding one rule, or one
hook function. Select one with `create_app(scenario=NAME)` or `python -m mock_api --scenario NAME`.
The registry and its decorators are in `registry.py`; this module is the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any, cast

from mock_api.exchange import ApiError, Call, Operation, Reply, not_found
from mock_api.hooks import BodySchemas, Scenario
from mock_api.registry import (
    SCENARIOS,
    UnknownScenario,
    auth_drift,
    before_store_drift,
    body_drift,
    get_scenario,
    list_scenarios,
    register,
    respond_drift,
    store_drift,
)
from mock_api.store import (
    CREATE_DEFAULTS,
    CREDENTIAL_FIELDS,
    PLAIN_FIELDS,
    JsonObject,
    Trunk,
    TrunkStore,
    rfc3339,
)
from mock_api.validation import (
    Boolean,
    Check,
    FieldError,
    Fields,
    Integer,
    ListOf,
    Loc,
    Text,
    check_body,
    field_error,
)

# The registry, re-exported: importing this module is what fills it.
__all__ = ["SCENARIOS", "UnknownScenario", "get_scenario", "list_scenarios"]

TRUNK_WRITES = (Operation.CREATE_TRUNK, Operation.UPDATE_TRUNK)
SINGLE_TRUNK_ANSWERS = (Operation.CREATE_TRUNK, Operation.GET_TRUNK, Operation.UPDATE_TRUNK)


# --- reading replies --------------------------------------------------------------------------------


def trunks_in(content: Any) -> Iterator[JsonObject]:
    """The trunk objects of a reply: the trunk itself, or each trunk of a list."""
    items = content if isinstance(content, list) else [content]
    yield from (item for item in items if isinstance(item, dict) and "auth_type" in item)


def numbers_in(content: Any) -> Iterator[JsonObject]:
    """Every phone-number object of a reply, including those inside trunks."""
    items = content if isinstance(content, list) else [content]
    for item in items:
        if isinstance(item, dict) and item.get("telephony_provider") == "sip-trunk":
            yield item
        elif isinstance(item, dict) and isinstance(item.get("phone_numbers"), list):
            yield from item["phone_numbers"]


def parse_rfc3339(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


# === PATCH merge semantics ===========================================================================


@store_drift("patch-resets-unsent-fields", "PATCH resets every field it does not send to its create default")
class ResetsUnsentFields(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        defaults = {name: CREATE_DEFAULTS[name] for name in PLAIN_FIELDS if name in CREATE_DEFAULTS}
        return super().merged(replace(stored, **defaults), patch, now)


@store_drift("patch-ignores-null-description", 'PATCH {"description": null} keeps the stored description')
class IgnoresNullDescription(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        kept = {name: value for name, value in patch.items() if not (name == "description" and value is None)}
        return super().merged(stored, kept, now)


@store_drift("patch-ignores-false-booleans", "PATCH skips boolean fields sent as false (falsy taken as absent)")
class IgnoresFalseBooleans(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        return super().merged(stored, {name: value for name, value in patch.items() if value is not False}, now)


@store_drift("userpass-username-not-updated", "PATCH auth_username on a userpass trunk is silently ignored")
class UsernameNotUpdated(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        return super().merged(stored, {name: value for name, value in patch.items() if name != "auth_username"}, now)


def write_leaking_into(source: str, target: str, *, negated: bool = False) -> type[TrunkStore]:
    """A store whose PATCH of `source` also writes the sent value into `target` (both plain fields);
    `negated`: the opposite of the sent boolean."""
    for name in (source, target):
        if name not in PLAIN_FIELDS:
            raise ValueError(f"a leaking write joins two plain trunk fields, not {name!r}")

    class WriteLeaks(TrunkStore):
        def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
            updated = super().merged(stored, patch, now)
            if source not in patch:
                return updated
            sent = patch[source]
            written: Any = not sent if negated and isinstance(sent, bool) else sent
            return replace(updated, **{target: written})

    WriteLeaks.__name__ = WriteLeaks.__qualname__ = f"{source}_leaks_{'negated_' if negated else ''}into_{target}"
    return WriteLeaks


store_drift("patch-write-leaks-into-another-field", "PATCH inbound_enabled also writes the sent value into is_active")(
    write_leaking_into("inbound_enabled", "is_active")
)


# === array replacement ================================================================================


@store_drift("patch-merges-gateways", "PATCH appends the sent gateways to the stored ones instead of replacing them")
class MergesGateways(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        updated = super().merged(stored, patch, now)
        if "gateways" not in patch:
            return updated
        return replace(updated, gateways=stored.gateways + updated.gateways)


@store_drift(
    "patch-merges-ip-identifiers",
    "PATCH adds the sent ip_identifiers to the stored ones instead of replacing",
)
class MergesIpIdentifiers(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        updated = super().merged(stored, patch, now)
        added = tuple(address for address in updated.ip_identifiers if address not in stored.ip_identifiers)
        return replace(updated, ip_identifiers=stored.ip_identifiers + added)


@store_drift("gateways-sorted-by-priority", "gateways come back sorted by priority, not in the order last sent")
class GatewaysSortedByPriority(TrunkStore):
    def render_trunk(self, trunk: Trunk) -> JsonObject:
        rendered = super().render_trunk(trunk)
        rendered["gateways"].sort(key=lambda gateway: gateway["priority"])
        return rendered


@store_drift("gateway-default-port-5080", "a gateway sent without a port gets 5080 instead of the default 5060")
class GatewayDefaultPort5080(TrunkStore):
    def new_gateways(self, sent: list[Any], now: str) -> Any:
        return super().new_gateways([{"port": 5080, **gateway} for gateway in sent], now)


# === cross-field and stored-state rules ================================================================


@store_drift("sdes-allowed-without-tls", "media_encryption sdes is accepted on a trunk whose transport is not TLS")
class SdesAllowedWithoutTls(TrunkStore):
    def check_rules(self, trunk: Trunk) -> None:
        super().check_rules(replace(trunk, media_encryption="no"))  # judge it as if unencrypted


@store_drift(
    "sdes-rule-skipped-on-transport-change",
    "a PATCH that changes only transport skips the sdes rule, so an sdes trunk can move to UDP",
)
class SdesRuleSkippedOnTransportChange(TrunkStore):
    def update_trunk(self, trunk_id: str, patch: Any) -> JsonObject:
        if "transport" not in patch or "media_encryption" in patch:
            return super().update_trunk(trunk_id, patch)
        with self._lock:
            stored = self._find_trunk(trunk_id)
            updated = self.merged(stored, patch, self._now())
            self.check_merged(replace(updated, media_encryption="no"))
            self._trunks[trunk_id] = updated
            return self.render_trunk(updated)


@store_drift("ip-based-may-lose-identifiers", "an ip-based trunk may be left with no ip_identifiers (PATCH [] works)")
class IpBasedMayLoseIdentifiers(TrunkStore):
    def check_merged(self, trunk: Trunk) -> None:
        # Judge the merged trunk as if it still had an identifier, so the "keeps at least one" rule
        # never fires on PATCH; create keeps its own (documented) rule.
        super().check_merged(replace(trunk, ip_identifiers=trunk.ip_identifiers or ("192.0.2.1",)))


@store_drift(
    "ip-based-keeps-credentials",
    "credentials sent for an ip-based trunk are stored and auth_username returned",
)
class IpBasedKeepsCredentials(TrunkStore):
    def new_trunk(self, fields: Any, now: str) -> Trunk:
        trunk = super().new_trunk(fields, now)
        return replace(trunk, **{name: fields[name] for name in CREDENTIAL_FIELDS if name in fields})

    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        updated = super().merged(stored, patch, now)
        return replace(updated, **{name: patch[name] for name in CREDENTIAL_FIELDS if name in patch})


@store_drift("patch-drops-phone-numbers", "a PATCH that replaces gateways also soft-deletes the trunk's phone numbers")
class PatchDropsPhoneNumbers(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        if "gateways" in patch:
            self.retire_numbers_of(stored.id)  # the lock is held here, as for every rule
        return super().merged(stored, patch, now)


@store_drift(
    "duplicate-number-plus-sensitive",
    "the 409 check compares numbers with their '+', so +91.. and 91.. coexist",
)
class DuplicateNumberPlusSensitive(TrunkStore):
    def number_is_active(self, phone_number: str) -> bool:
        return any(n.phone_number == phone_number for n in self._numbers.values())


@store_drift("trunk-delete-keeps-numbers-active", "deleting a trunk leaves its numbers active, so re-adding one is 409")
class TrunkDeleteKeepsNumbersActive(TrunkStore):
    def retire_numbers_of(self, trunk_id: str) -> None:
        return None


@store_drift("e164-check-ignored", "e164_check_enabled true accepts a phone number without a leading '+'")
class E164CheckIgnored(TrunkStore):
    def add_number(self, trunk_id: str, fields: Any) -> JsonObject:
        return super().add_number(trunk_id, {**fields, "e164_check_enabled": False})


@store_drift("is-active-filter-ignored", "GET /sip-trunks/trunks ignores the is_active filter and lists every trunk")
class IsActiveFilterIgnored(TrunkStore):
    def list_trunks(self, is_active: bool | None) -> list[JsonObject]:
        return super().list_trunks(None)


# === atomicity, persistence and timestamps (seen across requests) ===================================


@store_drift("partial-patch-on-rule-violation", "a PATCH answered 400 still stores the fields it sent")
class PartialPatchOnRuleViolation(TrunkStore):
    def update_trunk(self, trunk_id: str, patch: Any) -> JsonObject:
        try:
            return super().update_trunk(trunk_id, patch)
        except ApiError as error:
            if error.status == 400:
                with self._lock:
                    self._trunks[trunk_id] = self.merged(self._find_trunk(trunk_id), patch, self._now())
            raise


def _store_valid_fields(call: Call, store: TrunkStore) -> None:
    if call.operation is not Operation.UPDATE_TRUNK or call.checks is None or not isinstance(call.body, dict):
        return
    valid: dict[str, Any] = {}
    for name, value in call.body.items():
        cleaned, errors = check_body(call.checks, {name: value})
        if not errors:
            valid.update(cleaned)
    with suppress(ApiError):
        store.update_trunk(call.path_params["trunk_id"], valid)


register(
    Scenario(
        "partial-patch-on-invalid-field",
        "a PATCH answered 422 still stores its valid fields",
        on_invalid_body=_store_valid_fields,
    )
)


@store_drift("patch-response-stale", "PATCH answers 200 with the trunk as it was before the change")
class PatchResponseStale(TrunkStore):
    def update_trunk(self, trunk_id: str, patch: Any) -> JsonObject:
        before = self.get_trunk(trunk_id)
        super().update_trunk(trunk_id, patch)
        return before


@store_drift("patch-not-persisted", "PATCH answers with the updated trunk but never stores it; a GET shows the old one")
class PatchNotPersisted(TrunkStore):
    def update_trunk(self, trunk_id: str, patch: Any) -> JsonObject:
        with self._lock:
            updated = self.merged(self._find_trunk(trunk_id), patch, self._now())
            self.check_merged(updated)
            return self.render_trunk(updated)


@store_drift("created-at-changes-on-patch", "PATCH rewrites created_at to the time of the change")
class CreatedAtChangesOnPatch(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        return replace(super().merged(stored, patch, now), created_at=now)


@store_drift("updated-at-goes-back", "PATCH sets updated_at one second before its previous value")
class UpdatedAtGoesBack(TrunkStore):
    def merged(self, stored: Trunk, patch: Any, now: str) -> Trunk:
        earlier = rfc3339(parse_rfc3339(stored.updated_at) - timedelta(seconds=1))
        return replace(super().merged(stored, patch, now), updated_at=earlier)


# === response types, enums and missing fields ========================================================


@respond_drift("qualify-frequency-as-string", 'trunk responses carry qualify_frequency as a string ("60")')
def qualify_frequency_as_string(call: Call | None, reply: Reply) -> Reply:
    for trunk in trunks_in(reply.content):
        trunk["qualify_frequency"] = str(trunk["qualify_frequency"])
    return reply


@respond_drift("booleans-as-integers", "trunk responses carry boolean fields as 0/1 instead of false/true")
def booleans_as_integers(call: Call | None, reply: Reply) -> Reply:
    for trunk in trunks_in(reply.content):
        for name, value in trunk.items():
            if isinstance(value, bool):
                trunk[name] = int(value)
    return reply


@respond_drift("transport-enum-shortened", "trunk responses say udp/tcp/tls instead of transport-udp/-tcp/-tls")
def transport_enum_shortened(call: Call | None, reply: Reply) -> Reply:
    for trunk in trunks_in(reply.content):
        trunk["transport"] = trunk["transport"].removeprefix("transport-")
    return reply


@respond_drift(
    "omits-documented-fields",
    "trunk responses leave out transport, media_encryption and auth_type, as Bolna's PATCH example does",
)
def omits_documented_fields(call: Call | None, reply: Reply) -> Reply:
    for trunk in trunks_in(reply.content):
        for name in ("transport", "media_encryption", "auth_type"):
            trunk.pop(name, None)
    return reply


@respond_drift("phone-number-missing-deleted", "phone numbers (also inside trunks) come back without `deleted`")
def phone_number_missing_deleted(call: Call | None, reply: Reply) -> Reply:
    for number in numbers_in(reply.content):
        number.pop("deleted", None)
    return reply


# === secrets in responses ============================================================================


@store_drift("auth-password-echoed", "every trunk response of a userpass trunk includes auth_password")
class AuthPasswordEchoed(TrunkStore):
    def render_trunk(self, trunk: Trunk) -> JsonObject:
        rendered = super().render_trunk(trunk)
        if trunk.auth_password is not None:
            rendered["auth_password"] = trunk.auth_password
        return rendered


@store_drift("auth-password-in-list", "only the trunk list (GET /sip-trunks/trunks) includes auth_password")
class AuthPasswordInList(TrunkStore):
    def list_trunks(self, is_active: bool | None) -> list[JsonObject]:
        listed = super().list_trunks(is_active)
        with self._lock:
            for rendered in listed:
                trunk = self._trunks.get(rendered["id"])
                if trunk is not None and trunk.auth_password is not None:
                    rendered["auth_password"] = trunk.auth_password
        return listed


# === status codes and order of checks ================================================================


@respond_drift("create-answers-202", "POST /sip-trunks/trunks answers 202 instead of 200/201")
def create_answers_202(call: Call | None, reply: Reply) -> Reply:
    if call is not None and call.operation is Operation.CREATE_TRUNK and reply.status == 201:
        reply.status = 202
    return reply


@respond_drift("validation-errors-as-400", "field errors answer 400 (same body) instead of 422")
def validation_errors_as_400(call: Call | None, reply: Reply) -> Reply:
    if reply.status == 422:
        reply.status = 400
    return reply


@respond_drift("rule-violations-as-422", "merged-state rule violations answer 422 instead of 400")
def rule_violations_as_422(call: Call | None, reply: Reply) -> Reply:
    if reply.status == 400:
        reply.status = 422
    return reply


@respond_drift("delete-unknown-trunk-200", "DELETE of an unknown trunk answers 200 instead of 404")
def delete_unknown_trunk_200(call: Call | None, reply: Reply) -> Reply:
    if call is not None and call.operation is Operation.DELETE_TRUNK and reply.status == 404:
        return Reply(200, {"message": "SIP trunk deleted"})
    return reply


@respond_drift("method-not-allowed-without-allow", "405 answers carry no Allow header")
def method_not_allowed_without_allow(call: Call | None, reply: Reply) -> Reply:
    if reply.status == 405:
        reply.headers.pop("Allow", None)
    return reply


def _look_up_trunk_first(call: Call, store: TrunkStore) -> None:
    trunk_id = call.path_params.get("trunk_id")
    if trunk_id is not None and not store.has_trunk(trunk_id):
        raise not_found("trunk_not_found", trunk_id=trunk_id)


register(
    Scenario(
        "lookup-before-body-check",
        "an unknown trunk_id answers 404 even when the body is invalid (contract: 422 first)",
        before_body=_look_up_trunk_first,
    )
)


# === auth ============================================================================================


@auth_drift("any-bearer-token-accepted", "any bearer token is accepted, not only the configured one")
def any_bearer_token_accepted(call: Call) -> bool:
    scheme, _, token = (call.authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token)


@auth_drift("delete-skips-auth", "DELETE endpoints answer without checking the bearer token")
def delete_skips_auth(call: Call) -> bool:
    return call.method == "DELETE"


# === content type ====================================================================================


@respond_drift(
    "content-type-text-plain", "answers carrying one trunk (create, get, PATCH) are labelled text/plain; still JSON"
)
def content_type_text_plain(call: Call | None, reply: Reply) -> Reply:
    # The trunk list stays JSON, so a client's first call still looks like Bolna's API.
    if reply.status < 300 and call is not None and call.operation in SINGLE_TRUNK_ANSWERS:
        reply.media_type = "text/plain"
    return reply


@respond_drift("errors-as-plain-text", "error answers are plain-text reason phrases, not JSON with `detail`")
def errors_as_plain_text(call: Call | None, reply: Reply) -> Reply:
    if reply.status >= 400:
        return Reply(reply.status, HTTPStatus(reply.status).phrase, reply.headers, "text/plain")
    return reply


# === server errors ===================================================================================


@before_store_drift("server-error-on-empty-patch", "PATCH {} answers 500 instead of being a 200 no-op")
def server_error_on_empty_patch(call: Call, store: TrunkStore) -> None:
    if call.operation is Operation.UPDATE_TRUNK and call.body == {}:
        raise RuntimeError("drift: nothing to update")


@before_store_drift(
    "server-error-on-most-gateways", "a body with as many gateways as the spec's maxItems allows answers 500"
)
def server_error_on_most_gateways(call: Call, store: TrunkStore) -> None:
    gateways = call.checks.checks.get("gateways") if call.checks is not None else None
    if not isinstance(gateways, ListOf) or not isinstance(call.body, dict):
        return
    if len(call.body.get("gateways", [])) == gateways.max_items:
        raise IndexError("drift: the gateway table holds one fewer")


@before_store_drift("server-error-on-non-ascii-name", "a trunk name with a non-ASCII character answers 500")
def server_error_on_non_ascii_name(call: Call, store: TrunkStore) -> None:
    if isinstance(call.body, dict) and isinstance(call.body.get("name"), str) and call.operation in TRUNK_WRITES:
        call.body["name"].encode("ascii")  # raises UnicodeEncodeError, as a careless driver would


# === field checks ====================================================================================


@dataclass(frozen=True)
class ZeroOneBoolean:
    """Takes JSON 0 and 1 for false and true (Python's bool-is-int slip)."""

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if type(value) is int and value in (0, 1):
            return bool(value)
        return Boolean()(value, loc, errors)


@dataclass(frozen=True)
class PythonDollarText:
    """A string check whose pattern uses Python's `$`, which also matches before a final newline."""

    text: Text

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        found: list[FieldError] = []
        replace(self.text, pattern=None)(value, loc, found)
        errors += found
        if not found and self.text.pattern is not None and not re.search(self.text.pattern, value):
            errors.append(
                field_error(loc, f"String should match pattern '{self.text.pattern}'", "string_pattern_mismatch")
            )
        return value


def _at(check: Check, path: tuple[str, ...], change: Callable[[Check], Check]) -> Check:
    """`check` with the check at `path` (field names, looking through lists) replaced by `change` of it."""
    if not path:
        return change(check)
    if isinstance(check, ListOf):
        return replace(check, item=_at(check.item, path, change))
    if isinstance(check, Fields) and path[0] in check.checks:
        return check.with_checks(**{path[0]: _at(check.checks[path[0]], path[1:], change)})
    return check


def _trunk_field(bodies: BodySchemas, path: tuple[str, ...], change: Callable[[Check], Check]) -> BodySchemas:
    """Both trunk bodies (create and PATCH) with one field's check loosened the same way."""
    loosened: dict[Operation, Fields] = dict(bodies)
    for operation in TRUNK_WRITES:
        if operation in bodies:
            changed = _at(bodies[operation], path, change)
            assert isinstance(changed, Fields)
            loosened[operation] = changed
    return loosened


def _every_check(check: Check, change: Callable[[Check], Check]) -> Check:
    if isinstance(check, Fields):
        return check.with_checks(**{name: _every_check(inner, change) for name, inner in check.checks.items()})
    if isinstance(check, ListOf):
        return replace(check, item=_every_check(check.item, change))
    return change(check)


def _without(keyword: str) -> Callable[[Check], Check]:
    """A change that drops one keyword (`maximum`, `pattern`, ...) from a field's check."""

    def dropped(check: Check) -> Check:
        if not hasattr(check, keyword):
            raise ValueError(f"{type(check).__name__} has no {keyword} to drop")
        return cast(Check, replace(cast(Any, check), **{keyword: None}))

    return dropped


@body_drift("qualify-frequency-unbounded", "the maximum of qualify_frequency is not enforced: larger values are stored")
def qualify_frequency_unbounded(bodies: BodySchemas) -> BodySchemas:
    return _trunk_field(bodies, ("qualify_frequency",), _without("maximum"))


@body_drift("booleans-accept-0-and-1", "request bodies take 0 and 1 for booleans and store them as false/true")
def booleans_accept_zero_and_one(bodies: BodySchemas) -> BodySchemas:
    def lenient(check: Check) -> Check:
        return ZeroOneBoolean() if isinstance(check, Boolean) else check

    loosened = {operation: _every_check(fields, lenient) for operation, fields in bodies.items()}
    return {operation: fields for operation, fields in loosened.items() if isinstance(fields, Fields)}


@body_drift("blank-name-accepted", "the pattern of name is not enforced, so a name of only spaces is accepted")
def blank_name_accepted(bodies: BodySchemas) -> BodySchemas:
    return _trunk_field(bodies, ("name",), _without("pattern"))


@body_drift(
    "ip-address-trailing-newline",
    "the pattern of ip_address is matched with Python's `$`, so a trailing newline passes (ECMA's does not)",
)
def ip_address_trailing_newline(bodies: BodySchemas) -> BodySchemas:
    def python_dollar(check: Check) -> Check:
        return PythonDollarText(check) if isinstance(check, Text) else check

    return _trunk_field(bodies, ("ip_identifiers", "ip_address"), python_dollar)


@body_drift("gateway-port-zero-accepted", "a gateway's port is held to one below the spec's minimum: port 0 is stored")
def gateway_port_zero_accepted(bodies: BodySchemas) -> BodySchemas:
    def one_lower(check: Check) -> Check:
        if not isinstance(check, Integer) or check.minimum is None:
            raise ValueError("a gateway's port has no minimum in the spec to lower")
        return replace(check, minimum=check.minimum - 1)

    return _trunk_field(bodies, ("gateways", "port"), one_lower)
