"""The stages a test call and an inbound check go through, as typed events, and the inbound verdict.

A front end shows progress from `CallEvent`s (the wizard's dialog one line per stage, the CLI a
line on stderr) and never has to know how a stage was detected. The inbound check proves the
path carrier → LiveKit → dispatch rule → room → agent; `inbound_verdict` names the first stage it
did not reach and what to check there. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# A test call: the agent is dispatched first (unless --no-agent), then the call is dialled; the
# SIP participant reports ringing and answered (its sip.callStatus attribute), the agent joins,
# the call ends, the room is deleted.
CallStage = Literal["agent_dispatched", "dialling", "ringing", "answered", "agent_joined", "ended", "room_deleted"]
CALL_STAGES: tuple[CallStage, ...] = (
    "agent_dispatched", "dialling", "ringing", "answered", "agent_joined", "ended", "room_deleted")

# The inbound check: the number is dialled through its own outbound trunk; the carrier delivers
# the call to LiveKit, whose dispatch rule creates a room with the registration's prefix, the
# caller joins it as a SIP participant, and the rule's agent joins.
InboundStage = Literal["dialled", "room_created", "caller_joined", "agent_joined"]
INBOUND_STAGES: tuple[InboundStage, ...] = ("dialled", "room_created", "caller_joined", "agent_joined")

STAGE_LABELS: dict[str, str] = {
    "agent_dispatched": "Agent dispatched into the test room",
    "dialling": "Dialling",
    "ringing": "Ringing",
    "answered": "Answered",
    "agent_joined": "Agent joined",
    "ended": "Call ended",
    "room_deleted": "Test room deleted",
    "dialled": "Number dialled through its own outbound trunk",
    "room_created": "LiveKit created a room with the registration's prefix",
    "caller_joined": "The caller joined that room as a SIP participant",
}


@dataclass(frozen=True)
class CallEvent:
    """One stage reached: `seconds` since the call started, `detail` a short fact for the user
    (the room name, the participant identity, the SIP status)."""

    stage: str  # a CallStage or an InboundStage
    seconds: float
    detail: str = ""

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    def to_json(self) -> dict:
        return {"stage": self.stage, "seconds": round(self.seconds, 3), "detail": self.detail}


@dataclass(frozen=True)
class InboundVerdict:
    ok: bool
    missing_stage: InboundStage | None  # the first stage not reached; None when all were
    explanation: str
    what_to_change: tuple[str, ...] = ()


def inbound_verdict(reached: set[str], *, number: str, room_prefix: str, agent_name: str | None,
                    dial_failure: str | None = None, waited: float = 0.0) -> InboundVerdict:
    """What the stages reached say. `dial_failure`: why the outbound leg itself failed (the
    carrier refused the call before it could come back in), already explained."""
    if "dialled" not in reached:
        return InboundVerdict(False, "dialled", f"The check could not call {number}: {dial_failure or 'the call failed'}", (
            "fix the outbound call first: `phonewizard call` with your own phone shows why it fails",))
    if "room_created" not in reached:
        return InboundVerdict(False, "room_created", (
            f"The call to {number} left through the carrier, but within {waited:.0f} seconds no room "
            f"starting with “{room_prefix}_” appeared in LiveKit: the carrier did not deliver the call to "
            "LiveKit, or LiveKit matched no inbound trunk or dispatch rule for it (such calls ring "
            "without an answer)."), (
            "at the carrier, point the number's inbound (origination) at the project's SIP URI",
            f"check that the inbound trunk's numbers contain {number} as the carrier sends it",
            "check that the dispatch rule lists the inbound trunk (the call-routing doctor shows where "
            "LiveKit routes such a call)"))
    if "caller_joined" not in reached:
        return InboundVerdict(False, "caller_joined", (
            f"A room with the prefix “{room_prefix}_” appeared, but the caller never joined it as a SIP "
            "participant."), (
            "look at the call in LiveKit Cloud → Telephony → Calls for the SIP status it ended with",))
    if agent_name and "agent_joined" not in reached:
        return InboundVerdict(False, "agent_joined", (
            f"The call reached LiveKit and the caller joined a “{room_prefix}_” room, but agent "
            f"“{agent_name}” never joined it."), (
            f"start a worker that registers agent_name “{agent_name}” (the dispatch rule names it)",
            "check the worker's logs for errors when it received the job"))
    joined = f" and agent “{agent_name}” joined" if agent_name else ""
    return InboundVerdict(True, None, (
        f"Inbound works end to end: a call to {number} reached LiveKit, the dispatch rule put it in a "
        f"“{room_prefix}_” room{joined}."))
