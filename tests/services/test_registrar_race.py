"""The race rule between two tracked runs of one number (services/registrar_race.py), driven in
one event loop so each interleaving is exact; tests/safety/test_concurrent_runs.py runs it as
processes. Also: a rollback leaves alone an object another run has taken over since."""

from __future__ import annotations

import asyncio

import pytest

from phonewizard.domain.naming import parse_marker, stamp_run
from phonewizard.services.errors import LiveKitRefused, LostRace
from phonewizard.services.registrar_run import Tracking
from tests.services.registrar_helpers import foreign_inbound_trunk, make_plan, registrar, run

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


# ---- runs that LiveKit itself refuses over the race: the other run keeps the number ---------------
# Each interleaving below is fixed by holding requests in the sandbox ("timeout" faults, released
# with release_hangs(), which lets the held requests go on in the order they arrived) and by
# waiting for conditions, never for a duration. The configurations are identical (no
# allowed_numbers), as in tests/safety/test_races.py: LiveKit refuses a second inbound trunk for
# the number, or a second dispatch rule for the same trunk, so a run can fail over the race after
# its first objects became visible to the other run. Before the fix both runs gave way (exit 3
# twice, nothing registered) in each of these.

INBOUND_ONLY = {"enable_outbound": False, "outbound_address": None}


async def _until(condition, what: str) -> None:
    """Wait (in the client's loop, so the runs go on) until `condition()` holds; a guard against a
    hang, not a timing assertion."""
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"never happened: {what}")


def _runs_seen() -> tuple[dict, Tracking, Tracking]:
    """Trackings for EARLY and LATE that hand the test each run (to see when it has looked again)."""
    seen: dict = {}

    def tracking(run_id: str) -> Tracking:
        return Tracking(run_id, observe=lambda r, event: seen.setdefault(run_id, r))
    return seen, tracking(EARLY), tracking(LATE)


def _looked_again(seen: dict, run_id: str) -> bool:
    r = seen.get(run_id)
    return r is not None and r.look_again is not None and r.look_again.done()


def _refused_early_left_the_number_to_late(sandbox, early, late, refusal: str) -> None:
    """LiveKit refused EARLY (`refusal`; the race rule did not make it give way) and LATE keeps
    the number: its inbound trunk and rule are all there is."""
    assert not isinstance(late, BaseException), late
    assert isinstance(early, LiveKitRefused) and not isinstance(early, LostRace), early
    assert refusal in str(early)
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 1}
    assert _runs_of(sandbox) == {LATE: {late.inbound_trunk_id, late.dispatch_rule_id}}


def test_a_run_refused_at_its_inbound_trunk_does_not_take_the_number_with_its_outbound_trunk(sandbox):
    """The flaky case of test_two_cli_processes_for_the_same_number_never_duplicate. LATE's inbound
    trunk gets in first; EARLY's is refused by LiveKit (same number, no allowed_numbers), but its
    outbound trunk, created beside it, exists until EARLY's rollback removes it. LATE's look-again
    sees that outbound trunk: a run that started earlier. It must not give way to a run that has
    no inbound trunk and no rule (it failed); it waits for that trunk to go and keeps the number."""
    seen, early_tracking, late_tracking = _runs_seen()
    sandbox.faults.fail("CreateSIPInboundTrunk", "timeout", seconds=30, times=2)  # LATE's, then EARLY's
    sandbox.faults.fail("DeleteSIPTrunk", "timeout", seconds=30)  # EARLY's rollback of its outbound trunk

    async def scenario():
        late = asyncio.ensure_future(registrar(sandbox).apply(make_plan(**INBOUND_ONLY), tracking=late_tracking))
        await _until(lambda: sandbox.faults.hanging == 1, "LATE's inbound trunk held")
        early = asyncio.ensure_future(registrar(sandbox).apply(make_plan(), tracking=early_tracking))
        await _until(lambda: sandbox.faults.hanging == 2 and sandbox.counts()["outbound"] == 1,
                     "EARLY's inbound trunk held, its outbound trunk created")
        sandbox.faults.release_hangs()  # LATE's inbound trunk is applied first, EARLY's refused
        await _until(lambda: _looked_again(seen, LATE) and sandbox.faults.hanging == 1,
                     "LATE has looked again while EARLY's outbound trunk is still there")
        sandbox.faults.release_hangs()
        return await asyncio.gather(early, late, return_exceptions=True)

    early, late = run(scenario())
    _refused_early_left_the_number_to_late(sandbox, early, late, "Conflicting inbound SIP Trunks")


