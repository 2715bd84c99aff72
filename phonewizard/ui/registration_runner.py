"""Runs one registration (`app.register`) on the AsyncWorker and reports it as Qt signals the review
page renders.

The use case is plain asyncio; this object only moves it off the GUI thread, turns its
`progress(step, state)` calls into the checklist's step states, and remembers whether the user
asked to cancel, so a failure during a cancel's rollback can be told apart from an ordinary one.

Signals:
    step_changed(str, str): step id (app/register.STEP_LABELS) and its state: "running", "done",
        "failed", "cancelled" or "rolled_back" (created, then removed again by the rollback).
    succeeded(object): the `Registered` (result, the secrets saved, the carrier's set-up).
    failed(object): the exception (the types of app/errors.py). `cancel_requested` says if it
        happened while cancelling.
    cancelled(): the job was cancelled and the rollback completed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    # Only types here: asyncio (~20 ms) loads with the worker, and app.register with pydantic and
    # livekit-protocol, on the first registration, not while the wizard builds its pages
    # (benchmarks/RESULTS.md, start-up).
    from phonewizard.app.register import Registered, RegistrationRequest
    from phonewizard.app.secrets import SecretStore
    from phonewizard.ui.async_worker import AsyncWorker, Job

logger = logging.getLogger(__name__)

# progress(step, state), state one of started/done/failed/rolled_back (services/registrar_run.py).
Progress = Callable[[str, str], None]
# (request, progress) -> awaitable Registered: app.register.register with the wizard's keyring.
RunFunction = Callable[["RegistrationRequest", Progress], Awaitable["Registered"]]


class RegistrationRunner(QObject):
    """Start/cancel one registration at a time; see the module docstring for the signals."""

    step_changed = Signal(str, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, worker: AsyncWorker, store: SecretStore | None, run: RunFunction | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._run = run or self._register_with(store)
        self._job: Job | None = None
        self.cancel_requested = False
        self.step_states: dict[str, str] = {}

    @staticmethod
    def _register_with(store: SecretStore | None) -> RunFunction:
        def run(request: RegistrationRequest, progress: Progress) -> Awaitable[Registered]:
            from phonewizard.app.register import register

            return register(request, store, progress)

        return run

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, request: RegistrationRequest) -> None:
        """Submit the registration, one at a time."""
        if self._job is not None:
            raise RuntimeError("a registration is already running")
        self.cancel_requested = False
        self.step_states = {}
        worker, run = self._worker, self._run

        def progress(step: str, state: str) -> None:
            # Called on the loop thread; report_progress emits thread-safely.
            worker.report_progress((step, state))

        job = self._job = worker.submit(lambda: run(request, progress))
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        """Cancel the running registration: the registrar rolls back what it created."""
        if self._job is None or self.cancel_requested:
            return
        self.cancel_requested = True
        self._job.cancel()

    # ---- progress ---------------------------------------------------------------------------
    def _set_state(self, step: str, state: str) -> None:
        if self.step_states.get(step) == state:
            return
        self.step_states[step] = state
        self.step_changed.emit(step, state)

    @Slot(object)
    def _on_progress(self, payload: object) -> None:
        step, state = cast("tuple[str, str]", payload)  # what `progress` in `start` sends
        if state == "started":
            state = "running"
        elif state == "failed" and self.cancel_requested:
            # The registrar reports the interrupted step as failed; the user asked for it.
            state = "cancelled"
        elif state == "rolled_back" and self.step_states.get(step) in ("failed", "cancelled"):
            return  # the rollback also lists the step that broke; "failed" says more
        self._set_state(step, state)

    def _running_steps(self) -> list[str]:
        return [s for s, st in self.step_states.items() if st == "running"]

    # ---- end of job -------------------------------------------------------------------------
    def _finish(self, final_state: str) -> None:
        # Steps still "running" (inbound and outbound trunks are created concurrently) end with
        # the job; on failure they did not complete, whatever else they were doing.
        for step in self._running_steps():
            self._set_state(step, final_state)
        self._job = None

    @Slot(object)
    def _on_finished(self, registered: object) -> None:
        self._finish("done")
        self.succeeded.emit(registered)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self._finish("cancelled" if self.cancel_requested else "failed")
        self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        self._finish("cancelled")
        self.cancelled.emit()
