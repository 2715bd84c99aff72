"""livekit/protocol sip/sip_test.go dispatch-rule matching, case by case: TestSIPMatchDispatchRule
and TestSIPValidateDispatchRules over `dispatchCases` (trunk "aaa" = newSIPTrunkDispatch, caller
"1111 1111", called "2222 2222"), plus DispatchRulePriority and the validator's self-collision."""

import pytest

from phonewizard.domain.routing.rpc import (
    DispatchRequest,
    DispatchRuleConflictError,
    InvalidDispatchRuleError,
    NoDispatchMatchedError,
    RoutingError,
    SIPCall,
)
from phonewizard.domain.routing.rules import (
    LAST,
    DispatchRuleValidator,
    dispatch_rule_priority,
    has_higher_priority,
    match_dispatch_rule,
    select_dispatch_rules,
)
from tests.domain.routing.builders import callee, direct, individual, rule, trunk

N1, N2 = "1111 1111", "2222 2222"
T1, T2 = "aaa", "bbb"
TRUNK = trunk(T1, [N2])


def r(kind, trunks=(), inbound=(), numbers=()):
    return {"kind": kind, "trunks": trunks, "inbound": inbound, "numbers": numbers}


# dispatchCases: (name, trunk?, rules, reqPin, exp index, expErr, invalid)
DISPATCH = [
    ("empty", None, [], "", None, True, False),
    ("only trunk", TRUNK, [], "", None, True, False),
    ("one rule/no trunk", None, [r(direct("sip"))], "", 0, False, False),
    ("one rule/default trunk", TRUNK, [r(direct("sip"))], "", 0, False, False),
    ("one rule/specific trunk", TRUNK, [r(direct("sip"), [T1, T2])], "", 0, False, False),
    ("one rule/wrong trunk", TRUNK, [r(direct("sip"), ["zzz"])], "", None, True, False),
    ("direct pin/correct", TRUNK, [r(direct("sip", "123"), [T1]), r(direct("sip", "456"), [T2])], "123", 0, False, False),
    ("direct pin/wrong", TRUNK, [r(direct("sip", "123"), [T1]), r(direct("sip", "456"), [T2])], "zzz", None, True, False),
    ("direct pin/conflict", TRUNK, [r(direct("sip1", "123"), [T1]), r(direct("sip2", "123"), [T1, T2])], "123", None, True, True),
    ("direct pin/no conflict on different trunk", TRUNK,
     [r(direct("sip1", "123"), [T1]), r(direct("sip2", "123"), [T2])], "123", 0, False, False),
    ("direct pin/default and specific", TRUNK, [r(direct("sip1", "123")), r(direct("sip2", "123"), [T1])], "123", 1, False, False),
    ("direct/default and specific", TRUNK, [r(direct("sip1")), r(direct("sip2"), [T1])], "", 1, False, False),
    ("direct/default and specific/mixed 1", TRUNK, [r(direct("sip1", "123")), r(direct("sip2"), [T1])], "", 1, False, False),
    ("direct/default and specific/mixed 2", TRUNK, [r(direct("sip1")), r(direct("sip2", "123"), [T1])], "", 1, False, False),
    ("direct/multiple defaults", TRUNK, [r(direct("sip1")), r(direct("sip2"))], "", None, True, True),
    ("direct/inbound number specific", TRUNK, [r(direct("sip1")), r(direct("sip2"), inbound=[N1])], "", 1, False, False),
    ("direct/inbound number specific pin", TRUNK,
     [r(direct("sip1", "123")), r(direct("sip2", "123"), inbound=[N1])], "", 1, False, False),
    ("direct/inbound number specific conflict", TRUNK,
     [r(direct("sip1"), inbound=[N1]), r(direct("sip2"), inbound=[N1, N2])], "", None, True, True),
    ("direct/open specific vs pin generic (inbound)", TRUNK,
     [r(direct("sip1", "123")), r(direct("sip2"), inbound=[N1])], "", 1, False, False),
    ("direct vs individual/private", TRUNK,
     [r(individual("pref_", "123", True)), r(direct("sip", "123"))], "", None, True, True),
    ("direct vs individual/open", TRUNK, [r(individual("pref_", "", True)), r(direct("sip"))], "", None, True, True),
    ("direct vs individual/priority", TRUNK,
     [r(individual("pref_", "123", True)), r(direct("sip", "456"))], "456", 1, False, False),
    ("direct/number specific", TRUNK, [r(direct("sip_1")), r(direct("sip_2"), numbers=[N2])], "", 1, False, False),
    ("direct/number specific pin", TRUNK,
     [r(direct("sip_1", "123")), r(direct("sip_2", "123"), numbers=[N2])], "", 1, False, False),
    ("direct/number specific conflict", TRUNK,
     [r(direct("sip_1"), numbers=[N1]), r(direct("sip_2"), numbers=[N1, N2])], "", None, True, True),
    ("direct/number + inbound number specific conflict", TRUNK,
     [r(direct("sip_1"), numbers=[N1], inbound=[N1]), r(direct("sip_2"), numbers=[N1, N2], inbound=[N1])],
     "", None, True, True),
    ("direct/open specific vs pin generic (number)", TRUNK,
     [r(direct("sip_1", "123")), r(direct("sip_2"), numbers=[N2])], "", 1, False, False),
    ("direct/open specific vs pin generic (number and inbound)", TRUNK,
     [r(direct("sip_1", "123")), r(direct("sip_2"), numbers=[N2], inbound=[N1])], "", 1, False, False),
]