def test_a_run_that_adopted_our_new_trunk_and_was_refused_its_rule_does_not_take_the_number(sandbox):
    """LATE creates its inbound trunk; EARLY's conflict check sees it (but not yet LATE's rule),
    takes it over (an update stamping EARLY's ID) and creates a rule for it, which LiveKit refuses:
    LATE's rule for that trunk got in first. LATE's look-again sees its trunk carrying EARLY's ID.
    EARLY has no rule of its own: LATE waits for EARLY's rollback to hand the trunk back."""
    seen, early_tracking, late_tracking = _runs_seen()
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=0)  # LATE's conflict check: not held
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=30)  # LATE's look-again
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=30, times=2)  # LATE's, then EARLY's

    async def scenario():
        late = asyncio.ensure_future(registrar(sandbox).apply(make_plan(**INBOUND_ONLY), tracking=late_tracking))
        await _until(lambda: sandbox.faults.hanging == 2, "LATE's rule and look-again held")
        early = asyncio.ensure_future(registrar(sandbox).apply(make_plan(**INBOUND_ONLY), tracking=early_tracking))
        await _until(lambda: sandbox.faults.hanging == 3, "EARLY has taken the trunk over; its rule held")
        assert set(_runs_of(sandbox)) == {EARLY}  # the one object there: LATE's trunk, now stamped EARLY
        sandbox.faults.release_hangs()  # LATE's rule first, then LATE's listing; EARLY's rule refused
        return await asyncio.gather(early, late, return_exceptions=True)

    early, late = run(scenario())
    _refused_early_left_the_number_to_late(sandbox, early, late, "Dispatch rule for the same trunk")


def test_the_run_whose_rule_got_in_keeps_the_number_it_took_over_from_an_earlier_run(sandbox):
    """The mirror image: EARLY creates the inbound trunk, LATE takes it over and its rule gets in
    first, so LiveKit refuses EARLY's rule. LATE's look-again sees EARLY's outbound trunk (held
    until then): an earlier run, but one whose only inbound trunk LATE took over and which has no
    rule. LATE waits for EARLY's rollback to remove it and keeps the number."""
    seen, early_tracking, late_tracking = _runs_seen()
    sandbox.faults.fail("CreateSIPOutboundTrunk", "timeout", seconds=30)  # EARLY's outbound trunk
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=30)  # EARLY's rule

    async def scenario():
        early = asyncio.ensure_future(registrar(sandbox).apply(make_plan(), tracking=early_tracking))
        await _until(lambda: sandbox.faults.hanging == 2 and _looked_again(seen, EARLY),
                     "EARLY's inbound trunk created, its outbound trunk and rule held")
        sandbox.faults.fail("ListSIPOutboundTrunk", "timeout", seconds=0)  # LATE's conflict check
        sandbox.faults.fail("ListSIPOutboundTrunk", "timeout", seconds=30)  # LATE's look-again
        late = asyncio.ensure_future(registrar(sandbox).apply(make_plan(**INBOUND_ONLY), tracking=late_tracking))
        await _until(lambda: sandbox.faults.hanging == 3, "LATE's rule created, its look-again held")
        assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 1}
        sandbox.faults.release_hangs()  # EARLY's outbound trunk created, its rule refused; LATE lists
        return await asyncio.gather(early, late, return_exceptions=True)

    early, late = run(scenario())
    _refused_early_left_the_number_to_late(sandbox, early, late, "Dispatch rule for the same trunk")


