"""Page 8: review every setting and the exact LiveKit objects, then Register (the commit page).

Register runs `app.register` (the same use case as `phonewizard register`) in one job on the
AsyncWorker through a RegistrationRunner; the page only shows the run: the checklist follows its
steps, Cancel cancels the job (the registrar rolls back) and the window stays responsive. The
secrets typed in the wizard go to the keyring only after LiveKit accepted the registration
(app/secrets.py; a missing keyring is a notice on the result page, not a stop).
Above the run, the call-routing doctor's checks for the registration (review_checks.py): shown
at once for the registration's own objects, then against the project's current trunks and rules,
read on the worker; warnings only, they never block Register.
`validatePage` lets the wizard move on only once a RegistrationResult exists; a failure keeps the
user here with the plain message. A conflict offers "go back and change the number" or, when
the objects in the way are phonewizard's own, "update the existing registration" (take-over).
With "Set up Twilio / Telnyx for me" the plan and checklist include the carrier's steps, Register
passes the carrier set-up with the rest (all or nothing), and a carrier refusal that a setting can
fix offers to go back to that setting with the message under it (carrier_review.py).
"""

from __future__ import annotations

import html
import logging
import traceback
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
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
from phonewizard.ui.pages.carrier_review import carrier_base_urls, fix_button_text, plan_title, show_at_field
from phonewizard.ui.pages.export_action import export_report, export_status_label
from phonewizard.ui.pages.registration_progress import RegistrationChecklist
from phonewizard.ui.pages.review_checks import RegistrationChecksBox
from phonewizard.ui.pages.review_summary import groups_html, plan_json_text, settings_groups
from phonewizard.ui.registration_runner import RegistrationRunner
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.widgets.problem_label import hint_label
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.control_words import reword, where_to_fix

if TYPE_CHECKING:
    # domain/plan imports livekit-protocol and protobuf; the page builds a plan only when it is
    # shown or Register is pressed, so the wizard starts without them (benchmarks/RESULTS.md).
    from PySide6.QtGui import QShowEvent

    from phonewizard.app.register import Registered
    from phonewizard.domain.plan import RegistrationPlan
    from phonewizard.domain.report import Report
    from phonewizard.domain.result import RegistrationResult
    from phonewizard.ui.wizard import PhoneWizard

logger = logging.getLogger(__name__)

NOTHING_LEFT = "Cancelled — nothing was left on LiveKit."


