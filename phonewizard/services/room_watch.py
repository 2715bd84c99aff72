"""Watching and removing a test call's rooms: the pieces the test call and the inbound check share.

`participants` lists a room (RoomService ListParticipants: roomAdmin for that room, a token
livekit-api signs per request); `delete_room_shielded` removes a room and survives a second
cancellation, the way the registrar's rollback does: the room of a cancelled call must still go,
or it would keep the SIP call and the agent (and their minutes) alive.
"""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.api import TwirpError
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import DeleteRoomRequest, ListParticipantsRequest, ListRoomsRequest

from phonewizard.services.livekit_client import Connection, map_error, within

SIP_KIND = ParticipantInfo.Kind.SIP
AGENT_KIND = ParticipantInfo.Kind.AGENT
CALL_STATUS = "sip.callStatus"  # livekit/protocol livekit/attrs.go AttrSIPCallStatus


async def participants(api: Any, conn: Connection, room: str) -> list[ParticipantInfo]:
    response = await within(conn, api.room.list_participants(ListParticipantsRequest(room=room)))
    return list(response.participants)


async def room_names(api: Any, conn: Connection) -> set[str]:
    response = await within(conn, api.room.list_rooms(ListRoomsRequest()))
    return {r.name for r in response.rooms}


def call_status(p: ParticipantInfo) -> str:
    return p.attributes.get(CALL_STATUS, "")


def has_agent(people: list[ParticipantInfo]) -> bool:
    return any(p.kind == AGENT_KIND for p in people)


async def _delete(api: Any, conn: Connection, room: str) -> None:
    try:
        await within(conn, api.room.delete_room(DeleteRoomRequest(room=room)))
    except TwirpError as exc:
        if exc.code != "not_found":  # already gone (LiveKit closed it, or the call never made it)
            raise


async def delete_room_shielded(api: Any, conn: Connection, room: str, problems: list[str]) -> bool:
    """Delete `room`; True when it is gone, else a sentence saying why it may remain is appended to
    `problems`. Runs to the end even when the caller is cancelled again meanwhile; that
    cancellation is raised afterwards (with `problems` already filled in)."""
    task = asyncio.ensure_future(_delete(api, conn, room))
    cancelled_again = False
    while not task.done():
        try:
            await asyncio.wait([task])  # never cancels `task`, never raises its error
        except asyncio.CancelledError:
            if task.done():
                break
            cancelled_again = True
    exc: BaseException | None = asyncio.CancelledError() if task.cancelled() else task.exception()
    if exc is not None:
        if isinstance(exc, asyncio.CancelledError):
            mapped: object = "deleting it was interrupted"
        else:
            mapped = map_error(exc, conn) or f"{type(exc).__name__}: {exc}"
        problems.append(f"the room “{room}” may still exist ({mapped}); remove it in LiveKit Cloud → Rooms "
                        f"or with `lk room delete {room}`")
    if cancelled_again:
        raise asyncio.CancelledError()
    return exc is None
