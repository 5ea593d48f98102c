"""Where the kit's files live: openapi.yaml and schemathesis.toml, in a checkout or an installed wheel.

In a checkout they sit at the repository's root. The kit's wheel (`make dist`) carries them as
package data of `mock_api`, so an installed mock, plugin or suite finds its spec without the
repository. Every reader of the spec asks `spec_path()`; nothing builds the path by hand.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SPEC_NAME = "openapi.yaml"
SCHEMATHESIS_CONFIG_NAME = "schemathesis.toml"
_CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def kit_file(name: str) -> Path:
    """The packaged copy of `name` when the kit is installed, else the checkout's own file."""
    packaged = resources.files("mock_api").joinpath(name)
    if packaged.is_file():
        return Path(str(packaged))
    return _CHECKOUT_ROOT / name


def spec_path() -> Path:
    """The kit's openapi.yaml."""
    return kit_file(SPEC_NAME)


def schemathesis_config_path() -> Path:
    """The kit's schemathesis.toml (the one Schemathesis configuration of the CLI, tests and suite)."""
    return kit_file(SCHEMATHESIS_CONFIG_NAME)
