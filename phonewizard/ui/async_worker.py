"""One asyncio event loop in a worker QThread; jobs go in as coroutine factories, and each comes back
as its own `Job` handle whose signals say how that job, and only that job, went.

Why not QtAsyncio or qasync: aiohttp (and therefore livekit-api) fails on QtAsyncio
(`sock_connect` is not implemented), and qasync needs its loop running, which `qtbot.waitSignal`
does not provide (reference/ecosystem.md §1). A plain loop in a thread has neither problem and the
UI code stays ordinary signals and slots.

Threads: the loop thread never touches a `Job`. It reports by job number through the worker's two
private signals; the worker lives in the GUI thread, so Qt queues those to it, and the worker then
emits the job's own signal there. So every `Job` signal is emitted in the GUI thread, in the order
the job produced it (progress always before the job's end), and the worker holds the `Job` until
its last signal has been emitted: a caller may drop its reference right after `submit`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from phonewizard.ui import gui_collector

logger = logging.getLogger(__name__)

CoroutineFactory = Callable[[], Awaitable[Any]]

# Which job the code running on the loop belongs to; tasks (and asyncio.to_thread) copy the context,
# so `report_progress` called anywhere inside a job (even deep inside the registrar) finds it.
_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("_current_job", default=None)

# How a job ended, as the loop thread reports it to the GUI thread.
_FINISHED, _FAILED, _CANCELLED = "finished", "failed", "cancelled"


class Job(QObject):
    """One submitted job. Exactly one of `finished`, `failed` or `cancelled` is emitted, once.

    Signals (all emitted in the GUI thread):
        progress(object): whatever the job passed to `AsyncWorker.report_progress`.
        finished(object): the coroutine's return value.
        failed(object): the exception the coroutine raised (also when its cleanup after a cancel
            raised: a rollback that failed is a failure, not a cancel).
        cancelled(): the job was cancelled and its coroutine has finished unwinding (a registrar
            that rolls back on CancelledError has completed its rollback by then).
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, worker: AsyncWorker, number: int) -> None:
        super().__init__()  # no parent: Python owns it; the worker keeps it until it has ended
        self._worker = worker
        self._number = number

    def cancel(self) -> None:
        """Ask the job to stop; `cancelled` (or `failed`, if its cleanup failed) follows later.
        Nothing happens when it has already ended."""
        self._worker._cancel(self._number)  # noqa: SLF001 - the worker and its handles are one unit


class AsyncWorker(QObject):
    """Owns the loop thread; `submit` runs a job on it, `shutdown` ends it all. GUI thread only,
    except `report_progress`, which a job calls from the loop (or a thread it started)."""

    # Loop thread → GUI thread (queued: the worker lives in the GUI thread). Job numbers only.
    _progress_reported = Signal(int, object)
    _job_ended = Signal(int, str, object)

    # How long shutdown waits for cancelled jobs to unwind (a rollback needs a few requests).
    SHUTDOWN_GRACE_SECONDS = 10.0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_collector.install()  # before the loop thread exists: it must never collect (see there)
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = _LoopThread(self._loop, ready)
        self._last_number = 0
        self._jobs: dict[int, Job] = {}  # GUI thread: the handles of jobs that have not ended
        self._tasks: dict[int, asyncio.Task[Any]] = {}  # loop thread: the running tasks
        self._closed = False
        self._progress_reported.connect(self._deliver_progress)
        self._job_ended.connect(self._deliver_end)
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("the background network thread did not start")
        app = QCoreApplication.instance()
        if app is not None:
            # Leaving the app with a job in flight must still roll it back and join the thread.
            app.aboutToQuit.connect(self.shutdown)

    # ---- GUI-thread API -------------------------------------------------------------------
    def submit(self, factory: CoroutineFactory) -> Job:
        """Schedule `factory()` on the loop (the factory is called there, so a LiveKitAPI it
        builds belongs to that loop) and return the job's handle."""
        if self._closed:
            raise RuntimeError("the background worker has been shut down")
        self._last_number += 1
        job = Job(self, self._last_number)
        self._jobs[self._last_number] = job
        self._loop.call_soon_threadsafe(self._start, self._last_number, factory)
        return job

    def report_progress(self, payload: object) -> None:
        """From inside a job, on any thread: emit `progress(payload)` on that job's handle."""
        number = _current_job.get()
        if number is None:
            raise RuntimeError("report_progress was called outside a job")
        self._progress_reported.emit(number, payload)

    def shutdown(self) -> None:
        """Cancel leftover jobs, let them unwind (rollbacks finish), stop the loop, join the thread.

        Idempotent; call it on app exit and in test teardown. The handles' last signals are queued
        meanwhile and delivered if the GUI event loop runs again.
        """
        if self._closed:
            return
        self._closed = True
        try:
            drained = asyncio.run_coroutine_threadsafe(self._drain(), self._loop)
            drained.result(timeout=self.SHUTDOWN_GRACE_SECONDS + 1)
        except TimeoutError:  # a stuck job must not keep the app from exiting
            logger.warning("background jobs did not finish unwinding before shutdown")
        except Exception:  # nor may a broken loop; but the log says what broke
            logger.exception("background jobs could not be unwound at shutdown")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.quit()
        if not self._thread.wait(5000):
            logger.warning("the background network thread did not stop in time")

    def _cancel(self, number: int) -> None:
        if self._closed or number not in self._jobs:
            return  # shut down (shutdown cancels everything itself), or the job already ended
        # FIFO: this runs after the `_start` that `submit` scheduled, so the task exists by then.
        self._loop.call_soon_threadsafe(self._cancel_on_loop, number)

    @Slot(int, object)
    def _deliver_progress(self, number: int, payload: object) -> None:
        job = self._jobs.get(number)
        if job is not None:
            job.progress.emit(payload)

    @Slot(int, str, object)
    def _deliver_end(self, number: int, how: str, value: object) -> None:
        job = self._jobs.pop(number, None)
        if job is None:
            return
        if how == _FINISHED:
            job.finished.emit(value)
        elif how == _FAILED:
            job.failed.emit(value)
        else:
            job.cancelled.emit()

    # ---- loop-thread internals ------------------------------------------------------------
    def _start(self, number: int, factory: CoroutineFactory) -> None:
        async def run_job() -> Any:
            _current_job.set(number)
            return await factory()

        task = self._loop.create_task(run_job(), name=f"phonewizard-job-{number}")
        self._tasks[number] = task
        task.add_done_callback(lambda t, number=number: self._on_done(number, t))

    def _cancel_on_loop(self, number: int) -> None:
        task = self._tasks.get(number)
        if task is not None:  # absent means it already finished: nothing to cancel
            task.cancel()

    def _on_done(self, number: int, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(number, None)
        if task.cancelled():
            self._job_ended.emit(number, _CANCELLED, None)
            return
        exc = task.exception()
        if exc is not None:
            self._job_ended.emit(number, _FAILED, exc)
        else:
            self._job_ended.emit(number, _FINISHED, task.result())

    async def _drain(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=self.SHUTDOWN_GRACE_SECONDS)


class _LoopThread(QThread):
    """Runs the loop until stopped, then closes it cleanly (leftover tasks were drained before)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        super().__init__()
        self._loop = loop
        self._ready = ready
        self.setObjectName("phonewizard-asyncio")

    def run(self) -> None:  # noqa: D401 - Qt override
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        try:
            self._loop.run_forever()
        finally:
            try:
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
                self._loop.run_until_complete(self._loop.shutdown_default_executor())
            finally:
                self._loop.close()
