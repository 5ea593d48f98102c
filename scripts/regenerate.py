"""Regenerate generated/ from openapi.yaml with openapi-python-client.

Usage: python scripts/regenerate.py [--spec openapi.yaml] [--output generated]
       (`make generate` runs it with the defaults)

The client is rendered into a temporary folder beside generated/ and swapped in only when the
whole run succeeded, so a broken spec never leaves a half-written client behind.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from contract_tests.spec_check import spec_problem

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
README_TEMPLATE = ROOT / "templates" / "generated-README.md"
OUTPUT = ROOT / "generated"


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


def regenerate(output: Path = OUTPUT, spec: Path = SPEC) -> None:
    """Replace `output` with a freshly generated client, or leave it untouched on failure."""
    staging = Path(tempfile.mkdtemp(prefix=".regenerate-", dir=output.parent))
    try:
        fresh = staging / "client"
        render_client(fresh, spec)
        retired = staging / "previous"
        if output.exists():
            output.rename(retired)
        fresh.rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the client from the spec.")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        regenerate(args.output.resolve(), args.spec.resolve())
    except GenerationError as error:
        print(f"generate: {error}; {args.output.name}/ left unchanged", file=sys.stderr)
        return 1
    print(f"generate: {args.output.name}/ is up to date with {args.spec.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
