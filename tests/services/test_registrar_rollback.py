"""Registrar failure paths against the sandbox: injected failures at every step, cancellation,
restoring updated objects, PartialRollback and the cleanup by a later run."""

from __future__ import annotations

import asyncio
import pytest

from livekit.protocol.sip import SIPInboundTrunkInfo

from phonewizard.services.livekit_client import LiveKitRefused, LiveKitUnreachable
from phonewizard.services.registrar import PartialRollback
from phonewizard.services.registrar_inventory import Inventory
from phonewizard.services.registrar_run import Entry

from tests.services.registrar_helpers import LK_PHONE, PHONE, make_plan, registrar, run

def _timeout(kind: str) -> float:
    # Short only where a timeout is the injected fault, so a slow CI machine cannot turn an
    # ordinary request into an unexpected timeout.
    return 1.0 if kind == "timeout" else 10.0


EMPTY = {"inbound": 0, "outbound": 0, "rules": 0}
STEP_OF = {"CreateSIPInboundTrunk": "inbound_trunk", "CreateSIPOutboundTrunk": "outbound_trunk",
           "CreateSIPDispatchRule": "dispatch_rule"}


@pytest.mark.parametrize("method", list(STEP_OF))
@pytest.mark.parametrize("kind,error", [
    ("error", LiveKitRefused), ("5xx", LiveKitRefused), ("drop", LiveKitUnreachable), ("timeout", LiveKitUnreachable),
])
def test_failure_at_each_step_leaves_nothing_behind(sandbox, method, kind, error):
    before = sandbox.snapshot()
    sandbox.faults.fail(method, kind, seconds=30)
    events: list[tuple[str, str]] = []
    with pytest.raises(error) as info:
        run(registrar(sandbox, timeout=_timeout(kind)).apply(make_plan(), progress=lambda s, st: events.append((s, st))))
    assert sandbox.snapshot() == before
    assert (STEP_OF[method], "failed") in events
    assert (STEP_OF[method], "rolled_back") in events
    assert sandbox.api_secret not in str(info.value)


@pytest.mark.parametrize("method", ["UpdateSIPInboundTrunk", "UpdateSIPOutboundTrunk", "UpdateSIPDispatchRule"])
@pytest.mark.parametrize("kind", ["error", "5xx", "drop", "timeout"])
def test_failed_update_restores_the_previous_objects(sandbox, method, kind):
    reg = registrar(sandbox, timeout=_timeout(kind))
    run(reg.apply(make_plan()))
    before = sandbox.snapshot()
    sandbox.faults.fail(method, kind, seconds=30)
    with pytest.raises((LiveKitRefused, LiveKitUnreachable)):
        run(reg.apply(make_plan("my-agent", ringing_timeout_seconds=99, outbound_transport="TLS",
                                hide_phone_number=True)))
    assert sandbox.snapshot() == before


@pytest.mark.parametrize("method", ["ListSIPDispatchRule", "GetPhoneNumber", "CreateSIPDispatchRule", "UpdatePhoneNumber"])
@pytest.mark.parametrize("kind", ["error", "5xx", "drop", "timeout"])
def test_livekit_number_failure_at_each_step_leaves_nothing(sandbox, method, kind):
    before = sandbox.snapshot()
    sandbox.faults.fail(method, kind, seconds=30)
    p = make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                  auth_username=None, auth_password=None, outbound_address=None)
    with pytest.raises((LiveKitRefused, LiveKitUnreachable)):
        run(registrar(sandbox, timeout=_timeout(kind)).apply(p))
    assert sandbox.snapshot() == before


def test_failed_leftover_cleanup_recreates_what_it_removed(sandbox):
    reg = registrar(sandbox)
    run(reg.apply(make_plan()))
    sandbox.faults.fail("DeleteSIPTrunk", "drop")
    with pytest.raises(LiveKitUnreachable):
        run(reg.apply(make_plan(enable_outbound=False)))
    # The outbound trunk is back (same settings and marker; LiveKit gives it a new ID).
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    [outbound] = sandbox.snapshot()["outbound"].values()
    assert outbound["address"] == "sip.telnyx.com"


def test_livekit_number_attach_failure_removes_the_rule(sandbox):
    sandbox.faults.fail("UpdatePhoneNumber", "5xx")
    p = make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                  auth_username=None, auth_password=None, outbound_address=None)
    with pytest.raises(LiveKitRefused):
        run(registrar(sandbox).apply(p))
    snap = sandbox.snapshot()
    assert snap["rules"] == {}
    assert all(n["sip_dispatch_rule_ids"] == [] for n in snap["phone_numbers"].values())


