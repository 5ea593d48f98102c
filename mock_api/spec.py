"""openapi.yaml as the mock reads it: field checks for request bodies, and complete response bodies.

The spec is read once, when an app is created (`create_app(spec=PATH)`), so an edit of a bound,
a pattern, an enum, a response key or an answer's text (`texts.py`) moves the mock with it. What
the spec cannot say stays
hand-written elsewhere: the PATCH merge and the merged-state rules (`store.py`, answered 400, which
is why the schemas' `if`/`then` parts are left to it; PATCH checks those its `x-merged-state-rules`
still lists), the order of checks (`app.py`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from mock_api.exchange import Operation
from mock_api.spec_file import spec_path
from mock_api.texts import TextExample, Texts, located, text_examples
from mock_api.validation import Anything, Boolean, Check, Choice, Fields, Integer, ListOf, Text

JSON = "application/json"
# How a list answer is ordered, said by the extension `x-list-order` of its media type: the API's
# order is no rule a schema can state, and the mock has to give its lists some order.
LIST_ORDER = "x-list-order"
MERGED_STATE_RULES = "x-merged-state-rules"
LIST_ORDERS = ("oldest-first", "newest-first")
# Keywords that constrain a value in ways these checks do not model: refused, never ignored.
_UNSUPPORTED = (
    "anyOf",
    "oneOf",
    "not",
    "const",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "uniqueItems",
    "prefixItems",
    "contains",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "dependentRequired",
)
# Stand-ins for a string key no example, default or enum fills, by `format`.
_FORMATTED = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "time": "00:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "mock@example.invalid",
    "hostname": "mock.invalid",
    "ipv4": "192.0.2.1",
    "uri": "https://mock.invalid/",
}


# libyaml's loader when PyYAML has it: the pure-Python one takes a tenth of a second per read.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


UNAUTHORIZED = "#/components/responses/Unauthorized"


class SpecError(ValueError):
    """The spec says something the mock cannot act on; the message names where."""


@dataclass(frozen=True)
class MockSpec:
    """What one mock takes from the spec: a check per request body, a schema per response."""

    document: dict[str, Any]
    bodies: Mapping[Operation, Fields]
    responses: Mapping[tuple[Operation, int], Any]
    completer: _Completer
    texts: Texts
    # operation -> (its lists' order, where the spec says it: keys from the root)
    orders: Mapping[Operation, tuple[str, tuple[str, ...]]]
    auth_status: int = 401  # what a missing or wrong token answers: the status of `Unauthorized`
    # The ids of the merged-state rules PATCH checks (`x-merged-state-rules`): a rule a calibrated
    # spec dropped is no longer checked.
    patch_rules: frozenset[str] = frozenset()

    def complete(self, operation: Operation, status: int, content: Any) -> Any:
        """`content` with every documented key it lacks filled from the schema of that answer.

        A key the mock does not model (one added to the spec) gets the schema's example, default,
        first enum value, or a value of its type that validates: the same value every time, so
        it is stable for the life of the resource.
        """
        schema = self.responses.get((operation, status))
        return content if schema is None else self.completer.fill(content, schema)

    def ordered(self, operation: Operation, status: int, content: Any) -> Any:
        """A list answer in the order the spec gives it; the store lists oldest first."""
        order = self.orders.get(operation)
        if 200 <= status < 300 and isinstance(content, list) and order is not None and order[0] == "newest-first":
            return content[::-1]
        return content


def load_spec(path: Path | str | None = None) -> dict[str, Any]:
    source = Path(path) if path is not None else spec_path()
    try:
        with source.open(encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())  # YAML's messages span lines; ours is one
        raise SpecError(f"cannot read the spec {source}: {reason}") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SpecError(f"{source} is not an OpenAPI document with paths")
    return document


def mock_spec(path: Path | str | None, resources: Mapping[str, Mapping[str, Operation]]) -> MockSpec:
    """The checks and response schemas of every operation the mock serves, from the spec at `path`.

    Read once per version of the file: apps made from an unchanged spec share what it gives.
    """
    source = (Path(path) if path is not None else spec_path()).resolve()
    try:
        stat = source.stat()
    except OSError as error:
        raise SpecError(f"cannot read the spec {source}: {error.strerror}") from None
    routes = tuple((route, tuple(methods.items())) for route, methods in resources.items())
    return _read_mock_spec(source, stat.st_mtime_ns, stat.st_size, routes)


@functools.lru_cache(maxsize=8)
def _read_mock_spec(
    path: Path, mtime_ns: int, size: int, routes: tuple[tuple[str, tuple[tuple[str, Operation], ...]], ...]
) -> MockSpec:
    resources = {route: dict(methods) for route, methods in routes}
    document = load_spec(path)
    bodies: dict[Operation, Fields] = {}
    responses: dict[tuple[Operation, int], Any] = {}
    texts: dict[tuple[str, int], dict[str, TextExample]] = {}
    orders: dict[Operation, tuple[str, tuple[str, ...]]] = {}
    patch_rules: set[str] = set()
    for route, methods in resources.items():
        for method, operation in methods.items():
            where = f"{method} {route}"
            spec_operation = document["paths"].get(route, {}).get(method.lower())
            if not isinstance(spec_operation, dict):
                raise SpecError(f"the spec does not document {where}, which the mock serves")
            patch_rules |= {str(rule.get("id")) for rule in spec_operation.get(MERGED_STATE_RULES) or []}
            body = spec_operation.get("requestBody")
            if body is not None:
                schema = _json_schema(document, body, f"{where} requestBody")
                check = _Builder(document).check(schema, f"{where} requestBody")
                if not isinstance(check, Fields):
                    raise SpecError(f"{where}: the request body schema is not an object")
                bodies[operation] = check
            for status, response in spec_operation.get("responses", {}).items():
                if str(status).isdigit():
                    schema = _json_schema(document, response, f"{where} response {status}", required=False)
                    if schema is not None:
                        responses[operation, int(status)] = schema
                    place = ("paths", route, method.lower(), "responses", str(status))
                    named = {example.name: example for example in text_examples(document, response, place)}
                    texts[operation.value, int(status)] = named
                    order = _list_order(document, response, place, f"{where} response {status}")
                    if order is not None:
                        orders[operation] = order
    completer = _Completer(document)
    for (operation, status), schema in responses.items():
        completer.check_fillable(schema, f"{operation} response {status}")
    made = Texts(texts)
    missing = made.missing()
    if missing:
        raise SpecError(f"the mock's texts need response examples named {', '.join(missing)}")
    return MockSpec(
        document, bodies, responses, completer, made, orders, _auth_status(document), frozenset(patch_rules)
    )


def _auth_status(document: Mapping[str, Any]) -> int:
    """The status the spec gives its `Unauthorized` answer (calibrated specs may move it)."""
    for item in document["paths"].values():
        for operation in item.values() if isinstance(item, dict) else []:
            for status, answer in (operation.get("responses", {}) if isinstance(operation, dict) else {}).items():
                if isinstance(answer, dict) and answer.get("$ref") == UNAUTHORIZED and str(status).isdigit():
                    return int(status)
    return 401


def resolve(document: Mapping[str, Any], node: Any) -> dict[str, Any]:
    """A schema with its `$ref` chain followed; keywords next to a `$ref` win over the target's."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise SpecError(f"cannot follow $ref {ref!r}")
        seen.add(ref)
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            if not isinstance(target, dict) or part not in target:
                raise SpecError(f"$ref {ref!r} points nowhere")
            target = target[part]
        node = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
    if not isinstance(node, dict):
        raise SpecError(f"expected a schema object, found {node!r}")
    return node


