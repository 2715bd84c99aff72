"""The Twilio client: the official `twilio` SDK on its aiohttp transport, pointed at one base URL.

`open_twilio(credentials, base_url)` builds the SDK's `Client` with `AsyncTwilioHttpClient` inside the
running coroutine (its aiohttp session belongs to that loop) and closes it afterwards. Twilio serves
two domains, `trunking.twilio.com` (Elastic SIP Trunking v1) and `api.twilio.com` (the 2010-04-01 API:
SIP credential lists, incoming phone numbers); their paths never overlap (`/v1/…`, `/2010-04-01/…`),
so one base URL can serve both, and `PHONEWIZARD_TWILIO_BASE_URL` points both SDK domains at it
(a stand-in, docs/carrier-setup.md). `twilio_error(exc)` turns whatever the SDK or aiohttp raises
into the errors of carriers/errors.py; messages never hold the token or the SIP password.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from phonewizard.services.carriers.errors import (
    CarrierAuthFailed,
    CarrierError,
    CarrierRefused,
    CarrierUnreachable,
    translated_call,
)

TWILIO = "Twilio"
TRUNKING_URL = "https://trunking.twilio.com"
API_URL = "https://api.twilio.com"


@dataclass(frozen=True)
class TwilioCredentials:
    """The Account SID and either its Auth Token or an API key (SK…) and its secret."""

    account_sid: str
    secret: str = field(repr=False)  # the Auth Token, or the API key's secret
    api_key: str | None = None

    @property
    def username(self) -> str:
        return self.api_key or self.account_sid

    def __str__(self) -> str:
        return f"API key {self.api_key}" if self.api_key else f"Account SID {self.account_sid} and its Auth Token"


@asynccontextmanager
async def open_twilio(credentials: TwilioCredentials, base_url: str | None = None) -> AsyncIterator[Any]:
    """The SDK's Client for the duration of the block, created on the current loop."""
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    http = AsyncTwilioHttpClient()  # no retries: a repeated create would duplicate an object
    # `environment` is given (not os.environ) so TWILIO_EDGE / TWILIO_REGION cannot rewrite the
    # host under our base URL; the SDK falls back to os.environ only for an empty mapping.
    client = Client(credentials.username, credentials.secret, credentials.account_sid, http_client=http,
                    environment={"PHONEWIZARD": "1"})
    if base_url:
        client.trunking.base_url = base_url.rstrip("/")
        client.api.base_url = base_url.rstrip("/")
    try:
        yield client
    finally:
        await http.close()


def twilio_error(exc: BaseException, credentials: TwilioCredentials, timeout: float) -> CarrierError | None:
    """The user-facing error for a client failure, or None for programming errors and cancels."""
    import json

    import aiohttp
    from twilio.base.exceptions import TwilioException, TwilioRestException

    if isinstance(exc, CarrierError):
        return exc
    if isinstance(exc, TwilioException) and not isinstance(exc, TwilioRestException) and len(exc.args) > 1:
        # A list page that failed: the SDK raises ("Unable to fetch page", response) instead.
        response = exc.args[1]
        try:
            body = json.loads(getattr(response, "text", "") or "{}")
        except ValueError:
            body = {}
        exc = TwilioRestException(getattr(response, "status_code", 500), "", msg=str(body.get("message", "")),
                                  code=body.get("code"))
    if isinstance(exc, TwilioRestException):
        code = str(exc.code) if exc.code else None
        if exc.status in (401, 403) or code == "20003":
            return CarrierAuthFailed(TWILIO, f"Twilio did not accept the {credentials}: check them in the "
                                             "Twilio Console → Account → API keys & tokens.")
        if exc.status >= 500:
            return CarrierUnreachable(TWILIO, f"Twilio failed to answer (HTTP {exc.status}); try again shortly.")
        detail = str(exc.msg or f"HTTP {exc.status}").rstrip(".")
        more = f" (Twilio error {code}: https://www.twilio.com/docs/errors/{code})" if code else ""
        return CarrierRefused(TWILIO, f"Twilio refused: {detail}{more}.", code=code, status=exc.status)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return CarrierUnreachable(TWILIO, f"Twilio did not answer within {timeout:g} seconds.")
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        text = (str(exc) or type(exc).__name__).replace(credentials.secret, "••••••")
        return CarrierUnreachable(TWILIO, f"Could not reach Twilio: {text}.")
    if isinstance(exc, ValueError) and "JSON" in str(exc):
        return CarrierUnreachable(TWILIO, "The address answered with something that is not Twilio's API.")
    return None


async def call(awaitable: Any, credentials: TwilioCredentials, timeout: float) -> Any:
    """Await one SDK call under `timeout`, failures translated (twilio_error)."""
    return await translated_call(awaitable, timeout, lambda exc: twilio_error(exc, credentials, timeout))
