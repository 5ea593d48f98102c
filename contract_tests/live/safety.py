"""What keeps a run from touching anything on the account that is not its own.

`TrunkLedger` remembers which trunks this run created (or was given), the names it chose and
the secrets it sent. `SafetyTransport` checks every request against it before it is sent and
refuses the rest: fuzzers follow links and list results, so nothing here trusts them.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import httpx

from contract_tests.findings.findings import Exchange
from contract_tests.live.lease import Lease
from contract_tests.live.transports import (
    GATEWAY_STATUSES,
    RetryLog,
    an_earlier_attempt_may_have_acted,
    connection_failure,
)
from contract_tests.observers.edge import RECOVERED
from contract_tests.values.spec import schema_validator

TRUNKS_PATH = "/sip-trunks/trunks"
NAME_PREFIX = "contract-test-"
KEPT_PREFIX = "contract-kept-"
RESTORE = "contract-restore"  # request extension: a restore of the existing trunk, sent as is
CLEAN_UP = "contract-clean-up"  # request extension: part of the clean-up, sent even after a stop
LEASE = "contract-lease"  # request extension: takes, renews or ends the run's lease (lease.py), sent as is
HARMLESS_GATEWAY = "sip.invalid"
DOCUMENTATION_CIDR = "192.0.2.0/24"  # RFC 5737: appears in allowlists, reaches no one
# RFC 5737 documentation ranges: never routed, so a gateway there reaches no one.
_TEST_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
_TRUNK_PATH = re.compile(r"^/sip-trunks/trunks/(?P<trunk>[^/]+)(?P<rest>/.*)?\Z")
_NUMBERS_PATH = re.compile(r"^/sip-trunks/trunks/[^/]+/numbers\Z")
_ONE_NUMBER = re.compile(r"^/numbers/(?P<number>[^/]+)\Z")  # the `rest` of a trunk path
# A create whose answer is lost is looked up, then sent again if absent: this many sends at most.
CREATE_ATTEMPTS = 3


ResponseObserver = Callable[[str, str, int, object], None]  # method, path, status, JSON body
AnswerObserver = Callable[[str, str, httpx.Response, object], None]  # method, path, answer, JSON body


class RunInterrupted(KeyboardInterrupt):
    """A stop was asked for (Ctrl-C, SIGTERM): no new request leaves, the clean-up follows."""


class RunStoodDown(RunInterrupted):
    """Someone else deleted a trunk this run works on, or its lease: the run cannot judge the API."""


class UnsafeRequestRefused(Exception):
    """The suite tried to change something it does not own: a defect of the suite, not drift."""


@dataclass
class TrunkLedger:
    """The trunks this run may change, the names it picked and the secrets it must never show."""

    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    given_trunk: str | None = None
    holds_given: bool = False  # the given trunk was found and recorded: from then on it must stay
    recorded: set[str] = field(default_factory=set)  # trunks a restore record names: restores only
    created: list[str] = field(default_factory=list)
    numbers_added: set[str] = field(default_factory=set)  # ids of the phone numbers this run added
    numbers_deleted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)
    leaks: list[str] = field(default_factory=list)
    lease: Lease | None = None  # on a live account: what tells other runs this one is running
    stood_down: str | None = None  # why the run stopped: what someone else did to it, one line
    stop_requested: threading.Event = field(default_factory=threading.Event)
    exchanges: deque[Exchange] = field(default_factory=lambda: deque(maxlen=50))
    exchange_count: int = 0
    _secrets: set[str] = field(default_factory=set)
    _names: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def name_prefix(self) -> str:
        # `make contract-cleanup` deletes whatever carries NAME_PREFIX, so an existing trunk
        # (BOLNA_TRUNK_ID) must never be renamed with it, even for a moment.
        return f"{NAME_PREFIX}{self.run_id}" if self.given_trunk is None else f"{KEPT_PREFIX}{self.run_id}"

    @property
    def may_create(self) -> bool:
        return self.given_trunk is None

    def next_name(self) -> str:
        with self._lock:
            self._names += 1
            return f"{self.name_prefix}-{self._names}"

    def new_password(self) -> str:
        password = f"ctpw-{secrets.token_hex(12)}"
        self.add_secret(password)
        return password

    def add_secret(self, value: str) -> None:
        with self._lock:
            self._secrets.add(value)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def record_created(self, trunk_id: str) -> None:
        with self._lock:
            if trunk_id not in self.created:
                self.created.append(trunk_id)

    def owns(self, trunk_id: str) -> bool:
        return trunk_id in self.created or trunk_id == self.given_trunk

    def may_delete(self, trunk_id: str) -> bool:
        return trunk_id in self.created or trunk_id in self.absent

    def may_change(self, trunk_id: str) -> bool:
        return self.owns(trunk_id) or trunk_id in self.absent

    def made_up_absent_id(self) -> str:
        """An id this run invented; PATCH/DELETE may target it to see the 404."""
        trunk_id = f"{self.name_prefix}-missing-{secrets.token_hex(6)}"
        self.absent.add(trunk_id)
        return trunk_id

    def undeleted(self) -> list[str]:
        return [trunk for trunk in self.created if trunk not in self.deleted]

    def in_use(self, trunk_id: str) -> bool:
        """A trunk this run works on and has not deleted itself: it must still be there."""
        if trunk_id == self.given_trunk:
            return self.holds_given
        return trunk_id in self.created and trunk_id not in self.deleted

    def stand_down(self, why: str) -> RunStoodDown:
        self.stood_down = self.stood_down or why
        self.stop_requested.set()
        return RunStoodDown(why)


class SafetyTransport(httpx.BaseTransport):
    """Refuses unsafe requests, keeps created trunks harmless and findable, watches for secrets."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        ledger: TrunkLedger,
        observers: Sequence[ResponseObserver] = (),
        answer_observers: Sequence[AnswerObserver] = (),
        retry_log: RetryLog | None = None,
    ) -> None:
        self._inner = inner
        self.retry_log = RetryLog() if retry_log is None else retry_log
        self.ledger = ledger
        self._observers = list(observers)
        self._answer_observers = list(answer_observers)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.ledger.stop_requested.is_set() and not request.extensions.get(CLEAN_UP):
            raise RunInterrupted()
        path = request.url.path
        method = request.method
        if request.extensions.get(LEASE):
            return self._send_lease_request(method, path, request)
        if not request.extensions.get(CLEAN_UP):
            self._renew_lease(request)
        self._refuse_unless_allowed(method, path, request)
        request = self._made_harmless(method, path, request)
        if method == "POST" and (path == TRUNKS_PATH or _NUMBERS_PATH.match(path)):
            response = self._create(request)
        else:
            response = self._inner.handle_request(request)
            if method == "DELETE" and response.status_code == 404 and self._already_deleted(request, response):
                response.close()
                message = "deleted by an earlier attempt, whose answer was lost on the way"
                response = httpx.Response(200, json={"message": message}, headers={RECOVERED: "gone"})
        response.read()
        response.request = request  # the observers tell a request without the run's token by it
        self._observe(method, path, request, response)
        self._stand_down_if_gone(method, path, request, response)
        return response

    # -- the lease (lease.py) -------------------------------------------------------------------
    def _send_lease_request(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        """Only the run's own marker: made, renewed, read or deleted; nothing else rides on it."""
        lease = self.ledger.lease
        match = _TRUNK_PATH.match(path)
        trunk = match["trunk"] if match is not None and not match["rest"] else None
        own_marker = lease is not None and trunk is not None and trunk == lease.marker_id
        own_marker |= lease is not None and method == "DELETE" and trunk in lease.lapsed
        if method == "POST" and path == TRUNKS_PATH:
            response = self._create(request)
        elif (method == "GET" and path == TRUNKS_PATH) or own_marker:
            response = self._inner.handle_request(request)
        else:
            raise UnsafeRequestRefused(f"refused {method} {path}: the suite sends a lease request for another trunk")
        response.read()
        return response

    def _renew_lease(self, request: httpx.Request) -> None:
        """Before a request, once a third of the lease has passed: move its end on."""
        lease = self.ledger.lease
        if lease is None or not lease.due():
            return
        until = lease.next_until()
        renewal = httpx.Request(
            "PATCH",
            request.url.copy_with(path=f"{TRUNKS_PATH}/{lease.marker_id}", query=None),
            headers={"Authorization": lease.authorization},
            json={"name": lease.name(until)},
            extensions={key: value for key, value in request.extensions.items() if key == "timeout"} | {LEASE: True},
        )
        try:
            response = self._send_lease_request("PATCH", renewal.url.path, renewal)
        except httpx.TransportError:
            return  # the next request tries again; the lease still has two thirds to run
        if response.status_code == 200:
            lease.until = until
        elif response.status_code == 404:
            raise self.ledger.stand_down(
                f"someone deleted this run's lease marker {lease.name(lease.until)} (`cleanup --force`?); "
                "stopped, since other runs no longer see this one"
            )

    def _stand_down_if_gone(self, method: str, path: str, request: httpx.Request, response: httpx.Response) -> None:
        """A 404 for a trunk this run works on: if the list no longer has it either, someone else
        deleted it, which says nothing about the API; if the list has it, the 404 is the API's."""
        match = _TRUNK_PATH.match(path)
        if self.ledger.lease is None or response.status_code != 404 or match is None:
            return  # without a lease the target is the embedded mock, which no one else uses
        trunk = match["trunk"]
        if not self.ledger.in_use(trunk) or match["rest"] not in (None, "/numbers"):
            return
        if method == "DELETE" and not match["rest"]:
            return  # the run deleting its own trunk twice (a lost answer, retried)
        lookup = httpx.Request(
            "GET",
            request.url.copy_with(path=TRUNKS_PATH, query=None),
            headers={"Authorization": self.ledger.lease.authorization},
            extensions={key: value for key, value in request.extensions.items() if key == "timeout"},
        )
        listed = self._inner.handle_request(lookup)
        listed.read()
        items = _json_any(listed.content)
        if listed.status_code != 200 or not isinstance(items, list):
            return
        if any(isinstance(item, dict) and item.get("id") == trunk for item in items):
            return
        self.ledger.deleted.add(trunk)
        whose = "the existing trunk BOLNA_TRUNK_ID" if trunk == self.ledger.given_trunk else "this run's trunk"
        raise self.ledger.stand_down(
            f"someone else deleted {whose} {trunk} during the run (`cleanup --force`, the console?); "
            "stopped without judging the API"
        )

    # -- before sending -------------------------------------------------------------------
    def _refuse_unless_allowed(self, method: str, path: str, request: httpx.Request) -> None:
        if method in ("GET", "HEAD", "OPTIONS"):
            match = _TRUNK_PATH.match(path)
            if match and match["rest"] and not self.ledger.may_change(match["trunk"]):
                self._refuse(request, "reads numbers of a trunk this run does not own")
            return
        if path.rstrip("/") == TRUNKS_PATH:
            if method != "POST":
                self._refuse(request, f"sends {method} to the whole trunk collection")
            if not self.ledger.may_create:
                self._refuse(request, "creates a trunk, but this run works on an existing trunk")
            return
        match = _TRUNK_PATH.match(path)
        if match is None:
            return  # not a trunk resource: nothing on the account to protect
        trunk = match["trunk"]
        if method == "PATCH" and not match["rest"] and request.extensions.get(RESTORE):
            if not (trunk == self.ledger.given_trunk or trunk in self.ledger.recorded):
                self._refuse(request, "restores a trunk that neither this run nor a restore record names")
            if _sends_credentials(request):
                self._refuse(request, "restores credentials, which a record never holds")
            return
        if method == "DELETE" and not match["rest"]:
            if not self.ledger.may_delete(trunk):
                self._refuse(request, "deletes a trunk this run did not create")
        elif not self.ledger.may_change(trunk):
            self._refuse(request, "changes a trunk this run neither created nor was given")
        elif method in ("POST", "DELETE") and match["rest"] and trunk == self.ledger.given_trunk:
            self._refuse(request, "adds or removes a number of the existing trunk, which this run must not change")
        elif trunk == self.ledger.given_trunk and _sends_credentials(request):
            self._refuse(request, "sends credentials to the existing trunk, which could not be restored")
        elif trunk == self.ledger.given_trunk and _names_for_cleanup(request):
            self._refuse(request, f"names the existing trunk {NAME_PREFIX}*, which contract-cleanup would delete")

    def _refuse(self, request: httpx.Request, why: str) -> None:
        raise UnsafeRequestRefused(f"refused {request.method} {request.url.path}: the suite {why}")

    def _made_harmless(self, method: str, path: str, request: httpx.Request) -> httpx.Request:
        """Same request, with a findable name, a gateway that reaches no one, a known password."""
        if request.extensions.get(RESTORE):
            return request  # the existing trunk's own values, put back as they were
        body = _json_any(request.content) if request.content else None
        if not isinstance(body, (dict, list)):
            return request
        # Any method, not only POST and PATCH: Schemathesis also sends the body with undeclared
        # methods. Passwords at any depth and path: every one that leaves must be one the run
        # knows, and so scrubs from what it writes.
        changed = self._known_passwords(body)
        trunk_body = path.startswith(TRUNKS_PATH) and not path.endswith("/numbers")
        if trunk_body and isinstance(changed, dict):
            name = changed.get("name")
            if _storable(name, "TrunkName") and not name.startswith(self.ledger.name_prefix):
                changed["name"] = self.ledger.next_name()
            if isinstance(changed.get("gateways"), list):
                changed["gateways"] = [_harmless_gateway(gateway) for gateway in changed["gateways"]]
        if changed == body:
            return request
        content = json.dumps(changed).encode()
        headers = httpx.Headers(request.headers)
        headers["Content-Length"] = str(len(content))
        return httpx.Request(method, request.url, headers=headers, content=content, extensions=request.extensions)

    def _known_passwords(self, node: Any) -> Any:
        """`node` with every storable `auth_password` the run did not make up replaced by one it did."""
        if isinstance(node, list):
            return [self._known_passwords(item) for item in node]
        if not isinstance(node, dict):
            return node
        copy = {key: self._known_passwords(value) for key, value in node.items()}
        password = copy.get("auth_password")
        if _storable(password, "Credential") and password not in self.ledger.secrets:
            copy["auth_password"] = self.ledger.new_password()
        return copy

    # -- sending a create ---------------------------------------------------------------------
    def _create(self, request: httpx.Request) -> httpx.Response:
        reasons: list[str] = []
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            last = attempt == CREATE_ATTEMPTS
            try:
                response = self._inner.handle_request(request)
            except httpx.ConnectError as error:
                self.retry_log.ended([*reasons, connection_failure(error)], cleared=False)
                raise  # never reached the server: nothing was created
            except httpx.TransportError as error:
                if last:
                    self.retry_log.ended([*reasons, connection_failure(error)], cleared=False)
                    raise
                reasons.append(connection_failure(error))
            else:
                if response.status_code not in GATEWAY_STATUSES or last:
                    failed = response.status_code in GATEWAY_STATUSES
                    self.retry_log.ended(
                        [*reasons, str(response.status_code)] if failed else reasons, cleared=not failed
                    )
                    return response
                # A gateway failed on the way: the API may or may not have acted.
                response.read()
                response.close()
                reasons.append(str(response.status_code))
            # The answer was lost; the trunk (or number) may exist. Find it rather than
            # creating a second one; if it is not there, the request never took effect.
            found = self._find_created(request)
            if found is not None:
                self.retry_log.ended(reasons, cleared=True)
                return httpx.Response(201, json=found, headers={RECOVERED: "found"})
            self.retry_log.retried()
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_created(self, request: httpx.Request) -> dict[str, Any] | None:
        """What the lost create made: the item of the collection it went to with its unique
        name (a trunk) or number (active on one trunk at most), unless this run knew it before:
        a check may send a duplicate on purpose and expect the 409.
        """
        key = "name" if request.url.path == TRUNKS_PATH else "phone_number"
        value = (_json_object(request.content) or {}).get(key)
        if not isinstance(value, str):
            return None
        known = {*self.ledger.created, *self.ledger.numbers_added}
        response = self._look_up(request, request.url.path)
        items = _json_any(response.content)
        if response.status_code != 200 or not isinstance(items, list):
            return None
        for item in items:
            if isinstance(item, dict) and item.get(key) == value and item.get("id") not in known:
                return item
        return None

    # -- sending a delete ---------------------------------------------------------------------
    def _already_deleted(self, request: httpx.Request, response: httpx.Response) -> bool:
        """Whether a DELETE's 404 is the doing of an earlier attempt of it, whose answer a gateway
        or a reset lost: it may have acted, this run knew the trunk (or number) existed, and a
        look-up finds it gone. Without all three the 404 is the API's answer to judge.
        """
        match = _TRUNK_PATH.match(request.url.path)
        if match is None or not an_earlier_attempt_may_have_acted(response):
            return False
        trunk = match["trunk"]
        if trunk not in self.ledger.undeleted():
            return False
        if not match["rest"]:
            return self._look_up(request, request.url.path).status_code == 404
        number = _ONE_NUMBER.match(match["rest"])
        if number is None or number["number"] not in self.ledger.numbers_added - self.ledger.numbers_deleted:
            return False
        listed = self._look_up(request, f"{TRUNKS_PATH}/{trunk}/numbers")
        items = _json_any(listed.content)
        return (
            listed.status_code == 200
            and isinstance(items, list)
            and not any(isinstance(item, dict) and item.get("id") == number["number"] for item in items)
        )

    def _look_up(self, request: httpx.Request, path: str) -> httpx.Response:
        """A GET of `path`, with the request's token and timeouts, past the safety checks."""
        # The request's body headers would announce a body the GET does not have (h11 refuses
        # to send it); its extensions carry the timeouts.
        headers = httpx.Headers(request.headers)
        for body_header in ("Content-Length", "Content-Type"):
            headers.pop(body_header, None)
        url = request.url.copy_with(path=path, query=None)
        response = self._inner.handle_request(httpx.Request("GET", url, headers=headers, extensions=request.extensions))
        response.read()
        response.close()
        return response

    # -- after the answer ---------------------------------------------------------------------
    def _observe(self, method: str, path: str, request: httpx.Request, response: httpx.Response) -> None:
        self.ledger.exchanges.append(
            Exchange(
                method,
                str(request.url),
                request.content,
                response.status_code,
                response.content,
                request.headers.get("Authorization"),
            )
        )
        self.ledger.exchange_count += 1
        created = method == "POST" and 200 <= response.status_code < 300 and not request.extensions.get(LEASE)
        body = _json_any(response.content)
        if created and isinstance(body, dict) and isinstance(body.get("id"), str):
            if path == TRUNKS_PATH:
                self.ledger.record_created(body["id"])
            elif _NUMBERS_PATH.match(path):
                self.ledger.numbers_added.add(body["id"])
        match = _TRUNK_PATH.match(path)
        if method == "DELETE" and match and response.status_code == 200:
            number = _ONE_NUMBER.match(match["rest"] or "")
            if not match["rest"]:
                self.ledger.deleted.add(match["trunk"])
            elif number:
                self.ledger.numbers_deleted.add(number["number"])
        self._watch_for_secrets(method, path, response, body)
        for observer in self._observers:
            observer(method, path, response.status_code, body)
        for answer_observer in self._answer_observers:
            answer_observer(method, path, response, body)

    def _watch_for_secrets(self, method: str, path: str, response: httpx.Response, body: object) -> None:
        text = response.content.decode("utf-8", "replace")
        leaked = sorted(secret for secret in self.ledger.secrets if secret and secret in text)
        if _has_key(body, "auth_password"):
            leaked.append("the key auth_password")
        if leaked:
            what = "a secret the suite sent" if any(s != "the key auth_password" for s in leaked) else leaked[0]
            self.ledger.leaks.append(f"{method} {path} answered {response.status_code} containing {what}")


def _sends_credentials(request: httpx.Request) -> bool:
    body = _json_object(request.content)
    return body is not None and ("auth_password" in body or "auth_username" in body)


def _names_for_cleanup(request: httpx.Request) -> bool:
    name = (_json_object(request.content) or {}).get("name")
    return isinstance(name, str) and name.startswith(NAME_PREFIX)


def _harmless_gateway(gateway: object) -> object:
    if not isinstance(gateway, dict):
        return gateway
    address = gateway.get("gateway_address")
    if not _storable(address, "GatewayAddress") or _is_harmless(address):
        return gateway
    return {**gateway, "gateway_address": HARMLESS_GATEWAY}


def _is_harmless(address: str) -> bool:
    if address.lower().rstrip(".").endswith(".invalid") or address.lower() == "invalid":
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _TEST_NETS)


def _storable(value: object, schema: str) -> TypeGuard[str]:
    """Whether `value` is a string the spec's schema `schema` accepts, so the API would store it."""
    if not isinstance(value, str):
        return False
    try:
        return bool(schema_validator(schema).is_valid(value))
    except ValueError:  # a string JSON cannot carry (a lone surrogate): no API stores it
        return False


def _json_any(content: bytes) -> object:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


def _json_object(content: bytes) -> dict[str, Any] | None:
    body = _json_any(content) if content else None
    return body if isinstance(body, dict) else None


def _has_key(node: object, key: str) -> bool:
    if isinstance(node, dict):
        return key in node or any(_has_key(value, key) for value in node.values())
    if isinstance(node, list):
        return any(_has_key(item, key) for item in node)
    return False
