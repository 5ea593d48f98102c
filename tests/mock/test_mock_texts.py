"""What the mock cannot know, from the spec: its free texts (a delete's message, a 400/404/409's
detail) are the named examples of those answers, and its lists' order is their `x-list-order`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.values.spec import SPEC_PATH
from mock_api.spec import SpecError
from mock_api.texts import fill, matches, template_of
from tests.mock.mock_support import Api, ip_based_body, userpass_body


def _examples(document: dict[str, Any], response: str) -> dict[str, Any]:
    examples: dict[str, Any] = document["components"]["responses"][response]["content"]["application/json"]["examples"]
    return examples


def _spec_with(tmp_path: Path, response: str, name: str, text: str | None) -> Path:
    """A copy of the kit's spec with one text example reworded (or removed, for None); nothing else."""
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    examples = _examples(document, response)
    if text is None:
        del examples[name]
    else:
        (member,) = examples[name]["value"]
        examples[name]["value"][member] = text
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_the_kits_spec_words_the_mocks_answers() -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    api = Api()
    trunk = api.create_trunk(ip_based_body())

    missing = api.get("0" * 32).json()["detail"]
    deleted = api.delete(trunk["id"]).json()["message"]

    assert missing == _examples(document, "NotFound")["trunk_not_found"]["value"]["detail"]
    assert matches(_examples(document, "Deleted")["trunk_deleted"]["value"]["message"], deleted)
    assert trunk["id"] in deleted


def test_a_reworded_delete_example_reaches_the_answer_with_its_placeholders(tmp_path: Path) -> None:
    text = "Trunk deleted successfully. {numbers_removed} phone number(s) removed."
    api = Api(spec=_spec_with(tmp_path, "Deleted", "trunk_deleted", text))
    trunk = api.create_trunk(userpass_body())
    for number in ("+4930111222", "+4930111333"):
        assert api.add_number(trunk["id"], {"phone_number": number}).status_code in (200, 201)

    assert api.delete(trunk["id"]).json() == {"message": "Trunk deleted successfully. 2 phone number(s) removed."}


@pytest.mark.parametrize(
    ("response", "name", "text"),
    [
        ("NotFound", "trunk_not_found", "Trunk {trunk_id} does not exist"),
        ("RuleViolation", "sdes_requires_tls", "SDES needs TLS"),
        ("Conflict", "number_already_active", "Phone number already exists: {phone_number}"),
    ],
)
def test_a_reworded_error_example_reaches_the_detail(tmp_path: Path, response: str, name: str, text: str) -> None:
    api = Api(spec=_spec_with(tmp_path, response, name, text))
    trunk = api.create_trunk(userpass_body())
    api.add_number(trunk["id"], {"phone_number": "+4930111222"})
    answers = {
        "trunk_not_found": lambda: api.get("f" * 32),
        "sdes_requires_tls": lambda: api.patch(trunk["id"], {"media_encryption": "sdes"}),
        "number_already_active": lambda: api.add_number(trunk["id"], {"phone_number": "4930111222"}),
    }
    values = {"trunk_id": "f" * 32, "phone_number": "4930111222"}

    assert answers[name]().json() == {"detail": fill(text, values)}


def test_a_spec_without_a_text_the_mock_needs_stops_it_naming_the_example(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="examples named phone_number_not_found"):
        Api(spec=_spec_with(tmp_path, "NotFound", "phone_number_not_found", None))


def test_a_template_is_the_text_with_its_values_written_back() -> None:
    text = "Trunk 3f2a deleted; 1 of 11 numbers removed (trunk 3f2a)."

    template = template_of(text, {"trunk_id": "3f2a", "numbers_removed": "1"})

    assert template == "Trunk {trunk_id} deleted; {numbers_removed} of 11 numbers removed (trunk {trunk_id})."
    assert fill(template, {"trunk_id": "3f2a", "numbers_removed": 1}) == text
    assert matches(template, "Trunk x deleted; 0 of 11 numbers removed (trunk x).")
    assert not matches(template, "Trunk x deleted.")


@pytest.mark.parametrize("order", ["oldest-first", "newest-first"])
def test_the_spec_orders_the_mocks_lists(tmp_path: Path, order: str) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    listed = document["paths"]["/sip-trunks/trunks"]["get"]["responses"]["200"]["content"]["application/json"]
    listed["x-list-order"] = order
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    api = Api(spec=path)
    made = [api.create_trunk(userpass_body(name=f"t{n}"))["id"] for n in range(3)]

    listed_ids = [trunk["id"] for trunk in api.list().json()]

    assert listed_ids == (made if order == "oldest-first" else made[::-1])


def test_an_order_the_mock_cannot_give_stops_it(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    listed = document["paths"]["/sip-trunks/trunks"]["get"]["responses"]["200"]["content"]["application/json"]
    listed["x-list-order"] = "by-name"
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")

    with pytest.raises(SpecError, match="x-list-order is one of oldest-first, newest-first, not 'by-name'"):
        Api(spec=path)
