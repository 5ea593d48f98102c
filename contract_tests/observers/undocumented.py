"""Additive drift: keys in response bodies that the spec does not document.

Schemathesis is given a copy of the spec with open response objects (see spec.py), so extra
keys reach this detector instead, which tells them apart from breaking drift.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from contract_tests.values.spec import json_type, load_spec, resolved

# Keys that must never come back, whatever else is added: their presence is a failure.
WRITE_ONLY_KEYS = frozenset({"auth_password"})


@dataclass(frozen=True)
class ExtraKey:
    operation: str
    status: int
    pointer: str  # where the undocumented key sits, array items as `*`: /gateways/*/weight

    @property
    def write_only(self) -> bool:
        return self.pointer.rsplit("/", 1)[-1] in WRITE_ONLY_KEYS


@dataclass
class KeySeen:
    """What one undocumented key held, over every object of its schema that was seen."""

    present: int = 0
    types: set[str] = field(default_factory=set)
    operations: set[str] = field(default_factory=set)


@dataclass
class Shape:
    """The objects of one schema (a component, or a place inside one) that answers carried."""

    objects: int = 0
    keys: dict[str, KeySeen] = field(default_factory=dict)


@dataclass
class UndocumentedFields:
    spec: dict[str, Any] = field(default_factory=load_spec)
    found: set[ExtraKey] = field(default_factory=set)
    # (component, pointer inside it) -> the objects seen there and their undocumented keys
    shapes: dict[tuple[str, str], Shape] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, method: str, path: str, status: int, body: object) -> None:
        operation = self._operation(method, path)
        if operation is None:
            return
        label, responses = operation
        schema = self._response_schema(responses, status)
        if schema is None:
            return
        with self._lock:
            place = ("", "")
            if isinstance(responses.get(str(status), {}), dict):
                ref = self._schema_ref(responses[str(status)])
                place = (ref, "") if ref else place
            pointers = self._extra_keys(schema, body, "", place, label)
            self.found |= {ExtraKey(label, status, pointer) for pointer in set(pointers)}

    def _schema_ref(self, response: dict[str, Any]) -> str:
        schema = self._resolve(response).get("content", {}).get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
        return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else ""

    def _operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for template, item in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + r"\Z"
            operation = item.get(method.lower())
            if operation and re.match(pattern, path):
                return f"{method.upper()} {template}", operation["responses"]
        return None

    def _response_schema(self, responses: dict[str, Any], status: int) -> dict[str, Any] | None:
        response = responses.get(str(status))
        if response is None:
            return None
        response = self._resolve(response)
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        return self._resolve(schema) if schema else None

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        return resolved(node, self.spec)

    def _extra_keys(
        self, schema: dict[str, Any], body: object, pointer: str, place: tuple[str, str], label: str
    ) -> list[str]:
        """Pointers of the undocumented keys in `body`; `place` is the schema's (component, path)."""
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            place = (ref.rsplit("/", 1)[-1], "")
        schema = self._resolve(schema)
        component, path = place
        if isinstance(body, dict) and "properties" in schema:
            properties = schema["properties"]
            shape = self.shapes.setdefault(place, Shape())
            shape.objects += 1
            extras = []
            for key, value in body.items():
                if key in properties:
                    inner = (component, f"{path}/properties/{key}")
                    extras += self._extra_keys(properties[key], value, f"{pointer}/{key}", inner, label)
                    continue
                extras.append(f"{pointer}/{key}")
                seen = shape.keys.setdefault(key, KeySeen())
                seen.present += 1
                seen.types.add(json_type(value))
                seen.operations.add(label)
            return extras
        if isinstance(body, list) and "items" in schema:
            extras = []
            for item in body:
                extras += self._extra_keys(schema["items"], item, f"{pointer}/*", (component, f"{path}/items"), label)
            return extras
        return []
