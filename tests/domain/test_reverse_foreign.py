"""The reverse mapping of set-ups phonewizard did not make: carrier, agent and fields recovered,
everything else named; provider recognition on its own."""

from __future__ import annotations

import pytest
from google.protobuf.duration_pb2 import Duration
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    SIPDispatchRule,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.livekit_objects import PhoneNumberInfo, RegistrationObjects
from phonewizard.domain.naming import marker_metadata
from phonewizard.domain.provider_detect import recognise_provider
from phonewizard.domain.reverse import reverse
from phonewizard.domain.reverse_notices import NoticeKind as K

PROFILE = {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123", "api_secret": "never-shown"}
PHONE = "+14155550101"


def kinds(rebuilt) -> set[K]:
    return {n.kind for n in rebuilt.notices}


def individual(prefix: str = "call-", agent: str | None = "support", metadata: str = "") -> SIPDispatchRuleInfo:
    rule = SIPDispatchRuleInfo(sip_dispatch_rule_id="SDR_1", name="my rule",
                               rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix=prefix)))
    if agent:
        rule.room_config.agents.append(RoomAgentDispatch(agent_name=agent, metadata=metadata))
    return rule


def test_a_dashboard_twilio_setup_comes_back_with_its_fields_and_notices():
    inbound = SIPInboundTrunkInfo(sip_trunk_id="ST_in", name="Twilio in", numbers=["14155550101"],
                                  allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"], krisp_enabled=True)
    outbound = SIPOutboundTrunkInfo(sip_trunk_id="ST_out", name="Twilio out", address="mytrunk.pstn.twilio.com",
                                    transport=2, numbers=[PHONE], auth_username="twilio-user", auth_password="pw")
    rule = individual()
    rule.trunk_ids.append("ST_in")
    rebuilt = reverse(RegistrationObjects(PHONE, (inbound,), (outbound,), (rule,)), PROFILE)
    reg = rebuilt.document["registration"]
    assert rebuilt.origin == "foreign" and rebuilt.ok
    assert rebuilt.document["agent_name"] == "support"
    assert rebuilt.document["livekit"] == {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123"}
    assert reg["provider"] == "twilio" and "mytrunk.pstn.twilio.com" in rebuilt.provider_reason
    assert reg["trunk_numbers"] == [PHONE] and reg["allowed_addresses"] == ["54.172.60.0/30", "54.244.51.0/30"]
    assert reg["enable_outbound"] and reg["outbound_address"] == "mytrunk.pstn.twilio.com"
    assert reg["outbound_transport"] == "TCP" and reg["auth_username"] == "twilio-user"
    assert "auth_password" not in reg and reg["krisp_enabled"] is True
    assert reg["ringing_timeout_seconds"] == 180 and reg["max_call_duration_seconds"] == 86400
    assert reg["media_encryption"] == "DISABLE"  # nothing set: LiveKit does not encrypt
    assert kinds(rebuilt) == {K.REWRITTEN, K.TIMEOUTS, K.ROOM_NAMING, K.AGENT_METADATA}
    assert all(not n.changes_behaviour for n in rebuilt.notices if n.kind in (K.REWRITTEN, K.TIMEOUTS))
    prefix = next(n for n in rebuilt.notices if n.kind is K.ROOM_NAMING)
    assert prefix.object_id == "SDR_1" and "call-" in prefix.message and "support_<caller>" in prefix.message
    assert "never-shown" not in str(rebuilt.to_json()) and "pw" not in str(reg)


def test_everything_a_rule_can_hold_beyond_phonewizards_shape_is_named():
    rule = SIPDispatchRuleInfo(
        sip_dispatch_rule_id="SDR_x", trunk_ids=["ST_in", "ST_gone"], inbound_numbers=["+14155550199"],
        metadata="vip line", attributes={"team": "sales"}, room_preset="support-preset", krisp_enabled=True,
        rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="lobby", pin="1234")),
        room_config=RoomConfiguration(max_participants=3, agents=[
            RoomAgentDispatch(agent_name="first", metadata="hello", restart_policy=1),
            RoomAgentDispatch(agent_name="second")]))
    rule.media.codecs.add(name="PCMU")
    inbound = SIPInboundTrunkInfo(sip_trunk_id="ST_in", numbers=[PHONE], auth_username="u", auth_realm="r")
    inbound.media.codecs.add(name="G722")
    rebuilt = reverse(RegistrationObjects(PHONE, (inbound,), (), (rule,)), PROFILE)
    assert rebuilt.document["agent_name"] == "first"
    assert {K.RULE_TYPE, K.PIN, K.RULE_SCOPE, K.CALLER_FILTER, K.AGENTS, K.AGENT_OPTIONS, K.AGENT_METADATA,
            K.ROOM_CONFIG, K.ROOM_PRESET, K.PARTICIPANT_METADATA, K.KRISP, K.MEDIA, K.CREDENTIALS} <= kinds(rebuilt)
    fields = {n.field for n in rebuilt.notices}
    assert {"dispatch_rule.rule", "dispatch_rule.rule.dispatch_rule_direct.pin", "dispatch_rule.trunk_ids",
            "dispatch_rule.room_config.agents", "dispatch_rule.room_config.agents.0.restart_policy",
            "dispatch_rule.room_config.max_participants", "dispatch_rule.attributes", "dispatch_rule.metadata",
            "inbound_trunk.media.codecs", "dispatch_rule.media.codecs", "inbound_trunk.auth_realm"} <= fields
    assert K.OTHER not in kinds(rebuilt)
    several = next(n for n in rebuilt.notices if n.kind is K.AGENTS)
    assert "“second”" in several.message
    assert rebuilt.document["registration"]["provider_config"] == {"inbound_digest_auth": True}


