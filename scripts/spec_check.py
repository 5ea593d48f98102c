"""Say in one line what is wrong with an OpenAPI document, or nothing when it is valid.

Usage: python scripts/spec_check.py [openapi.yaml]   (exit 0 valid, 1 invalid)

The validator's own errors run to pages of schema context; a person fixing the spec needs the
file, the place and the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename


def spec_problem(path: Path) -> str | None:
    """The first problem of the document at `path` as one line, or None when it is valid."""
    if not path.is_file():
        return f"{path}: no such file"
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.safe_load(text)
    except UnicodeDecodeError as error:
        return f"{path}: not UTF-8 text ({error.reason})"
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        return f"{path}: YAML syntax error{where}: {reason}"
    if not isinstance(document, dict) or "openapi" not in document:
        return f"{path}: not an OpenAPI document (no top-level 'openapi' key)"
    dangling = _first_dangling_ref(document)
    if dangling:
        return f"{path}: $ref to nothing: {dangling}"
    try:
        spec, base_uri = read_from_filename(str(path))
        validate(spec, base_uri=base_uri)
    except Exception as error:  # the validator raises several unrelated types
        return f"{path}: invalid OpenAPI: {_one_line(error)}"
    return None


def _first_dangling_ref(document: dict[str, object]) -> str | None:
    """The first local `$ref` that points nowhere (the validator does not follow unused ones)."""
    stack: list[object] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and not _resolves(document, ref):
                return ref
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _resolves(document: object, ref: str) -> bool:
    node = document
    for raw in ref.removeprefix("#").split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False
    return True


def _one_line(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    first = message.strip().splitlines()[0]
    path = getattr(error, "json_path", None) or _joined(getattr(error, "path", None))
    if path and path not in ("$", ""):
        return f"{first} (at {path})"
    return first


def _joined(parts: object) -> str:
    if not parts:
        return ""
    return "/".join(str(part) for part in parts)  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "openapi.yaml")
    problem = spec_problem(path)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"{path}: valid OpenAPI")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
