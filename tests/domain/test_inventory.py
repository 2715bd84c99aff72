"""The inventory: objects grouped by the number they serve, each group ok / incomplete / foreign,
and the objects that serve no single number set apart with the reason."""

from __future__ import annotations

from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.sip import (
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.inventory import build_inventory
from phonewizard.domain.livekit_objects import PhoneNumberInfo, ProjectObjects, RegistrationObjects
from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config

from tests.domain.registration_strategies import PASSWORD, PROFILE, stored_objects


def registered(phone: str, provider: str = "custom", suffix: str = "", **extra) -> RegistrationObjects:
    reg = {"phone_number": phone, "provider": provider, **extra}
    config = check_config({"agent_name": "bot", "livekit": PROFILE, "registration": reg}).config
    return stored_objects(plan(config), suffix or phone[-4:])


def rule(rid: str, trunks=(), numbers=(), agent: str | None = "bot") -> SIPDispatchRuleInfo:
    r = SIPDispatchRuleInfo(sip_dispatch_rule_id=rid, name=f"rule {rid}", trunk_ids=list(trunks), numbers=list(numbers),
                            rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")))
    if agent:
        r.room_config.agents.append(RoomAgentDispatch(agent_name=agent))
    return r


def project(*parts: RegistrationObjects, inbound=(), outbound=(), rules=(), numbers=(), readable=True) -> ProjectObjects:
    return ProjectObjects(
        tuple(t for p in parts for t in p.inbound) + tuple(inbound),
        tuple(t for p in parts for t in p.outbound) + tuple(outbound),
        tuple(r for p in parts for r in p.rules) + tuple(rules),
        tuple(n for p in parts for n in p.numbers) + tuple(numbers), readable)


def test_phonewizard_registrations_are_ok_with_everything_the_table_needs():
    twilio = registered("+14155550101", "twilio", enable_outbound=True, outbound_address="acme.pstn.twilio.com")
    livekit = registered("+14155550100", "livekit")
    inv = build_inventory(project(twilio, livekit))
    assert [e.phone_number for e in inv.entries] == ["+14155550100", "+14155550101"]
    lk, tw = inv.entries
    assert (tw.state, tw.origin, tw.carrier, tw.agent_names, tw.inbound, tw.outbound) == \
        ("ok", "phonewizard", "twilio", ("bot",), True, True)
    assert [(r.kind, r.phonewizard) for r in tw.refs] == [("inbound_trunk", True), ("outbound_trunk", True), ("dispatch_rule", True)]
    assert (lk.state, lk.carrier, lk.inbound, lk.outbound) == ("ok", "livekit", True, False)
    assert [r.kind for r in lk.refs] == ["dispatch_rule", "livekit_number"]
    assert inv.apart == () and inv.counts() == {"ok": 2, "incomplete": 0, "foreign": 0}


def test_an_interrupted_run_is_incomplete_and_says_what_is_missing():
    full = registered("+14155550101")
    trunk_only = RegistrationObjects(full.phone_number, full.inbound)
    lk = registered("+14155550100", "livekit")
    not_attached = PhoneNumberInfo("PN_x", "+14155550100", (), "PHONE_NUMBER_STATUS_OFFLINE")
    twice = registered("+14155550102", suffix="a"), registered("+14155550102", suffix="b")
    inv = build_inventory(project(trunk_only, *twice, rules=lk.rules, numbers=[not_attached]))
    by = {e.phone_number: e for e in inv.entries}
    assert by["+14155550101"].state == "incomplete"
    assert by["+14155550101"].problems == (f"no dispatch rule for inbound trunk {full.inbound[0].sip_trunk_id}: "
                                           "calls to it are dropped",)
    assert by["+14155550100"].state == "incomplete"
    assert "not attached to the dispatch rule" in by["+14155550100"].problems[0]
    dup = by["+14155550102"]
    assert dup.state == "incomplete" and any(p.startswith("2 inbound trunks") for p in dup.problems)


def test_hand_made_objects_are_foreign_and_mixed_groups_say_which_object():
    foreign_trunk = SIPInboundTrunkInfo(sip_trunk_id="ST_f", name="by hand", numbers=["14155550177"])
    out = SIPOutboundTrunkInfo(sip_trunk_id="ST_fo", address="sip.telnyx.com", numbers=["+14155550177"])
    ours = registered("+14155550101")
    intruder = rule("SDR_hand", trunks=[ours.inbound[0].sip_trunk_id], agent="other")
    inv = build_inventory(project(ours, inbound=[foreign_trunk], outbound=[out],
                                  rules=[rule("SDR_f", trunks=["ST_f"], agent="sales"), intruder]))
    foreign = inv.entry_for("+1 415 555 0177")
    assert (foreign.state, foreign.origin, foreign.carrier, foreign.agent_names) == ("foreign", "foreign", "telnyx", ("sales",))
    assert foreign.outbound and {r.id for r in foreign.refs} == {"ST_f", "ST_fo", "SDR_f"}
    mixed = inv.entry_for("+14155550101")
    assert (mixed.state, mixed.origin) == ("foreign", "mixed")
    assert set(mixed.agent_names) == {"bot", "other"}
    assert [r.id for r in mixed.refs if not r.phonewizard] == ["SDR_hand"]


def test_objects_that_serve_no_single_number_are_set_apart_with_why():
    ours = registered("+14155550101")
    wildcard = SIPInboundTrunkInfo(sip_trunk_id="ST_any", auth_username="u", auth_password="p")
    inv = build_inventory(project(ours, inbound=[wildcard], rules=[
        rule("SDR_all"), rule("SDR_wild", trunks=["ST_any"]), rule("SDR_gone", trunks=["ST_deleted"])],
        numbers=[PhoneNumberInfo("PN_free", "+14155550123", (), "PHONE_NUMBER_STATUS_OFFLINE"),
                 PhoneNumberInfo("PN_old", "+14155550124", (), "PHONE_NUMBER_STATUS_RELEASED")]))
    reasons = {a.ref.id: a.reason for a in inv.apart}
    assert reasons == {"ST_any": "wildcard_trunk", "SDR_all": "catch_all_rule", "SDR_wild": "rule_for_wildcard_trunk",
                       "SDR_gone": "orphan_rule", "PN_free": "unassigned_number"}
    assert all(a.message for a in inv.apart)
    assert "every trunk that has no rule of its own" in next(a.message for a in inv.apart if a.ref.id == "SDR_all")
    assert [e.phone_number for e in inv.entries] == ["+14155550101"]  # the released number is gone


def test_a_trunk_without_rule_mentions_the_catch_all_that_takes_its_calls():
    trunk = SIPInboundTrunkInfo(sip_trunk_id="ST_f", numbers=["+14155550177"])
    inv = build_inventory(project(inbound=[trunk], rules=[rule("SDR_all")]))
    assert inv.entries[0].problems == ("no dispatch rule for inbound trunk ST_f: calls to it are dropped, unless "
                                       "the catch-all rule SDR_all takes them",)


def test_a_rule_for_two_numbers_trunks_is_shared_and_said():
    a = SIPInboundTrunkInfo(sip_trunk_id="ST_a", numbers=["+14155550171"])
    b = SIPInboundTrunkInfo(sip_trunk_id="ST_b", numbers=["+14155550172"])
    inv = build_inventory(project(inbound=[a, b], rules=[rule("SDR_both", trunks=["ST_a", "ST_b"])]))
    first, second = inv.entries
    shared = next(r for r in first.refs if r.id == "SDR_both")
    assert shared.shared_with == ("+14155550172",)
    assert any("also serves +14155550172" in p for p in first.problems)
    assert any(r.id == "SDR_both" for r in second.refs)


def test_a_livekit_number_on_a_hand_made_catch_all_rule_is_an_entry_and_apart():
    number = PhoneNumberInfo("PN_1", "+14155550100", ("SDR_all",), "PHONE_NUMBER_STATUS_ACTIVE")
    inv = build_inventory(project(rules=[rule("SDR_all")], numbers=[number]))
    entry = inv.entry_for("+14155550100")
    assert (entry.state, entry.carrier, entry.problems) == ("foreign", "livekit", ())
    apart = inv.apart[0]
    assert apart.reason == "catch_all_rule" and "+14155550100" in apart.message
    assert entry.reverse(PROFILE).document["registration"]["provider"] == "livekit"


def test_without_a_phone_number_service_livekit_registrations_say_why():
    lk = registered("+14155550100", "livekit")
    inv = build_inventory(project(RegistrationObjects(lk.phone_number, rules=lk.rules), readable=False))
    assert not inv.numbers_readable
    assert "no LiveKit numbers (self-hosted)" in inv.entries[0].problems[0]


def test_a_rule_without_agent_is_reported():
    trunk = SIPInboundTrunkInfo(sip_trunk_id="ST_f", numbers=["+14155550177"])
    inv = build_inventory(project(inbound=[trunk], rules=[rule("SDR_f", trunks=["ST_f"], agent=None)]))
    assert any("names no agent" in p for p in inv.entries[0].problems)


def test_an_entry_rebuilds_its_document_and_everything_serialises():
    ours = registered("+14155550101", auth_username="alice", auth_password=PASSWORD,
                      provider_config={"inbound_digest_auth": True})
    inv = build_inventory(project(ours))
    entry = inv.entry_for("14155550101")
    rebuilt = entry.reverse(PROFILE)
    assert rebuilt.origin == "phonewizard" and rebuilt.notices == () and rebuilt.ok
    data = inv.to_json()
    assert data["entries"][0]["objects"][0]["kind"] == "inbound_trunk"
    assert PASSWORD not in repr(inv) and PASSWORD not in str(data) and PASSWORD not in repr(entry)
    assert inv.entry_for("+19995550000") is None
