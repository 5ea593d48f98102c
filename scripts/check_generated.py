"""Fail when generated/ is not exactly what openapi.yaml and generator-config.yml produce.

Usage: python scripts/check_generated.py        (what `make check-generated` runs)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from regenerate import OUTPUT, ROOT, GenerationError, render_client

# Caches and build output; .pdm-build/ is what `pip install -e generated` (make venv) leaves there.
IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pdm-build", "build", "dist"}


def tree_files(root: Path) -> dict[str, bytes]:
    """Relative path -> content of every file under `root`, caches and build output left out."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        skipped = IGNORED_PARTS.intersection(relative.parts) or any(p.endswith(".egg-info") for p in relative.parts)
        if path.is_file() and not skipped:
            files[relative.as_posix()] = path.read_bytes()
    return files


def stale_files(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Files that differ, are missing (`-`) or are extra (`+`) in the actual tree."""
    changed = [name for name in expected.keys() & actual.keys() if expected[name] != actual[name]]
    missing = [f"-{name}" for name in expected.keys() - actual.keys()]
    extra = [f"+{name}" for name in actual.keys() - expected.keys()]
    return sorted(changed) + sorted(missing) + sorted(extra)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="check-generated-") as scratch:
        fresh = Path(scratch) / "client"
        try:
            render_client(fresh)
        except GenerationError as error:
            print(f"check-generated: {error}", file=sys.stderr)
            return 1
        expected = tree_files(fresh)
    actual = tree_files(OUTPUT) if OUTPUT.is_dir() else {}
    differences = stale_files(expected, actual)
    if differences:
        shown = ", ".join(differences[:10]) + (f" and {len(differences) - 10} more" if len(differences) > 10 else "")
        print(
            f"check-generated: {OUTPUT.relative_to(ROOT)}/ is not what openapi.yaml produces "
            f"({len(differences)} files: {shown}); run `make generate`",
            file=sys.stderr,
        )
        return 1
    print(f"check-generated: {OUTPUT.relative_to(ROOT)}/ matches openapi.yaml ({len(expected)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
