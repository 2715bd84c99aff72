"""The sandbox's rooms: who is in them, and the agent dispatches made into them.

On LiveKit a room exists from the moment something creates it (a participant joining, an agent
dispatch with auto-create, CreateRoom) until it is deleted or closes on its own some time after the
last participant left (`departure_timeout`). The sandbox never closes a room on its own: a room the
client forgot to delete stays visible, which is exactly what the test-call tests look for.

Participants are livekit-protocol `ParticipantInfo` messages (a SIP caller is kind SIP with the
`sip.*` attributes, an agent kind AGENT). A `threading.Lock` guards everything: tests read rooms
from their own thread while the server's loop changes them. `ended(room)` is an asyncio.Event the
calls in that room wait on, set when the room is deleted.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from livekit.protocol import agent_dispatch as dispatch_pb
from livekit.protocol import models as models_pb

from .ids import new_id

ROOM_PREFIX = "RM_"
PARTICIPANT_PREFIX = "PA_"
DISPATCH_PREFIX = "AD_"
EMPTY_TIMEOUT = 300  # LiveKit's defaults, reported on the Room message (the sandbox does not act on them)
DEPARTURE_TIMEOUT = 20


@dataclass
class _Room:
    info: models_pb.Room
    participants: dict[str, models_pb.ParticipantInfo] = field(default_factory=dict)
    dispatches: list[dispatch_pb.AgentDispatch] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)


class Rooms:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[str, _Room] = {}
        self.deleted: list[str] = []  # names, in the order they were deleted (tests read it)

    # ---- rooms ---------------------------------------------------------------------------
    def ensure(self, name: str) -> models_pb.Room:
        """The room, created when missing (what a joining participant or a dispatch does)."""
        with self._lock:
            return _copy(self._ensure(name).info)

    def _ensure(self, name: str) -> _Room:
        room = self._rooms.get(name)
        if room is None:
            now = time.time()
            info = models_pb.Room(sid=new_id(ROOM_PREFIX), name=name, empty_timeout=EMPTY_TIMEOUT,
                                  departure_timeout=DEPARTURE_TIMEOUT, creation_time=int(now),
                                  creation_time_ms=int(now * 1000))
            room = self._rooms[name] = _Room(info)
        return room

    def exists(self, name: str) -> bool:
        with self._lock:
            return name in self._rooms

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._rooms)

    def list(self, names: list[str] | None = None) -> list[models_pb.Room]:
        """Rooms (all, or those named), with their participant counts filled in."""
        with self._lock:
            chosen = [self._rooms[n] for n in sorted(self._rooms) if not names or n in names]
            out = []
            for room in chosen:
                info = _copy(room.info)
                info.num_participants = len(room.participants)
                info.num_publishers = sum(1 for p in room.participants.values() if p.is_publisher)
                out.append(info)
            return out

    def delete(self, name: str) -> bool:
        """Remove the room and everyone in it; the calls in it see `ended(name)` set."""
        with self._lock:
            room = self._rooms.pop(name, None)
            if room is None:
                return False
            self.deleted.append(name)
        room.ended.set()
        return True

    def ended(self, name: str) -> asyncio.Event | None:
        with self._lock:
            room = self._rooms.get(name)
            return room.ended if room is not None else None

    # ---- participants --------------------------------------------------------------------
    def join(self, room_name: str, participant: models_pb.ParticipantInfo) -> models_pb.ParticipantInfo:
        with self._lock:
            room = self._ensure(room_name)
            joined = _copy(participant)
            if not joined.sid:
                joined.sid = new_id(PARTICIPANT_PREFIX)
            now = time.time()
            joined.joined_at, joined.joined_at_ms = int(now), int(now * 1000)
            room.participants[joined.identity] = joined
            return _copy(joined)

    def set_attributes(self, room_name: str, identity: str, **attributes: str) -> None:
        with self._lock:
            room = self._rooms.get(room_name)
            participant = room.participants.get(identity) if room else None
            if participant is not None:
                participant.attributes.update(attributes)

    def leave(self, room_name: str, identity: str) -> bool:
        with self._lock:
            room = self._rooms.get(room_name)
            return room is not None and room.participants.pop(identity, None) is not None

    def participants(self, room_name: str) -> list[models_pb.ParticipantInfo]:
        with self._lock:
            room = self._rooms.get(room_name)
            return [_copy(p) for p in room.participants.values()] if room else []

    def has(self, room_name: str, identity: str) -> bool:
        with self._lock:
            room = self._rooms.get(room_name)
            return room is not None and identity in room.participants

    # ---- agent dispatches ----------------------------------------------------------------
    def add_dispatch(self, room_name: str, agent_name: str, metadata: str = "") -> dispatch_pb.AgentDispatch:
        with self._lock:
            room = self._ensure(room_name)
            dispatch = dispatch_pb.AgentDispatch(id=new_id(DISPATCH_PREFIX), agent_name=agent_name,
                                                 room=room_name, metadata=metadata)
            dispatch.state.created_at = time.time_ns()
            room.dispatches.append(dispatch)
            return _copy(dispatch)

    def dispatches(self, room_name: str, dispatch_id: str = "") -> list[dispatch_pb.AgentDispatch]:
        with self._lock:
            room = self._rooms.get(room_name)
            found = room.dispatches if room else []
            return [_copy(d) for d in found if not dispatch_id or d.id == dispatch_id]

    def remove_dispatch(self, room_name: str, dispatch_id: str) -> dispatch_pb.AgentDispatch | None:
        with self._lock:
            room = self._rooms.get(room_name)
            for d in list(room.dispatches if room else []):
                if d.id == dispatch_id:
                    room.dispatches.remove(d)
                    return _copy(d)
            return None


def _copy(msg):
    dup = type(msg)()
    dup.CopyFrom(msg)
    return dup
