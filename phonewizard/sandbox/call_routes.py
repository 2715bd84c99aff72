"""The sandbox's call-related Twirp services: CreateSIPParticipant, RoomService and
AgentDispatchService, in one object the server hands their requests to (`SandboxServer.calls`).

`CallRoutes.handles(path)` says whether a path is one of these; `serve(request, path, claims, read)`
does the Twirp steps after the server's (POST, token, body cap and timeout via `read`): known
method, Content-Type, decoding, the handler, the answer in the request's encoding (twirp.py).
Failures are raised as TwirpError for the server to write. Each handler checks its own grant, as
LiveKit's do. Public for tests and `phonewizard sandbox`: `switches` (CallSwitches: outcomes,
timing, offline agents; call_switches.py) and `rooms` (Rooms: who is in which room).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiohttp import web
from livekit.protocol import agent_dispatch as dispatch_pb
from livekit.protocol import room as room_pb
from livekit.protocol import sip as sip_pb

from . import twirp
from .call_switches import CallSwitches
from .room_services import AgentDispatchService, RoomService
from .rooms import Rooms
from .sip_calls import CallSimulator
from .store import Store

SIP_SERVICE = twirp.SIP_SERVICE
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
Reader = Callable[[web.BaseRequest, str], Awaitable[bytes]]


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

    async def serve(self, request: web.BaseRequest, path: str, claims: dict | None, read: Reader) -> web.Response:
        """Answer one request (POST and token already checked); raises TwirpError on failure."""
        service, _, method = path.removeprefix("/twirp/").partition("/")
        request_class = REQUESTS.get((service, method))
        if request_class is None:
            raise twirp.no_handler(request.method, path)
        ctype = twirp.content_type(request.headers)
        if ctype not in (twirp.PROTOBUF, twirp.JSON):
            raise twirp.bad_content_type(request.headers, request.method, path)
        message = twirp.decode(await read(request, ctype), ctype, request_class())
        data, out_type = twirp.encode(await self._call(service, method, message, claims, request), ctype)
        return web.Response(status=200, body=data, content_type=out_type)

    async def _call(self, service: str, method: str, message: Any, claims: dict | None,
                    request: web.BaseRequest) -> Any:
        if service == SIP_SERVICE:
            def gone() -> bool:  # the client closed the connection: LiveKit cancels the dial
                transport = request.transport
                return transport is None or transport.is_closing()
            return await self.simulator.create_sip_participant(message, claims, gone)
        target = self._room_service if service == ROOM_SERVICE else self._dispatch_service
        return await getattr(target, method)(message, claims)

