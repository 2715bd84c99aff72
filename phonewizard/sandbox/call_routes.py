"""The sandbox's call-related Twirp services on the wire: CreateSIPParticipant, RoomService and
AgentDispatchService, in one object the server hands their requests to (`SandboxServer.calls`).

`CallRoutes.handles(path)` says whether a path is one of these; `serve(request, path, claims)`
does Twirp's steps for it (POST only, known method, Content-Type → protobuf or protojson, body
decoding, the handler, the answer in the request's encoding, errors as Twirp JSON). The token
was already verified by the server; each handler checks its own grant, as LiveKit's do.
Public for tests and the `phonewizard sandbox` command: `switches` (CallSwitches: outcomes,
timing, offline agents; call_switches.py) and `rooms` (Rooms: who is in which room).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from livekit.protocol import agent_dispatch as dispatch_pb
from livekit.protocol import room as room_pb
from livekit.protocol import sip as sip_pb

from .call_switches import CallSwitches
from .errors import TwirpError, bad_route
from .room_services import AgentDispatchService, RoomService
from .rooms import Rooms
from .sip_calls import CallSimulator
from .store import Store

SIP_SERVICE = "livekit.SIP"
ROOM_SERVICE = "livekit.RoomService"
DISPATCH_SERVICE = "livekit.AgentDispatchService"

# (service, method) → request message class
REQUESTS: dict[tuple[str, str], Any] = {
    (SIP_SERVICE, "CreateSIPParticipant"): sip_pb.CreateSIPParticipantRequest,
    (ROOM_SERVICE, "ListRooms"): room_pb.ListRoomsRequest,
    (ROOM_SERVICE, "ListParticipants"): room_pb.ListParticipantsRequest,
    (ROOM_SERVICE, "DeleteRoom"): room_pb.DeleteRoomRequest,
    (DISPATCH_SERVICE, "CreateDispatch"): dispatch_pb.CreateAgentDispatchRequest,
    (DISPATCH_SERVICE, "ListDispatch"): dispatch_pb.ListAgentDispatchRequest,
    (DISPATCH_SERVICE, "DeleteDispatch"): dispatch_pb.DeleteAgentDispatchRequest,
}
METHODS = sorted({method for _, method in REQUESTS})  # for Faults: each can be made to fail
PROTOBUF, JSON = "application/protobuf", "application/json"


class CallRoutes:
    def __init__(self, store: Store, project_url: Callable[[], str]) -> None:
        self.rooms = Rooms()
        self.switches = CallSwitches()
        self.simulator = CallSimulator(store, self.rooms, self.switches, project_url)
        self._room_service = RoomService(self.rooms)
        self._dispatch_service = AgentDispatchService(self.rooms, self.simulator)

    def handles(self, path: str) -> bool:
        """True for CreateSIPParticipant and anything under RoomService or AgentDispatchService
        (unknown methods of those two are answered here as LiveKit does: bad_route)."""
        return (path == f"/twirp/{SIP_SERVICE}/CreateSIPParticipant"
                or path.startswith((f"/twirp/{ROOM_SERVICE}/", f"/twirp/{DISPATCH_SERVICE}/")))

    async def serve(self, request: web.BaseRequest, path: str, claims: dict | None) -> web.Response:
        try:
            service, _, method = path.removeprefix("/twirp/").partition("/")
            if request.method != "POST":
                raise bad_route(f'unsupported method "{request.method}" (only POST is allowed)', request.method, path)
            request_class = REQUESTS.get((service, method))
            if request_class is None:
                raise bad_route(f"no handler for path {json.dumps(path)}", request.method, path)
            ctype = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            if ctype not in (PROTOBUF, JSON):
                raise bad_route(f"unexpected Content-Type: {json.dumps(request.headers.get('Content-Type', ''))}",
                                request.method, path)
            message = _decode(await request.read(), ctype, request_class())
            response = await self._call(service, method, message, claims, request)
            return _encode(response, ctype)
        except TwirpError as e:
            return web.Response(status=e.status, body=e.body(), content_type="application/json")

    async def _call(self, service: str, method: str, message: Any, claims: dict | None,
                    request: web.BaseRequest) -> Any:
        if service == SIP_SERVICE:
            def gone() -> bool:  # the client closed the connection: LiveKit cancels the dial
                transport = request.transport
                return transport is None or transport.is_closing()
            return await self.simulator.create_sip_participant(message, claims, gone)
        target = self._room_service if service == ROOM_SERVICE else self._dispatch_service
        return await getattr(target, method)(message, claims)


def _decode(body: bytes, ctype: str, message: Any) -> Any:
    if ctype == PROTOBUF:
        try:
            message.ParseFromString(body)
        except DecodeError:
            raise TwirpError("malformed", "the protobuf request could not be decoded") from None
        return message
    try:
        json_format.Parse(body.decode("utf-8") or "{}", message, ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError, ValueError):
        raise TwirpError("malformed", "the json request could not be decoded") from None
    return message


def _encode(response: Any, ctype: str) -> web.Response:
    if ctype == JSON:
        text = json_format.MessageToJson(response, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)
        return web.Response(status=200, text=text, content_type=JSON)
    return web.Response(status=200, body=response.SerializeToString(), content_type=PROTOBUF)
