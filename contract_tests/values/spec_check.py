"""Say in one line what is wrong with an OpenAPI document, or nothing when it is valid.

Usage: python scripts/spec_check.py [openapi.yaml]   (exit status: 0 valid, 1 invalid)

The validator's own errors run to pages of schema context; a person fixing the spec needs the
file, the line and the reason, e.g. `openapi.yaml:199: $ref '#/components/schemas/Nope' points
to nothing`. Used by scripts/lint-spec (before Spectral) and scripts/regenerate.py (before the
generator, whose own errors on a broken spec are harder to read), and by `bolna-contract`
before it loads the spec.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]  # no stubs
from openapi_spec_validator import validate
from openapi_spec_validator.shortcuts import get_validator_cls

from contract_tests.values.spec import YAML_LOADER

MAX_MESSAGE = 300
JsonPath = list[str | int]


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None


def spec_problem(path: Path) -> str | None:
    """The first problem of the document at `path` as one line, or None when it is valid."""
    shown = _shown(path)
    problem = _first_problem(path)
    if problem is None:
        return None
    where = f"{shown}:{problem.line}" if problem.line else shown
    message = " ".join(problem.message.split())
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return f"{where}: {message}"


def _shown(path: Path) -> str:
    # Relative to where the command runs when the file is below it, so editors can jump to it.
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _first_problem(path: Path) -> Problem | None:
    if not path.is_file():
        return Problem("no such file")
    try:
        text = path.read_text(encoding="utf-8")
        root, document = _parsed(text)
    except UnicodeDecodeError as error:
        return Problem(f"not UTF-8 text ({error.reason})")
    except yaml.MarkedYAMLError as error:
        return _yaml_syntax_problem(error)
    except yaml.YAMLError as error:
        return Problem(f"YAML error: {error}")
    if not isinstance(document, dict) or root is None:
        return Problem("not an OpenAPI document (top level is not a mapping)")
    # PyYAML keeps the last of two equal keys, and the validator skips $refs nothing uses:
    # both are found on the node tree, which still knows their lines.
    structural = next(_node_problems(root, document, path), None)
    if structural:
        return structural
    return _validator_problem(root, document, path)


def _parsed(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree (which knows lines) and the data of `text`, from one parse."""
    try:
        return _parsed_by(text, YAML_LOADER)
    except yaml.YAMLError:
        # Read again by the pure-Python parser, whose words the one-line syntax errors show.
        return _parsed_by(text, yaml.SafeLoader)


def _parsed_by(text: str, loader_class: Any) -> tuple[yaml.Node | None, object]:
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def _yaml_syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    context = f" ({error.context})" if error.context else ""
    column = f" column {mark.column + 1}:" if mark else ""
    return Problem(f"YAML syntax error:{column} {error.problem}{context}", mark.line + 1 if mark else None)


def _node_problems(node: yaml.Node, document: dict[str, object], path: Path) -> Iterator[Problem]:
    """Duplicate keys and local `$ref`s that point to nothing, in document order."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    yield Problem(f"duplicate key '{key.value}' (first at line {seen[key.value]})", line)
                seen[key.value] = line
                if key.value == "$ref" and isinstance(value, yaml.ScalarNode):
                    yield from _ref_problems(value, document, path)
            yield from _node_problems(value, document, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _node_problems(item, document, path)


def _ref_problems(ref_node: yaml.ScalarNode, document: dict[str, object], path: Path) -> Iterator[Problem]:
    ref = str(ref_node.value)
    line = ref_node.start_mark.line + 1
    if ref.startswith("#"):
        if not _resolves(document, ref[1:]):
            yield Problem(f"$ref '{ref}' points to nothing", line)
    elif "://" not in ref and not (path.parent / ref.split("#", 1)[0]).is_file():
        yield Problem(f"$ref '{ref}': file not found", line)


def _resolves(document: object, pointer: str) -> bool:
    if pointer in ("", "/"):
        return True
    node = document
    for raw in pointer.lstrip("/").split("/"):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")  # RFC 6901: decode the URI, then the escapes
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _validator_problem(root: yaml.Node, document: dict[str, object], path: Path) -> Problem | None:
    try:
        get_validator_cls(document)
    except Exception:  # the version lookup raises several unrelated types
        line = _locate(root, ["openapi"], None)[0] if "openapi" in document else None
        return Problem("not an OpenAPI 2.0/3.x document: no supported 'openapi'/'swagger' version field", line)
    try:
        validate(document, base_uri=path.resolve().as_uri())
    except ValidationError as error:
        # A failed oneOf/anyOf carries one error per branch; best_match picks the one meant.
        cause = best_match(error.context) if error.context else error
        where = list(cause.absolute_path) or list(error.absolute_path)
        line, json_path = _locate(root, where, cause.instance)
        message = (cause.message or str(cause)).strip().splitlines()[0]
        return Problem(f"invalid OpenAPI at {json_path}: {message}", line)
    except Exception as error:  # unresolvable external refs and other validator failures
        ref = getattr(error, "ref", None)
        if ref is not None:
            return Problem(f"unresolvable $ref '{ref}'")
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return Problem(f"validator error: {type(error).__name__}: {first}")
    return None


def _entry(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _follow(node: yaml.Node, where: JsonPath) -> tuple[yaml.Node, int] | None:
    """The node at `where` below `node`, with the line to show for it: its key's line when it is
    a mapping value (a nested block starts on the line after its key)."""
    line = node.start_mark.line + 1
    for part in where:
        if isinstance(node, yaml.MappingNode):
            entry = _entry(node, str(part))
            if entry is None:
                return None
            key, node = entry
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return None
    return node, line


def _json_path(parts: JsonPath) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _locate(root: yaml.Node, where: JsonPath, instance: object) -> tuple[int | None, str]:
    """(line, JSON path) of a validation error.

    Errors inside Schema Objects come back with a path relative to that schema, so when the path
    does not lead anywhere from the top, take the first node (breadth first) from which it leads
    to the offending value.
    """
    found = _follow(root, where)
    if found is not None:
        return found[1], _json_path(where)
    queue: deque[tuple[yaml.Node, JsonPath]] = deque([(root, [])])
    while queue:
        node, prefix = queue.popleft()
        hit = _follow(node, where)
        if hit is not None and isinstance(hit[0], yaml.ScalarNode) and str(instance) == hit[0].value:
            return hit[1], _json_path(prefix + where)
        if isinstance(node, yaml.MappingNode):
            queue.extend((v, [*prefix, k.value]) for k, v in node.value if isinstance(k, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            queue.extend((v, [*prefix, i]) for i, v in enumerate(node.value))
    return None, _json_path(where)


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "openapi.yaml")
    problem = spec_problem(path)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    print(f"{_shown(path)}: valid OpenAPI ({document.get('openapi') or document.get('swagger')})")
    return 0
