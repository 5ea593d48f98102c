"""`bolna-contract` against the mock with a write of one field leaking into another.

Usage: python -m tests.contract.leaking_write_run SOURCE TARGET [--negated] [bolna-contract arguments]
(--negated: the opposite of the sent boolean lands in TARGET)
"""

from __future__ import annotations

import sys

from contract_tests.cli import main
from mock_api.registry import store_drift
from mock_api.scenarios import write_leaking_into


def scenario_name(source: str, target: str, *, negated: bool) -> str:
    return f"{source}-leaks-{'negated-' if negated else ''}into-{target}".replace("_", "-")


if __name__ == "__main__":
    source, target, *arguments = sys.argv[1:]
    negated = "--negated" in arguments
    arguments = [argument for argument in arguments if argument != "--negated"]
    name = scenario_name(source, target, negated=negated)
    written = "the opposite of the sent value" if negated else "the sent value"
    store_drift(name, f"PATCH {source} also writes {written} into {target}")(
        write_leaking_into(source, target, negated=negated)
    )
    sys.exit(main([*arguments, "--scenario", name]))
