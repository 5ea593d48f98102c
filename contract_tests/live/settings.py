"""What a run is asked to do, read once from the environment and the command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from contract_tests.findings.baseline import DEFAULT_BASELINE
from contract_tests.live.lease import DEFAULT_LEASE_SECONDS
from contract_tests.live.profiles import PROFILES


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line that says what to fix."""


@dataclass(frozen=True)
class Settings:
    base_url: str | None  # None: the embedded mock, in-process
    token: str | None
    trunk_id: str | None
    trunk_state: Path | None = None  # the desired state of that trunk, kept in the repository
    profile: str = "default"
    strict: bool = False
    quiet: bool = False
    reports_dir: Path = Path("reports/contract")
    scenario: str | None = None  # a drift scenario of the embedded mock
    max_requests: int | None = None
    max_rate: float | None = None
    max_examples: int | None = None  # replaces the profile's examples per generating check
    baseline: Path | None = None  # known drift of the live account; a missing file knows nothing
    previous: Path | None = None  # the previous run's drift.json, for night-over-night changes
    lease_seconds: float = DEFAULT_LEASE_SECONDS  # how long a killed run's lease keeps others away
    wait_for_lease: bool = False  # on a trunk another run holds: wait, rather than exit 2

    @property
    def live(self) -> bool:
        return self.base_url is not None


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    env = os.environ if env is None else env
    base_url = _base_url(env.get("BOLNA_BASE_URL", "").strip() or None)
    profile = str(overrides.pop("profile", None) or env.get("CONTRACT_PROFILE", "").strip() or "default")
    if profile not in PROFILES:
        raise ConfigError(f"CONTRACT_PROFILE={profile!r} is not a profile; use one of: {', '.join(PROFILES)}")
    token = _token(env) if base_url else None
    if base_url and not token:
        raise ConfigError("BOLNA_API_KEY is not set: export it (or BOLNA_API_KEY_FILE) to run against the live API")
    settings = Settings(
        base_url=base_url,
        token=token,
        trunk_id=env.get("BOLNA_TRUNK_ID", "").strip() or None,
        trunk_state=Path(env["BOLNA_TRUNK_STATE"].strip()) if env.get("BOLNA_TRUNK_STATE", "").strip() else None,
        profile=profile,
        strict=_flag(env, "CONTRACT_STRICT"),
        quiet=_flag(env, "CONTRACT_QUIET"),
        reports_dir=Path(env.get("CONTRACT_REPORTS", "reports/contract")),
        max_requests=_integer(env, "CONTRACT_MAX_REQUESTS"),
        max_rate=_number(env, "CONTRACT_MAX_RATE"),
        max_examples=_max_examples(env),
        baseline=_baseline(env, live=base_url is not None),
        previous=Path(env["CONTRACT_PREVIOUS"].strip()) if env.get("CONTRACT_PREVIOUS", "").strip() else None,
        lease_seconds=_lease_seconds(env),
        wait_for_lease=_flag(env, "CONTRACT_WAIT_FOR_LEASE"),
    )
    fields = {key: value for key, value in overrides.items() if value is not None}
    return replace(settings, **fields)  # type: ignore[arg-type]


def _baseline(env: Mapping[str, str], *, live: bool) -> Path | None:
    """CONTRACT_BASELINE; by default contract-baseline.yaml, for a live account only: the embedded
    mock has no known drift, and a team's baseline must not hide a drift scenario from the selftest."""
    value = env.get("CONTRACT_BASELINE", "").strip()
    if value:
        return Path(value)
    return DEFAULT_BASELINE if live else None


def _max_examples(env: Mapping[str, str]) -> int | None:
    examples = _integer(env, "CONTRACT_MAX_EXAMPLES")
    if examples == 0:
        value = env["CONTRACT_MAX_EXAMPLES"]
        raise ConfigError(f"CONTRACT_MAX_EXAMPLES={value!r} would generate nothing; give at least 1")
    return examples


def _lease_seconds(env: Mapping[str, str]) -> float:
    seconds = _number(env, "CONTRACT_LEASE_SECONDS")
    if seconds is None:
        return DEFAULT_LEASE_SECONDS
    if seconds < 3:
        raise ConfigError(f"CONTRACT_LEASE_SECONDS={env['CONTRACT_LEASE_SECONDS']!r} is too short; give at least 3")
    return seconds


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"BOLNA_BASE_URL={value!r} needs a scheme and host, e.g. https://api.bolna.ai")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(f"BOLNA_BASE_URL={value!r} must not have a path: the kit adds /sip-trunks/...")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ConfigError(f"BOLNA_BASE_URL={value!r} has an invalid port") from None
    return f"{parts.scheme}://{parts.netloc}"


def _token(env: Mapping[str, str]) -> str | None:
    token = env.get("BOLNA_API_KEY", "").strip()
    if token:
        return token
    path = env.get("BOLNA_API_KEY_FILE", "").strip()
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError as error:
        raise ConfigError(f"BOLNA_API_KEY_FILE={path!r} cannot be read: {error.strerror}") from None


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{name}={value!r} is not a flag; use 1 or 0")


def _number(env: Mapping[str, str], name: str) -> float | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise ConfigError(f"{name}={value!r} must not be negative")
    return number


def _integer(env: Mapping[str, str], name: str) -> int | None:
    number = _number(env, name)
    if number is not None and not number.is_integer():
        raise ConfigError(f"{name}={env[name]!r} is not a whole number")
    return None if number is None else int(number)
