"""The bad-values probe sends one value per field and rule, the likeliest to slip through; the
sweep sends the others, so together they send every value the spec derives."""

from __future__ import annotations

import json

import pytest

from contract_tests.values.bad_values import bad_values_by_field, one_per_rule
from contract_tests.values.causes import rules_broken

BAD_VALUES = bad_values_by_field()


@pytest.mark.parametrize("field", list(BAD_VALUES))
def test_the_first_look_has_one_value_per_rule_and_the_sweep_the_rest(field: str) -> None:
    values = BAD_VALUES[field]
    first, others = one_per_rule(field, values)

    def rules(value: object) -> frozenset[object]:
        return frozenset(rules_broken("SipTrunkUpdate", {field: value}))

    assert sorted(map(json.dumps, first + others)) == sorted(map(json.dumps, values))
    assert len({rules(value) for value in first}) == len(first), "two first-look values break the same rules"
    assert {rules(value) for value in first} == {rules(value) for value in values}, "a rule has no first-look value"


def test_the_first_look_picks_what_lenient_servers_accept() -> None:
    first = {field: one_per_rule(field, values)[0] for field, values in BAD_VALUES.items()}

    assert 0 in first["is_active"] and "60" in first["qualify_frequency"]  # pydantic's lax mode takes both
    # Valid but for a trailing newline, which Python's `$` lets through and ECMA-262's does not.
    assert [{"ip_address": "1.2.3.4\n"}] in first["ip_identifiers"]
    assert "ulaw\n" in first["allow"]


def test_the_first_look_is_much_smaller_than_every_value() -> None:
    first = sum(len(one_per_rule(field, values)[0]) for field, values in BAD_VALUES.items())
    every = sum(len(values) for values in BAD_VALUES.values())

    assert first * 3 < every, (first, every)
