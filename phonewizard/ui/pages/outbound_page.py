"""Page 5: outbound calling — where LiveKit sends the agent's calls and how it authenticates.

The termination host is asked per carrier (OutboundAddressEditor) and previewed live. The SIP
password lives only in the draft in memory until Register, when the review page puts it in the
keyring; it is never written to an exported file. The destination country is shown even with
outbound off because India's region pinning applies to the number itself (registration_rules).
"""

from __future__ import annotations

from typing import Any, MutableMapping, Sequence

from PySide6.QtCore import QRegularExpression, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from phonewizard.domain.navigation import PageId
from phonewizard.domain.phone_numbers import is_indian, region_of
from phonewizard.domain.providers import provider_info, vonage_region_for
from phonewizard.domain.report import Problem, Report
from phonewizard.domain.registration_rules import DIGEST_KEY
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.pages.outbound_address_editor import OutboundAddressEditor
from phonewizard.ui.widgets import FieldGrid, SecretLineEdit
from phonewizard.ui.widgets.phone_edit import phone_list_editor
from phonewizard.ui.widgets.problem_label import hint_label
from phonewizard.ui.control_words import reword

TRANSPORTS = (
    ("AUTO", "Automatic (LiveKit chooses; UDP first)"),
    ("UDP", "UDP"),
    ("TCP", "TCP (recommended by Telnyx and Twilio)"),
    ("TLS", "TLS (encrypted signalling; enable Secure Trunking at the carrier)"),
)
INDIA_TEXT = (
    "Required for Indian numbers: India's telecom rules (TRAI) require calls to be handled inside "
    "India, so LiveKit must pin them to its India region (IN). Also point your carrier at "
    "<project>.india.sip.livekit.cloud."
)
_OUTBOUND_ONLY = ("outbound_address", "outbound_numbers", "outbound_transport")
TWILIO_SET_UP_HINT = (
    "“Set up Twilio for me” is on: phonewizard gives the trunk this termination name (NAME.pstn.twilio.com). "
    "Names are unique across all Twilio accounts; pick the edge nearest your agent for lower latency."
)


