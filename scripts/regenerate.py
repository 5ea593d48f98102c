"""Regenerate generated/ from openapi.yaml with openapi-python-client.

Usage: python scripts/regenerate.py [--spec openapi.yaml] [--output generated]
       (`make generate` runs it with the defaults)

The client is rendered into a temporary folder first; generated/ is changed only when the whole
run succeeded, so a broken spec never leaves a half-written client behind. Only the files whose
content changed are written (and files no longer generated removed): a regeneration that
changes nothing touches nothing, so no time stamp moves and `make` rebuilds nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from contract_tests.values.spec_check import spec_problem

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
README_TEMPLATE = ROOT / "templates" / "generated-README.md"
# Overrides of the generator's own templates (same file names): retries, exceptions, package metadata;
# status_errors.jinja there is shared by them (the exception class per status).
CLIENT_TEMPLATES = ROOT / "templates" / "client"
OUTPUT = ROOT / "generated"
# Caches and build output; .pdm-build/ is what `pip install -e generated` (make venv) leaves there.
IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pdm-build", "build", "dist"}


class GenerationError(Exception):
    """A one-line reason why the client could not be generated."""


def render_client(destination: Path, spec: Path = SPEC) -> None:
    """Write the complete client project for `spec` into `destination` (which must not exist)."""
    problem = spec_problem(spec)
    if problem:
        raise GenerationError(problem)
    env = _env_with_ruff()
    command = [
        _generator_executable(),
        "generate",
        "--path", str(spec),
        "--config", str(CONFIG),
        "--meta", "pdm",
        "--custom-template-path", str(CLIENT_TEMPLATES),
        "--output-path", str(destination),
        "--fail-on-warning",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if result.returncode != 0 or not destination.is_dir():
        raise GenerationError(f"openapi-python-client failed: {_reason(result.stdout + result.stderr)}")
    _write_readme(destination, spec)


def _env_with_ruff() -> dict[str, str]:
    # The generator's post hooks call `ruff` by name and silently skip formatting without it,
    # which would change every file; put this interpreter's ruff first and insist on it.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["RUFF_NO_CACHE"] = "true"  # a .ruff_cache/ would land inside the generated tree
    if shutil.which("ruff", path=env["PATH"]) is None:
        raise GenerationError("ruff is not installed next to this Python; run `make venv`")
    return env


def _generator_executable() -> str:
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if found is None:
        raise GenerationError("openapi-python-client is not installed next to this Python; run `make venv`")
    return found


def _reason(output: str) -> str:
    # The generator prints a progress line and an "Error(s) encountered" banner before the cause.
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    causes = [
        line for line in lines if not line.startswith(("Generating ", "Error(s) encountered", "Warning(s) encountered"))
    ]
    return (causes or lines or ["no output"])[0]


def _write_readme(destination: Path, spec: Path) -> None:
    text = README_TEMPLATE.read_text(encoding="utf-8").format(
        spec_version=_spec_version(spec),
        spec_sha256=hashlib.sha256(spec.read_bytes()).hexdigest(),
        generator_version=version("openapi-python-client"),
        ruff_version=version("ruff"),
    )
    (destination / "README.md").write_text(text, encoding="utf-8")


def _spec_version(spec: Path) -> str:
    import yaml

    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return str(document["info"]["version"])


def tree_files(root: Path) -> dict[str, bytes]:
    """Relative path -> content of every file under `root`, caches and build output left out."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        skipped = IGNORED_PARTS.intersection(relative.parts) or any(p.endswith(".egg-info") for p in relative.parts)
        if path.is_file() and not skipped:
            files[relative.as_posix()] = path.read_bytes()
    return files


@dataclass(frozen=True)
class Changes:
    """What a regeneration did to the output folder, by relative path."""

    changed: list[str]
    added: list[str]
    removed: list[str]

    def lines(self) -> list[str]:
        return [
            *(f"  changed  {name}" for name in self.changed),
            *(f"  added    {name}" for name in self.added),
            *(f"  removed  {name}" for name in self.removed),
        ]

    def __len__(self) -> int:
        return len(self.changed) + len(self.added) + len(self.removed)


def compare(expected: dict[str, bytes], actual: dict[str, bytes]) -> Changes:
    """What turns the `actual` tree into the `expected` one."""
    return Changes(
        changed=sorted(name for name in expected.keys() & actual.keys() if expected[name] != actual[name]),
        added=sorted(expected.keys() - actual.keys()),
        removed=sorted(actual.keys() - expected.keys()),
    )


def stale_files(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Files that differ, are missing (`-`) or are extra (`+`) in the actual tree."""
    changes = compare(expected, actual)
    return changes.changed + [f"-{name}" for name in changes.added] + [f"+{name}" for name in changes.removed]


def regenerate(output: Path = OUTPUT, spec: Path = SPEC) -> Changes:
    """Bring `output` to a freshly generated client, writing only what differs; on failure touch nothing."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".regenerate-", dir=output.parent))
    try:
        fresh = staging / "client"
        render_client(fresh, spec)
        changes = compare(tree_files(fresh), tree_files(output) if output.is_dir() else {})
        for name in [*changes.changed, *changes.added]:
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written next to its target and renamed over it: a reader never sees half a file.
            (fresh / name).replace(target.with_name(f".{target.name}.new"))
            target.with_name(f".{target.name}.new").replace(target)
        for name in changes.removed:
            (output / name).unlink()
            _remove_empty_folders((output / name).parent, output)
        return changes
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the client from the spec.")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        changes = regenerate(args.output.resolve(), args.spec.resolve())
    except GenerationError as error:
        print(f"generate: {error}; {args.output.name}/ left unchanged", file=sys.stderr)
        return 1
    if not changes:
        print(f"generate: nothing changed; {args.output.name}/ already matches {args.spec.name}")
        return 0
    count = f"{len(changes)} file{'s' if len(changes) != 1 else ''}"
    print(f"generate: {args.output.name}/ updated from {args.spec.name} ({count}):")
    print("\n".join(changes.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
