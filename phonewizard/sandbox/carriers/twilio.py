"""The Twilio stand-in: the part of Twilio's REST API that phonewizard's carrier set-up uses.

One server answers both of Twilio's domains, because their paths do not overlap:
Elastic SIP Trunking v1 (`/v1/Trunks`, its `OriginationUrls`, `CredentialLists`, `PhoneNumbers`) and
the 2010-04-01 API (`/2010-04-01/Accounts/{AC}/SIP/CredentialLists…`, `IncomingPhoneNumbers.json`).
Requests are form-encoded with Twilio's PascalCase names; answers are Twilio's JSON (snake_case,
list pages with `meta` on v1 and `next_page_uri` on 2010-04-01); HTTP Basic auth with the Account
SID and Auth Token, or an API key (SK…) and its secret.

Refusals use Twilio's error body `{"code", "message", "more_info", "status"}` with the documented
codes where Twilio's error catalogue gives one: 20003 (authentication), 20404 (not found), 21248
(trunk domain already taken). For the other rules (credential password: 12+ characters, mixed case,
a digit; SipUrl must be `sip:`; TransferMode values) no code was found in a stored Twilio page, so
the stand-in answers HTTP 400 with code 20001 and Twilio's wording of the rule (docs/carrier-setup.md).
Passwords are checked, never stored.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from urllib.parse import parse_qsl

from aiohttp import web

from phonewizard.domain.carrier_options import twilio_password_problem
from phonewizard.sandbox.carriers.base import StandIn
from phonewizard.sandbox.carriers.routing import Call, Route

ACCOUNT_SID = "AC" + "0" * 30 + "01"
DEFAULT_NUMBERS = ("+14155550100", "+14155550123", "+13125550142")
TAKEN_DOMAINS = ("taken.pstn.twilio.com",)  # reserved by "another account"
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.pstn\.twilio\.com$")
_MODES = ("enable-all", "sip-only", "disable-all")
OPERATIONS = (
    "ListTrunks", "CreateTrunk", "FetchTrunk", "UpdateTrunk", "DeleteTrunk",
    "ListOriginationUrls", "CreateOriginationUrl", "UpdateOriginationUrl", "DeleteOriginationUrl",
    "ListTrunkCredentialLists", "AttachCredentialList", "DetachCredentialList",
    "ListTrunkPhoneNumbers", "AttachPhoneNumber", "DetachPhoneNumber",
    "ListCredentialLists", "CreateCredentialList", "DeleteCredentialList", "CreateCredential",
    "ListIncomingPhoneNumbers",
)


# Twilio's catalogue: 20003 authenticate, 20004 method not allowed, 20404 not found, 20500 internal.
_CODES = {404: 20404, 405: 20004, 500: 20500}
MAX_FORM_FIELDS = 100  # a real request here has fewer than ten


def _form(body: bytes) -> dict[str, str]:
    """The form-encoded body (Twilio's requests), refused as Twilio would refuse nonsense."""
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
    except (UnicodeDecodeError, ValueError):
        raise TwilioRefusal(400, 20001, "The request body could not be parsed as form parameters") from None


class TwilioRefusal(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: int, message: str, **extra: Any) -> web.Response:
    body = {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status, **extra}
    return web.json_response(body, status=status)


class TwilioStandIn(StandIn):
    label = "twilio"

    def __init__(self, *, account_sid: str = ACCOUNT_SID, auth_token: str | None = None,
                 numbers: tuple[str, ...] = DEFAULT_NUMBERS, port: int = 0, **limits: Any) -> None:
        super().__init__(OPERATIONS, port=port, **limits)
        self.account_sid = account_sid
        self.auth_token = auth_token or self.random_hex(16)
        self.api_keys: dict[str, str] = {}
        self.taken_domains = set(TAKEN_DOMAINS)
        self.trunks: dict[str, dict] = {}
        self.origination: dict[str, dict] = {}  # OU sid → url (with trunk_sid)
        self.trunk_lists: dict[str, list[str]] = {}  # trunk sid → attached credential list SIDs
        self.credential_lists: dict[str, dict] = {}  # CL sid → {"friendly_name", "usernames": [...]}
        self.numbers: dict[str, dict] = {}
        for number in numbers:
            self.add_number(number)

    def __repr__(self) -> str:
        return f"TwilioStandIn(url={self.url!r}, account_sid={self.account_sid!r})"

    def sid(self, prefix: str) -> str:
        """A Twilio SID: two letters and 32 hexadecimal digits."""
        return prefix + self.random_hex(16)

    # ---- seeding and inspection (tests) --------------------------------------------------
    def add_number(self, number: str, trunk_sid: str | None = None) -> str:
        """Add a number to the account (or put an existing one on `trunk_sid`)."""
        with self.lock:
            for existing in self.numbers.values():
                if existing["phone_number"] == number:
                    existing["trunk_sid"] = trunk_sid
                    return existing["sid"]
        pn = self.sid("PN")
        with self.lock:
            self.numbers[pn] = {"sid": pn, "phone_number": number, "trunk_sid": trunk_sid,
                                "friendly_name": number, "account_sid": self.account_sid}
        return pn

    def add_trunk(self, friendly_name: str, domain_name: str | None = None, transfer_mode: str = "disable-all") -> str:
        tk = self.sid("TK")
        with self.lock:
            self.trunks[tk] = self._trunk(tk, friendly_name, domain_name, transfer_mode, False)
        return tk

    def add_api_key(self) -> tuple[str, str]:
        key, secret = self.sid("SK"), self.random_hex(16)
        self.api_keys[key] = secret
        return key, secret

    def number(self, phone_number: str) -> dict:
        with self.lock:
            return dict(next(n for n in self.numbers.values() if n["phone_number"] == phone_number))

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {"trunks": len(self.trunks), "origination_urls": len(self.origination),
                    "credential_lists": len(self.credential_lists),
                    "attached_lists": sum(len(v) for v in self.trunk_lists.values()),
                    "numbers_on_trunks": sum(1 for n in self.numbers.values() if n["trunk_sid"])}

    def _trunk(self, tk: str, name: str, domain: str | None, mode: str, secure: bool) -> dict:
        return {"sid": tk, "account_sid": self.account_sid, "friendly_name": name, "domain_name": domain,
                "transfer_mode": mode, "secure": secure, "cnam_lookup_enabled": False,
                "disaster_recovery_url": None, "disaster_recovery_method": None,
                "date_created": "2026-11-30T00:00:00Z", "date_updated": "2026-11-30T00:00:00Z",
                "url": f"{self.url}/v1/Trunks/{tk}", "links": {}}

    # ---- HTTP ------------------------------------------------------------------------------
    def refuse(self, status: int, message: str) -> web.Response:
        if status == 401:
            return error_response(401, 20003, message, detail="Your AccountSid or AuthToken was incorrect.")
        return error_response(status, _CODES.get(status, 20001), message)

    def route_table(self) -> list[Route]:
        t, a = "/v1/Trunks", "/2010-04-01/Accounts/{account}"
        table = [
            ("GET", t, "ListTrunks", self._list_trunks), ("POST", t, "CreateTrunk", self._create_trunk),
            ("GET", t + "/{tk}", "FetchTrunk", self._fetch_trunk), ("POST", t + "/{tk}", "UpdateTrunk", self._update_trunk),
            ("DELETE", t + "/{tk}", "DeleteTrunk", self._delete_trunk),
            ("GET", t + "/{tk}/OriginationUrls", "ListOriginationUrls", self._list_urls),
            ("POST", t + "/{tk}/OriginationUrls", "CreateOriginationUrl", self._create_url),
            ("POST", t + "/{tk}/OriginationUrls/{ou}", "UpdateOriginationUrl", self._update_url),
            ("DELETE", t + "/{tk}/OriginationUrls/{ou}", "DeleteOriginationUrl", self._delete_url),
            ("GET", t + "/{tk}/CredentialLists", "ListTrunkCredentialLists", self._list_trunk_lists),
            ("POST", t + "/{tk}/CredentialLists", "AttachCredentialList", self._attach_list),
            ("DELETE", t + "/{tk}/CredentialLists/{cl}", "DetachCredentialList", self._detach_list),
            ("GET", t + "/{tk}/PhoneNumbers", "ListTrunkPhoneNumbers", self._list_trunk_numbers),
            ("POST", t + "/{tk}/PhoneNumbers", "AttachPhoneNumber", self._attach_number),
            ("DELETE", t + "/{tk}/PhoneNumbers/{pn}", "DetachPhoneNumber", self._detach_number),
            ("GET", a + "/SIP/CredentialLists.json", "ListCredentialLists", self._list_lists),
            ("POST", a + "/SIP/CredentialLists.json", "CreateCredentialList", self._create_list),
            ("DELETE", a + "/SIP/CredentialLists/{cl:[^/.]+}.json", "DeleteCredentialList", self._delete_list),
            ("POST", a + "/SIP/CredentialLists/{cl}/Credentials.json", "CreateCredential", self._create_credential),
            ("GET", a + "/IncomingPhoneNumbers.json", "ListIncomingPhoneNumbers", self._list_numbers),
        ]
        return [Route(method, path, name, handler) for method, path, name, handler in table]

    async def answer(self, route: Route, call: Call) -> web.StreamResponse:
        account = call.match_info.get("account")
        if account is not None and account != self.account_sid:
            return error_response(404, 20404, f"The requested resource {call.path} was not found")
        try:
            form = _form(call.body) if call.method == "POST" else {}
            with self.lock:
                return route.handler(call, form)
        except TwilioRefusal as exc:
            return error_response(exc.status, exc.code, exc.message)

    def authorized(self, headers) -> bool:
        header = headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            return False
        if user == self.account_sid:
            return secrets.compare_digest(password.encode(), self.auth_token.encode())
        known = self.api_keys.get(user)
        return known is not None and secrets.compare_digest(password.encode(), known.encode())

    # ---- helpers ---------------------------------------------------------------------------
    def _page(self, request: web.Request, key: str, items: list[dict]) -> web.Response:
        url = f"{self.url}{request.path}"
        if request.path.startswith("/2010-04-01/"):
            return web.json_response({key: items, "next_page_uri": None, "previous_page_uri": None,
                                      "first_page_uri": request.path, "page": 0, "page_size": 50,
                                      "start": 0, "end": max(len(items) - 1, 0), "uri": request.path})
        meta = {"page": 0, "page_size": 50, "first_page_url": url, "previous_page_url": None, "url": url,
                "next_page_url": None, "key": key}
        return web.json_response({key: items, "meta": meta})

    def _found(self, table: dict, key: str, request: web.Request) -> dict:
        if key not in table:
            raise TwilioRefusal(404, 20404, f"The requested resource {request.path} was not found")
        return table[key]

    def _check_domain(self, domain: str, own: str | None = None) -> None:
        if not _DOMAIN.match(domain):
            raise TwilioRefusal(400, 20001, "DomainName must contain only letters, digits and '-' and end with pstn.twilio.com")
        held = domain in self.taken_domains or any(t["domain_name"] == domain and t["sid"] != own for t in self.trunks.values())
        if held:
            raise TwilioRefusal(400, 21248, "Trunk Domain already taken")

    # ---- trunks ----------------------------------------------------------------------------
    def _list_trunks(self, request, form):
        return self._page(request, "trunks", list(self.trunks.values()))

    def _create_trunk(self, request, form):
        domain = form.get("DomainName") or None
        if domain:
            self._check_domain(domain)
        mode = form.get("TransferMode", "disable-all")
        if mode not in _MODES:
            raise TwilioRefusal(400, 20001, f"TransferMode must be one of {', '.join(_MODES)}")
        tk = self.sid("TK")
        self.trunks[tk] = self._trunk(tk, form.get("FriendlyName", ""), domain, mode, form.get("Secure") == "true")
        self.trunk_lists[tk] = []
        return web.json_response(self.trunks[tk], status=201)

    def _fetch_trunk(self, request, form):
        return web.json_response(self._found(self.trunks, request.match_info["tk"], request))

    def _update_trunk(self, request, form):
        trunk = self._found(self.trunks, request.match_info["tk"], request)
        if form.get("DomainName"):
            self._check_domain(form["DomainName"], own=trunk["sid"])
        if "TransferMode" in form and form["TransferMode"] not in _MODES:
            raise TwilioRefusal(400, 20001, f"TransferMode must be one of {', '.join(_MODES)}")
        for field, key in (("FriendlyName", "friendly_name"), ("DomainName", "domain_name"), ("TransferMode", "transfer_mode")):
            if field in form:
                trunk[key] = form[field] or None
        if "Secure" in form:
            trunk["secure"] = form["Secure"] == "true"
        return web.json_response(trunk)

    def _delete_trunk(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        del self.trunks[tk]
        self.trunk_lists.pop(tk, None)
        self.origination = {k: v for k, v in self.origination.items() if v["trunk_sid"] != tk}
        for number in self.numbers.values():
            if number["trunk_sid"] == tk:
                number["trunk_sid"] = None
        return web.Response(status=204)

    # ---- origination URLs -------------------------------------------------------------------
    def _url_form(self, form: dict, current: dict | None = None) -> dict:
        url = dict(current or {})
        if "SipUrl" in form:
            if not form["SipUrl"].startswith("sip:"):
                raise TwilioRefusal(400, 20001, "SipUrl must start with sip: (sips: is not supported)")
            url["sip_url"] = form["SipUrl"]
        for field, key in (("Priority", "priority"), ("Weight", "weight")):
            if field in form:
                text = form[field]
                value = int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else -1
                if not 0 <= value <= 65535:
                    raise TwilioRefusal(400, 20001, f"{field} must be an integer between 0 and 65535")
                url[key] = value
        if "Enabled" in form:
            url["enabled"] = form["Enabled"] == "true"
        if "FriendlyName" in form:
            url["friendly_name"] = form["FriendlyName"]
        return url

    def _list_urls(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        return self._page(request, "origination_urls", [u for u in self.origination.values() if u["trunk_sid"] == tk])

    def _create_url(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        missing = [f for f in ("SipUrl", "Priority", "Weight", "Enabled", "FriendlyName") if f not in form]
        if missing:
            raise TwilioRefusal(400, 20001, f"Missing required parameter {missing[0]} in the post body")
        ou = self.sid("OU")
        self.origination[ou] = {"sid": ou, "trunk_sid": tk, "account_sid": self.account_sid, **self._url_form(form)}
        return web.json_response(self.origination[ou], status=201)

    def _update_url(self, request, form):
        url = self._found(self.origination, request.match_info["ou"], request)
        url.update(self._url_form(form, url))
        return web.json_response(url)

    def _delete_url(self, request, form):
        self._found(self.origination, request.match_info["ou"], request)
        del self.origination[request.match_info["ou"]]
        return web.Response(status=204)

    # ---- credential lists -------------------------------------------------------------------
    def _list_view(self, cl: str) -> dict:
        item = self.credential_lists[cl]
        return {"sid": cl, "account_sid": self.account_sid, "friendly_name": item["friendly_name"]}

    def _list_trunk_lists(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        return self._page(request, "credential_lists", [dict(self._list_view(c), trunk_sid=tk)
                                                        for c in self.trunk_lists.get(tk, [])])

    def _attach_list(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        cl = form.get("CredentialListSid", "")
        self._found(self.credential_lists, cl, request)
        attached = self.trunk_lists.setdefault(tk, [])
        if cl not in attached:
            attached.append(cl)
        return web.json_response(dict(self._list_view(cl), trunk_sid=tk), status=201)

    def _detach_list(self, request, form):
        attached = self.trunk_lists.get(request.match_info["tk"], [])
        if request.match_info["cl"] not in attached:
            raise TwilioRefusal(404, 20404, f"The requested resource {request.path} was not found")
        attached.remove(request.match_info["cl"])
        return web.Response(status=204)

    def _list_lists(self, request, form):
        return self._page(request, "credential_lists", [self._list_view(c) for c in self.credential_lists])

    def _create_list(self, request, form):
        name = form.get("FriendlyName", "")
        if not name or len(name) > 64:
            raise TwilioRefusal(400, 20001, "FriendlyName is required and must be up to 64 characters long")
        cl = self.sid("CL")
        self.credential_lists[cl] = {"friendly_name": name, "usernames": []}
        return web.json_response(self._list_view(cl), status=201)

    def _delete_list(self, request, form):
        cl = request.match_info["cl"]
        self._found(self.credential_lists, cl, request)
        del self.credential_lists[cl]
        for attached in self.trunk_lists.values():
            if cl in attached:
                attached.remove(cl)
        return web.Response(status=204)

    def _create_credential(self, request, form):
        cl = request.match_info["cl"]
        item = self._found(self.credential_lists, cl, request)
        username, password = form.get("Username", ""), form.get("Password", "")
        if not username or len(username) > 32:
            raise TwilioRefusal(400, 20001, "Username is required and can be up to 32 characters long")
        if twilio_password_problem(password):
            raise TwilioRefusal(400, 20001, "Password must be a minimum of 12 characters, contain at least 1 "
                                            "digit, and have mixed case")
        if username in item["usernames"]:
            raise TwilioRefusal(400, 20001, f"Username {username} already exists in this credential list")
        item["usernames"].append(username)  # the password is checked, never kept
        return web.json_response({"sid": self.sid("CR"), "credential_list_sid": cl, "username": username,
                                  "account_sid": self.account_sid}, status=201)

    # ---- phone numbers ----------------------------------------------------------------------
    def _list_numbers(self, request, form):
        wanted = request.query.get("PhoneNumber")
        items = [n for n in self.numbers.values() if wanted is None or n["phone_number"] == wanted]
        return self._page(request, "incoming_phone_numbers", items)

    def _list_trunk_numbers(self, request, form):
        tk = request.match_info["tk"]
        return self._page(request, "phone_numbers", [n for n in self.numbers.values() if n["trunk_sid"] == tk])

    def _attach_number(self, request, form):
        tk = request.match_info["tk"]
        self._found(self.trunks, tk, request)
        number = self._found(self.numbers, form.get("PhoneNumberSid", ""), request)
        number["trunk_sid"] = tk  # a number on another trunk moves, as in the Console
        return web.json_response(number, status=201)

    def _detach_number(self, request, form):
        number = self._found(self.numbers, request.match_info["pn"], request)
        if number["trunk_sid"] != request.match_info["tk"]:
            raise TwilioRefusal(404, 20404, f"The requested resource {request.path} was not found")
        number["trunk_sid"] = None
        return web.Response(status=204)
