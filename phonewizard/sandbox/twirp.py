"""Twirp's routing and encodings, as LiveKit's generated servers (``livekit/*.twirp.go``) do them.

Both services the sandbox serves — ``livekit.SIP`` and ``livekit.PhoneNumberService`` — go through
the same steps: POST only, a known service and method (else ``bad_route`` with the
``twirp_invalid_route`` meta), then the Content-Type decides the encoding: ``application/protobuf``
(binary) or ``application/json`` (protojson: proto or lowerCamelCase names in, unknown fields
ignored), anything else is ``bad_route``. The answer uses the request's encoding; JSON answers use
the proto field names and include unset fields, like ``protojson.MarshalOptions{UseProtoNames:
true, EmitUnpopulated: true}`` in the generated code. Undecodable bodies are ``malformed``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from livekit.protocol import sip as sip_pb

from . import phone_number_pb
from .errors import TwirpError, bad_route

SIP_SERVICE = "livekit.SIP"
PHONE_SERVICE = "livekit.PhoneNumberService"
PROTOBUF = "application/protobuf"
JSON = "application/json"
NO_CALLS = "the phonewizard sandbox transfers no calls; use a LiveKit project for TransferSIPParticipant"

# livekit.SIP method → request message (livekit_sip.proto); the response type is the handler's.
SIP_REQUESTS = {
    "ListSIPTrunk": sip_pb.ListSIPTrunkRequest,  # deprecated, still served by LiveKit
    "CreateSIPInboundTrunk": sip_pb.CreateSIPInboundTrunkRequest,
    "UpdateSIPInboundTrunk": sip_pb.UpdateSIPInboundTrunkRequest,
    "CreateSIPOutboundTrunk": sip_pb.CreateSIPOutboundTrunkRequest,
    "UpdateSIPOutboundTrunk": sip_pb.UpdateSIPOutboundTrunkRequest,
    "GetSIPInboundTrunk": sip_pb.GetSIPInboundTrunkRequest,
    "GetSIPOutboundTrunk": sip_pb.GetSIPOutboundTrunkRequest,
    "ListSIPInboundTrunk": sip_pb.ListSIPInboundTrunkRequest,
    "ListSIPOutboundTrunk": sip_pb.ListSIPOutboundTrunkRequest,
    "DeleteSIPTrunk": sip_pb.DeleteSIPTrunkRequest,
    "CreateSIPDispatchRule": sip_pb.CreateSIPDispatchRuleRequest,
    "UpdateSIPDispatchRule": sip_pb.UpdateSIPDispatchRuleRequest,
    "ListSIPDispatchRule": sip_pb.ListSIPDispatchRuleRequest,
    "DeleteSIPDispatchRule": sip_pb.DeleteSIPDispatchRuleRequest,
}
# Real LiveKit methods that need a SIP bridge. CreateSIPParticipant is simulated by call_routes.py,
# which the server asks first (this entry keeps its name in the request log); a transfer is not.
CALL_REQUESTS = {
    "CreateSIPParticipant": sip_pb.CreateSIPParticipantRequest,
    "TransferSIPParticipant": sip_pb.TransferSIPParticipantRequest,
}


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    request: type
    handler: Callable[[Any], Any] | None  # None: decoded, then answered "unimplemented"


def routes(sip: Any, phone: Any) -> dict[str, Route]:
    """Path → Route for every method the sandbox answers."""
    table = [Route(SIP_SERVICE, m, cls, getattr(sip, m)) for m, cls in SIP_REQUESTS.items()]
    table += [Route(SIP_SERVICE, m, cls, None) for m, cls in CALL_REQUESTS.items()]
    table += [Route(PHONE_SERVICE, m, cls, getattr(phone, m)) for m, cls in phone_number_pb.REQUESTS.items()]
    return {f"/twirp/{r.service}/{r.method}": r for r in table}


def method_names() -> list[str]:
    return [*SIP_REQUESTS, *CALL_REQUESTS, *phone_number_pb.REQUESTS]


def content_type(headers: Any) -> str:
    header = headers.get("Content-Type", "")
    return header.split(";", 1)[0].strip().lower()


def bad_content_type(headers: Any, method: str, path: str) -> TwirpError:
    raw = headers.get("Content-Type", "")
    return bad_route(f"unexpected Content-Type: {json.dumps(raw)}", method, path)


def no_handler(method: str, path: str) -> TwirpError:
    return bad_route(f"no handler for path {json.dumps(path)}", method, path)


def decode(body: bytes, ctype: str, message: Any) -> Any:
    """The request message from its body; TwirpError ``malformed`` when it cannot be decoded."""
    if ctype == PROTOBUF:
        try:
            message.ParseFromString(body)
        except (DecodeError, RecursionError):
            raise TwirpError("malformed", "the protobuf request could not be decoded") from None
        return message
    try:
        # json.loads inside recurses once per level: 100,000 nested '[' end as RecursionError.
        json_format.Parse(body.decode("utf-8"), message, ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError, ValueError, TypeError, RecursionError):
        raise TwirpError("malformed", "the json request could not be decoded") from None
    return message


def encode(message: Any, ctype: str) -> tuple[bytes, str]:
    """The response body in the request's encoding, and its Content-Type."""
    if ctype == PROTOBUF:
        return message.SerializeToString(), PROTOBUF
    text = json_format.MessageToJson(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True, indent=None)
    return text.encode(), JSON


def body_read_error(ctype: str) -> TwirpError:
    """What the generated code answers when the body cannot be read in full (too large)."""
    if ctype == PROTOBUF:
        return TwirpError("malformed", "failed to read request body")
    return TwirpError("malformed", "the json request could not be decoded")
