"""Two answers to the same step, made comparable, and where they differ.

Server-made values differ between any two servers, so each side's answers are rewritten before
they are compared: ids become the handle of the step that made them (or, for ids no step names,
such as a gateway's, a label in order of first appearance); phone numbers become their handle.

A timestamp keeps only what a client can rely on: its format (every digit shown as 9) and how it
relates to the same resource's times, as the contract states them: `created_at` kept from one
answer about a resource to the next, `updated_at` never going back (and, after a PATCH, moved),
`updated_at` not before `created_at`. Times of different resources (a gateway and its trunk, two
trunks) are never compared: nothing in the contract orders them.

Error answers are compared by status; a 422 also by the set of body fields its items name (the
field right after `body` in each `loc`) and the keys its items carry, never by message text. The
texts the spec words as examples (a delete's `message`, a 400/404/409's `detail`) are compared,
with the request's ids and counts as placeholders, so a difference can become a spec suggestion.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract_tests.mockdiff.steps import Step
from contract_tests.values.spec import SPEC_PATH
from mock_api.texts import template_of

ID_KEYS = frozenset({"id", "byot_trunk_id"})
TIME = "<time|"  # how a normalised timestamp starts: `<time|HOW IT RELATES|SHAPE>`
ANY_FIELD = "(any)"
# List answers whose order the spec says (`x-list-order`); handles count up as the run creates.
LISTS = frozenset({"list_trunks", "list_numbers"})
_HANDLE = re.compile(r"<(?:trunk|number)#([0-9]+)>")


@dataclass(frozen=True)
class Wording:
    """A text as each side said it (ids and numbers already labelled), with the placeholder values
    of that step on each side, so the live text can be written back as a template."""

    status: int
    live: str
    mock: str
    live_values: Mapping[str, str]
    mock_values: Mapping[str, str]

    @property
    def mock_template(self) -> str:
        return template_of(self.mock, self.mock_values)


@dataclass(frozen=True)
class Difference:
    operation: str
    field: str  # a path such as `gateways[].port`, or the body field a status or 422 is about
    kind: str  # status, value, type, length, extra key, missing key, 422 fields, time format, timestamp,
    # wording, content type
    live: str
    mock: str
    wording: Wording | None = dataclasses.field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes two differences the same one, whatever their values.

        For a text, also which of the mock's texts it is (two rules broken give two 400 texts).
        """
        if self.wording is not None:
            return (self.operation, self.field, f"{self.kind} of {self.wording.mock_template}")
        return (self.operation, self.field, self.kind)

    def describe(self) -> str:
        if self.kind == "timestamp":
            return f"{self.operation} {self.field}: {self.live} on the live side, {self.mock} on the mock"
        if self.kind == "wording":
            return f"{self.operation} {self.field}: worded differently (live {self.live}, mock {self.mock})"
        return f"{self.operation} {self.field}: {self.kind} (live {self.live}, mock {self.mock})"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the decoded JSON, or None when the answer was not JSON
    content_type: str
    # The values the spec's text placeholders stand for in this step, as this side's texts show them.
    values: Mapping[str, str] = dataclasses.field(default_factory=dict)


