"""The connection to a LiveKit project and the errors every LiveKit call is translated into.

`open_api(conn)` builds `LiveKitAPI` inside the running coroutine (its aiohttp session belongs to
the loop that creates it) and closes it afterwards; `open_api(conn, sip_admin=True)` signs one
SIP-admin token up front instead of one per request. `guard(conn, awaitable)` turns whatever the
client raises into one of the errors of services/errors.py people can act on (unreachable,
authentication failed, refused). Messages are plain sentences and never contain the API secret.
"""

from __future__ import annotations

import asyncio
import warnings
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator, Awaitable, TypeVar
from urllib.parse import urlparse

import aiohttp
from google.protobuf.message import DecodeError
import jwt.warnings
from livekit.api import AccessToken, LiveKitAPI, SIPGrants, TwirpError, VideoGrants

from phonewizard.services.errors import LiveKitAuthFailed, LiveKitError, LiveKitRefused, LiveKitUnreachable

T = TypeVar("T")

_AUTH_CODES = {"unauthenticated", "permission_denied"}

__all__ = ["Connection", "LiveKitAuthFailed", "LiveKitError", "LiveKitRefused", "LiveKitUnreachable",
           "guard", "is_definite_refusal", "map_error", "open_api", "sip_admin_token", "within"]


@dataclass(frozen=True)
class Connection:
    """Where and as whom to talk to LiveKit. The secret never appears in the repr."""

    url: str
    api_key: str
    api_secret: str = field(repr=False)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        parsed = urlparse(self.url or "")
        if parsed.scheme not in ("http", "https", "ws", "wss") or not parsed.netloc:
            raise LiveKitUnreachable(
                f"The LiveKit URL “{self.url}” is not usable: it must look like "
                "wss://your-project.livekit.cloud (or http://127.0.0.1:7880 for a local server)."
            )
        # Empty key or secret would make livekit-api fall back to LIVEKIT_* variables silently.
        if not self.api_key or not self.api_secret:
            raise LiveKitAuthFailed(
                "The LiveKit API key and secret are both required (LiveKit Cloud → "
                "Settings → API keys)."
            )


def quiet_short_key_warning() -> None:
    """PyJWT warns (InsecureKeyLengthWarning, printed with a file name and a source line) whenever
    it signs with an HMAC key under 32 bytes. That key is the LiveKit project's API secret, which
    the server chose (`livekit-server --dev` uses "secret"; LiveKit accepts it and logs its own
    note): nothing a user of this tool can act on, so it is not shown. Set again before each use,
    because a caller's `warnings.catch_warnings()` may have dropped a filter set at import."""
    category = getattr(jwt.warnings, "InsecureKeyLengthWarning", None)  # PyJWT < 2.10 has none
    if category is not None:
        warnings.filterwarnings("ignore", category=category)


def sip_admin_token(conn: Connection) -> str:
    """The token livekit-api signs for every SIP admin call (empty video grant + `sip.admin`, the
    library's default lifetime of 6 hours), signed once. It is a credential: never log it."""
    quiet_short_key_warning()
    return (AccessToken(conn.api_key, conn.api_secret)
            .with_grants(VideoGrants()).with_sip_grants(SIPGrants(admin=True)).to_jwt())


@asynccontextmanager
async def open_api(conn: Connection, *, sip_admin: bool = False, failover: bool = True) -> AsyncIterator[LiveKitAPI]:
    """A LiveKitAPI for the duration of the block, created on the current event loop.

    `sip_admin=True`: every request carries one token signed here. livekit-api otherwise signs a
    fresh JWT per request (~0.2 ms of CPU each, on the critical path between the round trips of a
    registration). Only for blocks that call nothing but `api.sip` admin methods (trunks, rules):
    the token holds no other grant. `failover=False`: livekit-api never replays a request on
    another LiveKit Cloud region (a replayed CreateSIPParticipant would ring the phone twice)."""
    timeout = aiohttp.ClientTimeout(total=conn.timeout)
    quiet_short_key_warning()  # livekit-api signs a token per request otherwise
    if sip_admin:
        api = LiveKitAPI.with_token(sip_admin_token(conn), conn.url, timeout=timeout, failover=failover)
    else:
        api = LiveKitAPI(conn.url, conn.api_key, conn.api_secret, timeout=timeout, failover=failover)
    try:
        yield api
    finally:
        await api.aclose()


def map_error(exc: BaseException, conn: Connection) -> LiveKitError | None:
    """The user-facing error for a client exception, or None if it is not a LiveKit failure
    (programming errors and cancellation pass through unchanged)."""
    if isinstance(exc, LiveKitError):
        return exc
    if isinstance(exc, TwirpError):
        if exc.status == 401 or exc.status == 403 or exc.code in _AUTH_CODES:
            return LiveKitAuthFailed(
                f"LiveKit at {conn.url} did not accept API key “{conn.api_key}” and its secret. "
                "Check both in LiveKit Cloud → Settings → API keys."
            )
        if exc.code == "bad_route" or (exc.status == 404 and not exc.message):
            return LiveKitUnreachable(
                f"{conn.url} answered, but not like a LiveKit server with the SIP API "
                "(check the URL; self-hosted servers need livekit-sip and a recent version)."
            )
        message = exc.message or f"LiveKit refused the request (HTTP {exc.status})."
        return LiveKitRefused(exc.code, message)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return LiveKitUnreachable(
            f"LiveKit at {conn.url} did not answer within {conn.timeout:g} seconds."
        )
    if isinstance(exc, aiohttp.InvalidURL):
        return LiveKitUnreachable(f"The LiveKit URL “{conn.url}” is not a valid address.")
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        detail = str(exc).replace(conn.api_secret, "••••••") if conn.api_secret else str(exc)
        return LiveKitUnreachable(f"Could not reach LiveKit at {conn.url}: {detail or type(exc).__name__}.")
    if isinstance(exc, DecodeError):
        return LiveKitUnreachable(f"{conn.url} answered with something that is not a LiveKit response.")
    return None


def is_definite_refusal(exc: BaseException) -> bool:
    """True when LiveKit answered with a 4xx: the request was rejected and changed nothing.
    Anything else (5xx, timeout, dropped connection) may or may not have been applied."""
    if isinstance(exc, TwirpError):
        return exc.status < 500
    if isinstance(exc, LiveKitAuthFailed):
        return True
    if isinstance(exc, LiveKitRefused):
        return exc.code not in ("internal", "unknown", "unavailable", "dataloss", "data_loss")
    return False


async def within(conn: Connection, awaitable: Awaitable[T]) -> T:
    """Await a livekit-api call under `conn.timeout`. Needed because livekit-api 1.2.2 passes
    `timeout=None` to every aiohttp request, which disables the session's timeout: without this a
    server that never answers would hang the wizard forever. `asyncio.timeout`, not `wait_for`:
    Python 3.11's wait_for swallows a cancellation that arrives just as the call completes
    (gh-86296), so a cancelled test call or registration could carry on as if nothing happened."""
    async with asyncio.timeout(conn.timeout):
        return await awaitable


async def guard(conn: Connection, awaitable: Awaitable[T]) -> T:
    """Await a livekit-api call and translate its failure (see module docstring)."""
    try:
        return await awaitable
    except Exception as exc:
        mapped = map_error(exc, conn)
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc
