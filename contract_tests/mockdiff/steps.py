"""The operations mock-diff sends, as one seeded random sequence of symbolic steps.

A step names trunks and phone numbers by handle (the step that made them), never by id, so the
same sequence runs against two servers that hand out different ids, and a shorter sequence (a
few steps picked out of it) still means the same operations.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from contract_tests.mockdiff.values import NAME, PASSWORD, BodyMaker

UNKNOWN = -1  # the handle of a trunk id no server has: the run makes one up
PLACEHOLDERS = {NAME: "<run's name>", PASSWORD: "<run's password>"}


@dataclass(frozen=True)
class Step:
    index: int  # position in the generated sequence
    operation: str  # create_trunk, list_trunks, get_trunk, update_trunk, delete_trunk, add_number, ...
    trunk: int | None = None  # handle of the trunk the step addresses (or defines, for a create)
    number: int | None = None  # handle of the phone number the step adds, re-adds or deletes
    new_number: bool = False  # add_number: a number of its own (else the number `number` again)
    plus: bool = True  # add_number: the number with its leading '+'
    body: Any = None  # the JSON body, with placeholders for names, passwords and the phone number
    query: dict[str, str] = field(default_factory=dict)
    subject: str = ""  # the body field the step is about, e.g. the one it sends a bad value in
    expect_valid: bool = True  # False: the body (or query) breaks the spec on purpose

    def describe(self) -> str:
        """One line, ids as handles: `PATCH trunk#2 {"is_active": false}`."""
        method, path = ROUTES[self.operation]
        where = path.format(trunk=_handle("trunk", self.trunk), number=_handle("number", self.number))
        if self.query:
            where += "?" + "&".join(f"{key}={value}" for key, value in self.query.items())
        text = f"{method} {where}"
        body = self.body
        if self.operation == "add_number" and isinstance(body, dict) and "phone_number" not in body:
            number = ("+" if self.plus else "") + _handle("number", self.number)
            body = {"phone_number": number, **body}
        if body is not None:
            text += " " + _shown_body(body)
        return text


ROUTES: dict[str, tuple[str, str]] = {
    "create_trunk": ("POST", "/sip-trunks/trunks"),
    "list_trunks": ("GET", "/sip-trunks/trunks"),
    "get_trunk": ("GET", "/sip-trunks/trunks/{trunk}"),
    "update_trunk": ("PATCH", "/sip-trunks/trunks/{trunk}"),
    "delete_trunk": ("DELETE", "/sip-trunks/trunks/{trunk}"),
    "add_number": ("POST", "/sip-trunks/trunks/{trunk}/numbers"),
    "list_numbers": ("GET", "/sip-trunks/trunks/{trunk}/numbers"),
    "delete_number": ("DELETE", "/sip-trunks/trunks/{trunk}/numbers/{number}"),
}
# How often each kind of step is drawn (relative weights).
WEIGHTS: dict[str, int] = {
    "create": 12,
    "create-invalid": 3,
    "list": 6,
    "get": 9,
    "patch": 25,
    "patch-invalid": 10,
    "patch-unknown": 2,
    "delete": 4,
    "delete-gone": 1,
    "number": 8,
    "number-conflict": 4,
    "number-invalid": 2,
    "numbers": 5,
    "delete-number": 4,
}
MAX_LIVE_TRUNKS = 5  # keeps the account light: past this many, a delete comes before a create


def _handle(kind: str, handle: int | None) -> str:
    if handle is None:
        return ""
    return f"unknown-{kind}" if handle == UNKNOWN else f"{kind}#{handle}"


def _shown_body(body: Any) -> str:
    def placeholder(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: placeholder(item) for key, item in value.items()}
        if isinstance(value, list):
            return [placeholder(item) for item in value]
        if isinstance(value, str) and value.startswith(NAME):
            return PLACEHOLDERS[NAME] + value.removeprefix(NAME)
        return PLACEHOLDERS.get(value, value) if isinstance(value, str) else value

    text = json.dumps(placeholder(body), ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."


class _Plan:
    """What the sequence so far has made: trunks alive or gone, numbers and their trunks."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.bodies = BodyMaker(self.rng)
        self.alive: list[int] = []
        self.gone: list[int] = []
        self.numbers: dict[int, int] = {}  # active number handle -> trunk handle
        self.every_number: list[int] = []  # active or released
        self.next_trunk = 0
        self.next_number = 0

    def trunk(self) -> int:
        """Mostly a live trunk; now and then one deleted earlier or one that never existed."""
        roll = self.rng.random()
        if roll < 0.05:
            return UNKNOWN
        if roll < 0.1 and self.gone:
            return self.rng.choice(self.gone)
        return self.rng.choice(self.alive)

    def kind(self) -> str:
        if not self.alive:
            return "create"
        kinds = list(WEIGHTS)
        weights = [WEIGHTS[k] for k in kinds]
        if len(self.alive) >= MAX_LIVE_TRUNKS:
            weights[kinds.index("create")] = 0
            weights[kinds.index("delete")] *= 4
        if not self.numbers:
            weights[kinds.index("delete-number")] = 0
        if not self.every_number:
            weights[kinds.index("number-conflict")] = 0
        return self.rng.choices(kinds, weights)[0]

    def step(self, index: int) -> Step:
        kind = self.kind()
        rng = self.rng
        if kind == "create":
            handle = self.next_trunk
            self.next_trunk += 1
            self.alive.append(handle)
            return Step(index, "create_trunk", trunk=handle, body=self.bodies.create_body())
        if kind == "create-invalid":
            body, subject = self.bodies.bad_create_body()
            return Step(index, "create_trunk", body=body, subject=subject, expect_valid=False)
        if kind == "list":
            query = rng.choice([{}, {}, {"is_active": "true"}, {"is_active": "false"}, {"is_active": "yes"}])
            return Step(index, "list_trunks", query=query, expect_valid=query.get("is_active") != "yes")
        if kind == "get":
            return Step(index, "get_trunk", trunk=self.trunk())
        if kind == "patch":
            body = self.bodies.update_body()
            return Step(index, "update_trunk", trunk=self.trunk(), body=body, subject=",".join(sorted(body)))
        if kind == "patch-invalid":
            body, subject = self.bodies.bad_update_body()
            return Step(index, "update_trunk", trunk=self.trunk(), body=body, subject=subject, expect_valid=False)
        if kind == "patch-unknown":
            return Step(index, "update_trunk", trunk=UNKNOWN, body=self.bodies.update_body())
        if kind in ("delete", "delete-gone"):
            handle = rng.choice(self.alive) if kind == "delete" else rng.choice([*self.gone, UNKNOWN])
            if handle in self.alive:
                self.alive.remove(handle)
                self.gone.append(handle)
                self.numbers = {n: t for n, t in self.numbers.items() if t != handle}
            return Step(index, "delete_trunk", trunk=handle)
        if kind == "number":
            handle, trunk = self.next_number, self.trunk()
            self.next_number += 1
            self.every_number.append(handle)
            if trunk in self.alive:
                self.numbers[handle] = trunk
            extras = self.bodies.number_extras()
            plus = rng.random() < 0.8 or (extras.get("e164_check_enabled") is True and rng.random() < 0.5)
            return Step(index, "add_number", trunk=trunk, number=handle, new_number=True, plus=plus, body=extras)
        if kind == "number-conflict":
            # A number that is (or was) active, again, with or without its '+', on any trunk.
            pool = sorted(self.numbers) if self.numbers and rng.random() < 0.7 else self.every_number
            handle = rng.choice(pool)
            return Step(index, "add_number", trunk=self.trunk(), number=handle, plus=rng.random() < 0.5, body={})
        if kind == "number-invalid":
            body = {"phone_number": self.bodies.bad_phone_number()}
            return Step(index, "add_number", trunk=self.trunk(), body=body, subject="phone_number", expect_valid=False)
        if kind == "numbers":
            return Step(index, "list_numbers", trunk=self.trunk())
        # delete-number: mostly on its own trunk; sometimes through another one (404)
        handle = rng.choice(sorted(self.numbers))
        trunk = self.numbers[handle] if rng.random() < 0.85 else self.trunk()
        if trunk == self.numbers[handle]:
            del self.numbers[handle]
        return Step(index, "delete_number", trunk=trunk, number=handle)


def generate(seed: int, count: int) -> list[Step]:
    """`count` steps, the same ones for the same seed."""
    plan = _Plan(seed)
    return [plan.step(index) for index in range(count)]