def test_a_later_run_that_took_over_an_earlier_runs_rule_gives_way_to_it(sandbox):
    """LATE's conflict check sees EARLY's inbound trunk and rule (its outbound trunk is held) and
    takes them over; EARLY's look-again is held until then, so each sees the other. LATE then sees
    EARLY's new outbound trunk: EARLY started first, and the rule LATE's check saw proves LiveKit
    let it through, so LATE gives way at once (were it to wait, each would wait for the other and
    both would give way). LATE's rollback hands EARLY's trunk and rule back as EARLY wrote them."""
    seen, early_tracking, late_tracking = _runs_seen()
    sandbox.faults.fail("CreateSIPOutboundTrunk", "timeout", seconds=30)  # EARLY's outbound trunk
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=0)  # EARLY's conflict check: not held
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=30)  # EARLY's look-again

    async def scenario():
        early = asyncio.ensure_future(registrar(sandbox, timeout=15).apply(
            make_plan(allowed_numbers=["+14155550001"]), tracking=early_tracking))
        await _until(lambda: sandbox.faults.hanging == 2 and sandbox.counts()["rules"] == 1,
                     "EARLY's trunk and rule created, its outbound trunk and look-again held")
        sandbox.faults.fail("ListSIPOutboundTrunk", "timeout", seconds=0)  # LATE's conflict check
        sandbox.faults.fail("ListSIPOutboundTrunk", "timeout", seconds=30)  # LATE's look-again
        late = asyncio.ensure_future(registrar(sandbox, timeout=15).apply(
            make_plan(allowed_numbers=["+14155550002"]), tracking=late_tracking))
        await _until(lambda: sandbox.faults.hanging == 3 and len(_runs_of(sandbox).get(LATE, ())) == 3,
                     "LATE has taken over EARLY's trunk and rule and made its outbound trunk")
        assert set(_runs_of(sandbox)) == {LATE}
        sandbox.faults.release_hangs()  # EARLY's outbound trunk is created, then both look again
        return await asyncio.gather(early, late, return_exceptions=True)

    early, late = run(scenario())
    assert not isinstance(early, BaseException), early
    assert isinstance(late, LostRace) and late.winner == EARLY, late
    assert "the run that started first keeps the number" in str(late)
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert _runs_of(sandbox) == {EARLY: {early.inbound_trunk_id, early.outbound_trunk_id, early.dispatch_rule_id}}
    [trunk] = sandbox.snapshot()["inbound"].values()
    assert trunk["allowed_numbers"] == ["+14155550001"]  # EARLY's settings, not LATE's


def test_an_earlier_run_that_stopped_before_its_rule_is_waited_for_then_given_way_to(sandbox):
    """An inbound trunk of EARLY's appears after LATE's check and EARLY never gets further (it
    stopped half-way, say killed). It might still be refused by LiveKit, so LATE does not give
    way at once: it waits for it to go, and gives way at the deadline, as the rule says (safe:
    EARLY's journal reports its leftover)."""
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=0)  # LATE's conflict check
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=30)  # LATE's look-again
    left = stamp_run(make_plan().inbound.trunk.metadata, EARLY)  # no allowed_numbers: no conflict with LATE's

    async def scenario():
        late = asyncio.ensure_future(registrar(sandbox, timeout=2.0).apply(
            make_plan(allowed_numbers=["+14155550002"], **INBOUND_ONLY), tracking=Tracking(LATE)))
        await _until(lambda: sandbox.faults.hanging == 1, "LATE's look-again held")
        await asyncio.to_thread(foreign_inbound_trunk, sandbox, metadata=left)
        sandbox.faults.release_hangs()
        with pytest.raises(LostRace) as info:
            await late
        return info.value

    lost = run(scenario())
    assert lost.winner == EARLY and "did not give way within 2 s (it most likely stopped half-way)" in str(lost)
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 0}
    assert set(_runs_of(sandbox)) == {EARLY}
