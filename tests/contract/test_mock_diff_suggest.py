"""What mock-diff's spec patch makes of a wording difference: one template for every time the API
said it, the example the mock's text came from, and a note where the spec cannot absorb it."""

from __future__ import annotations

from pathlib import Path

from contract_tests.mockdiff.compare import Difference, Wording
from contract_tests.mockdiff.suggest import api_template, suggest_spec
from contract_tests.values.spec import SPEC_PATH
from mock_api.app import RESOURCES
from mock_api.spec import mock_spec


def _deleted(live: str, trunk: str, count: int) -> Wording:
    values = {"trunk_id": f"<{trunk}>", "numbers_removed": str(count)}
    return Wording(200, live, f"SIP trunk <{trunk}> deleted", values, values)


def _difference(wording: Wording) -> Difference:
    return Difference("delete_trunk", "message", "wording", repr(wording.live), repr(wording.mock), wording)


def test_the_template_renders_every_text_the_api_said() -> None:
    said = [
        _deleted("Trunk <trunk#1> deleted: 1 phone number(s) removed (v1).", "trunk#1", 1),
        _deleted("Trunk <trunk#2> deleted: 0 phone number(s) removed (v1).", "trunk#2", 0),
    ]

    # From the first text alone, the "1" of "v1" would pass for the count; the second one tells.
    assert api_template(said) == "Trunk {trunk_id} deleted: {numbers_removed} phone number(s) removed (v1)."


def test_a_wording_that_varies_beyond_ids_and_counts_is_noted_not_patched(tmp_path: Path) -> None:
    said = [_deleted("Deleted at 10:00", "trunk#1", 0), _deleted("Deleted at 10:05", "trunk#2", 0)]

    patch, suggestions, outcome = suggest_spec(
        [(_difference(said[0]), said)], mock_spec(SPEC_PATH, RESOURCES), SPEC_PATH
    )

    assert (patch, suggestions) == ("", [])
    (note,) = outcome.values()
    assert note.template is None and "differently each time" in note.note


def test_one_wording_becomes_one_edit_of_the_example_the_mock_said_it_from() -> None:
    said = [_deleted("Trunk deleted successfully. 2 phone number(s) removed.", "trunk#0", 2)]

    patch, suggestions, outcome = suggest_spec(
        [(_difference(said[0]), said)], mock_spec(SPEC_PATH, RESOURCES), SPEC_PATH
    )

    (suggestion,) = suggestions
    assert suggestion.fingerprint == "trunk_deleted"
    assert '+                message: "Trunk deleted successfully. {numbers_removed} phone number(s) removed."' in patch
    lines = patch.splitlines()
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-                message: 'SIP trunk {trunk_id} deleted'"] and len(added) == 1
    assert next(iter(outcome.values())).note.startswith("suggested: example Deleted: trunk_deleted")
