"""CreateSIPParticipant in the sandbox: a simulated outbound call, in LiveKit's order.

livekit-server pkg/service/sip.go: the `sip.call` grant → request validation (livekit/sip.go
CreateSIPParticipantRequest.ValidateResult, the checks below) → the stored outbound trunk
(`requested sip trunk does not exist`) → caller ID: `sip_number`, else a random number of the
trunk (`no numbers on outbound trunk`; a `+` added for *twilio.com hosts, rpc/sip.go). Then the
bridge (livekit/sip pkg/sip/client.go, outbound.go): the SIP participant joins the room first
(`sip.callStatus` "dialing"), the INVITE rings ("ringing"), and the outcome the switches chose
plays out: answered ("active"; the request returns when `wait_until_answered`), refused with a SIP
status, or unanswered until the ringing timeout. A call to this sandbox's own number comes back in
and is routed as an inbound call (inbound_calls.py). When the client hangs up the request (the
connection closes) or the room is deleted, the call is cancelled and the participant leaves.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Callable

from livekit.protocol import models as models_pb
from livekit.protocol import sip as sip_pb

from . import sip_errors
from .call_switches import CallOutcome, CallSwitches, magic_outcome
from .errors import TwirpError, invalid, not_found
from .ids import new_id, normalize_number
from .inbound_calls import route_inbound
from .rooms import Rooms
from .store import Store
from .validation import ValidationFailure, check_headers, check_media

DEFAULT_RINGING_TIMEOUT = 180.0  # the bridge's defaultRingingTimeout (pkg/sip/participant.go)
CALL_ID_PREFIX = "SCL_"
TRUNK_NOT_FOUND = "requested sip trunk does not exist"
_TICK = 0.02  # how often a waiting call looks at its connection and room
# Final answers that come after the phone rang (the callee was alerted: no answer, declined); the
# others (403, 404, 488, 503, busy …) come back at once, before any 180 Ringing.
RINGS_FIRST = frozenset({408, 480, 487, 600, 603})


class _Ended(Exception):
    """The client went away or the room was deleted while the call was being set up."""


def require_sip_call(claims: dict | None) -> None:
    """EnsureSIPCallPermission."""
    sip = (claims or {}).get("sip")
    if not isinstance(sip, dict) or sip.get("call") is not True:
        raise TwirpError("unauthenticated", "permissions denied")


def validate(req: sip_pb.CreateSIPParticipantRequest) -> None:
    """CreateSIPParticipantRequest.ValidateResult (an inline `trunk` is not checked here)."""
    if not req.sip_trunk_id and not req.HasField("trunk") and not req.sip_number:
        raise ValidationFailure("missing sip trunk id and sip number")
    if not req.sip_call_to:
        raise ValidationFailure("missing sip callee number")
    if "@" in req.sip_call_to:
        raise ValidationFailure("SipCallTo should be a phone number or SIP user, not a full SIP URI")
    if req.to_user_override and "@" in req.to_user_override:
        raise ValidationFailure("ToUserOverride should be a phone number or SIP user, not a full SIP URI")
    if not req.room_name:
        raise ValidationFailure("missing room name")
    if req.HasField("display_name") and len(req.display_name) > 128:
        raise ValidationFailure("DisplayName too long (max 128 characters)")
    if req.HasField("destination"):
        d = req.destination
        if d.city and not d.country and not d.region:
            raise ValidationFailure("if city is specified, country or region must also be specified")
        if d.country and (len(d.country) != 2 or not d.country.isalpha()):
            raise ValidationFailure("country must be a valid ISO 3166-1 alpha-2 code (2-letter like 'US', 'IN', 'UK')")
    check_headers(req.headers)
    check_media(req)


class CallSimulator:
    def __init__(self, store: Store, rooms: Rooms, switches: CallSwitches, project_url: Callable[[], str]) -> None:
        self.store, self.rooms, self.switches = store, rooms, switches
        self._project_url = project_url
        self._tasks: set[asyncio.Task] = set()

    # ---- the request ---------------------------------------------------------------------
    async def create_sip_participant(self, req: sip_pb.CreateSIPParticipantRequest, claims: dict | None,
                                     gone: Callable[[], bool]) -> sip_pb.SIPParticipantInfo:
        require_sip_call(claims)
        try:
            validate(req)
        except ValidationFailure as e:
            raise invalid(e.msg) from None
        trunk = None
        if req.sip_trunk_id:
            trunk = self.store.get("outbound", req.sip_trunk_id)
            if trunk is None:
                raise not_found(TRUNK_NOT_FOUND)
        number = req.sip_number or (random.choice(list(trunk.numbers)) if trunk is not None and trunk.numbers else "")
        if not number:
            raise sip_errors.psrpc_error("failed_precondition", "no numbers on outbound trunk")
        address = trunk.address if trunk is not None else req.trunk.hostname
        if address.endswith("twilio.com") and not number.startswith("+"):
            number = "+" + number
        call_id = new_id(CALL_ID_PREFIX)
        joined = self.rooms.join(req.room_name, self._participant(req, trunk, number, address, call_id))
        info = sip_pb.SIPParticipantInfo(participant_id=joined.sid, participant_identity=joined.identity,
                                         room_name=req.room_name, sip_call_id=call_id)
        credentials = bool(trunk is not None and trunk.auth_username)
        if not req.wait_until_answered:
            # DialAsync: the request returns at once and the call goes on without its client.
            self.spawn(self._quietly(self._dial(req, joined.identity, number, credentials, lambda: False)))
            return info
        try:
            await self._dial(req, joined.identity, number, credentials, gone)
        except _Ended:
            raise sip_errors.no_answer() from None  # nobody reads it when the client left
        return info

    def _participant(self, req, trunk, number: str, address: str, call_id: str) -> models_pb.ParticipantInfo:
        attrs = dict(req.participant_attributes)
        attrs.update({"sip.callID": call_id, "sip.trunkID": req.sip_trunk_id or (trunk.sip_trunk_id if trunk else ""),
                      "sip.callStatus": "dialing"})
        if not req.hide_phone_number:
            attrs.update({"sip.phoneNumber": req.sip_call_to, "sip.hostname": address, "sip.trunkPhoneNumber": number})
        return models_pb.ParticipantInfo(
            identity=req.participant_identity or "sip_" + req.sip_call_to, name=req.participant_name,
            metadata=req.participant_metadata, kind=models_pb.ParticipantInfo.Kind.SIP,
            state=models_pb.ParticipantInfo.State.ACTIVE, attributes=attrs)

    # ---- the call ------------------------------------------------------------------------
    async def _dial(self, req, identity: str, number: str, has_credentials: bool, gone: Callable[[], bool]) -> None:
        room = req.room_name
        timing = self.switches.timing
        ringing = req.ringing_timeout.ToTimedelta().total_seconds() if req.HasField("ringing_timeout") else 0.0
        ringing = ringing if ringing > 0 else DEFAULT_RINGING_TIMEOUT
        started = time.monotonic()
        outcome = self._choose(req.sip_call_to)
        answered, inbound = False, None
        try:
            await self._wait(room, timing.dial_seconds, gone)
            if outcome.kind == "inbound":
                inbound, outcome = self._come_back_in(number, req.sip_call_to)
            if outcome.kind == "reject" and outcome.sip_code not in RINGS_FIRST:
                self._refuse(outcome, has_credentials)
            self.rooms.set_attributes(room, identity, **{"sip.callStatus": "ringing"})
            if outcome.kind == "no_answer" or timing.ring_seconds >= ringing:
                await self._wait(room, max(0.0, ringing - (time.monotonic() - started)), gone)
                raise sip_errors.no_answer()
            await self._wait(room, timing.ring_seconds, gone)
            if outcome.kind == "reject":
                self._refuse(outcome, has_credentials)
            answered = True
            self.rooms.set_attributes(room, identity, **{"sip.callStatus": "active"})
            limit = req.max_call_duration.ToTimedelta().total_seconds() if req.HasField("max_call_duration") else 0
            limit = limit if 0 < limit <= 86400 else 86400.0  # the bridge clamps to 24 h
            self.spawn(self._talk(room, identity, outcome.hangup_after, started + limit, inbound))
        finally:
            if not answered:
                self._hang_up(room, identity)
                if inbound is not None:
                    self._hang_up(*inbound)

    @staticmethod
    def _refuse(outcome: CallOutcome, has_credentials: bool) -> None:
        if outcome.sip_code in (401, 407):
            raise sip_errors.auth_refused(has_credentials)
        raise sip_errors.sip_call_failed(outcome.sip_code, outcome.reason)

    def _choose(self, destination: str) -> CallOutcome:
        scripted = self.switches.take(destination)
        if scripted is not None:
            return scripted
        magic = magic_outcome(destination)
        if magic is not None:
            return magic
        if self._is_own_number(destination):
            return CallOutcome.inbound()
        return CallOutcome.answer()

    def _is_own_number(self, destination: str) -> bool:
        wanted = normalize_number(destination)
        numbers = [n for t in self.store.list("inbound") for n in t.numbers]
        numbers += [p["e164_format"] for p in self.store.snapshot()["phone_numbers"].values()]
        return any(normalize_number(n) == wanted for n in numbers)

    def _come_back_in(self, caller: str, called: str) -> tuple[tuple[str, str] | None, CallOutcome]:
        """The call reaches this sandbox's own number: route it (inbound_calls.py), create the room,
        the caller and the agents the rule names. Returns the inbound leg (room, identity) and how
        the outbound leg ends."""
        phone_numbers = {p["e164_format"]: list(p["sip_dispatch_rule_ids"])
                         for p in self.store.snapshot()["phone_numbers"].values()}
        route = route_inbound(self.store.list("inbound"), self.store.list("rules"), caller=caller, called=called,
                              project_url=self._project_url(), call_id=new_id(CALL_ID_PREFIX),
                              phone_numbers=phone_numbers)
        if not route.accepted:
            refused = route.sip_code is not None and 300 <= route.sip_code <= 699
            return None, CallOutcome.reject(route.sip_code, route.reason) if refused else CallOutcome.no_answer()
        if not route.room_name:  # answered to ask for a PIN the simulated caller never types
            return None, CallOutcome.answer(float("inf"))
        participant = models_pb.ParticipantInfo(
            identity=route.participant_identity, name=route.participant_name, metadata=route.participant_metadata,
            kind=models_pb.ParticipantInfo.Kind.SIP, state=models_pb.ParticipantInfo.State.ACTIVE,
            attributes={**route.participant_attributes, "sip.callStatus": "active"})
        self.rooms.join(route.room_name, participant)
        for agent_name, metadata in route.agents:
            self.dispatch_agent(route.room_name, agent_name, metadata)
        return (route.room_name, route.participant_identity), CallOutcome.answer(float("inf"))

    async def _talk(self, room: str, identity: str, hangup_after: float, deadline: float,
                    inbound: tuple[str, str] | None) -> None:
        """An answered call: it ends when the callee hangs up, the time limit passes, or either
        leg's room is deleted (a call into this sandbox has two legs, ended together)."""
        ends = time.monotonic() + hangup_after
        while time.monotonic() < min(ends, deadline):
            if not self.rooms.has(room, identity) or (inbound and not self.rooms.has(*inbound)):
                break
            await asyncio.sleep(min(_TICK * 5, max(0.0, min(ends, deadline) - time.monotonic())))
        self._hang_up(room, identity)
        if inbound is not None:
            self._hang_up(*inbound)

    def _hang_up(self, room: str, identity: str) -> None:
        """The SIP participant leaves; an agent alone in the room then leaves too (livekit-agents
        closes its session when the participant it serves disconnects)."""
        self.rooms.set_attributes(room, identity, **{"sip.callStatus": "hangup"})
        if not self.rooms.leave(room, identity):
            return
        left = self.rooms.participants(room)
        if left and all(p.kind == models_pb.ParticipantInfo.Kind.AGENT for p in left):
            for p in left:
                self.rooms.leave(room, p.identity)

    async def _wait(self, room: str, seconds: float, gone: Callable[[], bool]) -> None:
        """Sleep `seconds`, ending early (`_Ended`) when the client left or the room was deleted."""
        ends = time.monotonic() + seconds
        while True:
            if gone() or not self.rooms.exists(room):
                raise _Ended()
            left = ends - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(_TICK, left))

    # ---- agents --------------------------------------------------------------------------
    def dispatch_agent(self, room: str, agent_name: str, metadata: str = ""):
        """An agent dispatch: recorded on the room; the agent joins a moment later unless it is
        switched off (no worker registered with that name)."""
        dispatch = self.rooms.add_dispatch(room, agent_name, metadata)
        if agent_name and self.switches.agent_online(agent_name):
            self.spawn(self._agent_joins(room, agent_name, dispatch.id))
        return dispatch

    async def _agent_joins(self, room: str, agent_name: str, dispatch_id: str) -> None:
        await asyncio.sleep(self.switches.timing.agent_join_seconds)
        if self.rooms.exists(room) and self.rooms.dispatches(room, dispatch_id):
            self.rooms.join(room, models_pb.ParticipantInfo(
                identity=f"agent-{new_id('AJ_')}", name=agent_name, kind=models_pb.ParticipantInfo.Kind.AGENT,
                state=models_pb.ParticipantInfo.State.ACTIVE, attributes={"lk.agent.state": "listening"}))

    # ---- background tasks ----------------------------------------------------------------
    def spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _quietly(coro) -> None:
        """An asynchronous dial's failure has nobody to go to (LiveKit logs it)."""
        try:
            await coro
        except (TwirpError, _Ended):
            pass
