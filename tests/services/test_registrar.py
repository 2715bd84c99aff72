"""Registrar against the sandbox over HTTP with the real livekit-api client: create, round trips,
update in place, conflicts, take over, list, unregister, LiveKit numbers."""

from __future__ import annotations

import json

import pytest

from phonewizard.domain.naming import parse_marker
from phonewizard.services.registrar import RegistrationConflict

from phonewizard.services.phone_number_service import PhoneNumberClient
from tests.services.registrar_helpers import (
    LK_PHONE, PASSWORD, PHONE, connect, foreign_inbound_trunk, foreign_outbound_trunk, foreign_rule, make_plan,
    registrar, run, sip_calls,
)


def test_full_registration_creates_three_marked_objects(sandbox):
    events: list[tuple[str, str]] = []
    result = run(registrar(sandbox).apply(make_plan(), progress=lambda s, st: events.append((s, st))))
    snap = sandbox.snapshot()
    [inbound] = snap["inbound"].values()
    [outbound] = snap["outbound"].values()
    [rule] = snap["rules"].values()
    assert inbound["sip_trunk_id"] == result.inbound_trunk_id
    assert outbound["sip_trunk_id"] == result.outbound_trunk_id
    assert rule["sip_dispatch_rule_id"] == result.dispatch_rule_id
    assert rule["trunk_ids"] == [result.inbound_trunk_id]
    assert inbound["numbers"] == [PHONE] and outbound["numbers"] == [PHONE]
    assert outbound["address"] == "sip.telnyx.com" and outbound["auth_username"] == "alice"
    assert rule["room_config"]["agents"][0]["agent_name"] == "my-agent"
    for obj in (inbound, outbound, rule):
        assert parse_marker(obj["metadata"]).phone_number == PHONE
    assert result.status == "active" and result.outbound_enabled and result.agent_id == "my-agent"
    assert PASSWORD not in result.model_dump_json()
    assert ("conflict_check", "done") in events and ("dispatch_rule", "done") in events
    assert events.index(("inbound_trunk", "done")) < events.index(("dispatch_rule", "started"))


def test_a_full_registration_is_three_round_trips(sandbox):
    # The latency only makes requests that go out together overlap in the server's log; what is
    # asserted is the order and the number of sequential rounds, never a duration (the wall time
    # is benchmark 4's figure).
    sandbox.faults.latency = 0.2
    run(registrar(sandbox).apply(make_plan()))
    methods = sip_calls(sandbox)
    assert sorted(methods[:3]) == ["ListSIPDispatchRule", "ListSIPInboundTrunk", "ListSIPOutboundTrunk"]
    assert sorted(methods[3:5]) == ["CreateSIPInboundTrunk", "CreateSIPOutboundTrunk"]
    assert methods[5:] == ["CreateSIPDispatchRule"]
    # Six requests, three sequential rounds: lists together, trunks together, then the rule.
    assert sandbox.log.sequential_rounds() == 3
    assert sandbox.log.max_concurrency == 3  # the three lists went out together


def test_second_run_updates_in_place(sandbox):
    reg = registrar(sandbox)
    first = run(reg.apply(make_plan()))
    sandbox.log.clear()
    second = run(reg.apply(make_plan(ringing_timeout_seconds=90, outbound_transport="TCP")))
    assert second.status == "updated"
    assert (second.inbound_trunk_id, second.outbound_trunk_id, second.dispatch_rule_id) == (
        first.inbound_trunk_id, first.outbound_trunk_id, first.dispatch_rule_id)
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    snap = sandbox.snapshot()
    assert snap["inbound"][first.inbound_trunk_id]["ringing_timeout"] == "90s"
    assert snap["outbound"][first.outbound_trunk_id]["transport"] == "SIP_TRANSPORT_TCP"
    assert not [m for m in sandbox.log.methods if m.startswith("Create")]


