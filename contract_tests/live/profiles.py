"""Budgets of a run, by profile (`CONTRACT_PROFILE=quick|default|nightly`).

A live account pays for every request, so each profile has a smaller live budget with a rate
cap; the embedded mock costs nothing and gets more cases.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Budget:
    fuzz_examples: int  # Schemathesis examples per operation and generation mode
    stateful_examples: int  # Schemathesis state-machine scenarios
    patch_examples: int  # Hypothesis examples of the PATCH-semantics property
    max_requests: int  # hard cap; the run stops when it is spent
    max_rate: float | None  # requests per second, None for no cap
    timeout: float  # seconds per request


@dataclass(frozen=True)
class Profile:
    name: str
    mock: Budget
    live: Budget


PROFILES = {
    "quick": Profile(
        "quick",
        mock=Budget(8, 8, 20, 3_000, None, 10.0),
        live=Budget(4, 4, 10, 2_000, 10.0, 15.0),
    ),
    "default": Profile(
        "default",
        mock=Budget(25, 30, 100, 8_000, None, 10.0),
        live=Budget(8, 8, 30, 2_000, 10.0, 15.0),
    ),
    "nightly": Profile(
        "nightly",
        mock=Budget(100, 100, 400, 30_000, None, 10.0),
        live=Budget(15, 15, 60, 4_000, 8.0, 20.0),
    ),
}


class UnknownProfile(ValueError):
    pass


def budget_for(
    profile: str,
    *,
    live: bool,
    max_requests: int | None = None,
    max_rate: float | None = None,
    max_examples: int | None = None,
) -> Budget:
    """The budget of `profile` for a live or mock target, with optional overrides.

    `max_examples`, like Schemathesis's `--max-examples`, is what every generating check draws:
    examples per operation and mode, state-machine scenarios and PATCH examples alike."""
    if profile not in PROFILES:
        raise UnknownProfile(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    budget = PROFILES[profile].live if live else PROFILES[profile].mock
    if max_requests is not None:
        budget = replace(budget, max_requests=max_requests)
    if max_rate is not None:
        budget = replace(budget, max_rate=max_rate or None)
    if max_examples is not None:
        budget = replace(
            budget, fuzz_examples=max_examples, stateful_examples=max_examples, patch_examples=max_examples
        )
    return budget
