"""Test calls, for both front ends: ring a phone through a registration's outbound trunk and explain
how it went; the inbound check lives in app/inbound.py, the probe in app/probe.py.

    request = TestCallRequest.parse(connection, number="+14155550100", to="+447700900123")
    call = TestCall(request, progress=on_event)   # on_event(CallEvent): dialling, ringing, …
    result = await call.run()                      # CallResult; result.to_json() is `call --json`

The registration is found in LiveKit by phonewizard's marker (services/call_setup.py); a number
without an outbound trunk is InvalidInput saying how to enable outbound. Cancelling the task that
awaits `run()` ends the call: the room is deleted first, then CancelledError propagates and
`call.result` holds the "cancelled" result (so a dialog can show it after its worker's
`cancelled` signal, and the CLI prints it after Ctrl-C or SIGTERM). LiveKit failures are the
types of app/errors.py, raised after the room was deleted too.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from phonewizard.app.call_targets import no_outbound_reason
from phonewizard.app.errors import InvalidInput
from phonewizard.app.registrations import parse_number
from phonewizard.domain.call_stages import CallEvent
from phonewizard.domain.call_verdict import (
    CallContext,
    Outcome,
    Verdict,
    answered,
    bridge_verdict,
    cancelled,
    failed_call,
)
from phonewizard.services.call_setup import CallSetup, find_call_setup
from phonewizard.services.livekit_client import Connection
from phonewizard.services.test_call import DialPlan, DialReport, place_call

Progress = Callable[[CallEvent], None]
MAX_SECONDS = (1.0, 3600.0)
RINGING_SECONDS = (1.0, 300.0)


def bounded_seconds(value: float, limits: tuple[float, float], name: str, what: str) -> float:
    low, high = limits
    if not low <= value <= high:
        raise InvalidInput.field(name, f"{what} must be between {low:g} and {high:g} seconds, not {value:g}")
    return float(value)


@dataclass(frozen=True)
class TestCallRequest:
    connection: Connection
    number: str  # the registered number (+E.164)
    to: str  # the phone to ring (+E.164)
    with_agent: bool = True  # dispatch the registration's agent into the call first
    max_seconds: float = 60.0  # how long an answered call may last
    ringing_timeout: float = 30.0
    poll_interval: float = 0.5

    @classmethod
    def parse(cls, connection: Connection, *, number: str, to: str, with_agent: bool = True,
              max_seconds: float = 60.0, ringing_timeout: float = 30.0,
              names: Mapping[str, str] | None = None) -> TestCallRequest:
        """Check the input; InvalidInput names each field as `names` maps it (the CLI's NUMBER, --to)."""
        n = {"number": "number", "to": "to", "max_seconds": "max_seconds", "ringing_timeout": "ringing_timeout",
             **(names or {})}
        return cls(connection, parse_number(number, n["number"]), parse_number(to, n["to"]), with_agent,
                   bounded_seconds(max_seconds, MAX_SECONDS, n["max_seconds"], "the call's maximum length"),
                   bounded_seconds(ringing_timeout, RINGING_SECONDS, n["ringing_timeout"], "the ringing timeout"))


@dataclass(frozen=True)
class CallResult:
    outcome: Outcome
    sip_status_code: int | None
    sip_status: str | None
    explanation: str
    what_to_change: tuple[str, ...]
    room: str
    room_deleted: bool
    number: str
    to: str
    caller_id: str
    trunk_id: str
    agent: str | None  # dispatched agent (None: --no-agent)
    agent_joined: bool | None
    duration_seconds: float  # how long the answered call lasted (0 when not answered)
    stages: tuple[CallEvent, ...] = ()
    problems: tuple[str, ...] = ()  # cleanup that did not finish

    @property
    def answered(self) -> bool:
        return self.outcome == "answered"

    def to_json(self) -> dict[str, Any]:
        """The `phonewizard call --json` object (docs/test-calls.md; a contract for scripts)."""
        return {
            "outcome": self.outcome, "sip_status_code": self.sip_status_code, "sip_status": self.sip_status,
            "explanation": self.explanation, "what_to_change": list(self.what_to_change), "room": self.room,
            "room_deleted": self.room_deleted, "number": self.number, "to": self.to, "caller_id": self.caller_id,
            "trunk_id": self.trunk_id, "agent": self.agent, "agent_joined": self.agent_joined,
            "duration_seconds": round(self.duration_seconds, 1),
            "stages": [e.to_json() for e in self.stages], "problems": list(self.problems),
        }


async def outbound_setup(connection: Connection, number: str) -> CallSetup:
    """The registration of `number` with its outbound trunk; InvalidInput when there is none."""
    setup = await find_call_setup(connection, number)
    if setup is None:
        raise InvalidInput.field("number", f"phonewizard registered no {number} at {connection.url}: "
                                           "`phonewizard list` shows what is registered; register it first")
    if setup.outbound is None:
        raise InvalidInput.field("number", no_outbound_reason(number, setup.provider))
    return setup


class TestCall:
    """One outbound test call. `result` is set when `run` returns, and also when it was cancelled."""

    def __init__(self, request: TestCallRequest, progress: Progress | None = None) -> None:
        self.request = request
        self.progress = progress
        self.result: CallResult | None = None

    async def run(self) -> CallResult:
        req = self.request
        setup = await outbound_setup(req.connection, req.number)
        assert setup.outbound is not None
        agent = setup.agent_name if req.with_agent and setup.agent_name else None
        metadata = next((m for name, m in setup.agents if name == agent), "")
        plan = DialPlan(trunk_id=setup.outbound.trunk_id, caller_id=setup.caller_id(avoid=req.to),
                        destination=req.to, room=f"phonewizard-test-{secrets.token_hex(4)}",
                        ringing_timeout=req.ringing_timeout, max_seconds=req.max_seconds, agent_name=agent,
                        agent_metadata=metadata, poll_interval=req.poll_interval)
        report = DialReport(plan.room)
        try:
            await place_call(req.connection, plan, report, self.progress)
        except asyncio.CancelledError:
            self.result = _result(setup, plan, report, cancelled_now=True)
            raise
        self.result = _result(setup, plan, report)
        return self.result


async def test_call(request: TestCallRequest, progress: Progress | None = None) -> CallResult:
    """`TestCall(request, progress).run()`, for callers that need no result after a cancel."""
    return await TestCall(request, progress).run()


def call_context(setup: CallSetup, caller_id: str, destination: str) -> CallContext:
    out = setup.outbound
    return CallContext(setup.provider, caller_id, destination, out.address if out else "",
                       out.media_encryption if out else "ALLOW", out.destination_country if out else "")


def _result(setup: CallSetup, plan: DialPlan, report: DialReport, *, cancelled_now: bool = False) -> CallResult:
    ctx = call_context(setup, plan.caller_id, plan.destination)
    verdict = _verdict(ctx, plan, report, cancelled_now)
    fixes = verdict.what_to_change + tuple(report.problems)
    return CallResult(
        outcome=verdict.outcome, sip_status_code=report.sip_status_code, sip_status=report.sip_status,
        explanation=verdict.explanation, what_to_change=fixes, room=plan.room, room_deleted=report.room_deleted,
        number=setup.phone_number, to=plan.destination, caller_id=plan.caller_id, trunk_id=plan.trunk_id,
        agent=plan.agent_name, agent_joined=report.agent_joined if plan.agent_name else None,
        duration_seconds=report.talk_seconds, stages=tuple(report.events), problems=tuple(report.problems))


def _verdict(ctx: CallContext, plan: DialPlan, report: DialReport, cancelled_now: bool) -> Verdict:
    if cancelled_now:
        return cancelled(ctx, was_answered=report.answered)
    if report.answered:
        return answered(ctx, agent_name=plan.agent_name, agent_joined=report.agent_joined,
                        hung_up_by_callee=report.hung_up_by_callee, duration=report.talk_seconds)
    if report.sip_status_code is not None:
        return failed_call(report.sip_status_code, report.sip_status, ctx)
    if report.bridge_failure is not None:
        return bridge_verdict(report.bridge_failure, report.bridge_message, ctx, plan.ringing_timeout)
    return Verdict("failed", "The call ended without an answer and LiveKit gave no reason.")


# Names starting with "Test"/"test_" are what pytest collects; these are not tests.
TestCall.__test__ = False  # type: ignore[attr-defined]
TestCallRequest.__test__ = False  # type: ignore[attr-defined]
test_call.__test__ = False  # type: ignore[attr-defined]

__all__ = ["CallResult", "Progress", "TestCall", "TestCallRequest", "call_context", "outbound_setup", "test_call"]
