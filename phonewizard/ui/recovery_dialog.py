"""Runs that did not finish (a crash, `kill -9`, a power cut), offered when the wizard starts.

A registration or unregister killed half-way leaves objects in LiveKit and a journal on disk
(app/recovery.py). When the wizard starts with a LiveKit project, `offer(wizard)` looks for such
runs of that project and, if there are any, opens this dialog (window-modal, never blocking the
event loop): each run in plain words — what it did, what it did not — and Undo / Finish / Later.
Undo and Finish run on the AsyncWorker with visible progress; the list refreshes afterwards.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phonewizard.ui.widgets.tones import set_tone

if TYPE_CHECKING:
    from phonewizard.app.recovery import UnfinishedRun
    from phonewizard.ui.async_worker import Job
    from phonewizard.ui.wizard import PhoneWizard

logger = logging.getLogger(__name__)


def offer(wizard: PhoneWizard) -> RecoveryDialog | None:
    """Open the dialog when the draft's project has unfinished runs; None when it has none (or no
    project is named, or the sandbox is on: its address changes every start)."""
    from phonewizard.app.recovery import unfinished_runs

    livekit = wizard.draft.get("livekit")
    url = str(livekit.get("url") or "") if isinstance(livekit, dict) else ""
    if not url or wizard.sandbox_active:
        return None
    runs = unfinished_runs(url)
    if not runs:
        return None
    dialog = RecoveryDialog(wizard, runs)
    dialog.open()
    return dialog


class RecoveryDialog(QDialog):
    """The unfinished runs of one project, and what to do about each."""

    def __init__(self, wizard: PhoneWizard, runs: list[UnfinishedRun], parent: QWidget | None = None) -> None:
        super().__init__(parent or wizard)
        self._wizard = wizard
        self._runs = list(runs)
        self._job: Job | None = None
        self._resolving: tuple[UnfinishedRun, str] | None = None  # the run being undone or finished
        self.setWindowTitle("A registration did not finish")
        self.setWindowModality(Qt.WindowModality.WindowModal)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "phonewizard stopped in the middle of changing this LiveKit project (it was killed, or the "
            "computer stopped). What it changed is still there. Undo it, or finish it, now or later "
            "(`phonewizard recover` does the same from the command line)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.run_list = QListWidget()
        self.run_list.setAccessibleName("Unfinished runs")
        layout.addWidget(self.run_list)
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        buttons = QHBoxLayout()
        self.undo_button = QPushButton("&Undo what it did")
        self.undo_button.setToolTip("Remove what the run created and put back what it changed")
        self.finish_button = QPushButton("&Finish it")
        self.finish_button.setToolTip("Run it again to the end with the settings it recorded")
        self.later_button = QPushButton("&Later")
        self.later_button.setToolTip("Keep it for now: the next start, or `phonewizard recover`, asks again")
        for button in (self.undo_button, self.finish_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        layout.addLayout(buttons)

        self.run_list.currentRowChanged.connect(self._show_run)
        self.undo_button.clicked.connect(lambda: self._resolve("undo"))
        self.finish_button.clicked.connect(lambda: self._resolve("finish"))
        self.later_button.clicked.connect(self.reject)
        self._fill()
        self.resize(640, 420)

    # ---- showing ----------------------------------------------------------------------------
    def _fill(self) -> None:
        self.run_list.clear()
        for run in self._runs:
            QListWidgetItem(run.summary()[0].upper() + run.summary()[1:], self.run_list)
        if self._runs:
            self.run_list.setCurrentRow(0)
        else:
            self.details_label.setText("")
            self._set_buttons(False)

    @Slot(int)
    def _show_run(self, row: int) -> None:
        if not 0 <= row < len(self._runs):
            return
        run = self._runs[row]
        self.details_label.setText("\n".join(f"• {line}" for line in run.details()))
        self._set_buttons(True)

    def _set_buttons(self, enabled: bool) -> None:
        run = self._current()
        self.undo_button.setEnabled(enabled and run is not None and run.can_undo)
        self.finish_button.setEnabled(enabled and run is not None)

    def _current(self) -> UnfinishedRun | None:
        row = self.run_list.currentRow()
        return self._runs[row] if 0 <= row < len(self._runs) else None

    def _say(self, text: str, error: bool = False) -> None:
        set_tone(self.status_label, "error" if error else None)
        self.status_label.setText(text)

    # ---- resolving --------------------------------------------------------------------------
    def _resolve(self, how: str) -> None:
        from phonewizard.app import recovery
        from phonewizard.app.errors import InvalidInput, LiveKitError
        from phonewizard.app.project import ApiSecret

        run, wizard = self._current(), self._wizard
        if run is None or self._job is not None:
            return
        try:
            connection = wizard.connection()
        except (InvalidInput, LiveKitError) as exc:
            self._say(f"Connect to the project first (page 1): {exc}", error=True)
            return
        store, profile = wizard.secrets, wizard.profile.path
        if how == "undo":
            self._say("Undoing…")

            def work():  # noqa: ANN202 - a coroutine factory for the worker
                return recovery.undo_run(run, connection, store)
        else:
            self._say("Finishing…")
            secret = ApiSecret(connection.api_secret, "typed")

            def work():  # noqa: ANN202
                return recovery.finish_run(run, connection, secret, store, profile)

        self._set_buttons(False)
        self.later_button.setEnabled(False)
        self._resolving = (run, how)
        job = self._job = wizard.worker.submit(work)
        # Bound slots, not lambdas: Qt drops them if the dialog is gone before the answer comes.
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._stopped)

    @Slot(object)
    def _done(self, outcome: object) -> None:
        run, how = self._resolving
        self._end_job()
        remaining = getattr(outcome, "remaining", None)
        if how == "undo" and remaining:
            self._say(f"Undone, except: {', '.join(remaining)}. They stay listed here.", error=True)
        else:
            self._say(f"{'Undone' if how == 'undo' else 'Finished'}: {run.phone_number} is settled.")
        self._refresh()

    @Slot()
    def _stopped(self) -> None:
        self._failed(None)

    @Slot(object)
    def _failed(self, exc: BaseException | None) -> None:
        from phonewizard.app import errors

        self._end_job()
        if exc is None:
            text = "Stopped before it was done."
        elif isinstance(exc, (errors.LiveKitError, errors.InvalidInput, errors.RunInProgress)):
            text = str(exc)  # complete sentences, never a secret
        else:  # a bug: say what kind, never the message (it could quote a request)
            logger.error("recovering a run failed unexpectedly: %s", type(exc).__name__)
            text = f"It stopped unexpectedly ({type(exc).__name__}); `phonewizard recover` can try again."
        self._say(text, error=True)
        self._set_buttons(True)

    def _end_job(self) -> None:
        self._job = None
        self.later_button.setEnabled(True)

    def _refresh(self) -> None:
        from phonewizard.app.recovery import unfinished_runs

        url = self._runs[0].record.url if self._runs else ""
        self._runs = unfinished_runs(url) if url else []
        self._fill()
        if not self._runs:
            self.later_button.setText("&Close")
