from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, send_request, send_request_async
from ...models.error import Error
from ...models.sip_trunk import SipTrunk
from ...models.sip_trunk_create import SipTrunkCreate
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    *,
    body: SipTrunkCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sip-trunks/trunks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SipTrunk | ValidationError | None:
    if response.status_code == 200:
        response_200 = SipTrunk.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = SipTrunk.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[Error | SipTrunk | ValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SipTrunkCreate,
    max_retries: int | None = None,
) -> Response[Error | SipTrunk | ValidationError]:
    """Create a SIP trunk

     Creates a trunk. `userpass` trunks need `auth_username` and `auth_password`; `ip-based`
    trunks need at least one `ip_identifiers` entry (otherwise 400). Credentials sent for an
    `ip-based` trunk are ignored. `media_encryption: sdes` requires
    `transport: transport-tls` (otherwise 400). Bolna's pages disagree on 200 or 201; both
    mean success.

    Args:
        body (SipTrunkCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | SipTrunk | ValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = send_request(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


def _parse_success(response: httpx.Response) -> SipTrunk:
    """The documented success model of `response`, or the exception for its status."""
    if response.status_code == 200:
        try:
            response_200 = SipTrunk.from_dict(response.json())

            return response_200

        except errors.RESPONSE_PARSE_ERRORS as error:
            raise errors.APIResponseValidationError(
                response, f"the body is not the documented model ({error!r})"
            ) from error
    if response.status_code == 201:
        try:
            response_201 = SipTrunk.from_dict(response.json())

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
    *,
    client: AuthenticatedClient | Client,
    body: SipTrunkCreate,
    max_retries: int | None = None,
) -> SipTrunk:
    """Create a SIP trunk

     Creates a trunk. `userpass` trunks need `auth_username` and `auth_password`; `ip-based`
    trunks need at least one `ip_identifiers` entry (otherwise 400). Credentials sent for an
    `ip-based` trunk are ignored. `media_encryption: sdes` requires
    `transport: transport-tls` (otherwise 400). Bolna's pages disagree on 200 or 201; both
    mean success.

    Args:
        body (SipTrunkCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        SipTrunk
    """

    kwargs = _get_kwargs(
        body=body,
    )

    try:
        response = send_request(client, kwargs, max_retries=max_retries)
    except httpx.RequestError as error:
        raise errors.connection_error(error) from error

    return _parse_success(response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SipTrunkCreate,
    max_retries: int | None = None,
) -> Response[Error | SipTrunk | ValidationError]:
    """Create a SIP trunk

     Creates a trunk. `userpass` trunks need `auth_username` and `auth_password`; `ip-based`
    trunks need at least one `ip_identifiers` entry (otherwise 400). Credentials sent for an
    `ip-based` trunk are ignored. `media_encryption: sdes` requires
    `transport: transport-tls` (otherwise 400). Bolna's pages disagree on 200 or 201; both
    mean success.

    Args:
        body (SipTrunkCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | SipTrunk | ValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await send_request_async(client, kwargs, max_retries=max_retries)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SipTrunkCreate,
    max_retries: int | None = None,
) -> SipTrunk:
    """Create a SIP trunk

     Creates a trunk. `userpass` trunks need `auth_username` and `auth_password`; `ip-based`
    trunks need at least one `ip_identifiers` entry (otherwise 400). Credentials sent for an
    `ip-based` trunk are ignored. `media_encryption: sdes` requires
    `transport: transport-tls` (otherwise 400). Bolna's pages disagree on 200 or 201; both
    mean success.

    Args:
        body (SipTrunkCreate):
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        SipTrunk
    """

    kwargs = _get_kwargs(
        body=body,
    )

    try:
        response = await send_request_async(client, kwargs, max_retries=max_retries)
    except httpx.RequestError as error:
        raise errors.connection_error(error) from error

    return _parse_success(response)
