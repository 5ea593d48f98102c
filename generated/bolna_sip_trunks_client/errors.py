"""The exceptions the API functions raise.

`sync()` and `asyncio()` return the documented success model or raise a `BolnaAPIError`:
`APIStatusError` (a subclass per status) when the API answered with an error status,
`APIConnectionError` / `APITimeoutError` when no answer came, both only once the retries are spent.
`sync_detailed()` and `asyncio_detailed()` raise none of these for an HTTP status: they return it.
"""

from http import HTTPStatus
from typing import Any

import httpx

from .models.error import Error
from .models.validation_error import ValidationError
from .models.validation_error_item import ValidationErrorItem

REQUEST_ID_HEADERS = ("x-request-id", "request-id")
"""Headers that carry the API's id of a request, first found wins; quote it when reporting a problem."""
MAX_TEXT_IN_MESSAGE = 200
"""Characters of an undocumented (text) body kept in an exception's message."""
RESPONSE_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
"""What parsing a body that breaks its documented shape raises (json.JSONDecodeError is a ValueError)."""


class UnexpectedStatus(Exception):
    """Raised by the *_detailed functions for a status the spec does not document, when
    Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class BolnaAPIError(Exception):
    """The root of every exception sync() and asyncio() raise.

    Attributes:
        message: what happened: method, path, status and the API's detail.
        method: the request's HTTP method.
        url: the request's full URL.
    """

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APIConnectionError(BolnaAPIError):
    """No answer came: the connection failed or dropped on every attempt it was allowed
    (a POST is never sent twice). The httpx error is the `__cause__`."""

    def __init__(self, request: httpx.Request | None, error: httpx.RequestError) -> None:
        method, url, path = _where(request)
        what = "timed out" if isinstance(error, httpx.TimeoutException) else "no answer"
        super().__init__(f"{method} {path}: {what} ({type(error).__name__}: {error})", method=method, url=url)


class APITimeoutError(APIConnectionError):
    """The request timed out (Client.timeout) on every attempt it was allowed."""


class APIResponseValidationError(BolnaAPIError):
    """A success status whose body is not the documented model, or a success status the spec
    does not document for the operation.

    Attributes:
        status_code, headers, response: the answer as received.
    """

    def __init__(self, response: httpx.Response, reason: str) -> None:
        method, url, path = _where(response.request)
        super().__init__(f"{method} {path}: {_status(response.status_code)}: {reason}", method=method, url=url)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers


class APIStatusError(BolnaAPIError):
    """The API answered with a status that is not a documented success; a subclass per status.

    Attributes:
        status_code: the HTTP status.
        headers: the answer's headers (Retry-After, ...).
        body: the parsed model the spec documents for this status, else the body's text.
        request_id: the API's id of the request, when it sends one (REQUEST_ID_HEADERS).
        response: the httpx.Response as received.
    """

    body: object

    def __init__(self, response: httpx.Response, body: object) -> None:
        method, url, path = _where(response.request)
        detail = _detail(body)
        message = f"{method} {path}: {_status(response.status_code)}" + (f": {detail}" if detail else "")
        super().__init__(message, method=method, url=url)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.request_id = next(
            (response.headers[name] for name in REQUEST_ID_HEADERS if name in response.headers), None
        )


class BadRequestError(APIStatusError):
    """400: The API refused a well-formed request: a rule across fields or against the stored data."""

    body: Error | str


class AuthenticationError(APIStatusError):
    """401: The token is missing or wrong."""

    body: Error | str


class PermissionDeniedError(APIStatusError):
    """403: The token may not do this."""

    body: str


class NotFoundError(APIStatusError):
    """404: No such resource (trunk, number) or path."""

    body: Error | str


class ConflictError(APIStatusError):
    """409: The request conflicts with the stored data (e.g. a number already active on a trunk)."""

    body: Error | str


class UnprocessableEntityError(APIStatusError):
    """422: A field is malformed, out of range or missing; `errors` says which."""

    body: ValidationError | str

    @property
    def errors(self) -> list[ValidationErrorItem]:
        """The per-field items of the documented 422 body (`loc`, `msg`, ...); empty when the body is not that model."""
        if isinstance(self.body, ValidationError):
            return list(self.body.detail)
        return []


class RateLimitError(APIStatusError):
    """429: Rate limited, and the retries (which wait out Retry-After) are spent."""

    body: Error | str


class InternalServerError(APIStatusError):
    """5xx: The API failed (any 5xx), after the retries for 503 are spent."""

    body: str


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The class for an error status: its own, else its family's."""
    if status_code in _STATUS_ERRORS:
        return _STATUS_ERRORS[status_code]
    return InternalServerError if status_code >= 500 else APIStatusError


def error_for(response: httpx.Response, body: object) -> APIStatusError | APIResponseValidationError:
    """The exception for an answer that is not a documented success; `body` as APIStatusError.body."""
    if response.is_success:
        return APIResponseValidationError(response, "the spec documents no answer with this status")
    return status_error_class(response.status_code)(response, body)


def connection_error(error: httpx.RequestError) -> APIConnectionError:
    """The exception for a request that got no answer."""
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # raised before a request was built
        request = None
    kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return kind(request, error)


def _where(request: httpx.Request | None) -> tuple[str, str, str]:
    if request is None:
        return "?", "?", "?"
    return request.method, str(request.url), request.url.path


def _status(status_code: int) -> str:
    try:
        return f"{status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        return str(status_code)


def _detail(body: object) -> str:
    # Error bodies carry `detail`: a text, or a list of per-field items with `loc` and `msg`.
    if isinstance(body, str):
        text = " ".join(body.split())
        return text if len(text) <= MAX_TEXT_IN_MESSAGE else text[:MAX_TEXT_IN_MESSAGE] + "..."
    detail: Any = getattr(body, "detail", None)
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        return "; ".join(_field_error(item) for item in detail)
    return ""


def _field_error(item: object) -> str:
    location: Any = getattr(item, "loc", None)
    where = ".".join(str(part) for part in location) if isinstance(location, list) else ""
    message = str(getattr(item, "msg", item))
    return f"{where}: {message}" if where else message


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "BolnaAPIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "UnexpectedStatus",
    "connection_error",
    "error_for",
    "status_error_class",
]
