"""A real outbound test call through a registration's outbound trunk, and its room removed afterwards.

`place_call(conn, plan, report, emit)`:
1. unless the plan has no agent, AgentDispatchService CreateDispatch of the agent into the test
   room (the room is created by it), so the callee hears the agent;
2. CreateSIPParticipant through the outbound trunk with `wait_until_answered` and the ringing
   timeout, while the room's participants are watched for `sip.callStatus` "ringing" and an agent;
3. once answered, the call lasts until the callee hangs up (the SIP participant leaves the room)
   or `max_seconds` pass;
4. always, in `finally`: DeleteRoom, shielded from a second cancellation (room_watch.py). Deleting
   the room ends the SIP call and the agent's job.
`report` (a DialReport the caller owns) is filled in as the call goes, so a caller that cancels
still knows how far it got and whether the room is gone. Every request runs under our own timeout;
the dial under the ringing timeout plus a margin. livekit-api's Cloud failover is off for the
whole call: a replayed CreateSIPParticipant would ring the phone a second time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from google.protobuf.duration_pb2 import Duration
from livekit.api import SipCallError, TwirpError
from livekit.protocol.agent_dispatch import CreateAgentDispatchRequest
from livekit.protocol.sip import CreateSIPParticipantRequest

from phonewizard.domain.call_stages import CallEvent
from phonewizard.domain.call_verdict import BridgeFailure, bridge_failure
from phonewizard.services.errors import LiveKitUnreachable
from phonewizard.services.livekit_client import Connection, guard, open_api, within
from phonewizard.services.room_watch import (
    AGENT_KIND,
    call_status,
    delete_room_shielded,
    has_agent,
    participants,
)

CALLEE_IDENTITY = "phonewizard-callee"
RING_MARGIN = 2.0  # livekit-api's RINGING_TIMEOUT_MARGIN: the request outlasts the ringing
Emit = Callable[[CallEvent], None]


@dataclass(frozen=True)
class DialPlan:
    trunk_id: str
    caller_id: str  # one of the trunk's numbers
    destination: str  # +E.164
    room: str
    ringing_timeout: float = 30.0
    max_seconds: float = 60.0  # how long an answered call may last
    agent_name: str | None = None  # dispatched into the room before dialling
    agent_metadata: str = ""
    poll_interval: float = 0.5  # how often the room's participants are read


@dataclass
class DialReport:
    room: str
    events: list[CallEvent] = field(default_factory=list)
    agent_dispatched: bool = False
    ringing: bool = False
    answered: bool = False
    sip_status_code: int | None = None
    sip_status: str | None = None
    bridge_failure: BridgeFailure | None = None  # failed without a SIP status (call_verdict.py)
    bridge_message: str = ""
    agent_joined: bool = False
    hung_up_by_callee: bool = False
    talk_seconds: float = 0.0
    room_deleted: bool = False
    problems: list[str] = field(default_factory=list)  # cleanup that did not finish
    started: float = field(default_factory=time.monotonic)

    def reach(self, stage: str, emit: Emit | None, detail: str = "") -> None:
        event = CallEvent(stage, time.monotonic() - self.started, detail)
        self.events.append(event)
        if emit is not None:
            emit(event)


async def place_call(conn: Connection, plan: DialPlan, report: DialReport, emit: Emit | None = None) -> DialReport:
    """Place the call (module docstring). Raises the LiveKit errors of services/errors.py when
    LiveKit refused or could not be reached, CancelledError when cancelled; the room is deleted
    before either propagates."""
    async with open_api(conn, failover=False) as api:
        try:
            await guard(conn, _call(api, conn, plan, report, emit))
        finally:
            if await delete_room_shielded(api, conn, plan.room, report.problems):
                report.room_deleted = True
                report.reach("room_deleted", emit, plan.room)
    return report


async def _call(api: Any, conn: Connection, plan: DialPlan, report: DialReport, emit: Emit | None) -> None:
    if plan.agent_name:
        await within(conn, api.agent_dispatch.create_dispatch(CreateAgentDispatchRequest(
            agent_name=plan.agent_name, room=plan.room, metadata=plan.agent_metadata)))
        report.agent_dispatched = True
        report.reach("agent_dispatched", emit, plan.agent_name)
    report.reach("dialling", emit, f"{plan.caller_id} → {plan.destination}")
    if not await _dial(api, conn, plan, report, emit):
        report.reach("ended", emit, _failure_detail(report))
        return
    report.answered = True
    report.reach("answered", emit, plan.destination)
    answered_at = time.monotonic()
    while True:
        people = await participants(api, conn, plan.room)
        _note_agent(people, report, emit)
        if not any(p.identity == CALLEE_IDENTITY for p in people):
            report.hung_up_by_callee = True
            break
        left = plan.max_seconds - (time.monotonic() - answered_at)
        if left <= 0:
            break
        await asyncio.sleep(min(plan.poll_interval, left))
    report.talk_seconds = time.monotonic() - answered_at
    report.reach("ended", emit, "the callee hung up" if report.hung_up_by_callee else "time limit reached")


async def _dial(api: Any, conn: Connection, plan: DialPlan, report: DialReport, emit: Emit | None) -> bool:
    """CreateSIPParticipant, waiting until answered; True when answered. A failure LiveKit reports
    for the call itself (a SIP status, no answer, a carrier that never responded) is recorded in
    `report`; anything else (LiveKit refusing the request) is raised."""
    request = CreateSIPParticipantRequest(
        sip_trunk_id=plan.trunk_id, sip_call_to=plan.destination, sip_number=plan.caller_id,
        room_name=plan.room, participant_identity=CALLEE_IDENTITY, participant_name="phonewizard test call",
        wait_until_answered=True, ringing_timeout=Duration(seconds=int(plan.ringing_timeout)),
        # LiveKit's own limit covers ringing and talking: the call ends even if this process dies.
        max_call_duration=Duration(seconds=int(plan.ringing_timeout + plan.max_seconds + 30)),
    )
    stop = asyncio.Event()
    watcher = asyncio.ensure_future(_watch_ringing(api, conn, plan, report, emit, stop))
    limit = plan.ringing_timeout + RING_MARGIN + conn.timeout
    try:
        async with asyncio.timeout(limit):
            await api.sip.create_sip_participant(request)
        return True
    except SipCallError as exc:
        report.sip_status_code, report.sip_status = exc.sip_status_code, exc.sip_status
        if exc.sip_status_code is None:
            _bridge_or_raise(exc, report)
        return False
    except TwirpError as exc:
        _bridge_or_raise(exc, report)
        return False
    except asyncio.TimeoutError:
        raise LiveKitUnreachable(f"LiveKit at {conn.url} gave no answer to the call request within "
                                 f"{limit:g} seconds.") from None
    finally:
        stop.set()  # ends the watcher even if its cancellation were lost
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


def _bridge_or_raise(exc: TwirpError, report: DialReport) -> None:
    kind = bridge_failure(exc.message)
    if kind is None:
        raise exc
    report.bridge_failure, report.bridge_message = kind, exc.message.removeprefix("twirp error unknown: ")


async def _watch_ringing(api: Any, conn: Connection, plan: DialPlan, report: DialReport, emit: Emit | None,
                         stop: asyncio.Event) -> None:
    """While the dial waits: report "ringing" and an agent joining. Best effort: a failed read
    here must not end the call (the dial's own answer decides)."""
    while not stop.is_set():
        try:
            people = await participants(api, conn, plan.room)
        except Exception:  # noqa: BLE001 - cosmetic progress only; see docstring
            people = []
        callee = next((p for p in people if p.identity == CALLEE_IDENTITY), None)
        if callee is not None and call_status(callee) == "ringing" and not report.ringing:
            report.ringing = True
            report.reach("ringing", emit, plan.destination)
        _note_agent(people, report, emit)
        await asyncio.sleep(plan.poll_interval)


def _note_agent(people: list, report: DialReport, emit: Emit | None) -> None:
    if not report.agent_joined and has_agent(people):
        report.agent_joined = True
        report.reach("agent_joined", emit, next(p.name or p.identity for p in people if p.kind == AGENT_KIND))


def _failure_detail(report: DialReport) -> str:
    if report.sip_status_code is not None:
        return f"SIP {report.sip_status_code} {report.sip_status or ''}".strip()
    return report.bridge_message or "not answered"
