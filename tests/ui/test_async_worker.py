"""AsyncWorker and its Job handles: results, exceptions, cancellation with cleanup, progress,
shutdown, a live GUI, and each handle hearing only its own job."""

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
    handle = worker.submit(job)
    handle.finished.connect(lambda r: received.append((r, QThread.currentThread())))
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [{"answer": 42}]
    # The coroutine ran on the worker thread, the slot in the GUI thread.
    assert seen_threads[0] is not threading.main_thread()
    assert received[0][1] is QApplication.instance().thread()


def test_exception_arrives_as_failed_signal(qtbot, worker):
    async def job():
        raise ValueError("trunk refused: bad address")

    with qtbot.waitSignal(worker.submit(job).failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    assert str(blocker.args[0]) == "trunk refused: bad address"


def test_factory_is_called_on_the_loop_thread(qtbot, worker):
    calls = []

    def factory():
        # LiveKitAPI must be built on the loop that uses it: this proves the factory runs there.
        calls.append(asyncio.get_running_loop())
        return asyncio.sleep(0, result="ok")

    with qtbot.waitSignal(worker.submit(factory).finished, timeout=5000) as blocker:
        pass
    assert blocker.args == ["ok"]
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
    handle = worker.submit(job)
    handle.finished.connect(lambda *a: finished.append(a))
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(handle.cancelled, timeout=5000):
        handle.cancel()
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
    handle = worker.submit(job)
    handle.finished.connect(lambda *a: finished.append(a))
    with qtbot.waitSignal(handle.cancelled, timeout=5000):
        handle.cancel()
    assert ran_to_end == [] and finished == []


def test_failed_cleanup_is_reported_as_failure_not_cancel(qtbot, worker):
    started = threading.Event()

    async def job():
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("rollback left ST_abc behind") from None

    handle = worker.submit(job)
    cancelled = []
    handle.cancelled.connect(lambda: cancelled.append(True))
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(handle.failed, timeout=5000) as blocker:
        handle.cancel()
    assert "ST_abc" in str(blocker.args[0])
    assert cancelled == []


def test_progress_reaches_its_handle_before_the_result(qtbot, worker):
    async def job():
        for step in ("conflict_check", "inbound_trunk"):
            worker.report_progress((step, "done"))
            await asyncio.sleep(0)
        # From a thread the job started (a keyring call): still this job's progress.
        await asyncio.to_thread(worker.report_progress, ("dispatch_rule", "done"))
        return "ok"

    got = []
    handle = worker.submit(job)
    handle.progress.connect(lambda p: got.append(p))
    handle.finished.connect(lambda r: got.append(r))
    qtbot.waitUntil(lambda: "ok" in got, timeout=5000)
    assert got == [("conflict_check", "done"), ("inbound_trunk", "done"), ("dispatch_rule", "done"), "ok"]


def test_report_progress_outside_a_job_is_refused(worker):
    with pytest.raises(RuntimeError):
        worker.report_progress("x")


def test_each_handle_hears_only_its_own_job(qtbot, worker):
    gate = threading.Event()

    async def slow(name):
        worker.report_progress(f"{name} working")
        while not gate.is_set():
            await asyncio.sleep(0.01)
        return name

    async def broken():
        worker.report_progress("broken working")
        raise ValueError("no")

    heard = {"a": [], "b": [], "c": []}
    handles = {"a": worker.submit(lambda: slow("a")), "b": worker.submit(broken), "c": worker.submit(lambda: slow("c"))}
    for name, handle in handles.items():
        for signal in ("progress", "finished", "failed"):
            getattr(handle, signal).connect(lambda value, name=name, signal=signal: heard[name].append((signal, value)))
        handle.cancelled.connect(lambda name=name: heard[name].append(("cancelled", None)))
    qtbot.waitUntil(lambda: len(heard["b"]) == 2, timeout=5000)
    handles["c"].cancel()
    qtbot.waitUntil(lambda: len(heard["c"]) == 2, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: len(heard["a"]) == 2, timeout=5000)
    assert heard["a"] == [("progress", "a working"), ("finished", "a")]
    assert heard["b"][0] == ("progress", "broken working") and heard["b"][1][0] == "failed"
    assert heard["c"] == [("progress", "c working"), ("cancelled", None)]


def test_a_handle_nobody_keeps_still_delivers_its_end(qtbot, worker):
    import gc

    ends = []
    worker.submit(lambda: asyncio.sleep(0.05, result="done")).finished.connect(ends.append)
    gc.collect()  # the caller dropped the handle: the worker keeps it until its job has ended
    qtbot.waitUntil(lambda: ends == ["done"], timeout=5000)


def test_cancel_after_the_end_does_nothing(qtbot, worker):
    handle = worker.submit(lambda: asyncio.sleep(0, result=1))
    ended = []
    handle.finished.connect(ended.append)
    handle.cancelled.connect(lambda: ended.append("cancelled"))
    qtbot.waitUntil(lambda: ended == [1], timeout=5000)
    handle.cancel()
    qtbot.wait(50)
    assert ended == [1]


def test_gui_timer_keeps_ticking_during_a_slow_job(qtbot, worker):
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    try:
        with qtbot.waitSignal(worker.submit(lambda: asyncio.sleep(0.5, result=None)).finished, timeout=5000):
            pass
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
    for n in range(3):
        worker.submit(lambda n=n: job(n)).finished.connect(results.append)
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
    w.shutdown()  # idempotent
    with pytest.raises(RuntimeError):
        w.submit(lambda: asyncio.sleep(0))
