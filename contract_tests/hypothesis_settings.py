"""Hypothesis settings for checks that talk to an API: no database, no deadline."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

from contract_tests.live.profiles import Budget


def api_settings(examples: int, *, shrink: bool = True) -> settings:
    # No target phase: it replays mutated examples, and against an API whose state has moved on
    # the replay draws differently ("inconsistent data generation"), which says nothing about the API.
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(
        max_examples=max(1, examples),
        deadline=None,
        database=None,
        derandomize=False,
        phases=phases,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def for_budget(budget: Budget, share: float = 1.0) -> settings:
    return api_settings(int(budget.patch_examples * share), shrink=budget.max_rate is None)