def _cancel_when(sandbox, step: str, *, twice: bool = False) -> list[tuple[str, str]]:
    """Run a registration with 0.3 s per request and cancel it 0.1 s after `step` started (its
    requests are then in flight); return the progress events."""
    sandbox.faults.latency = 0.3
    events: list[tuple[str, str]] = []

    async def scenario():
        started = asyncio.Event()

        def progress(s: str, state: str) -> None:
            events.append((s, state))
            if (s, state) == (step, "started"):
                started.set()

        task = asyncio.ensure_future(registrar(sandbox).apply(make_plan(), progress=progress))
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.sleep(0.1)
        task.cancel()
        if twice:
            await asyncio.sleep(0.3)  # now inside the rollback
            task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(scenario())
    return events


def test_cancel_mid_way_leaves_nothing(sandbox):
    events = _cancel_when(sandbox, "inbound_trunk")
    assert sandbox.counts() == EMPTY
    assert ("inbound_trunk", "rolled_back") in events and ("outbound_trunk", "rolled_back") in events
    assert not any(step == "dispatch_rule" for step, _ in events)
    # The creates were answered, then undone: both trunks existed for a moment.
    assert sandbox.log.methods.count("DeleteSIPTrunk") == 2


def test_second_cancel_during_rollback_still_finishes_the_rollback(sandbox):
    events = _cancel_when(sandbox, "dispatch_rule", twice=True)
    assert sandbox.counts() == EMPTY
    assert ("dispatch_rule", "rolled_back") in events


def test_partial_rollback_names_what_remains_and_unregister_removes_it(sandbox):
    sandbox.faults.fail("CreateSIPDispatchRule", "error", code="invalid_argument", msg="no rule for you")
    sandbox.faults.fail("DeleteSIPTrunk", "5xx", times=2)
    reg = registrar(sandbox)
    with pytest.raises(PartialRollback) as info:
        run(reg.apply(make_plan()))
    snap = sandbox.snapshot()
    remaining = set(snap["inbound"]) | set(snap["outbound"])
    assert len(remaining) == 2 and snap["rules"] == {}
    message = str(info.value)
    for trunk_id in remaining:
        assert trunk_id in message
    assert f"phonewizard unregister {PHONE}" in message and "no rule for you" in message
    assert set(info.value.remaining) == {f"{i} (inbound trunk)" for i in snap["inbound"]} | {
        f"{i} (outbound trunk)" for i in snap["outbound"]}
    assert sorted(run(reg.unregister(PHONE)).removed) == sorted(remaining)
    assert sandbox.counts() == EMPTY


def test_a_later_register_reuses_what_a_partial_rollback_left(sandbox):
    sandbox.faults.fail("CreateSIPDispatchRule", "error")
    sandbox.faults.fail("DeleteSIPTrunk", "5xx", times=2)
    reg = registrar(sandbox)
    with pytest.raises(PartialRollback):
        run(reg.apply(make_plan()))
    left = sandbox.snapshot()
    result = run(reg.apply(make_plan()))
    assert result.inbound_trunk_id in left["inbound"] and result.outbound_trunk_id in left["outbound"]
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_an_unanswered_create_is_found_by_its_marker_and_removed(sandbox):
    # A create whose answer is lost leaves an object this run never learned the ID of. Simulated
    # by storing a marked trunk while the rule is being created, then failing that request with a
    # 5xx (outcome unknown): the rollback re-lists LiveKit and deletes the marked stranger too.
    p = make_plan()
    stray = SIPInboundTrunkInfo()
    stray.CopyFrom(p.inbound.trunk)
    stray.sip_trunk_id = "ST_straystray01"
    stray.numbers[:] = ["+14155550111"]

    def progress(step: str, state: str) -> None:
        if (step, state) == ("dispatch_rule", "started"):
            sandbox.store.put("inbound", stray.sip_trunk_id, stray)

    sandbox.faults.fail("CreateSIPDispatchRule", "5xx")
    with pytest.raises(LiveKitRefused):
        run(registrar(sandbox).apply(p, progress=progress))
    assert sandbox.counts() == EMPTY


def test_journal_and_inventory_reprs_hold_no_sip_password():
    # Trunks as LiveKit lists them carry their SIP password; the run keeps them to restore.
    trunk = SIPInboundTrunkInfo(sip_trunk_id="ST_1", auth_username="u", auth_password="pw-Secret-4711")
    entry = Entry("inbound_trunk", "inbound", "updated", "ST_1", trunk)
    inventory = Inventory(inbound=[trunk], known_ids={"ST_1"})
    assert "ST_1" in repr(entry) and "pw-Secret-4711" not in repr(entry)
    assert "ST_1" in repr(inventory) and "pw-Secret-4711" not in repr(inventory)
