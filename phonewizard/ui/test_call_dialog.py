""""Test call…" and "Check inbound": a real call through a registration, watched stage by stage.

`TestCallDialog(worker, connection, number=…, mode="call" | "inbound")`, opened by the result page
and the registrations page (ui/call_buttons.py). In "call" mode the user enters their own phone
(checked as `phonewizard call --to` checks it; the message names the field), chooses whether the
number's agent is dispatched into the call and how long an answered call may last, and presses
Call: `app.calls.TestCall` runs on the worker, each stage appears as it is reached with its time
(agent dispatched, dialling, ringing, answered, agent joined, ended, room deleted), and "Hang up"
cancels the job, which ends the call and deletes the test room before it stops. Then the verdict:
a headline with the SIP status, the explanation and what to change, in the words the command
line prints, and whether the room is gone. In "inbound" mode `app.inbound.InboundCheck` rings the
number through its own outbound trunk and the stages are dialled → room created → caller joined →
agent joined; the verdict names the first stage not reached.

Closing the dialog mid-call hangs up: the job is cancelled, and the room is deleted on the worker
(closing the wizard waits for that too, AsyncWorker.shutdown). Should the room not be removable,
the dialog opens again to say so and how to remove it by hand.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Literal, Union

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from phonewizard.ui import call_report as words
from phonewizard.ui.call_result_view import CallResultView
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label

if TYPE_CHECKING:
    from phonewizard.domain.call_stages import CallEvent
    from phonewizard.services.livekit_client import Connection
    from phonewizard.ui.async_worker import AsyncWorker, Job

logger = logging.getLogger(__name__)

Mode = Literal["call", "inbound"]
ConnectionSource = Union["Connection", Callable[[], "Connection"]]
FIELD_LABELS = {"to": "Your phone", "max_seconds": "Maximum length", "ringing_timeout": "Ring for up to"}
SANDBOX_HINT = ("Sandbox mode: no phone rings. The number you enter picks how the call ends: +1 555 000 0486 "
                "busy, +1 555 000 0403 forbidden (+1 555 000 0SSS: SIP status SSS), +1 555 000 0000 never "
                "answered, +1 555 000 1010 answered for 10 seconds (1NNN: NNN seconds); any other number is "
                "answered for 5 seconds.")


class TestCallDialog(QDialog):
    """See the module docstring. `connection`: a Connection, or a callable returning one (called
    at each start, so a profile edited meanwhile counts). `unavailable`: why this mode cannot run
    for the number (app/call_targets.py), shown at once with the start button off."""

    call_finished = Signal(object)  # the CallResult / InboundResult shown (after Hang up too)
    run_failed = Signal(str)  # the message shown

    def __init__(self, worker: AsyncWorker, connection: ConnectionSource, *, number: str, mode: Mode = "call",
                 agent: str | None = None, sandbox: bool = False, unavailable: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker, self._connection = worker, connection
        self.number, self.mode, self.agent = number, mode, agent
        self._job: Job | None = None
        self._runner: Any = None  # the TestCall / InboundCheck of the job in flight
        self._reached: list[str] = []
        self._clock_zero = 0.0  # time.monotonic() at the call's second 0
        self._closed_while_busy = False
        self.result: Any = None
        inbound = mode == "inbound"
        self.setObjectName("inbound-check-dialog" if inbound else "test-call-dialog")
        self.setWindowTitle(f"Check inbound calls to {number}" if inbound else f"Test call from {number}")
        layout = QVBoxLayout(self)
        who = f"agent “{agent}”" if agent else "your agent"
        intro = QLabel(
            f"Calls {number} through its own outbound trunk and watches LiveKit: the call must come back in, "
            f"the dispatch rule must put it in a room, and {who} must join. The rooms are removed afterwards. "
            "This is a real call through your carrier." if inbound else
            f"Rings your phone through the outbound trunk of {number}, so you hear {who} as a caller would. "
            "This is a real call: your carrier bills it like any other. The test room is removed afterwards.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if sandbox and not inbound:
            layout.addWidget(hint_label(SANDBOX_HINT))

        self.to_edit = QLineEdit()
        self.agent_check = QCheckBox("&Dispatch my agent into the call")
        self.max_spin = QSpinBox()
        self.ring_spin = QSpinBox()
        if not inbound:
            form = QFormLayout()
            self.to_edit.setPlaceholderText("+44 7700 900123 (with the country code)")
            self.to_edit.setAccessibleName("Your phone")
            form.addRow("Your &phone:", self.to_edit)
            self.agent_check.setChecked(True)
            self.agent_check.setToolTip(f"{who[:1].upper()}{who[1:]} is sent into the test room before the call "
                                        "is dialled. Off: you hear silence in an empty room.")
            form.addRow("", self.agent_check)
            self.max_spin.setRange(1, 3600)
            self.max_spin.setValue(60)
            self.max_spin.setSuffix(" s")
            self.max_spin.setToolTip("An answered call is ended after this long (you can hang up earlier)")
            form.addRow("&Maximum length:", self.max_spin)
            self.ring_spin.setRange(1, 300)
            self.ring_spin.setValue(30)
            self.ring_spin.setSuffix(" s")
            self.ring_spin.setToolTip("How long your phone rings before the call counts as not answered")
            form.addRow("&Ring for up to:", self.ring_spin)
            layout.addLayout(form)
        self.input_problem = ProblemLabel()
        layout.addWidget(self.input_problem)

        run_line = QHBoxLayout()
        self.start_button = QPushButton("&Check inbound" if inbound else "&Call")
        self.start_button.setDefault(True)
        self.hangup_button = QPushButton("&Stop" if inbound else "&Hang up")
        self.hangup_button.setToolTip("Stop the check and remove its rooms" if inbound else
                                      "End the call now; the test room is removed")
        self.hangup_button.hide()
        run_line.addWidget(self.start_button)
        run_line.addWidget(self.hangup_button)
        run_line.addStretch(1)
        layout.addLayout(run_line)

        # The stages and the verdict scroll when the window is too short for them, never squeezed;
        # the window grows to show them when the screen has room (`_grow`).
        self.view = CallResultView()
        layout.addWidget(self.view, 1)
        self.stages = self.view.stages
        self.headline_label, self.explanation_label = self.view.headline_label, self.view.explanation_label
        self.fixes_label, self.room_label = self.view.fixes_label, self.view.room_label
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._show_awaited)
        self.start_button.clicked.connect(self.start)
        self.hangup_button.clicked.connect(self.hang_up)
        # Typing goes straight into the phone field (inbound: Enter starts the check).
        (self.start_button if inbound else self.to_edit).setFocus()
        self.unavailable = unavailable
        if unavailable:
            self.start_button.setEnabled(False)
            self.start_button.setToolTip(unavailable)
            self.input_problem.show_warning(unavailable)
        # No fixed minimum: the layout's own keeps every stage and the verdict in view as they
        # appear (a minimum set here would switch that off and clip them).
        self.resize(720, 380 if inbound else 460)

    def _fit_later(self) -> None:
        QTimer.singleShot(0, self, self._grow)  # once the new rows are laid out

    @Slot()
    def _grow(self) -> None:
        """Taller, up to most of the screen, when the stages and the verdict do not fit."""
        missing = self.view.missing_height()
        if missing > 0:
            screen = self.screen()
            room = int(screen.availableGeometry().height() * 0.9) if screen is not None else self.height() + missing
            self.resize(self.width(), max(self.height(), min(self.height() + missing, room)))

    @property
    def busy(self) -> bool:
        return self._job is not None

    # ---- running -------------------------------------------------------------------------------
    @Slot()
    def start(self) -> bool:
        """Place the call (or start the check); False when busy, unavailable or the input is
        unusable (said under the fields)."""
        if self.busy or self.unavailable:
            return False
        from phonewizard.app.errors import InvalidInput, LiveKitError

        self.input_problem.clear_problem()
        try:
            connection = self._connection() if callable(self._connection) else self._connection
            runner = self._make_runner(connection)
        except (InvalidInput, LiveKitError) as exc:
            self.input_problem.show_error(str(exc))
            if str(exc).startswith(FIELD_LABELS["to"]):
                self.to_edit.setFocus()
            return False
        self._clear()
        self._closed_while_busy = False
        self._runner = runner
        self._job = job = self._worker.submit(runner.run)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self._clock_zero = time.monotonic()
        self._set_running(True)
        return True

    def _make_runner(self, connection: Connection) -> Any:
        report = self._worker.report_progress  # CallEvents, from the worker's loop
        if self.mode == "inbound":
            from phonewizard.app.inbound import InboundCheck, InboundCheckRequest

            return InboundCheck(InboundCheckRequest.parse(connection, number=self.number), progress=report)
        from phonewizard.app.calls import TestCall, TestCallRequest

        request = TestCallRequest.parse(connection, number=self.number, to=self.to_edit.text(),
                                        with_agent=self.agent_check.isChecked(),
                                        max_seconds=self.max_spin.value(),
                                        ringing_timeout=self.ring_spin.value(), names=FIELD_LABELS)
        return TestCall(request, progress=report)

    @Slot()
    def hang_up(self) -> None:
        """End the call (or the check): the job is cancelled and removes its rooms first."""
        if self._job is None:
            return
        self.hangup_button.setEnabled(False)
        self._job.cancel()
        self._ticker.stop()
        self.stages.set_pending("Hanging up: removing the test room…" if self.mode == "call" else
                                "Stopping: removing the rooms…")

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        for widget in (self.to_edit, self.agent_check, self.max_spin, self.ring_spin):
            widget.setEnabled(not running)
        self.hangup_button.setVisible(running)
        self.hangup_button.setEnabled(running)
        if running:
            self._ticker.start()
            self._show_awaited()
        else:
            self._job = None
            self._ticker.stop()
            self.stages.set_pending(None)

    def _clear(self) -> None:
        self.result = None
        self._reached = []
        self.view.clear()

    @Slot()
    def _show_awaited(self) -> None:
        if self._job is None or not self.hangup_button.isEnabled():
            return  # finished, or hanging up (that message stays)
        if self.mode == "inbound":
            text = words.awaited_inbound(self._reached, number=self.number, agent=self.agent)
        else:
            text = words.awaited_call(self._reached, number=self.number, to=self._runner.request.to,
                                      max_seconds=self.max_spin.value())
        self.stages.set_pending(text, words.clock(time.monotonic() - self._clock_zero))

    @Slot(object)
    def _on_progress(self, event: CallEvent) -> None:
        if not self._reached:  # the call's clock starts after the lookup: follow it from here on
            self._clock_zero = time.monotonic() - event.seconds
        self._reached.append(event.stage)
        self.stages.add(event.stage, event.label, event.detail, words.clock(event.seconds),
                        words.stage_tone(event.stage, event.detail))
        self._show_awaited()
        self._fit_later()

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self._set_running(False)
        self.show_result(result)

    @Slot()
    def _on_cancelled(self) -> None:
        self._set_running(False)
        result = self._runner.result if self._runner is not None else None
        if result is None:  # stopped while the registration was being looked up: nothing was made
            self._show_verdict("Stopped before the call was placed", "hint", "Nothing was created.", (), None)
            return
        self.show_result(result)
        if self._closed_while_busy and self.view.room_tone == "error":
            self.show()  # closed mid-call and a room was left behind: say so, and how to remove it

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        from phonewizard.app import errors

        self._set_running(False)
        if isinstance(exc, errors.InvalidInput):
            message = "\n".join(p.removeprefix("number: ") for p in exc.problems)
        elif isinstance(exc, errors.LiveKitError):
            message = str(exc)
        else:  # a bug: say what kind, never a traceback (the log has where)
            logger.error("the test call failed unexpectedly: %s", type(exc).__name__, exc_info=exc)
            message = f"The test stopped unexpectedly ({type(exc).__name__}); try again."
        self.input_problem.show_error(message)
        self.run_failed.emit(message)

    # ---- the verdict ---------------------------------------------------------------------------
    def show_result(self, result: Any) -> None:
        """Show a CallResult (call mode) or an InboundResult (inbound mode): the stages, then the
        verdict."""
        self.result = result
        inbound = self.mode == "inbound"
        self.stages.clear()
        for key, title, detail, when, tone in (words.inbound_rows(result) if inbound else words.call_rows(result)):
            self.stages.add(key, title, detail, when, tone)
        headline, tone = words.inbound_headline(result) if inbound else words.call_headline(result)
        room = words.inbound_rooms_line(result) if inbound else words.call_room_line(result)
        self._show_verdict(headline, tone, result.explanation, result.what_to_change, room)
        self.call_finished.emit(result)

    def _show_verdict(self, headline: str, tone: str, explanation: str, fixes: tuple[str, ...],
                      room: tuple[str, str] | None) -> None:
        self.view.show_verdict(headline, tone, explanation, fixes, room)
        self._fit_later()

    # ---- closing -------------------------------------------------------------------------------
    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        """Closing mid-call hangs up; the room is removed on the worker (module docstring)."""
        if self._job is not None:
            self._closed_while_busy = True
            self.hang_up()
        else:
            self._closed_while_busy = False
        super().done(result)


# A name starting with "Test" is what pytest collects; this is not a test.
TestCallDialog.__test__ = False  # type: ignore[attr-defined]