def test_switching_outbound_off_removes_our_outbound_trunk(sandbox):
    reg = registrar(sandbox)
    first = run(reg.apply(make_plan()))
    second = run(reg.apply(make_plan(enable_outbound=False)))
    assert second.outbound_trunk_id is None and not second.outbound_enabled
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 1}
    assert first.outbound_trunk_id not in sandbox.snapshot()["outbound"]


def test_foreign_trunk_with_the_number_is_a_conflict_and_nothing_is_created(sandbox):
    trunk_id = foreign_inbound_trunk(sandbox)
    rule_id = foreign_rule(sandbox, trunk_ids=[trunk_id])
    before = sandbox.snapshot()
    sandbox.log.clear()
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan()))
    assert set([c.id for c in info.value.conflicts]) == {trunk_id, rule_id}
    assert trunk_id in str(info.value) and "hand-made" in str(info.value) and "Nothing was created" in str(info.value)
    assert info.value.code == "already_exists" and not info.value.can_take_over
    assert sandbox.snapshot() == before
    assert not [m for m in sandbox.log.methods if not m.startswith("List")]


def test_object_marked_for_another_number_is_a_conflict(sandbox):
    other = json.dumps({"managed_by": "phonewizard", "phone_number": "+14155550199",
                        "agent_name": "my-agent", "role": "inbound"})
    trunk_id = foreign_inbound_trunk(sandbox, numbers=[PHONE, "+14155550199"], metadata=other)
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan()))
    assert [c.id for c in info.value.conflicts] == [trunk_id]
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 0}


def test_foreign_rule_routing_the_number_is_a_conflict(sandbox):
    rule_id = foreign_rule(sandbox, numbers=[LK_PHONE])
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan(phone_number=LK_PHONE, provider="livekit",
                                               enable_outbound=False, auth_username=None,
                                               auth_password=None, outbound_address=None)))
    assert [c.id for c in info.value.conflicts] == [rule_id]


def test_foreign_outbound_trunk_placing_calls_as_the_number_is_a_conflict(sandbox):
    """registrar_inventory.classify's outbound branch: a trunk someone else made that already uses
    the number as its caller ID."""
    trunk_id = foreign_outbound_trunk(sandbox, numbers=["+1 415 555 0101"])  # same number, other spelling
    before = sandbox.snapshot()
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan()))
    [conflict] = info.value.conflicts
    assert (conflict.kind, conflict.id, conflict.name) == ("outbound trunk", trunk_id, "hand-made outbound")
    assert conflict.reason == f"already places calls as {PHONE}" and conflict.other_agent is None
    assert f"outbound trunk {trunk_id} “hand-made outbound” already places calls as {PHONE}" in str(info.value)
    assert sandbox.snapshot() == before
    # Without outbound calling the same trunk is not in the way.
    assert run(registrar(sandbox).apply(make_plan(enable_outbound=False))).status == "active"


def test_a_livekit_number_attached_to_someone_elses_rule_is_a_conflict(sandbox):
    """classify's phone-number branch: the number routes to a rule phonewizard did not make (and
    that is in the way for no other reason: no trunk, no number filter of its own)."""
    rule_id = foreign_rule(sandbox)

    async def attach() -> None:
        async with PhoneNumberClient(connect(sandbox)) as numbers:
            await numbers.attach(LK_PHONE, rule_id)
    run(attach())
    before = sandbox.snapshot()
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                                               auth_username=None, auth_password=None, outbound_address=None)))
    [conflict] = info.value.conflicts
    assert (conflict.kind, conflict.id) == ("phone number", LK_PHONE)
    assert conflict.reason == f"is attached to dispatch rule {rule_id}, which phonewizard did not make"
    assert not info.value.can_take_over
    assert sandbox.snapshot() == before


