"""The sandbox HTTP server: LiveKit's middleware order and Twirp's wire format, on aiohttp.

Per request, in the order livekit-server works (``pkg/service/server.go``: body limiter → API-key
auth → mux → twirp), with the sandbox's own log and faults placed after authentication:

1. the connection must have sent its request head within ``header_timeout`` (http_guard.py);
2. a declared body over ``max_body_bytes`` → HTTP 413 ``request body too large`` (plain text),
   nothing of it read;
3. the token (``Authorization: Bearer …``, else ``?access_token=``) → a bad one is a plain-text 401;
4. only now, with a valid token, is the request logged and do latency and faults apply;
5. ``/`` is the health check, other non-Twirp paths are Go's plain 404;
6. Twirp routing and body decoding (twirp.py); the body is read with the same cap (chunked or lying
   lengths → ``malformed``) and within ``body_timeout`` (→ ``deadline_exceeded``);
7. the ``sip.admin`` grant, then the method.

What a client does (disconnecting during latency, half a body, garbage) never prints a traceback:
it is one DEBUG line on the ``phonewizard.sandbox.http`` logger. ``SandboxServer`` runs either
inside a running loop (``start``/``stop``) or on its own loop thread
(``start_in_thread``/``stop_thread``), which is what tests and ``phonewizard sandbox`` use.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from .auth import AuthRejected, authenticate, require_sip_admin, token_from
from .call_routes import METHODS as CALL_SERVICE_METHODS
from .call_routes import CallRoutes
from .errors import PlainError, TwirpError, bad_route
from .faults import DEFAULT_LOG_CAPACITY, Faults, RequestLog
from .http_guard import LOGGER_NAME, BodyTimeout, BodyTooLarge, ClientGone, GuardedServer, read_body, serve_guarded
from .loop_thread import start_loop_thread, stop_loop_thread
from .phone_number_service import PhoneNumberService
from .sip_service import SipService
from .store import Store
from . import twirp

logger = logging.getLogger(__name__)
client_log = logging.getLogger(LOGGER_NAME)

DEFAULT_PHONE_NUMBERS = ("+14155550100", "+14155550123")
DEFAULT_SIP_URI = "sip:sandbox.sip.phonewizard.invalid"
# livekit-server's default `limit.max_api_request_body_size` (pkg/config/config.go): 10 MiB.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
HEADER_TIMEOUT = 10.0  # seconds for a new connection to send its request head
BODY_TIMEOUT = 10.0  # seconds for the body to arrive once the head has
IDLE_TIMEOUT = 75.0  # seconds a kept-alive connection may wait for its next request
TOO_LARGE = "request body too large"  # ErrRequestBodyTooLarge


class SandboxStartError(OSError):
    """The server could not bind its port. ``strerror`` is the OS reason (as for any OSError);
    ``str()`` is the full sentence naming the address and what to do."""

    def __str__(self) -> str:
        return f"the sandbox cannot listen on {self.filename} ({self.strerror}); choose another port (0 picks a free one)"


class SandboxServer:
    def __init__(
        self,
        *,
        api_key: str = "devkey",
        api_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: Path | None = None,
        phone_numbers: Iterable[str] = DEFAULT_PHONE_NUMBERS,
        sip_uri: str = DEFAULT_SIP_URI,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        header_timeout: float = HEADER_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
        log_capacity: int = DEFAULT_LOG_CAPACITY,
    ) -> None:
        if not api_key:
            raise ValueError("api_key must not be empty")
        self.api_key = api_key
        # 32 random bytes → 43 url-safe characters; PyJWT wants HMAC keys of at least 32 bytes.
        self.api_secret = api_secret if api_secret else secrets.token_urlsafe(32)
        self.host = host
        self.port = port
        self.sip_uri = sip_uri
        self.store = Store(state_path, phone_numbers)
        self.faults = Faults([*twirp.method_names(), *CALL_SERVICE_METHODS])
        # Simulated calls, rooms and agent dispatch (call_routes.py): `calls.switches`, `calls.rooms`.
        self.calls = CallRoutes(self.store, lambda: self.url)
        self.log = RequestLog(log_capacity)
        self.max_body_bytes = max_body_bytes
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.idle_timeout = idle_timeout
        self._routes = twirp.routes(SipService(self.store), PhoneNumberService(self.store))
        self._server: GuardedServer | None = None
        self._runner: web.ServerRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    def __repr__(self) -> str:  # never show the secret
        return f"SandboxServer(url={self.url!r}, api_key={self.api_key!r})"

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        try:
            self._server, self._runner, self.port = await serve_guarded(
                self._handle, self.host, self.port, header_timeout=self.header_timeout,
                idle_timeout=self.idle_timeout)
        except OSError as e:
            reason = os.strerror(e.errno) if e.errno else (e.strerror or str(e))
            raise SandboxStartError(e.errno, reason, f"{self.host}:{self.port}") from None
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> "SandboxServer":
        self._thread, self._loop = start_loop_thread(self.start, self.stop, "sandbox-server")
        return self

    def stop_thread(self) -> None:
        if self._thread is None or self._loop is None:
            return
        stop_loop_thread(self._thread, self._loop)
        self._thread = None
        self._loop = None

    # ---- inspection ----------------------------------------------------------------------
    def snapshot(self) -> dict:
        return self.store.snapshot()

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    # ---- request handling ----------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        assert self._server is not None
        self._server.request_started(request.protocol)
        path = request.path
        if path.startswith("//"):
            path = path[1:]  # RemoveDoubleSlashes, LiveKit's first middleware after CORS
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            self.log.reject()
            response = web.Response(status=413, text=TOO_LARGE, content_type="text/plain")
            response.force_close()  # the body is never read; this connection cannot carry another
            return response
        try:
            claims = authenticate(token_from(request.headers, request.query), {self.api_key: self.api_secret})
        except AuthRejected as e:
            self.log.reject()
            return web.Response(status=401, text=str(e), content_type="text/plain")
        if claims is None:  # no token: LiveKit routes it, and the method refuses it (no grants)
            self.log.reject()
            return await self._route(request, path, None)
        method = path.rpartition("/")[2]
        route = self._routes.get(path)
        ticket = self.log.enter(route.method if route else path)
        try:
            return await self._with_faults(request, path, claims, route.method if route else method)
        finally:
            self.log.leave(ticket)

    async def _with_faults(self, request: web.BaseRequest, path: str, claims: dict, method: str):
        latency = self.faults.latency
        if latency:
            await asyncio.sleep(latency)
            if _gone(request):
                client_log.debug("client %s went away during %g s of injected latency before %s",
                                 request.remote, latency, method)
        fault = self.faults.take(method)
        if fault is None:
            return await self._route(request, path, claims)
        if fault.kind in ("error", "5xx"):
            return _error_response(TwirpError(fault.code, fault.msg))
        if fault.kind == "drop":
            # Close the socket under aiohttp; the response it then tries to write goes nowhere
            # and aiohttp treats that as an ordinary client disconnect.
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=200)
        return await self._route(request, path, claims, hang=fault.seconds)  # "timeout"

    async def _route(self, request: web.BaseRequest, path: str, claims: dict | None,
                     hang: float = 0.0) -> web.StreamResponse:
        if path == "/":
            return web.Response(text="OK")  # livekit-server's health check
        if not path.startswith((f"/twirp/{twirp.SIP_SERVICE}/", f"/twirp/{twirp.PHONE_SERVICE}/")) \
                and not self.calls.handles(path):
            # Outside the twirp services LiveKit's mux answers with Go's http.NotFound.
            return web.Response(status=404, text="404 page not found\n", content_type="text/plain")
        try:
            if request.method != "POST":
                raise bad_route(f'unsupported method "{request.method}" (only POST is allowed)', request.method, path)
            if self.calls.handles(path):  # CreateSIPParticipant, RoomService, AgentDispatchService
                async def read(req: web.BaseRequest, ctype: str) -> bytes:
                    body = await self._read(req, ctype)
                    if hang:
                        await self.faults.hang(hang)
                    return body
                return await self.calls.serve(request, path, claims, read)
            route = self._routes.get(path)
            if route is None:
                raise twirp.no_handler(request.method, path)
            ctype = twirp.content_type(request.headers)
            if ctype not in (twirp.PROTOBUF, twirp.JSON):
                raise twirp.bad_content_type(request.headers, request.method, path)
            body = await self._read(request, ctype)
            if hang:
                # The "timeout" fault: the request has arrived in full, the answer is late, and
                # the request is applied all the same (after the client may have given up).
                await self.faults.hang(hang)
                if _gone(request):
                    client_log.debug("client %s gave up during a %g s timeout fault on %s; applying it anyway",
                                     request.remote, hang, path)
            message = twirp.decode(body, ctype, route.request())
            if route.handler is None:
                raise TwirpError("unimplemented", twirp.NO_CALLS)
            require_sip_admin(claims)
            data, out_type = twirp.encode(route.handler(message), ctype)
            return web.Response(status=200, body=data, content_type=out_type)
        except ClientGone as e:
            client_log.debug("client %s went away while sending %s: %s", request.remote, path, e)
            return web.Response(status=400)  # written to a closed connection: nobody reads it
        except PlainError as e:
            return _error_response(e.as_twirp())
        except TwirpError as e:
            return _error_response(e)
        except Exception:  # a sandbox bug must still answer in twirp's format, not HTML
            logger.exception("sandbox failed on %s", path)
            return _error_response(TwirpError("internal", "sandbox internal error"))

    async def _read(self, request: web.BaseRequest, ctype: str) -> bytes:
        try:
            return await read_body(request, self.max_body_bytes, self.body_timeout)
        except BodyTooLarge:
            raise _closing(twirp.body_read_error(ctype)) from None
        except BodyTimeout:
            client_log.debug("client %s sent half a body to %s; gave up after %g s",
                             request.remote, request.path, self.body_timeout)
            raise _closing(TwirpError("deadline_exceeded", "failed to read request: deadline exceeded")) from None


def _gone(request: web.BaseRequest) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _closing(err: TwirpError) -> TwirpError:
    err.close_connection = True  # type: ignore[attr-defined] - the rest of the body is unread
    return err


def _error_response(err: TwirpError) -> web.Response:
    response = web.Response(status=err.status, body=err.body(), content_type="application/json")
    if getattr(err, "close_connection", False):
        response.force_close()
    return response
