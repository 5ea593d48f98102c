"""One run of a step sequence against both sides: the API under test and a fresh mock.

Each step goes to the live side first (through the target's whole transport stack: the guard,
retries, budget and rate cap), then with the very same body to the mock; the two answers are
normalised by each side's own labels and compared. Names, passwords and phone numbers are filled
in per run, so a replay never collides with what an earlier run left on the account.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests.findings.findings import Exchange
from contract_tests.live.safety import CLEAN_UP, TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.transports import InProcessTransport
from contract_tests.mockdiff.compare import Answer, Difference, Labels, both_succeeded, changes_state, compare
from contract_tests.mockdiff.steps import ROUTES, UNKNOWN, Step
from contract_tests.mockdiff.values import NAME, PASSWORD
from contract_tests.values.spec import SPEC_PATH

MOCK_URL = "http://mock.testserver"
# Phone numbers the run adds: this prefix is what contract_tests.live.trunks uses too (no real line).
NUMBER_PREFIX = "+9990"


@dataclass
class Side:
    name: str
    http: httpx.Client
    labels: Labels = field(default_factory=Labels)
    trunk_ids: dict[int, str] = field(default_factory=dict)  # handle -> id
    number_ids: dict[int, str] = field(default_factory=dict)
    # The numbers each trunk holds on this side (handles), for the count a delete's text may carry.
    numbers_on: dict[int, set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class StepResult:
    step: Step
    differences: list[Difference]
    live_exchange: Exchange


def _states_part(live: Answer, mock: Answer, differences: list[Difference]) -> bool:
    """Whether the two sides may now hold different trunks: another outcome, or success answers
    that differ in what they store (an error's text or keys change nothing)."""
    if live.status != mock.status and not both_succeeded(live, mock):
        return True
    if live.status >= 400:
        return False
    return any(changes_state(difference) for difference in differences)


@contextmanager
def fresh_mock() -> Iterator[httpx.Client]:
    """A new in-process mock with an empty store, behind a sync `httpx.Client`."""
    from mock_api.app import create_app

    token = secrets.token_urlsafe(16)
    # The mock follows the spec the suite reads (CONTRACT_SPEC), as the embedded target does.
    app = create_app(token=token, spec=SPEC_PATH)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(transport=InProcessTransport(app), base_url=MOCK_URL, headers=headers) as client:
        yield client


class Execution:
    """Runs steps in order against both sides; `close()` deletes what it created on the live side."""

    def __init__(self, target: Target, mock_http: httpx.Client) -> None:
        self.target = target
        self.live = Side("live", target.http())
        self.mock = Side("mock", mock_http)
        self._absent_trunks: dict[int, str] = {}
        self._numbers: dict[int, str] = {}  # handle -> digits (with '+')
        # Trunks whose state already differs between the sides: later answers about them would
        # repeat that cause as symptoms, so they are sent (to keep both sides in step) but not compared.
        self.diverged: set[int] = set()

    def run(self, steps: list[Step], on_result: Callable[[StepResult], None] | None = None) -> list[StepResult]:
        results = []
        for step in steps:
            result = self.send(step)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results

    def send(self, step: Step) -> StepResult:
        body = self._filled(step.body)
        if step.operation == "add_number" and isinstance(body, dict) and "phone_number" not in body:
            digits = self._number(step.number)
            body = {"phone_number": digits if step.plus else digits.removeprefix("+"), **body}
        method = ROUTES[step.operation][0]
        for side in (self.live, self.mock):
            side.labels.begin_step(step.index)
        live_values, mock_values = self._text_values(self.live, step, body), self._text_values(self.mock, step, body)
        live_response = self._request(self.live, step, method, body)
        mock_response = self._request(self.mock, step, method, body)
        live_answer = self._answer(self.live, step, live_response, live_values)
        mock_answer = self._answer(self.mock, step, mock_response, mock_values)
        differences: list[Difference] = []
        if step.trunk not in self.diverged:
            differences = list({d.key: d for d in compare(step, live_answer, mock_answer)}.values())
        if step.trunk is not None and step.trunk != UNKNOWN and _states_part(live_answer, mock_answer, differences):
            self.diverged.add(step.trunk)
        request = live_response.request
        exchange = Exchange(method, str(request.url), request.content, live_response.status_code, live_response.content)
        return StepResult(step, differences, exchange)

    def _request(self, side: Side, step: Step, method: str, body: Any) -> httpx.Response:
        path = ROUTES[step.operation][1].format(
            trunk=self._trunk_id(side, step.trunk), number=self._number_id(side, step.number)
        )
        content = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        return side.http.request(method, path, params=step.query or None, content=content, headers=headers)

    def _text_values(self, side: Side, step: Step, body: Any) -> dict[str, str]:
        """What the placeholders of the spec's texts stand for in this step, as the side's labelled
        answers show them (before the step: a delete's count is of the numbers it removes)."""
        values: dict[str, str] = {}
        if step.trunk is not None:
            values["trunk_id"] = side.labels.normalised(self._trunk_id(side, step.trunk))
            values["numbers_removed"] = str(len(side.numbers_on.get(step.trunk, ())))
        if step.number is not None and step.operation == "delete_number":
            values["phone_number_id"] = side.labels.normalised(self._number_id(side, step.number))
        if isinstance(body, dict) and isinstance(body.get("phone_number"), str):
            values["phone_number"] = body["phone_number"]
        return values

    def _count_numbers(self, side: Side, step: Step, status: int) -> None:
        if not 200 <= status < 300 or step.trunk is None:
            return
        held = side.numbers_on.setdefault(step.trunk, set())
        if step.operation == "add_number" and step.number is not None:
            held.add(step.number)
        elif step.operation == "delete_number" and step.number is not None:
            held.discard(step.number)
        elif step.operation == "delete_trunk":
            held.clear()

    def _answer(self, side: Side, step: Step, response: httpx.Response, values: dict[str, str]) -> Answer:
        self._count_numbers(side, step, response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        if 200 <= response.status_code < 300 and isinstance(body, dict) and isinstance(body.get("id"), str):
            if step.operation == "create_trunk" and step.trunk is not None:
                side.trunk_ids[step.trunk] = body["id"]
                side.labels.name_id(body["id"], f"trunk#{step.trunk}")
            elif step.operation == "add_number" and step.new_number and step.number is not None:
                side.number_ids[step.number] = body["id"]
                side.labels.name_id(body["id"], f"number#{step.number}")
        if step.operation == "list_trunks" and isinstance(body, list):
            # The account's other trunks (and earlier runs') are not this run's to compare.
            ours = {trunk_id for handle, trunk_id in side.trunk_ids.items() if handle not in self.diverged}
            body = [item for item in body if isinstance(item, dict) and item.get("id") in ours]
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        return Answer(response.status_code, side.labels.normalised(body), content_type, values)

    # -- concrete values for the symbolic ones ---------------------------------------------------
    def _filled(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self._filled(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._filled(item) for item in value]
        if isinstance(value, str) and value.startswith(NAME):
            return self.target.ledger.next_name() + value.removeprefix(NAME)
        if value == PASSWORD:
            return self.target.ledger.new_password()
        return value

    def _number(self, handle: int | None) -> str:
        key = UNKNOWN if handle is None else handle
        if key not in self._numbers:
            digits = NUMBER_PREFIX + "".join(secrets.choice("0123456789") for _ in range(9))
            self._numbers[key] = digits
            for side in (self.live, self.mock):
                side.labels.name_number(digits, f"number#{key}")
        return self._numbers[key]

    def _trunk_id(self, side: Side, handle: int | None) -> str:
        if handle is None:
            return ""
        if handle in side.trunk_ids:
            return side.trunk_ids[handle]
        # A trunk this side never made (it never existed, or its create failed or was left out):
        # an id the run made up, which the guard lets through and every server answers 404 for.
        if handle not in self._absent_trunks:
            self._absent_trunks[handle] = self.target.ledger.made_up_absent_id()
        return self._absent_trunks[handle]

    def _number_id(self, side: Side, handle: int | None) -> str:
        if handle is None:
            return ""
        return side.number_ids.get(handle, f"missing-number-{handle}")

    def close(self) -> list[str]:
        """Delete the live trunks this run made and did not delete; what could not be deleted."""
        ledger = self.target.ledger
        left = [trunk_id for trunk_id in self.live.trunk_ids.values() if trunk_id not in ledger.deleted]
        self.target.budget_meter.allow_clean_up(len(left))
        problems = []
        for trunk_id in left:
            try:
                answer: int | str = self.live.http.delete(
                    f"{TRUNKS_PATH}/{trunk_id}", extensions={CLEAN_UP: True}
                ).status_code
            except httpx.HTTPError as error:
                answer = str(error).splitlines()[0] if str(error) else type(error).__name__
            if answer in (200, 404):
                ledger.deleted.add(trunk_id)
            else:
                problems.append(f"could not delete trunk {trunk_id} (answer: {answer})")
        self.live.http.close()
        return problems
