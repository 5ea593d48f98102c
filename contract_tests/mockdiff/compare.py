"""Two answers to the same step, made comparable, and where they differ.

Server-made values differ between any two servers, so each side's answers are rewritten before
they are compared: ids become the handle of the step that made them (or, for ids no step names,
such as a gateway's, a label in order of first appearance); phone numbers become their handle;
a timestamp becomes a label that keeps what matters about it: its format (every digit shown as
9), whether it equals a time the side showed before, and whether it is earlier than one.

Error answers are compared by status; a 422 also by the set of body fields its items name (the
field right after `body` in each `loc`) and the keys its items carry, never by message text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract_tests.mockdiff.steps import Step

ID_KEYS = frozenset({"id", "byot_trunk_id"})
TIME = "<time "  # how a normalised timestamp starts: `<time LABEL[ before LABEL] SHAPE>`
ANY_FIELD = "(any)"


@dataclass(frozen=True)
class Difference:
    operation: str
    field: str  # a path such as `gateways[].port`, or the body field a status or 422 is about
    kind: str  # status, value, type, length, extra key, missing key, 422 fields, time format, time order,
    # content type
    live: str
    mock: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes two differences the same one, whatever their values."""
        return (self.operation, self.field, self.kind)

    def describe(self) -> str:
        return f"{self.operation} {self.field}: {self.kind} (live {self.live}, mock {self.mock})"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the decoded JSON, or None when the answer was not JSON
    content_type: str


