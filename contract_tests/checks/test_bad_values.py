"""Each PATCH field's bad values (type, bounds, pattern, enum) answer 422 and change nothing.

The values come from the spec's schema keywords (contract_tests/values/bad_values.py): a probe sends
one value per field and rule, a later sweep the others. A bad value the API accepts is a
`looser` finding about the rule it breaks; for a bound, the check then measures the bound the
API really enforces (contract_tests/values/bounds.py) on its own trunk, once per run.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from contract_tests.findings.findings import Finding
from contract_tests.live.restore_record import restorable
from contract_tests.live.safety import HARMLESS_GATEWAY, TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.trunks import Workbench
from contract_tests.observers.edge import answer_text, whose_status
from contract_tests.plugin import ContractPlugin
from contract_tests.values.bad_values import bad_values_by_field, one_per_rule
from contract_tests.values.bounds import LOWER, MAX_REQUESTS, UPPER, Bound, discover
from contract_tests.values.causes import (
    Rule,
    fingerprint,
    looser_fingerprint,
    rule_place,
    rules_broken,
    status_provenance,
    status_rule_fingerprint,
    stricter_fingerprint,
)
from contract_tests.values.edges import Edge, edges
from contract_tests.values.model import CREDENTIALS, expected_after
from contract_tests.values.spec import VALIDATION_FAILURE, status_for, valid_patch

BAD_VALUES = bad_values_by_field()
SPLIT = {field: one_per_rule(field, values) for field, values in BAD_VALUES.items()}  # (first look, the others)
UPDATE = "PATCH /sip-trunks/trunks/{trunk_id}"
# What a field error answers, as the spec gives PATCH its `ValidationFailed` answer.
FIELD_ERROR = status_for("PATCH", "/sip-trunks/trunks/{trunk_id}", VALIDATION_FAILURE) or 422
# Requests kept for the rest of the run and its clean-up; discovery never eats into them.
BUDGET_RESERVE = 200


def _validation_error_body(body: object) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("detail"), list) or not body["detail"]:
        return False
    return all(isinstance(item, dict) and {"loc", "msg", "type"} <= item.keys() for item in body["detail"])


def _patch(target: Target, trunk_id: str, body: dict[str, Any]) -> httpx.Response:
    with target.http() as http:
        return http.patch(f"{TRUNKS_PATH}/{trunk_id}", json=body)


@dataclass
class Verdicts:
    """What the API made of one field's bad values, by cause."""

    contract: ContractPlugin
    accepted: dict[Rule, list[tuple[Any, httpx.Response]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def judge(self, body: dict[str, Any], response: httpx.Response) -> None:
        sent = json.dumps(body, ensure_ascii=False)[:160]
        if 200 <= response.status_code < 300:
            for rule in rules_broken("SipTrunkUpdate", body) or [Rule("SipTrunkUpdate", "", "?")]:
                self.accepted.setdefault(rule, []).append((body, response))
            return
        if response.status_code != FIELD_ERROR:
            self._breaking(
                "status-instead-of-422",
                response,
                f"a field error answers {whose_status(response)} instead of {FIELD_ERROR}",
                f"PATCH {sent}: expected {FIELD_ERROR}, got {answer_text(response, 160)}",
            )
            return
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        if not _validation_error_body(parsed):
            self._breaking(
                "422-body",
                response,
                "a 422 answer has no {detail: [{loc, msg, type}]} body",
                f"PATCH {sent}: 422 without a {{detail: [{{loc, msg, type}}]}} body: {response.text[:160]}",
            )

    def _breaking(self, deviation: str, response: httpx.Response, title: str, detail: str) -> None:
        self.problems.append(detail)
        status = response.status_code
        cause = fingerprint("bad-values", UPDATE, deviation, status)
        evidence: dict[str, Any] = {}
        if deviation == "status-instead-of-422" and 400 <= status < 500:
            # Another status for the spec's assumed one: one cause wherever it shows, moved by the patch.
            cause = status_rule_fingerprint(VALIDATION_FAILURE, status)
            evidence = {"status": status, "replaces": VALIDATION_FAILURE, "documented": FIELD_ERROR}
        self.contract.record(
            Finding(
                "bad-values",
                "test_bad_values_are_rejected_with_422",
                "failure",
                title,
                detail,
                [self.contract.curl(response)],
                kind="breaking",
                fingerprint=cause,
                operations=[UPDATE],
                evidence=evidence,
                provenance=status_provenance("PATCH", "/sip-trunks/trunks/{trunk_id}", FIELD_ERROR)
                if evidence
                else None,
            )
        )


def _sized(value: Any, size: int) -> Any:
    """A value like `value` with `size` as its length, item count or number."""
    if isinstance(value, str):
        return (value[:1] or "x") * size
    if isinstance(value, list):
        return [copy.deepcopy(value[0]) for _ in range(size)] if value else value
    return size


def _with_value_at(body: dict[str, Any], path: list[str | int], make: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = make(node[path[-1]])
    return changed


def _instance_path(rule: Rule, body: dict[str, Any]) -> list[str | int]:
    """Where in `body` the value sits that breaks `rule`: the first path with an error of it."""
    from contract_tests.values.spec import schema_validator

    for error in schema_validator("SipTrunkUpdate").iter_errors(body):
        if list(error.schema_path)[-1] == rule.keyword:
            return list(error.instance_path)
    return []


def _budget_short(target: Target, requests_per_probe: int = 1) -> bool:
    meter = target.budget_meter
    return meter.max_requests - meter.sent < MAX_REQUESTS * requests_per_probe + BUDGET_RESERVE


def measure_bound(target: Target, trunk_id: str, rule: Rule, body: dict[str, Any]) -> Bound | str:
    """The bound the API enforces for `rule`, probed on `trunk_id` (the caller puts the field back)."""
    documented = rule.documented
    if rule.keyword not in UPPER | LOWER or not isinstance(documented, int):
        return f"{rule.keyword} is not measured"
    if next(iter(body)) in CREDENTIALS:
        return "not measured: credentials are never probed"
    if _budget_short(target):
        return "not measured: the run's request budget is too small"
    path = _instance_path(rule, body)
    if not path:
        return "not measured: the accepted value could not be located"

    def accepts(size: int) -> bool | None:
        probe = _with_value_at(body, path, lambda value: _sized(value, size))
        response = _patch(target, trunk_id, probe)
        if response.status_code == FIELD_ERROR:
            return False
        return True if 200 <= response.status_code < 300 else None

    return discover(rule.keyword, documented, accepts)


def _looser(
    contract: ContractPlugin, test: str, rule: Rule, seen: list[tuple[Any, httpx.Response]], bound: Bound | str
) -> None:
    values = [body[next(iter(body))] for body, _ in seen]
    field_name = next(iter(seen[0][0]))
    shown = ", ".join(_short(value) for value in values[:4])
    measured = bound.describe() if isinstance(bound, Bound) else bound
    detail = (
        f"The spec's {rule.describe()} forbids these values of {field_name}, and the API accepted them "
        f"(PATCH answered 2xx): {shown}."
    )
    if rule.keyword in UPPER | LOWER:
        detail += f"\nMeasured: {measured}."
    shortest = min(seen, key=lambda pair: len(json.dumps(pair[0])))[1]
    evidence: dict[str, Any] = {
        "rule": rule.as_evidence(),
        "accepted": [_short(value, 80) for value in values],
    }
    if isinstance(bound, Bound):
        evidence["bound"] = bound.as_dict()
    contract.record(
        Finding(
            "bad-values",
            test,
            "failure",
            f"the API accepts what {rule.describe()} forbids: "
            + (measured if isinstance(bound, Bound) else f"{field_name} {shown}"),
            detail,
            [contract.curl(shortest)],
            kind="looser",
            fingerprint=looser_fingerprint(rule),
            operations=[UPDATE],
            evidence=evidence,
            provenance=rule.provenance,
        )
    )


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    size = f"{len(value)} long" if isinstance(value, (str, list)) else "cut"
    return f"{text[: limit - 12]}… ({size})"


@pytest.fixture(scope="session")
def bounds_measured() -> dict[Rule, Bound | str]:
    """What each rule's bound measured to in this run: the sweep does not measure one again."""
    return {}


@dataclass
class Context:
    """What a bad-values test works with: the fixtures, and the name its findings carry."""

    test: str
    target: Target
    workbench: Workbench
    contract: ContractPlugin
    bounds_measured: dict[Rule, Bound | str]


@pytest.fixture
def context(
    request: pytest.FixtureRequest,
    target: Target,
    workbench: Workbench,
    contract: ContractPlugin,
    bounds_measured: dict[Rule, Bound | str],
) -> Context:
    return Context(request.node.name, target, workbench, contract, bounds_measured)


@pytest.mark.parametrize("field", list(SPLIT))
def test_bad_values_are_rejected_with_422(field: str, context: Context) -> None:
    """One bad value per rule of the field: the likeliest of them to slip through."""
    _reject_bad_values(context, field, SPLIT[field][0])


@pytest.mark.phase("sweep")
@pytest.mark.parametrize("field", [field for field, (_, others) in SPLIT.items() if others])
def test_other_bad_values_are_rejected_with_422(field: str, context: Context) -> None:
    _reject_bad_values(context, field, SPLIT[field][1])


def _reject_bad_values(context: Context, field: str, values: list[Any]) -> None:
    test, target, workbench, contract = context.test, context.target, context.workbench, context.contract
    bounds_measured = context.bounds_measured
    if field in CREDENTIALS and not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): sends no credentials")
    trunk_id = workbench.trunk_id("userpass" if field in CREDENTIALS else None)
    before = workbench.get(trunk_id)
    verdicts = Verdicts(contract)
    for value in values:
        body = {field: value}
        verdicts.judge(body, _patch(target, trunk_id, body))
    for rule, seen in sorted(verdicts.accepted.items()):
        if rule not in bounds_measured:
            measured = rule.keyword in UPPER | LOWER
            bounds_measured[rule] = measure_bound(target, trunk_id, rule, seen[0][0]) if measured else ""
        _looser(contract, test, rule, seen, bounds_measured[rule])
    original = restorable(before)
    if verdicts.accepted and field in original:
        # The accepted values (and the probes) changed the field: put it back, so that later
        # checks see the trunk as it was rather than the symptom of this cause again.
        _patch(target, trunk_id, {field: original[field]})
    # One read before and after all of them: each value is refused alone, so any change is a bug.
    if not verdicts.accepted and workbench.get(trunk_id) != before:
        verdicts.problems.append(f"bad values of {field} were answered 422 but the trunk changed")
        contract.record(
            Finding(
                "bad-values",
                test,
                "failure",
                "a PATCH answered 422 changed the trunk",
                verdicts.problems[-1],
                kind="breaking",
                fingerprint=fingerprint("bad-values", UPDATE, "rejected-patch-applied", 422),
                operations=[UPDATE],
            )
        )
    refused = not verdicts.accepted and not verdicts.problems
    assert refused, f"bad values of {field} were not refused as the spec says (see the findings)"


def _harmless_base(target: Target, field: str) -> str:
    """A short valid string a field's edge grows from, kept as the safety layer lets it through."""
    if field == "auth_password":
        return target.ledger.new_password()  # unique, so no other field's value contains it
    return {"name": target.ledger.next_name(), "gateway_address": HARMLESS_GATEWAY}.get(field, "x")


EDGE_FIELDS = list(dict.fromkeys(edge.field for edge in edges(lambda field: "x")))


@pytest.mark.parametrize("field", EDGE_FIELDS)
def test_values_at_the_spec_edges_are_accepted(field: str, context: Context) -> None:
    """Each edge the spec allows (longest, least and greatest, most items, each enum value; inside
    list items too) is accepted: an API stricter than the spec refuses it, whatever the seed."""
    test, target, workbench, contract = context.test, context.target, context.workbench, context.contract
    if field in CREDENTIALS and not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): sends no credentials")
    trunk_id = workbench.trunk_id("userpass" if field in CREDENTIALS else None)
    before = workbench.get(trunk_id)
    refused: dict[Rule, list[tuple[Edge, httpx.Response]]] = {}
    for edge in edges(lambda name: _harmless_base(target, name), [field]):
        if expected_after(before, edge.body).status != 200:
            continue  # a merged-state rule refuses it here: the PATCH-semantics checks' concern
        if field == "auth_password":
            target.ledger.add_secret(edge.value)
        response = _patch(target, trunk_id, edge.body)
        if response.status_code == FIELD_ERROR:
            refused.setdefault(edge.rule, []).append((edge, response))
    for rule, seen in refused.items():
        if rule not in context.bounds_measured:
            context.bounds_measured[rule] = _measure_inwards(target, trunk_id, seen[0][0])
        _stricter(contract, test, rule, seen, context.bounds_measured[rule])
    original = restorable(before)
    if field in original:
        _patch(target, trunk_id, {field: original[field]})
    assert not refused, f"values of {field} the spec allows were refused (see the findings)"


CREATE = "POST /sip-trunks/trunks"
CREATE_EDGE_FIELDS = list(
    dict.fromkeys(edge.field for edge in edges(lambda field: "x", component="SipTrunkCreate", valid=lambda _: True))
)


@pytest.mark.parametrize("field", CREATE_EDGE_FIELDS)
def test_values_at_the_spec_edges_are_accepted_on_create(field: str, context: Context) -> None:
    """The same edges sent in create bodies: a trunk each, deleted again once accepted."""
    test, target, workbench, contract = context.test, context.target, context.workbench, context.contract
    if not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): creates nothing")
    refused: dict[Rule, list[tuple[Edge, httpx.Response]]] = {}

    def complete(body: dict[str, Any]) -> dict[str, Any] | None:
        kind = body.get("auth_type", "userpass")
        try:
            return workbench.create_body(kind, **body)
        except AssertionError:
            return None  # not valid in a create body of that kind (sdes without TLS, say)

    for edge in edges(
        lambda name: _harmless_base(target, name),
        [field],
        component="SipTrunkCreate",
        valid=lambda body: complete(body) is not None,
    ):
        body = complete(edge.body)
        assert body is not None
        if field == "auth_password":
            target.ledger.add_secret(edge.value)
        response = _create_and_delete(target, body)
        if response.status_code == FIELD_ERROR:
            refused.setdefault(edge.rule, []).append((edge, response))
    for rule, seen in refused.items():
        if rule not in context.bounds_measured:
            # A field PATCH cannot send (`provider`): measured on create, a trunk per request.
            context.bounds_measured[rule] = _measure_inwards_on_create(target, seen[0][0], complete)
        _stricter(contract, test, rule, seen, context.bounds_measured[rule], operation=CREATE)
    assert not refused, f"values of {field} the spec allows in a create body were refused (see the findings)"


