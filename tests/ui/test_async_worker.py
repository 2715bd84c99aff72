"""AsyncWorker: results, exceptions, cancellation with cleanup, progress, shutdown, a live GUI."""

from __future__ import annotations

import asyncio
import threading

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication

from phonewizard.ui.async_worker import AsyncWorker


@pytest.fixture
def worker(qtbot):
    w = AsyncWorker()
    yield w
    w.shutdown()


def test_result_arrives_as_finished_signal_in_gui_thread(qtbot, worker):
    seen_threads = []

    async def job():
        seen_threads.append(threading.current_thread())
        await asyncio.sleep(0.01)
        return {"answer": 42}

    received = []
    worker.finished.connect(lambda j, r: received.append((j, r, QThread.currentThread())))
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        job_id = worker.submit(job)
    assert blocker.args == [job_id, {"answer": 42}]
    # The coroutine ran on the worker thread, the slot in the GUI thread.
    assert seen_threads[0] is not threading.main_thread()
    assert received[0][2] is QApplication.instance().thread()


def test_exception_arrives_as_failed_signal(qtbot, worker):
    async def job():
        raise ValueError("trunk refused: bad address")

    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        job_id = worker.submit(job)
    assert blocker.args[0] == job_id
    assert isinstance(blocker.args[1], ValueError)
    assert str(blocker.args[1]) == "trunk refused: bad address"


def test_factory_is_called_on_the_loop_thread(qtbot, worker):
    calls = []

    def factory():
        # LiveKitAPI must be built on the loop that uses it: this proves the factory runs there.
        calls.append(asyncio.get_running_loop())
        return asyncio.sleep(0, result="ok")

    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        worker.submit(factory)
    assert blocker.args[1] == "ok"
    assert calls and calls[0] is worker._loop


def test_cancel_waits_for_cleanup_before_cancelled_signal(qtbot, worker):
    started = threading.Event()
    cleanup_done = []

    async def job():
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)  # a rollback takes a few requests
            cleanup_done.append(True)
            raise

    finished = []
    worker.finished.connect(lambda *a: finished.append(a))
    job_id = worker.submit(job)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(worker.cancelled, timeout=5000) as blocker:
        worker.cancel(job_id)
    assert blocker.args == [job_id]
    assert cleanup_done == [True]
    assert finished == []


def test_cancel_right_after_submit_cancels_the_job(qtbot, worker):
    # The job may or may not have started on the loop by the time cancel arrives; either way it
    # must end as cancelled and never get past its first await.
    ran_to_end = []

    async def job():
        await asyncio.sleep(5)
        ran_to_end.append(True)

    finished = []
    worker.finished.connect(lambda *a: finished.append(a))
    with qtbot.waitSignal(worker.cancelled, timeout=5000) as blocker:
        job_id = worker.submit(job)
        worker.cancel(job_id)
    assert blocker.args == [job_id]
    assert ran_to_end == [] and finished == []


def test_failed_cleanup_is_reported_as_failure_not_cancel(qtbot, worker):
    started = threading.Event()

    async def job():
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("rollback left ST_abc behind") from None

    job_id = worker.submit(job)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.cancel(job_id)
    assert blocker.args[0] == job_id
    assert "ST_abc" in str(blocker.args[1])


def test_progress_is_forwarded_with_the_job_id(qtbot, worker):
    async def job():
        for step in ("conflict_check", "inbound_trunk", "dispatch_rule"):
            worker.report_progress((step, "done"))
            await asyncio.sleep(0)
        return "ok"

    got = []
    worker.progress.connect(lambda j, p: got.append((j, p)))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        job_id = worker.submit(job)
    qtbot.waitUntil(lambda: len(got) == 3, timeout=2000)
    assert got == [
        (job_id, ("conflict_check", "done")),
        (job_id, ("inbound_trunk", "done")),
        (job_id, ("dispatch_rule", "done")),
    ]


def test_report_progress_outside_a_job_needs_an_id(worker):
    with pytest.raises(RuntimeError):
        worker.report_progress("x")


def test_gui_timer_keeps_ticking_during_a_slow_job(qtbot, worker):
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    try:
        with qtbot.waitSignal(worker.finished, timeout=5000):
            worker.submit(lambda: asyncio.sleep(0.5, result=None))
    finally:
        timer.stop()
    # 0.5 s at 10 ms would be 50 ticks on an idle machine; a blocked GUI thread gives 0-1.
    assert len(ticks) >= 15


def test_jobs_run_concurrently_on_one_loop(qtbot, worker):
    loops = []

    async def job(n):
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0.2)
        return n

    results = []
    worker.finished.connect(lambda j, r: results.append(r))
    for n in range(3):
        worker.submit(lambda n=n: job(n))
    qtbot.waitUntil(lambda: len(results) == 3, timeout=3000)
    assert sorted(results) == [0, 1, 2]
    assert len({id(loop) for loop in loops}) == 1


def test_shutdown_cancels_leftovers_lets_them_unwind_and_joins(qtbot):
    w = AsyncWorker()
    started = threading.Event()
    unwound = []

    async def job():
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)
            unwound.append(True)
            raise

    w.submit(job)
    qtbot.waitUntil(started.is_set, timeout=5000)
    w.shutdown()
    assert unwound == [True]
    assert w._thread.isFinished()
    assert w._loop.is_closed()
    assert not w.is_running
    w.shutdown()  # idempotent
    with pytest.raises(RuntimeError):
        w.submit(lambda: asyncio.sleep(0))
