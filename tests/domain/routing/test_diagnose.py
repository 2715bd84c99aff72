"""`diagnose`: the outcome, the SIP status, every skip reason with its code, the assumptions, the
drawn path and the JSON contract of `phonewizard doctor --json` (issue 10 item 4)."""

import json

import pytest

from phonewizard.domain.routing import InboundCall, diagnose
from tests.domain.routing.builders import direct, individual, rule, trunk

CLOUD, SELF = "wss://demo-abc.livekit.cloud", "ws://localhost:7880"
TO, FROM = "+14155550123", "+15550001111"
T = trunk("ST_a", [TO], name="main")
R = rule("SDR_a", individual("agent", randomize=True), trunks=["ST_a"], agents=("bob",), name="bob's rule")


def codes(v, kind=None):
    return {c.object_id: c.code for c in v.considered if kind is None or c.kind == kind}


def test_accepted_contract():
    v = diagnose([T], [R], InboundCall(to=TO, caller=FROM), CLOUD)
    data = v.to_json()
    assert {k: data[k] for k in ("outcome", "sip_status", "trunk_id", "dispatch_rule_id", "room", "agents",
                                 "auth_required", "reasons")} == {
        "outcome": "accepted", "sip_status": None, "trunk_id": "ST_a", "dispatch_rule_id": "SDR_a",
        "room": f"agent_{FROM}_<random>", "agents": ["bob"], "auth_required": False, "reasons": []}
    assert v.gets_through and json.loads(json.dumps(data)) == data
    assert [h.status for h in v.hops] == ["passed"] * 5 and v.stopped_at is None
    assert data["participant"] == {"identity": f"sip_{FROM}", "name": f"Phone {FROM}"}


def test_unknown_caller_is_a_placeholder_and_an_assumption():
    v = diagnose([T], [R], InboundCall(to=TO), CLOUD)
    assert v.room == "agent_<caller>_<random>"
    assert any(a.startswith("No caller given") for a in v.assumptions)
    assert any(a.startswith("No source IP given") for a in v.assumptions)


def test_hidden_unknown_caller_says_last_digits():
    hidden = rule("SDR_a", individual("agent", randomize=True), trunks=["ST_a"], hide=True)
    v = diagnose([T], [hidden], InboundCall(to=TO), CLOUD)
    assert v.room == "agent_<caller's last 4 digits>_<random>"
    assert v.participant_identity == "sip_<hash of the caller's number>"


def test_cloud_rejects_with_404_self_hosted_drops():
    other = trunk("ST_a", ["+442075550123"])  # a near miss: same last digits, another number
    cloud = diagnose([other], [R], InboundCall(to=TO), CLOUD)
    assert (cloud.outcome, cloud.sip_status, cloud.sip_reason) == ("rejected", 404, "No trunk found")
    assert cloud.stopped_at.kind == "trunk" and codes(cloud)["SDR_a"] == "rule.not_reached"
    hosted = diagnose([other], [R], InboundCall(to=TO), SELF)
    assert (hosted.outcome, hosted.sip_status) == ("dropped", None)
    assert hosted.hops[1].status == "bypassed" and hosted.stopped_at.kind == "rule"
    assert codes(hosted)["SDR_a"] == "rule.needs_trunk"


def test_self_hosted_catch_all_takes_a_call_without_trunk():
    v = diagnose([], [rule("SDR_any", direct("lobby"), agents=("a",))], InboundCall(to=TO), SELF)
    assert v.outcome == "accepted" and v.room == "lobby" and v.trunk_id is None


@pytest.mark.parametrize("t,call,code", [
    (trunk("ST_a", [TO], allowed_numbers=["+15559999999"]), InboundCall(to=TO, caller=FROM), "trunk.caller_not_allowed"),
    (trunk("ST_a", [TO], allowed_addresses=["10.0.0.0/8"]), InboundCall(to=TO, source_ip="54.172.60.1"),
     "trunk.source_not_allowed"),
    (trunk("ST_a", ["+442075550123"]), InboundCall(to=TO), "trunk.number_not_listed"),  # a near miss
])
def test_trunk_skip_reasons(t, call, code):
    v = diagnose([t], [R], call, CLOUD)
    assert codes(v)["ST_a"] == code and v.outcome == "rejected"
    assert any(line.startswith("trunk ST_a") for line in v.reasons)
    entry = next(c for c in v.considered if c.object_id == "ST_a")
    assert entry.fix  # says what to change


def test_default_trunk_is_outranked_by_one_listing_the_number():
    v = diagnose([trunk("ST_d"), T], [R], InboundCall(to=TO), CLOUD)
    assert codes(v) == {"ST_d": "trunk.default_outranked", "ST_a": "trunk.selected", "SDR_a": "rule.selected"}


def test_trunk_conflict_is_an_error_with_503():
    v = diagnose([T, trunk("ST_b", [TO])], [R], InboundCall(to=TO, caller=FROM), CLOUD)
    assert (v.outcome, v.sip_status) == ("error", 503)
    assert codes(v)["ST_a"] == codes(v)["ST_b"] == "trunk.conflict"
    assert v.stopped_at.kind == "trunk"


