"""Page 8: review every setting and the exact LiveKit objects, then Register (the commit page).

Register saves the secrets to the keyring (a missing keyring is a notice, not a stop), then runs
the registrar, both in one job on the AsyncWorker through a RegistrationRunner (a locked keyring
can block for seconds, so it is never touched on the GUI thread): the checklist follows its steps,
Cancel cancels the job (the registrar rolls back) and the window stays responsive throughout.
`validatePage` lets the wizard move on only once a RegistrationResult exists; a failure keeps the
user here with the plain message. A conflict offers "go back and change the number" or, when
the objects in the way are phonewizard's own, "update the existing registration" (take-over).
"""

from __future__ import annotations

import html
import logging
import traceback
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.base import DraftPage
from phonewizard.ui.pages.export_action import export_report, export_status_label
from phonewizard.ui.pages.registration_progress import RegistrationChecklist
from phonewizard.ui.pages.review_summary import groups_html, plan_json_text, settings_groups
from phonewizard.ui.registration_runner import RegistrationRunner, steps_for
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label
from phonewizard.ui.widgets.tones import set_tone

if TYPE_CHECKING:
    # domain/plan imports livekit-protocol and protobuf; the page builds a plan only when it is
    # shown or Register is pressed, so the wizard starts without them (benchmarks/RESULTS.md).
    from phonewizard.domain.plan import RegistrationPlan

logger = logging.getLogger(__name__)

NOTHING_LEFT = "Cancelled — nothing was left on LiveKit."


