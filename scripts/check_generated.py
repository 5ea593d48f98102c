"""Fail when generated/ is not exactly what openapi.yaml and generator-config.yml produce.

Usage: python scripts/check_generated.py        (what `make check-generated` runs)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from regenerate import OUTPUT, ROOT, GenerationError, render_client, stale_files, tree_files


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
