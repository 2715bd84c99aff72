"""One asyncio event loop in a worker QThread; jobs go in as coroutine factories, results come back as signals.

Why not QtAsyncio or qasync: aiohttp (and therefore livekit-api) fails on QtAsyncio
(`sock_connect` is not implemented), and qasync needs its loop running, which `qtbot.waitSignal`
does not provide (reference/ecosystem.md §1). A plain loop in a thread has neither problem and the
UI code stays ordinary signals and slots.

Signals are emitted from the worker thread. The worker object lives in the GUI thread, so Qt
queues every emission to it: slots always run in the GUI thread.

Signals:
    finished(int, object): job id, the coroutine's return value.
    failed(int, object): job id, the exception the coroutine raised.
    cancelled(int): job id; emitted only after the coroutine has finished unwinding (a registrar
        that rolls back on CancelledError has completed its rollback by then).
    progress(int, object): job id, whatever the job passed to `report_progress`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

logger = logging.getLogger(__name__)

CoroutineFactory = Callable[[], Awaitable[Any]]

# Which job the code running on the loop belongs to; tasks copy the context at creation, so
# `report_progress` called anywhere inside a job (even deep inside the registrar) finds its id.
_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("_current_job", default=None)


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


class AsyncWorker(QObject):
    """Owns the loop thread; `submit` runs a job on it, `cancel` cancels one, `shutdown` ends it all."""

    finished = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)
    progress = Signal(int, object)

    # How long shutdown waits for cancelled jobs to unwind (a rollback needs a few requests).
    SHUTDOWN_GRACE_SECONDS = 10.0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = _LoopThread(self._loop, ready)
        self._lock = threading.Lock()
        self._next_id = 0
        self._tasks: dict[int, asyncio.Task[Any]] = {}  # touched on the loop thread only
        self._closed = False
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("the background network thread did not start")
        app = QCoreApplication.instance()
        if app is not None:
            # Leaving the app with a job in flight must still roll it back and join the thread.
            app.aboutToQuit.connect(self.shutdown)

    # ---- GUI-thread API -------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return not self._closed

    def submit(self, factory: CoroutineFactory) -> int:
        """Schedule `factory()` on the loop (the factory is called there) and return the job id."""
        if self._closed:
            raise RuntimeError("the background worker has been shut down")
        with self._lock:
            self._next_id += 1
            job = self._next_id
        self._loop.call_soon_threadsafe(self._start, job, factory)
        return job

    def cancel(self, job_id: int) -> None:
        """Ask the job to stop. `cancelled` (or `failed`, if its cleanup failed) follows later."""
        if self._closed:
            return
        # FIFO: this runs after the `_start` that `submit` scheduled, so the task exists by then.
        self._loop.call_soon_threadsafe(self._cancel_on_loop, job_id)

    def report_progress(self, payload: object, job_id: int | None = None) -> None:
        """Emit `progress(job, payload)`; safe from any thread. Inside a job the id is implicit."""
        job = _current_job.get() if job_id is None else job_id
        if job is None:
            raise RuntimeError("report_progress called outside a job without a job_id")
        self.progress.emit(job, payload)

    def shutdown(self) -> None:
        """Cancel leftover jobs, let them unwind (rollbacks finish), stop the loop, join the thread.

        Idempotent; call it on app exit and in test teardown.
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

    # ---- loop-thread internals ------------------------------------------------------------
    def _start(self, job: int, factory: CoroutineFactory) -> None:
        async def run_job() -> Any:
            _current_job.set(job)
            return await factory()

        task = self._loop.create_task(run_job(), name=f"phonewizard-job-{job}")
        self._tasks[job] = task
        task.add_done_callback(lambda t, job=job: self._on_done(job, t))

    def _cancel_on_loop(self, job: int) -> None:
        task = self._tasks.get(job)
        if task is not None:  # absent means it already finished: nothing to cancel
            task.cancel()

    def _on_done(self, job: int, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(job, None)
        if task.cancelled():
            self.cancelled.emit(job)
            return
        exc = task.exception()
        if exc is not None:
            self.failed.emit(job, exc)
        else:
            self.finished.emit(job, task.result())

    async def _drain(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=self.SHUTDOWN_GRACE_SECONDS)
