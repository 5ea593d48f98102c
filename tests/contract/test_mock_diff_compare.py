"""How mock-diff compares two answers to one step: what it ignores, and what it names."""

from __future__ import annotations

from typing import Any

from contract_tests.mockdiff.compare import Answer, Difference, Labels, compare
from contract_tests.mockdiff.steps import Step

CREATE = Step(0, "create_trunk", trunk=0, body={})
PATCH = Step(
    1, "update_trunk", trunk=0, body={"qualify_frequency": 86401}, subject="qualify_frequency", expect_valid=False
)


def _answers(step: Step, live: tuple[int, Any], mock: tuple[int, Any]) -> list[Difference]:
    sides = []
    for status, body in (live, mock):
        labels = Labels()
        labels.begin_step(step.index)
        if isinstance(body, dict) and "id" in body:
            labels.name_id(body["id"], "trunk#0")
        sides.append(Answer(status, labels.normalised(body), "application/json"))
    return compare(step, sides[0], sides[1])


def _trunk(trunk_id: str, created: str, updated: str, **extra: Any) -> dict[str, Any]:
    gateway = {"id": trunk_id + "-gw", "gateway_address": "sip.invalid", "created_at": created}
    return {"id": trunk_id, "name": "x", "gateways": [gateway], "created_at": created, "updated_at": updated} | extra


def test_ids_and_timestamp_values_are_not_compared() -> None:
    live = _trunk("abc", "2026-01-01T10:00:00.000001Z", "2026-01-01T10:00:00.000001Z")
    mock = _trunk("f00", "2031-05-05T00:00:00.123456Z", "2031-05-05T00:00:00.123456Z")

    assert _answers(CREATE, (201, live), (201, mock)) == []


def test_a_timestamps_format_and_order_still_count() -> None:
    live = _trunk("abc", "2026-01-01T10:00:00+00:00", "2026-01-01T09:00:00+00:00")  # updated before created
    mock = _trunk("f00", "2026-01-01T10:00:00.000001Z", "2026-01-01T10:00:00.000001Z")

    kinds = {(d.field, d.kind) for d in _answers(CREATE, (201, live), (201, mock))}

    assert kinds == {
        ("created_at", "time format"),
        ("gateways[].created_at", "time format"),
        ("updated_at", "time format"),
        ("updated_at", "time order"),
    }


def test_200_for_201_is_named_and_the_bodies_are_still_compared() -> None:
    live = _trunk("abc", "2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z", extra="x")
    mock = _trunk("f00", "2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z")

    found = {(d.field, d.kind, d.live, d.mock) for d in _answers(CREATE, (200, live), (201, mock))}

    assert found == {("(any)", "status", "200", "201"), ("extra", "extra key", "'x'", "absent")}


def test_422_items_count_by_the_body_field_they_name_not_by_text_or_deeper_path() -> None:
    live = {"detail": [{"loc": ["body", "gateways", 0, "port"], "msg": "too big", "type": "less_than_equal"}]}
    mock = {"detail": [{"loc": ["body", "gateways"], "msg": "Input should be...", "type": "value_error"}]}
    other = {"detail": [{"loc": ["body", "name"], "msg": "x", "type": "y"}]}

    assert _answers(PATCH, (422, live), (422, mock)) == []
    named = {(d.field, d.kind, d.live) for d in _answers(PATCH, (422, other), (422, mock))}
    assert named == {("name", "422 fields", "names it"), ("gateways", "422 fields", "does not")}


def test_another_status_is_named_by_the_field_the_invalid_step_is_about() -> None:
    (difference,) = _answers(PATCH, (200, {"id": "a"}), (422, {"detail": []}))

    assert difference.key == ("update_trunk", "qualify_frequency", "status")
    assert (difference.live, difference.mock) == ("200", "422")


def test_error_texts_are_not_compared_but_their_keys_are() -> None:
    assert _answers(PATCH, (404, {"detail": "Trunk not found"}), (404, {"detail": "SIP trunk not found"})) == []
    (extra,) = _answers(PATCH, (404, {"detail": "x", "code": 4}), (404, {"detail": "y"}))
    assert extra.key == ("update_trunk", "code", "extra key")
