"""``livekit.PhoneNumberService`` (LiveKit Cloud only; not wrapped by livekit-api 1.2.2).

Requests and responses are the protobuf messages of ``phone_number_pb.py`` (livekit/protocol
``protobufs/livekit_phone_number.proto``), so the server decodes and encodes them exactly as it
does the SIP service: binary protobuf or protojson in, the same encoding out (protojson with the
proto field names, like a generated Twirp server).

The sandbox owns a fixed set of "purchased" numbers; ``UpdatePhoneNumber`` assigns one to a
dispatch rule. ``sip_dispatch_rule_id`` is a proto3 ``optional`` there: set to an ID it attaches
the number, set to ``""`` it detaches it, left out it changes nothing. Search, Purchase and
Release answer ``unimplemented``: the sandbox sells no numbers (the wizard never buys or releases).
"""

from __future__ import annotations

from google.protobuf import json_format

from .errors import RULE_NOT_FOUND, TwirpError, invalid, not_found
from .phone_number_pb import CLASSES, PhoneNumber
from .store import Store

PHONE_NUMBER_NOT_FOUND = "phone number not found"
NOT_SOLD_HERE = ("the phonewizard sandbox sells no phone numbers; it owns a fixed set, "
                 "listed by ListPhoneNumbers")
OFFLINE = "PHONE_NUMBER_STATUS_OFFLINE"


def _message(pn: dict):
    """A stored phone number (a snake_case dict with enum names) as a PhoneNumber message."""
    return json_format.ParseDict(pn, PhoneNumber(), ignore_unknown_fields=True)


class PhoneNumberService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def ListPhoneNumbers(self, req):
        statuses = set(req.statuses)
        status_value = PhoneNumber.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_name
        with self.store.lock:
            items = [dict(pn) for _, pn in sorted(self.store.phone_numbers.items())]
        if statuses:
            items = [pn for pn in items if status_value[pn["status"]].number in statuses]
        if req.sip_dispatch_rule_id:
            items = [pn for pn in items if req.sip_dispatch_rule_id in pn["sip_dispatch_rule_ids"]]
        total = len(items)
        offline = sum(1 for pn in items if pn["status"] == OFFLINE)
        if req.limit > 0:
            items = items[: req.limit]
        return CLASSES["ListPhoneNumbersResponse"](
            items=[_message(pn) for pn in items], total_count=total, offline_count=offline)

    def _lookup(self, req) -> dict:
        if not req.id and not req.phone_number:
            raise invalid("either id or phone_number must be set")
        pn = self.store.find_phone_number(pn_id=req.id, e164=req.phone_number)
        if pn is None:
            raise not_found(PHONE_NUMBER_NOT_FOUND)
        return pn

    def GetPhoneNumber(self, req):
        with self.store.lock:
            return CLASSES["GetPhoneNumberResponse"](phone_number=_message(self._lookup(req)))

    def UpdatePhoneNumber(self, req):
        with self.store.lock:
            pn = self._lookup(req)
            if req.HasField("sip_dispatch_rule_id"):
                rule_id = req.sip_dispatch_rule_id
                if rule_id and self.store.get("rules", rule_id) is None:
                    raise not_found(RULE_NOT_FOUND)
                pn = self.store.assign_phone_number(pn, rule_id)
            return CLASSES["UpdatePhoneNumberResponse"](phone_number=_message(pn))

    def SearchPhoneNumbers(self, req):
        raise TwirpError("unimplemented", NOT_SOLD_HERE)

    def PurchasePhoneNumber(self, req):
        raise TwirpError("unimplemented", NOT_SOLD_HERE)

    def ReleasePhoneNumbers(self, req):
        raise TwirpError("unimplemented", NOT_SOLD_HERE)