def build(specs):
    return [rule(f"rule_{i}", s["kind"], trunks=s["trunks"], inbound=s["inbound"], numbers=s["numbers"])
            for i, s in enumerate(specs)]


def request(pin):
    return DispatchRequest(SIPCall(to_user=N2, from_user=N1), pin=pin)


@pytest.mark.parametrize("name,tr,specs,pin,exp,exp_err,invalid", DISPATCH, ids=[c[0] for c in DISPATCH])
def test_sip_match_dispatch_rule(name, tr, specs, pin, exp, exp_err, invalid):
    rules = build(specs)
    # As the Go test: a case that matches with a PIN matches the same rule without one (so that
    # the PIN can be requested).
    pins = [pin] + ([""] if not exp_err and pin else [])
    for sent in pins:
        if exp_err:
            with pytest.raises(RoutingError):
                match_dispatch_rule(tr, rules, request(sent))
        else:
            assert match_dispatch_rule(tr, rules, request(sent)) is rules[exp]


@pytest.mark.parametrize("name,tr,specs,pin,exp,exp_err,invalid", DISPATCH, ids=[c[0] for c in DISPATCH])
def test_sip_validate_dispatch_rules(name, tr, specs, pin, exp, exp_err, invalid):
    validator = DispatchRuleValidator()
    rules = build(specs)
    if invalid:
        with pytest.raises(DispatchRuleConflictError, match="already exists in dispatch rule"):
            for x in rules:
                validator.validate(x)
    else:
        for x in rules:
            validator.validate(x)


def test_no_match_is_err_no_dispatch_matched():
    with pytest.raises(NoDispatchMatchedError) as err:
        match_dispatch_rule(None, [], request(""))
    assert err.value.no_rules and err.value.no_trunks
    assert str(err.value) == "No SIP Dispatch Rules defined"


@pytest.mark.parametrize("kind,pin,inbound,numbers,exp", [
    (direct("r", "1"), "1", (), ("x",), 1000), (individual("r", "1"), "1", ("a",), ("x",), 1),
    (callee("r", "1"), "1", ("a",), ("x",), 2), (direct("r"), "", ("a",), ("x",), 100),
    (individual("r"), "", ("a",), ("x",), 101), (callee("r"), "", (), (), 2102),
])
def test_dispatch_rule_priority(kind, pin, inbound, numbers, exp):  # DispatchRulePriority
    assert dispatch_rule_priority(rule("x", kind, inbound=inbound, numbers=numbers)) == exp


def test_rule_without_type_sorts_last_and_fails_validation():
    empty = rule("x")
    assert dispatch_rule_priority(empty) == LAST
    with pytest.raises(InvalidDispatchRuleError, match=r"unsupported SIP Dispatch Rule: <nil>"):
        DispatchRuleValidator().validate(empty)


def test_equal_priority_sorts_by_room_name():  # hasHigherPriority
    a, b = rule("a", direct("alpha")), rule("b", direct("beta"))
    assert has_higher_priority(a, b) and not has_higher_priority(b, a)


def test_one_number_in_two_forms_collides_with_itself():
    # DispatchRuleValidator.Validate compares against any earlier holder of the key, itself included.
    with pytest.raises(DispatchRuleConflictError, match='dispatch rule "self"'):
        DispatchRuleValidator().validate(rule("self", direct("r"), numbers=["+14155550123", "14155550123"]))


def test_numbers_are_exact_strings():
    rules = [rule("plus", direct("r"), numbers=["+" + N2])]
    with pytest.raises(NoDispatchMatchedError):
        match_dispatch_rule(TRUNK, rules, request(""))


def test_select_dispatch_rules_is_the_list_filter_by_trunk():
    rules = [rule("a", direct("a"), trunks=[T1]), rule("b", direct("b")), rule("c", direct("c"), trunks=[T2])]
    assert [x.sip_dispatch_rule_id for x in select_dispatch_rules(rules, T1)] == ["a", "b"]
    assert len(select_dispatch_rules(rules, "")) == 3
