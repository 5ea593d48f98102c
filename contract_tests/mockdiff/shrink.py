"""The shortest step sequence that still shows a difference.

First the steps the difference can depend on: those that touched the trunks and numbers its step
addresses (for a list of trunks, every trunk made so far). Then steps are left out, in halves,
then quarters..., keeping each cut after which a fresh replay on both sides still shows the same
difference at the last step; then the last step's body loses the fields it does not need.
Replays cost live requests, so their number is capped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from contract_tests.mockdiff.steps import UNKNOWN, Step

Reproduces = Callable[[list[Step]], bool]


def dependencies(prefix: list[Step], final: Step) -> list[Step]:
    """The steps of `prefix` that touched what `final` addresses, directly or through each other."""
    trunks: set[int] = set()
    if final.operation == "list_trunks":
        trunks = {step.trunk for step in prefix if step.operation == "create_trunk" and step.trunk is not None}
    elif final.trunk is not None and final.trunk != UNKNOWN:
        trunks = {final.trunk}
    numbers: set[int] = {final.number} if final.number is not None else set()
    kept: set[int] = set()
    grew = True
    while grew:  # a step kept for a number brings in its trunk, whose later steps count too
        grew = False
        for position, step in enumerate(prefix):
            touches = (step.trunk is not None and step.trunk in trunks) or (
                step.number is not None and step.number in numbers
            )
            if touches and position not in kept:
                kept.add(position)
                grew = True
                if step.trunk is not None and step.trunk != UNKNOWN:
                    trunks.add(step.trunk)
                if step.number is not None:
                    numbers.add(step.number)
    return [*(prefix[position] for position in sorted(kept)), final]


def shortest(candidate: list[Step], reproduces: Reproduces, *, max_replays: int) -> tuple[list[Step], int]:
    """Leave out steps before the last while the difference stays; (the steps kept, replays spent)."""
    body, final = candidate[:-1], candidate[-1]
    replays = 0
    parts = 2
    while body and replays < max_replays:
        size = max(1, -(-len(body) // parts))
        for start in range(0, len(body), size):
            if replays >= max_replays:
                break
            trial = body[:start] + body[start + size :]
            replays += 1
            if reproduces([*trial, final]):
                body = trial
                parts = max(parts - 1, 2)
                break
        else:
            if size == 1:
                break
            parts = min(len(body), parts * 2)
    return [*body, final], replays


def simpler_last_body(candidate: list[Step], reproduces: Reproduces, *, max_replays: int) -> tuple[list[Step], int]:
    """Leave out fields of the last step's body while the difference stays; (the steps, replays spent).

    The field an invalid body is about stays; all the others go at once if they can, else one by one.
    """
    *before, final = candidate
    if not isinstance(final.body, dict):
        return candidate, 0
    keep = {final.subject} if not final.expect_valid else set()
    droppable = [key for key in final.body if key not in keep]
    replays = 0

    def without(keys: set[str]) -> Step:
        body = {key: value for key, value in final.body.items() if key not in keys}
        return replace(final, body=body, subject=final.subject if keep else ",".join(sorted(body)))

    if droppable and replays < max_replays:
        replays += 1
        if reproduces([*before, trial := without(set(droppable))]):
            return [*before, trial], replays
    dropped: set[str] = set()
    for key in droppable:
        if replays >= max_replays:
            break
        replays += 1
        if reproduces([*before, without(dropped | {key})]):
            dropped.add(key)
    if not dropped:
        return candidate, replays
    return [*before, without(dropped)], replays
