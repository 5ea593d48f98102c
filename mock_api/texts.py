"""The free texts of the mock's answers (a delete's `message`, a 400/404/409's `detail`), from the spec.

The API's wording is not a rule anyone can check, so the mock cannot know it; the spec says it as
named response `examples` whose value is an object with one string member, such as
`trunk_not_found: {value: {detail: "SIP trunk not found"}}` under a 404. The store names the text
it means (`Said("trunk_not_found", trunk_id=...)`) and the app renders it from the example of the
answer's own operation and status, with placeholders such as `{trunk_id}` filled in. Editing an
example moves the mock's answer with it; mock-diff proposes such edits from what an API said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# What a template may carry in braces; anything else in braces is literal text.
PLACEHOLDERS = ("trunk_id", "phone_number_id", "phone_number", "numbers_removed")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

# Every text the store can say: the names of the examples that word them.
TEXT_NAMES = (
    "trunk_deleted",
    "phone_number_deleted",
    "trunk_not_found",
    "phone_number_not_found",
    "sdes_requires_tls",
    "ip_based_needs_ip_identifiers",
    "userpass_needs_credentials",
    "e164_needs_plus",
    "number_already_active",
)


@dataclass(frozen=True)
class Said:
    """A text the store means, by its example's name, with the values of its placeholders."""

    name: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __init__(self, name: str, **values: object) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class TextExample:
    """One named example that gives a text: its template and where it is written in the spec."""

    name: str
    member: str  # the string member of the example's value: `message` or `detail`
    template: str
    place: tuple[str, ...]  # keys from the document's root to the member's value


def fill(template: str, values: Mapping[str, object]) -> str:
    """The template with each placeholder it carries replaced by its value (unknown ones kept)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def matches(template: str, text: str) -> bool:
    """Whether `text` is what `template` renders, for some values of its placeholders."""
    pattern = "".join(
        "(.+?)" if index % 2 else re.escape(part) for index, part in enumerate(_PLACEHOLDER.split(template))
    )
    # split() puts each placeholder's name at the odd positions; the names are not text.
    return re.fullmatch(pattern, text, flags=re.DOTALL) is not None


def template_of(text: str, values: Mapping[str, str]) -> str:
    """`text` with the values of the placeholders written back as placeholders.

    Longer values first, so an id is not cut by a count that happens to be one of its digits; a
    count only where it stands as a number of its own.
    """
    spans: list[tuple[int, int, str]] = []
    for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
        if not value:
            continue
        pattern = rf"(?<![0-9]){re.escape(value)}(?![0-9])" if value.isdigit() else re.escape(value)
        for found in re.finditer(pattern, text):
            if not any(start < found.end() and found.start() < end for start, end, _ in spans):
                spans.append((found.start(), found.end(), name))
    out, last = [], 0
    for start, end, name in sorted(spans):
        out += [text[last:start], "{" + name + "}"]
        last = end
    return "".join([*out, text[last:]])


def text_examples(document: Mapping[str, Any], response: Any, place: tuple[str, ...]) -> Iterator[TextExample]:
    """The named examples of one response (at `place`, `$ref`s followed) whose value is one text."""
    response, place = located(document, response, place)
    media = _at(response, ("content", "application/json"))
    examples = media.get("examples") if isinstance(media, dict) else None
    for name, example in (examples or {}).items():
        value = example.get("value") if isinstance(example, dict) else None
        if isinstance(value, dict) and len(value) == 1:
            ((member, template),) = value.items()
            if isinstance(template, str):
                where = (*place, "content", "application/json", "examples", name, "value", member)
                yield TextExample(name, member, template, where)


def located(document: Mapping[str, Any], node: Any, place: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """The node at the end of `node`'s `$ref` chain, and where it is written (keys from the root)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        place = tuple(node["$ref"].removeprefix("#/").split("/"))
        node = _at(document, place)
    return node, place


def _at(node: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


class Texts:
    """The text examples of every answer the mock gives, by (operation, status) and name."""

    def __init__(self, examples: Mapping[tuple[str, int], Mapping[str, TextExample]]) -> None:
        self.examples = examples
        # (operation, status) -> the member its texts are in (`message`, `detail`), where the spec words one
        self.members = {key: next(iter(named.values())).member for key, named in examples.items() if named}

    def missing(self) -> list[str]:
        """The names the store may say that no answer gives an example for."""
        given = {name for named in self.examples.values() for name in named}
        return [name for name in TEXT_NAMES if name not in given]

    def example(self, operation: str, status: int, name: str) -> TextExample | None:
        """The operation's own example; else the same name under another operation's same status."""
        own = self.examples.get((operation, status), {}).get(name)
        if own is not None:
            return own
        return next(
            (named[name] for (_, other), named in self.examples.items() if other == status and name in named), None
        )

    def rendered(self, operation: str, status: int, content: Any) -> Any:
        """`content` with every `Said` in it (at the top level of an object) written out."""
        if not isinstance(content, dict):
            return content
        out = dict(content)
        for key, value in content.items():
            if isinstance(value, Said):
                example = self.example(operation, status, value.name)
                # `missing()` is checked when the app is made, so this is a store naming an unknown text.
                assert example is not None, f"no example {value.name!r} for {operation} {status}"
                out[key] = fill(example.template, value.values)
        return out
