"""RegistrationRunner: progress → step states, success, failure, cancel with rollback.

The use case (app.register) is replaced by small coroutines here so the runner's own bookkeeping is tested on
its own; the full path against the sandbox over HTTP is in test_registration_flow.py.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from phonewizard.ui.async_worker import AsyncWorker
from phonewizard.app.register import steps_for
from phonewizard.ui.registration_runner import RegistrationRunner


@pytest.fixture
def worker(qtbot):
    w = AsyncWorker()
    yield w
    w.shutdown()


def record(runner):
    seen = []
    runner.step_changed.connect(lambda s, st: seen.append((s, st)))
    return seen


def test_steps_follow_progress_and_success_returns_the_result(qtbot, worker):
    async def apply(request, progress):
        for step in ("conflict_check", "inbound_trunk", "dispatch_rule"):
            progress(step, "started")
            await asyncio.sleep(0.01)
            progress(step, "done")
        return {"sip_uri": "sip:abc.sip.livekit.cloud", "request": request}

    runner = RegistrationRunner(worker, None, apply)
    seen = record(runner)
    with qtbot.waitSignal(runner.succeeded, timeout=5000) as blocker:
        runner.start("REQUEST")
        assert runner.busy
    assert blocker.args[0] == {"sip_uri": "sip:abc.sip.livekit.cloud", "request": "REQUEST"}
    assert not runner.busy
    assert seen == [
        ("conflict_check", "running"),
        ("conflict_check", "done"),
        ("inbound_trunk", "running"),
        ("inbound_trunk", "done"),
        ("dispatch_rule", "running"),
        ("dispatch_rule", "done"),
    ]


def test_failure_marks_the_running_step_failed(qtbot, worker):
    async def apply(request, progress):
        progress("conflict_check", "started")
        progress("conflict_check", "done")
        progress("inbound_trunk", "started")
        raise ValueError("LiveKit refused the inbound trunk: numbers must be set")

    runner = RegistrationRunner(worker, None, apply)
    seen = record(runner)
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.start(None)
    assert "numbers must be set" in str(blocker.args[0])
    assert runner.step_states == {"conflict_check": "done", "inbound_trunk": "failed"}
    assert not runner.cancel_requested
    assert seen[-1] == ("inbound_trunk", "failed")


def test_cancel_waits_for_rollback_then_reports_cancelled(qtbot, worker):
    created, started = [], threading.Event()

    async def apply(request, progress):
        progress("conflict_check", "started")
        progress("conflict_check", "done")
        progress("inbound_trunk", "started")
        created.append("ST_1")
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)
            created.clear()  # the rollback
            raise

    runner = RegistrationRunner(worker, None, apply)
    runner.start(None)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert created == []
    assert runner.step_states["inbound_trunk"] == "cancelled"
    assert not runner.busy


def test_failed_rollback_during_cancel_is_a_failure_flagged_as_cancel(qtbot, worker):
    started = threading.Event()

    async def apply(request, progress):
        progress("inbound_trunk", "started")
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("could not delete ST_left") from None

    runner = RegistrationRunner(worker, None, apply)
    runner.start(None)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.cancel()
    assert runner.cancel_requested
    assert "ST_left" in str(blocker.args[0])


def test_only_one_registration_at_a_time(qtbot, worker):
    gate = threading.Event()

    async def apply(request, progress):
        while not gate.is_set():
            await asyncio.sleep(0.01)
        return 1

    runner = RegistrationRunner(worker, None, apply)
    runner.start(None)
    with pytest.raises(RuntimeError):
        runner.start(None)
    with qtbot.waitSignal(runner.succeeded, timeout=5000):
        gate.set()


def test_two_runners_on_one_worker_ignore_each_others_jobs(qtbot, worker):
    async def ok(request, progress):
        progress("dispatch_rule", "started")
        progress("dispatch_rule", "done")
        return "ok"

    async def bad(request, progress):
        raise ValueError("no")

    a, b = RegistrationRunner(worker, None, ok), RegistrationRunner(worker, None, bad)
    a_results, b_results = [], []
    a.succeeded.connect(a_results.append)
    a.failed.connect(a_results.append)
    b.succeeded.connect(b_results.append)
    b.failed.connect(b_results.append)
    a.start(None)
    b.start(None)
    qtbot.waitUntil(lambda: bool(a_results and b_results), timeout=5000)
    assert a_results == ["ok"]
    assert isinstance(b_results[0], ValueError)
    assert a.step_states == {"dispatch_rule": "done"}
    assert "dispatch_rule" not in b.step_states


def test_steps_for_plan_shape():
    class Plan:
        inbound = object()
        outbound = carrier = None
        attach_number = None

    class LiveKitNumberPlan:
        inbound = outbound = carrier = None
        attach_number = "+14155550101"

    assert steps_for(Plan()) == ["conflict_check", "inbound_trunk", "dispatch_rule"]
    assert steps_for(LiveKitNumberPlan()) == ["conflict_check", "dispatch_rule", "attach_number"]


def test_concurrent_steps_with_explicit_states_are_not_completed_early(qtbot, worker):
    # The registrar creates the inbound and outbound trunks at the same time.
    async def apply(request, progress):
        progress("inbound_trunk", "started")
        progress("outbound_trunk", "started")
        await asyncio.sleep(0.01)
        progress("outbound_trunk", "done")
        progress("inbound_trunk", "done")
        return "r"

    runner = RegistrationRunner(worker, None, apply)
    seen = record(runner)
    with qtbot.waitSignal(runner.succeeded, timeout=5000):
        runner.start(None)
    assert seen == [
        ("inbound_trunk", "running"),
        ("outbound_trunk", "running"),
        ("outbound_trunk", "done"),
        ("inbound_trunk", "done"),
    ]


def test_step_reported_failed_during_cancel_shows_as_cancelled(qtbot, worker):
    started = threading.Event()

    async def apply(request, progress):
        progress("inbound_trunk", "started")
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            progress("inbound_trunk", "failed")
            raise

    runner = RegistrationRunner(worker, None, apply)
    seen = record(runner)
    runner.start(None)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert seen == [("inbound_trunk", "running"), ("inbound_trunk", "cancelled")]


def test_rolled_back_steps_are_shown_as_undone_but_the_failed_step_stays_failed(qtbot, worker):
    async def apply(request, progress):
        progress("inbound_trunk", "started")
        progress("inbound_trunk", "done")
        progress("outbound_trunk", "started")
        progress("outbound_trunk", "failed")
        progress("inbound_trunk", "rolled_back")
        progress("outbound_trunk", "rolled_back")
        raise ValueError("refused")

    runner = RegistrationRunner(worker, None, apply)
    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.start(None)
    assert runner.step_states == {"inbound_trunk": "rolled_back", "outbound_trunk": "failed"}
