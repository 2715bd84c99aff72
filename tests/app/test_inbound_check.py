"""The inbound check end to end against the sandbox, whose inbound leg is routed by the call-routing
doctor's port of LiveKit's routing: every stage reached, each stage missed (no rule, an agent that
never starts, a carrier refusing the outgoing leg), cancelling, and both rooms deleted each time."""

from __future__ import annotations

import asyncio

import pytest
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.sip import DeleteSIPDispatchRuleRequest

from phonewizard.app import inbound as app_inbound
from phonewizard.app.errors import InvalidInput
from phonewizard.app.inbound import InboundCheck, InboundCheckRequest
from phonewizard.sandbox.call_switches import CallOutcome
from phonewizard.services.livekit_client import open_api
from phonewizard.services.registrar import Registrar
from tests.app.cancelling import cancel_at
from tests.services.registrar_helpers import PHONE, connect, make_plan


@pytest.fixture
def lk(sandbox):
    sandbox.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=0.1, agent_join_seconds=0.05)
    return sandbox


def register(sandbox, **registration):
    return asyncio.run(Registrar(connect(sandbox)).apply(make_plan(**registration)))


def request(sandbox, **changes) -> InboundCheckRequest:
    fields = dict(number=PHONE, ringing_timeout=2, agent_wait=2)
    fields.update(changes)
    parsed = InboundCheckRequest.parse(connect(sandbox), **fields)
    return InboundCheckRequest(parsed.connection, parsed.number, parsed.ringing_timeout, parsed.agent_wait,
                               poll_interval=0.02)


def check(sandbox, **changes):
    events = []
    result = asyncio.run(app_inbound.check_inbound(request(sandbox, **changes), events.append))
    return result, events


def test_a_call_that_reaches_the_agent_passes_and_both_rooms_go(lk):
    register(lk)
    result, events = check(lk)
    assert result.ok and result.outcome == "passed" and result.missing_stage is None
    assert [e.stage for e in events][:3] == ["dialled", "room_created", "caller_joined"]
    assert "agent_joined" in [e.stage for e in events]
    assert result.inbound_room.startswith(f"my-agent_{PHONE}_")
    assert set(result.rooms_deleted) == {result.room, result.inbound_room}
    assert lk.calls.rooms.names() == []
    assert result.to_json()["check"] == "inbound"


def test_hidden_caller_numbers_are_still_recognised(lk):
    register(lk, hide_phone_number=True)
    result, _ = check(lk)
    assert result.ok and result.inbound_room.startswith(f"my-agent_{PHONE[-4:]}_")
    assert lk.calls.rooms.names() == []


def test_without_a_dispatch_rule_no_room_appears(lk):
    plan = register(lk)

    async def drop_rule():
        async with open_api(connect(lk)) as api:
            await api.sip.delete_dispatch_rule(DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=plan.dispatch_rule_id))
    asyncio.run(drop_rule())
    result, _ = check(lk, ringing_timeout=1)
    assert not result.ok and result.missing_stage == "room_created"
    assert "no room" in result.explanation and "ring without an answer" in result.explanation
    assert any("origination" in fix for fix in result.what_to_change)
    assert any("dispatch rule for" in p and "is missing" in p for p in result.problems)
    assert lk.calls.rooms.names() == []


def test_an_agent_that_never_starts(lk):
    register(lk)
    lk.calls.switches.set_agent_offline("my-agent")
    result, _ = check(lk, agent_wait=1)
    assert result.missing_stage == "agent_joined" and "never joined" in result.explanation
    assert lk.calls.rooms.names() == []


def test_a_carrier_refusing_the_outgoing_leg(lk):
    register(lk)
    lk.calls.switches.script(CallOutcome.reject(403), destination=PHONE)
    result, _ = check(lk)
    assert result.missing_stage == "dialled" and result.sip_status_code == 403
    assert "could not call" in result.explanation and "403 Forbidden" in result.explanation
    assert lk.calls.rooms.names() == []


def test_cancelling_deletes_both_rooms(lk):
    register(lk)
    lk.calls.switches.set_agent_offline("my-agent")  # the check would wait for the agent
    inbound = InboundCheck(request(lk, agent_wait=60))
    cancel_at(inbound, "caller_joined")
    assert inbound.result is not None and inbound.result.outcome == "cancelled" and not inbound.result.ok
    assert len(inbound.result.rooms_deleted) == 2 and lk.calls.rooms.names() == []


def test_someone_elses_call_in_a_prefix_room_is_left_alone(lk):
    register(lk)
    lk.calls.rooms.join("my-agent_+19995550000_other",
                        ParticipantInfo(identity="sip_+19995550000", kind=ParticipantInfo.Kind.SIP))
    result, _ = check(lk)
    assert result.ok and result.inbound_room != "my-agent_+19995550000_other"
    assert lk.calls.rooms.names() == ["my-agent_+19995550000_other"]


def test_outbound_must_be_on(lk):
    register(lk, enable_outbound=False)
    with pytest.raises(InvalidInput, match="no outbound trunk"):
        check(lk)