@pytest.mark.parametrize(("address", "headers", "allowed", "provider"), [
    ("mytrunk.pstn.twilio.com", {}, [], "twilio"),
    ("pstn.twilio.com", {}, [], "twilio"),
    ("sip.telnyx.com", {}, [], "telnyx"),
    ("sip.telnyx.com.au", {}, [], "telnyx"),
    ("sip.telnyx.eu:5061", {}, [], "telnyx"),
    ("acme.sip-us.vonage.com", {}, [], "vonage"),
    ("realm.abc.auth.bandwidth.com", {}, [], "bandwidth"),
    ("sip.example.net", {}, [], "custom"),
    ("nottwilio.com", {}, [], "custom"),
    (None, {"X-Telnyx-Username": "u"}, [], "telnyx"),
    (None, {}, ["192.76.120.10", "64.16.250.10"], "telnyx"),
    (None, {}, ["54.172.60.1"], "twilio"),
    (None, {}, ["216.147.0.1"], "vonage"),
    (None, {}, ["192.76.120.10", "203.0.113.9"], "custom"),
    (None, {}, [], "custom"),
])
def test_the_provider_is_recognised_from_address_headers_or_ranges(address, headers, allowed, provider):
    assert recognise_provider(address, [headers], allowed).provider == provider


def test_a_recognised_provider_with_a_bad_host_keeps_the_provider_and_reports_the_fix():
    outbound = SIPOutboundTrunkInfo(sip_trunk_id="ST_out", address="pstn.twilio.com", numbers=[PHONE])
    inbound = SIPInboundTrunkInfo(sip_trunk_id="ST_in", numbers=[PHONE], allowed_addresses=["54.172.60.0/30"])
    rule = individual(prefix="support")
    rule.trunk_ids.append("ST_in")
    rebuilt = reverse(RegistrationObjects(PHONE, (inbound,), (outbound,), (rule,)), PROFILE)
    assert rebuilt.document["registration"]["provider"] == "twilio"
    assert [p.field for p in rebuilt.problems] == ["registration.outbound_address"]
    assert "mytrunk.pstn.twilio.com" in rebuilt.problems[0].message


def test_a_livekit_number_on_a_catch_all_rule_becomes_a_livekit_registration():
    rule = individual(prefix="support")
    number = PhoneNumberInfo("PN_1", PHONE, ("SDR_1",), "PHONE_NUMBER_STATUS_ACTIVE")
    rebuilt = reverse(RegistrationObjects(PHONE, (), (), (rule,), (number,)), PROFILE)
    reg = rebuilt.document["registration"]
    assert reg["provider"] == "livekit" and rebuilt.ok
    scope = [n for n in rebuilt.notices if n.kind is K.RULE_SCOPE]
    assert [n.field for n in scope] == ["dispatch_rule.numbers"] and scope[0].changes_behaviour


def test_a_livekit_number_attached_to_nothing_or_to_two_rules_is_said():
    rule = individual(prefix="support")
    detached = PhoneNumberInfo("PN_1", PHONE, (), "PHONE_NUMBER_STATUS_OFFLINE")
    rebuilt = reverse(RegistrationObjects(PHONE, (), (), (rule,), (detached,)), PROFILE)
    assert any(n.kind is K.MISSING_OBJECT and "attaches" in n.message for n in rebuilt.notices)
    twice = PhoneNumberInfo("PN_1", PHONE, ("SDR_1", "SDR_2"), "PHONE_NUMBER_STATUS_ACTIVE")
    rebuilt = reverse(RegistrationObjects(PHONE, (), (), (rule,), (twice,)), PROFILE)
    assert any(n.kind is K.NUMBER_ATTACHMENT and "SDR_2" in n.message for n in rebuilt.notices)