class Labels:
    """One side's labels: its ids, its phone numbers, and the times each resource has shown.

    An id no step names is labelled by where it first appeared: the step and its rank among the
    ids that step showed first (`id #0 of step 12`). Both sides run the same steps, so their
    labels agree exactly when their answers do, and a difference in one step does not shift the
    labels of every later one.
    """

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.numbers: dict[str, str] = {}  # digits without '+' -> label
        self._last_times: dict[tuple[str, str], datetime] = {}  # (resource id, key) -> last time shown
        self._step = 0
        self._new_ids = 0

    def begin_step(self, index: int) -> None:
        self._step, self._new_ids = index, 0

    def name_id(self, real: str, label: str) -> None:
        self.ids.setdefault(real, label)

    def name_number(self, digits: str, label: str) -> None:
        self.numbers[digits.removeprefix("+")] = label

    def normalised(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            times = self._resource_times(value)
            return {name: times[name] if name in times else self.normalised(item, name) for name, item in value.items()}
        if isinstance(value, list):
            return [self.normalised(item, key) for item in value]
        if not isinstance(value, str):
            return value
        if key.endswith("_at"):
            return _time_label("", value)
        if key in ID_KEYS:
            if value not in self.ids:
                self.ids[value] = f"id #{self._new_ids} of step {self._step}"
                self._new_ids += 1
            return f"<{self.ids[value]}>"
        digits = value.removeprefix("+")
        if digits in self.numbers:
            return value[: len(value) - len(digits)] + f"<{self.numbers[digits]}>"
        for real, label in self.ids.items():
            if real in value:
                value = value.replace(real, f"<{label}>")
        return value

    def _resource_times(self, resource: dict[str, Any]) -> dict[str, str]:
        """The timestamps of one resource (an object with an id), each with how it relates to the
        same resource's times: in this answer, and in the previous answer that showed it."""
        resource_id = resource.get("id")
        if not isinstance(resource_id, str):
            return {}
        moments = {
            key: _moment(value) for key, value in resource.items() if key.endswith("_at") and isinstance(value, str)
        }
        created = moments.get("created_at")
        labels = {}
        for key, moment in moments.items():
            relation = ""
            if moment is not None:
                relation = self._since_last(resource_id, key, moment)
                if key != "created_at" and created is not None and moment < created:
                    relation += ", before created_at"
            labels[key] = _time_label(relation, resource[key])
        return labels

    def _since_last(self, resource_id: str, key: str, moment: datetime) -> str:
        last = self._last_times.get((resource_id, key))
        self._last_times[resource_id, key] = moment
        if last is None:
            return "new"
        if moment == last:
            # A successful PATCH sets updated_at (contract): the same time again means it did not move.
            return "kept"
        if key == "created_at":
            return "changed"
        return "moved forward" if moment > last else "went back"


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # the shape shows the offset


def _time_label(relation: str, text: str) -> str:
    shape = re.sub(r"[0-9]", "9", text) if _moment(text) is not None else f"? {re.sub(r'[0-9]', '9', text)}"
    return f"{TIME}{relation}|{shape}>"


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
        return [*_error_differences(op, live.body, mock.body), *_wording(op, live, mock)]
    worded = _wording(op, live, mock)
    text_key = worded_member(op, live.status) if worded else None
    live_body, order = _in_mock_order(op, live.body, mock.body)
    found += order
    _diff(op, "", _without(live_body, text_key), _without(mock.body, text_key), found)
    return [*found, *worded]


def list_order(items: list[Any]) -> str:
    """How a list of the run's trunks or numbers is ordered, in the spec's words where it can be."""
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    handles = [int(found[1]) for found in (_HANDLE.fullmatch(str(i)) for i in ids) if found]
    if len(handles) != len(items):
        return "an order of its own"
    if handles == sorted(handles):
        return "oldest-first"
    if handles == sorted(handles, reverse=True):
        return "newest-first"
    return "an order of its own"


def _in_mock_order(op: str, live: Any, mock: Any) -> tuple[Any, list[Difference]]:
    """The live list in the mock's order when the two hold the same items in another order (and
    that difference), so its items are compared with their counterparts, not their neighbours."""
    if op not in LISTS or not isinstance(live, list) or not isinstance(mock, list) or len(live) != len(mock):
        return live, []
    live_ids = [item.get("id") if isinstance(item, dict) else None for item in live]
    mock_ids = [item.get("id") if isinstance(item, dict) else None for item in mock]
    if live_ids == mock_ids or None in live_ids or sorted(map(str, live_ids)) != sorted(map(str, mock_ids)):
        return live, []
    rank = {item_id: position for position, item_id in enumerate(mock_ids)}
    reordered = sorted(live, key=lambda item: rank[item["id"]])
    return reordered, [Difference(op, "(order)", "order", list_order(live), list_order(mock))]


def _wording(op: str, live: Answer, mock: Answer) -> list[Difference]:
    """A text the spec words as an example, said otherwise on the two sides (after ids and numbers)."""
    member = worded_member(op, live.status)
    live_text = live.body.get(member) if member and isinstance(live.body, dict) else None
    mock_text = mock.body.get(member) if member and isinstance(mock.body, dict) else None
    if not isinstance(live_text, str) or not isinstance(mock_text, str) or live_text == mock_text:
        return []
    wording = Wording(live.status, live_text, mock_text, live.values, mock.values)
    # A 404's text and a 409's are different texts of the same member: the status tells them apart.
    where = str(member) if live.status < 300 else f"{member} ({live.status})"
    return [Difference(op, where, "wording", _short(live_text), _short(mock_text), wording)]


def worded_member(operation: str, status: int) -> str | None:
    """The member of this answer whose text the spec words as an example (`message`, `detail`), if any."""
    from mock_api.app import RESOURCES
    from mock_api.spec import mock_spec

    return mock_spec(SPEC_PATH, RESOURCES).texts.members.get((operation, status))


def _without(body: Any, key: str | None) -> Any:
    """The body without the text member compared on its own."""
    if key is None or not isinstance(body, dict) or not isinstance(body.get(key), str):
        return body
    return {name: value for name, value in body.items() if name != key}


def both_succeeded(live: Answer, mock: Answer) -> bool:
    """Both 2xx (a create answered 200 by one side and 201 by the other): the same outcome."""
    return 200 <= live.status < 300 and 200 <= mock.status < 300


def changes_state(difference: Difference) -> bool:
    """Whether a difference in a success answer means the sides now store different things.

    An added key, a timestamp's format or relation, a text's wording, another 2xx or content type say
    nothing about the stored trunk.
    """
    return difference.kind not in (
        "extra key",
        "time format",
        "timestamp",
        "wording",
        "order",
        "status",
        "content type",
    )


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
    for name in sorted(live_fields - mock_fields):
        found.append(Difference(op, name, "422 fields", "names it", "does not"))
    for name in sorted(mock_fields - live_fields):
        found.append(Difference(op, name, "422 fields", "does not", "names it"))
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
            _time_differences(op, where, live, mock, found)
            return
        found.append(Difference(op, where, "value", _short(live), _short(mock)))


def _time_differences(op: str, where: str, live: str, mock: str, found: list[Difference]) -> None:
    live_relation, live_shape = live.removeprefix(TIME).removesuffix(">").split("|", 1)
    mock_relation, mock_shape = mock.removeprefix(TIME).removesuffix(">").split("|", 1)
    if live_shape != mock_shape:
        found.append(Difference(op, where, "time format", live_shape, mock_shape))
    if live_relation == mock_relation:
        return
    if {live_relation, mock_relation} == {"kept", "moved forward"} and "." not in live_shape + mock_shape:
        return  # whole seconds: two changes within one second may show the same time
    found.append(Difference(op, where, "timestamp", live_relation, mock_relation))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