class Labels:
    """One side's labels: its ids, its phone numbers and the times it has shown.

    A value no step names is labelled by where it first appeared: the step's index and its rank
    among the values that step showed first (`s12.0`). Both sides run the same steps, so their
    labels agree exactly when their answers do, and a difference in one step does not shift the
    labels of every later one.
    """

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.numbers: dict[str, str] = {}  # digits without '+' -> label
        self._time_labels: dict[datetime, str] = {}
        self._times_sorted: list[datetime] = []
        self._step = 0
        self._new_ids = 0
        self._new_times = 0

    def begin_step(self, index: int) -> None:
        self._step, self._new_ids, self._new_times = index, 0, 0

    def name_id(self, real: str, label: str) -> None:
        self.ids.setdefault(real, label)

    def name_number(self, digits: str, label: str) -> None:
        self.numbers[digits.removeprefix("+")] = label

    def normalised(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {name: self.normalised(item, name) for name, item in value.items()}
        if isinstance(value, list):
            return [self.normalised(item, key) for item in value]
        if not isinstance(value, str):
            return value
        if key.endswith("_at"):
            return self._time(value)
        if key in ID_KEYS:
            if value not in self.ids:
                self.ids[value] = f"id s{self._step}.{self._new_ids}"
                self._new_ids += 1
            return f"<{self.ids[value]}>"
        digits = value.removeprefix("+")
        if digits in self.numbers:
            return value[: len(value) - len(digits)] + f"<{self.numbers[digits]}>"
        for real, label in self.ids.items():
            if real in value:
                value = value.replace(real, f"<{label}>")
        return value

    def _time(self, text: str) -> str:
        shape = re.sub(r"[0-9]", "9", text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return f"<time ? {shape}>"
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # the shape still shows the missing offset
        label = self._time_labels.get(moment)
        if label is not None:
            return f"<time {label} {shape}>"
        label = f"s{self._step}.{self._new_times}"
        self._new_times += 1
        position = bisect.bisect_right(self._times_sorted, moment)
        later = self._times_sorted[position] if position < len(self._times_sorted) else None
        self._time_labels[moment] = label
        self._times_sorted.insert(position, moment)
        relation = f" before {self._time_labels[later]}" if later is not None else ""
        return f"<time {label}{relation} {shape}>"


def compare(step: Step, live: Answer, mock: Answer) -> list[Difference]:
    """The differences between two answers to `step`, already normalised; empty when alike."""
    op = step.operation
    found: list[Difference] = []
    if live.status != mock.status:
        field = step.subject if not step.expect_valid else ANY_FIELD
        found.append(Difference(op, field or ANY_FIELD, "status", str(live.status), str(mock.status)))
        if not both_succeeded(live, mock):
            return found  # different outcomes: their bodies are not comparable
    if (live.body is None) != (mock.body is None):
        return [*found, Difference(op, "(body)", "not JSON", live.content_type, mock.content_type)]
    if live.content_type != mock.content_type:
        found.append(Difference(op, "(content-type)", "content type", live.content_type, mock.content_type))
    if live.status == 422:
        return _validation_differences(op, live.body, mock.body)
    if live.status >= 400:
        return _error_differences(op, live.body, mock.body)
    _diff(op, "", live.body, mock.body, found)
    return found


def both_succeeded(live: Answer, mock: Answer) -> bool:
    """Both 2xx (a create answered 200 by one side and 201 by the other): the same outcome."""
    return 200 <= live.status < 300 and 200 <= mock.status < 300


def changes_state(difference: Difference) -> bool:
    """Whether a difference in a success answer means the sides now store different things.

    An added key, a timestamp's format or order, another 2xx or content type say nothing about the
    stored trunk.
    """
    return difference.kind not in ("extra key", "time format", "time order", "status", "content type")


def named_fields(body: Any) -> set[str]:
    """The body fields a 422's items name: `loc[1]` after `body` (`query.x` for a query parameter)."""
    fields = set()
    for item in body.get("detail", []) if isinstance(body, dict) and isinstance(body.get("detail"), list) else []:
        loc = item.get("loc") if isinstance(item, dict) else None
        if not isinstance(loc, list) or not loc:
            fields.add("(no loc)")
        elif loc[0] == "body" and len(loc) > 1:
            fields.add(str(loc[1]))
        else:
            fields.add(".".join(str(part) for part in loc[:2]))
    return fields


def _item_keys(body: Any) -> set[str]:
    items = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return set()
    return {key for item in items if isinstance(item, dict) for key in item}


def _validation_differences(op: str, live: Any, mock: Any) -> list[Difference]:
    found = _error_differences(op, live, mock, detail_type=False)
    if not isinstance(_detail(live), list) or not isinstance(_detail(mock), list):
        return found or [Difference(op, "detail", "type", _kind(_detail(live)), _kind(_detail(mock)))]
    live_fields, mock_fields = named_fields(live), named_fields(mock)
    for field in sorted(live_fields - mock_fields):
        found.append(Difference(op, field, "422 fields", "names it", "does not"))
    for field in sorted(mock_fields - live_fields):
        found.append(Difference(op, field, "422 fields", "does not", "names it"))
    live_keys, mock_keys = _item_keys(live), _item_keys(mock)
    for key in sorted(live_keys - mock_keys):
        found.append(Difference(op, f"detail[].{key}", "extra key", "present", "absent"))
    for key in sorted(mock_keys - live_keys):
        found.append(Difference(op, f"detail[].{key}", "missing key", "absent", "present"))
    return found


def _detail(body: Any) -> Any:
    return body.get("detail") if isinstance(body, dict) else None


def _error_differences(op: str, live: Any, mock: Any, *, detail_type: bool = True) -> list[Difference]:
    """Error bodies: the same keys, and `detail` of the same JSON type; the text is not compared."""
    if not isinstance(live, dict) or not isinstance(mock, dict):
        return [] if _kind(live) == _kind(mock) else [Difference(op, "(body)", "type", _kind(live), _kind(mock))]
    found = [Difference(op, key, "extra key", "present", "absent") for key in sorted(live.keys() - mock.keys())]
    found += [Difference(op, key, "missing key", "absent", "present") for key in sorted(mock.keys() - live.keys())]
    if detail_type and _kind(live.get("detail")) != _kind(mock.get("detail")):
        found.append(Difference(op, "detail", "type", _kind(live.get("detail")), _kind(mock.get("detail"))))
    return found


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)


def _diff(op: str, path: str, live: Any, mock: Any, found: list[Difference]) -> None:
    where = path or "(body)"
    if _kind(live) != _kind(mock):
        found.append(Difference(op, where, "type", _short(live), _short(mock)))
    elif isinstance(live, dict):
        for key in sorted(live.keys() - mock.keys()):
            found.append(Difference(op, _join(path, key), "extra key", _short(live[key]), "absent"))
        for key in sorted(mock.keys() - live.keys()):
            found.append(Difference(op, _join(path, key), "missing key", "absent", _short(mock[key])))
        for key in sorted(live.keys() & mock.keys()):
            _diff(op, _join(path, key), live[key], mock[key], found)
    elif isinstance(live, list):
        if len(live) != len(mock):
            # The items no longer pair up; comparing them would only repeat this difference.
            found.append(Difference(op, where, "length", str(len(live)), str(len(mock))))
            return
        for live_item, mock_item in zip(live, mock, strict=True):
            _diff(op, f"{path}[]", live_item, mock_item, found)
    elif live != mock:
        if isinstance(live, str) and isinstance(mock, str) and live.startswith(TIME) and mock.startswith(TIME):
            live_order, _, live_shape = live.rpartition(" ")
            mock_order, _, mock_shape = mock.rpartition(" ")
            if live_shape != mock_shape:
                found.append(Difference(op, where, "time format", live_shape.rstrip(">"), mock_shape.rstrip(">")))
            if live_order != mock_order:
                found.append(Difference(op, where, "time order", live_order[1:], mock_order[1:]))
            return
        found.append(Difference(op, where, "value", _short(live), _short(mock)))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
