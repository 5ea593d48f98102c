"""Build the generated client (wheel and sdist) and the kit (wheel) into dist/.

Usage: python scripts/dist.py [--project generated] [--spec openapi.yaml] [--output dist] [--wheel-only]
                              [--client-only | --kit-only]
       (`make dist` runs it with the defaults)

The kit's wheel holds mock_api (with its pytest plugin), contract_tests and, as package data of
mock_api, openapi.yaml and schemathesis.toml, so an installed mock finds its spec
(mock_api/spec_file.py); the repository keeps both files at its root, so they are copied in only
in the scratch folder the wheel is built from.

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
KIT_SOURCES = ("pyproject.toml", "README.md", "mock_api", "contract_tests")
KIT_DISTRIBUTION = "bolna_sip_trunks_contract_kit"
KIT_DATA = ("openapi.yaml", "schemathesis.toml")  # copied into mock_api/ for the wheel
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


def build_all(project: Path, root: Path, output: Path, *, client: bool, kit: bool, wheel_only: bool) -> list[Path]:
    """The client's and the kit's artifacts, moved into `output` only when every build succeeded."""
    with tempfile.TemporaryDirectory(prefix="dist-") as scratch:
        built = []
        if client:
            source = Path(scratch) / "client"
            shutil.copytree(project, source, ignore=NOT_COPIED)
            built += _built(source, Path(scratch) / "built", wheel_only=wheel_only)
        if kit:
            built += _built(kit_tree(root, Path(scratch) / "kit"), Path(scratch) / "built", wheel_only=True)
        return _moved(built, output)


def kit_tree(root: Path, destination: Path) -> Path:
    """A copy of the kit's sources with the spec and the Schemathesis settings inside mock_api/."""
    for name in KIT_SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=NOT_COPIED)
        else:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    for name in KIT_DATA:
        shutil.copy2(root / name, destination / "mock_api" / name)
    return destination


def _built(source: Path, built: Path, *, wheel_only: bool) -> list[Path]:
    before = set(built.glob("*")) if built.is_dir() else set()
    kinds = ["--wheel"] if wheel_only else ["--sdist", "--wheel"]
    command = [sys.executable, "-m", "build", *kinds, "--outdir", str(built), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    artifacts = sorted(set(built.glob("*")) - before) if built.is_dir() else []
    if result.returncode != 0 or not artifacts:
        raise DistError(f"python -m build failed for {source.name}: {_build_reason(result.stdout + result.stderr)}")
    return artifacts


def _moved(artifacts: list[Path], output: Path) -> list[Path]:
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
    parser = argparse.ArgumentParser(description="Build the generated client's wheel and sdist, and the kit's wheel.")
    parser.add_argument("--project", type=Path, default=PROJECT, help="the client project (default: generated)")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec it was made from (default: openapi.yaml)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the artifacts go (default: dist)")
    parser.add_argument("--wheel-only", action="store_true", help="skip the client's sdist")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--client-only", action="store_true", help="build only the generated client")
    only.add_argument("--kit-only", action="store_true", help="build only the kit (mock, plugin, suite, spec)")
    args = parser.parse_args(argv)
    try:
        if importlib.util.find_spec("build") is None:
            raise DistError("the `build` package is not installed next to this Python; run `make venv`")
        version = check_versions(args.project, args.spec)
        client, kit = not args.kit_only, not args.client_only
        artifacts = build_all(args.project, ROOT, args.output, client=client, kit=kit, wheel_only=args.wheel_only)
    except DistError as error:
        print(f"dist: {error}", file=sys.stderr)
        return 1
    for artifact in artifacts:
        what = "the kit" if artifact.name.startswith(KIT_DISTRIBUTION) else f"the client, version {version}"
        print(f"dist: built {_shown(artifact)} ({what})")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
