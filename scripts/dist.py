"""Build a wheel and an sdist of the generated client into dist/, for teams that vendor it.

Usage: python scripts/dist.py [--project generated] [--spec openapi.yaml] [--output dist] [--wheel-only]
       (`make dist` runs it with the defaults)

The package version is the spec's `info.version`, which `make generate` writes into
generated/pyproject.toml; a client that was not regenerated after a version bump is refused
rather than shipped under the wrong number. The build runs on a copy of the project in a
temporary folder (so generated/ stays byte-for-byte what `make check-generated` expects) and the
artifacts reach the output folder only when the whole build succeeded. Needs the `build` package
and, for its isolated build environment, pdm-backend from the package index.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "generated"
SPEC = ROOT / "openapi.yaml"
OUTPUT = ROOT / "dist"
# Left out of the copy: caches, earlier build output and what `pip install -e generated` leaves there.
NOT_COPIED = shutil.ignore_patterns(
    "__pycache__", ".mypy_cache", ".ruff_cache", ".pdm-build", "build", "dist", "*.egg-info"
)
# The last line of a Python traceback: `package.module.SomeError: message`.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


class DistError(Exception):
    """A one-line reason why nothing was built."""


def spec_version(spec: Path) -> str:
    try:
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        return str(document["info"]["version"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise DistError(f"cannot read info.version from {spec}: {_first_line(error)}") from None


def project_version(project: Path) -> str:
    pyproject = project / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise DistError(f"cannot read project.version from {pyproject}: {_first_line(error)}") from None


def check_versions(project: Path, spec: Path) -> str:
    """The version to build; raises when the client was generated from another spec version."""
    wanted, found = spec_version(spec), project_version(project)
    if wanted != found:
        raise DistError(
            f"{project.name}/pyproject.toml has version {found} but {spec.name} has info.version {wanted}; "
            "run `make generate`"
        )
    return wanted


def build(project: Path, output: Path, *, wheel_only: bool = False) -> list[Path]:
    """Build into a scratch folder, then move the artifacts into `output`; their new paths."""
    with tempfile.TemporaryDirectory(prefix="dist-") as scratch:
        source = Path(scratch) / "project"
        shutil.copytree(project, source, ignore=NOT_COPIED)
        built = Path(scratch) / "built"
        kinds = ["--wheel"] if wheel_only else ["--sdist", "--wheel"]
        command = [sys.executable, "-m", "build", *kinds, "--outdir", str(built), str(source)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        artifacts = sorted(built.glob("*")) if built.is_dir() else []
        if result.returncode != 0 or not artifacts:
            raise DistError(f"python -m build failed: {_build_reason(result.stdout + result.stderr)}")
        output.mkdir(parents=True, exist_ok=True)
        moved = []
        for artifact in artifacts:
            target = output / artifact.name
            target.unlink(missing_ok=True)  # a rebuild of the same version replaces the old file
            moved.append(Path(shutil.move(artifact, target)))
        return moved


def _build_reason(output: str) -> str:
    # A failing backend prints a traceback, then build adds "ERROR Backend subprocess exited ...".
    # The traceback's last line (the exception) names the cause; build's own line is the fallback.
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    exceptions = [line for line in lines if EXCEPTION_LINE.match(line)]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (exceptions or errors or lines or ["no output"])[-1]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the generated client's wheel and sdist.")
    parser.add_argument("--project", type=Path, default=PROJECT, help="the client project (default: generated)")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec it was made from (default: openapi.yaml)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the artifacts go (default: dist)")
    parser.add_argument("--wheel-only", action="store_true", help="skip the sdist")
    args = parser.parse_args(argv)
    try:
        if importlib.util.find_spec("build") is None:
            raise DistError("the `build` package is not installed next to this Python; run `make venv`")
        version = check_versions(args.project, args.spec)
        artifacts = build(args.project, args.output, wheel_only=args.wheel_only)
    except DistError as error:
        print(f"dist: {error}", file=sys.stderr)
        return 1
    for artifact in artifacts:
        print(f"dist: built {_shown(artifact)} (version {version})")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
