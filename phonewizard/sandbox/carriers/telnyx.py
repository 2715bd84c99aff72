"""The Telnyx stand-in: the part of Telnyx's API v2 that phonewizard's carrier set-up uses.

`/v2/fqdn_connections`, `/v2/fqdns`, `/v2/outbound_voice_profiles` and `/v2/phone_numbers`, as JSON
with `{"data": …}` answers, list pages with `meta` (page_number, total_pages), bracketed filters
(`filter[connection_id]=…`) and Bearer authentication with the API key.

Refusals use Telnyx's error body `{"errors": [{"code", "title", "detail", "source": {"pointer"}}]}`
with HTTP 401 (authentication), 404 (not found) and 422 (invalid). The rules checked are the ones
Telnyx documents on these resources: transport UDP, TCP or TLS; the number formats' allowed values;
SRTP only with TLS; an FQDN's DNS record type `a` with a port or `srv` without; IDs that exist; and a
credential user name taken by another account (Telnyx user names are global). The error codes
(10009, 10005, 10015) are the ones Telnyx's examples use; docs/carrier-setup.md says what is verified.
Passwords are checked for presence, never stored.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from aiohttp import web

from phonewizard.sandbox.carriers.base import StandIn
from phonewizard.sandbox.carriers.routing import Call, Route
from phonewizard.services.user_files import nested_deeper_than

DEFAULT_NUMBERS = ("+14155550100", "+14155550123", "+13125550142")
TAKEN_USERNAMES = ("taken-user",)
_ANI = ("+E.164", "E.164", "+E.164-national", "E.164-national")
_DNIS = ("+e164", "e164", "national", "sip_username")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$", re.IGNORECASE)
OPERATIONS = (
    "ListFqdnConnections", "CreateFqdnConnection", "RetrieveFqdnConnection", "UpdateFqdnConnection",
    "DeleteFqdnConnection", "ListFqdns", "CreateFqdn", "DeleteFqdn", "ListOutboundVoiceProfiles",
    "CreateOutboundVoiceProfile", "RetrieveOutboundVoiceProfile", "DeleteOutboundVoiceProfile",
    "ListPhoneNumbers", "UpdatePhoneNumber",
)


# Telnyx's codes as its examples use them; 405 and 413 have no published code (docs/carrier-setup.md).
_ERRORS = {404: ("10005", "Resource not found"), 405: ("10005", "Method not allowed"),
           408: ("10015", "Request timeout"), 413: ("10015", "Request body too large"),
           500: ("10007", "Unexpected error")}
MAX_JSON_DEPTH = 16  # the deepest request here nests 3 levels; deeper is not a Telnyx request


def _json_body(raw: bytes) -> Any:
    """The JSON body, or None when it is not JSON, or nested deeper than any request here: json's
    decoder recurses per level (100,000 `[` end as RecursionError), and what is stored is echoed
    back by json.dumps, which recurses too."""
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        return None
    return None if nested_deeper_than(body, MAX_JSON_DEPTH) else body


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"/{key}", "must be an object")
    return value


def _strings(body: dict, key: str, default: list) -> list:
    value = body.get(key, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(f"/{key}", "must be a list of strings")
    return value


class TelnyxRefusal(Exception):
    def __init__(self, status: int, code: str, title: str, detail: str, pointer: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.title, self.detail, self.pointer = status, code, title, detail, pointer


def error_response(status: int, code: str, title: str, detail: str, pointer: str | None = None) -> web.Response:
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail,
                             "meta": {"url": f"https://developers.telnyx.com/docs/overview/errors/{code}"}}
    if pointer:
        error["source"] = {"pointer": pointer}
    return web.json_response({"errors": [error]}, status=status)


def _invalid(pointer: str, detail: str) -> TelnyxRefusal:
    return TelnyxRefusal(422, "10015", "Invalid value", detail, pointer)


class TelnyxStandIn(StandIn):
    label = "telnyx"

    def __init__(self, *, api_key: str | None = None, numbers: tuple[str, ...] = DEFAULT_NUMBERS, port: int = 0,
                 **limits: Any) -> None:
        super().__init__(OPERATIONS, port=port, **limits)
        self.api_key = api_key or "KEY" + self.random_hex(16)
        self.taken_usernames = set(TAKEN_USERNAMES)
        self.connections: dict[str, dict] = {}
        self.fqdns: dict[str, dict] = {}
        self.profiles: dict[str, dict] = {}
        self.numbers: dict[str, dict] = {}
        for number in numbers:
            self.add_number(number)

    def __repr__(self) -> str:
        return f"TelnyxStandIn(url={self.url!r})"

    def new_id(self) -> str:
        """A Telnyx ID: 19 digits."""
        return str(self.random_below(9 * 10**18) + 10**18)

    # ---- seeding and inspection (tests) --------------------------------------------------
    def add_number(self, number: str, connection_id: str | None = None) -> str:
        """Add a number to the account (or assign an existing one to `connection_id`)."""
        with self.lock:
            for existing in self.numbers.values():
                if existing["phone_number"] == number:
                    existing["connection_id"] = connection_id
                    return existing["id"]
        nid = self.new_id()
        with self.lock:
            self.numbers[nid] = {"id": nid, "record_type": "phone_number", "phone_number": number,
                                 "connection_id": connection_id, "status": "active"}
        return nid

    def add_connection(self, name: str) -> str:
        cid = self.new_id()
        with self.lock:
            self.connections[cid] = {"id": cid, "record_type": "fqdn_connection", "connection_name": name,
                                     "active": True, "transport_protocol": "UDP", "encrypted_media": None,
                                     "inbound": {"ani_number_format": "E.164", "dnis_number_format": "e164"},
                                     "outbound": {}, "tags": [], "user_name": None}
        return cid

    def number(self, phone_number: str) -> dict:
        with self.lock:
            return dict(next(n for n in self.numbers.values() if n["phone_number"] == phone_number))

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {"connections": len(self.connections), "fqdns": len(self.fqdns), "profiles": len(self.profiles),
                    "numbers_on_connections": sum(1 for n in self.numbers.values() if n["connection_id"])}

    # ---- HTTP ------------------------------------------------------------------------------
    def refuse(self, status: int, message: str) -> web.Response:
        if status == 401:
            return error_response(401, "10009", "Authentication failed",
                                  "The API key you provided is invalid or has been revoked.")
        code, title = _ERRORS.get(status, ("10015", "Bad Request"))
        return error_response(status, code, title, message)

    def fault_response(self, kind: str, message: str) -> web.Response:
        if kind == "5xx":
            return error_response(500, "10007", "Unexpected error", "An unexpected error occurred.")
        return error_response(422, "10015", "Invalid value", message)

    def route_table(self) -> list[Route]:
        c, f, o = "/v2/fqdn_connections", "/v2/fqdns", "/v2/outbound_voice_profiles"
        table = [
            ("GET", c, "ListFqdnConnections", self._list_connections),
            ("POST", c, "CreateFqdnConnection", self._create_connection),
            ("GET", c + "/{id}", "RetrieveFqdnConnection", self._get_connection),
            ("PATCH", c + "/{id}", "UpdateFqdnConnection", self._update_connection),
            ("DELETE", c + "/{id}", "DeleteFqdnConnection", self._delete_connection),
            ("GET", f, "ListFqdns", self._list_fqdns), ("POST", f, "CreateFqdn", self._create_fqdn),
            ("DELETE", f + "/{id}", "DeleteFqdn", self._delete_fqdn),
            ("GET", o, "ListOutboundVoiceProfiles", self._list_profiles),
            ("POST", o, "CreateOutboundVoiceProfile", self._create_profile),
            ("GET", o + "/{id}", "RetrieveOutboundVoiceProfile", self._get_profile),
            ("DELETE", o + "/{id}", "DeleteOutboundVoiceProfile", self._delete_profile),
            ("GET", "/v2/phone_numbers", "ListPhoneNumbers", self._list_numbers),
            ("PATCH", "/v2/phone_numbers/{id}", "UpdatePhoneNumber", self._update_number),
        ]
        return [Route(method, path, name, handler) for method, path, name, handler in table]

    def authorized(self, headers) -> bool:
        header = headers.get("Authorization", "")
        return header.startswith("Bearer ") and secrets.compare_digest(header[7:].encode(), self.api_key.encode())

    async def answer(self, route: Route, call: Call) -> web.StreamResponse:
        body: Any = {}
        if call.method in ("POST", "PATCH"):
            body = _json_body(call.body)
            if body is None:
                return error_response(400, "10015", "Bad Request", "The request body is not valid JSON.")
        try:
            with self.lock:
                status, data = route.handler(call, body if isinstance(body, dict) else {})
        except TelnyxRefusal as exc:
            return error_response(exc.status, exc.code, exc.title, exc.detail, exc.pointer)
        if isinstance(data, list):
            meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": len(data)}
            return web.json_response({"data": data, "meta": meta}, status=status)
        return web.json_response({"data": data}, status=status)

    def _found(self, table: dict, key: str) -> dict:
        if key not in table:
            raise TelnyxRefusal(404, "10005", "Resource not found", "The requested resource or URL could not be found.")
        return table[key]

    # ---- connections ----------------------------------------------------------------------
    def _apply_connection(self, conn: dict, body: dict) -> None:
        transport = body.get("transport_protocol", conn["transport_protocol"])
        if transport not in ("UDP", "TCP", "TLS"):
            raise _invalid("/transport_protocol", "must be one of UDP, TLS or TCP")
        media = body.get("encrypted_media", conn["encrypted_media"])
        if media not in (None, "SRTP"):
            raise _invalid("/encrypted_media", "must be SRTP or null")
        if media and transport != "TLS":
            raise _invalid("/encrypted_media", "can only be set when the SIP signaling transport protocol is TLS")
        inbound = {**conn["inbound"], **_object(body, "inbound")}
        if inbound.get("ani_number_format") not in _ANI:
            raise _invalid("/inbound/ani_number_format", f"must be one of {', '.join(_ANI)}")
        if inbound.get("dnis_number_format") not in _DNIS:
            raise _invalid("/inbound/dnis_number_format", f"must be one of {', '.join(_DNIS)}")
        outbound = {**conn["outbound"], **_object(body, "outbound")}
        profile = outbound.get("outbound_voice_profile_id")
        if profile is not None and not isinstance(profile, str):
            raise _invalid("/outbound/outbound_voice_profile_id", "must be a string")
        if profile and profile not in self.profiles:
            raise _invalid("/outbound/outbound_voice_profile_id", "does not identify an outbound voice profile of this account")
        if "user_name" in body:
            user = body["user_name"]
            if not isinstance(user, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{4,32}", user):
                raise _invalid("/user_name", "must be 4-32 letters, digits, '.', '_' or '-'")
            if user in self.taken_usernames and user != conn.get("user_name"):
                raise _invalid("/user_name", "has already been taken")
            if not body.get("password"):
                raise _invalid("/password", "can't be blank when user_name is given")
        if "connection_name" in body and not isinstance(body["connection_name"], str):
            raise _invalid("/connection_name", "must be a string")
        if "active" in body and not isinstance(body["active"], bool):
            raise _invalid("/active", "must be true or false")
        tags = _strings(body, "tags", conn["tags"])
        conn.update(transport_protocol=transport, encrypted_media=media, inbound=inbound, outbound=outbound, tags=tags)
        for key in ("connection_name", "active"):
            if key in body:
                conn[key] = body[key]
        if "user_name" in body:
            self.taken_usernames.discard(conn.get("user_name"))
            conn["user_name"] = body["user_name"]  # the password is checked for presence, never kept
            self.taken_usernames.add(body["user_name"])

    def _list_connections(self, request, body):
        contains = request.query.get("filter[connection_name][contains]", "").lower()
        return 200, [c for c in self.connections.values() if contains in c["connection_name"].lower()]

    def _create_connection(self, request, body):
        if not isinstance(body.get("connection_name"), str) or not body["connection_name"].strip():
            raise _invalid("/connection_name", "can't be blank")
        conn = {"id": self.new_id(), "record_type": "fqdn_connection", "active": True, "transport_protocol": "UDP",
                "encrypted_media": None, "inbound": {"ani_number_format": "E.164", "dnis_number_format": "e164"},
                "outbound": {}, "tags": [], "user_name": None, "connection_name": ""}
        self._apply_connection(conn, body)
        self.connections[conn["id"]] = conn
        return 201, conn

    def _get_connection(self, request, body):
        return 200, self._found(self.connections, request.match_info["id"])

    def _update_connection(self, request, body):
        conn = self._found(self.connections, request.match_info["id"])
        trial = json.loads(json.dumps(conn))
        self._apply_connection(trial, body)  # all or nothing, as the API answers
        conn.update(trial)
        return 200, conn

    def _delete_connection(self, request, body):
        conn = self._found(self.connections, request.match_info["id"])
        del self.connections[conn["id"]]
        self.taken_usernames.discard(conn.get("user_name"))
        self.fqdns = {k: v for k, v in self.fqdns.items() if v["connection_id"] != conn["id"]}
        for number in self.numbers.values():
            if number["connection_id"] == conn["id"]:
                number["connection_id"] = None
        return 200, conn

    # ---- FQDNs ------------------------------------------------------------------------------
    def _list_fqdns(self, request, body):
        wanted = request.query.get("filter[connection_id]")
        return 200, [f for f in self.fqdns.values() if wanted is None or f["connection_id"] == wanted]

    def _create_fqdn(self, request, body):
        connection = str(body.get("connection_id") or "")
        if connection not in self.connections:
            raise _invalid("/connection_id", "does not identify an FQDN connection of this account")
        fqdn, record, port = body.get("fqdn"), body.get("dns_record_type"), body.get("port")
        if not isinstance(fqdn, str) or not _HOST.match(fqdn):
            raise _invalid("/fqdn", "must be a fully qualified domain name")
        if record not in ("a", "srv"):
            raise _invalid("/dns_record_type", "must be a or srv")
        if record == "srv" and port is not None:
            raise _invalid("/port", "must not be set for an srv record")
        if record == "a":
            port = 5060 if port is None else port
            if not isinstance(port, int) or not 1 <= port <= 65535:
                raise _invalid("/port", "must be between 1 and 65535")
        item = {"id": self.new_id(), "record_type": "fqdn", "connection_id": connection, "fqdn": fqdn,
                "port": port, "dns_record_type": record}
        self.fqdns[item["id"]] = item
        return 201, item

    def _delete_fqdn(self, request, body):
        item = self._found(self.fqdns, request.match_info["id"])
        del self.fqdns[item["id"]]
        return 200, item

    # ---- outbound voice profiles ---------------------------------------------------------
    def _list_profiles(self, request, body):
        contains = request.query.get("filter[name][contains]", "").lower()
        return 200, [p for p in self.profiles.values() if contains in p["name"].lower()]

    def _create_profile(self, request, body):
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise _invalid("/name", "can't be blank")
        item = {"id": self.new_id(), "record_type": "outbound_voice_profile", "name": body["name"], "enabled": True,
                "traffic_type": "conversational", "service_plan": "global", "tags": _strings(body, "tags", []),
                "whitelisted_destinations": _strings(body, "whitelisted_destinations", ["US", "CA"])}
        self.profiles[item["id"]] = item
        return 201, item

    def _get_profile(self, request, body):
        return 200, self._found(self.profiles, request.match_info["id"])

    def _delete_profile(self, request, body):
        item = self._found(self.profiles, request.match_info["id"])
        if any(c["outbound"].get("outbound_voice_profile_id") == item["id"] for c in self.connections.values()):
            raise TelnyxRefusal(422, "10015", "Invalid value", "The outbound voice profile is in use by a connection.")
        del self.profiles[item["id"]]
        return 200, item

    # ---- phone numbers ---------------------------------------------------------------------
    def _list_numbers(self, request, body):
        wanted = request.query.get("filter[phone_number]")
        items = [dict(n, connection_name=self.connections.get(n["connection_id"] or "", {}).get("connection_name"))
                 for n in self.numbers.values() if wanted is None or n["phone_number"] == wanted]
        return 200, items

    def _update_number(self, request, body):
        number = self._found(self.numbers, request.match_info["id"])
        if "connection_id" in body:
            connection = body["connection_id"] or None
            if connection is not None and not isinstance(connection, str):
                raise _invalid("/connection_id", "must be a string or null")
            if connection is not None and connection not in self.connections:
                raise _invalid("/connection_id", "does not identify a connection of this account")
            number["connection_id"] = connection
        return 200, number