class ReviewPage(DraftPage):
    """Summary, plan, export, and the Register run with progress, cancel and conflict choices.

    Signals:
        registered(object): the RegistrationResult, just before the wizard moves to the result page.
    """

    page_id = PageId.REVIEW
    owned_fields = ()
    registered = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, apply: Any = None) -> None:
        super().__init__(parent)
        self.setTitle("Review and register")
        self.setSubTitle("Check the settings and what will be created in LiveKit, then press Register.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Register")
        self._apply = apply  # registrar override for tests; None = services.registrar
        self._runner: RegistrationRunner | None = None
        self._plan: RegistrationPlan | None = None
        self.result: Any = None
        self.last_error: Any = None
        self._locked_buttons: list[QPushButton] = []  # Open/Save, disabled while registering

        settings_box = QGroupBox("Your settings")
        self.settings_label = QLabel()
        self.settings_label.setTextFormat(Qt.TextFormat.RichText)
        self.settings_label.setWordWrap(True)
        self.settings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(settings_box).addWidget(self.settings_label)
        self.body.addWidget(settings_box)

        plan_box = QGroupBox("What will be created in LiveKit")
        plan_layout = QVBoxLayout(plan_box)
        self.describe_label = QLabel()
        self.describe_label.setWordWrap(True)
        self.describe_label.setTextFormat(Qt.TextFormat.RichText)
        plan_layout.addWidget(self.describe_label)
        plan_layout.addWidget(hint_label("The exact requests (passwords masked):"))
        self.plan_view = QPlainTextEdit()
        self.plan_view.setReadOnly(True)
        self.plan_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.plan_view.setFont(monospace_font())
        self.plan_view.setMinimumHeight(180)
        self.plan_view.setAccessibleName("LiveKit requests as JSON")
        plan_layout.addWidget(self.plan_view)
        self.body.addWidget(plan_box)

        export_line = QHBoxLayout()
        self.export_button = QPushButton("E&xport configuration…")
        self.export_button.setToolTip("Save these settings to a file (without secrets) for the CLI or later")
        export_line.addWidget(self.export_button)
        export_line.addStretch(1)
        self.body.addLayout(export_line)
        self.export_status = export_status_label()
        self.body.addWidget(self.export_status)

        self.run_box = QGroupBox("Registration")
        run_layout = QVBoxLayout(self.run_box)
        self.secrets_notice = ProblemLabel()
        run_layout.addWidget(self.secrets_notice)
        self.checklist = RegistrationChecklist()
        run_layout.addWidget(self.checklist)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        run_layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("&Cancel registration")
        self.cancel_button.setToolTip("Stop now; whatever was already created is removed again")
        self.back_to_number_button = QPushButton("Go back and change the &number")
        self.take_over_button = QPushButton("&Update the existing phonewizard registration")
        for button in (self.cancel_button, self.back_to_number_button, self.take_over_button):
            buttons.addWidget(button)
            button.hide()
        buttons.addStretch(1)
        run_layout.addLayout(buttons)
        self.run_box.hide()
        self.body.addWidget(self.run_box)
        self.body.addStretch(1)

        self.export_button.clicked.connect(self._on_export_clicked)
        self.cancel_button.clicked.connect(self.cancel_registration)
        self.back_to_number_button.clicked.connect(self._on_back_to_number_clicked)
        self.take_over_button.clicked.connect(lambda: self.start_registration(take_over=True))

    # ---- report / plan ----------------------------------------------------------------------
    def report_applied(self, report: Any) -> None:
        self._plan = None
        if report.ok and report.config is not None:
            sandbox = bool(getattr(self.wizard(), "sandbox_active", False))
            self.settings_label.setText(groups_html(settings_groups(report.config, sandbox=sandbox)))
            if self.isVisible():
                self._current_plan()
            # else: made when the page is shown (showEvent) or Register is pressed
        else:
            first = report.errors[0] if report.errors else None
            self.settings_label.setText(
                html.escape(f"Fix this first: {first.field}: {first.message}") if first else ""
            )
            self.describe_label.setText("")
            self.plan_view.setPlainText("")

    def _current_plan(self) -> RegistrationPlan | None:
        """The plan for the last report, made (and shown) on first need."""
        report = self._report
        if self._plan is None and report is not None and report.ok and report.config is not None:
            from phonewizard.domain.plan import plan

            self._plan = plan(report.config)
            self.describe_label.setText("".join(f"• {html.escape(line)}<br>" for line in self._plan.describe()))
            self.plan_view.setPlainText(plan_json_text(self._plan))
        return self._plan

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._current_plan()
        super().showEvent(event)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        report = self._report
        return report is not None and report.ok and not self.busy

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """Register pressed: start the run and stay; the wizard moves on once it succeeded."""
        if self.result is not None:
            return True
        if not self.busy:
            self.start_registration()
        return False

    # ---- registration -----------------------------------------------------------------------
    def start_registration(self, *, take_over: bool = False) -> bool:
        wizard = self.wizard()
        report = self._report
        if wizard is None or report is None or not report.ok or self._current_plan() is None or self.busy:
            return False
        self.result = self.last_error = None
        self.run_box.show()
        self.back_to_number_button.hide()
        self.take_over_button.hide()
        self.status_label.setText("")
        self.secrets_notice.clear_problem()
        from phonewizard.services.livekit_client import LiveKitError

        try:
            connection = wizard.connection()
        except LiveKitError as exc:
            self._show_failure(str(exc))
            return False
        runner = self._ensure_runner(wizard.worker)
        self.checklist.set_steps(steps_for(self._plan))
        self.status_label.setText("Updating the existing registration…" if take_over else "Registering…")
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.set_busy(True)
        runner.start(connection, self._plan, take_over=take_over, prepare=self._secrets_saver(wizard))
        self._lock_navigation(True)
        return True

    @Slot()
    def cancel_registration(self) -> None:
        if self._runner is not None and self._runner.busy:
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling — removing what was already created…")
            self._runner.cancel()

    def _ensure_runner(self, worker: Any) -> RegistrationRunner:
        if self._runner is None:
            self._runner = RegistrationRunner(worker, self._apply, self)
            self._runner.step_changed.connect(self.checklist.set_state)
            self._runner.succeeded.connect(self._on_succeeded)
            self._runner.failed.connect(self._on_failed)
            self._runner.cancelled.connect(self._on_cancelled)
            self._runner.prepared.connect(self._on_secrets_saved)
        return self._runner

    @staticmethod
    def _secrets_saver(wizard: Any) -> Any:
        """The registration job's first step: keyring first; without one the registration still
        proceeds, and the user is told. It runs on the worker: a locked keyring may block."""
        if getattr(wizard, "sandbox_active", False):
            return None  # the sandbox's throwaway key and test passwords do not belong in a keyring
        import copy

        from phonewizard.ui import draft_io

        # A copy taken now: the job must save what is being registered, not later edits.
        draft, secrets = copy.deepcopy(wizard.draft), wizard.secrets

        async def save() -> str | None:
            import asyncio

            from phonewizard.services.secret_store import SecretStoreUnavailable

            try:
                # A thread of its own, so the loop stays free for a Cancel meanwhile.
                await asyncio.to_thread(draft_io.remember_secrets, draft, secrets)
            except SecretStoreUnavailable as exc:
                return str(exc)
            return None

        return save

    @Slot(object)
    def _on_secrets_saved(self, problem: Any) -> None:
        if problem:
            self.secrets_notice.show_warning(f"Secrets were not saved: {problem}")

    def _lock_navigation(self, locked: bool) -> None:
        """While registering: no Back, and no Open/Save of another draft under the running plan.
        QWizard itself re-enables Back on the completeChanged that ends the run."""
        wizard = self.wizard()
        if wizard is None:
            return
        extra = (QWizard.WizardButton.CustomButton1, QWizard.WizardButton.CustomButton2)
        if locked:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)
            self._locked_buttons = [b for b in (wizard.button(w) for w in extra) if b.isEnabled()]
            for button in self._locked_buttons:
                button.setEnabled(False)
        else:
            for button in self._locked_buttons:
                button.setEnabled(True)
            self._locked_buttons = []

    def _end_run(self) -> None:
        self.cancel_button.hide()
        self._lock_navigation(False)
        self.set_busy(False)

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._end_run()
        self.status_label.setText("Registered.")
        self.registered.emit(result)
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    @Slot(object)
    def _on_failed(self, exc: Any) -> None:
        self.last_error = exc
        cancelling = self._runner is not None and self._runner.cancel_requested
        self._end_run()
        self.checklist.finish_pending("skipped")
        remaining = list(getattr(exc, "remaining", []) or [])
        if cancelling and remaining:
            phone = getattr(exc, "phone_number", "")
            self._show_failure(
                f"Cancelled, but undoing did not finish. Still on LiveKit: {', '.join(remaining)}. "
                f"`phonewizard unregister {phone}` removes them (registering again reuses them)."
            )
            return
        self._show_failure(_plain_message(exc))
        if getattr(exc, "conflicts", None) is not None:
            self.back_to_number_button.show()
            # Only phonewizard's own registration for another agent can be updated; foreign objects never.
            self.take_over_button.setVisible(bool(getattr(exc, "can_take_over", False)))

    @Slot()
    def _on_cancelled(self) -> None:
        self._end_run()
        self.checklist.finish_pending("skipped")
        set_tone(self.status_label, None)
        self.status_label.setText(NOTHING_LEFT)

    def _show_failure(self, message: str) -> None:
        set_tone(self.status_label, "error")
        self.status_label.setText(message)

    # ---- buttons ----------------------------------------------------------------------------
    @Slot()
    def _on_export_clicked(self) -> None:
        export_report(self, self.export_status, self._report)

    @Slot()
    def _on_back_to_number_clicked(self) -> None:
        wizard = self.wizard()
        if wizard is None:
            return
        # Not committed yet (validatePage returned False), so Back is allowed all the way.
        while wizard.currentId() > int(PageId.NUMBER) and wizard.currentId() != -1:
            before = wizard.currentId()
            wizard.back()
            if wizard.currentId() == before:
                break


def _plain_message(exc: Any) -> str:
    from phonewizard.services.livekit_client import LiveKitError

    if isinstance(exc, LiveKitError):
        return str(exc)
    # Not a LiveKit answer: a bug or an unexpected failure. Say what kind, never a traceback. The
    # log gets where it happened (code lines only): the message itself could quote a request.
    where = "".join(traceback.format_tb(getattr(exc, "__traceback__", None)))
    logger.error("registration failed unexpectedly: %s\n%s", type(exc).__name__, where)
    return (f"The registration stopped unexpectedly ({type(exc).__name__}). phonewizard undid what "
            "it had created; try again, and report this if it repeats.")
