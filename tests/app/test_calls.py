"""Test calls end to end: app use case → services → the real livekit-api client → the sandbox.

Every outcome the sandbox's switches choose, its explanation, and the room removed afterwards in
every case: answered, failed, unanswered, cancelled while ringing or talking, LiveKit refusing or
dropping the request. (A real SIGTERM is in tests/test_cli_calls.py.)"""

from __future__ import annotations

import asyncio

import pytest

from phonewizard.app import calls as app_calls
from phonewizard.app.calls import TestCall, TestCallRequest
from phonewizard.app.errors import InvalidInput, LiveKitRefused, LiveKitUnreachable
from phonewizard.sandbox.call_switches import CallOutcome
from phonewizard.services.registrar import Registrar
from tests.app.cancelling import cancel_at
from tests.services.registrar_helpers import LK_PHONE, PHONE, connect, make_plan

CALLEE = "+447700900123"
STAGES = ["agent_dispatched", "dialling", "ringing", "answered", "agent_joined", "ended", "room_deleted"]


@pytest.fixture
def lk(sandbox):
    """The sandbox with a registration of PHONE (Telnyx, outbound on) and quick simulated calls."""
    sandbox.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=0.2, agent_join_seconds=0.05)
    connection = connect(sandbox)
    asyncio.run(Registrar(connection).apply(make_plan()))
    return sandbox


def request(sandbox, **changes) -> TestCallRequest:
    fields = dict(number=PHONE, to=CALLEE, max_seconds=5, ringing_timeout=5)
    fields.update(changes)
    poll = fields.pop("poll_interval", 0.02)
    parsed = TestCallRequest.parse(connect(sandbox), **fields)
    return TestCallRequest(parsed.connection, parsed.number, parsed.to, parsed.with_agent, parsed.max_seconds,
                           parsed.ringing_timeout, poll_interval=poll)


def place(sandbox, **changes):
    events = []
    result = asyncio.run(app_calls.test_call(request(sandbox, **changes), events.append))
    return result, events


def rooms(sandbox) -> list[str]:
    return sandbox.calls.rooms.names()


# ---- answered -----------------------------------------------------------------------------------

def test_an_answered_call_with_the_agent_and_its_room_deleted(lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=0.3))
    result, events = place(lk)
    assert result.outcome == "answered" and result.answered
    stages = [e.stage for e in events]
    assert sorted(stages) == sorted(STAGES)  # each once; the agent may join before or after the answer
    assert stages[:3] == ["agent_dispatched", "dialling", "ringing"] and stages[-2:] == ["ended", "room_deleted"]
    assert stages.index("answered") < stages.index("ended")
    assert result.agent == "my-agent" and result.agent_joined is True
    assert result.caller_id == PHONE and result.to == CALLEE and result.trunk_id.startswith("ST_")
    assert "the callee hung up" in result.explanation and "my-agent" in result.explanation
    assert result.room_deleted and result.room not in rooms(lk) and rooms(lk) == []
    assert result.room in lk.calls.rooms.deleted


def test_the_agent_receives_the_numbers_metadata(lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=0.2))
    lk.calls.switches.set_agent_offline("my-agent")  # keep the dispatch in view: no join, no leave
    result, _ = place(lk)
    assert result.agent_joined is False
    assert "never joined" in result.explanation
    assert any("agent_name “my-agent”" in fix for fix in result.what_to_change)


def test_the_time_limit_ends_a_call_the_callee_does_not_end(lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=60))
    result, events = place(lk, max_seconds=1)
    assert result.outcome == "answered" and "time limit" in result.explanation
    assert events[-2].detail == "time limit reached"
    assert 1 <= result.duration_seconds < 30 and rooms(lk) == []


def test_no_agent_dispatches_nothing(lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=0.1))
    result, events = place(lk, with_agent=False)
    assert result.agent is None and result.agent_joined is None
    assert "agent_dispatched" not in [e.stage for e in events]
    assert "CreateDispatch" not in lk.log.methods


# ---- failed -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, outcome, words", [
    (403, "failed", "outbound voice profile"), (404, "failed", "sip connection"),
    (408, "no_answer", "no answer"), (480, "no_answer", "no destination"), (486, "failed", "busy"),
    (488, "failed", "media"), (503, "failed", "region"),
])
def test_every_refusal_is_explained_and_the_room_deleted(lk, code, outcome, words):
    lk.calls.switches.script(CallOutcome.reject(code))
    result, events = place(lk)
    assert (result.outcome, result.sip_status_code) == (outcome, code)
    assert result.sip_status and result.explanation.startswith(f"Telnyx answered {code} {result.sip_status}")
    assert words in (result.explanation + " ".join(result.what_to_change)).lower()
    assert events[-2].stage == "ended" and events[-2].detail.startswith(f"SIP {code}")
    assert result.room_deleted and rooms(lk) == []


