from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, send_request, send_request_async
from ...models.error import Error
from ...models.message import Message
from ...types import Response


def _get_kwargs(
    trunk_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/sip-trunks/trunks/{trunk_id}".format(
            trunk_id=quote(str(trunk_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Message | None:
    if response.status_code == 200:
        response_200 = Message.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Message]:
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
    max_retries: int | None = None,
) -> Response[Error | Message]:
    """Delete a SIP trunk

     Deletes the trunk and soft-deletes its phone numbers.

    Args:
        trunk_id (str):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | Message]
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
    )

    response = send_request(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


def _parse_success(response: httpx.Response) -> Message:
    """The documented success model of `response`, or the exception for its status."""
    if response.status_code == 200:
        try:
            response_200 = Message.from_dict(response.json())

            return response_200

        except errors.RESPONSE_PARSE_ERRORS as error:
            raise errors.APIResponseValidationError(
                response, f"the body is not the documented model ({error!r})"
            ) from error
    raise errors.error_for(response, _error_body(response))


def _error_body(response: httpx.Response) -> Error | str:
    """The model the spec documents for this error status, else the body's text."""
    try:
        if response.status_code == 401:
            response_401 = Error.from_dict(response.json())

            return response_401

        if response.status_code == 404:
            response_404 = Error.from_dict(response.json())

            return response_404

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
    max_retries: int | None = None,
) -> Message:
    """Delete a SIP trunk

     Deletes the trunk and soft-deletes its phone numbers.

    Args:
        trunk_id (str):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        Message
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
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
    max_retries: int | None = None,
) -> Response[Error | Message]:
    """Delete a SIP trunk

     Deletes the trunk and soft-deletes its phone numbers.

    Args:
        trunk_id (str):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | Message]
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
    )

    response = await send_request_async(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


async def asyncio(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    max_retries: int | None = None,
) -> Message:
    """Delete a SIP trunk

     Deletes the trunk and soft-deletes its phone numbers.

    Args:
        trunk_id (str):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        Message
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
    )

    try:
        response = await send_request_async(client, kwargs, max_retries=max_retries)
    except httpx.RequestError as error:
        raise errors.connection_error(error) from error

    return _parse_success(response)
