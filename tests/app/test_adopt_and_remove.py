"""app/adopt.py and app/removal.py against the sandbox: the adoption preview names each object and
field that will change (and what it leaves out), and removal deletes exactly the objects listed,
detaches a LiveKit number, names partial failures and forgets the SIP password."""

from __future__ import annotations

import pytest
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)

from phonewizard.app.adopt import adoption_for
from phonewizard.app.errors import RegistrationConflict
from phonewizard.app.inventory import find_number, read_inventory, show_number
from phonewizard.app.removal import remove, removal_for
from phonewizard.services.secret_store import SecretStore, sip_password_key

from tests.services.registrar_helpers import LK_PHONE, PHONE, connect, hand_made, make_plan, registrar, run
from tests.services.test_registrar_adopt import dashboard_setup

OTHER = "+14155550199"


def project(sandbox):
    return run(read_inventory(connect(sandbox)))


def test_the_adoption_preview_names_every_object_and_field_that_changes(sandbox):
    inbound, outbound, rule = dashboard_setup(sandbox)
    adoption = adoption_for(make_plan("sales"), project(sandbox))
    assert [(o.ref.id, o.action) for o in adoption.objects] == [(inbound, "update"), (outbound, "update"), (rule, "update")]
    assert adoption.ids == {inbound, outbound, rule}
    text = "\n".join(adoption.describe())
    assert "rule.dispatch_rule_individual.pin: 1234 → (none)" in text
    assert "rule.dispatch_rule_individual.room_prefix: call- → sales" in text
    assert "metadata: “made by Ana” → phonewizard's ownership marker" in text
    assert "name: Dashboard in → phonewizard +14155550101 → sales" in text
    assert "Ana-Pass-123" not in text and "Ana-Pass-123" not in str(adoption.to_json())


def test_the_preview_says_which_adopted_objects_will_be_deleted(sandbox):
    _inbound, outbound, _rule = dashboard_setup(sandbox)
    adoption = adoption_for(make_plan("sales", enable_outbound=False), project(sandbox))
    assert {o.ref.id: o.action for o in adoption.objects}[outbound] == "delete"


def test_a_rule_shared_with_another_number_is_left_out_and_stays_in_the_way(sandbox):
    first, second = hand_made(
        sandbox,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="a", numbers=[PHONE])),
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="b", numbers=[OTHER])))
    [shared] = hand_made(sandbox, CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name="both", trunk_ids=[first, second],
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")))))
    with pytest.raises(RegistrationConflict) as info:
        adoption_for(make_plan("sales", enable_outbound=False), project(sandbox))
    assert [c.id for c in info.value.conflicts] == [shared]
    # Confirmed explicitly (the wizard's choice), it is adopted and its other number named.
    adoption = adoption_for(make_plan("sales", enable_outbound=False), project(sandbox), only={first, shared})
    assert {o.ref.id for o in adoption.objects} == {first, shared}
    assert "trunk_ids" in "\n".join(adoption.describe())


def test_nothing_to_adopt_is_said_plainly(sandbox):
    adoption = adoption_for(make_plan(), project(sandbox))
    assert adoption.ids == frozenset() and "nothing to adopt" in adoption.describe()[0]


def test_show_number_finds_any_spelling_and_says_why_when_nothing_is_there(sandbox):
    run(registrar(sandbox).apply(make_plan()))
    p = project(sandbox)
    assert find_number("1 (415) 555-0101", p) == PHONE
    view = show_number(p, {"url": sandbox.url, "api_key": sandbox.api_key}, PHONE)
    assert view.found and view.reconstruction.ok and view.reconstruction.origin == "phonewizard"
    missing = show_number(p, {}, "+14155550177")
    assert not missing.found and missing.why == "nothing in this LiveKit project is registered for +14155550177"
    assert p.requests == 4  # one List per object kind


def test_removing_deletes_phonewizard_objects_and_forgets_the_sip_password(sandbox, tmp_path):
    ours = run(registrar(sandbox).apply(make_plan()))
    entry = project(sandbox).inventory.entry_for(PHONE)
    removal = removal_for(entry)
    made = {ours.inbound_trunk_id, ours.outbound_trunk_id, ours.dispatch_rule_id}
    assert {r.id for r in removal.objects} == made
    store = SecretStore()
    store.set(sip_password_key(PHONE, "alice"), "pw-to-forget")
    outcome = run(remove(connect(sandbox), removal, store, tmp_path / "profile.json"))
    assert outcome.complete and {r.id for r in outcome.removed} == made
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}
    assert store.get(sip_password_key(PHONE, "alice")) is None


