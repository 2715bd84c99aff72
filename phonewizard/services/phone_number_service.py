"""The small Twirp JSON client for LiveKit's PhoneNumberService (LiveKit Cloud numbers).

livekit-api 1.2.2 does not wrap this service (reference/livekit-sip.md §5), so the calls the
wizard needs — ListPhoneNumbers, GetPhoneNumber and UpdatePhoneNumber{phone_number,
sip_dispatch_rule_id} — are sent here as JSON (protojson), which Twirp servers accept beside
protobuf. Authentication is the same SIP-admin JWT the SIP calls use (`sip_admin_token`), and
failures map to the same `LiveKitError`s. `requests` counts the HTTP requests sent.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import aiohttp
from livekit.api import TwirpError

from phonewizard.domain.livekit_objects import PhoneNumberInfo
from phonewizard.services.livekit_client import Connection, LiveKitRefused, guard, sip_admin_token

SERVICE_PATH = "twirp/livekit.PhoneNumberService"
# ListPhoneNumbers pages (LiveKit Cloud: 50 numbers a page by default, livekit_phone_number.proto);
# a bound so that a server handing out the same token forever cannot keep us looping.
MAX_PAGES = 1000

__all__ = ["PhoneNumberClient", "PhoneNumberInfo", "SERVICE_PATH", "parse_phone_number"]


def _base_url(url: str) -> str:
    # Same rewriting as livekit-api's TwirpClient: ws→http, wss→https, path kept, no trailing '/'.
    parsed = urlparse(url)
    scheme = parsed.scheme.replace("ws", "http", 1) if parsed.scheme.startswith("ws") else parsed.scheme
    return f"{scheme}://{parsed.netloc}{parsed.path}".rstrip("/")


def _pick(data: dict[str, Any], snake: str, camel: str, default: Any = None) -> Any:
    # protojson emits lowerCamelCase by default but servers may use proto names; accept both.
    if snake in data:
        return data[snake]
    return data.get(camel, default)


def parse_phone_number(data: dict[str, Any]) -> PhoneNumberInfo:
    ids = list(_pick(data, "sip_dispatch_rule_ids", "sipDispatchRuleIds", []) or [])
    single = _pick(data, "sip_dispatch_rule_id", "sipDispatchRuleId", "") or ""
    if single and single not in ids:
        ids.insert(0, single)
    return PhoneNumberInfo(
        id=str(data.get("id", "")),
        phone_number=str(_pick(data, "e164_format", "e164Format", "")),
        dispatch_rule_ids=tuple(ids),
        status=str(data.get("status", "")),
    )


class PhoneNumberClient:
    """Use inside a coroutine; it owns one aiohttp session until `aclose()`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # Signed once for the client's few requests (it lives for one registration or unregister).
        self._authorization = f"Bearer {sip_admin_token(conn)}"
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=conn.timeout))
        self.requests = 0

    async def aclose(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> "PhoneNumberClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def get(self, phone_number: str) -> PhoneNumberInfo | None:
        """The number as LiveKit knows it, or None when this project does not own it."""
        try:
            body = await self._call("GetPhoneNumber", {"phone_number": phone_number})
        except Exception as exc:
            if getattr(exc, "code", None) == "not_found":
                return None
            raise
        return parse_phone_number(_pick(body, "phone_number", "phoneNumber", {}) or {})

    async def list(self) -> list[PhoneNumberInfo]:
        """Every number of the project, all pages, in the server's order.

        No `limit` is sent: the largest page size LiveKit Cloud accepts is not documented, so the
        server's default page is taken and `next_page_token` followed (one request per page; the
        sandbox answers everything in one). Raises LiveKitRefused("unimplemented") on a server
        without the service (self-hosted LiveKit)."""
        found: list[PhoneNumberInfo] = []
        payload: dict[str, Any] = {}
        seen_tokens: set[str] = set()
        for _ in range(MAX_PAGES):
            body = await self._call("ListPhoneNumbers", payload)
            found += [parse_phone_number(item) for item in body.get("items") or [] if isinstance(item, dict)]
            token = _pick(body, "next_page_token", "nextPageToken", None)
            token = token.get("token", "") if isinstance(token, dict) else ""
            if not token or token in seen_tokens:
                break
            seen_tokens.add(token)
            payload = {"page_token": {"token": token}}
        return found

    async def attach(self, phone_number: str, dispatch_rule_id: str) -> PhoneNumberInfo:
        """Point the number at a dispatch rule; an empty rule ID detaches it."""
        body = await self._call(
            "UpdatePhoneNumber",
            {"phone_number": phone_number, "sip_dispatch_rule_id": dispatch_rule_id},
        )
        return parse_phone_number(_pick(body, "phone_number", "phoneNumber", {}) or {})

    async def _call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await guard(self._conn, self._post_checked(method, payload))

    async def _post_checked(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._post(method, payload)
        except TwirpError as exc:
            # Self-hosted servers do not have this service at all: say so instead of "bad URL".
            # livekit-server registers no PhoneNumberService handler, so its mux answers Go's
            # plain-text http.NotFound (pkg/service/server.go defaultHandler): a 404 without a
            # Twirp body. Twirp servers that know the path but not the method say bad_route.
            if exc.code in ("bad_route", "unimplemented") or (exc.status == 404 and exc.code == "unknown"):
                raise LiveKitRefused(
                    "unimplemented",
                    "This LiveKit server has no phone-number service: LiveKit phone numbers exist "
                    "only on LiveKit Cloud. Choose your SIP carrier as the provider instead.",
                ) from exc
            raise

    async def _post(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        url = f"{_base_url(self._conn.url)}/{SERVICE_PATH}/{method}"
        self.requests += 1
        headers = {"Authorization": self._authorization, "Content-Type": "application/json"}
        async with self._session.post(url, data=json.dumps(payload), headers=headers) as resp:
            raw = await resp.read()
            try:
                data = json.loads(raw) if raw else {}
            except (ValueError, RecursionError):  # not JSON, or nested deeper than json can parse
                data = {}
            if resp.status == 200:
                return data if isinstance(data, dict) else {}
            if not isinstance(data, dict):
                data = {}
            # Raised as the same TwirpError livekit-api uses so one mapping serves both.
            raise TwirpError(
                str(data.get("code", "unknown")), str(data.get("msg", "")), status=resp.status
            )
