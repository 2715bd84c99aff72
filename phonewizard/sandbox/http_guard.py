"""What the sandbox does about clients that misbehave at the HTTP level, below Twirp.

* ``GuardedServer``: aiohttp's low-level server with a **header deadline**: a connection that has
  not delivered a complete request head within ``header_timeout`` seconds of connecting is closed
  (aiohttp itself waits for a first request without limit in older versions). Later requests on a
  kept-alive connection are bounded by aiohttp's ``keepalive_timeout``, which closes a connection
  that sits without a complete request head.
* ``read_body``: the request body, read with a byte cap counted while reading (a missing or false
  Content-Length changes nothing) and a time limit; the three ways it can fail are exceptions.
* ``serve_guarded``: a ``GuardedServer`` listening on a host and port, as the sandbox and the carrier
  stand-ins both run it.
* ``client_error_logger``: aiohttp logs a client's disconnects and malformed requests with a
  traceback at ERROR level; through this logger they become one DEBUG line, because what a client
  does is not a sandbox failure. Real sandbox bugs keep their traceback.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

LOGGER_NAME = "phonewizard.sandbox.http"
LINGER_SECONDS = 2.0  # after an early answer (413), unread body is drained this long, then closed
_CLIENT_FAULTS = (ConnectionError, HttpProcessingError, asyncio.TimeoutError, asyncio.IncompleteReadError)


class BodyTooLarge(Exception):
    """More than the limit arrived (chunked, or a Content-Length that lied)."""


class BodyTimeout(Exception):
    """The client stopped sending before the body was complete."""


class ClientGone(Exception):
    """The connection closed or broke while the body was being read."""


class _DemoteClientFaults(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, _CLIENT_FAULTS):
            record.msg = f"{record.getMessage()}: {type(exc).__name__}: {exc}"
            record.args = ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def client_error_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(f, _DemoteClientFaults) for f in logger.filters):
        logger.addFilter(_DemoteClientFaults())
    return logger


class GuardedServer(web.Server):
    """``web.Server`` whose new connections must send a request head within ``header_timeout``."""

    def __init__(self, handler: Any, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(handler, logger=client_error_logger(), **kwargs)
        self.header_timeout = header_timeout
        self._deadlines: dict[Any, asyncio.TimerHandle] = {}

    def connection_made(self, handler: Any, transport: Any) -> None:
        super().connection_made(handler, transport)
        loop = asyncio.get_running_loop()
        self._deadlines[handler] = loop.call_later(self.header_timeout, self._expire, handler, transport)

    def connection_lost(self, handler: Any, exc: BaseException | None = None) -> None:
        self.request_started(handler)
        super().connection_lost(handler, exc)

    def request_started(self, handler: Any) -> None:
        """A complete request head arrived on this connection: its deadline is met."""
        deadline = self._deadlines.pop(handler, None)
        if deadline is not None:
            deadline.cancel()

    def _expire(self, handler: Any, transport: Any) -> None:
        self._deadlines.pop(handler, None)
        peer = transport.get_extra_info("peername")
        logging.getLogger(LOGGER_NAME).debug(
            "closing connection from %s: no complete request head within %g s", peer, self.header_timeout)
        transport.close()


async def serve_guarded(handler: Any, host: str, port: int, *, header_timeout: float,
                        idle_timeout: float) -> tuple[GuardedServer, web.ServerRunner, int]:
    """`handler` served on host:port (0: a free port): the server, its runner and the bound port.
    A port that cannot be bound raises the OSError, with nothing left listening."""
    server = GuardedServer(handler, header_timeout=header_timeout, keepalive_timeout=idle_timeout,
                           lingering_time=LINGER_SECONDS, access_log=None)
    # Short shutdown_timeout: a "timeout" fault must not hold stop() for its full duration.
    runner = web.ServerRunner(server, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    sockets = site._server.sockets if site._server else []  # noqa: SLF001 - the bound port
    return server, runner, sockets[0].getsockname()[1]


async def read_body(request: web.BaseRequest, limit: int, timeout: float) -> bytes:
    """At most `limit` bytes of body, within `timeout` seconds (read it once: it is a stream)."""
    chunks: list[bytes] = []
    size = 0

    async def read_all() -> None:
        nonlocal size
        while True:
            chunk = await request.content.readany()
            if not chunk:
                return
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge()
            chunks.append(chunk)

    try:
        await asyncio.wait_for(read_all(), timeout)
    except asyncio.TimeoutError:
        raise BodyTimeout() from None
    except (ConnectionError, HttpProcessingError, asyncio.IncompleteReadError) as exc:
        raise ClientGone(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # aiohttp's payload errors for a connection cut mid-body
        if type(exc).__module__.startswith("aiohttp"):
            raise ClientGone(f"{type(exc).__name__}: {exc}") from None
        raise
    return b"".join(chunks)
