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


def sync(
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PhoneNumberCreate,
    max_retries: int | None = None,
) -> Error | PhoneNumber | ValidationError | None:
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
        Error | PhoneNumber | ValidationError
    """

    return sync_detailed(
        trunk_id=trunk_id,
        client=client,
        body=body,
        max_retries=max_retries,
    ).parsed


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
) -> Error | PhoneNumber | ValidationError | None:
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
        Error | PhoneNumber | ValidationError
    """

    return (
        await asyncio_detailed(
            trunk_id=trunk_id,
            client=client,
            body=body,
            max_retries=max_retries,
        )
    ).parsed
