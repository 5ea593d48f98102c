"""Every transport x media_encryption x media_encryption_optimistic, on top of every stored state.

The spec's merged-state rules (`x-merged-state-rules`; rule 1: `media_encryption: sdes` requires
`transport: transport-tls`): an allowed change answers 200 with the merged state, a forbidden one
400, changing nothing.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from bolna_sip_trunks_client import AuthenticatedClient

from contract_tests.checks.test_patch_semantics import assert_patch_obeys_contract, send_patch
from contract_tests.live.trunks import Workbench
from contract_tests.observers.edge import answer_text
from contract_tests.values.model import RuleNotKept, rule_violation
from contract_tests.values.strategies import MEDIA_ENCRYPTIONS, TRANSPORTS

COMBINATIONS = [
    {"transport": transport, "media_encryption": encryption, "media_encryption_optimistic": optimistic}
    for transport, encryption, optimistic in itertools.product(TRANSPORTS, MEDIA_ENCRYPTIONS, [False, True])
]
# A trunk can only be stored in a state the rule allows.
STORED_STATES = [combination for combination in COMBINATIONS if rule_violation(combination) is None]
SINGLE_FIELD_PATCHES = [{"transport": t} for t in TRANSPORTS] + [{"media_encryption": e} for e in MEDIA_ENCRYPTIONS]


def _label(state: dict[str, Any]) -> str:
    return f"{state['transport']}+{state['media_encryption']}+optimistic={state['media_encryption_optimistic']}"


@pytest.mark.phase("sweep")
@pytest.mark.parametrize("stored", STORED_STATES, ids=[_label(state) for state in STORED_STATES])
def test_combinations_on_top_of_stored_state(
    stored: dict[str, Any], workbench: Workbench, api: AuthenticatedClient
) -> None:
    trunk_id = workbench.trunk_id()
    failures: list[AssertionError] = []
    for patch in COMBINATIONS + SINGLE_FIELD_PATCHES:
        reset = send_patch(api, trunk_id, stored)
        assert reset.status_code == 200, f"could not store {_label(stored)}: {answer_text(reset, 200)}"
        try:
            assert_patch_obeys_contract(workbench, api, trunk_id, patch, before=reset.json())
        except AssertionError as failure:
            failures.append(failure)
    message = (
        f"{len(failures)} of {len(COMBINATIONS) + len(SINGLE_FIELD_PATCHES)} changes broke the merged-state rules:\n"
        + "\n".join(str(failure).split("\nassert ", 1)[0] for failure in failures)
    )
    # Every failure one rule not kept: that rule is the cause, and its provenance the advice.
    rules = {failure.rule for failure in failures if isinstance(failure, RuleNotKept)}
    if len(rules) == 1 and all(isinstance(failure, RuleNotKept) for failure in failures):
        raise RuleNotKept(message, rules.pop())
    assert not failures, message
