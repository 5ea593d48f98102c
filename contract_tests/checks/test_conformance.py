"""Every response of every operation conforms to openapi.yaml: Schemathesis checks over
positive and negative data, and stateful sequences along the spec's links.

Schemathesis sends through the target's stack (see wsgi_bridge.py), so the safety guard,
retries and the request budget apply to its requests and probes too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import FlakyStrategyDefinition, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.control import SkipTest
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import ensure_resource_availability

from contract_tests.findings.findings import RUN_TOKEN
from contract_tests.hypothesis_settings import api_settings
from contract_tests.live.target import Target
from contract_tests.live.trunks import Workbench
from contract_tests.observers.conformance import findings_of
from contract_tests.observers.edge import edge_note_for
from contract_tests.plugin import ContractPlugin
from contract_tests.values.model import CREDENTIALS
from contract_tests.values.schema import generating_only
from contract_tests.values.spec import load_spec

OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in load_spec()["paths"].items()
    for method in item
    if method in ("get", "post", "patch", "delete", "put")
]
# What an existing trunk (BOLNA_TRUNK_ID) must not see: creates, deletes and number changes.
WRITES_OUTSIDE_PATCH = {
    "POST /sip-trunks/trunks",
    "DELETE /sip-trunks/trunks/{trunk_id}",
    "POST /sip-trunks/trunks/{trunk_id}/numbers",
    "DELETE /sip-trunks/trunks/{trunk_id}/numbers/{phone_number_id}",
}


def record_failures(contract: ContractPlugin, test: str, case: Any, response: Any, error: BaseException) -> None:
    """Schemathesis's failures as findings, each named by the check, field, value and status."""
    reproduce = [contract.last_curl()]
    try:
        body = response.json()
    except ValueError:
        body = None
    exchanges = contract.run_target.ledger.exchanges
    authenticated = not exchanges or contract.scrub(str(exchanges[-1].authorization)) == RUN_TOKEN
    content_type = next(iter(response.headers.get("content-type", [])), "")
    edge = edge_note_for(response.status_code, content_type, response.content)
    found = findings_of(error, case, response.status_code, body, test, reproduce, edge, authenticated=authenticated)
    for finding in found:
        contract.record(finding)


class TrunkPool:
    """The throwaway trunk fuzzed cases are pointed at; a new one once a case deleted it."""

    def __init__(self, workbench: Workbench) -> None:
        self.workbench = workbench
        self._current: str | None = None

    def current(self) -> str:
        ledger = self.workbench.target.ledger
        if ledger.given_trunk:
            return ledger.given_trunk
        if self._current is None or self._current in ledger.deleted:
            self._current = self.workbench.create("userpass")["id"]
        return self._current


@pytest.mark.phase("random")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms(
    label: str,
    mode: GenerationMode,
    schema: BaseSchema,
    target: Target,
    workbench: Workbench,
    contract: ContractPlugin,
) -> None:
    if label in WRITES_OUTSIDE_PATCH and not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): creates and deletes nothing")
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    pool = TrunkPool(workbench)

    @api_settings(target.budget.fuzz_examples, shrink=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def conforms(case: Any) -> None:
        if case.path_parameters and "trunk_id" in case.path_parameters:
            # Fuzzed ids would point at trunks this run does not own; the guard would refuse them.
            case.path_parameters["trunk_id"] = pool.current()
        if not workbench.throwaway and isinstance(case.body, dict):
            # A password sent to an existing trunk could not be restored afterwards.
            assume(not any(key in case.body for key in CREDENTIALS))
        response = case.call()
        try:
            case.validate_response(response)
        except (Exception, BaseExceptionGroup) as failure:  # check failures come as a BaseExceptionGroup
            record_failures(contract, f"test_operation_conforms[{label}-{mode.value}]", case, response, failure)
            raise

    try:
        with generating_only(schema, mode):
            conforms()
    except (Unsatisfiable, SkipTest):
        pytest.skip(f"no {mode.value} data can be generated for {label}")


@pytest.mark.phase("random")
def test_stateful_sequences_along_links(
    schema: BaseSchema, target: Target, workbench: Workbench, contract: ContractPlugin
) -> None:
    if not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): stateful sequences create trunks")
    ledger = target.ledger

    redirected: set[str] = set()
    first_failure: list[BaseException] = []

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def step(self, input: Any) -> Any:
            try:
                return super().step(input)
            except (Exception, BaseExceptionGroup) as failure:  # check failures come as a BaseExceptionGroup
                first_failure.append(failure)
                raise

        def call(self, case: Any, **kwargs: Any) -> Any:
            trunk = (case.path_parameters or {}).get("trunk_id")
            if trunk is not None and not ledger.may_change(trunk):
                # A generated id, not one from a link: point it at one known to be missing (a 404).
                case.path_parameters["trunk_id"] = ledger.made_up_absent_id()
                redirected.add(case.id)
            return case.call(**kwargs)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            try:
                if case.id not in redirected:
                    super().validate_response(response, case, additional_checks, **kwargs)
                    return
                # Schemathesis counts the id set above as taken from a link, and would report the
                # intended 404 as "created resource not found".
                case.validate_response(
                    response,
                    additional_checks=additional_checks,
                    excluded_checks=[ensure_resource_availability],
                    transport_kwargs=kwargs or None,
                    recorder=self.recorder,
                )
            except (Exception, BaseExceptionGroup) as failure:
                record_failures(contract, "test_stateful_sequences_along_links", case, response, failure)
                raise

    budget = target.budget
    try:
        Sequences.run(
            settings=hypothesis_settings(api_settings(budget.stateful_examples, shrink=False), stateful_step_count=8)
        )
    except FlakyStrategyDefinition:
        # Hypothesis expects the same choices to lead to the same draws, but which links a
        # sequence can follow depends on the API's state, which earlier sequences changed (a live
        # API cannot be reset between them). Every sequence checked until then passed or failed
        # on its own; the failure seen first is the finding, and without one the phase ended early.
        if first_failure:
            raise first_failure[0] from None
        contract.warn(
            "conformance",
            "test_stateful_sequences_along_links",
            "stateful sequences ended early: the API's state changed what they could draw",
            "Hypothesis stopped the stateful phase when a sequence drew differently from an earlier one "
            "with the same choices; the sequences run until then found no failure.",
        )
