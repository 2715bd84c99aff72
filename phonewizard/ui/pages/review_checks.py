"""The review page's box of the call-routing doctor's checks for the registration about to be sent.

`check(plan, project_url, worker, connect)` shows at once the checks that need no project
(`app.doctor.offline_checks`: the registration's own objects, test calls routed over them alone),
then runs `app.doctor.check_registration` on the worker (the project's current trunks and rules
are read from LiveKit, never on the GUI thread) and replaces them with its findings. They are
warnings: nothing here ever blocks Register, and a project that cannot be read is a sentence, not
a stop. A `check` of another plan (the settings changed), `forget` or `cancel` drops a run still
in flight; the same plan is not read twice unless the user presses "Check again".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from phonewizard.ui.doctor_report import findings_html, printable

if TYPE_CHECKING:
    from phonewizard.app.doctor import RegistrationChecks
    from phonewizard.domain.plan import RegistrationPlan
    from phonewizard.services.livekit_client import Connection
    from phonewizard.ui.async_worker import AsyncWorker, Job

CHECKING = "Checking against your project's current trunks and rules…"


def status_text(checks: RegistrationChecks) -> str:
    """One line: what was checked, and what was found (never a stop)."""
    warnings, notes = len(checks.warnings), len(checks.notes)
    found = ", ".join(part for part in (f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else "",
                                        f"{notes} note{'s' if notes != 1 else ''}" if notes else "") if part)
    if checks.against_project:
        trunks, rules = checks.project_size
        where = f"Checked against your project's {trunks} inbound trunk{'s' if trunks != 1 else ''} and " \
                f"{rules} dispatch rule{'s' if rules != 1 else ''}"
    else:
        where = "Checked this registration's own objects"
    if not found:
        return f"{where}: nothing found that would keep a call from reaching the agent."
    return f"{where}: {found}. They do not stop Register."


class RegistrationChecksBox(QGroupBox):
    """Shows the latest `RegistrationChecks` (`checks`); `checked` carries each one shown."""

    checked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Before you register: the call-routing doctor", parent)
        self.setObjectName("registration-checks")
        layout = QVBoxLayout(self)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_label)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        self.findings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.findings_label.setAccessibleName("The doctor's findings")
        layout.addWidget(self.findings_label)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        self.again_button = QPushButton("C&heck again")
        self.again_button.setToolTip("Read the project again (after you changed something in LiveKit)")
        self.again_button.hide()
        line = QHBoxLayout()
        line.addWidget(self.again_button)
        line.addStretch(1)
        layout.addLayout(line)
        self.again_button.clicked.connect(self.check_again)
        self.checks: RegistrationChecks | None = None
        self._job: Job | None = None
        self._key: tuple[str, str] | None = None
        self._last: tuple | None = None  # the arguments of the last check, for "Check again"

    @property
    def busy(self) -> bool:
        return self._job is not None

    def check(self, plan: RegistrationPlan, project_url: str, worker: AsyncWorker,
              connect: Callable[[], Connection], *, again: bool = False) -> None:
        """Show the offline checks now, then the project's (see the module docstring). The same
        plan for the same project is not checked twice (the page rebuilds its plan each time it
        is entered) unless `again` ("Check again": the project may have changed)."""
        import json

        from phonewizard.app.doctor import check_registration, offline_checks
        from phonewizard.app.errors import InvalidInput, LiveKitError

        key = (json.dumps(plan.to_json(), sort_keys=True), project_url)
        if key == self._key and not again and (self.busy or self.checks is not None):
            return
        self.cancel()
        self._key, self._last = key, (plan, project_url, worker, connect)
        self._show(offline_checks(plan, project_url))
        try:
            connection = connect()
        except (InvalidInput, LiveKitError) as exc:
            self._note(f"Not checked against your project: {exc}")
            return
        self.status_label.setText(CHECKING)
        self.again_button.hide()
        self._job = job = worker.submit(lambda: check_registration(connection, plan))
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)

    @Slot()
    def check_again(self) -> None:
        if self._last is not None and not self.busy:
            plan, url, worker, connect = self._last
            self.check(plan, url, worker, connect, again=True)

    def forget(self) -> None:
        """The settings no longer make a plan: drop the run and what was shown."""
        self.cancel()
        self._key = self._last = self.checks = None

    def cancel(self) -> None:
        if self._job is not None:
            job, self._job = self._job, None
            for signal in (job.finished, job.failed, job.cancelled):
                signal.disconnect()  # a stale answer must not replace a newer one
            job.cancel()

    def _show(self, checks: RegistrationChecks) -> None:
        self.checks = checks
        self.status_label.setText(status_text(checks))
        self.findings_label.setText(findings_html(checks.findings))
        self.findings_label.setVisible(bool(checks.findings))
        if checks.problem:
            self._note(checks.problem[0].upper() + checks.problem[1:] + ".")
        else:
            self.problem_label.hide()
        self.checked.emit(checks)

    def _note(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()

    @Slot(object)
    def _on_finished(self, checks: RegistrationChecks) -> None:
        self._job = None
        self.again_button.show()
        self._show(checks)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        # check_registration turns LiveKit failures into a result; anything else is a bug, and
        # the checks never stop a registration: keep the offline ones and say so.
        self._job = None
        self.again_button.show()
        self._note(f"The checks against your project stopped unexpectedly ({printable(type(exc).__name__)}).")
        if self.checks is not None:
            self.status_label.setText(status_text(self.checks))

    @Slot()
    def _on_cancelled(self) -> None:
        self._job = None
        self.again_button.show()
