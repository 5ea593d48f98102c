"""The mock as a Starlette app: routes -> checks in the contract's order -> store -> JSON replies."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mock_api.exchange import ApiError, Call, Operation, Reply
from mock_api.handlers import HANDLERS
from mock_api.hooks import CONTRACT, Scenario
from mock_api.knobs import Knobs
from mock_api.request_body import read_json_body
from mock_api.scenarios import get_scenario
from mock_api.spec import MockSpec, mock_spec
from mock_api.validation import Fields, check_body

log = logging.getLogger(__name__)

# Every path of the contract and the methods it serves there; any other method answers 405.
RESOURCES: Mapping[str, Mapping[str, Operation]] = {
    "/sip-trunks/trunks": {"GET": Operation.LIST_TRUNKS, "POST": Operation.CREATE_TRUNK},
    "/sip-trunks/trunks/{trunk_id}": {
        "GET": Operation.GET_TRUNK,
        "PATCH": Operation.UPDATE_TRUNK,
        "DELETE": Operation.DELETE_TRUNK,
    },
    "/sip-trunks/trunks/{trunk_id}/numbers": {"GET": Operation.LIST_NUMBERS, "POST": Operation.ADD_NUMBER},
    "/sip-trunks/trunks/{trunk_id}/numbers/{phone_number_id}": {"DELETE": Operation.DELETE_NUMBER},
}


def render(reply: Reply) -> Response:
    if isinstance(reply.content, str) and not reply.media_type.endswith("json"):
        body = reply.content.encode()
    else:
        # ASCII escapes keep any string a client sent (even a lone surrogate) encodable.
        body = json.dumps(reply.content, ensure_ascii=True).encode()
    return Response(body, status_code=reply.status, headers=reply.headers, media_type=reply.media_type)


class MockApi:
    """One mock instance: its token, its scenario, and its own fresh store."""

    def __init__(self, token: str, scenario: Scenario, spec: MockSpec) -> None:
        self.token = token
        self.scenario = scenario
        self.spec = spec
        self.bodies = scenario.loosen_bodies(spec.bodies)
        self.store = scenario.store()
        self.store.patch_rules = spec.patch_rules

    async def answer(self, request: Request, operation: Operation) -> Reply:
        call = Call(
            operation=operation,
            method=request.method,
            path_params={name: str(value) for name, value in request.path_params.items()},
            query={name: request.query_params.getlist(name) for name in request.query_params},
            authorization=request.headers.get("authorization"),
        )
        try:
            reply = await self._checked(call, request)
        except ApiError as error:
            reply = error.reply()
        except Exception:
            # Whatever goes wrong inside, the client gets a JSON 500, never a dropped connection.
            log.exception("mock failed on %s %s", request.method, request.url.path)
            reply = Reply(500, {"detail": "Internal Server Error"})
        # Documented keys the mock does not model (added to the spec) are filled before a drift
        # scenario bends the answer, so a scenario that drops a key still drops it.
        reply.content = self.spec.texts.rendered(operation.value, reply.status, reply.content)
        reply.content = self.spec.ordered(operation, reply.status, reply.content)
        reply.content = self.spec.complete(operation, reply.status, reply.content)
        return self.scenario.respond(call, reply)

    async def _checked(self, call: Call, request: Request) -> Reply:
        # The contract's order of checks: token, body, lookup, rules (the store does the last two).
        if not self._authorized(call) and not self.scenario.waive_auth(call):
            raise ApiError(self.spec.auth_status, "Invalid or missing bearer token", {"WWW-Authenticate": "Bearer"})
        self.scenario.before_body(call, self.store)
        checks: Fields | None = self.bodies.get(call.operation)
        if checks is not None:
            call.checks = checks
            call.body = await read_json_body(request)
            cleaned, errors = check_body(checks, call.body)
            if errors:
                self.scenario.on_invalid_body(call, self.store)
                raise ApiError(422, errors)
            call.body = cleaned
        self.scenario.before_store(call, self.store)
        return HANDLERS[call.operation](call, self.store)

    def _authorized(self, call: Call) -> bool:
        scheme, _, token = (call.authorization or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), self.token.encode())


class Resource:
    """The ASGI endpoint of one path: dispatches by method, and answers 405 with `Allow` otherwise."""

    def __init__(self, api: MockApi, methods: Mapping[str, Operation]) -> None:
        self.api = api
        self.methods = methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        operation = self.methods.get(request.method)
        if operation is None:
            allow = ", ".join(self.methods)
            reply = Reply(405, {"detail": "Method Not Allowed"}, {"Allow": allow})
            reply = self.api.scenario.respond(None, reply)
        else:
            reply = await self.api.answer(request, operation)
        await render(reply)(scope, receive, send)


def create_app(
    token: str = "dev-token",
    scenario: str | None = None,
    rate_limit_every: int | None = None,
    latency: float = 0.0,
    retry_after: int = 1,
    spec: Path | str | None = None,
    compress: str | None = None,
    edge_errors: float = 0.0,
) -> Starlette:
    """A fresh mock with its own empty store.

    `scenario` names a drift from `mock_api.scenarios`; `spec` is the OpenAPI document whose
    request schemas and response keys the mock follows (default: the repository's openapi.yaml).
    A spec the mock cannot act on raises `SpecError`, naming the place. `compress` ("gzip",
    "deflate", "br" or "zstd") compresses every answer whose request accepts it; `edge_errors` (a fraction) answers
    that share of requests with an edge's HTML 502/504/503 before they reach the API.
    """
    chosen = CONTRACT if scenario is None else get_scenario(scenario)
    api = MockApi(token, chosen, mock_spec(spec, RESOURCES))

    async def unknown_path(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        reply = Reply(status, {"detail": "Not Found" if status == 404 else "Request failed"}, headers)
        return render(api.scenario.respond(None, reply))

    app = Starlette(
        routes=[Route(path, endpoint=Resource(api, methods)) for path, methods in RESOURCES.items()],
        middleware=[
            Middleware(
                Knobs,
                rate_limit_every=rate_limit_every,
                latency=latency,
                retry_after=retry_after,
                compress=compress,
                edge_errors=edge_errors,
            )
        ],
        exception_handlers={HTTPException: unknown_path},
    )
    # `/sip-trunks/trunks/` is an unknown path (404), not a redirect to `/sip-trunks/trunks`.
    app.router.redirect_slashes = False
    # For tests that look inside: `app.state.mock.store` holds the trunks and numbers.
    app.state.mock = api
    return app