def test_an_outbound_only_setup_says_what_registering_would_add_and_asks_for_the_agent():
    outbound = SIPOutboundTrunkInfo(sip_trunk_id="ST_out", address="sip.telnyx.com", numbers=[PHONE],
                                    auth_username="tx", headers={"X-Telnyx-Username": "tx"})
    rebuilt = reverse(RegistrationObjects(PHONE, (), (outbound,), ()), PROFILE)
    assert rebuilt.document["registration"]["provider"] == "telnyx"
    # plan.py adds X-Telnyx-Username itself: it does not become a custom header.
    assert rebuilt.document["registration"]["custom_headers"] == {}
    missing = {n.field for n in rebuilt.notices if n.kind is K.MISSING_OBJECT}
    assert missing == {"inbound_trunk", "dispatch_rule"}
    assert [p.field for p in rebuilt.problems] == ["agent_name"]


def test_differences_between_the_two_trunks_are_named():
    inbound = SIPInboundTrunkInfo(sip_trunk_id="ST_in", numbers=[PHONE], headers={"X-A": "1"},
                                  headers_to_attributes={"X-A": "a"})
    inbound.media.encryption = 1
    outbound = SIPOutboundTrunkInfo(sip_trunk_id="ST_out", address="sip.example.net", numbers=[PHONE],
                                    headers={"X-B": "2"}, media_encryption=2)
    rule = individual(prefix="support")
    rule.trunk_ids.append("ST_in")
    rebuilt = reverse(RegistrationObjects(PHONE, (inbound,), (outbound,), (rule,)), PROFILE)
    named = {(n.kind, n.field) for n in rebuilt.notices}
    assert {(K.HEADERS, "outbound_trunk.headers"), (K.HEADER_MAPPING, "outbound_trunk.headers_to_attributes"),
            (K.MEDIA, "outbound_trunk.media.encryption")} <= named
    assert rebuilt.document["registration"]["media_encryption"] == "ALLOW"


def test_phonewizards_trunk_with_a_hand_made_rule_is_mixed():
    inbound = SIPInboundTrunkInfo(sip_trunk_id="ST_in", numbers=[PHONE],
                                  metadata=marker_metadata(PHONE, "bot", "inbound", "custom"),
                                  ringing_timeout=Duration(seconds=30), max_call_duration=Duration(seconds=3600))
    rule = individual(prefix="bot", agent="bot")
    rule.trunk_ids.append("ST_in")
    rebuilt = reverse(RegistrationObjects(PHONE, (inbound,), (), (rule,)), LiveKitProfile(url="wss://x.livekit.cloud", api_key="k"))
    assert rebuilt.origin == "mixed"
    assert rebuilt.document["registration"]["provider"] == "custom"  # from phonewizard's marker


def test_a_second_trunk_or_rule_for_the_number_is_named_not_merged():
    a = SIPInboundTrunkInfo(sip_trunk_id="ST_a", numbers=[PHONE], allowed_numbers=["+14155550199"])
    b = SIPInboundTrunkInfo(sip_trunk_id="ST_b", numbers=[PHONE], allowed_numbers=["+14155550198"])
    rule_b = individual(prefix="support")
    rule_b.trunk_ids.append("ST_b")
    rebuilt = reverse(RegistrationObjects(PHONE, (a, b), (), (rule_b,)), PROFILE)
    extra = [n for n in rebuilt.notices if n.kind is K.EXTRA_OBJECT]
    assert [n.object_id for n in extra] == ["ST_b"]
    assert rebuilt.document["registration"]["allowed_numbers"] == ["+14155550199"]


def test_hand_edited_phonewizard_rule_follows_the_rule_and_says_so():
    rule = individual(prefix="other", agent="other")
    rule.metadata = marker_metadata(PHONE, "bot", "dispatch", "livekit")
    rule.numbers.append(PHONE)
    number = PhoneNumberInfo("PN_1", PHONE, ("SDR_1",), "PHONE_NUMBER_STATUS_ACTIVE")
    rebuilt = reverse(RegistrationObjects(PHONE, (), (), (rule,), (number,)), PROFILE)
    assert rebuilt.origin == "phonewizard" and rebuilt.document["agent_name"] == "other"
    mismatch = next(n for n in rebuilt.notices if n.kind is K.AGENT_MISMATCH)
    assert "“bot”" in mismatch.message and not mismatch.changes_behaviour


def test_the_user_documentation_explains_every_notice_and_every_reason_for_listing_apart():
    from pathlib import Path

    from phonewizard.domain.inventory_grouping import APART_REASONS

    text = (Path(__file__).resolve().parents[2] / "docs" / "registrations.md").read_text(encoding="utf-8")
    assert [k.value for k in K if f"| `{k.value}` |" not in text] == []
    assert [r for r in APART_REASONS if f"| `{r}` |" not in text] == []
