"""The Telnyx client: the official `telnyx` SDK (AsyncTelnyx), pointed at one base URL.

`open_telnyx(api_key, base_url)` builds `AsyncTelnyx` inside the running coroutine with retries off
(a retried create would duplicate an object; the journal decides what to undo) and our own timeout
around every call. `PHONEWIZARD_TELNYX_BASE_URL` is the address that serves `/v2/…` (a stand-in,
docs/carrier-setup.md); Telnyx's own is https://api.telnyx.com. `telnyx_error(exc)` turns what the
SDK raises into carriers/errors.py. The SDK's debug log would print request bodies (the connection's
SIP password): its logger is held at INFO, so a DEBUG root logger never records them.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from phonewizard.services.carriers.errors import (
    CarrierAuthFailed,
    CarrierError,
    CarrierRefused,
    CarrierUnreachable,
    translated_call,
)

TELNYX = "Telnyx"
API_URL = "https://api.telnyx.com"
logging.getLogger("telnyx").setLevel(logging.INFO)  # its DEBUG lines hold request bodies


def api_root(base_url: str | None) -> str:
    """The SDK's base URL (…/v2) for an address given with or without /v2."""
    root = (base_url or API_URL).rstrip("/")
    return root if root.endswith("/v2") else f"{root}/v2"


@asynccontextmanager
async def open_telnyx(api_key: str, base_url: str | None = None) -> AsyncIterator[Any]:
    from telnyx import AsyncTelnyx

    client = AsyncTelnyx(api_key=api_key, base_url=api_root(base_url), max_retries=0, timeout=None)
    try:
        yield client
    finally:
        await client.close()


def _detail(body: Any) -> tuple[str, str | None, str | None]:
    """Telnyx's error body {"errors": [{"code", "title", "detail", "source": {"pointer"}}]}: the text,
    the code and the pointer."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return "", None, None
    first = errors[0]
    text = str(first.get("detail") or first.get("title") or "")
    pointer = (first.get("source") or {}).get("pointer") if isinstance(first.get("source"), dict) else None
    pointer = pointer if isinstance(pointer, str) else None
    if pointer:
        text = f"{pointer.strip('/')}: {text}"
    code = first.get("code")
    return text, str(code) if code is not None else None, pointer


def telnyx_error(exc: BaseException, api_key: str, timeout: float) -> CarrierError | None:
    import telnyx

    if isinstance(exc, CarrierError):
        return exc
    if isinstance(exc, telnyx.APIStatusError):
        text, code, pointer = _detail(exc.body)
        if exc.status_code in (401, 403):
            return CarrierAuthFailed(TELNYX, "Telnyx did not accept the API key: check it in the Telnyx Portal → "
                                             "Account settings → Keys & Credentials → API Keys.")
        if exc.status_code >= 500:
            return CarrierUnreachable(TELNYX, f"Telnyx failed to answer (HTTP {exc.status_code}); try again shortly.")
        more = f" (Telnyx error {code})" if code else ""
        return CarrierRefused(TELNYX, f"Telnyx refused: {(text or f'HTTP {exc.status_code}').rstrip('.')}{more}.",
                              code=code, status=exc.status_code, pointer=pointer)
    if isinstance(exc, (telnyx.APITimeoutError, asyncio.TimeoutError, TimeoutError)):
        return CarrierUnreachable(TELNYX, f"Telnyx did not answer within {timeout:g} seconds.")
    if isinstance(exc, (telnyx.APIConnectionError, OSError)):
        text = str(exc.__cause__ or exc) or type(exc).__name__
        return CarrierUnreachable(TELNYX, f"Could not reach Telnyx: {text.replace(api_key, '••••••')}.")
    if isinstance(exc, telnyx.APIResponseValidationError):
        return CarrierUnreachable(TELNYX, "The address answered with something that is not Telnyx's API.")
    return None


async def call(awaitable: Any, api_key: str, timeout: float) -> Any:
    """Await one SDK call under `timeout`, failures translated (telnyx_error)."""
    return await translated_call(awaitable, timeout, lambda exc: telnyx_error(exc, api_key, timeout))


async def collect(paginator: Any, api_key: str, timeout: float) -> list[Any]:
    """Every item of a list call (all pages), under one timeout."""
    async def run() -> list[Any]:
        return [item async for item in paginator]
    return await call(run(), api_key, timeout)
