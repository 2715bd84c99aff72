"""Qt-free words for the test-call dialog: what is awaited now, the verdict's headline and tone,
and what became of the rooms.

The explanations and the fixes themselves come from the use cases (app/calls.py CallResult,
app/inbound.py InboundResult, built from domain/call_verdict.py and domain/call_stages.py), so the
dialog says what `phonewizard call` prints; this module only adds the headline a window needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from phonewizard.domain.call_stages import STAGE_LABELS

if TYPE_CHECKING:
    from phonewizard.app.calls import CallResult
    from phonewizard.app.inbound import InboundResult

# A call's "ended" stage says how it ended in its detail; these two are the good endings.
GOOD_ENDINGS = ("the callee hung up", "time limit reached")


def clock(seconds: float) -> str:
    """Elapsed time as a phone shows it: 0:07, 1:02, 61:00."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def stage_tone(stage: str, detail: str) -> str:
    """The tone of a stage as it arrives: only an "ended" that was not a good ending is bad."""
    if stage == "ended" and detail not in GOOD_ENDINGS:
        return "error"
    return "ok"


def awaited_call(reached: Iterable[str], *, number: str, to: str, max_seconds: float) -> str:
    """What a test call waits for next, given the stages reached so far."""
    done = set(reached)
    if "ended" in done:
        return "Removing the test room…"
    if "answered" in done:
        return f"On the call: it ends when you hang up, or after {max_seconds:g} seconds"
    if "ringing" in done:
        return "Ringing: answer your phone"
    if "dialling" in done:
        return f"Calling {to}…"
    if "agent_dispatched" in done:
        return "Dialling…"
    return f"Looking up the outbound trunk of {number}…"


def awaited_inbound(reached: Iterable[str], *, number: str, agent: str | None) -> str:
    """What the inbound check waits for next, given the stages reached so far."""
    done = set(reached)
    if "caller_joined" in done:
        return f"Waiting for agent “{agent}” to join…" if agent else "Removing the rooms…"
    if "room_created" in done:
        return "Waiting for the caller to join the room…"
    if "dialled" in done:
        return "Waiting for the call to come back in to LiveKit…"
    return f"Calling {number} through its own outbound trunk…"


def sip_words(code: int | None, status: str | None) -> str:
    if code is None:
        return ""
    return f"SIP {code} {status}".strip() if status else f"SIP {code}"


def call_headline(result: CallResult) -> tuple[str, str]:
    """(headline, tone) of a test call's result."""
    sip = sip_words(result.sip_status_code, result.sip_status)
    if result.outcome == "answered":
        if result.agent and result.agent_joined:
            return f"Answered, and agent “{result.agent}” joined the call", "ok"
        if result.agent:
            return f"Answered, but agent “{result.agent}” never joined", "warning"
        return "Answered: the call went through", "ok"
    if result.outcome == "no_answer":
        return "No answer" + (f" ({sip})" if sip else ""), "warning"
    if result.outcome == "cancelled":
        answered = any(e.stage == "answered" for e in result.stages)
        return ("Hung up" if answered else "Hung up before the call was answered"), "hint"
    return "The call failed" + (f": {sip}" if sip else ""), "error"


def inbound_headline(result: InboundResult) -> tuple[str, str]:
    """(headline, tone) of an inbound check's result: the stage not reached, by name."""
    if result.outcome == "cancelled":
        return "The inbound check was stopped", "hint"
    if result.ok:
        return "Inbound works: a call to the number reaches the agent", "ok"
    missing = STAGE_LABELS.get(result.missing_stage or "", result.missing_stage or "")
    sip = sip_words(result.sip_status_code, result.sip_status)
    return f"Not reached: {missing}" + (f" ({sip})" if sip and result.missing_stage == "dialled" else ""), "error"


def call_room_line(result: CallResult) -> tuple[str, str]:
    """(text, tone): whether the test room is gone."""
    if result.room_deleted:
        return f"The test room {result.room} was removed.", "ok"
    return f"The test room {result.room} could not be removed: what to change above says how.", "error"


def inbound_rooms_line(result: InboundResult) -> tuple[str, str]:
    if not set(_rooms(result)) <= set(result.rooms_deleted):
        return "Not every room could be removed: what to change above says how.", "error"
    if result.rooms_deleted:
        return "Rooms removed: " + ", ".join(result.rooms_deleted) + ".", "ok"
    return "No room was left behind.", "ok"


def _rooms(result: InboundResult) -> list[str]:
    return [r for r in (result.room, result.inbound_room) if r]


# ---- the rows of the stage list, once the result is known ---------------------------------------
Row = tuple[str, str, str, str, str]  # key, title, detail, when, tone


def call_rows(result: CallResult) -> list[Row]:
    """Every stage the call reached, in order, plus what the result adds: the agent that never
    joined, the user's hang-up, a room that could not be removed."""
    rows: list[Row] = []
    for e in result.stages:
        if e.stage == "room_deleted" and result.outcome == "cancelled":
            rows.append(("hung_up", "You hung up", "the call was ended", clock(e.seconds), "hint"))
        if e.stage == "ended" and result.answered and result.agent and result.agent_joined is False:
            rows.append(("agent_joined", STAGE_LABELS["agent_joined"], "never joined", "", "warning"))
        rows.append((e.stage, e.label, e.detail, clock(e.seconds), stage_tone(e.stage, e.detail)))
    if result.outcome == "cancelled" and not result.room_deleted:
        rows.append(("hung_up", "You hung up", "the call was ended", "", "hint"))
    if not result.room_deleted:
        rows.append(("room_deleted", STAGE_LABELS["room_deleted"], "could not be removed", "", "error"))
    return rows


def inbound_rows(result: InboundResult) -> list[Row]:
    """Every stage reached, then the one not reached (by name), then the rooms removed."""
    rows: list[Row] = [(e.stage, e.label, e.detail, clock(e.seconds), "ok") for e in result.stages]
    if result.outcome == "failed" and result.missing_stage:
        sip = sip_words(result.sip_status_code, result.sip_status)
        detail = "not reached" + (f" ({sip})" if sip and result.missing_stage == "dialled" else "")
        rows.append((result.missing_stage, STAGE_LABELS.get(result.missing_stage, result.missing_stage),
                     detail, "", "error"))
    if result.outcome == "cancelled":
        rows.append(("stopped", "You stopped the check", "", "", "hint"))
    for room in _rooms(result):
        deleted = room in result.rooms_deleted
        rows.append((f"deleted:{room}", "Room deleted" if deleted else "Room not deleted", room, "",
                     "ok" if deleted else "error"))
    return rows
