"""What both carrier stand-ins share: an aiohttp server on this machine, faults, a request log.

A stand-in runs inside a running loop (`start`/`stop`) or on its own loop thread (`start_in_thread`/
`stop_thread`), like the LiveKit sandbox. Faults reuse the sandbox's `Faults` queue, keyed by the
stand-in's operation names (e.g. "CreateTrunk"): "error" answers with the carrier's own refusal body
(HTTP 400 at Twilio, 422 at Telnyx), "5xx" with its server-error body, "drop" closes the connection,
"timeout" hangs. Every operation is logged by name in `log`, so tests can see what was sent.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Awaitable, Callable, Iterable

from aiohttp import web

from phonewizard.sandbox.faults import Faults, RequestLog

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class StandIn:
    """Subclasses add routes in `routes(app)` and answer faults with `fault_response`."""

    label = "carrier"

    def __init__(self, operations: Iterable[str], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.faults = Faults(operations)
        self.log = RequestLog()
        self.lock = threading.Lock()  # tests read the state from another thread
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    def routes(self, app: web.Application) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def fault_response(self, kind: str, message: str) -> web.Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def operation(self, name: str, handler: Handler) -> Handler:
        """Wrap a handler: log it, apply latency and a queued fault, then answer."""
        async def serve(request: web.Request) -> web.StreamResponse:
            ticket = self.log.enter(name)
            try:
                latency = self.faults.latency
                if latency:
                    await asyncio.sleep(latency)
                fault = self.faults.take(name)
                if fault is not None:
                    if fault.kind in ("error", "5xx"):
                        return self.fault_response(fault.kind, fault.msg)
                    if fault.kind == "timeout":
                        await asyncio.sleep(fault.seconds)
                    if fault.kind == "drop":
                        if request.transport is not None:
                            request.transport.close()
                        return web.Response(status=200)
                return await handler(request)
            finally:
                self.log.leave(ticket)
        return serve

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        sockets = site._server.sockets if site._server else []  # noqa: SLF001 - the bound port
        self.port = sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self):
        ready, failure = threading.Event(), []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name=f"{self.label}-stand-in", daemon=True)
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
        self._thread = self._loop = None
