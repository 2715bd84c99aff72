"""The inbound check, for both front ends: does a call to the number reach the agent?

    request = InboundCheckRequest.parse(connection, number="+14155550100")
    check = InboundCheck(request, progress=on_event)   # CallEvent: dialled, room_created, …
    result = await check.run()                         # InboundResult; .to_json() for `--json`

The number is rung through its own outbound trunk (so outbound must be enabled), and LiveKit's rooms
are watched for the one its dispatch rule creates (services/inbound_check.py). The result names the
first stage not reached and what to check there (domain/call_stages.inbound_verdict). Cancelling
the awaiting task deletes the rooms first; `check.result` then holds the "cancelled" result.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from phonewizard.app.calls import MAX_SECONDS, RINGING_SECONDS, Progress, bounded_seconds, call_context, outbound_setup
from phonewizard.app.registrations import parse_number
from phonewizard.domain.call_stages import CallEvent, inbound_verdict
from phonewizard.domain.call_verdict import bridge_verdict, failed_call
from phonewizard.domain.naming import room_prefix
from phonewizard.services.call_setup import CallSetup
from phonewizard.services import inbound_check as watch
from phonewizard.services.inbound_check import InboundPlan, InboundReport
from phonewizard.services.livekit_client import Connection


@dataclass(frozen=True)
class InboundCheckRequest:
    connection: Connection
    number: str
    ringing_timeout: float = 30.0
    agent_wait: float = 20.0  # how long the agent may take to join after the caller did
    poll_interval: float = 0.5

    @classmethod
    def parse(cls, connection: Connection, *, number: str, ringing_timeout: float = 30.0,
              agent_wait: float = 20.0, names: Mapping[str, str] | None = None) -> InboundCheckRequest:
        n = {"number": "number", "ringing_timeout": "ringing_timeout", "agent_wait": "agent_wait", **(names or {})}
        return cls(connection, parse_number(number, n["number"]),
                   bounded_seconds(ringing_timeout, RINGING_SECONDS, n["ringing_timeout"], "the ringing timeout"),
                   bounded_seconds(agent_wait, MAX_SECONDS, n["agent_wait"], "the wait for the agent"))


@dataclass(frozen=True)
class InboundResult:
    ok: bool
    outcome: str  # "passed" | "failed" | "cancelled"
    missing_stage: str | None  # the first stage not reached (domain/call_stages.INBOUND_STAGES)
    explanation: str
    what_to_change: tuple[str, ...]
    number: str
    caller_id: str
    room: str  # the outgoing leg's room
    inbound_room: str | None  # the room the dispatch rule made, when it was found
    rooms_deleted: tuple[str, ...]
    sip_status_code: int | None
    sip_status: str | None
    stages: tuple[CallEvent, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "check": "inbound", "ok": self.ok, "outcome": self.outcome, "missing_stage": self.missing_stage,
            "explanation": self.explanation, "what_to_change": list(self.what_to_change), "number": self.number,
            "caller_id": self.caller_id, "room": self.room, "inbound_room": self.inbound_room,
            "rooms_deleted": list(self.rooms_deleted), "sip_status_code": self.sip_status_code,
            "sip_status": self.sip_status, "stages": [e.to_json() for e in self.stages],
            "problems": list(self.problems),
        }


class InboundCheck:
    def __init__(self, request: InboundCheckRequest, progress: Progress | None = None) -> None:
        self.request = request
        self.progress = progress
        self.result: InboundResult | None = None

    async def run(self) -> InboundResult:
        req = self.request
        setup = await outbound_setup(req.connection, req.number)
        assert setup.outbound is not None
        # Without phonewizard's rule (deleted by hand) the check still runs: the rooms it would make
        # carry the prefix derived from the agent's name, and the verdict says none appeared.
        prefix = setup.room_prefix or room_prefix(setup.agent_name)
        agent = setup.agents[0][0] if setup.agents else setup.agent_name
        plan = InboundPlan(trunk_id=setup.outbound.trunk_id, caller_id=setup.caller_id(avoid=req.number),
                           number=req.number, room=f"phonewizard-inbound-check-{secrets.token_hex(4)}",
                           room_prefix=prefix, agent_name=agent or None,
                           ringing_timeout=req.ringing_timeout, agent_wait=req.agent_wait,
                           poll_interval=req.poll_interval)
        report = InboundReport(plan.room)
        if setup.room_prefix is None:
            report.problems.append(f"phonewizard's dispatch rule for {req.number} is missing: register the "
                                   "number again to recreate it")
        try:
            await watch.check_inbound(req.connection, plan, report, self.progress)
        except asyncio.CancelledError:
            self.result = _result(setup, plan, report, cancelled_now=True)
            raise
        self.result = _result(setup, plan, report)
        return self.result


def _result(setup: CallSetup, plan: InboundPlan, report: InboundReport, *, cancelled_now: bool = False) -> InboundResult:
    ctx = call_context(setup, plan.caller_id, plan.number)
    failure = None
    if report.sip_status_code is not None:
        failure = failed_call(report.sip_status_code, report.sip_status, ctx).explanation
    elif report.bridge_failure is not None:
        failure = bridge_verdict(report.bridge_failure, report.bridge_message, ctx, plan.ringing_timeout).explanation
    verdict = inbound_verdict(report.reached, number=plan.number, room_prefix=plan.room_prefix,
                              agent_name=plan.agent_name, dial_failure=failure, waited=report.waited)
    outcome = "cancelled" if cancelled_now else ("passed" if verdict.ok else "failed")
    explanation = verdict.explanation
    if cancelled_now:
        explanation = "The inbound check was cancelled. " + explanation
    elif failure and verdict.missing_stage != "dialled" and not verdict.ok:
        explanation += f" The outgoing call itself ended with: {failure}"
    return InboundResult(
        ok=verdict.ok and not cancelled_now, outcome=outcome, missing_stage=verdict.missing_stage,
        explanation=explanation, what_to_change=verdict.what_to_change + tuple(report.problems),
        number=setup.phone_number, caller_id=plan.caller_id, room=plan.room, inbound_room=report.inbound_room,
        rooms_deleted=tuple(report.rooms_deleted), sip_status_code=report.sip_status_code,
        sip_status=report.sip_status, stages=tuple(report.events), problems=tuple(report.problems))


__all__ = ["InboundCheck", "InboundCheckRequest", "InboundResult", "check_inbound"]


async def check_inbound(request: InboundCheckRequest, progress: Progress | None = None) -> InboundResult:
    """`InboundCheck(request, progress).run()`, for callers that need no result after a cancel."""
    return await InboundCheck(request, progress).run()
