"""Reading a JSON request body safely: bounded in size, strict in syntax, never a 5xx."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from starlette.requests import Request

from mock_api.exchange import ApiError
from mock_api.validation import field_error

MAX_BODY_BYTES = 1024 * 1024


def too_large() -> ApiError:
    return ApiError(413, f"request body is larger than {MAX_BODY_BYTES} bytes")


def is_json_media_type(content_type: str | None) -> bool:
    # No Content-Type is read as JSON, as FastAPI does; `application/x+json` variants count as JSON.
    if content_type is None:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    main, _, sub = media_type.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


async def read_limited(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or 413 as soon as it is known to exceed `limit` (before reading the rest)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large()
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise too_large()
    return bytes(received)


def _refuse_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity; JSON does not.
    raise ValueError(f"{name} is not JSON")


def decode_json(raw: bytes) -> Any:
    if not raw.strip():
        raise ApiError(422, [field_error(["body"], "Field required", "missing")])
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ApiError(422, [field_error(["body", error.pos], "JSON decode error", "json_invalid")]) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        # Not UTF-8, a NaN/Infinity literal, or nesting deeper than the parser's recursion limit.
        raise ApiError(422, [field_error(["body"], "JSON decode error", "json_invalid")]) from None


async def read_json_body(request: Request) -> Any:
    if not is_json_media_type(request.headers.get("content-type")):
        # What FastAPI answers for a body it cannot read as an object: a 422 in the usual shape.
        raise ApiError(
            422,
            [
                field_error(
                    ["body"],
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type",
                )
            ],
        )
    return decode_json(await read_limited(request))
