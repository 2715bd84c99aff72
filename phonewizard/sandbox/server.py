"""The sandbox HTTP server: LiveKit's Twirp routing and wire format on aiohttp.

Per request, in the order the real server works: request log → injected latency/fault →
auth middleware (bad token = plain-text 401) → twirp routing (POST only, known service and
method, Content-Type) → body decoding → ``sip.admin`` grant → the method itself.
``SandboxServer`` runs either inside a running loop (``start``/``stop``) or on its own loop thread
(``start_in_thread``/``stop_thread``), which is what tests and the ``phonewizard sandbox`` command use.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from livekit.protocol import sip as sip_pb

from .auth import AuthRejected, authenticate, require_sip_admin
from .call_routes import METHODS as CALL_SERVICE_METHODS
from .call_routes import CallRoutes
from .errors import PlainError, TwirpError, bad_route
from .faults import Faults, RequestLog
from .phone_number_service import PhoneNumberService, from_json
from .sip_service import SipService
from .store import Store

logger = logging.getLogger(__name__)

DEFAULT_PHONE_NUMBERS = ("+14155550100", "+14155550123")
DEFAULT_SIP_URI = "sip:sandbox.sip.phonewizard.invalid"
SIP_SERVICE = "livekit.SIP"
PHONE_SERVICE = "livekit.PhoneNumberService"

# Method → request message class (livekit_sip.proto).
SIP_REQUESTS = {
    "CreateSIPInboundTrunk": sip_pb.CreateSIPInboundTrunkRequest,
    "UpdateSIPInboundTrunk": sip_pb.UpdateSIPInboundTrunkRequest,
    "CreateSIPOutboundTrunk": sip_pb.CreateSIPOutboundTrunkRequest,
    "UpdateSIPOutboundTrunk": sip_pb.UpdateSIPOutboundTrunkRequest,
    "ListSIPInboundTrunk": sip_pb.ListSIPInboundTrunkRequest,
    "ListSIPOutboundTrunk": sip_pb.ListSIPOutboundTrunkRequest,
    "DeleteSIPTrunk": sip_pb.DeleteSIPTrunkRequest,
    "CreateSIPDispatchRule": sip_pb.CreateSIPDispatchRuleRequest,
    "UpdateSIPDispatchRule": sip_pb.UpdateSIPDispatchRuleRequest,
    "ListSIPDispatchRule": sip_pb.ListSIPDispatchRuleRequest,
    "DeleteSIPDispatchRule": sip_pb.DeleteSIPDispatchRuleRequest,
    "GetSIPInboundTrunk": sip_pb.GetSIPInboundTrunkRequest,
    "GetSIPOutboundTrunk": sip_pb.GetSIPOutboundTrunkRequest,
}
# Real LiveKit methods that need a SIP bridge; the sandbox has none and says so.
CALL_METHODS = {
    "CreateSIPParticipant": sip_pb.CreateSIPParticipantRequest,
    "TransferSIPParticipant": sip_pb.TransferSIPParticipantRequest,
}
NO_CALLS = "the phonewizard sandbox places no calls; use a LiveKit project for CreateSIPParticipant/TransferSIPParticipant"
PHONE_METHODS = ("ListPhoneNumbers", "GetPhoneNumber", "UpdatePhoneNumber")


class SandboxStartError(OSError):
    """The server could not bind its port. ``strerror`` is the OS reason (as for any OSError);
    ``str()`` is the full sentence naming the address and what to do."""

    def __str__(self) -> str:
        return f"the sandbox cannot listen on {self.filename} ({self.strerror}); choose another port (0 picks a free one)"


def _error_response(err: TwirpError) -> web.Response:
    return web.Response(status=err.status, body=err.body(), content_type="application/json")


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
        self.faults = Faults([*SIP_REQUESTS, *CALL_METHODS, *PHONE_METHODS, *CALL_SERVICE_METHODS])
        # Simulated calls, rooms and agent dispatch (call_routes.py): `calls.switches`, `calls.rooms`.
        self.calls = CallRoutes(self.store, lambda: self.url)
        self.log = RequestLog()
        self._sip = SipService(self.store)
        self._phone = PhoneNumberService(self.store)
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    def __repr__(self) -> str:  # never show the secret
        return f"SandboxServer(url={self.url!r}, api_key={self.api_key!r})"

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Short shutdown_timeout: a "timeout" fault must not hold stop() for its full duration.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as e:
            await self._runner.cleanup()
            self._runner = None
            reason = os.strerror(e.errno) if e.errno else (e.strerror or str(e))
            raise SandboxStartError(e.errno, reason, f"{self.host}:{self.port}") from None
        sockets = site._server.sockets if site._server else []  # noqa: SLF001 - the bound port
        self.port = sockets[0].getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> "SandboxServer":
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as e:  # reported to the caller below
                failure.append(e)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            # Handlers still sleeping in a "timeout" fault: cancel and await them, or asyncio
            # reports each one as "Task was destroyed but it is pending!" at exit.
            pending = asyncio.all_tasks(loop)
            if pending:
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="sandbox-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None

    # ---- inspection ----------------------------------------------------------------------
    def snapshot(self) -> dict:
        return self.store.snapshot()

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    # ---- request handling ----------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        service, _, method = path.rpartition("/")
        service = service.rpartition("/")[2]
        ticket = self.log.enter(method if service in (SIP_SERVICE, PHONE_SERVICE) else path)
        try:
            return await self._serve(request, service, method)
        finally:
            self.log.leave(ticket)

    async def _serve(self, request: web.Request, service: str, method: str) -> web.StreamResponse:
        latency = self.faults.latency
        if latency:
            await asyncio.sleep(latency)
        fault = self.faults.take(method)
        if fault is not None:
            if fault.kind in ("error", "5xx"):
                return _error_response(TwirpError(fault.code, fault.msg))
            if fault.kind == "timeout":
                await asyncio.sleep(fault.seconds)
            if fault.kind == "drop":
                # Close the socket under aiohttp; the response it then tries to write goes nowhere
                # and aiohttp treats that as an ordinary client disconnect (no traceback).
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=200)

        try:
            claims = authenticate(request.headers.get("Authorization"), {self.api_key: self.api_secret})
        except AuthRejected as e:
            return web.Response(status=401, text=str(e), content_type="text/plain")

        path = request.path
        if path == "/":
            return web.Response(text="OK")  # livekit-server's health check
        if self.calls.handles(path):
            return await self.calls.serve(request, path, claims)
        if not path.startswith((f"/twirp/{SIP_SERVICE}/", f"/twirp/{PHONE_SERVICE}/")):
            # Outside the twirp services LiveKit's mux answers with Go's http.NotFound.
            return web.Response(status=404, text="404 page not found\n", content_type="text/plain")
        try:
            if request.method != "POST":
                raise bad_route(f'unsupported method "{request.method}" (only POST is allowed)', request.method, path)
            if service == SIP_SERVICE and path == f"/twirp/{SIP_SERVICE}/{method}":
                if method in SIP_REQUESTS:
                    return await self._serve_sip(request, method, claims)
                if method in CALL_METHODS:
                    await self._decode(request, CALL_METHODS[method]())
                    raise TwirpError("unimplemented", NO_CALLS)
            if service == PHONE_SERVICE and method in PHONE_METHODS and path == f"/twirp/{PHONE_SERVICE}/{method}":
                return await self._serve_phone(request, method, claims)
            raise bad_route(f"no handler for path {json.dumps(path)}", request.method, path)
        except PlainError as e:
            return _error_response(e.as_twirp())
        except TwirpError as e:
            return _error_response(e)
        except Exception:  # a sandbox bug must still answer in twirp's format, not HTML
            logger.exception("sandbox failed on %s", path)
            return _error_response(TwirpError("internal", "sandbox internal error"))

    async def _serve_sip(self, request: web.Request, method: str, claims) -> web.Response:
        req = await self._decode(request, SIP_REQUESTS[method]())
        require_sip_admin(claims)
        resp = getattr(self._sip, method)(req)
        if _content_type(request) == "application/json":
            text = json_format.MessageToJson(
                resp, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
            )
            return web.Response(status=200, text=text, content_type="application/json")
        return web.Response(status=200, body=resp.SerializeToString(), content_type="application/protobuf")

    async def _decode(self, request: web.Request, req):
        """Twirp's body handling: protobuf or protojson by Content-Type, else bad_route."""
        ctype = _content_type(request)
        body = await request.read()
        if ctype == "application/protobuf":
            try:
                req.ParseFromString(body)
            except DecodeError:
                raise TwirpError("malformed", "the protobuf request could not be decoded") from None
        elif ctype == "application/json":
            try:
                json_format.Parse(body.decode("utf-8"), req, ignore_unknown_fields=True)
            except (json_format.ParseError, UnicodeDecodeError, ValueError):
                raise TwirpError("malformed", "the json request could not be decoded") from None
        else:
            raise _bad_content_type(request)
        return req

    async def _serve_phone(self, request: web.Request, method: str, claims) -> web.Response:
        if _content_type(request) != "application/json":
            raise _bad_content_type(request)
        body = await request.read()
        try:
            req = from_json(json.loads(body.decode("utf-8")) if body.strip() else {})
        except (ValueError, UnicodeDecodeError):
            raise TwirpError("malformed", "the json request could not be decoded") from None
        require_sip_admin(claims)
        resp = getattr(self._phone, method)(req)
        return web.Response(status=200, text=json.dumps(resp), content_type="application/json")


def _content_type(request: web.Request) -> str:
    header = request.headers.get("Content-Type", "")
    return header.split(";", 1)[0].strip().lower()


def _bad_content_type(request: web.Request) -> TwirpError:
    raw = request.headers.get("Content-Type", "")
    return bad_route(f"unexpected Content-Type: {json.dumps(raw)}", request.method, request.path)
