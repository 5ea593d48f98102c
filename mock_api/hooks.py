"""The points where a drift scenario may bend the mock, and `CONTRACT`, which bends nothing.

The app calls these hooks in the contract's order of checks:

    token (401) -> before_body -> body (413/422) -> before_store -> store (404/400/409) -> respond

A scenario changes the behaviour at one point, so its deviation stays next to its description
(in `scenarios.py`) and neither `app.py` nor `store.py` ever asks which scenario is running.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mock_api.exchange import Call, Operation, Reply
from mock_api.store import TrunkStore
from mock_api.validation import Fields


def _never(call: Call) -> bool:
    return False


def _nothing(call: Call, store: TrunkStore) -> None:
    return None


def _unchanged(call: Call | None, reply: Reply) -> Reply:
    return reply


BodySchemas = Mapping[Operation, Fields]


def _as_specified(bodies: BodySchemas) -> BodySchemas:
    return bodies


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    # The store class, so a scenario can override one of its rules (a subclass of TrunkStore).
    store: type[TrunkStore] = TrunkStore
    # Turns the request-body checks read from the spec into the ones this scenario applies.
    loosen_bodies: Callable[[BodySchemas], BodySchemas] = _as_specified
    # True lets a request through without the right bearer token.
    waive_auth: Callable[[Call], bool] = _never
    # Runs after the token check and before the body is read (may raise an ApiError).
    before_body: Callable[[Call, TrunkStore], None] = _nothing
    # Runs when the body failed its field checks, just before the 422 goes out; `call.body` is raw.
    on_invalid_body: Callable[[Call, TrunkStore], None] = _nothing
    # Runs with the checked body, just before the store is asked (may raise anything).
    before_store: Callable[[Call, TrunkStore], None] = _nothing
    # Rewrites the finished reply; `call` is None for answers that name no operation (404, 405).
    respond: Callable[[Call | None, Reply], Reply] = _unchanged


CONTRACT = Scenario("contract", "no drift: the mock behaves as the contract document says")
