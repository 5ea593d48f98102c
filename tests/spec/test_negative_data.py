"""The conformance check learns at the first draw that an operation has nothing to break.

With both generation modes configured, Schemathesis asked for negative data of an operation with
only plain string path parameters rejects hundreds of draws before Hypothesis gives up; with
negative mode alone it says so at once. Pinned here, so an upgrade that drops that answer, or
learns to negate such an operation, shows up as a failing test rather than a slower or quieter run.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.control import SkipTest

from contract_tests.values.schema import generating_only, load_schema

NOTHING_TO_BREAK = [
    ("get", "/sip-trunks/trunks/{trunk_id}"),
    ("delete", "/sip-trunks/trunks/{trunk_id}"),
    ("get", "/sip-trunks/trunks/{trunk_id}/numbers"),
    ("delete", "/sip-trunks/trunks/{trunk_id}/numbers/{phone_number_id}"),
]
SOMETHING_TO_BREAK = [("get", "/sip-trunks/trunks"), ("patch", "/sip-trunks/trunks/{trunk_id}")]


def negative_cases(method: str, path: str) -> list[Any]:
    schema = load_schema(base_url="http://127.0.0.1:9", token="unused", strict=False)
    drawn: list[Any] = []

    @settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=schema[path][method].as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def draw(case: Any) -> None:
        drawn.append(case)

    with generating_only(schema, GenerationMode.NEGATIVE):
        draw()
    assert schema.config.generation.modes == [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], "modes not restored"
    return drawn


@pytest.mark.parametrize(("method", "path"), NOTHING_TO_BREAK, ids=[f"{m.upper()} {p}" for m, p in NOTHING_TO_BREAK])
def test_an_operation_with_nothing_to_break_is_skipped_at_once(method: str, path: str) -> None:
    with pytest.raises(SkipTest):
        negative_cases(method, path)


@pytest.mark.parametrize(
    ("method", "path"), SOMETHING_TO_BREAK, ids=[f"{m.upper()} {p}" for m, p in SOMETHING_TO_BREAK]
)
def test_an_operation_with_something_to_break_gets_negative_cases(method: str, path: str) -> None:
    cases = negative_cases(method, path)
    assert cases and all(case.meta.generation.mode is GenerationMode.NEGATIVE for case in cases)
