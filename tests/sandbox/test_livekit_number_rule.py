"""Why the dispatch rule of a LiveKit number keeps numbers=[+E.164] and nothing else (plan.py):
the two alternatives fail against LiveKit's own rule validator, reproduced by the sandbox and
driven here through livekit-api over HTTP."""

from __future__ import annotations

from livekit.protocol import sip as s

from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from tests.sandbox.test_sandbox_conflicts import create_all

PHONE = "+14155550100"


def livekit_rule(agent: str, phone: str = PHONE) -> s.CreateSIPDispatchRuleRequest:
    report = check_config({
        "agent_name": agent,
        "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo"},
        "registration": {"phone_number": phone, "provider": "livekit"},
    })
    return plan(report.config).dispatch


def rule(numbers: list[str]) -> s.CreateSIPDispatchRuleRequest:
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(
        rule=s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call")),
        numbers=numbers,
    ))


def test_planned_rules_for_two_livekit_numbers_coexist(sandbox):
    first, second = livekit_rule("front-desk"), livekit_rule("sales", "+14155550101")
    assert list(first.dispatch_rule.numbers) == [PHONE]
    created, err = create_all(sandbox, "create_dispatch_rule", [first, second])
    assert err is None and len(created) == 2


def test_adding_the_bare_digits_form_makes_the_rule_collide_with_itself(sandbox):
    _, err = create_all(sandbox, "create_dispatch_rule", [rule([PHONE, PHONE[1:]])])
    assert err is not None and err.code == "invalid_argument"
    assert 'already exists in dispatch rule "<new>"' in err.message


def test_dropping_the_filter_makes_a_catch_all_that_a_second_number_collides_with(sandbox):
    _, err = create_all(sandbox, "create_dispatch_rule", [rule([]), rule([])])
    assert err is not None and "already exists in dispatch rule" in err.message
