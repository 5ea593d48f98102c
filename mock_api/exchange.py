"""The vocabulary shared by the app, the store and the drift scenarios: operations, calls, replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from mock_api.texts import Said

if TYPE_CHECKING:
    from mock_api.validation import Fields


class Operation(StrEnum):
    CREATE_TRUNK = "create_trunk"
    LIST_TRUNKS = "list_trunks"
    GET_TRUNK = "get_trunk"
    UPDATE_TRUNK = "update_trunk"
    DELETE_TRUNK = "delete_trunk"
    ADD_NUMBER = "add_number"
    LIST_NUMBERS = "list_numbers"
    DELETE_NUMBER = "delete_number"


@dataclass
class Call:
    """One request to a served operation, as far as the handlers and hooks need to see it."""

    operation: Operation
    method: str
    path_params: dict[str, str]
    query: dict[str, list[str]]
    authorization: str | None
    # The decoded JSON body while it is being checked; the cleaned body once the field checks pass.
    body: Any = None
    # The checks the body is held to (read from the spec, loosened by a drift scenario), if any.
    checks: Fields | None = None


@dataclass
class Reply:
    status: int
    content: Any
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


class ApiError(Exception):
    """An answer other than success, raised wherever it is decided and rendered by the app."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    def reply(self) -> Reply:
        return Reply(self.status, {"detail": self.detail}, dict(self.headers))


# The error texts are the spec's: each helper takes the name of the example that words it
# (see `texts.py`) and the values of its placeholders.
def not_found(text: str, **values: object) -> ApiError:
    return ApiError(404, Said(text, **values))


def rule_broken(text: str, **values: object) -> ApiError:
    return ApiError(400, Said(text, **values))


def conflict(text: str, **values: object) -> ApiError:
    return ApiError(409, Said(text, **values))
