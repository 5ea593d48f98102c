"""`bolna-contract` against the mock with a write of one field leaking into another.

Usage: python -m tests.contract.leaking_write_run SOURCE TARGET [bolna-contract arguments]
"""

from __future__ import annotations

import sys

from contract_tests.cli import main
from mock_api.registry import store_drift
from mock_api.scenarios import write_leaking_into


def scenario_name(source: str, target: str) -> str:
    return f"{source}-leaks-into-{target}".replace("_", "-")


if __name__ == "__main__":
    source, target, *arguments = sys.argv[1:]
    name = scenario_name(source, target)
    store_drift(name, f"PATCH {source} also writes the sent value into {target}")(write_leaking_into(source, target))
    sys.exit(main([*arguments, "--scenario", name]))
