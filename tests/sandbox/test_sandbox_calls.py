"""Simulated calls through the real livekit-api client: CreateSIPParticipant with every outcome the
switches choose, its grant and validation, errors carrying the SIP status in the Twirp meta exactly
as LiveKit's do (so livekit-api raises SipCallError), and what happens to the room's participants."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
import pytest
from google.protobuf import any_pb2
from livekit import api
from livekit.api.twirp_client import TwirpClient
from livekit.protocol import sip as sip_pb
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import ListParticipantsRequest

from phonewizard.sandbox.call_switches import CallOutcome, magic_outcome
from phonewizard.sandbox.sip_errors import rpc_status_details, twirp_code_for_sip

CALLER, CALLEE = "+14155550199", "+447700900123"


@pytest.fixture
def calls(sandbox):
    sandbox.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=0.05, agent_join_seconds=0.01)
    return sandbox


def run(coro):
    return asyncio.run(coro)


async def outbound_trunk(lk, address: str = "sip.telnyx.com", **fields) -> str:
    info = await lk.sip.create_outbound_trunk(sip_pb.CreateSIPOutboundTrunkRequest(trunk=sip_pb.SIPOutboundTrunkInfo(
        name="t", address=address, numbers=[CALLER], **fields)))
    return info.sip_trunk_id


def dial(trunk_id: str, room: str = "test-room", to: str = CALLEE, **fields) -> sip_pb.CreateSIPParticipantRequest:
    fields.setdefault("wait_until_answered", True)
    return sip_pb.CreateSIPParticipantRequest(sip_trunk_id=trunk_id, sip_call_to=to, room_name=room,
                                              participant_identity="callee", **fields)


async def people(lk, room: str) -> list[ParticipantInfo]:
    return list((await lk.room.list_participants(ListParticipantsRequest(room=room))).participants)


def client(sandbox) -> api.LiveKitAPI:
    return api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret)


# ---- outcomes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code, reason, twirp, http, prefix", [
    (403, "Forbidden", "permission_denied", 403, "unexpected status from INVITE response"),
    (404, "Not Found", "not_found", 404, "INVITE failed"),
    (408, "Request Timeout", "deadline_exceeded", 408, "unexpected status from INVITE response"),
    (480, "Temporarily Unavailable", "resource_exhausted", 429, "INVITE failed"),
    (486, "Busy Here", "resource_exhausted", 429, "INVITE failed"),
    (488, "Not Acceptable Here", "invalid_argument", 400, "INVITE failed"),
    (503, "Service Unavailable", "failed_precondition", 412, "unexpected status from INVITE response"),
])
def test_a_refused_call_raises_sip_call_error_with_livekits_meta(calls, code, reason, twirp, http, prefix):
    calls.calls.switches.script(CallOutcome.reject(code))

    async def go():
        async with client(calls) as lk:
            trunk = await outbound_trunk(lk)
            with pytest.raises(api.SipCallError) as caught:
                await lk.sip.create_sip_participant(dial(trunk))
            return caught.value, await people(lk, "test-room")
    error, left = run(go())
    assert (error.sip_status_code, error.sip_status, error.code, error.status) == (code, reason, twirp, http)
    text = f"{prefix}: sip status: {code}: {reason}"
    assert error.message == f"twirp error unknown: {text}"
    assert set(error.metadata) == {"sip_status_code", "sip_status", "error_details"}
    status = base64.b64decode(error.metadata["error_details"])
    packed = any_pb2.Any()
    packed.ParseFromString(status[status.index(b"\x1a") + 2:])
    detail = sip_pb.SIPStatus()
    assert packed.Unpack(detail) and (detail.code, detail.status) == (code, reason)
    assert text.encode() in status
    assert left == []  # the SIP participant left the room when the call failed


def test_error_details_are_byte_for_byte_what_livekit_sends():
    # livekit/sip#606 shows this meta for a 482 from an older server (gRPC code 13).
    seen = ("CA0SR3VuZXhwZWN0ZWQgc3RhdHVzIGZyb20gSU5WSVRFIHJlc3BvbnNlOiBzaXAgc3RhdHVzOiA0ODI6IFJlcXVlc3QgbWVy"
            "Z2VkGjwKJXR5cGUuZ29vZ2xlYXBpcy5jb20vbGl2ZWtpdC5TSVBTdGF0dXMSEwjiAxIOUmVxdWVzdCBtZXJnZWQ=")
    text = "unexpected status from INVITE response: sip status: 482: Request merged"
    assert rpc_status_details(13, text, sip_pb.SIPStatus(code=482, status="Request merged")) == seen


@pytest.mark.parametrize("code, twirp", [(499, "invalid_argument"), (599, "failed_precondition"),
                                         (699, "invalid_argument"), (603, "permission_denied")])
def test_codes_outside_livekits_table_get_its_fallbacks(code, twirp):
    assert twirp_code_for_sip(code) == twirp


def test_an_unanswered_call_ends_at_the_ringing_timeout_without_a_sip_status(calls):
    calls.calls.switches.script(CallOutcome.no_answer())

    async def go():
        async with client(calls) as lk:
            trunk = await outbound_trunk(lk)
            with pytest.raises(api.TwirpError) as caught:
                await lk.sip.create_sip_participant(dial(trunk, ringing_timeout={"seconds": 1}))
            return caught.value
    error = run(go())
    assert not isinstance(error, api.SipCallError)
    assert (error.code, error.status, error.message) == ("canceled", 408, "twirp error unknown: sip request timed out")
    assert error.metadata == {}


def test_an_answered_call_is_active_then_the_callee_hangs_up_and_the_agent_leaves(calls):
    calls.calls.switches.script(CallOutcome.answer(hangup_after=0.3))

    async def go():
        async with client(calls) as lk:
            trunk = await outbound_trunk(lk)
            await lk.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(agent_name="bot", room="test-room"))
            info = await lk.sip.create_sip_participant(dial(trunk))
            during = await people(lk, "test-room")
            while any(p.identity == "callee" for p in await people(lk, "test-room")):
                await asyncio.sleep(0.05)
            return info, during, await people(lk, "test-room")
    info, during, after = run(go())
    assert info.participant_identity == "callee" and info.room_name == "test-room"
    assert info.sip_call_id.startswith("SCL_") and info.participant_id.startswith("PA_")
    callee = next(p for p in during if p.identity == "callee")
    assert callee.kind == ParticipantInfo.Kind.SIP and callee.attributes["sip.callStatus"] == "active"
    assert callee.attributes["sip.phoneNumber"] == CALLEE and callee.attributes["sip.trunkPhoneNumber"] == CALLER
    assert any(p.kind == ParticipantInfo.Kind.AGENT for p in during)
    assert after == []  # the agent left with the caller; the room itself stays until deleted
    assert "test-room" in calls.calls.rooms.names()


def test_without_waiting_the_request_returns_while_it_still_dials(calls):
    calls.calls.switches.set_timing(dial_seconds=0.5)

    async def go():
        async with client(calls) as lk:
            trunk = await outbound_trunk(lk)
            await lk.sip.create_sip_participant(dial(trunk, wait_until_answered=False))
            return await people(lk, "test-room")
    (callee,) = run(go())
    assert callee.attributes["sip.callStatus"] == "dialing"


async def ringing(lk) -> asyncio.Future:
    """A call placed (the request still waiting for an answer) once its callee is in test-room."""
    trunk = await outbound_trunk(lk)
    task = asyncio.ensure_future(lk.sip.create_sip_participant(dial(trunk)))
    while not await people(lk, "test-room"):
        await asyncio.sleep(0.02)
    return task


def test_hanging_up_the_request_cancels_the_call(calls):
    calls.calls.switches.set_timing(ring_seconds=30)

    async def go():
        async with client(calls) as lk:
            task = await ringing(lk)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            while await people(lk, "test-room"):
                await asyncio.sleep(0.02)
            return True
    assert run(asyncio.wait_for(go(), 10))


def test_deleting_the_room_ends_a_ringing_call(calls):
    calls.calls.switches.set_timing(ring_seconds=30)

    async def go():
        async with client(calls) as lk:
            task = await ringing(lk)
            await lk.room.delete_room(api.DeleteRoomRequest(room="test-room"))
            return await asyncio.gather(task, return_exceptions=True)
    (error,) = run(asyncio.wait_for(go(), 10))
    assert isinstance(error, api.TwirpError) and error.code == "canceled"
    assert calls.calls.rooms.names() == []


@pytest.mark.parametrize("destination, expected", [
    ("+15550000486", CallOutcome.reject(486)), ("+15550000403", CallOutcome.reject(403)),
    ("+15550000000", CallOutcome.no_answer()), ("+15550001012", CallOutcome.answer(12.0)),
    ("+1 555 000 0503", CallOutcome.reject(503)), ("+15550000200", None), ("+447700900123", None),
])
def test_magic_destination_numbers(destination, expected):
    assert magic_outcome(destination) == expected


def test_a_magic_number_chooses_the_outcome_over_the_wire(calls):
    async def go():
        async with client(calls) as lk:
            trunk = await outbound_trunk(lk)
            with pytest.raises(api.SipCallError) as caught:
                await lk.sip.create_sip_participant(dial(trunk, to="+15550000486"))
            return caught.value.sip_status_code
    assert run(go()) == 486


def test_a_number_of_this_sandbox_comes_back_in_and_is_routed(calls):
    async def go():
        async with client(calls) as lk:
            inbound = await lk.sip.create_inbound_trunk(sip_pb.CreateSIPInboundTrunkRequest(
                trunk=sip_pb.SIPInboundTrunkInfo(name="in", numbers=["+14155550123"])))
            await lk.sip.create_dispatch_rule(sip_pb.CreateSIPDispatchRuleRequest(dispatch_rule=sip_pb.SIPDispatchRuleInfo(
                trunk_ids=[inbound.sip_trunk_id],
                rule=sip_pb.SIPDispatchRule(dispatch_rule_individual=sip_pb.SIPDispatchRuleIndividual(room_prefix="desk")),
                room_config=api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name="desk-agent")]))))
            trunk = await outbound_trunk(lk)
            await lk.sip.create_sip_participant(dial(trunk, room="out", to="+14155550123"))
            await asyncio.sleep(0.1)
            rooms = [r.name for r in (await lk.room.list_rooms(api.ListRoomsRequest())).rooms]
            room = next(r for r in rooms if r.startswith("desk_"))
            return room, await people(lk, room), inbound.sip_trunk_id
    room, inside, trunk_id = run(go())
    assert room.startswith(f"desk_{CALLER}_")
    caller = next(p for p in inside if p.kind == ParticipantInfo.Kind.SIP)
    assert caller.identity == f"sip_{CALLER}" and caller.attributes["sip.trunkID"] == trunk_id
    assert any(p.kind == ParticipantInfo.Kind.AGENT and p.name == "desk-agent" for p in inside)


def test_a_call_back_in_that_no_rule_takes_rings_until_the_timeout(calls):
    async def go():
        async with client(calls) as lk:
            await lk.sip.create_inbound_trunk(sip_pb.CreateSIPInboundTrunkRequest(
                trunk=sip_pb.SIPInboundTrunkInfo(name="in", numbers=["+14155550123"])))
            trunk = await outbound_trunk(lk)
            with pytest.raises(api.TwirpError) as caught:
                await lk.sip.create_sip_participant(dial(trunk, to="+14155550123", ringing_timeout={"seconds": 1}))
            return caught.value.message
    assert run(go()) == "twirp error unknown: sip request timed out"


def test_an_agent_switched_off_never_joins(calls):
    calls.calls.switches.set_agent_offline("bot")

    async def go():
        async with client(calls) as lk:
            dispatch = await lk.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(agent_name="bot", room="r"))
            listed = await lk.agent_dispatch.list_dispatch("r")
            await asyncio.sleep(0.1)
            return dispatch, listed, await people(lk, "r")
    dispatch, listed, inside = run(go())
    assert dispatch.id.startswith("AD_") and [d.id for d in listed] == [dispatch.id]
    assert inside == []


# ---- grants and validation --------------------------------------------------------------------

def raw_call(sandbox, service: str, method: str, request, response_class, grants=None, sip=None):
    async def go():
        token = api.AccessToken(sandbox.api_key, sandbox.api_secret).with_grants(grants or api.VideoGrants())
        if sip is not None:
            token = token.with_sip_grants(sip)
        async with aiohttp.ClientSession() as session:
            twirp = TwirpClient(session, sandbox.url, "livekit")
            return await twirp.request(service, method, request, {"Authorization": f"Bearer {token.to_jwt()}"},
                                       response_class)
    return run(go())


@pytest.mark.parametrize("service, method, request_, response, grants, sip", [
    ("SIP", "CreateSIPParticipant", sip_pb.CreateSIPParticipantRequest(), sip_pb.SIPParticipantInfo,
     None, api.SIPGrants(admin=True)),
    ("RoomService", "ListRooms", api.ListRoomsRequest(), api.ListRoomsResponse, api.VideoGrants(room_admin=True), None),
    ("RoomService", "ListParticipants", ListParticipantsRequest(room="a"), api.ListParticipantsResponse,
     api.VideoGrants(room_admin=True, room="b"), None),
    ("RoomService", "DeleteRoom", api.DeleteRoomRequest(room="a"), api.DeleteRoomResponse,
     api.VideoGrants(room_list=True), None),
    ("AgentDispatchService", "CreateDispatch", api.CreateAgentDispatchRequest(room="a"), api.AgentDispatch,
     api.VideoGrants(room_create=True), None),
])
def test_each_method_checks_its_grant_as_livekit_does(sandbox, service, method, request_, response, grants, sip):
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, service, method, request_, response, grants, sip)
    assert (caught.value.code, caught.value.message, caught.value.status) == ("unauthenticated", "permissions denied", 401)


@pytest.mark.parametrize("fields, message", [
    ({"sip_call_to": CALLEE, "room_name": "r"}, "missing sip trunk id and sip number"),
    ({"sip_trunk_id": "ST_x", "room_name": "r"}, "missing sip callee number"),
    ({"sip_trunk_id": "ST_x", "sip_call_to": "1@example.com", "room_name": "r"},
     "SipCallTo should be a phone number or SIP user, not a full SIP URI"),
    ({"sip_trunk_id": "ST_x", "sip_call_to": CALLEE}, "missing room name"),
    ({"sip_trunk_id": "ST_x", "sip_call_to": CALLEE, "room_name": "r", "headers": {"From": "x"}},
     "invalid header name: header name From not supported"),
])
def test_create_sip_participant_validates_like_livekit(sandbox, fields, message):
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, "SIP", "CreateSIPParticipant", sip_pb.CreateSIPParticipantRequest(**fields),
                 sip_pb.SIPParticipantInfo, sip=api.SIPGrants(call=True))
    assert (caught.value.code, caught.value.message) == ("invalid_argument", message)


def test_an_unknown_trunk_and_an_unknown_room(sandbox):
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, "SIP", "CreateSIPParticipant", dial("ST_unknown"), sip_pb.SIPParticipantInfo,
                 sip=api.SIPGrants(call=True))
    assert (caught.value.code, caught.value.message) == ("not_found", "requested sip trunk does not exist")
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, "RoomService", "DeleteRoom", api.DeleteRoomRequest(room="nope"), api.DeleteRoomResponse,
                 api.VideoGrants(room_create=True))
    assert (caught.value.code, caught.value.message) == ("not_found", "twirp error unknown: requested room does not exist")


def test_unknown_room_service_methods_are_bad_routes(sandbox):
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, "RoomService", "Teleport", api.ListRoomsRequest(), api.ListRoomsResponse,
                 api.VideoGrants(room_list=True))
    assert caught.value.code == "bad_route"


def test_faults_reach_the_new_methods(sandbox):
    sandbox.faults.fail("ListRooms", "error", code="unavailable", msg="injected")
    with pytest.raises(api.TwirpError) as caught:
        raw_call(sandbox, "RoomService", "ListRooms", api.ListRoomsRequest(), api.ListRoomsResponse,
                 api.VideoGrants(room_list=True))
    assert caught.value.code == "unavailable"
