from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, send_request, send_request_async
from ...models.error import Error
from ...models.phone_number import PhoneNumber
from ...models.phone_number_create import PhoneNumberCreate
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    trunk_id: str,
    *,
    body: PhoneNumberCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sip-trunks/trunks/{trunk_id}/numbers".format(
            trunk_id=quote(str(trunk_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PhoneNumber | ValidationError | None:
    if response.status_code == 200:
        response_200 = PhoneNumber.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PhoneNumber.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ValidationError.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | PhoneNumber | ValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PhoneNumberCreate,
    max_retries: int | None = None,
) -> Response[Error | PhoneNumber | ValidationError]:
    """Add a phone number to a SIP trunk

     Attaches a phone number (DID) to the trunk. A number already active on any trunk
    (compared without the leading `+`) answers 409. With `e164_check_enabled: true` the
    number must start with `+` (otherwise 400).

    Args:
        trunk_id (str):
        body (PhoneNumberCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | PhoneNumber | ValidationError]
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
        body=body,
    )

    response = send_request(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


def _parse_success(response: httpx.Response) -> PhoneNumber:
    """The documented success model of `response`, or the exception for its status."""
    if response.status_code == 200:
        try:
            response_200 = PhoneNumber.from_dict(response.json())

            return response_200

        except errors.RESPONSE_PARSE_ERRORS as error:
            raise errors.APIResponseValidationError(
                response, f"the body is not the documented model ({error!r})"
            ) from error
    if response.status_code == 201:
        try:
            response_201 = PhoneNumber.from_dict(response.json())

            return response_201

        except errors.RESPONSE_PARSE_ERRORS as error:
            raise errors.APIResponseValidationError(
                response, f"the body is not the documented model ({error!r})"
            ) from error
    raise errors.error_for(response, _error_body(response))


def _error_body(response: httpx.Response) -> Error | ValidationError | str:
    """The model the spec documents for this error status, else the body's text."""
    try:
        if response.status_code == 400:
            response_400 = Error.from_dict(response.json())

            return response_400

        if response.status_code == 401:
            response_401 = Error.from_dict(response.json())

            return response_401

        if response.status_code == 404:
            response_404 = Error.from_dict(response.json())

            return response_404

        if response.status_code == 409:
            response_409 = Error.from_dict(response.json())

            return response_409

        if response.status_code == 422:
            response_422 = ValidationError.from_dict(response.json())

            return response_422

        if response.status_code == 429:
            response_429 = Error.from_dict(response.json())

            return response_429

    except errors.RESPONSE_PARSE_ERRORS:
        pass  # a body that breaks its documented shape is still reported, as text
    return response.text


def sync(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PhoneNumberCreate,
    max_retries: int | None = None,
) -> PhoneNumber:
    """Add a phone number to a SIP trunk

     Attaches a phone number (DID) to the trunk. A number already active on any trunk
    (compared without the leading `+`) answers 409. With `e164_check_enabled: true` the
    number must start with `+` (otherwise 400).

    Args:
        trunk_id (str):
        body (PhoneNumberCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.ConflictError: 409.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        PhoneNumber
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
        body=body,
    )

    try:
        response = send_request(client, kwargs, max_retries=max_retries)
    except httpx.RequestError as error:
        raise errors.connection_error(error) from error

    return _parse_success(response)


async def asyncio_detailed(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PhoneNumberCreate,
    max_retries: int | None = None,
) -> Response[Error | PhoneNumber | ValidationError]:
    """Add a phone number to a SIP trunk

     Attaches a phone number (DID) to the trunk. A number already active on any trunk
    (compared without the leading `+`) answers 409. With `e164_check_enabled: true` the
    number must start with `+` (otherwise 400).

    Args:
        trunk_id (str):
        body (PhoneNumberCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | PhoneNumber | ValidationError]
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
        body=body,
    )

    response = await send_request_async(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


async def asyncio(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PhoneNumberCreate,
    max_retries: int | None = None,
) -> PhoneNumber:
    """Add a phone number to a SIP trunk

     Attaches a phone number (DID) to the trunk. A number already active on any trunk
    (compared without the leading `+`) answers 409. With `e164_check_enabled: true` the
    number must start with `+` (otherwise 400).

    Args:
        trunk_id (str):
        body (PhoneNumberCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.ConflictError: 409.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        PhoneNumber
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
        body=body,
    )

    try:
        response = await send_request_async(client, kwargs, max_retries=max_retries)
    except httpx.RequestError as error:
        raise errors.connection_error(error) from error

    return _parse_success(response)
