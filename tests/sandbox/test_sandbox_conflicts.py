"""Trunk and dispatch-rule conflicts (livekit/protocol sip/sip.go), seen through livekit-api."""

from __future__ import annotations

import asyncio

import pytest
from livekit import api
from livekit.protocol import sip as s


def create_all(sandbox, method: str, requests):
    """Create each request in order; return the created objects and the first error (or None)."""

    async def main():
        created, error = [], None
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            for req in requests:
                try:
                    created.append(await getattr(lk.sip, method)(req))
                except api.TwirpError as e:
                    error = e
                    break
        return created, error

    return asyncio.run(main())


def trunk(**kw):
    return s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(**kw))


def test_same_number_without_allowed_numbers_conflicts(sandbox):
    created, err = create_all(
        sandbox,
        "create_inbound_trunk",
        [trunk(numbers=["+14155550100"]), trunk(numbers=["+1 (415) 555-0100"], allowed_addresses=["10.0.0.0/8"])],
    )
    assert err is not None and (err.code, err.status) == ("invalid_argument", 400)
    assert err.message == (
        f'Conflicting inbound SIP Trunks: "<new>" and "{created[0].sip_trunk_id}", '
        'using the same number(s) ["+1 (415) 555-0100"] without AllowedNumbers set'
    )
    assert sandbox.counts()["inbound"] == 1


def test_disjoint_addresses_do_not_prevent_a_conflict(sandbox):
    _, err = create_all(
        sandbox,
        "create_inbound_trunk",
        [
            trunk(numbers=["+14155550100"], allowed_addresses=["192.0.2.1"]),
            trunk(numbers=["+14155550100"], allowed_addresses=["198.51.100.1"]),
        ],
    )
    assert err is not None and "without AllowedNumbers set" in err.message


def test_shared_allowed_number_conflicts(sandbox):
    created, err = create_all(
        sandbox,
        "create_inbound_trunk",
        [
            trunk(numbers=["+14155550100"], allowed_numbers=["+919876543210"]),
            trunk(numbers=["14155550100"], allowed_numbers=["+1555", "91 98765 43210"]),
        ],
    )
    assert err is not None
    assert err.message == (
        f'Conflicting inbound SIP Trunks: "<new>" and "{created[0].sip_trunk_id}", '
        'using the same number(s) ["14155550100"] and AllowedNumber "91 98765 43210"'
    )


@pytest.mark.parametrize(
    "second",
    [
        dict(numbers=["+14155550100"], allowed_numbers=["+15550001111"]),  # different callers
        dict(numbers=["+14155550199"]),  # another number
        dict(allowed_addresses=["10.0.0.1"]),  # wildcard trunk vs number-specific trunk
    ],
)
def test_non_conflicting_trunks(sandbox, second):
    created, err = create_all(
        sandbox, "create_inbound_trunk", [trunk(numbers=["+14155550100"], allowed_numbers=["+15550000000"]), trunk(**second)]
    )
    assert err is None and len(created) == 2


def test_two_wildcard_trunks_conflict_with_any(sandbox):
    created, err = create_all(
        sandbox, "create_inbound_trunk", [trunk(auth_username="a", auth_password="p"), trunk(allowed_addresses=["10.0.0.1"])]
    )
    assert err is not None
    assert err.message == (
        f'Conflicting inbound SIP Trunks: "<new>" and "{created[0].sip_trunk_id}", '
        "using the same number(s) <any> without AllowedNumbers set"
    )


def test_duplicate_spellings_inside_one_trunk_are_not_a_self_conflict(sandbox):
    created, err = create_all(sandbox, "create_inbound_trunk", [trunk(numbers=["+14155550100", "14155550100"])])
    assert err is None and len(created) == 1


def rule(pin="", **kw):
    r = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call-", pin=pin))
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(rule=r, **kw))


def direct(**kw):
    r = s.SIPDispatchRule(dispatch_rule_direct=s.SIPDispatchRuleDirect(room_name="other-room"))
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(rule=r, **kw))


def test_two_catch_all_rules_conflict_regardless_of_type(sandbox):
    created, err = create_all(sandbox, "create_dispatch_rule", [rule(name="first"), direct()])
    assert err is not None and (err.code, err.status) == ("invalid_argument", 400)
    assert err.message == (
        "Dispatch rule for the same trunk, inbound number, number, and PIN combination already exists "
        f'in dispatch rule "{created[0].sip_dispatch_rule_id}" "first"'
    )
    assert sandbox.counts()["rules"] == 1


def test_same_trunk_rule_conflict_names_blank_rules(sandbox):
    created, err = create_all(sandbox, "create_dispatch_rule", [rule(trunk_ids=["ST_a", "ST_b"]), direct(trunk_ids=["ST_b"])])
    assert err is not None
    assert err.message.endswith(f'in dispatch rule "{created[0].sip_dispatch_rule_id}" "<blank name>"')


def test_normalised_numbers_conflict(sandbox):
    _, err = create_all(
        sandbox,
        "create_dispatch_rule",
        [rule(trunk_ids=["ST_a"], numbers=["+14155550100"]), direct(trunk_ids=["ST_a"], numbers=["1 415 555 0100"])],
    )
    assert err is not None and "already exists" in err.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (rule(), rule(trunk_ids=["ST_a"])),  # catch-all vs trunk-specific
        (rule(trunk_ids=["ST_a"]), rule(trunk_ids=["ST_a"], pin="1234")),  # different pin
        (rule(trunk_ids=["ST_a"]), rule(trunk_ids=["ST_a"], numbers=["+14155550100"])),  # number filter
        (rule(trunk_ids=["ST_a"]), rule(trunk_ids=["ST_a"], inbound_numbers=["+15550000000"])),  # caller filter
        (rule(trunk_ids=["ST_a"]), rule(trunk_ids=["ST_b"])),  # other trunk
    ],
)
def test_non_conflicting_rules(sandbox, first, second):
    created, err = create_all(sandbox, "create_dispatch_rule", [first, second])
    assert err is None and len(created) == 2


def test_rule_listing_one_number_twice_collides_with_itself(sandbox):
    _, err = create_all(sandbox, "create_dispatch_rule", [rule(numbers=["+14155550100", "14155550100"])])
    assert err is not None
    assert err.message.endswith('in dispatch rule "<new>" "<blank name>"')
    assert sandbox.counts()["rules"] == 0