def test_another_agent_needs_take_over(sandbox):
    reg = registrar(sandbox)
    first = run(reg.apply(make_plan("agent-a")))
    before = sandbox.snapshot()
    with pytest.raises(RegistrationConflict) as info:
        run(reg.apply(make_plan("agent-b")))
    assert "agent-a" in str(info.value) and info.value.can_take_over
    assert info.value.can_take_over and {c.other_agent for c in info.value.conflicts} == {"agent-a"}
    assert set([c.id for c in info.value.conflicts]) == {first.inbound_trunk_id, first.outbound_trunk_id, first.dispatch_rule_id}
    assert sandbox.snapshot() == before
    taken = run(reg.apply(make_plan("agent-b"), take_over=True))
    assert taken.dispatch_rule_id == first.dispatch_rule_id and taken.status == "updated"
    rule = sandbox.snapshot()["rules"][first.dispatch_rule_id]
    assert parse_marker(rule["metadata"]).agent_name == "agent-b"
    assert rule["room_config"]["agents"][0]["agent_name"] == "agent-b"


def test_list_and_unregister(sandbox):
    reg = registrar(sandbox)
    first = run(reg.apply(make_plan()))
    second = run(reg.apply(make_plan("other", phone_number="+14155550102", enable_outbound=False)))
    foreign_inbound_trunk(sandbox, numbers=["+14155550177"])
    listed = run(reg.list_registrations())
    assert [(r.phone_number, r.agent_name, r.provider) for r in listed] == [
        (PHONE, "my-agent", "telnyx"), ("+14155550102", "other", "telnyx")]
    assert listed[0].inbound_trunk_ids == [first.inbound_trunk_id]
    assert listed[1].dispatch_rule_ids == [second.dispatch_rule_id]
    assert run(reg.test_connection()) == {"inbound_trunks": 3, "outbound_trunks": 1,
                                          "dispatch_rules": 2, "phonewizard_numbers": 2}
    outcome = run(reg.unregister(PHONE))
    assert outcome.sip_usernames == {"alice"}  # names the SIP-password entry the CLI then forgets
    removed = outcome.removed
    assert set(removed) == {first.inbound_trunk_id, first.outbound_trunk_id, first.dispatch_rule_id}
    assert sandbox.counts() == {"inbound": 2, "outbound": 0, "rules": 1}
    assert run(reg.unregister(PHONE)).removed == []


def test_livekit_number_is_attached_and_detached(sandbox):
    reg = registrar(sandbox)
    p = make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                  auth_username=None, auth_password=None, outbound_address=None)
    result = run(reg.apply(p))
    assert result.inbound_trunk_id is None and result.outbound_trunk_id is None
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 1}
    number = next(n for n in sandbox.snapshot()["phone_numbers"].values() if n["e164_format"] == LK_PHONE)
    assert number["sip_dispatch_rule_ids"] == [result.dispatch_rule_id]
    assert sandbox.snapshot()["rules"][result.dispatch_rule_id]["numbers"] == [LK_PHONE]
    # Registering again keeps the same rule and does not re-attach.
    sandbox.log.clear()
    again = run(reg.apply(p))
    assert again.dispatch_rule_id == result.dispatch_rule_id
    assert "UpdatePhoneNumber" not in sandbox.log.methods
    assert run(reg.unregister(LK_PHONE)).removed == [result.dispatch_rule_id]
    number = next(n for n in sandbox.snapshot()["phone_numbers"].values() if n["e164_format"] == LK_PHONE)
    assert number["sip_dispatch_rule_ids"] == []


def test_livekit_number_not_in_the_project_is_refused_before_anything(sandbox):
    p = make_plan(phone_number="+14155550142", provider="livekit", enable_outbound=False,
                  auth_username=None, auth_password=None, outbound_address=None)
    with pytest.raises(Exception) as info:
        run(registrar(sandbox).apply(p))
    assert getattr(info.value, "code", None) == "not_found"
    assert "not a phone number of this LiveKit project" in str(info.value)
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}


def test_a_broken_progress_display_neither_stops_the_registration_nor_prints_a_traceback(sandbox, caplog):
    def broken(step: str, state: str) -> None:
        raise RuntimeError("display bug")

    with caplog.at_level("WARNING", logger="phonewizard"):
        result = run(registrar(sandbox).apply(make_plan(), progress=broken))
    assert result.dispatch_rule_id and sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert warnings and all(r.exc_info is None for r in warnings)
    assert "RuntimeError" in warnings[0].getMessage()
