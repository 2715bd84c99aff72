""""Diagnose a call…": where LiveKit would route a call to a number, or why it would not arrive.

A dialog any page can open (the result page does; the registrations page will), given the worker,
a way to get the project's Connection, the number and its carrier (`DiagnoseCallDialog`). The
user gives the called number as the carrier sends it (offered in the forms the carrier may send),
the caller, the carrier's source IP (offered from its published signalling ranges) and a PIN,
all optional but the first; Diagnose runs `app.doctor.diagnose_call` on the worker (one read of
the project, then the routing in memory) with its progress shown and a Cancel; the verdict comes
back as a headline in plain words, the call's path drawn hop by hop (`CallPathView`), and every
trunk and rule considered with why it was passed over and what to change. Nothing is changed in
LiveKit, so closing the dialog mid-run simply cancels the read.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Callable, Union

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from phonewizard.ui.doctor_report import headline, printable, verdict_html
from phonewizard.ui.widgets.call_path import CallPathView
from phonewizard.ui.widgets.problem_label import ProblemLabel

if TYPE_CHECKING:
    from phonewizard.domain.routing import InboundCall, Verdict
    from phonewizard.services.livekit_client import Connection
    from phonewizard.ui.async_worker import AsyncWorker, Job

logger = logging.getLogger(__name__)

ConnectionSource = Union["Connection", Callable[[], "Connection"]]
FIELD_LABELS = {"to": "Called number", "from": "Caller", "source_ip": "Source IP", "pin": "PIN"}
ANY_SOURCE = "any address (every allowed_addresses filter passes)"


def offered_sources(provider: str | None) -> list[tuple[str, str]]:
    """(address, where it comes from) for each of the carrier's published signalling ranges: a
    single address as is, a range by its first host address."""
    from phonewizard.domain.providers import provider_info

    if not provider:
        return []
    info = provider_info(provider)
    out = []
    for entry in info.signalling_ranges:
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        host = next(iter(net.hosts()), net.network_address) if net.num_addresses > 2 else net.network_address
        out.append((str(host), f"{info.label}, published range {entry}" if net.num_addresses > 1
                    else f"{info.label}, published address"))
    return out


def offered_numbers(number: str, provider: str | None) -> list[str]:
    """The called number in each form the carrier may send it: +E.164, and without + for
    carriers that may drop it (Vonage, Telnyx)."""
    from phonewizard.domain.providers import provider_info

    forms = [number] if number else []
    if number.startswith("+") and provider and provider_info(provider).may_send_without_plus:
        forms.append(number[1:])
    return forms


class DiagnoseCallDialog(QDialog):
    """Diagnose calls to `number` on the project `connection` gives (a Connection, or a callable
    returning one, called at each Diagnose so a profile edited meanwhile counts). `provider`: the
    carrier's id for the offered forms and source addresses (None: unknown)."""

    diagnosed = Signal(object)  # the Verdict shown
    run_failed = Signal(str)  # the message shown

    def __init__(self, worker: AsyncWorker, connection: ConnectionSource, *, number: str = "",
                 provider: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker, self._connection = worker, connection
        self._job: Job | None = None
        self.verdict: Verdict | None = None
        self.setWindowTitle(f"Diagnose a call to {number}" if number else "Diagnose a call")
        self.setObjectName("diagnose-call-dialog")
        layout = QVBoxLayout(self)
        intro = QLabel("Where would LiveKit send a call to this number, and if it would not arrive, why? "
                       "The doctor reads your project's trunks and rules (all of them) and routes the call "
                       "as LiveKit does. Nothing is changed and no call is made.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.to_box = QComboBox()
        self.to_box.setEditable(True)
        self.to_box.addItems(offered_numbers(number, provider))
        self.to_box.setToolTip("Exactly as the carrier sends it: LiveKit compares a dispatch rule's numbers "
                               "as exact strings, so 14155550123 and +14155550123 differ there.")
        form.addRow("Called &number (as the carrier sends it):", self.to_box)
        self.caller_edit = QLineEdit()
        self.caller_edit.setPlaceholderText("any caller (one passing every caller filter)")
        form.addRow("Calle&r's number:", self.caller_edit)
        self.source_box = QComboBox()
        self.source_box.setEditable(True)
        self.source_box.addItem("")
        for address, where in offered_sources(provider):
            self.source_box.addItem(address)
            self.source_box.setItemData(self.source_box.count() - 1, where, Qt.ItemDataRole.ToolTipRole)
        self.source_box.lineEdit().setPlaceholderText(ANY_SOURCE)
        self.source_box.setCurrentIndex(0)
        self.source_box.setToolTip("The address the carrier's INVITE comes from; the list holds the carrier's "
                                   "published signalling addresses.")
        form.addRow("Carrier's &source IP:", self.source_box)
        self.pin_edit = QLineEdit()
        self.pin_edit.setPlaceholderText("none typed")
        self.pin_edit.setMaxLength(16)
        form.addRow("&PIN the caller types:", self.pin_edit)
        layout.addLayout(form)
        self.input_problem = ProblemLabel()
        layout.addWidget(self.input_problem)

        run_line = QHBoxLayout()
        self.diagnose_button = QPushButton("&Diagnose")
        self.diagnose_button.setDefault(True)
        self.cancel_button = QPushButton("Cance&l")
        self.cancel_button.setToolTip("Stop reading the project (nothing is changed either way)")
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the read is one round trip of unknown length
        self.progress.setMaximumWidth(140)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        for widget in (self.diagnose_button, self.cancel_button, self.progress):
            run_line.addWidget(widget)
        run_line.addWidget(self.status_label, 1)
        layout.addLayout(run_line)

        self.headline_label = QLabel()
        self.headline_label.setTextFormat(Qt.TextFormat.PlainText)  # names come from LiveKit objects
        self.headline_label.setWordWrap(True)
        font = self.headline_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline_label.setFont(font)
        self.headline_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.headline_label)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)
        self.path_view = CallPathView()
        layout.addWidget(self.path_view)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.details.setAccessibleName("Trunks and rules considered")
        self.details.setMinimumHeight(220)
        layout.addWidget(self.details, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.diagnose_button.clicked.connect(self.diagnose)
        self.cancel_button.clicked.connect(self.cancel)
        self.resize(920, 740)

    # ---- input ---------------------------------------------------------------------------------
    def call(self) -> InboundCall:
        """The call the fields describe; the called number exactly as typed, the others stripped
        (an empty optional field means "not given")."""
        from phonewizard.domain.routing import InboundCall

        def optional(text: str) -> str | None:
            return text.strip() or None

        return InboundCall(to=self.to_box.currentText(), caller=optional(self.caller_edit.text()),
                           source_ip=optional(self.source_box.currentText()), pin=optional(self.pin_edit.text()))

    @property
    def busy(self) -> bool:
        return self._job is not None

    # ---- running -------------------------------------------------------------------------------
    @Slot()
    def diagnose(self) -> bool:
        """Start a diagnosis; False when one runs already or the input is unusable (said inline)."""
        if self.busy:
            return False
        from phonewizard.app.doctor import check_call, diagnose_call
        from phonewizard.app.errors import InvalidInput, LiveKitError

        self.input_problem.clear_problem()
        try:
            call = check_call(self.call(), FIELD_LABELS)
            connection = self._connection() if callable(self._connection) else self._connection
        except (InvalidInput, LiveKitError) as exc:
            self.input_problem.show_error(str(exc))
            return False
        self._clear_verdict()
        report = self._worker.report_progress
        self._job = job = self._worker.submit(lambda: diagnose_call(connection, call, progress=report))
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self._set_running(True, "Starting…")
        return True

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")
            self._job.cancel()

    def _set_running(self, running: bool, status: str) -> None:
        self.diagnose_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.status_label.setText(status)
        if not running:
            self._job = None

    def _clear_verdict(self) -> None:
        self.verdict = None
        self.headline_label.setText("")
        self.summary_label.setText("")
        self.path_view.set_hops(())
        self.details.clear()

    @Slot(object)
    def _on_progress(self, message: object) -> None:
        self.status_label.setText(str(message))

    @Slot(object)
    def _on_finished(self, verdict: Verdict) -> None:
        self._set_running(False, "")
        self.show_verdict(verdict)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        from phonewizard.app import errors

        self._set_running(False, "")
        if isinstance(exc, (errors.LiveKitError, errors.InvalidInput)):
            message = str(exc)
        else:  # a bug: say what kind, never a traceback (the log has where)
            logger.error("diagnosis failed unexpectedly: %s", type(exc).__name__, exc_info=exc)
            message = f"The diagnosis stopped unexpectedly ({type(exc).__name__}); try again."
        self.input_problem.show_error(message)
        self.run_failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._set_running(False, "Cancelled. Nothing was changed.")

    def show_verdict(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.headline_label.setText(printable(headline(verdict)))
        self.summary_label.setText(printable(verdict.summary))
        self.path_view.set_hops(verdict.hops)
        self.details.setHtml(verdict_html(verdict))
        self.diagnosed.emit(verdict)

    # ---- closing -------------------------------------------------------------------------------
    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        """Closing mid-run cancels the read (nothing to undo: the doctor changes nothing)."""
        if self._job is not None:
            self._job.cancel()
        super().done(result)

