"""One handler per operation: a checked call in, the store's answer out as a reply."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mock_api.exchange import ApiError, Call, Operation, Reply
from mock_api.store import TrunkStore
from mock_api.validation import check_query_boolean

Handler = Callable[[Call, TrunkStore], Reply]

# Bolna's pages disagree on 200 or 201 for creation; both are success. The mock says "created".
CREATED = 201


def create_trunk(call: Call, store: TrunkStore) -> Reply:
    return Reply(CREATED, store.create_trunk(call.body))


def list_trunks(call: Call, store: TrunkStore) -> Reply:
    is_active, errors = check_query_boolean("is_active", call.query.get("is_active", []))
    if errors:
        raise ApiError(422, errors)
    return Reply(200, store.list_trunks(is_active))


def get_trunk(call: Call, store: TrunkStore) -> Reply:
    return Reply(200, store.get_trunk(call.path_params["trunk_id"]))


def update_trunk(call: Call, store: TrunkStore) -> Reply:
    return Reply(200, store.update_trunk(call.path_params["trunk_id"], call.body))


def delete_trunk(call: Call, store: TrunkStore) -> Reply:
    return Reply(200, store.delete_trunk(call.path_params["trunk_id"]))


def add_number(call: Call, store: TrunkStore) -> Reply:
    return Reply(CREATED, store.add_number(call.path_params["trunk_id"], call.body))


def list_numbers(call: Call, store: TrunkStore) -> Reply:
    return Reply(200, store.list_numbers(call.path_params["trunk_id"]))


def delete_number(call: Call, store: TrunkStore) -> Reply:
    return Reply(200, store.delete_number(call.path_params["trunk_id"], call.path_params["phone_number_id"]))


HANDLERS: Mapping[Operation, Handler] = {
    Operation.CREATE_TRUNK: create_trunk,
    Operation.LIST_TRUNKS: list_trunks,
    Operation.GET_TRUNK: get_trunk,
    Operation.UPDATE_TRUNK: update_trunk,
    Operation.DELETE_TRUNK: delete_trunk,
    Operation.ADD_NUMBER: add_number,
    Operation.LIST_NUMBERS: list_numbers,
    Operation.DELETE_NUMBER: delete_number,
}