class ReviewPage(DraftPage):
    """Summary, plan, export, and the Register run with progress, cancel and conflict choices."""

    page_id = PageId.REVIEW
    owned_fields = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Review and register")
        self.setSubTitle("Check the settings and what will be created in LiveKit, then press Register.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Register")
        self._runner: RegistrationRunner | None = None
        self._plan: RegistrationPlan | None = None
        self.registered: Registered | None = None  # the whole outcome; the result page shows it
        self.result: RegistrationResult | None = None
        self.last_error: BaseException | None = None
        self._locked_buttons: list[QPushButton] = []  # Open/Save, disabled while registering

        settings_box = QGroupBox("Your settings")
        self.settings_label = QLabel()
        self.settings_label.setTextFormat(Qt.TextFormat.RichText)
        self.settings_label.setWordWrap(True)
        self.settings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(settings_box).addWidget(self.settings_label)
        self.body.addWidget(settings_box)

        plan_box = self.plan_box = QGroupBox(plan_title(None, False))
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

        # The doctor's findings for this registration: warnings only, they never block Register.
        self.checks_box = RegistrationChecksBox()
        self.checks_box.hide()  # shown with the first plan
        self.body.addWidget(self.checks_box)

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
        self.fix_button = QPushButton()  # a carrier refusal a setting can fix: go to that setting
        self._fix: tuple[str, str] | None = None
        for button in (self.cancel_button, self.back_to_number_button, self.take_over_button, self.fix_button):
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
        self.fix_button.clicked.connect(self._on_fix_clicked)

    # ---- report / plan ----------------------------------------------------------------------
    def report_applied(self, report: Report) -> None:
        self._plan = None
        if not (report.ok and report.config is not None):
            self.checks_box.forget()  # no plan to check until the settings are valid again
        if report.ok and report.config is not None:
            sandbox = bool(getattr(self.wizard(), "sandbox_active", False))
            self.settings_label.setText(groups_html(settings_groups(report.config, sandbox=sandbox)))
            if self.isVisible():
                self._current_plan()
            # else: made when the page is shown (showEvent) or Register is pressed
        else:
            first = report.errors[0] if report.errors else None
            self.settings_label.setText(
                html.escape(f"Fix this first: {where_to_fix(first.field)}: {reword(first.message)}") if first else ""
            )
            self.describe_label.setText("")
            self.plan_view.setPlainText("")

    def _current_plan(self) -> RegistrationPlan | None:
        """The plan for the last report, made (and shown) on first need."""
        report = self._report
        if self._plan is None and report is not None and report.ok and report.config is not None:
            from phonewizard.domain.plan import plan

            self._plan = plan(report.config)
            self.plan_box.setTitle(plan_title(self._plan, bool(getattr(self.wizard(), "sandbox_active", False))))
            self.describe_label.setText("".join(f"• {html.escape(line)}<br>" for line in self._plan.describe()))
            self.plan_view.setPlainText(plan_json_text(self._plan))
            self._check_plan(report)
        return self._plan

    def _check_plan(self, report: Report) -> None:
        """The doctor's checks for the new plan: offline at once, the project's on the worker."""
        wizard = self.wizard()
        if wizard is None or self._plan is None or report.config is None:
            return
        self.checks_box.show()
        self.checks_box.check(self._plan, report.config.livekit.url, wizard.worker, wizard.connection)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
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
    def start_registration(self, *, take_over: bool = False, adopt: frozenset[str] | None = None) -> bool:
        wizard = self.wizard()
        report = self._report
        if wizard is None or report is None or not report.ok or self._current_plan() is None or self.busy:
            return False
        self.result = self.last_error = None
        self.run_box.show()
        self.back_to_number_button.hide()
        self.take_over_button.hide()
        self.fix_button.hide()
        self.status_label.setText("")
        from dataclasses import replace

        from phonewizard.app.errors import InvalidInput
        from phonewizard.app.register import steps_for, typed_request

        gate = getattr(wizard, "adoption", None)  # PhoneWizard's; test harnesses may lack it
        if adopt is None and gate is not None and gate.applies_to(report.config):
            # Adopt (registrations page): first list what taking the objects over changes, and ask.
            return self._confirm_adoption(report.config, take_over)
        try:
            # The sandbox's throwaway key and test passwords do not belong in a keyring.
            # A secret read from the LiveKit CLI's projects stays there unless page 1 was told otherwise.
            source = wizard.api_secret_source() if hasattr(wizard, "api_secret_source") else "typed"
            request = typed_request(report.config, take_over=take_over, save_secrets=not wizard.sandbox_active,
                                    carrier_base_urls=carrier_base_urls(wizard, report.config),
                                    api_secret_source=source)
        except InvalidInput as exc:
            self._show_failure(str(exc))
            return False
        if adopt:
            request = replace(request, adopt=adopt)
        runner = self._ensure_runner(wizard)
        self.checklist.set_steps(steps_for(self._plan))
        self.status_label.setText("Updating the existing registration…" if take_over else "Registering…")
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.set_busy(True)
        self._scroll_to_run()
        runner.start(request)
        self._lock_navigation(True)
        return True

    def _confirm_adoption(self, config: object, take_over: bool) -> bool:
        """Read the project, list every object Register will take over and ask (ui/adoption_gate.py);
        the registration starts only when the user confirms."""
        from phonewizard.app.errors import InvalidInput, LiveKitError

        wizard = self.wizard()
        self.status_label.setStyleSheet("")
        self.status_label.setText("Reading LiveKit to list what taking over the existing objects changes…")
        self.set_busy(True)
        self._lock_navigation(True)

        def confirmed(ids: frozenset[str]) -> None:
            self._lock_navigation(False)
            self.set_busy(False)
            self.start_registration(take_over=take_over, adopt=ids)

        def declined() -> None:
            self._lock_navigation(False)
            self.set_busy(False)
            self.status_label.setText("Not registered: nothing was changed in LiveKit.")

        def failed(exc: BaseException) -> None:
            self.set_busy(False)
            self._on_failed(exc)  # unlocks the navigation

        try:
            wizard.adoption.confirm(self, config, take_over=take_over, confirmed=confirmed,  # type: ignore[arg-type]
                                    declined=declined, failed=failed)
        except (InvalidInput, LiveKitError) as exc:
            failed(exc)
            return False
        return True

    @Slot()
    def cancel_registration(self) -> None:
        if self._runner is not None and self._runner.busy:
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling — removing what was already created…")
            self._runner.cancel()

    def _ensure_runner(self, wizard: PhoneWizard) -> RegistrationRunner:
        if self._runner is None:
            self._runner = RegistrationRunner(wizard.worker, wizard.secrets, parent=self)
            self._runner.step_changed.connect(self.checklist.set_state)
            self._runner.succeeded.connect(self._on_succeeded)
            self._runner.failed.connect(self._on_failed)
            self._runner.cancelled.connect(self._on_cancelled)
        return self._runner

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
    def _on_succeeded(self, registered: Registered) -> None:
        self.registered = registered
        self.result = registered.result
        gate = getattr(self.wizard(), "adoption", None)
        if gate is not None:
            gate.clear()  # taken over: the objects are phonewizard's now
        self._end_run()
        self.status_label.setText("Registered.")
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        from phonewizard.app.errors import PartialRollback, RegistrationConflict

        self.last_error = exc
        cancelling = self._runner is not None and self._runner.cancel_requested
        self._end_run()
        self.checklist.finish_pending("skipped")
        if cancelling and isinstance(exc, PartialRollback) and exc.remaining:
            self._show_failure(
                f"Cancelled, but undoing did not finish. Still on LiveKit: {', '.join(exc.remaining)}. "
                f"`phonewizard unregister {exc.phone_number}` removes them (registering again reuses them)."
            )
        elif isinstance(exc, RegistrationConflict):
            self.back_to_number_button.show()
            # Only phonewizard's own registration for another agent can be updated; foreign objects never.
            self.take_over_button.setVisible(exc.can_take_over)
            way = ("Press “Update the existing phonewizard registration” to move it to this agent, or go "
                   "back and change the number." if exc.can_take_over else
                   "To take objects made outside phonewizard over, go back to the registrations and choose "
                   "Adopt…; otherwise remove or change them in LiveKit (Telephony → SIP trunks / Dispatch "
                   "rules), or go back and change the number.")
            self._show_failure(f"{exc} {way}")
        else:
            self._show_failure(_plain_message(exc))
            self._offer_fix(exc)

    def _offer_fix(self, exc: BaseException) -> None:
        from phonewizard.app.carrier_typed import field_for_failure

        path = field_for_failure(exc)
        if path is not None:
            self._fix = (path, str(exc))
            self.fix_button.setText(fix_button_text(path))
            self.fix_button.show()

    @Slot()
    def _on_fix_clicked(self) -> None:
        wizard = self.wizard()
        if wizard is not None and self._fix is not None:
            show_at_field(wizard, *self._fix)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end_run()
        self.checklist.finish_pending("skipped")
        set_tone(self.status_label, None)
        carrier = self._plan.carrier if self._plan is not None else None
        self.status_label.setText(NOTHING_LEFT if carrier is None else
                                  f"Cancelled — nothing was left on LiveKit or at {carrier.label}.")

    def _show_failure(self, message: str) -> None:
        set_tone(self.status_label, "error")
        self.status_label.setText(message)
        self._scroll_to_run()

    def _scroll_to_run(self) -> None:
        """The run's box is below the settings and the plan: bring it (and its message) into view
        once the layout has placed it."""
        QTimer.singleShot(0, self, lambda: self.scroll_area.ensureWidgetVisible(self.run_box, 0, 0))

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


def _plain_message(exc: BaseException) -> str:
    from phonewizard.app import errors

    if isinstance(exc, (errors.LiveKitError, errors.InvalidInput, errors.CarrierError, errors.RunInProgress)):
        return str(exc)
    # Not a LiveKit answer: a bug or an unexpected failure. Say what kind, never a traceback. The
    # log gets where it happened (code lines only): the message itself could quote a request.
    where = "".join(traceback.format_tb(getattr(exc, "__traceback__", None)))
    logger.error("registration failed unexpectedly: %s\n%s", type(exc).__name__, where)
    return (f"The registration stopped unexpectedly ({type(exc).__name__}). phonewizard undid what "
            "it had created; try again, and report this if it repeats.")
