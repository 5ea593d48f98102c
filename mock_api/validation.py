"""Field checks for request bodies and query parameters, answered as FastAPI-style 422 errors.

Each check takes the decoded JSON value and returns it cleaned (unknown keys dropped, whole floats
turned into ints) while appending one `FieldError` per problem found, so a body reports all of its
problems at once, as FastAPI does. The checks carry no bounds or patterns of their own: `spec.py`
builds them from the request schemas of openapi.yaml.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypedDict

Loc = list[str | int]


class FieldError(TypedDict):
    loc: Loc
    msg: str
    type: str


def field_error(loc: Loc, msg: str, kind: str) -> FieldError:
    return {"loc": loc, "msg": msg, "type": kind}


# Pydantic's tokens for the input it would refuse, kept so the bodies look like Bolna's (FastAPI).
_TRUE_FALSE = ("true", "false")


# ECMA-262's members of `\d`, `\w` and `\s` (WhiteSpace and LineTerminator), spelled for Python.
_ECMA_CLASSES = {
    "d": "0-9",
    "w": "A-Za-z0-9_",
    "s": "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff",
}


@functools.cache
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a JSON Schema (ECMA-262) pattern so that Python's `re.search` means the same.

    ECMA's `$` matches only at the very end, Python's also before a final newline, so every `$`
    outside a character class becomes `\\Z`. Shorthand classes mean different sets in the two
    engines (Python's `\\d` takes any Unicode digit), so `\\d`, `\\w` and `\\s` become ECMA's own
    sets; a negated one inside a class, and `\\b`, are refused rather than silently mistranslated.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1 : index + 2]
            if escaped.lower() in _ECMA_CLASSES:
                members = _ECMA_CLASSES[escaped.lower()]
                if in_class and escaped.isupper():
                    raise ValueError(f"negated shorthand \\{escaped} inside a class has no Python spelling here")
                negated = "^" if escaped.isupper() else ""
                out.append(members if in_class else f"[{negated}{members}]")
                index += 2
                continue
            if escaped in ("b", "B"):
                raise ValueError(f"\\{escaped} has different meanings in ECMA-262 and Python")
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))


class Check(Protocol):
    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any: ...


@dataclass(frozen=True)
class Text:
    min_length: int = 0
    max_length: int | None = None
    pattern: str | None = None
    nullable: bool = False

    def __post_init__(self) -> None:
        if self.pattern is not None:
            ecma_pattern(self.pattern)  # a pattern Python cannot mean the same way fails at import

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        if not isinstance(value, str):
            errors.append(field_error(loc, "Input should be a valid string", "string_type"))
            return value
        # len() counts code points, as JSON Schema's minLength/maxLength do.
        if len(value) < self.min_length:
            unit = "character" if self.min_length == 1 else "characters"
            errors.append(field_error(loc, f"String should have at least {self.min_length} {unit}", "string_too_short"))
        elif self.max_length is not None and len(value) > self.max_length:
            errors.append(
                field_error(loc, f"String should have at most {self.max_length} characters", "string_too_long")
            )
        elif self.pattern is not None and not ecma_pattern(self.pattern).search(value):
            errors.append(field_error(loc, f"String should match pattern '{self.pattern}'", "string_pattern_mismatch"))
        return value


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None
    nullable: bool = False

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        # bool is a subclass of int in Python, but `true` is no integer in JSON.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(field_error(loc, "Input should be a valid integer", "int_type"))
            return value
        if isinstance(value, float):
            # JSON Schema's integer is any number without a fractional part: 60.0 is 60.
            if not math.isfinite(value) or not value.is_integer():
                errors.append(
                    field_error(
                        loc,
                        "Input should be a valid integer, got a number with a fractional part",
                        "int_from_float",
                    )
                )
                return value
            value = int(value)
        if self.minimum is not None and value < self.minimum:
            errors.append(
                field_error(loc, f"Input should be greater than or equal to {self.minimum}", "greater_than_equal")
            )
        elif self.maximum is not None and value > self.maximum:
            errors.append(field_error(loc, f"Input should be less than or equal to {self.maximum}", "less_than_equal"))
        return value


@dataclass(frozen=True)
class Boolean:
    nullable: bool = False

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        # Only JSON true/false: 0 and 1 (or "true") are refused, unlike pydantic's lax mode.
        if not isinstance(value, bool):
            errors.append(field_error(loc, "Input should be a valid boolean", "bool_type"))
        return value


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    nullable: bool = False

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or value not in self.options:
            quoted = [f"'{option}'" for option in self.options]
            listed = ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]
            errors.append(field_error(loc, f"Input should be {listed}", "literal_error"))
        return value


@dataclass(frozen=True)
class ListOf:
    item: Check
    min_items: int = 0
    max_items: int | None = None
    nullable: bool = False

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        if not isinstance(value, list):
            errors.append(field_error(loc, "Input should be a valid list", "list_type"))
            return value
        if len(value) < self.min_items:
            errors.append(
                field_error(
                    loc,
                    f"List should have at least {self.min_items} item after validation, not {len(value)}",
                    "too_short",
                )
            )
        elif self.max_items is not None and len(value) > self.max_items:
            errors.append(
                field_error(
                    loc,
                    f"List should have at most {self.max_items} items after validation, not {len(value)}",
                    "too_long",
                )
            )
        return [self.item(item, [*loc, index], errors) for index, item in enumerate(value)]


@dataclass(frozen=True)
class Fields:
    """A JSON object: known keys are checked, unknown (and read-only) keys are dropped."""

    checks: Mapping[str, Check]
    required: frozenset[str] = field(default_factory=frozenset)
    nullable: bool = False

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        if value is None and self.nullable:
            return None
        if not isinstance(value, dict):
            errors.append(
                field_error(
                    loc,
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type",
                )
            )
            return value
        cleaned: dict[str, Any] = {}
        for name, check in self.checks.items():
            if name in value:
                cleaned[name] = check(value[name], [*loc, name], errors)
            elif name in self.required:
                errors.append(field_error([*loc, name], "Field required", "missing"))
        return cleaned

    def with_checks(self, **checks: Check) -> Fields:
        """A copy with some checks swapped, for drift scenarios that loosen one field."""
        return replace(self, checks={**self.checks, **checks})


@dataclass(frozen=True)
class Anything:
    """A field whose schema sets no constraint: any JSON value is taken as sent."""

    def __call__(self, value: Any, loc: Loc, errors: list[FieldError]) -> Any:
        return value


def check_body(schema: Fields, body: Any) -> tuple[dict[str, Any], list[FieldError]]:
    errors: list[FieldError] = []
    cleaned = schema(body, ["body"], errors)
    return (cleaned if not errors else {}), errors


def check_query_boolean(name: str, values: list[str]) -> tuple[bool | None, list[FieldError]]:
    """An optional query boolean: absent is None; exactly one `true` or `false` otherwise 422."""
    loc: Loc = ["query", name]
    if not values:
        return None, []
    if len(values) > 1:
        return None, [field_error(loc, "Input should be a single value", "bool_parsing")]
    if values[0] not in _TRUE_FALSE:
        return None, [field_error(loc, "Input should be a valid boolean, unable to interpret input", "bool_parsing")]
    return values[0] == "true", []
