"""mock-diff's spec suggestions: the API's wording of a text, and the order of its lists.

A text the mock cannot know (a delete's `message`, a 400/404/409's `detail`) is a named response
example of the spec (mock_api/texts.py). When the API words one otherwise, the example that gave
the mock's text is found (the one that renders it with the step's values), and the API's text is
written back as a template (its ids and counts as placeholders). One template must render every
time the API said it, or there is nothing the spec can absorb. A list the API orders otherwise
than the mock sets the `x-list-order` of that answer, when the API's order is one it can name.
The patch is made by the contract run's own machinery (contract_tests/findings/suggestions.py), so it
applies and reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract_tests.findings.suggestions import SpecEdit, Suggestion, as_patch
from contract_tests.mockdiff.compare import Difference, Wording
from mock_api.exchange import Operation
from mock_api.spec import LIST_ORDER, LIST_ORDERS, MockSpec
from mock_api.texts import TextExample, Texts, fill, matches, template_of

PATCH_NAME = "mock-diff.suggestions.patch"


@dataclass(frozen=True)
class SpecOutcome:
    """What the patch does about one difference of wording or order, or why it cannot."""

    example: str  # `NotFound: trunk_not_found`, or "" when there is none
    template: str | None  # the API's wording as a template; None: the spec cannot absorb it
    note: str  # one sentence for the report


def spoken_by(texts: Texts, operation: str, wording: Wording) -> TextExample | None:
    """The example the mock's text came from: its own operation's first, then any of that status."""
    own = texts.examples.get((operation, wording.status), {})
    others = [named for (op, status), named in texts.examples.items() if status == wording.status and op != operation]
    for named in (own, *others):
        for example in named.values():
            if fill(example.template, wording.mock_values) == wording.mock:
                return example
        for example in named.values():
            if matches(example.template, wording.mock):
                return example
    return None


def api_template(wordings: list[Wording]) -> str | None:
    """One template that renders every text the API said for this difference, with its values."""
    for wording in wordings:
        template = template_of(wording.live, wording.live_values)
        if all(fill(template, other.live_values) == other.live for other in wordings):
            return template
    return None


def _example_name(example: TextExample) -> str:
    # `place` runs from the root: (components, responses, NotFound, ...) or (paths, /x, get, responses, 404, ...).
    holder = example.place[2] if example.place[0] == "components" else " ".join(example.place[1:5])
    return f"{holder}: {example.name}"


def suggest_spec(
    differences: list[tuple[Difference, list[Wording]]], spec: MockSpec, spec_path: Path
) -> tuple[str, list[Suggestion], dict[tuple[str, str, str], SpecOutcome]]:
    """The patch of `spec_path` that words the mock's texts and orders its lists as the API does
    ("" when none), its changes, and what became of each difference it is about (by key)."""
    edit = SpecEdit(spec_path.read_text(encoding="utf-8"))
    texts = _texts_edits(edit, [(d, w) for d, w in differences if d.kind == "wording"], spec.texts)
    orders = _order_edits(edit, [d for d, _ in differences if d.kind == "order"], spec)
    suggestions = [*texts[0], *orders[0]]
    patch = as_patch(edit, spec_path.name, suggestions, "mock-diff.md") if suggestions else ""
    return patch, suggestions, {**texts[1], **orders[1]}


Outcome = tuple[list[Suggestion], dict[tuple[str, str, str], SpecOutcome]]


def _order_edits(edit: SpecEdit, differences: list[Difference], spec: MockSpec) -> Outcome:
    suggestions: list[Suggestion] = []
    outcome: dict[tuple[str, str, str], SpecOutcome] = {}
    for difference in differences:
        said = spec.orders.get(Operation(difference.operation))
        if difference.live not in LIST_ORDERS:
            outcome[difference.key] = SpecOutcome("", None, f"the API lists in an order {LIST_ORDER} cannot name")
            continue
        line = edit.set_scalar(said[1], difference.live) if said is not None else None
        if line is None:
            outcome[difference.key] = SpecOutcome("", None, f"the answer has no {LIST_ORDER} to edit")
            continue
        summary = f"{LIST_ORDER} of {difference.operation} set to {difference.live}"
        suggestions.append(Suggestion(f"{difference.operation} {LIST_ORDER}", summary, [line]))
        outcome[difference.key] = SpecOutcome(LIST_ORDER, difference.live, f"suggested: {summary}")
    return suggestions, outcome


def _texts_edits(edit: SpecEdit, differences: list[tuple[Difference, list[Wording]]], texts: Texts) -> Outcome:
    chosen: dict[tuple[str, ...], tuple[str, Suggestion]] = {}  # example place -> (template, its change)
    outcome: dict[tuple[str, str, str], SpecOutcome] = {}
    for difference, wordings in differences:
        if not wordings:
            continue
        example = spoken_by(texts, difference.operation, wordings[0])
        if example is None:
            outcome[difference.key] = SpecOutcome("", None, "the mock's text is no example of the spec")
            continue
        name = _example_name(example)
        template = api_template(wordings)
        if template is None:
            note = "the API words it differently each time, beyond its ids and counts: no example can say it"
            outcome[difference.key] = SpecOutcome(name, None, note)
            continue
        earlier = chosen.get(example.place)
        if earlier is not None and earlier[0] != template:
            note = f"the same example is already suggested as {earlier[0]!r} for another operation"
            outcome[difference.key] = SpecOutcome(name, None, note)
            continue
        if earlier is None:
            line = edit.set_scalar(example.place, template)
            if line is None:
                outcome[difference.key] = SpecOutcome(name, None, "the example is not a one-line text to edit")
                continue
            summary = f"example {name} worded {template!r}"
            chosen[example.place] = (template, Suggestion(example.name, summary, [line]))
        outcome[difference.key] = SpecOutcome(name, template, f"suggested: example {name} worded {template!r}")
    return [suggestion for _, suggestion in chosen.values()], outcome