class OutboundPage(DraftPage):
    """Outbound trunk settings: address, transport, caller IDs, country, SIP credentials."""

    page_id = PageId.OUTBOUND
    owned_fields = tuple(
        f"registration.{name}"
        for name in (
            "enable_outbound", *_OUTBOUND_ONLY, "destination_country", "auth_username", "auth_password",
        )
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Outbound calls")
        self.setSubTitle("Optional: let your agent place calls from this number through your carrier.")
        self.phone_number = ""
        self.provider = "custom"
        self._digest_on = False
        self._filled_in_country = False

        self.enable_check = QCheckBox("&Let the agent place outbound calls from this number")
        self.body.addWidget(self.enable_check)

        self.outbound_box = QGroupBox("Where LiveKit sends calls")
        grid = FieldGrid(self.outbound_box)
        self.address_editor = OutboundAddressEditor(self)
        self.address_editor.install(grid)
        self.transport_combo = QComboBox()
        for value, label in TRANSPORTS:
            self.transport_combo.addItem(label, value)
        self.transport_row = grid.add_field(
            "registration.outbound_transport", "&Transport:", self.transport_combo,
            hint="Must match what the carrier's termination side accepts.",
        )
        self.numbers_editor = phone_list_editor(
            add_text="Add caller &ID number", placeholder="+1 415 555 0101", item_name="caller ID number"
        )
        self.numbers_row = grid.add_field(
            "registration.outbound_numbers", "Caller ID numbers:", self.numbers_editor,
            hint="Numbers the agent may call from. Leave empty to use the registered number.",
        )
        self.body.addWidget(self.outbound_box)

        self.credentials_box = QGroupBox("SIP credentials (the carrier challenges LiveKit)")
        cred = FieldGrid(self.credentials_box)
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("livekit-agent")
        self.username_row = cred.add_field(
            "registration.auth_username", "&Username:", self.username_edit
        )
        self.password_edit = SecretLineEdit()
        self.password_row = cred.add_field(
            "registration.auth_password", "&Password:", self.password_edit,
            hint="Saved in your system keyring when you press Register; never in an exported file.",
        )
        self.body.addWidget(self.credentials_box)

        self.country_box = QGroupBox("Region pinning")
        country = FieldGrid(self.country_box)
        self.country_edit = QLineEdit()
        self.country_edit.setMaxLength(2)
        self.country_edit.setPlaceholderText("e.g. US")
        self.country_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,2}")))
        self.suggest_button = QPushButton("Use suggestion")
        country_line = QWidget()
        line = QHBoxLayout(country_line)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.country_edit)
        line.addWidget(self.suggest_button)
        line.addStretch(1)
        country_line.setFocusProxy(self.country_edit)
        self.country_row = country.add_field(
            "registration.destination_country", "Destination &country:", country_line,
            hint="Two-letter code; LiveKit places outbound calls from its region for that country.",
        )
        self.india_label = hint_label(INDIA_TEXT)
        country.addWidget(self.india_label, country.rowCount(), 1)
        self.body.addWidget(self.country_box)
        self.body.addStretch(1)

        for path, row in (
            ("registration.outbound_transport", self.transport_row),
            ("registration.auth_username", self.username_row),
            ("registration.auth_password", self.password_row),
            ("registration.destination_country", self.country_row),
        ):
            self.bind_field(path, row.problem)
        self.bind_custom("registration.outbound_address", self._address_problems)
        self.bind_editor("registration.outbound_numbers", self.numbers_editor, self.numbers_row.problem)
        self.watch(
            self.enable_check.toggled, self.address_editor.changed, self.transport_combo.currentIndexChanged,
            self.numbers_editor.changed, self.username_edit.textChanged, self.password_edit.textChanged,
            self.country_edit.textChanged,
        )
        self.enable_check.toggled.connect(self._update_visibility)
        self.country_edit.textEdited.connect(self._upper_case_country)
        self.suggest_button.clicked.connect(self._use_suggestion)
        self._update_visibility()

    # ---- draft ------------------------------------------------------------------------------
    def load(self, draft: MutableMapping[str, Any]) -> None:
        reg = lambda name, default=None: get_path(draft, f"registration.{name}", default)  # noqa: E731
        self.phone_number = reg("phone_number", "") or ""
        self.provider = reg("provider", "custom") or "custom"
        self._digest_on = bool(get_path(draft, f"registration.provider_config.{DIGEST_KEY}", False))
        self.enable_check.setChecked(bool(reg("enable_outbound", False)))
        self.address_editor.set_provider(self.provider)
        if self.provider == "twilio" and get_path(draft, "registration.provider_config.carrier_setup") not in (None, False):
            # "Set up Twilio for me": there is no trunk to look the name up in yet; phonewizard makes it.
            self.address_editor.provider_hint.setText(TWILIO_SET_UP_HINT)
        # Vonage's region nearest the number's country (+44 → sip-eu) until a host says otherwise.
        region = vonage_region_for(self.phone_number) if self.provider == "vonage" else None
        self.address_editor.set_address(reg("outbound_address"), default_region=region)
        self.numbers_editor.set_values(list(reg("outbound_numbers", []) or []))
        self.username_edit.setText(reg("auth_username", "") or "")
        self.password_edit.setText(reg("auth_password", "") or "")
        country = reg("destination_country") or ""
        self._filled_in_country = not country and is_indian(self.phone_number)
        if self._filled_in_country:
            # Not a guess: without IN the registration is refused, so fill in the only valid value.
            country = "IN"
        self.country_edit.setText(country)
        index = self.transport_combo.findData(
            str(reg("outbound_transport") or provider_info(self.provider).default_transport).upper()
        )
        self.transport_combo.setCurrentIndex(max(index, 0))
        self._update_visibility()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        if self._filled_in_country:
            # A value the page filled in must reach the draft now, or its "required" error
            # would block Next while the field already shows the fix.
            self._filled_in_country = False
            self.notify_edited()

    def store(self, draft: MutableMapping[str, Any]) -> None:
        enabled = self.enable_check.isChecked()
        set_path(draft, "registration.enable_outbound", enabled)
        values: dict[str, Any] = {
            "outbound_address": self.address_editor.address() or None,
            "outbound_transport": self.transport_combo.currentData(),
            "outbound_numbers": self.numbers_editor.values() or None,
        }
        for name, value in values.items():
            # Hidden outbound settings must not block the page (or reach the plan) while off.
            set_path(draft, f"registration.{name}", value if enabled else None)
        keep_credentials = enabled or self._digest_on
        set_path(draft, "registration.auth_username",
                 (self.username_edit.text().strip(" ") or None) if keep_credentials else None)
        set_path(draft, "registration.auth_password",
                 (self.password_edit.text() or None) if keep_credentials else None)
        set_path(draft, "registration.destination_country", self.country_edit.text().strip(" ").upper() or None)

    # ---- completeness -----------------------------------------------------------------------
    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        if self.enable_check.isChecked() and self.address_editor.local_error():
            return False
        return super().isComplete()

    # ---- problems ---------------------------------------------------------------------------
    def _address_problems(self, errors: Sequence[Problem], warnings: Sequence[Problem]) -> Sequence[Problem]:
        label = self.address_editor.problem
        local = self.address_editor.local_error()
        if local:
            label.show_error(local)
        elif errors and self.pristine:
            label.show_pending(reword(errors[0].message))
        else:
            label.show_problem(reword(errors[0].message) if errors else None,
                               reword(warnings[0].message) if warnings else None)
        return ()

    def report_applied(self, report: Report) -> None:
        self._update_suggestion()

    # ---- helpers ----------------------------------------------------------------------------
    def suggested_country(self) -> str | None:
        return region_of(self.phone_number) if self.phone_number else None

    def _update_suggestion(self) -> None:
        suggestion = self.suggested_country()
        current = self.country_edit.text().strip(" ").upper()
        self.suggest_button.setVisible(bool(suggestion) and suggestion != current)
        if suggestion:
            self.suggest_button.setText(f"Use {suggestion} (from {self.phone_number})")
        self.india_label.setVisible(is_indian(self.phone_number))

    @Slot()
    def _use_suggestion(self) -> None:
        suggestion = self.suggested_country()
        if suggestion:
            self.country_edit.setText(suggestion)
            self._update_suggestion()

    @Slot(str)
    def _upper_case_country(self, text: str) -> None:
        if text != text.upper():
            position = self.country_edit.cursorPosition()
            self.country_edit.setText(text.upper())
            self.country_edit.setCursorPosition(position)

    @Slot()
    def _update_visibility(self) -> None:
        enabled = self.enable_check.isChecked()
        self.outbound_box.setVisible(enabled)
        self.credentials_box.setVisible(enabled or self._digest_on)
        self.credentials_box.setTitle(
            "SIP credentials (the carrier challenges LiveKit)" if enabled
            else "SIP credentials (inbound digest auth is on)"
        )
        self._update_suggestion()