def test_unknown_caller_does_not_invent_a_trunk_conflict():
    a = trunk("ST_a", [TO], allowed_numbers=["+15551111111"])
    b = trunk("ST_b", [TO], allowed_numbers=["+15552222222"])
    v = diagnose([a, b], [rule("SDR_x", direct("r"), trunks=["ST_a", "ST_b"])], InboundCall(to=TO), CLOUD)
    assert v.outcome == "accepted" and v.trunk_id == "ST_a"
    assert any("+15551111111 is assumed" in a for a in v.assumptions)


@pytest.mark.parametrize("r,call,code,outcome", [
    (rule("SDR_x", direct("r"), inbound=["+15559999999"]), InboundCall(to=TO, caller=FROM), "rule.caller_not_listed", "dropped"),
    (rule("SDR_x", direct("r"), inbound=["15550001111"]), InboundCall(to=TO, caller=FROM), "rule.caller_other_form", "dropped"),
    (rule("SDR_x", direct("r"), trunks=["ST_a"], numbers=["+19990000000"]), InboundCall(to=TO),
     "rule.number_not_listed", "dropped"),
    (rule("SDR_x", direct("r"), numbers=[TO]), InboundCall(to="14155550123"), "rule.number_other_form", "dropped"),
    (rule("SDR_x", direct("r"), trunks=["ST_z"], numbers=[TO]), InboundCall(to=TO), "rule.other_trunk", "dropped"),
    (rule("SDR_x", direct("r", "1234")), InboundCall(to=TO, pin=""), "rule.pin_protected", "pin_required"),
])
def test_rule_skip_reasons(r, call, code, outcome):
    v = diagnose([T], [r], call, CLOUD)
    assert codes(v)["SDR_x"] == code
    assert v.outcome == outcome and v.sip_status is None and v.stopped_at.kind == "rule"
    if outcome == "dropped":
        assert "ringing" in v.summary


def test_number_other_form_says_not_to_list_both_forms():
    v = diagnose([T], [rule("SDR_x", direct("r"), numbers=[TO])], InboundCall(to="14155550123"), CLOUD)
    entry = next(c for c in v.considered if c.object_id == "SDR_x")
    assert "not both" in entry.fix and "14155550123" in entry.fix


def test_pin_reasons():
    pinned = rule("SDR_pin", direct("vault", "1234"), trunks=["ST_a"])
    open_default = rule("SDR_open", direct("lobby"))
    asked = diagnose([T], [pinned, open_default], InboundCall(to=TO), CLOUD)
    assert asked.outcome == "pin_required" and asked.dispatch_rule_id == "SDR_pin" and asked.room is None
    assert codes(asked)["SDR_open"] == "rule.outranked"
    typed = diagnose([T], [pinned, open_default], InboundCall(to=TO, pin="1234"), CLOUD)
    assert typed.outcome == "accepted" and typed.room == "vault" and typed.pin_requested
    assert codes(typed)["SDR_open"] == "rule.no_pin"
    wrong = diagnose([T], [pinned, open_default], InboundCall(to=TO, pin="99"), CLOUD)
    assert wrong.outcome == "pin_required" and codes(wrong)["SDR_pin"] == "rule.wrong_pin"
    assert wrong.dispatch_rule_id == "SDR_pin" and "wrong PIN" in wrong.summary
    assert "1234" not in json.dumps(wrong.to_json())  # a rule's PIN is never printed


def test_outranked_by_priority_and_by_trunk():
    bound = rule("SDR_b", direct("b"), trunks=["ST_a"])
    catch_all = rule("SDR_c", direct("c"))
    v = diagnose([T], [catch_all, bound], InboundCall(to=TO), CLOUD)
    assert v.dispatch_rule_id == "SDR_b" and codes(v)["SDR_c"] == "rule.outranked"
    assert "bound to the call's trunk" in next(c.reason for c in v.considered if c.object_id == "SDR_c")
    specific = rule("SDR_n", individual("n"), trunks=["ST_a"], numbers=[TO])
    v = diagnose([T], [bound, specific], InboundCall(to=TO), CLOUD)
    assert v.dispatch_rule_id == "SDR_n"
    assert "priority" in next(c.reason for c in v.considered if c.object_id == "SDR_b")


def test_rule_conflict_and_invalid_rule_are_errors():
    twins = [rule("SDR_1", direct("a"), trunks=["ST_a"]), rule("SDR_2", direct("b"), trunks=["ST_a"]),
             rule("SDR_3", direct("c"), trunks=["ST_a"])]
    v = diagnose([T], twins, InboundCall(to=TO), CLOUD)
    assert (v.outcome, v.sip_status) == ("error", 503)
    assert codes(v) == {"ST_a": "trunk.selected", "SDR_1": "rule.conflict", "SDR_2": "rule.conflict",
                        "SDR_3": "rule.not_reached"}
    self_conflict = diagnose([T], [rule("SDR_s", direct("a"), numbers=[TO, "14155550123"])], InboundCall(to=TO), CLOUD)
    assert self_conflict.outcome == "error" and "twice" in self_conflict.considered[1].reason
    invalid = diagnose([T], [rule("SDR_i")], InboundCall(to=TO), CLOUD)
    assert invalid.outcome == "error" and codes(invalid)["SDR_i"] == "rule.invalid"


