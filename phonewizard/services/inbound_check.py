"""The inbound check: ring the registered number through its own outbound trunk, and watch it arrive.

The call leaves through the carrier (CreateSIPParticipant into a probe room), the carrier sends it
back to LiveKit as an inbound call, the dispatch rule creates a room named `<prefix>_…` with the
caller as a SIP participant, and the rule's agent joins. Those are the stages (domain/call_stages):
`dialled` (the outgoing leg rang or was answered), `room_created`, `caller_joined`, `agent_joined`.
Rooms are read with RoomService ListRooms / ListParticipants; only rooms that did not exist before
the call and whose SIP participant is this very call's caller count, so someone else's call to the
number at the same moment is neither mistaken for it nor deleted. Afterwards both rooms (the probe
room and the inbound room found) are deleted, shielded, whatever happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from google.protobuf.duration_pb2 import Duration
from livekit.api import SipCallError, TwirpError
from livekit.protocol.sip import CreateSIPParticipantRequest

from phonewizard.domain.call_stages import CallEvent
from phonewizard.domain.call_verdict import BridgeFailure, bridge_failure
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.livekit_client import Connection, guard, open_api
from phonewizard.services.room_watch import (
    AGENT_KIND,
    SIP_KIND,
    call_status,
    delete_room_shielded,
    has_agent,
    participants,
    room_names,
)

PROBE_IDENTITY = "phonewizard-inbound-check"
RING_MARGIN = 2.0
Emit = Callable[[CallEvent], None]


@dataclass(frozen=True)
class InboundPlan:
    trunk_id: str
    caller_id: str  # a number of the outbound trunk
    number: str  # the registered number, dialled
    room: str  # the outgoing leg's room
    room_prefix: str  # the dispatch rule's
    agent_name: str | None  # the agent the rule dispatches (None: none to wait for)
    ringing_timeout: float = 30.0
    agent_wait: float = 20.0  # after the caller joined, how long the agent may take
    poll_interval: float = 0.5


@dataclass
class InboundReport:
    room: str
    events: list[CallEvent] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)
    inbound_room: str | None = None
    sip_status_code: int | None = None
    sip_status: str | None = None
    bridge_failure: BridgeFailure | None = None
    bridge_message: str = ""
    rooms_deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    waited: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def reach(self, stage: str, emit: Emit | None, detail: str = "") -> None:
        if stage in self.reached:
            return
        self.reached.add(stage)
        event = CallEvent(stage, time.monotonic() - self.started, detail)
        self.events.append(event)
        if emit is not None:
            emit(event)


async def check_inbound(conn: Connection, plan: InboundPlan, report: InboundReport,
                        emit: Emit | None = None) -> InboundReport:
    async with open_api(conn, failover=False) as api:
        try:
            await guard(conn, _check(api, conn, plan, report, emit))
        finally:
            for room in (plan.room, report.inbound_room):
                if room and await delete_room_shielded(api, conn, room, report.problems):
                    report.rooms_deleted.append(room)
    return report


async def _check(api: Any, conn: Connection, plan: InboundPlan, report: InboundReport, emit: Emit | None) -> None:
    before = await room_names(api, conn)
    dial = asyncio.ensure_future(api.sip.create_sip_participant(CreateSIPParticipantRequest(
        sip_trunk_id=plan.trunk_id, sip_call_to=plan.number, sip_number=plan.caller_id, room_name=plan.room,
        participant_identity=PROBE_IDENTITY, wait_until_answered=True,
        ringing_timeout=Duration(seconds=int(plan.ringing_timeout)),
        max_call_duration=Duration(seconds=int(plan.ringing_timeout + plan.agent_wait + 30)))))
    joined_at: float | None = None
    give_up = time.monotonic() + plan.ringing_timeout + RING_MARGIN + conn.timeout
    try:
        while True:
            await _look(api, conn, plan, report, emit, before)
            if "caller_joined" in report.reached and joined_at is None:
                joined_at = time.monotonic()
                give_up = min(give_up, joined_at + plan.agent_wait) if plan.agent_name else time.monotonic()
            if _complete(plan, report) or time.monotonic() >= give_up:
                break
            if dial.done() and not _dial_ok(dial, report, emit):
                await _look(api, conn, plan, report, emit, before)  # what the failure left behind
                break
            await asyncio.sleep(plan.poll_interval)
    finally:
        report.waited = time.monotonic() - report.started
        if not dial.done():
            dial.cancel()
        await asyncio.gather(dial, return_exceptions=True)


def _complete(plan: InboundPlan, report: InboundReport) -> bool:
    needed = {"dialled", "room_created", "caller_joined"} | ({"agent_joined"} if plan.agent_name else set())
    return needed <= report.reached


def _dial_ok(dial: asyncio.Future, report: InboundReport, emit: Emit | None) -> bool:
    """The finished outgoing leg: True when answered; a failure of the call itself is recorded,
    LiveKit refusing the request is raised."""
    exc = dial.exception()
    if exc is None:
        report.reach("dialled", emit, "answered")
        return True
    if isinstance(exc, SipCallError) and exc.sip_status_code is not None:
        report.sip_status_code, report.sip_status = exc.sip_status_code, exc.sip_status
        return False
    kind = bridge_failure(exc.message) if isinstance(exc, TwirpError) else None
    if kind is None:
        raise exc
    report.bridge_failure, report.bridge_message = kind, exc.message.removeprefix("twirp error unknown: ")
    return False


async def _look(api: Any, conn: Connection, plan: InboundPlan, report: InboundReport, emit: Emit | None,
                before: set[str]) -> None:
    """One look at the probe room (did it ring?) and at the rooms that appeared since the start."""
    for p in await participants(api, conn, plan.room):
        if p.identity == PROBE_IDENTITY and call_status(p) in ("ringing", "active"):
            report.reach("dialled", emit, call_status(p))
    candidates = [report.inbound_room] if report.inbound_room else sorted(
        n for n in await room_names(api, conn) - before if n.startswith(plan.room_prefix + "_"))
    for name in candidates:
        people = await participants(api, conn, name)
        if not any(p.kind == SIP_KIND and _is_caller(p, plan.caller_id) for p in people):
            continue  # not yet joined, or another caller's call: not ours to judge or delete
        report.inbound_room = name
        report.reach("dialled", emit, "the call came back in")
        report.reach("room_created", emit, name)
        report.reach("caller_joined", emit, plan.caller_id)
        if has_agent(people):
            report.reach("agent_joined", emit, next(p.name or p.identity for p in people if p.kind == AGENT_KIND))
        return


def _is_caller(p: Any, caller_id: str) -> bool:
    """Whether SIP participant `p` is this check's call: its number attribute, or the identity
    LiveKit derives from the caller (`sip_<caller>`, or the hashed one with hide_phone_number),
    for the caller ID with or without its "+" (carriers differ)."""
    if normalize_number(p.attributes.get("sip.phoneNumber", "") or "-") == normalize_number(caller_id):
        return True
    forms = {caller_id, caller_id.lstrip("+")}
    identities = {"sip_" + f for f in forms} | {"sip_" + hashlib.sha256(f.encode()).digest()[:8].hex() for f in forms}
    return p.identity in identities