def _create_and_delete(target: Target, body: dict[str, Any]) -> httpx.Response:
    """POST `body`; a trunk it creates is deleted again at once."""
    with target.http() as http:
        response = http.post(TRUNKS_PATH, json=body)
        if 200 <= response.status_code < 300 and isinstance(created := response.json(), dict):
            http.delete(f"{TRUNKS_PATH}/{created['id']}")
    return response


def _measure_inwards_on_create(
    target: Target, edge: Edge, complete: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> Bound | str:
    """`_measure_inwards` in create bodies (completed by `complete`), for fields PATCH does not take."""
    resized, inside = edge.resized, edge.inside
    if resized is None or inside is None or edge.bound is None:
        return f"{edge.rule.keyword} is not measured"
    if edge.field in CREDENTIALS:
        return "not measured: credentials are never probed"
    if _budget_short(target, requests_per_probe=2):  # a create and a delete
        return "not measured: the run's request budget is too small"

    def accepts(size: int) -> bool | None:
        body = complete(resized(size))
        if body is None:
            return None
        response = _create_and_delete(target, body)
        if response.status_code == FIELD_ERROR:
            return False
        return True if 200 <= response.status_code < 300 else None

    return discover(edge.rule.keyword, edge.bound, accepts, inside=inside)


def _measure_inwards(target: Target, trunk_id: str, edge: Edge) -> Bound | str:
    """The bound the API enforces inside a refused edge, probed on `trunk_id` (the caller restores)."""
    resized, inside = edge.resized, edge.inside
    if resized is None or inside is None or edge.bound is None:
        return f"{edge.rule.keyword} is not measured"
    if edge.field in CREDENTIALS:
        return "not measured: credentials are never probed"
    if _budget_short(target):
        return "not measured: the run's request budget is too small"

    def accepts(size: int) -> bool | None:
        response = _patch(target, trunk_id, resized(size))
        if response.status_code == FIELD_ERROR:
            return False
        return True if 200 <= response.status_code < 300 else None

    return discover(edge.rule.keyword, edge.bound, accepts, inside=inside)


def _stricter(
    contract: ContractPlugin,
    test: str,
    rule: Rule,
    seen: list[tuple[Edge, httpx.Response]],
    bound: Bound | str,
    operation: str = UPDATE,
) -> None:
    edge, response = seen[0]
    where = ".".join(str(step) for step in edge.path)
    shown = ", ".join(_short(edge.value) for edge, _ in seen[:4])
    measured = bound.describe() if isinstance(bound, Bound) else bound
    guessed = (
        f"the spec guessed {rule.describe()}" if rule.provenance == "assumed" else f"the spec says {rule.describe()}"
    )
    detail = f"{guessed}; the API refused {where} {shown} with {response.status_code}: {response.text[:200]}"
    if isinstance(bound, Bound) or bound:
        detail += f"\nMeasured: {measured}."
    evidence: dict[str, Any] = {
        "rule": rule.as_evidence(),
        "refused": [_short(edge.value, 80) for edge, _ in seen],
    }
    if isinstance(bound, Bound):
        evidence["bound"] = bound.as_dict()
    contract.record(
        Finding(
            "bad-values",
            test,
            "failure",
            f"the API refuses {where} {_short(edge.value)}, which {rule.describe()} allows"
            + (f": {measured}" if isinstance(bound, Bound) else ""),
            detail,
            [contract.curl(response)],
            kind="breaking",
            fingerprint=stricter_fingerprint(rule_place(rule)),
            operations=[operation],
            evidence=evidence,
            provenance=rule.provenance,
        )
    )


def test_one_bad_field_rejects_the_whole_patch(target: Target, workbench: Workbench, contract: ContractPlugin) -> None:
    trunk_id = workbench.trunk_id()
    valid = valid_patch(
        {
            "name": f"{target.ledger.name_prefix}-atomic",
            "description": "must not be stored",
            "gateways": [{"gateway_address": "atomic.sip.invalid"}],
            "is_active": False,
            "qualify_frequency": 30,
        }
    )
    found = 0
    # Each field's last bad value: past a bound, outside the enum, against the pattern (bad_values.py).
    for bad_field in ("qualify_frequency", "transport", "allow"):
        bad = BAD_VALUES[bad_field][-1]
        body = {**valid, bad_field: bad}
        before = workbench.get(trunk_id)
        response = _patch(target, trunk_id, body)
        sent = json.dumps(body)[:160]
        rule = rules_broken("SipTrunkUpdate", {bad_field: bad})
        if 200 <= response.status_code < 300:
            # The bad field itself was accepted: the cause is that field's rule, not atomicity.
            cause = looser_fingerprint(rule[0]) if rule else fingerprint("bad-values", UPDATE, "accepted", bad_field)
            title, kind, deviation = f"a PATCH with a bad {bad_field} was accepted", "looser", None
        elif response.status_code != FIELD_ERROR:
            title, kind, deviation = (
                f"a field error answers {response.status_code} instead of {FIELD_ERROR}",
                "breaking",
                None,
            )
            cause = (
                status_rule_fingerprint(VALIDATION_FAILURE, response.status_code)
                if 400 <= response.status_code < 500
                else fingerprint("bad-values", UPDATE, "status-instead-of-422", response.status_code)
            )
        elif workbench.get(trunk_id) != before:
            title, kind, deviation = "a PATCH answered 422 changed the trunk", "breaking", "rejected-patch-applied"
            cause = fingerprint("bad-values", UPDATE, deviation, 422)
        else:
            continue
        found += 1
        contract.record(
            Finding(
                "bad-values",
                "test_one_bad_field_rejects_the_whole_patch",
                "failure",
                title,
                f"PATCH {sent}: answered {answer_text(response, 160)}",
                [contract.curl(response)],
                kind=kind,  # type: ignore[arg-type]
                fingerprint=fingerprint("bad-values", UPDATE, "atomicity", bad_field) if kind == "looser" else cause,
                operations=[UPDATE],
                consequence_of=cause if kind == "looser" else None,
            )
        )
    assert not found, "a PATCH with one bad field was not refused whole (see the findings)"
