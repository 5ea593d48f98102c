"""Say in one line what is wrong with an OpenAPI document, or nothing when it is valid.

Usage: python scripts/spec_check.py [openapi.yaml]
Exit status: 0 valid, 1 invalid, 2 the validator is not installed (run `make venv`).
"""

from __future__ import annotations

import sys

try:
    from contract_tests.values.spec_check import main
except ImportError as missing:  # scripts/lint-spec may fall back to a python3 without .venv
    print(f"spec_check: {missing}; run `make venv`", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
