"""Additive drift: keys in response bodies that the spec does not document.

Schemathesis is given a copy of the spec with open response objects (see spec.py), so extra
keys reach this detector instead, which tells them apart from breaking drift.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from contract_tests.spec import load_spec

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
class UndocumentedFields:
    spec: dict[str, Any] = field(default_factory=load_spec)
    found: set[ExtraKey] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, method: str, path: str, status: int, body: object) -> None:
        operation = self._operation(method, path)
        if operation is None:
            return
        label, responses = operation
        schema = self._response_schema(responses, status)
        if schema is None:
            return
        extras = {ExtraKey(label, status, pointer) for pointer in set(self._extra_keys(schema, body, ""))}
        if extras:
            with self._lock:
                self.found |= extras

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
        while "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def _extra_keys(self, schema: dict[str, Any], body: object, pointer: str) -> list[str]:
        schema = self._resolve(schema)
        if isinstance(body, dict) and "properties" in schema:
            properties = schema["properties"]
            extras = [f"{pointer}/{key}" for key in body if key not in properties]
            for key, value in body.items():
                if key in properties:
                    extras += self._extra_keys(properties[key], value, f"{pointer}/{key}")
            return extras
        if isinstance(body, list) and "items" in schema:
            extras = []
            for item in body:
                extras += self._extra_keys(schema["items"], item, f"{pointer}/*")
            return extras
        return []