def _json_schema(document: Mapping[str, Any], holder: Any, where: str, *, required: bool = True) -> Any:
    media = resolve(document, holder).get("content", {}).get(JSON)
    if media is None or "schema" not in media:
        if required:
            raise SpecError(f"{where} has no {JSON} schema")
        return None
    return media["schema"]


def _list_order(
    document: Mapping[str, Any], response: Any, place: tuple[str, ...], where: str
) -> tuple[str, tuple[str, ...]] | None:
    response, place = located(document, response, place)
    media = response.get("content", {}).get(JSON) if isinstance(response, dict) else None
    if not isinstance(media, dict) or LIST_ORDER not in media:
        return None
    if media[LIST_ORDER] not in LIST_ORDERS:
        raise SpecError(f"{where}: {LIST_ORDER} is one of {', '.join(LIST_ORDERS)}, not {media[LIST_ORDER]!r}")
    return str(media[LIST_ORDER]), (*place, "content", JSON, LIST_ORDER)


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


class _Builder:
    """Turns a request schema into the checks of `validation.py`."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def check(self, node: Any, where: str) -> Check:
        schema = resolve(self.document, node)
        used = [keyword for keyword in _UNSUPPORTED if keyword in schema]
        if used:
            raise SpecError(f"{where}: the mock cannot check {', '.join(used)}")
        if any(not _is_rule(part) for part in schema.get("allOf", [])):
            raise SpecError(f"{where}: the mock checks allOf only for if/then rules (answered 400 by the store)")
        types = _types(schema)
        nullable = "null" in types
        kinds = [kind for kind in types if kind != "null"]
        if "enum" in schema:
            options = tuple(option for option in schema["enum"] if option is not None)
            if not all(isinstance(option, str) for option in options):
                raise SpecError(f"{where}: the mock checks enums of strings only")
            return Choice(options, nullable=nullable or None in schema["enum"])
        if not kinds:
            if "properties" in schema:
                kinds = ["object"]
            else:
                return Anything()
        if len(kinds) > 1:
            raise SpecError(f"{where}: the mock checks one type per field, not {kinds}")
        kind = kinds[0]
        if kind == "object":
            properties = schema.get("properties", {})
            return Fields(
                {name: self.check(prop, f"{where}.{name}") for name, prop in properties.items()},
                required=frozenset(schema.get("required", [])),
                nullable=nullable,
            )
        if kind == "array":
            return ListOf(
                self.check(schema.get("items", {}), f"{where}[]"),
                schema.get("minItems", 0),
                schema.get("maxItems"),
                nullable=nullable,
            )
        if kind == "string":
            try:
                return Text(schema.get("minLength", 0), schema.get("maxLength"), schema.get("pattern"), nullable)
            except (ValueError, TypeError) as error:
                raise SpecError(f"{where}: pattern {schema.get('pattern')!r}: {error}") from None
        if kind == "integer":
            return Integer(schema.get("minimum"), schema.get("maximum"), nullable=nullable)
        if kind == "boolean":
            return Boolean(nullable=nullable)
        raise SpecError(f"{where}: the mock does not check type {kind!r}")


def _is_rule(part: Any) -> bool:
    # Extensions (`x-provenance`) say where a rule comes from; they are no check.
    return isinstance(part, dict) and {key for key in part if not key.startswith("x-")} <= {"if", "then", "else"}


class _Completer:
    """Fills the documented keys an answer lacks, with values that validate against the spec."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._samples = _values_by_key(document)
        # id(schema node) -> (the node, kept alive so its id stays its own; the stand-in)
        self._made: dict[int, tuple[Any, Any]] = {}

    def fill(self, content: Any, node: Any) -> Any:
        schema = resolve(self.document, node)
        if isinstance(content, dict):
            for name, prop in schema.get("properties", {}).items():
                if name in content:
                    content[name] = self.fill(content[name], prop)
                else:
                    content[name] = copy.deepcopy(self.stand_in(prop, name))
        elif isinstance(content, list) and "items" in schema:
            return [self.fill(item, schema["items"]) for item in content]
        return content

    def check_fillable(self, node: Any, where: str, depth: int = 0) -> None:
        """Make every stand-in once up front, so a spec the mock cannot fill fails at creation."""
        schema = resolve(self.document, node)
        if depth > 8:
            return
        for name, prop in schema.get("properties", {}).items():
            self.stand_in(prop, f"{where}.{name}")
            self.check_fillable(prop, f"{where}.{name}", depth + 1)
        if "items" in schema:
            self.check_fillable(schema["items"], f"{where}[]", depth + 1)

    def stand_in(self, node: Any, where: str) -> Any:
        made = self._made.get(id(node))
        if made is None:
            made = self._made[id(node)] = (node, self._make(node, where))
        return made[1]

    def _make(self, node: Any, where: str) -> Any:
        schema = resolve(self.document, node)
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": self.document.get("components", {})}, validate_formats=True
        )
        key = where.rsplit(".", 1)[-1]
        for candidate in [*self._candidates(schema, where), *self._samples.get(key, [])]:
            if validator.is_valid(candidate):
                return candidate
        raise SpecError(f"{where}: the mock cannot make a value for this key; give its schema an example")

    def _candidates(self, schema: Mapping[str, Any], where: str) -> list[Any]:
        found: list[Any] = []
        if "example" in schema:
            found.append(schema["example"])
        found += list(schema.get("examples", []))
        if "default" in schema:
            found.append(schema["default"])
        if "const" in schema:
            found.append(schema["const"])
        found += list(schema.get("enum", []))[:1]
        types = _types(schema) or ["null"]
        for kind in [kind for kind in types if kind != "null"] + (["null"] if "null" in types else []):
            found += self._typed_candidates(schema, kind, where)
        return found

    def _typed_candidates(self, schema: Mapping[str, Any], kind: str, where: str) -> list[Any]:
        if kind == "string":
            length = max(schema.get("minLength", 0), 1)
            formatted = [_FORMATTED[schema["format"]]] if schema.get("format") in _FORMATTED else []
            return [*formatted, "x" * length, "0" * length, "a", "mock", "mock.invalid"]
        if kind in ("integer", "number"):
            low, high = schema.get("minimum"), schema.get("maximum")
            return [value for value in (0, low, high, 1) if value is not None]
        if kind == "boolean":
            return [False, True]
        if kind == "array":
            count = schema.get("minItems", 0)
            if count == 0:
                return [[]]
            item = self.stand_in(schema.get("items", {}), f"{where}[]")
            return [[copy.deepcopy(item) for _ in range(count)]]
        if kind == "object":
            properties = schema.get("properties", {})
            required = [name for name in schema.get("required", []) if name in properties]
            return [{name: self.stand_in(properties[name], f"{where}.{name}") for name in required}]
        return [None]


def _values_by_key(document: Any) -> dict[str, list[Any]]:
    """Every value the spec's examples give a key, by key name, in document order: stand-ins
    for patterned strings."""
    found: dict[str, list[Any]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    visit(value)
                else:
                    found.setdefault(key, []).append(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(document)
    return found
