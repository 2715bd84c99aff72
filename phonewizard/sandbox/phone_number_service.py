"""``livekit.PhoneNumberService`` (LiveKit Cloud only; not in livekit-api 1.2.2), over JSON.

Field names follow livekit/protocol ``protobufs/livekit_phone_number.proto``. Requests accept
protojson names in snake_case or lowerCamelCase; responses use lowerCamelCase like protojson.
The sandbox owns a fixed set of "purchased" numbers; ``UpdatePhoneNumber`` assigns one to a
dispatch rule (an empty ``sip_dispatch_rule_id`` detaches it). Search/Purchase/Release are not
emulated: the wizard never buys or releases numbers.
"""

from __future__ import annotations

import re

from .errors import RULE_NOT_FOUND, invalid, not_found
from .store import Store

PHONE_NUMBER_NOT_FOUND = "phone number not found"
STATUS_VALUES = {
    "PHONE_NUMBER_STATUS_UNSPECIFIED": 0,
    "PHONE_NUMBER_STATUS_ACTIVE": 1,
    "PHONE_NUMBER_STATUS_PENDING": 2,
    "PHONE_NUMBER_STATUS_RELEASED": 3,
    "PHONE_NUMBER_STATUS_OFFLINE": 4,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def to_json(value):
    """snake_case dict → protojson lowerCamelCase (``e164_format`` → ``e164Format``)."""
    if isinstance(value, dict):
        return {_camel(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def from_json(body: object) -> dict:
    """A JSON object request with its keys in snake_case; anything else is malformed."""
    if not isinstance(body, dict):
        raise ValueError("request body must be a JSON object")
    return {_snake(k): v for k, v in body.items()}


def _string(req: dict, name: str) -> str:
    value = req.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string")
    return value


class PhoneNumberService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def ListPhoneNumbers(self, req: dict) -> dict:
        statuses = {STATUS_VALUES.get(s, s) for s in req.get("statuses") or []}
        rule_id = _string(req, "sip_dispatch_rule_id")
        limit = req.get("limit") or 0
        with self.store.lock:
            items = [dict(pn) for _, pn in sorted(self.store.phone_numbers.items())]
        if statuses:
            items = [pn for pn in items if STATUS_VALUES[pn["status"]] in statuses]
        if rule_id:
            items = [pn for pn in items if rule_id in pn["sip_dispatch_rule_ids"]]
        total = len(items)
        offline = sum(1 for pn in items if pn["status"] == "PHONE_NUMBER_STATUS_OFFLINE")
        if isinstance(limit, int) and limit > 0:
            items = items[:limit]
        return to_json({"items": items, "total_count": total, "offline_count": offline})

    def _lookup(self, req: dict) -> dict:
        pn_id = _string(req, "id")
        e164 = _string(req, "phone_number")
        if not pn_id and not e164:
            raise invalid("either id or phone_number must be set")
        pn = self.store.find_phone_number(pn_id=pn_id, e164=e164)
        if pn is None:
            raise not_found(PHONE_NUMBER_NOT_FOUND)
        return pn

    def GetPhoneNumber(self, req: dict) -> dict:
        with self.store.lock:
            return to_json({"phone_number": dict(self._lookup(req))})

    def UpdatePhoneNumber(self, req: dict) -> dict:
        rule_id = _string(req, "sip_dispatch_rule_id")
        with self.store.lock:
            pn = self._lookup(req)
            if rule_id and self.store.get("rules", rule_id) is None:
                raise not_found(RULE_NOT_FOUND)
            return to_json({"phone_number": self.store.assign_phone_number(pn, rule_id)})
