"""livekit/protocol sip/sip_test.go TestEvaluateDispatchRule: room names, the caller's participant
(identity, name, attributes, hide_phone_number) and REQUEST_PIN; plus the callee rule and the
agents of room_config."""

import re

import pytest

from phonewizard.domain.routing.evaluate import (
    RANDOM_ALPHABET,
    DispatchResult,
    evaluate_dispatch_rule,
    new_random_suffix,
)
from phonewizard.domain.routing.rpc import DispatchRequest, RoutingError, SIPCall
from tests.domain.routing.builders import callee, direct, individual, rule, trunk

CALLER, CALLEE, PREFIX = "+15551234567", "+3333", "testPrefix"
TR = trunk("trunk")
REQ = DispatchRequest(SIPCall(to_user=CALLEE, from_user=CALLER, from_host="sip.example.com", call_id="call-id"))
SUFFIX = re.compile(r"_[a-zA-Z0-9]+$")


def test_direct_rule_participant_and_attributes():  # TestEvaluateDispatchRule/Direct
    d = rule("rule", direct("room"), agents=())
    d.metadata = "rule-meta"
    d.attributes["rule-attr"] = "1"
    req = DispatchRequest(SIPCall(to_user="+3333", from_user="+11112222", from_host="sip.example.com",
                                  call_id="call-id"))
    res = evaluate_dispatch_rule(TR, d, req)
    assert res.result is DispatchResult.ACCEPT and res.room_name == "room"
    assert (res.participant_identity, res.participant_name) == ("sip_+11112222", "Phone +11112222")
    assert res.participant_metadata == "rule-meta" and res.sip_trunk_id == "trunk"
    assert res.participant_attributes == {
        "rule-attr": "1", "sip.callID": "call-id", "sip.trunkID": "trunk", "sip.ruleID": "rule",
        "sip.phoneNumber": "+11112222", "sip.trunkPhoneNumber": "+3333", "sip.hostname": "sip.example.com",
    }
    d.hide_phone_number = True
    res = evaluate_dispatch_rule(TR, d, req)
    assert (res.participant_identity, res.participant_name) == ("sip_c15a31c71649a522", "Phone 2222")
    assert res.participant_attributes == {"rule-attr": "1", "sip.callID": "call-id", "sip.trunkID": "trunk",
                                          "sip.ruleID": "rule"}


# TestEvaluateDispatchRule/Individual: (name, prefix, pin, randomize, result, room regexp)
INDIVIDUAL = [
    ("minimal", "", "", False, DispatchResult.ACCEPT, re.escape(CALLER) + "$"),
    ("only prefix", PREFIX, "", False, DispatchResult.ACCEPT, re.escape(f"{PREFIX}_{CALLER}") + "$"),
    ("only randomize", "", "", True, DispatchResult.ACCEPT, re.escape(CALLER) + r"_[a-zA-Z0-9]+$"),
    ("only pin", "", "123", False, DispatchResult.REQUEST_PIN, "^$"),
    ("prefix and randomize", PREFIX, "", True, DispatchResult.ACCEPT, f"^{PREFIX}_" + re.escape(CALLER) + r"_[a-zA-Z0-9]+$"),
    ("prefix and pin", PREFIX, "123", False, DispatchResult.REQUEST_PIN, "^$"),
    ("randomize and pin", "", "123", True, DispatchResult.REQUEST_PIN, "^$"),
    ("all options", PREFIX, "123", True, DispatchResult.REQUEST_PIN, "^$"),
]


@pytest.mark.parametrize("name,prefix,pin,randomize,result,room", INDIVIDUAL, ids=[c[0] for c in INDIVIDUAL])
def test_individual_rule(name, prefix, pin, randomize, result, room):
    res = evaluate_dispatch_rule(TR, rule("rule", individual(prefix, pin, randomize)), REQ)
    assert res.result is result
    assert re.match(room, res.room_name)


def test_pin_sent_opens_the_room_and_a_wrong_one_is_refused():
    pinned = rule("rule", individual(PREFIX, "123"))
    ok = evaluate_dispatch_rule(TR, pinned, DispatchRequest(REQ.call, pin="123"))
    assert ok.result is DispatchResult.ACCEPT and ok.room_name == f"{PREFIX}_{CALLER}"
    with pytest.raises(RoutingError, match="Incorrect PIN for SIP room"):
        evaluate_dispatch_rule(TR, pinned, DispatchRequest(REQ.call, pin="999"))


@pytest.mark.parametrize("prefix,randomize,room", [
    ("", False, CALLEE), ("desk", False, f"desk_{CALLEE}"), ("desk", True, f"desk_{CALLEE}_S")])
def test_callee_rule(prefix, randomize, room):
    res = evaluate_dispatch_rule(TR, rule("rule", callee(prefix, randomize=randomize)), REQ, random_suffix=lambda: "S")
    assert res.room_name == room


def test_hidden_caller_shows_only_its_last_digits_in_the_room():
    res = evaluate_dispatch_rule(TR, rule("rule", individual("agent"), hide=True), REQ)
    assert res.room_name == "agent_4567" and res.participant_name == "Phone 4567"
    short = DispatchRequest(SIPCall(to_user=CALLEE, from_user="123"))
    assert evaluate_dispatch_rule(TR, rule("rule", individual("agent"), hide=True), short).room_name == "agent_3"


def test_agents_come_from_room_config():
    res = evaluate_dispatch_rule(TR, rule("rule", direct("room"), agents=("a", "b")), REQ)
    assert res.agent_names == ("a", "b")
    assert evaluate_dispatch_rule(None, rule("rule", direct("room"), agents=()), REQ).agent_names == ()


def test_random_suffix_is_guid_shaped():
    suffix = new_random_suffix()
    assert len(suffix) == 12 and set(suffix) <= set(RANDOM_ALPHABET)
