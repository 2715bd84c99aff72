"""The race rule between two tracked runs of one number (services/registrar_race.py), driven in
one event loop so each interleaving is exact; tests/safety/test_concurrent_runs.py runs it as
processes. Also: a rollback leaves alone an object another run has taken over since."""

from __future__ import annotations

import asyncio

import pytest

from phonewizard.domain.naming import parse_marker
from phonewizard.services.errors import LostRace
from phonewizard.services.registrar_run import Tracking
from tests.services.registrar_helpers import make_plan, registrar, run

EARLY = "20000101T000000000000Z-aaaaaa"  # run IDs sort by start time
LATE = "20990101T000000000000Z-bbbbbb"


def _runs_of(sandbox) -> dict[str, set[str]]:
    snap = sandbox.snapshot()
    found: dict[str, set[str]] = {}
    for part in ("inbound", "outbound", "rules"):
        for oid, obj in snap[part].items():
            found.setdefault(parse_marker(obj["metadata"]).run, set()).add(oid)
    return found


def test_both_runs_create_and_the_one_that_started_first_keeps_the_number(sandbox):
    # Both conflict checks are held, so both see an empty project and both create a set; both
    # look-again listings (each run's second ListSIPInboundTrunk) are held until both runs' first
    # objects exist, so each sees the other: the rule alone decides.
    sandbox.faults.fail("ListSIPDispatchRule", "timeout", seconds=0.3, times=2)
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=0, times=2)
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=0.5, times=2)

    async def both():
        return await asyncio.gather(
            registrar(sandbox).apply(make_plan(allowed_numbers=["+14155550001"]), tracking=Tracking(LATE)),
            registrar(sandbox).apply(make_plan(allowed_numbers=["+14155550002"]), tracking=Tracking(EARLY)),
            return_exceptions=True)

    late, early = run(both())
    assert isinstance(late, LostRace), late
    assert late.winner == EARLY and "the run that started first keeps the number" in str(late)
    # It names what it saw of the winner (its first objects may be all there was yet).
    kept = {early.inbound_trunk_id, early.outbound_trunk_id, early.dispatch_rule_id}
    assert late.winner_objects and set(late.winner_objects) <= kept
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert set(_runs_of(sandbox)) == {EARLY}


@pytest.mark.parametrize("outbound", [False, True], ids=["inbound-only", "with-outbound"])
def test_a_run_that_finished_without_seeing_us_keeps_the_number(sandbox, outbound):
    """The case the rule's wait exists for: EARLY's inbound trunk is held until LATE has checked,
    created and looked again (seeing nothing of EARLY) and succeeded. EARLY then sees LATE, waits
    for it to give way, which it never will, and gives way itself."""
    sandbox.faults.fail("CreateSIPInboundTrunk", "timeout", seconds=0.6)
    extra = {} if outbound else {"enable_outbound": False, "outbound_address": None}

    async def scenario():
        early = asyncio.ensure_future(registrar(sandbox, timeout=1.5).apply(
            make_plan(allowed_numbers=["+14155550001"], **extra), tracking=Tracking(EARLY)))
        while "CreateSIPInboundTrunk" not in sandbox.log.methods or sandbox.counts()["outbound"] < int(outbound):
            await asyncio.sleep(0.01)
        early_outbound = set(sandbox.snapshot()["outbound"])
        late = await registrar(sandbox).apply(make_plan(allowed_numbers=["+14155550002"], **extra),
                                              tracking=Tracking(LATE))
        with pytest.raises(LostRace) as info:
            await early
        return late, info.value, early_outbound

    late, lost, early_outbound = run(scenario())
    assert lost.winner == LATE and "did not give way" in str(lost)
    assert sandbox.counts() == {"inbound": 1, "outbound": int(outbound), "rules": 1}
    kept = _runs_of(sandbox)
    assert set(kept) == {LATE}  # nothing of EARLY's is left …
    assert late.inbound_trunk_id in kept[LATE] and late.dispatch_rule_id in kept[LATE]
    if outbound:
        # … except that LATE adopted EARLY's outbound trunk (created before LATE's check): EARLY's
        # rollback saw it carry LATE's ID and left it, so LATE's registration stays whole.
        assert {late.outbound_trunk_id} == early_outbound and late.outbound_trunk_id in kept[LATE]


def test_an_untracked_run_never_waits_or_compares(sandbox):
    # Without tracking (the benchmarks, direct Registrar use) the registrar behaves as before.
    result = run(registrar(sandbox).apply(make_plan()))
    assert result.dispatch_rule_id
    assert set(_runs_of(sandbox)) == {None}


def test_looking_again_costs_no_extra_round_trip(sandbox):
    # The look-again listing goes out beside the dispatch rule's request, once the inbound
    # trunk exists: a tracked registration is still three sequential rounds.
    sandbox.faults.latency = 0.05
    run(registrar(sandbox).apply(make_plan(), tracking=Tracking(EARLY)))
    assert sandbox.log.methods.count("ListSIPInboundTrunk") == 2
    assert sandbox.log.sequential_rounds() == 3
