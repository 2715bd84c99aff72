"""What the project holds, read back over HTTP from the sandbox with the real clients: phonewizard's
registrations come back exactly (and registering the rebuilt document updates them in place);
set-ups made directly through livekit-api — requests built by hand, as the dashboard or `lk` send
them — come back with the right fields and named notices; interrupted runs and catch-all objects
are sorted where the inventory promises."""

from __future__ import annotations

import copy

from google.protobuf.duration_pb2 import Duration
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPMediaConfig,
    SIPOutboundTrunkInfo,
    SIPTransport,
)

from phonewizard.domain.config_document import config_to_document
from phonewizard.domain.inventory import build_inventory
from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from phonewizard.domain.reverse_notices import NoticeKind as K
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.project_reader import read_project

from tests.services.registrar_helpers import LK_PHONE, PASSWORD, PHONE, config, connect, hand_made, registrar, run

TWILIO_NUMBER = "+14155550188"


def inventory(sandbox):
    return build_inventory(run(read_project(connect(sandbox))))


def profile(sandbox) -> dict:
    return {"url": sandbox.url, "api_key": sandbox.api_key}


def test_phonewizard_registrations_come_back_exactly_and_register_in_place(sandbox):
    reg = registrar(sandbox)
    registered = {PHONE: config(custom_headers={"X-Tier": "gold"}, ringing_timeout_seconds=45),
                  LK_PHONE: config(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                                   outbound_address=None, auth_username=None, auth_password=None)}
    first = {n: run(reg.apply(plan(c))) for n, c in registered.items()}
    inv = inventory(sandbox)
    assert [(e.phone_number, e.state, e.carrier) for e in inv.entries] == [(LK_PHONE, "ok", "livekit"), (PHONE, "ok", "telnyx")]
    for number, original in registered.items():
        rebuilt = inv.entry_for(number).reverse(original.livekit)
        assert rebuilt.origin == "phonewizard" and rebuilt.notices == () and rebuilt.ok
        assert rebuilt.document == config_to_document(original)  # what was registered, no password
        document = copy.deepcopy(rebuilt.document)
        if document["registration"].get("auth_username"):
            document["registration"]["auth_password"] = PASSWORD
        again = run(reg.apply(plan(check_config(document).config)))
        assert again.status == "updated" and again.dispatch_rule_id == first[number].dispatch_rule_id
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 2}


def test_a_dashboard_made_twilio_setup_comes_back_with_its_fields_and_notices(sandbox):
    hand_made(
        sandbox,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(
            name="Twilio inbound", numbers=[TWILIO_NUMBER], allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"],
            krisp_enabled=True, ringing_timeout=Duration(seconds=20), max_call_duration=Duration(seconds=1800),
            headers_to_attributes={"X-Twilio-AccountSid": "twilio.account"},
            media=SIPMediaConfig(codecs=[{"name": "PCMU"}]))),
        CreateSIPOutboundTrunkRequest(trunk=SIPOutboundTrunkInfo(
            name="Twilio outbound", address="acme.pstn.twilio.com", transport=SIPTransport.SIP_TRANSPORT_TCP,
            numbers=[TWILIO_NUMBER], auth_username="twilio-user", auth_password="twilio-Pass-123",
            headers_to_attributes={"X-Twilio-AccountSid": "twilio.account"})),
        lambda ids: CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
            name="Support line", trunk_ids=[ids[0]], hide_phone_number=True,
            rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call-", pin="4321")),
            room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name="support", metadata='{"lang": "en"}')]))),
    )
    entry = inventory(sandbox).entry_for(TWILIO_NUMBER)
    assert (entry.state, entry.origin, entry.carrier, entry.agent_names, entry.inbound, entry.outbound) == \
        ("foreign", "foreign", "twilio", ("support",), True, True)
    rebuilt = entry.reverse(profile(sandbox))
    reg = rebuilt.document["registration"]
    assert rebuilt.ok and rebuilt.document["agent_name"] == "support"
    assert (reg["provider"], reg["outbound_address"], reg["outbound_transport"], reg["auth_username"]) == \
        ("twilio", "acme.pstn.twilio.com", "TCP", "twilio-user")
    assert (reg["ringing_timeout_seconds"], reg["max_call_duration_seconds"], reg["krisp_enabled"],
            reg["hide_phone_number"]) == (20, 1800, True, True)
    assert reg["headers_to_attributes"] == {"X-Twilio-AccountSid": "twilio.account"}
    assert reg["metadata"] == {"lang": "en"}  # the agent's own JSON, kept whole
    assert "auth_password" not in reg and "twilio-Pass-123" not in str(rebuilt.to_json())
    named = {(n.kind, n.field) for n in rebuilt.notices}
    assert {(K.PIN, "dispatch_rule.rule.dispatch_rule_individual.pin"),
            (K.ROOM_NAMING, "dispatch_rule.rule.dispatch_rule_individual.room_prefix"),
            (K.AGENT_METADATA, "dispatch_rule.room_config.agents.0.metadata"),
            (K.MEDIA, "inbound_trunk.media.codecs")} <= named
    assert K.OTHER not in {n.kind for n in rebuilt.notices}


