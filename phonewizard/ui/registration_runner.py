"""Runs one registration on the AsyncWorker and reports it as Qt signals the review page renders.

The registrar is plain asyncio (services/registrar.py); this object only moves it off the GUI
thread, turns its progress callback into per-step states, and remembers whether the user asked
to cancel, so a failure during a cancel's rollback can be told apart from an ordinary failure.

Signals:
    step_changed(str, str): step id ("conflict_check", "inbound_trunk", "outbound_trunk",
        "dispatch_rule", "attach_number") and its state: "running", "done", "failed",
        "cancelled", "rolled_back" (created, then removed again by the rollback) or "skipped".
    succeeded(object): the RegistrationResult.
    failed(object): the exception (RegistrationConflict, LiveKitRefused, LiveKitUnreachable,
        LiveKitAuthFailed, PartialRollback, ...). `cancel_requested` says if it happened while
        cancelling.
    cancelled(): the job was cancelled and the registrar's rollback completed.
    busy_changed(bool): a registration started (True) or ended, in any way (False).
    prepared(object): what the optional `prepare` step of `start` returned (the wizard saves the
        secrets to the keyring there, off the GUI thread, before the registrar creates anything).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    # Only a type here: asyncio (~20 ms) loads with the worker, on the first registration or
    # connection test, not while the wizard builds its pages (benchmarks/RESULTS.md, start-up).
    from phonewizard.ui.async_worker import AsyncWorker

logger = logging.getLogger(__name__)

# (connection, plan, progress, take_over) -> awaitable RegistrationResult
ApplyFunction = Callable[[Any, Any, Callable[..., None], bool], Awaitable[Any]]
# () -> awaitable outcome, run on the worker before the registrar; its value goes to `prepared`
PrepareFunction = Callable[[], Awaitable[Any]]


class _Prepared:
    """The progress payload that carries `prepare`'s outcome, told apart from registrar steps."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

STEP_LABELS: dict[str, str] = {
    "conflict_check": "Check LiveKit for conflicting trunks and rules",
    "inbound_trunk": "Create the inbound trunk",
    "outbound_trunk": "Create the outbound trunk",
    "dispatch_rule": "Create the dispatch rule",
    "attach_number": "Attach the number to the dispatch rule",
}
_STATE_WORDS = {
    # The registrar reports started/done/failed/rolled_back (services/registrar_run.py); "ok" and
    # "created" are accepted as done too. Any other word counts as still running.
    "started": "running",
    "running": "running",
    "ok": "done",
    "done": "done",
    "created": "done",
    "failed": "failed",
    "skipped": "skipped",
    "rolled_back": "rolled_back",
    "cancelled": "cancelled",
}


def _default_apply(connection: Any, plan: Any, progress: Callable[..., None], take_over: bool):
    # Imported here so importing the UI never needs the services layer until a registration runs.
    from phonewizard.services.registrar import Registrar

    return Registrar(connection).apply(plan, progress=progress, take_over=take_over)


def steps_for(plan: Any) -> list[str]:
    """The steps this plan will go through, in order, for the checklist shown before it starts."""
    steps = ["conflict_check"]
    if getattr(plan, "inbound", None) is not None:
        steps.append("inbound_trunk")
    if getattr(plan, "outbound", None) is not None:
        steps.append("outbound_trunk")
    steps.append("dispatch_rule")
    if getattr(plan, "attach_number", None):
        steps.append("attach_number")
    return steps


class RegistrationRunner(QObject):
    """Start/cancel one registration at a time; see the module docstring for the signals."""

    step_changed = Signal(str, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    busy_changed = Signal(bool)
    prepared = Signal(object)

    def __init__(
        self, worker: AsyncWorker, apply: ApplyFunction | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._apply = apply or _default_apply
        self._job: int | None = None
        self.cancel_requested = False
        self.step_states: dict[str, str] = {}
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(
        self, connection: Any, plan: Any, *, take_over: bool = False, prepare: PrepareFunction | None = None
    ) -> int:
        """Submit the registration; returns the worker's job id. One at a time. `prepare`, when
        given, runs first in the same job (so Cancel covers it) and its outcome goes to `prepared`."""
        if self._job is not None:
            raise RuntimeError("a registration is already running")
        self.cancel_requested = False
        self.step_states = {}
        worker, apply = self._worker, self._apply

        def progress(*args: Any, **kwargs: Any) -> None:
            # Called by the registrar on the loop thread; report_progress emits thread-safely.
            worker.report_progress((args, kwargs))

        async def job() -> Any:
            if prepare is not None:
                worker.report_progress(_Prepared(await prepare()))
            return await apply(connection, plan, progress, take_over)

        self._job = worker.submit(job)
        self.busy_changed.emit(True)
        return self._job

    def cancel(self) -> None:
        """Cancel the running registration: the registrar rolls back what it created."""
        if self._job is None or self.cancel_requested:
            return
        self.cancel_requested = True
        self._worker.cancel(self._job)

    # ---- progress ---------------------------------------------------------------------------
    def _set_state(self, step: str, state: str) -> None:
        if self.step_states.get(step) == state:
            return
        self.step_states[step] = state
        self.step_changed.emit(step, state)

    @staticmethod
    def _parse(payload: Any) -> tuple[str, str | None] | None:
        """progress(step) or progress(step, state), positional or by keyword. The state is None
        when none was given (then a new step implies the one before it is done)."""
        args, kwargs = payload
        step = args[0] if args else kwargs.get("step")
        state = args[1] if len(args) > 1 else kwargs.get("state")
        if not isinstance(step, str):
            return None
        return step, None if state is None else _STATE_WORDS.get(str(state).lower(), "running")

    @Slot(int, object)
    def _on_progress(self, job: int, payload: object) -> None:
        if job != self._job:
            return
        if isinstance(payload, _Prepared):
            self.prepared.emit(payload.value)
            return
        parsed = self._parse(payload)
        if parsed is None:
            logger.debug("ignored an unrecognised progress report")
            return
        step, state = parsed
        if state is None:
            # Bare step names: a new step started, so the one before it is complete.
            for running in self._running_steps():
                if running != step:
                    self._set_state(running, "done")
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
        self.busy_changed.emit(False)

    @Slot(int, object)
    def _on_finished(self, job: int, result: object) -> None:
        if job != self._job:
            return
        self._finish("done")
        self.succeeded.emit(result)

    @Slot(int, object)
    def _on_failed(self, job: int, exc: object) -> None:
        if job != self._job:
            return
        self._finish("cancelled" if self.cancel_requested else "failed")
        self.failed.emit(exc)

    @Slot(int)
    def _on_cancelled(self, job: int) -> None:
        if job != self._job:
            return
        self._finish("cancelled")
        self.cancelled.emit()
