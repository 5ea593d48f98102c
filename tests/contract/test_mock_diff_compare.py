"""How mock-diff compares two answers to one step: what it ignores, and what it names."""

from __future__ import annotations

from typing import Any

import pytest

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
        ("updated_at", "timestamp"),
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


def test_error_texts_are_compared_as_wording_and_their_keys_as_keys() -> None:
    (wording,) = _answers(PATCH, (404, {"detail": "Trunk not found"}), (404, {"detail": "SIP trunk not found"}))
    assert (wording.operation, wording.field, wording.kind, wording.live, wording.mock) == (
        "update_trunk",
        "detail (404)",
        "wording",
        "'Trunk not found'",
        "'SIP trunk not found'",
    )
    assert wording.wording is not None and wording.wording.status == 404
    (extra,) = _answers(PATCH, (404, {"detail": "x", "code": 4}), (404, {"detail": "x"}))
    assert extra.key == ("update_trunk", "code", "extra key")
    # A 401's or 429's text is no example of the spec's: not compared.
    assert _answers(PATCH, (429, {"detail": "slow down"}), (429, {"detail": "rate limited"})) == []


class _Sides:
    """Both sides' labels across several steps, as one run keeps them."""

    def __init__(self) -> None:
        self.live, self.mock = Labels(), Labels()

    def step(self, step: Step, live: tuple[int, Any], mock: tuple[int, Any]) -> list[Difference]:
        answers = []
        for labels, (status, body) in ((self.live, live), (self.mock, mock)):
            labels.begin_step(step.index)
            if step.operation == "create_trunk" and isinstance(body, dict):
                labels.name_id(body["id"], f"trunk#{step.trunk}")
            answers.append(Answer(status, labels.normalised(body), "application/json"))
        return compare(step, answers[0], answers[1])


def _at(microsecond: int, second: int = 0) -> str:
    return f"2026-01-01T10:00:{second:02d}.{microsecond:06d}Z"


def test_times_of_different_resources_are_not_compared() -> None:
    sides = _Sides()
    # The live side stamps the gateway a few microseconds before its trunk, and the second trunk
    # in the same microsecond as the first; the mock gives the gateway its trunk's time.
    live0 = _trunk("a0", _at(7), _at(7)) | {
        "gateways": [{"id": "g0", "gateway_address": "sip.invalid", "created_at": _at(3)}]
    }
    mock0 = _trunk("m0", _at(50), _at(50))
    live1 = _trunk("a1", _at(7), _at(7)) | {
        "gateways": [{"id": "g1", "gateway_address": "sip.invalid", "created_at": _at(4)}]
    }
    mock1 = _trunk("m1", _at(90), _at(90))

    assert sides.step(CREATE, (201, live0), (201, mock0)) == []
    assert sides.step(Step(1, "create_trunk", trunk=1, body={}), (201, live1), (201, mock1)) == []
    listed = Step(2, "list_trunks")
    assert sides.step(listed, (200, [live0, live1]), (200, [mock0, mock1])) == []


def test_created_at_rewritten_by_a_patch_is_named_as_a_user_would() -> None:
    sides = _Sides()
    sides.step(CREATE, (201, _trunk("a0", _at(1), _at(1))), (201, _trunk("m0", _at(5), _at(5))))
    patch = Step(1, "update_trunk", trunk=0, body={"name": "y"})

    found = {
        d.field: d for d in sides.step(patch, (200, _trunk("a0", _at(9), _at(9))), (200, _trunk("m0", _at(5), _at(8))))
    }

    assert found["created_at"].key == ("update_trunk", "created_at", "timestamp")
    assert found["created_at"].describe() == "update_trunk created_at: changed on the live side, kept on the mock"
    assert set(found) == {"created_at", "gateways[].created_at"}  # the kept gateway's time was rewritten too


@pytest.mark.parametrize(
    ("live_updated", "relation"),
    [(_at(1), "kept"), (_at(0), "went back, before created_at")],
)
def test_updated_at_must_move_forward_on_a_patch(live_updated: str, relation: str) -> None:
    sides = _Sides()
    sides.step(CREATE, (201, _trunk("a0", _at(1), _at(1))), (201, _trunk("m0", _at(5), _at(5))))
    patch = Step(1, "update_trunk", trunk=0, body={"name": "y"})

    (found,) = sides.step(patch, (200, _trunk("a0", _at(1), live_updated)), (200, _trunk("m0", _at(5), _at(8))))

    assert (found.key, found.live, found.mock) == (
        ("update_trunk", "updated_at", "timestamp"),
        relation,
        "moved forward",
    )


def test_whole_second_times_may_repeat_across_a_patch() -> None:
    sides = _Sides()
    whole = "2026-01-01T10:00:00Z"
    sides.step(CREATE, (201, _trunk("a0", whole, whole)), (201, _trunk("m0", whole, whole)))
    patch = Step(1, "update_trunk", trunk=0, body={"name": "y"})

    assert (
        sides.step(patch, (200, _trunk("a0", whole, whole)), (200, _trunk("m0", whole, "2026-01-01T10:00:01Z"))) == []
    )


def test_a_delete_message_is_compared_as_wording_apart_from_the_rest_of_the_body() -> None:
    delete = Step(3, "delete_trunk", trunk=0)
    live = {"message": "Trunk deleted successfully. 1 phone number(s) removed.", "ok": True}
    mock = {"message": "SIP trunk x deleted", "ok": True}

    (found,) = _answers(delete, (200, live), (200, mock))

    assert (found.operation, found.field, found.kind) == ("delete_trunk", "message", "wording")
    assert found.wording is not None and found.wording.live == live["message"]
    # Two texts of the mock (two rules broken) are two differences, whatever each side's ids.
    other = _answers(delete, (200, live), (200, {"message": "SIP trunk y removed", "ok": True}))
    assert other[0].key != found.key


def test_a_list_in_another_order_is_one_difference_and_its_items_are_still_paired() -> None:
    sides = _Sides()
    trunks = []
    for handle in range(3):
        create = Step(handle, "create_trunk", trunk=handle, body={})
        live, mock = _trunk(f"a{handle}", _at(handle), _at(handle)), _trunk(f"m{handle}", _at(handle), _at(handle))
        sides.step(create, (201, live), (201, mock))
        trunks.append((live, mock))
    newest_first = [live for live, _ in reversed(trunks)]
    newest_first[0] = newest_first[0] | {"name": "renamed"}  # and one real difference, of trunk#2

    found = sides.step(Step(3, "list_trunks"), (200, newest_first), (200, [mock for _, mock in trunks]))

    assert {(d.field, d.kind, d.live, d.mock) for d in found} == {
        ("(order)", "order", "newest-first", "oldest-first"),
        ("[].name", "value", "'renamed'", "'x'"),
    }
