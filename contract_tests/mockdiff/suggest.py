"""mock-diff's spec suggestions: the API's wording of a text, as the example the mock says it from.

A text the mock cannot know (a delete's `message`, a 400/404/409's `detail`) is a named response
example of the spec (mock_api/texts.py). When the API words one otherwise, the example that gave
the mock's text is found (the one that renders it with the step's values), and the API's text is
written back as a template (its ids and counts as placeholders). One template must render every
time the API said it, or there is nothing the spec can absorb. The patch is made by the contract
run's own machinery (contract_tests/suggestions.py), so it applies and reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract_tests.mockdiff.compare import Difference, Wording
from contract_tests.suggestions import SpecEdit, Suggestion, as_patch
from mock_api.texts import TextExample, Texts, fill, matches, template_of

PATCH_NAME = "mock-diff.suggestions.patch"


@dataclass(frozen=True)
class TextSuggestion:
    """What the patch does about one wording difference, or why it cannot."""

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


def suggest_texts(
    differences: list[tuple[Difference, list[Wording]]], texts: Texts, spec_path: Path
) -> tuple[str, list[Suggestion], dict[tuple[str, str, str], TextSuggestion]]:
    """The patch of `spec_path` that words the mock's texts as the API does ("" when none), its
    changes, and what became of each wording difference (by its key)."""
    edit = SpecEdit(spec_path.read_text(encoding="utf-8"))
    chosen: dict[tuple[str, ...], tuple[str, Suggestion]] = {}  # example place -> (template, its change)
    outcome: dict[tuple[str, str, str], TextSuggestion] = {}
    for difference, wordings in differences:
        if not wordings:
            continue
        example = spoken_by(texts, difference.operation, wordings[0])
        if example is None:
            outcome[difference.key] = TextSuggestion("", None, "the mock's text is no example of the spec")
            continue
        name = _example_name(example)
        template = api_template(wordings)
        if template is None:
            note = "the API words it differently each time, beyond its ids and counts: no example can say it"
            outcome[difference.key] = TextSuggestion(name, None, note)
            continue
        earlier = chosen.get(example.place)
        if earlier is not None and earlier[0] != template:
            note = f"the same example is already suggested as {earlier[0]!r} for another operation"
            outcome[difference.key] = TextSuggestion(name, None, note)
            continue
        if earlier is None:
            line = edit.set_scalar(example.place, template)
            if line is None:
                outcome[difference.key] = TextSuggestion(name, None, "the example is not a one-line text to edit")
                continue
            summary = f"example {name} worded {template!r}"
            chosen[example.place] = (template, Suggestion(example.name, summary, [line]))
        outcome[difference.key] = TextSuggestion(name, template, f"suggested: example {name} worded {template!r}")
    suggestions = [suggestion for _, suggestion in chosen.values()]
    patch = as_patch(edit, spec_path.name, suggestions, "mock-diff.md") if suggestions else ""
    return patch, suggestions, outcome