def test_no_agent_stops_at_the_agent_hop():
    v = diagnose([T], [rule("SDR_a", direct("r"), trunks=["ST_a"], agents=())], InboundCall(to=TO), CLOUD)
    assert v.outcome == "accepted" and not v.gets_through and v.stopped_at.kind == "agent"
    assert any(f.code == "agent.none" for f in v.findings)


def test_a_caller_on_no_list_is_tried_too():
    vip = rule("SDR_vip", direct("vip"), trunks=["ST_a"], inbound=["+15551111111"])
    v = diagnose([T], [vip], InboundCall(to=TO), CLOUD)
    assert v.outcome == "accepted"
    assert any("none of those lists would get another answer: dropped" in a for a in v.assumptions)


def test_cloud_source_refusal_mentions_the_possible_drop():
    t = trunk("ST_a", [TO], allowed_addresses=["10.0.0.0/8"])
    v = diagnose([t], [R], InboundCall(to=TO, source_ip="54.172.60.1"), CLOUD)
    assert any("livekit/sip#318" in a for a in v.assumptions)


def test_auth_required_is_assumed_answered_by_a_carrier_not_known_to_fail():
    t = trunk("ST_a", [TO], user="u", password="secret-pass", provider="telnyx")
    v = diagnose([t], [R], InboundCall(to=TO), CLOUD)
    assert v.outcome == "accepted" and v.auth_required and v.to_json()["auth_required"] is True
    assert any(a.startswith("The carrier is assumed to answer") for a in v.assumptions)
    assert any(f.code == "auth.carrier_unconfirmed" for f in v.findings)
    assert "secret-pass" not in json.dumps(v.to_json())


def test_digest_challenge_twilio_cannot_answer_rejects_the_call():
    t = trunk("ST_a", [TO], user="u", password="secret-pass", provider="twilio")
    v = diagnose([t], [R], InboundCall(to=TO), CLOUD)
    assert (v.outcome, v.sip_status, v.sip_reason, v.trunk_id, v.room) == ("rejected", 407, "Unauthorized", "ST_a", None)
    assert v.auth_required and v.stopped_at.kind == "trunk" and "Twilio" in v.stopped_at.detail
    assert codes(v)["SDR_a"] == "rule.not_reached"
    assert any(f.code == "auth.carrier_cannot_answer" for f in v.findings)
    assert not any(a.startswith("The carrier is assumed to answer") for a in v.assumptions)
    assert "secret-pass" not in json.dumps(v.to_json())


def test_livekit_phone_number_on_cloud():
    lk = rule("SDR_lk", individual("agent"), numbers=[TO])
    other = rule("SDR_other", direct("x"), numbers=[TO])
    unrelated = rule("SDR_far", direct("y"), numbers=["+19990000000"])
    v = diagnose([], [lk, other, unrelated], InboundCall(to=TO), CLOUD, phone_numbers={TO: ["SDR_lk"]})
    assert v.outcome == "accepted" and v.dispatch_rule_id == "SDR_lk" and v.hops[1].status == "bypassed"
    assert codes(v) == {"SDR_lk": "rule.selected", "SDR_other": "rule.not_attached"}
    assert v.to_json()["unrelated"] == {"trunks": 0, "rules": 1}
    offline = diagnose([], [lk], InboundCall(to=TO), CLOUD, phone_numbers={TO: []})
    assert offline.outcome == "dropped"


@pytest.mark.parametrize("call,field", [
    (InboundCall(to=""), "to"), (InboundCall(to=TO, source_ip="1.2.3"), "source_ip"),
    (InboundCall(to=TO, pin="12#"), "pin"), (InboundCall(to=TO, caller=" "), "from"),
])
def test_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=f"^{field}: "):
        diagnose([T], [R], call, CLOUD)


def test_the_called_number_is_never_normalised_before_matching():
    v = diagnose([T], [R], InboundCall(to="1 (415) 555-0123"), CLOUD)
    assert v.trunk_id == "ST_a" and v.call.to == "1 (415) 555-0123"  # the trunk normalises; the input stays


def test_only_the_objects_the_call_concerns_are_listed():
    trunks = [T] + [trunk(f"ST_{i}", [f"+1999000{i:04d}"]) for i in range(50)]
    rules = [R] + [rule(f"SDR_{i}", direct(f"r{i}"), trunks=[f"ST_{i}"]) for i in range(50)]
    v = diagnose(trunks, rules, InboundCall(to=TO), CLOUD)
    assert codes(v) == {"ST_a": "trunk.selected", "SDR_a": "rule.selected"}
    assert v.unrelated == (50, 50)
