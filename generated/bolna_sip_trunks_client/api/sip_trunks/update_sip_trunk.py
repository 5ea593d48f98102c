from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, send_request, send_request_async
from ...models.error import Error
from ...models.sip_trunk import SipTrunk
from ...models.sip_trunk_update import SipTrunkUpdate
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    trunk_id: str,
    *,
    body: SipTrunkUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/sip-trunks/trunks/{trunk_id}".format(
            trunk_id=quote(str(trunk_id), safe=""),
        ),
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

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
    trunk_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SipTrunkUpdate,
    max_retries: int | None = None,
) -> Response[Error | SipTrunk | ValidationError]:
    """Update a SIP trunk (partial)

     Partial update: **only the fields sent are changed**; every field is optional and
    `PATCH {}` is a valid no-op.

    - `gateways` and `ip_identifiers` **replace** the whole stored list (never merged);
      each replaced gateway gets a new `id` and `created_at`.
    - `description: null` clears the description; omitting it keeps it.
    - `auth_username` and `auth_password` apply to `userpass` trunks only and are ignored
      on `ip-based` trunks. `auth_password` is never returned.
    - Unknown fields and the read-only ones (`id`, `provider`, `auth_type`, `created_at`,
      `updated_at`, `phone_numbers`, `direct_media`, `rtp_symmetric`, `force_rport`) are
      ignored.

    Rules over the **merged** trunk (stored trunk with the patch applied), checked after
    the field checks; a violation answers 400 and changes nothing:
    1. `media_encryption: sdes` requires `transport: transport-tls`. This holds for the
       result, so patching `transport` to UDP on an sdes trunk is rejected as well. (The
       request-level half, both fields sent together, is also in the body schema.)
    2. An `ip-based` trunk keeps at least one `ip_identifiers` entry.

    Guarantees: atomic (a rejected PATCH changes nothing, not even its valid fields); the
    200 body is the trunk as stored, and a GET right after returns the same; `created_at`
    never changes and `updated_at` is set on every successful PATCH, never going back;
    phone numbers are untouched; an unknown `trunk_id` answers 404 whatever the (valid)
    body.

    Args:
        trunk_id (str):
        body (SipTrunkUpdate): Fields to change; every one is optional and only the fields sent
            are changed. No field
            has a schema default on purpose: a default here would reset the field on every call.
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | SipTrunk | ValidationError]
    """

    kwargs = _get_kwargs(
        trunk_id=trunk_id,
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
    body: SipTrunkUpdate,
    max_retries: int | None = None,
) -> SipTrunk:
    """Update a SIP trunk (partial)

     Partial update: **only the fields sent are changed**; every field is optional and
    `PATCH {}` is a valid no-op.

    - `gateways` and `ip_identifiers` **replace** the whole stored list (never merged);
      each replaced gateway gets a new `id` and `created_at`.
    - `description: null` clears the description; omitting it keeps it.
    - `auth_username` and `auth_password` apply to `userpass` trunks only and are ignored
      on `ip-based` trunks. `auth_password` is never returned.
    - Unknown fields and the read-only ones (`id`, `provider`, `auth_type`, `created_at`,
      `updated_at`, `phone_numbers`, `direct_media`, `rtp_symmetric`, `force_rport`) are
      ignored.

    Rules over the **merged** trunk (stored trunk with the patch applied), checked after
    the field checks; a violation answers 400 and changes nothing:
    1. `media_encryption: sdes` requires `transport: transport-tls`. This holds for the
       result, so patching `transport` to UDP on an sdes trunk is rejected as well. (The
       request-level half, both fields sent together, is also in the body schema.)
    2. An `ip-based` trunk keeps at least one `ip_identifiers` entry.

    Guarantees: atomic (a rejected PATCH changes nothing, not even its valid fields); the
    200 body is the trunk as stored, and a GET right after returns the same; `created_at`
    never changes and `updated_at` is set on every successful PATCH, never going back;
    phone numbers are untouched; an unknown `trunk_id` answers 404 whatever the (valid)
    body.

    Args:
        trunk_id (str):
        body (SipTrunkUpdate): Fields to change; every one is optional and only the fields sent
            are changed. No field
            has a schema default on purpose: a default here would reset the field on every call.
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        SipTrunk
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
    body: SipTrunkUpdate,
    max_retries: int | None = None,
) -> Response[Error | SipTrunk | ValidationError]:
    """Update a SIP trunk (partial)

     Partial update: **only the fields sent are changed**; every field is optional and
    `PATCH {}` is a valid no-op.

    - `gateways` and `ip_identifiers` **replace** the whole stored list (never merged);
      each replaced gateway gets a new `id` and `created_at`.
    - `description: null` clears the description; omitting it keeps it.
    - `auth_username` and `auth_password` apply to `userpass` trunks only and are ignored
      on `ip-based` trunks. `auth_password` is never returned.
    - Unknown fields and the read-only ones (`id`, `provider`, `auth_type`, `created_at`,
      `updated_at`, `phone_numbers`, `direct_media`, `rtp_symmetric`, `force_rport`) are
      ignored.

    Rules over the **merged** trunk (stored trunk with the patch applied), checked after
    the field checks; a violation answers 400 and changes nothing:
    1. `media_encryption: sdes` requires `transport: transport-tls`. This holds for the
       result, so patching `transport` to UDP on an sdes trunk is rejected as well. (The
       request-level half, both fields sent together, is also in the body schema.)
    2. An `ip-based` trunk keeps at least one `ip_identifiers` entry.

    Guarantees: atomic (a rejected PATCH changes nothing, not even its valid fields); the
    200 body is the trunk as stored, and a GET right after returns the same; `created_at`
    never changes and `updated_at` is set on every successful PATCH, never going back;
    phone numbers are untouched; an unknown `trunk_id` answers 404 whatever the (valid)
    body.

    Args:
        trunk_id (str):
        body (SipTrunkUpdate): Fields to change; every one is optional and only the fields sent
            are changed. No field
            has a schema default on purpose: a default here would reset the field on every call.
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout (after the last retry, if it may be resent).

    Returns:
        Response[Error | SipTrunk | ValidationError]
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
    body: SipTrunkUpdate,
    max_retries: int | None = None,
) -> SipTrunk:
    """Update a SIP trunk (partial)

     Partial update: **only the fields sent are changed**; every field is optional and
    `PATCH {}` is a valid no-op.

    - `gateways` and `ip_identifiers` **replace** the whole stored list (never merged);
      each replaced gateway gets a new `id` and `created_at`.
    - `description: null` clears the description; omitting it keeps it.
    - `auth_username` and `auth_password` apply to `userpass` trunks only and are ignored
      on `ip-based` trunks. `auth_password` is never returned.
    - Unknown fields and the read-only ones (`id`, `provider`, `auth_type`, `created_at`,
      `updated_at`, `phone_numbers`, `direct_media`, `rtp_symmetric`, `force_rport`) are
      ignored.

    Rules over the **merged** trunk (stored trunk with the patch applied), checked after
    the field checks; a violation answers 400 and changes nothing:
    1. `media_encryption: sdes` requires `transport: transport-tls`. This holds for the
       result, so patching `transport` to UDP on an sdes trunk is rejected as well. (The
       request-level half, both fields sent together, is also in the body schema.)
    2. An `ip-based` trunk keeps at least one `ip_identifiers` entry.

    Guarantees: atomic (a rejected PATCH changes nothing, not even its valid fields); the
    200 body is the trunk as stored, and a GET right after returns the same; `created_at`
    never changes and `updated_at` is set on every successful PATCH, never going back;
    phone numbers are untouched; an unknown `trunk_id` answers 404 whatever the (valid)
    body.

    Args:
        trunk_id (str):
        body (SipTrunkUpdate): Fields to change; every one is optional and only the fields sent
            are changed. No field
            has a schema default on purpose: a default here would reset the field on every call.
        max_retries (int | None): Retries for this call instead of Client.max_retries; 0 for none.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.UnprocessableEntityError: 422.
        errors.RateLimitError: 429, once the retries are spent.
        errors.APIStatusError: Any other status that is not a documented success (the subclass for its status).
        errors.APIResponseValidationError: A success status whose body is not the documented model.
        errors.APIConnectionError: No answer after the retries (errors.APITimeoutError: it timed out).

    Returns:
        SipTrunk
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
