"""`livekit.RoomService` (ListRooms, ListParticipants, DeleteRoom) and `livekit.AgentDispatchService`
(CreateDispatch, ListDispatch, DeleteDispatch), with LiveKit's grant checks and messages.

Grants (livekit-server pkg/service/auth.go, roomservice.go, agent_dispatch_service.go): ListRooms
needs `roomList`; DeleteRoom `roomCreate`; ListParticipants and the dispatch methods `roomAdmin`
for exactly that room (`video.room`). A missing grant is Twirp `unauthenticated` "permissions
denied" (twirpAuthError). Errors LiveKit returns as psrpc errors (ErrRoomNotFound) reach the client
through xtwirp.ToError, hence "twirp error unknown: " before their text (sip_errors.py).
ListParticipants of a room that does not exist is an empty list, as the open-source server's
store answers; ListDispatch of one is empty too (unverified against LiveKit Cloud).
"""

from __future__ import annotations

from livekit.protocol import agent_dispatch as dispatch_pb
from livekit.protocol import room as room_pb

from .errors import TwirpError
from .rooms import Rooms
from .sip_calls import CallSimulator
from .sip_errors import psrpc_error

ROOM_NOT_FOUND = "requested room does not exist"
DISPATCH_NOT_FOUND = "dispatch ID not found"  # pkg/rtc/room.go DeleteAgentDispatch


def _video(claims: dict | None) -> dict:
    video = (claims or {}).get("video")
    return video if isinstance(video, dict) else {}


def _require(ok: bool) -> None:
    if not ok:
        raise TwirpError("unauthenticated", "permissions denied")


def require_list(claims: dict | None) -> None:
    _require(_video(claims).get("roomList") is True)  # EnsureListPermission


def require_create(claims: dict | None) -> None:
    _require(_video(claims).get("roomCreate") is True)  # EnsureCreatePermission


def require_admin(claims: dict | None, room: str) -> None:
    video = _video(claims)  # EnsureAdminPermission: roomAdmin and that very room
    _require(video.get("roomAdmin") is True and video.get("room", "") == room)


class RoomService:
    def __init__(self, rooms: Rooms) -> None:
        self.rooms = rooms

    async def ListRooms(self, req: room_pb.ListRoomsRequest, claims: dict | None) -> room_pb.ListRoomsResponse:
        require_list(claims)
        return room_pb.ListRoomsResponse(rooms=self.rooms.list(list(req.names) or None))

    async def ListParticipants(self, req: room_pb.ListParticipantsRequest,
                               claims: dict | None) -> room_pb.ListParticipantsResponse:
        require_admin(claims, req.room)
        return room_pb.ListParticipantsResponse(participants=self.rooms.participants(req.room))

    async def DeleteRoom(self, req: room_pb.DeleteRoomRequest, claims: dict | None) -> room_pb.DeleteRoomResponse:
        require_create(claims)
        if not self.rooms.delete(req.room):
            raise psrpc_error("not_found", ROOM_NOT_FOUND)
        return room_pb.DeleteRoomResponse()


class AgentDispatchService:
    def __init__(self, rooms: Rooms, calls: CallSimulator) -> None:
        self.rooms, self.calls = rooms, calls

    async def CreateDispatch(self, req: dispatch_pb.CreateAgentDispatchRequest,
                             claims: dict | None) -> dispatch_pb.AgentDispatch:
        require_admin(claims, req.room)
        # The room is created if missing (roomAllocator.AutoCreateEnabled, LiveKit's default).
        return self.calls.dispatch_agent(req.room, req.agent_name, req.metadata)

    async def ListDispatch(self, req: dispatch_pb.ListAgentDispatchRequest,
                           claims: dict | None) -> dispatch_pb.ListAgentDispatchResponse:
        require_admin(claims, req.room)
        return dispatch_pb.ListAgentDispatchResponse(agent_dispatches=self.rooms.dispatches(req.room, req.dispatch_id))

    async def DeleteDispatch(self, req: dispatch_pb.DeleteAgentDispatchRequest,
                             claims: dict | None) -> dispatch_pb.AgentDispatch:
        require_admin(claims, req.room)
        removed = self.rooms.remove_dispatch(req.room, req.dispatch_id)
        if removed is None:
            raise psrpc_error("not_found", DISPATCH_NOT_FOUND)
        return removed