def test_an_lk_style_direct_rule_with_two_agents_and_a_caller_filter(sandbox):
    hand_made(
        sandbox,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="pbx", numbers=["14155550166"],
                                                               auth_username="pbx", auth_password="pbx-Secret-9")),
        lambda ids: CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
            trunk_ids=[ids[0]], inbound_numbers=["+14155550111"], attributes={"team": "sales"},
            rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="sales-floor")),
            room_config=RoomConfiguration(max_participants=10, agents=[
                RoomAgentDispatch(agent_name="greeter"), RoomAgentDispatch(agent_name="notetaker")]))),
    )
    entry = inventory(sandbox).entry_for("+14155550166")
    assert entry.carrier == "custom" and entry.agent_names == ("greeter", "notetaker")
    rebuilt = entry.reverse(profile(sandbox))
    reg = rebuilt.document["registration"]
    assert reg["trunk_numbers"] == ["+14155550166"] and reg["auth_username"] == "pbx"
    assert reg["provider_config"] == {"inbound_digest_auth": True}
    kinds = {n.kind for n in rebuilt.notices}
    assert {K.RULE_TYPE, K.AGENTS, K.CALLER_FILTER, K.PARTICIPANT_METADATA, K.ROOM_CONFIG, K.REWRITTEN} <= kinds
    assert K.OTHER not in kinds


def test_a_livekit_number_attached_to_a_hand_made_catch_all_rule(sandbox):
    [rule_id] = hand_made(sandbox, CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name="all calls", rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="lk")),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name="receptionist")]))))

    async def attach():  # what `lk number update --number … --sip-dispatch-rule-id …` sends
        async with PhoneNumberClient(connect(sandbox)) as numbers:
            await numbers.attach(LK_PHONE, rule_id)
    run(attach())
    inv = inventory(sandbox)
    entry = inv.entry_for(LK_PHONE)
    assert (entry.state, entry.carrier, entry.agent_names, entry.problems) == ("foreign", "livekit", ("receptionist",), ())
    assert [(a.ref.id, a.reason) for a in inv.apart] == [(rule_id, "catch_all_rule"), (inv.apart[1].ref.id, "unassigned_number")]
    rebuilt = entry.reverse(profile(sandbox))
    assert rebuilt.document["registration"]["provider"] == "livekit" and rebuilt.ok
    assert [n.field for n in rebuilt.notices if n.kind is K.RULE_SCOPE] == ["dispatch_rule.numbers"]


def test_an_interrupted_run_and_an_orphan_rule(sandbox):
    left_behind = plan(config(phone_number="+14155550155", enable_outbound=False)).inbound
    hand_made(sandbox, left_behind,
              CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
                  trunk_ids=["ST_deleted00000"],
                  rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")))))
    inv = inventory(sandbox)
    entry = inv.entry_for("+14155550155")
    assert (entry.state, entry.origin) == ("incomplete", "phonewizard")
    assert entry.problems[0].startswith("no dispatch rule for inbound trunk")
    rebuilt = entry.reverse(profile(sandbox))
    assert [n.field for n in rebuilt.notices if n.kind is K.MISSING_OBJECT] == ["dispatch_rule"]
    assert rebuilt.ok  # registering the document completes the registration
    assert ("orphan_rule" in {a.reason for a in inv.apart})