def test_a_mixed_entry_keeps_the_foreign_object_unless_included(sandbox):
    inbound, outbound, rule = dashboard_setup(sandbox)
    entry = project(sandbox).inventory.entry_for(PHONE)
    assert removal_for(entry).empty and len(removal_for(entry).kept) == 3
    removal = removal_for(entry, include_foreign=True)
    assert {r.id for r in removal.objects} == {inbound, outbound, rule}
    assert "(not made by phonewizard)" in "\n".join(removal.describe())
    # A trunk made after the confirmation is not touched: only the IDs listed are deleted.
    [late] = hand_made(sandbox, CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="late", numbers=[OTHER])))
    outcome = run(remove(connect(sandbox), removal, None, None))
    assert outcome.complete and list(sandbox.snapshot()["inbound"]) == [late]


def test_a_partial_failure_names_what_was_removed_and_what_remains(sandbox):
    ours = run(registrar(sandbox).apply(make_plan()))
    removal = removal_for(project(sandbox).inventory.entry_for(PHONE))
    sandbox.faults.fail("DeleteSIPTrunk", "5xx")
    events = []
    outcome = run(remove(connect(sandbox), removal, None, None, progress=lambda i, s: events.append((i, s))))
    assert not outcome.complete
    [(left, why)] = outcome.remaining
    assert left.kind in ("inbound_trunk", "outbound_trunk") and "injected server failure" in why
    assert ours.dispatch_rule_id in {r.id for r in outcome.removed}
    text = "\n".join(outcome.describe())
    assert "did not finish" in text and f"Still in LiveKit: {left}" in text and "Removed: " in text
    assert (left.id, "failed") in events and (ours.dispatch_rule_id, "done") in events
    # Removing again deletes what is left; what is already gone counts as removed.
    again = run(remove(connect(sandbox), removal, None, None))
    assert again.complete and sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}


def test_removing_a_livekit_number_registration_detaches_the_number(sandbox):
    run(registrar(sandbox).apply(make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                                           outbound_address=None, auth_username=None, auth_password=None)))
    removal = removal_for(project(sandbox).inventory.entry_for(LK_PHONE))
    assert [r.name for r in removal.numbers] == [LK_PHONE]
    assert "Detach LiveKit number +14155550100" in "\n".join(removal.describe())
    outcome = run(remove(connect(sandbox), removal, None, None))
    assert outcome.complete and [r.name for r in outcome.detached] == [LK_PHONE]
    number = next(n for n in sandbox.snapshot()["phone_numbers"].values() if n["e164_format"] == LK_PHONE)
    assert number["sip_dispatch_rule_ids"] == [] and sandbox.counts()["rules"] == 0


def test_a_number_that_cannot_be_detached_stops_before_any_deletion(sandbox):
    run(registrar(sandbox).apply(make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                                           outbound_address=None, auth_username=None, auth_password=None)))
    removal = removal_for(project(sandbox).inventory.entry_for(LK_PHONE))
    sandbox.faults.fail("UpdatePhoneNumber", "5xx")
    outcome = run(remove(connect(sandbox), removal, None, None))
    assert not outcome.complete and outcome.removed == [] and sandbox.counts()["rules"] == 1
    assert "Nothing was removed." in outcome.describe()
