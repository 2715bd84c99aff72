"""Adopting objects made outside phonewizard, against the sandbox over HTTP: only the confirmed
IDs are taken over (updated in place, marker added), the others stay a conflict, and a failed run
puts every adopted object back exactly as it was."""

from __future__ import annotations

import pytest
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.naming import parse_marker
from phonewizard.services.livekit_client import LiveKitRefused, LiveKitUnreachable
from phonewizard.services.registrar import RegistrationConflict

from tests.services.registrar_helpers import PHONE, dashboard_rule, hand_made, make_plan, registrar, run


def dashboard_setup(sandbox) -> list[str]:
    """Inbound trunk, outbound trunk and a rule with a PIN, as the dashboard makes them."""
    return hand_made(
        sandbox,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="Dashboard in", numbers=[PHONE],
                                                               metadata="made by Ana")),
        CreateSIPOutboundTrunkRequest(trunk=SIPOutboundTrunkInfo(name="Dashboard out", address="sip.telnyx.com",
                                                                 numbers=[PHONE], auth_username="ana",
                                                                 auth_password="Ana-Pass-123")),
        lambda ids: dashboard_rule(ids[0], name="to sales", pin="1234", agent="sales"),
    )


def test_adopted_objects_are_updated_in_place_and_marked(sandbox):
    inbound, outbound, rule = dashboard_setup(sandbox)
    result = run(registrar(sandbox).apply(make_plan("sales"), adopt=frozenset({inbound, outbound, rule})))
    assert (result.inbound_trunk_id, result.outbound_trunk_id, result.dispatch_rule_id) == (inbound, outbound, rule)
    assert result.status == "updated"
    snap = sandbox.snapshot()
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    for kind, oid in (("inbound", inbound), ("outbound", outbound), ("rules", rule)):
        marker = parse_marker(snap[kind][oid]["metadata"])
        assert marker is not None and marker.phone_number == PHONE and marker.agent_name == "sales"
    assert "pin" not in snap["rules"][rule]["rule"]["dispatch_rule_individual"]
    assert not [m for m in sandbox.log.methods if m.startswith("Create")][3:]  # only the set-up created


def test_only_the_confirmed_ids_are_adopted_the_rest_stays_a_conflict(sandbox):
    inbound, outbound, rule = dashboard_setup(sandbox)
    before = sandbox.snapshot()
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan("sales"), adopt=frozenset({inbound, rule})))
    assert [c.id for c in info.value.conflicts] == [outbound]
    assert not info.value.can_take_over
    assert sandbox.snapshot() == before  # nothing was sent


def test_without_adopt_a_foreign_rule_on_an_adopted_trunk_is_named(sandbox):
    inbound, _outbound, rule = dashboard_setup(sandbox)
    with pytest.raises(RegistrationConflict) as info:
        run(registrar(sandbox).apply(make_plan("sales", enable_outbound=False), adopt=frozenset({inbound})))
    [conflict] = info.value.conflicts
    assert conflict.id == rule and "the adopted trunk" in conflict.reason


@pytest.mark.parametrize("method", ["UpdateSIPInboundTrunk", "UpdateSIPOutboundTrunk", "UpdateSIPDispatchRule"])
@pytest.mark.parametrize("kind", ["error", "drop"])
def test_a_failed_adoption_restores_every_object_exactly(sandbox, method, kind):
    ids = frozenset(dashboard_setup(sandbox))
    before = sandbox.snapshot()
    sandbox.faults.fail(method, kind)
    with pytest.raises((LiveKitRefused, LiveKitUnreachable)):
        run(registrar(sandbox).apply(make_plan("sales"), adopt=ids))
    assert sandbox.snapshot() == before  # names, metadata, PIN, password: as they were


def test_an_adopted_outbound_trunk_the_document_no_longer_wants_is_deleted(sandbox):
    inbound, outbound, rule = dashboard_setup(sandbox)
    result = run(registrar(sandbox).apply(make_plan("sales", enable_outbound=False),
                                          adopt=frozenset({inbound, outbound, rule})))
    assert result.outbound_trunk_id is None
    assert outbound not in sandbox.snapshot()["outbound"]
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 1}


def test_phonewizard_objects_come_first_and_an_adopted_duplicate_is_the_leftover(sandbox):
    ours = run(registrar(sandbox).apply(make_plan("sales", enable_outbound=False)))
    [stray_rule] = hand_made(sandbox, CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name="second", trunk_ids=[ours.inbound_trunk_id], inbound_numbers=["+14155550999"],
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")))))
    result = run(registrar(sandbox).apply(make_plan("sales", enable_outbound=False), adopt=frozenset({stray_rule})))
    assert result.dispatch_rule_id == ours.dispatch_rule_id
    assert list(sandbox.snapshot()["rules"]) == [ours.dispatch_rule_id]
