"""The drift-scenario registry: names, one-line descriptions, and decorators to register them.

The scenarios themselves are in `scenarios.py`; importing it fills `SCENARIOS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from mock_api.exchange import Call, Reply
from mock_api.hooks import BodySchemas, Scenario
from mock_api.store import TrunkStore

SCENARIOS: dict[str, Scenario] = {}


class UnknownScenario(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown drift scenario {name!r}; `python -m mock_api --list-scenarios` lists them")


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise UnknownScenario(name) from None


def list_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every drift scenario, in registry order."""
    return [(scenario.name, scenario.description) for scenario in SCENARIOS.values()]


def register(scenario: Scenario) -> Scenario:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", scenario.name):
        raise ValueError(f"scenario names are kebab-case: {scenario.name!r}")
    if scenario.name in SCENARIOS:
        raise ValueError(f"duplicate scenario {scenario.name!r}")
    if "\n" in scenario.description:
        raise ValueError(f"a scenario description is one line: {scenario.name!r}")
    SCENARIOS[scenario.name] = scenario
    return scenario


StoreClass = TypeVar("StoreClass", bound=type[TrunkStore])
RespondHook = Callable[[Call | None, Reply], Reply]
CallHook = Callable[[Call, TrunkStore], None]
AuthHook = Callable[[Call], bool]
BodyHook = Callable[[BodySchemas], BodySchemas]


# Decorators that register the decorated behaviour as scenario `name`, so the description sits on top.


def store_drift(name: str, description: str) -> Callable[[StoreClass], StoreClass]:
    def register_store(store: StoreClass) -> StoreClass:
        register(Scenario(name, description, store=store))
        return store

    return register_store


def respond_drift(name: str, description: str) -> Callable[[RespondHook], RespondHook]:
    def register_hook(respond: RespondHook) -> RespondHook:
        register(Scenario(name, description, respond=respond))
        return respond

    return register_hook


def before_store_drift(name: str, description: str) -> Callable[[CallHook], CallHook]:
    def register_hook(before_store: CallHook) -> CallHook:
        register(Scenario(name, description, before_store=before_store))
        return before_store

    return register_hook


def auth_drift(name: str, description: str) -> Callable[[AuthHook], AuthHook]:
    def register_hook(waive_auth: AuthHook) -> AuthHook:
        register(Scenario(name, description, waive_auth=waive_auth))
        return waive_auth

    return register_hook


def body_drift(name: str, description: str) -> Callable[[BodyHook], BodyHook]:
    """A scenario that loosens the request-body checks read from the spec."""

    def register_hook(loosen_bodies: BodyHook) -> BodyHook:
        register(Scenario(name, description, loosen_bodies=loosen_bodies))
        return loosen_bodies

    return register_hook
