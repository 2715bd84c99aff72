"""What both carrier stand-ins share: a guarded HTTP server on this machine, faults, a request log.

A stand-in runs inside a running loop (`start`/`stop`) or on its own loop thread (`start_in_thread`/
`stop_thread`), like the LiveKit sandbox, and faces misbehaving clients the same way
(docs/sandbox.md, "Limits and timeouts"), per request in this order:

1. the connection must deliver a complete request head within `header_timeout` (http_guard.py);
   a kept-alive connection is closed after `idle_timeout` without one;
2. a declared body over `max_body_bytes` → HTTP 413 with the carrier's error body, unread;
3. routing (routing.py): an unknown path → the carrier's 404, a known path with another method → 405;
4. the carrier's authentication (`authorized`): a refusal is counted, never logged or faulted;
5. the request log, latency and a queued fault ("error" → the carrier's refusal body, "5xx" → its
   server-error body, "drop" → the connection closed, "timeout" → the request is read, held for
   `seconds` (or until `faults.release_hangs()`), then applied as usual);
6. the body, read with the same cap counted while reading and within `body_timeout`; the subclass
   then parses it (`answer`), with its own depth guard for JSON.

What a client does (disconnecting, half a head or body, garbage) is at most one DEBUG line on the
`phonewizard.sandbox.http` logger; only a bug in a stand-in is logged with a traceback (and
answered with the carrier's 500 body). Every operation is logged by name in `log`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import threading
from typing import Iterable

from aiohttp import web

from phonewizard.sandbox.faults import Faults, RequestLog
from phonewizard.sandbox.http_guard import LOGGER_NAME, BodyTimeout, BodyTooLarge, ClientGone, GuardedServer, read_body, serve_guarded
from phonewizard.sandbox.carriers.routing import Call, Route, Router
from phonewizard.sandbox.loop_thread import start_loop_thread, stop_loop_thread

logger = logging.getLogger(__name__)
client_log = logging.getLogger(LOGGER_NAME)

MAX_BODY_BYTES = 1024 * 1024  # aiohttp's own default; a real request to these APIs is under 2 KiB
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
IDLE_TIMEOUT = 75.0


class StandIn:
    """Subclasses give `route_table()`, `authorized(headers)`, `answer(route, call)` (parse the body,
    run the handler) and `refuse(status, message)` (the carrier's error body for that status)."""

    label = "carrier"

    def __init__(self, operations: Iterable[str], *, host: str = "127.0.0.1", port: int = 0,
                 max_body_bytes: int = MAX_BODY_BYTES, header_timeout: float = HEADER_TIMEOUT,
                 body_timeout: float = BODY_TIMEOUT, idle_timeout: float = IDLE_TIMEOUT, seed: int | None = None) -> None:
        self.host, self.port = host, port
        # IDs are random; with a seed they repeat run after run (the documentation's screenshots).
        self._random = random.Random(seed) if seed is not None else None
        self.max_body_bytes, self.header_timeout = max_body_bytes, header_timeout
        self.body_timeout, self.idle_timeout = body_timeout, idle_timeout
        self.faults = Faults(operations)
        self.log = RequestLog()
        self.lock = threading.Lock()  # tests read the state from another thread
        self._router: Router | None = None
        self._server: GuardedServer | None = None
        self._runner: web.ServerRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    def random_hex(self, nbytes: int) -> str:
        return secrets.token_hex(nbytes) if self._random is None else self._random.randbytes(nbytes).hex()

    def random_below(self, limit: int) -> int:
        return secrets.randbelow(limit) if self._random is None else self._random.randrange(limit)

    # ---- what a subclass provides -----------------------------------------------------------
    def route_table(self) -> list[Route]:  # pragma: no cover - abstract
        raise NotImplementedError

    def authorized(self, headers) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    async def answer(self, route: Route, call: Call) -> web.StreamResponse:  # pragma: no cover - abstract
        raise NotImplementedError

    def refuse(self, status: int, message: str) -> web.Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def fault_response(self, kind: str, message: str) -> web.Response:
        return self.refuse(500, "Internal Server Error") if kind == "5xx" else self.refuse(400, message)

    # ---- one request ------------------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        assert self._server is not None and self._router is not None
        self._server.request_started(request.protocol)
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            self.log.reject()
            return _closing(self.refuse(413, "Request body too large"))
        found = self._router.match(request.method, request.path)
        if found is None:
            self.log.reject()
            if self._router.known_path(request.path):
                return self.refuse(405, f"Method {request.method} not allowed for {request.path}")
            return self.refuse(404, f"The requested resource {request.path} was not found")
        route, params = found
        if not self.authorized(request.headers):
            self.log.reject()
            return self.refuse(401, "Authenticate")
        ticket = self.log.enter(route.name)
        try:
            return await self._serve(request, route, params)
        except ClientGone as exc:
            client_log.debug("client %s went away while sending %s: %s", request.remote, request.path, exc)
            return web.Response(status=400)  # written to a closed connection: nobody reads it
        except Exception:  # a stand-in bug: still the carrier's format, never aiohttp's HTML page
            logger.exception("%s stand-in failed on %s %s", self.label, request.method, request.path)
            return self.refuse(500, "Internal Server Error")
        finally:
            self.log.leave(ticket)

    async def _serve(self, request: web.BaseRequest, route: Route, params: dict[str, str]) -> web.StreamResponse:
        latency = self.faults.latency
        if latency:
            await asyncio.sleep(latency)
            if _gone(request):
                client_log.debug("client %s went away during %g s of injected latency before %s",
                                 request.remote, latency, route.name)
        fault = self.faults.take(route.name)
        if fault is not None and fault.kind in ("error", "5xx"):
            return self.fault_response(fault.kind, fault.msg)
        if fault is not None and fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=200)
        try:
            body = await read_body(request, self.max_body_bytes, self.body_timeout)
        except BodyTooLarge:
            return _closing(self.refuse(413, "Request body too large"))
        except BodyTimeout:
            client_log.debug("client %s sent half a body to %s; gave up after %g s",
                             request.remote, request.path, self.body_timeout)
            return _closing(self.refuse(408, "The request body did not arrive in time"))
        if fault is not None:  # "timeout": answer late, and apply the request all the same
            await self.faults.hang(fault.seconds)
            if _gone(request):
                client_log.debug("client %s gave up during a %g s timeout fault on %s; applying it anyway",
                                 request.remote, fault.seconds, route.name)
        return await self.answer(route, Call(request, params, body))

    # ---- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        self._router = Router(self.route_table())
        self._server, self._runner, self.port = await serve_guarded(
            self._handle, self.host, self.port, header_timeout=self.header_timeout, idle_timeout=self.idle_timeout)
        self.url = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self):
        self._thread, self._loop = start_loop_thread(self.start, self.stop, f"{self.label}-stand-in")
        return self

    def stop_thread(self) -> None:
        if self._thread is None or self._loop is None:
            return
        stop_loop_thread(self._thread, self._loop)
        self._thread = self._loop = None


def _gone(request: web.BaseRequest) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _closing(response: web.Response) -> web.Response:
    response.force_close()  # the rest of the body is unread: this connection cannot carry another
    return response
