"""Runs one registration on the AsyncWorker and reports it as Qt signals the review page renders.

The registrar is plain asyncio (services/registrar.py); this object only moves it off the GUI
thread, turns its `progress(step, state)` calls into the checklist's step states, and remembers
whether the user asked to cancel, so a failure during a cancel's rollback can be told apart from an
ordinary failure.

Signals:
    step_changed(str, str): step id ("conflict_check", "inbound_trunk", "outbound_trunk",
        "dispatch_rule", "attach_number") and its state: "running", "done", "failed",
        "cancelled" or "rolled_back" (created, then removed again by the rollback).
    succeeded(object): the RegistrationResult.
    failed(object): the exception (RegistrationConflict, LiveKitRefused, LiveKitUnreachable,
        LiveKitAuthFailed, PartialRollback, ...). `cancel_requested` says if it happened while
        cancelling.
    cancelled(): the job was cancelled and the registrar's rollback completed.
    prepared(object): what the optional `prepare` step of `start` returned (the wizard saves the
        secrets to the keyring there, off the GUI thread, before the registrar creates anything).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    # Only types here: asyncio (~20 ms) loads with the worker, and domain/plan with livekit-protocol,
    # on the first registration or connection test, not while the wizard builds its pages
    # (benchmarks/RESULTS.md, start-up).
    from phonewizard.domain.plan import RegistrationPlan
    from phonewizard.domain.result import RegistrationResult
    from phonewizard.services.livekit_client import Connection
    from phonewizard.ui.async_worker import AsyncWorker, Job

logger = logging.getLogger(__name__)

# The registrar's progress callback: progress(step, state), state one of started/done/failed/
# rolled_back (services/registrar_run.py `Run.step`, services/registrar.py rollback).
Progress = Callable[[str, str], None]
# (connection, plan, progress, take_over) -> awaitable RegistrationResult
ApplyFunction = Callable[["Connection", "RegistrationPlan", Progress, bool], Awaitable["RegistrationResult"]]
# () -> awaitable outcome, run on the worker before the registrar; its value goes to `prepared`
PrepareFunction = Callable[[], Awaitable[Any]]

STEP_LABELS: dict[str, str] = {
    "conflict_check": "Check LiveKit for conflicting trunks and rules",
    "inbound_trunk": "Create the inbound trunk",
    "outbound_trunk": "Create the outbound trunk",
    "dispatch_rule": "Create the dispatch rule",
    "attach_number": "Attach the number to the dispatch rule",
}


class _Prepared:
    """The progress payload that carries `prepare`'s outcome, told apart from registrar steps."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _default_apply(
    connection: Connection, plan: RegistrationPlan, progress: Progress, take_over: bool
) -> Awaitable[RegistrationResult]:
    # Imported here so importing the UI never needs the services layer until a registration runs.
    from phonewizard.services.registrar import Registrar

    return Registrar(connection).apply(plan, progress=progress, take_over=take_over)


def steps_for(plan: RegistrationPlan) -> list[str]:
    """The steps this plan will go through, in order, for the checklist shown before it starts."""
    steps = ["conflict_check"]
    if plan.inbound is not None:
        steps.append("inbound_trunk")
    if plan.outbound is not None:
        steps.append("outbound_trunk")
    steps.append("dispatch_rule")
    if plan.attach_number:
        steps.append("attach_number")
    return steps


class RegistrationRunner(QObject):
    """Start/cancel one registration at a time; see the module docstring for the signals."""

    step_changed = Signal(str, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    prepared = Signal(object)

    def __init__(
        self, worker: AsyncWorker, apply: ApplyFunction | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._apply = apply or _default_apply
        self._job: Job | None = None
        self.cancel_requested = False
        self.step_states: dict[str, str] = {}

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(
        self,
        connection: Connection,
        plan: RegistrationPlan,
        *,
        take_over: bool = False,
        prepare: PrepareFunction | None = None,
    ) -> None:
        """Submit the registration, one at a time. `prepare`, when given, runs first in the same
        job (so Cancel covers it) and its outcome goes to `prepared`."""
        if self._job is not None:
            raise RuntimeError("a registration is already running")
        self.cancel_requested = False
        self.step_states = {}
        worker, apply = self._worker, self._apply

        def progress(step: str, state: str) -> None:
            # Called by the registrar on the loop thread; report_progress emits thread-safely.
            worker.report_progress((step, state))

        async def registration() -> RegistrationResult:
            if prepare is not None:
                worker.report_progress(_Prepared(await prepare()))
            return await apply(connection, plan, progress, take_over)

        job = self._job = worker.submit(registration)
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
        if isinstance(payload, _Prepared):
            self.prepared.emit(payload.value)
            return
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
    def _on_finished(self, result: object) -> None:
        self._finish("done")
        self.succeeded.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self._finish("cancelled" if self.cancel_requested else "failed")
        self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        self._finish("cancelled")
        self.cancelled.emit()
