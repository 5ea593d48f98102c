"""mock-diff's shortest sequences: the steps a difference can depend on, then fewer while it still shows."""

from __future__ import annotations

from contract_tests.mockdiff.shrink import dependencies, shortest, simpler_last_body
from contract_tests.mockdiff.steps import UNKNOWN, Step, generate


def test_dependencies_follow_the_trunks_and_numbers_the_last_step_touches() -> None:
    steps = [
        Step(0, "create_trunk", trunk=0),
        Step(1, "create_trunk", trunk=1),
        Step(2, "add_number", trunk=1, number=0, new_number=True),
        Step(3, "update_trunk", trunk=1, body={}),
        Step(4, "get_trunk", trunk=UNKNOWN),
        Step(5, "update_trunk", trunk=0, body={}),
    ]
    conflict = Step(6, "add_number", trunk=0, number=0)

    kept = dependencies(steps, conflict)

    # trunk 0's steps, and number 0's, which brings in trunk 1's.
    assert [step.index for step in kept] == [0, 1, 2, 3, 5, 6]


def test_a_list_depends_on_every_trunk_made_before_it() -> None:
    steps = [Step(0, "create_trunk", trunk=0), Step(1, "get_trunk", trunk=UNKNOWN), Step(2, "create_trunk", trunk=1)]

    kept = dependencies(steps, Step(3, "list_trunks"))

    assert [step.index for step in kept] == [0, 2, 3]


def test_shortest_leaves_out_every_step_the_difference_does_not_need() -> None:
    sequence = generate(5, 40)
    needed = {sequence[3].index, sequence[17].index}

    def reproduces(steps: list[Step]) -> bool:
        return needed <= {step.index for step in steps}

    kept, replays = shortest(sequence, reproduces, max_replays=200)

    assert [step.index for step in kept] == [3, 17, 39]
    assert replays <= 200


def test_shortest_stops_at_its_replay_cap() -> None:
    sequence = generate(5, 40)
    calls: list[int] = []

    def reproduces(steps: list[Step]) -> bool:
        calls.append(len(steps))
        return False

    kept, replays = shortest(sequence, reproduces, max_replays=5)

    assert kept == sequence
    assert replays == len(calls) == 5


def test_the_same_seed_gives_the_same_steps() -> None:
    assert generate(11, 300) == generate(11, 300)
    assert generate(11, 300) != generate(12, 300)


def test_the_last_body_keeps_only_the_fields_the_difference_needs() -> None:
    create = Step(0, "create_trunk", trunk=0, body={"name": "x"})
    patch = Step(1, "update_trunk", trunk=0, body={"gateways": [], "allow": "ulaw", "is_active": True})

    def reproduces(steps: list[Step]) -> bool:
        return "gateways" in steps[-1].body

    (kept_create, kept_patch), replays = simpler_last_body([create, patch], reproduces, max_replays=10)

    assert kept_create == create
    assert kept_patch.body == {"gateways": []}
    assert replays == 4  # all at once (no), then each of the three alone


def test_an_invalid_body_keeps_its_bad_field() -> None:
    patch = Step(1, "update_trunk", trunk=0, body={"name": "", "allow": "ulaw"}, subject="name", expect_valid=False)

    (kept,), _ = simpler_last_body([patch], lambda steps: True, max_replays=10)

    assert kept.body == {"name": ""}
