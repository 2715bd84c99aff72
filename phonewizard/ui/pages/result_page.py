"""Page 9: the result — the SIP URI to give the carrier, the carrier's steps (with when their facts
were last checked), the IDs LiveKit assigned, export, "Diagnose a call…" (the call-routing doctor's
dialog, ui/doctor_dialog.py), "Test call…" and "Check inbound" (ui/test_call_dialog.py, enabled
when the number has an outbound trunk), whether the SIP URI answers (probe_box.py), what only a
test call can confirm, and what to check if the first call does not ring.

Everything on this page may be copied, so nothing on it may be a secret: values are checked
against the draft's API secret, SIP password and carrier credential before they are shown
(`_guard`), and the carrier steps name the SIP password only as "as entered in the wizard".
After "Set up Twilio / Telnyx for me", what was configured there (carrier_result_view.py) takes
the place of the manual steps.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Iterable

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phonewizard.app.call_targets import target_for_result
from phonewizard.domain.navigation import PageId
from phonewizard.ui.call_buttons import CallButtons
from phonewizard.ui.pages.base import DraftPage, get_path
from phonewizard.ui.pages.carrier_result_view import CarrierResultView
from phonewizard.ui.pages.export_action import export_report, export_status_label
from phonewizard.ui.pages.probe_box import ProbeBox
from phonewizard.ui.widgets import CopyableValue
from phonewizard.ui.widgets.fact_hint import FactHint
from phonewizard.ui.widgets.field_grid import clear_grid
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.widgets.problem_label import ProblemLabel

if TYPE_CHECKING:
    from phonewizard.app.carrier_setup import CarrierSetupResult
    from phonewizard.app.secrets import SavedSecrets
    from phonewizard.ui.async_worker import AsyncWorker
    from phonewizard.ui.doctor_dialog import DiagnoseCallDialog
    from phonewizard.domain.result import RegistrationResult

logger = logging.getLogger(__name__)

# reference/livekit-sip.md §8: the mistakes that make a first call fail silently.
def extra_tips(result: RegistrationResult) -> list[str]:
    """The rule is named by its ID (also under "Created in LiveKit", which is above the tips),
    not by a position on the page."""
    return [
        "Endless ringing usually means no dispatch rule matched: LiveKit drops such calls on purpose. "
        f"Check that dispatch rule {result.dispatch_rule_id} still exists (LiveKit Cloud → Telephony → "
        "Dispatch rules).",
        "If your carrier sends the number without + (Vonage does), LiveKit still matches it; any other "
        "difference (spaces, a 0 prefix, a missing country code) makes the call be refused.",
    ]


class ResultPage(DraftPage):
    """Shows a RegistrationResult. The review page hands it over (`ReviewPage.result`)."""

    page_id = PageId.RESULT
    owned_fields = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Your number is connected")
        self.setSubTitle("Finish the setup at your carrier with the values below.")
        self.result: RegistrationResult | None = None
        self._secrets: tuple[str, ...] = ()

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.body.addWidget(self.summary_label)
        # Whether the secrets typed in the wizard reached the keyring (saved only after success).
        self.secrets_notice = ProblemLabel()
        self.body.addWidget(self.secrets_notice)

        uri_box = self.uri_box = QGroupBox("SIP URI for your carrier")
        uri_layout = QHBoxLayout(uri_box)
        self.sip_uri_label = QLabel()
        self.sip_uri_label.setFont(monospace_font(15, bold=True))
        self.sip_uri_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sip_uri_label.setAccessibleName("SIP URI")
        self.copy_uri_button = QPushButton("&Copy")
        self.copy_uri_button.setToolTip("Copy the SIP URI to the clipboard")
        uri_layout.addWidget(self.sip_uri_label, 1)
        uri_layout.addWidget(self.copy_uri_button)
        # Does the SIP URI answer? Run when asked (probe_box.py says why not by itself); the
        # steps appear under the URI.
        self.probe_box = ProbeBox(self._worker)
        uri_layout.addWidget(self.probe_box.probe_button)
        self.body.addWidget(uri_box)
        self.body.addWidget(self.probe_box)

        self.steps_box = QGroupBox("At your carrier")
        self.steps_grid = QGridLayout(self.steps_box)
        self.steps_grid.setColumnStretch(1, 1)
        self.body.addWidget(self.steps_box)
        self.steps_facts = FactHint("steps")
        self.body.addWidget(self.steps_facts)
        self.carrier_view = CarrierResultView()
        self.body.addWidget(self.carrier_view)

        self.ids_box = QGroupBox("Created in LiveKit")
        self.ids_grid = QGridLayout(self.ids_box)
        self.ids_grid.setColumnStretch(1, 1)
        self.body.addWidget(self.ids_box)

        export_line = QHBoxLayout()
        self.export_button = QPushButton("E&xport configuration…")
        export_line.addWidget(self.export_button)
        # The call-routing doctor: where LiveKit would send a call to the number, or why not.
        self.diagnose_button = QPushButton("&Diagnose a call…")
        self.diagnose_button.setToolTip("See where LiveKit would route a call to this number, or exactly "
                                        "why it would not arrive (reads your project; changes nothing)")
        export_line.addWidget(self.diagnose_button)
        self.diagnose_dialog: DiagnoseCallDialog | None = None
        # A real call through the new trunk, and the inbound check (ui/test_call_dialog.py).
        self.call_buttons = CallButtons(self, export_line, {"call": "&Test call…", "inbound": "Check &inbound"})
        export_line.addStretch(1)
        self.body.addLayout(export_line)
        self.export_status = export_status_label()
        self.body.addWidget(self.export_status)

        self.checks_box = QGroupBox("Confirm with a test call")
        self.checks_label = QLabel()
        self.checks_label.setWordWrap(True)
        self.checks_label.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self.checks_box).addWidget(self.checks_label)
        self.body.addWidget(self.checks_box)

        tips_box = QGroupBox("If the first call does not ring")
        self.tips_label = QLabel()
        self.tips_label.setWordWrap(True)
        self.tips_label.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(tips_box).addWidget(self.tips_label)
        self.body.addWidget(tips_box)
        self.body.addStretch(1)

        self.copyables: list[CopyableValue] = []
        self.copy_uri_button.clicked.connect(self.copy_sip_uri)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.diagnose_button.clicked.connect(self.open_diagnose_dialog)

    # ---- filling ----------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        wizard = self.wizard()
        review = wizard.page(int(PageId.REVIEW)) if wizard is not None else None
        draft = self.wizard_draft() or {}
        secrets = (get_path(draft, "livekit.api_secret"), get_path(draft, "registration.auth_password"),
                   get_path(draft, "carrier_secret"))
        registered = getattr(review, "registered", None)
        if registered is not None:
            self.show_result(registered.result, secrets=[s for s in secrets if isinstance(s, str) and s],
                             saved=registered.secrets, carrier=registered.carrier)

    def show_result(self, result: RegistrationResult, *, secrets: Iterable[str] = (),
                    saved: SavedSecrets | None = None, carrier: CarrierSetupResult | None = None) -> None:
        self.result = result
        self._secrets = tuple(s for s in secrets if s)
        self._show_saved_secrets(saved)
        instructions = result.instructions
        self.summary_label.setText(self._guard(instructions.summary if carrier is None else
                                               _carrier_summary(result, carrier)))
        self.setSubTitle("Finish the setup at your carrier with the values below." if carrier is None else
                         "LiveKit and the carrier are both set up: call your number to try it." if not carrier.stand_in
                         else f"LiveKit is set up, and the {carrier.label} stand-in in place of {carrier.label}: "
                              f"nothing was changed at {carrier.label} itself.")
        self.uri_box.setTitle("SIP URI for your carrier" if carrier is None else
                              f"SIP URI (already set at {_where(carrier)})")
        uri = result.sip_uri or ""
        self.sip_uri_label.setText(self._guard(uri) or "No carrier setup needed")
        self.copy_uri_button.setEnabled(bool(uri))
        self.probe_box.set_uri(uri or None, sandbox=bool(getattr(self.wizard(), "sandbox_active", False)))
        self.call_buttons.set_target(target_for_result(result))

        clear_grid(self.steps_grid)
        self.copyables = []
        steps = instructions.steps
        for n, step in enumerate(steps):
            text = QLabel(f"{n + 1}. {self._guard(step.text)}")
            text.setWordWrap(True)
            self.steps_grid.addWidget(text, n, 0)
            if step.value:
                self.steps_grid.addWidget(self._copyable(step.value, step.text), n, 1)
        self.steps_box.setVisible(bool(steps) and carrier is None)
        self.steps_facts.set_provider(result.provider if steps and carrier is None else None)
        self.carrier_view.show_result(carrier, self._guard)
        self.copyables += self.carrier_view.copyables

        clear_grid(self.ids_grid)
        rows = [
            ("Inbound trunk", result.inbound_trunk_id),
            ("Dispatch rule", result.dispatch_rule_id),
            ("Outbound trunk", result.outbound_trunk_id),
            ("Outbound address", result.outbound_address),
            ("Room names", result.room_pattern),
        ]
        for n, (label, value) in enumerate((r for r in rows if r[1])):
            self.ids_grid.addWidget(QLabel(f"{label}:"), n, 0)
            self.ids_grid.addWidget(self._copyable(str(value), label.lower()), n, 1)

        checks = instructions.confirm_with_a_test_call
        self.checks_label.setText("".join(f"• {html.escape(self._guard(c))}<br>" for c in checks))
        self.checks_box.setVisible(bool(checks))

        tips = [*instructions.if_it_does_not_ring, *extra_tips(result)]
        self.tips_label.setText("".join(f"• {html.escape(self._guard(t))}<br>" for t in tips))

    def _show_saved_secrets(self, saved: SavedSecrets | None) -> None:
        if saved is not None and saved.problem:
            self.secrets_notice.show_warning(f"Secrets were not saved: {saved.problem}")
        else:
            self.secrets_notice.clear_problem()

    def _copyable(self, value: str, name: str) -> CopyableValue:
        widget = CopyableValue(self._guard(value), name=name)
        self.copyables.append(widget)
        return widget

    def _guard(self, text: str) -> str:
        """A secret must never be shown (or copied) here; mask it if one ever slips in."""
        for secret in self._secrets:
            if secret and secret in text:
                from phonewizard.domain.plan import MASK  # livekit-protocol: not at start-up

                logger.error("a secret reached the result page; it was masked")
                text = text.replace(secret, MASK)
        return text

    # ---- actions ----------------------------------------------------------------------------
    def _worker(self) -> AsyncWorker | None:
        wizard = self.wizard()
        return wizard.worker if wizard is not None else None

    @Slot()
    def copy_sip_uri(self) -> None:
        if self.result is not None and self.result.sip_uri:
            QGuiApplication.clipboard().setText(self.sip_uri_label.text())
            self.copy_uri_button.setText("Copied")
            # Feedback that the click worked, then the normal label again.
            # The button is the timer's context: if the page is gone by then, nothing runs.
            button = self.copy_uri_button
            QTimer.singleShot(1500, button, lambda: button.setText("&Copy"))

    @Slot()
    def _on_export_clicked(self) -> None:
        export_report(self, self.export_status, self._report)

    @Slot()
    def open_diagnose_dialog(self) -> DiagnoseCallDialog | None:
        """Open (or raise) the "Diagnose a call…" dialog for the registered number."""
        wizard = self.wizard()
        if wizard is None or self.result is None:
            return None
        if self.diagnose_dialog is None:
            from phonewizard.ui.doctor_dialog import DiagnoseCallDialog

            self.diagnose_dialog = DiagnoseCallDialog(
                wizard.worker, wizard.connection, number=self.result.phone_number,
                provider=self.result.provider, parent=self)
        if self.diagnose_dialog.isVisible():  # open already, maybe behind the wizard
            self.diagnose_dialog.raise_()
            self.diagnose_dialog.activateWindow()
        else:
            self.diagnose_dialog.show()
        return self.diagnose_dialog


def _where(carrier: CarrierSetupResult) -> str:
    return f"the {carrier.label} stand-in" if carrier.stand_in else carrier.label


def _carrier_summary(result: RegistrationResult, carrier: CarrierSetupResult) -> str:
    """The summary once the carrier was configured too (the manual steps' summary says "now, in …")."""
    out = f" Outbound calls leave through {result.outbound_address}." if result.outbound_address else ""
    return (f"{result.phone_number} is set up in LiveKit and at {_where(carrier)}: calls to it go to agent "
            f"“{result.agent_id}”, which must register with exactly that agent_name.{out}")
