"""Property tests of the sandbox's pure rules: number normalisation and the conflict checks,
against brute-force oracles written straight from the spec (reference/livekit-sip.md §1.6, §2)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from livekit.protocol import sip as s

from phonewizard.sandbox.conflicts import check_rules, check_trunks
from phonewizard.sandbox.errors import TwirpError
from phonewizard.sandbox.ids import normalize_number

# Few distinct digits so that collisions (the interesting case) are frequent.
number = st.builds(
    lambda plus, digits, sep: ("+" if plus else "") + sep.join(digits),
    st.booleans(),
    st.lists(st.sampled_from("12"), min_size=1, max_size=3),
    st.sampled_from(["", " ", "-"]),
)
numbers = st.lists(number, max_size=2)


@given(st.text(max_size=12) | number)
def test_normalize_is_idempotent(raw):
    assert normalize_number(normalize_number(raw)) == normalize_number(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("+91 98765-43210", "+919876543210"),
        ("919876543210", "+919876543210"),
        ("(415) 555-0100", "+4155550100"),
        ("098765 43210", "+09876543210"),
        ("sip-user", "sip-user"),
        ("+1 415 555 0100;ext=1", "+1 415 555 0100;ext=1"),
        ("١٢٣", "١٢٣"),  # non-ASCII digits are not numbers for Go's regexp
        ("", ""),
    ],
)
def test_normalize_examples(raw, normalized):
    assert normalize_number(raw) == normalized


def trunks_conflict(trunks) -> bool:
    """Oracle: a pair shares a called number (or both are wildcard) and has no caller split."""
    for a, b in itertools.combinations(trunks, 2):
        na = {normalize_number(n) for n in a.numbers} or {""}
        nb = {normalize_number(n) for n in b.numbers} or {""}
        if not na & nb:
            continue
        aa = {normalize_number(n) for n in a.allowed_numbers}
        ab = {normalize_number(n) for n in b.allowed_numbers}
        if (not aa and not ab) or aa & ab:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(numbers, numbers), max_size=4))
def test_trunk_conflicts_match_the_oracle_in_any_order(specs):
    trunks = [s.SIPInboundTrunkInfo(sip_trunk_id=f"ST_{i}", numbers=n, allowed_numbers=a) for i, (n, a) in enumerate(specs)]
    expected = trunks_conflict(trunks)
    for order in (trunks, trunks[::-1]):
        try:
            check_trunks(order)
            found = False
        except TwirpError as e:
            assert e.code == "invalid_argument" and e.msg.startswith("Conflicting inbound SIP Trunks: ")
            found = True
        assert found == expected


def rule_keys(r):
    pin = r.rule.dispatch_rule_direct.pin
    return {
        (pin, t, normalize_number(i), normalize_number(n))
        for t in (list(r.trunk_ids) or [""])
        for i in (list(r.inbound_numbers) or [""])
        for n in (list(r.numbers) or [""])
    }


def rule_self_collides(r) -> bool:
    """Two spellings of one number inside a rule collide with the rule itself, as in LiveKit."""
    combos = [
        (t, normalize_number(i), normalize_number(n))
        for t in (list(r.trunk_ids) or [""])
        for i in (list(r.inbound_numbers) or [""])
        for n in (list(r.numbers) or [""])
    ]
    return len(combos) != len(set(combos))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["ST_a", "ST_b"]), max_size=2, unique=True),
            numbers,
            numbers,
            st.sampled_from(["", "1234"]),
        ),
        max_size=4,
    )
)
def test_rule_conflicts_match_the_oracle(specs):
    rules = [
        s.SIPDispatchRuleInfo(
            sip_dispatch_rule_id=f"SDR_{i}",
            trunk_ids=t,
            inbound_numbers=inb,
            numbers=num,
            rule=s.SIPDispatchRule(dispatch_rule_direct=s.SIPDispatchRuleDirect(room_name="r", pin=pin)),
        )
        for i, (t, inb, num, pin) in enumerate(specs)
    ]
    expected = any(rule_self_collides(r) for r in rules) or any(
        rule_keys(a) & rule_keys(b) for a, b in itertools.combinations(rules, 2)
    )
    try:
        check_rules(rules)
        found = False
    except TwirpError as e:
        assert e.msg.startswith("Dispatch rule for the same trunk, inbound number, number, and PIN combination")
        found = True
    assert found == expected
