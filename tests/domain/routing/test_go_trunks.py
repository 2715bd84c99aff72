"""livekit/protocol sip/sip_test.go trunk matching, case by case: TestNormalizeNumber,
TestSIPMatchTrunk (trunkCases), TestSIPMatchTrunkSameTrunkDuplicateNumberForms and
TestMatchTrunkDetailed. Legacy SIPTrunkInfo cases are written as the inbound trunks
`AsInbound()` makes of them (OutboundNumber → numbers, InboundNumbers → allowed_numbers,
InboundAddresses → allowed_addresses; the regexp field does not survive the conversion)."""

import pytest

from phonewizard.domain.routing.rpc import SIPCall, TrunkConflictError
from phonewizard.domain.routing.trunks import (
    TrunkMatchType,
    match_trunk,
    match_trunk_detailed,
    normalize,
    select_inbound_trunks,
)
from tests.domain.routing.builders import trunk

N1, N2, N3 = "1111 1111", "2222 2222", "3333 3333"


@pytest.mark.parametrize("num,exp", [("", ""), ("123", "+123"), ("+123", "+123"), ("user", "user"),
                                     ("(123) 456 7890", "+1234567890")])
def test_normalize_number(num, exp):  # TestNormalizeNumber
    assert normalize(num) == exp


def call(frm=N1, to=N2, src="1.1.1.1", host="sip.example.com"):
    return SIPCall(to_user=to, from_user=frm, from_host=host, source_ip=src)


# trunkCases: (name, trunks, exp index or -1, expErr, call overrides)
TRUNK_CASES = [
    ("empty", [], -1, False, {}),
    ("one wildcard", [trunk("aaa")], 0, False, {}),
    ("matching", [trunk("aaa", [N2])], 0, False, {}),
    ("matching inbound", [trunk("aaa", [N2], [N1])], 0, False, {}),
    ("matching regexp", [trunk("aaa", [N2])], 0, False, {}),
    ("not matching", [trunk("aaa", [N3])], -1, False, {}),
    ("not matching inbound", [trunk("aaa", [N2], [N1 + "1"])], -1, False, {}),
    ("one match", [trunk("aaa", [N3]), trunk("bbb", [N2])], 1, False, {}),
    ("many matches", [trunk("aaa", [N3]), trunk("bbb", [N2]), trunk("ccc", [N2])], None, True, {}),
    ("many matches default", [trunk("aaa", [N3]), trunk("bbb"), trunk("ccc", [N2]), trunk("ddd")], 2, False, {}),
    ("inbound", [trunk("aaa", [N3]), trunk("bbb", [N2]), trunk("ccc", [N2], [N1 + "1"])], 1, False, {}),
    ("multiple defaults", [trunk("aaa", [N3]), trunk("bbb"), trunk("ccc")], None, True, {}),
    ("inbound with ip exact", [trunk("bbb", [N2], allowed_addresses=["10.10.10.10", "1.1.1.1"])], 0, False, {}),
    ("inbound with ip exact miss", [trunk("bbb", [N2], allowed_addresses=["10.10.10.10"])], -1, False, {}),
    ("inbound with ip mask", [trunk("bbb", [N2], allowed_addresses=["10.10.10.0/24", "1.1.1.0/24"])], 0, False, {}),
    ("inbound with ip mask miss", [trunk("bbb", [N2], allowed_addresses=["10.10.10.0/24"])], -1, False, {}),
    ("inbound with host mask", [trunk("bbb", [N2], allowed_addresses=["10.10.10.0/24", "sip.example.com"])], 0, False, {}),
    ("inbound with plus", [trunk("aaa", ["+" + N3]), trunk("bbb", ["+" + N2])], 1, False, {}),
    ("inbound without plus", [trunk("aaa", [N3]), trunk("bbb", [N2])], 1, False, {"frm": "+" + N1, "to": "+" + N2}),
]


@pytest.mark.parametrize("name,trunks,exp,exp_err,over", TRUNK_CASES, ids=[c[0] for c in TRUNK_CASES])
def test_sip_match_trunk(name, trunks, exp, exp_err, over):  # TestSIPMatchTrunk
    if exp_err:
        with pytest.raises(TrunkConflictError):
            match_trunk(trunks, call(**over))
        return
    got = match_trunk(trunks, call(**over))
    assert got is (trunks[exp] if exp >= 0 else None)


@pytest.mark.parametrize("to", [N2, "+" + N2])
def test_same_trunk_duplicate_number_forms(to):  # TestSIPMatchTrunkSameTrunkDuplicateNumberForms
    trunks = [trunk("aaa", ["+" + N2, N2])]
    conflicts = []
    got = match_trunk(trunks, call(to=to), conflict=lambda *a: conflicts.append(a))
    assert got is trunks[0] and not conflicts


# TestMatchTrunkDetailed: (name, trunks, match type, trunk id, default count, expErr)
DETAILED = [
    ("empty", [], TrunkMatchType.EMPTY, "", 0, False),
    ("one wildcard", [trunk("aaa")], TrunkMatchType.DEFAULT, "aaa", 1, False),
    ("specific match", [trunk("aaa", [N2])], TrunkMatchType.SPECIFIC, "aaa", 0, False),
    ("no match with trunks", [trunk("aaa", [N3])], TrunkMatchType.NONE, "", 0, False),
    ("multiple defaults", [trunk("aaa"), trunk("bbb")], None, "", 0, True),
    ("specific over default", [trunk("aaa"), trunk("bbb", [N2])], TrunkMatchType.SPECIFIC, "bbb", 1, False),
    ("multiple specific", [trunk("aaa", [N2]), trunk("bbb", [N2])], None, "", 0, True),
]


@pytest.mark.parametrize("name,trunks,kind,tid,defaults,exp_err", DETAILED, ids=[c[0] for c in DETAILED])
def test_match_trunk_detailed(name, trunks, kind, tid, defaults, exp_err):
    conflicts = []
    if exp_err:
        with pytest.raises(TrunkConflictError) as err:
            match_trunk_detailed(trunks, call(), conflict=lambda t1, t2, r: conflicts.append((t1, t2, r)))
        assert conflicts and set(err.value.object_ids) == {"aaa", "bbb"}
        return
    result = match_trunk_detailed(trunks, call(), conflict=lambda *a: conflicts.append(a))
    assert not conflicts
    assert (result.trunk.sip_trunk_id if result.trunk else "") == tid
    assert result.match_type == kind and result.default_trunk_count == defaults


def test_conflict_messages_are_livekits():
    with pytest.raises(TrunkConflictError, match=r'^Multiple SIP Trunks matched for "2222 2222"$'):
        match_trunk([trunk("a", [N2]), trunk("b", [N2])], call())
    with pytest.raises(TrunkConflictError, match=r'^Multiple default SIP Trunks matched for "2222 2222"$'):
        match_trunk([trunk("a"), trunk("b")], call())


def test_filtered_callback_keeps_a_trunk_as_with_trunk_filtered():
    t = trunk("aaa", [N2], ["+999"])
    assert match_trunk([t], call()) is None
    assert match_trunk([t], call(), filtered=lambda tr, why: True) is t


def test_select_inbound_trunks_is_the_list_filter_by_number():
    ts = [trunk("a", ["+14155550123"]), trunk("b"), trunk("c", ["+14155550999"])]
    assert [t.sip_trunk_id for t in select_inbound_trunks(ts, "14155550123")] == ["a", "b"]