def test_no_answer_within_the_ringing_timeout(lk):
    lk.calls.switches.script(CallOutcome.no_answer())
    result, _ = place(lk, ringing_timeout=1)
    assert result.outcome == "no_answer" and result.sip_status_code is None and result.sip_status is None
    assert "within 1 second" in result.explanation and rooms(lk) == []


def test_credentials_the_carrier_keeps_refusing(lk):
    lk.calls.switches.script(CallOutcome.reject(407))
    result, _ = place(lk)
    assert result.outcome == "failed" and result.sip_status_code is None
    assert "did not accept" in result.explanation and "max auth retry" in result.explanation


def test_a_twilio_403_names_the_credential_list(sandbox):
    sandbox.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=0.05, agent_join_seconds=0.01)
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan(
        provider="twilio", outbound_address="acme.pstn.twilio.com", outbound_transport="TCP")))
    sandbox.calls.switches.script(CallOutcome.reject(403))
    result, _ = place(sandbox)
    assert result.explanation.startswith("Twilio answered 403 Forbidden")
    assert "credential list" in result.explanation


def test_the_json_object_keeps_its_contract(lk):
    lk.calls.switches.script(CallOutcome.busy())
    data = place(lk)[0].to_json()
    assert {"outcome", "sip_status_code", "sip_status", "explanation", "room"} <= set(data)
    assert data["outcome"] == "failed" and data["sip_status_code"] == 486 and data["sip_status"] == "Busy Here"
    assert isinstance(data["explanation"], str) and data["room"].startswith("phonewizard-test-")


# ---- cancelled ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["ringing", "answered"])
def test_cancelling_ends_the_call_and_deletes_the_room(lk, stage):
    lk.calls.switches.set_timing(ring_seconds=0.3 if stage == "answered" else 30)
    lk.calls.switches.script(CallOutcome.answer(hangup_after=60))
    call = TestCall(request(lk))
    cancel_at(call, stage)
    assert call.result is not None and call.result.outcome == "cancelled"
    assert ("after" if stage == "answered" else "before") in call.result.explanation
    assert call.result.room_deleted and rooms(lk) == []


# ---- LiveKit refusing or failing ------------------------------------------------------------------

def test_livekit_refusing_the_call_is_raised_after_the_room_is_deleted(lk):
    lk.faults.fail("CreateSIPParticipant", "error", code="invalid_argument", msg="bad call")
    with pytest.raises(LiveKitRefused, match="bad call"):
        place(lk)
    assert rooms(lk) == [] and lk.log.methods[-1] == "/twirp/livekit.RoomService/DeleteRoom"


def test_a_dropped_request_is_unreachable_and_the_room_still_goes(lk):
    lk.faults.fail("CreateSIPParticipant", "drop")
    with pytest.raises(LiveKitUnreachable):
        place(lk)
    assert rooms(lk) == []


def test_a_room_that_cannot_be_deleted_is_reported(lk):
    lk.calls.switches.script(CallOutcome.busy())
    lk.faults.fail("DeleteRoom", "error", code="unavailable", msg="try later")
    result, _ = place(lk)
    assert not result.room_deleted and result.room in rooms(lk)
    assert any(result.room in p and "lk room delete" in p for p in result.problems)
    assert result.problems[0] in result.what_to_change


# ---- bad input ----------------------------------------------------------------------------------

def test_a_number_without_outbound_says_how_to_enable_it(sandbox):
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan(enable_outbound=False)))
    with pytest.raises(InvalidInput) as caught:
        asyncio.run(app_calls.test_call(request(sandbox)))
    assert caught.value.problems[0].startswith(f"number: {PHONE} has no outbound trunk")
    assert '"enable_outbound": true' in caught.value.problems[0]


def test_an_unregistered_number_and_a_livekit_number(sandbox):
    with pytest.raises(InvalidInput, match="registered no"):
        asyncio.run(app_calls.test_call(request(sandbox)))
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan(phone_number=LK_PHONE, provider="livekit",
                                                            enable_outbound=False, auth_username=None,
                                                            auth_password=None, outbound_address=None)))
    with pytest.raises(InvalidInput, match="inbound-only"):
        asyncio.run(app_calls.test_call(request(sandbox, number=LK_PHONE)))


@pytest.mark.parametrize("changes, field", [
    ({"to": "12"}, "--to"), ({"number": "x"}, "NUMBER"), ({"max_seconds": 0}, "--max-seconds"),
    ({"ringing_timeout": 301}, "--ringing-timeout"),
])
def test_bad_input_names_the_field(sandbox, changes, field):
    fields = dict(number=PHONE, to=CALLEE)
    fields.update(changes)
    with pytest.raises(InvalidInput) as caught:
        TestCallRequest.parse(connect(sandbox), names={"number": "NUMBER", "to": "--to", "max_seconds": "--max-seconds",
                                                       "ringing_timeout": "--ringing-timeout"}, **fields)
    assert caught.value.problems[0].startswith(f"{field}: ")
