"""Page 4: who may send calls into the inbound trunk (carrier addresses, optional digest auth).

Skipped for LiveKit Phone Numbers (navigation.py): they have no trunk. The "Add <carrier>'s
published signalling ranges" button fills the list from the provider catalog; it is disabled,
with the reason next to it, when the carrier publishes none.
"""

from __future__ import annotations

from typing import Any, MutableMapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

from phonewizard.domain.navigation import PageId
from phonewizard.domain.providers import provider_info
from phonewizard.domain.registration_rules import DIGEST_KEY
from phonewizard.domain.sip_addresses import parse_allowed_address
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.list_editor import ListEditor
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label
from phonewizard.ui.widgets.tones import set_tone

DIGEST_PATH = f"registration.provider_config.{DIGEST_KEY}"
TWILIO_CAVEAT = (
    "Twilio Elastic SIP Trunking cannot answer LiveKit's digest challenge: with this on, "
    "inbound calls from Twilio fail. Leave it off and rely on your number and the allowed "
    "addresses (or use TwiML <Dial><Sip> with credentials instead)."
)


def check_address(text: str) -> str | None:
    """Instant per-entry feedback while typing (the whole-config check follows)."""
    try:
        parse_allowed_address(text)
    except ValueError as exc:  # AddressError is one; str() is the message for the user
        return str(exc)
    return None


class InboundPage(DraftPage):
    page_id = PageId.INBOUND
    owned_fields = ("registration.allowed_addresses", "registration.provider_config")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Inbound calls")
        self.setSubTitle(
            "LiveKit accepts calls for your number only; you can also restrict them to your "
            "carrier's signalling addresses, or ask the carrier to authenticate."
        )
        self._provider: str | None = None

        self.addresses = ListEditor(
            add_text="Add add&ress",
            placeholder="203.0.113.10, 198.51.100.0/24 or sip.example.com",
            check=check_address,
            item_name="allowed address",
        )
        self.ranges_button = QPushButton("Add the carrier's published signalling ran&ges")
        self.ranges_button.clicked.connect(self.add_signalling_ranges)
        self.ranges_reason = QLabel()
        self.ranges_reason.setWordWrap(True)
        set_tone(self.ranges_reason, "hint")
        self.addresses.buttons.insertWidget(1, self.ranges_button)

        self.digest_check = QCheckBox("Require SIP &digest authentication on inbound calls")
        self.digest_check.setToolTip(
            "The inbound trunk then challenges the carrier for the SIP username and password "
            "you enter on the next page"
        )
        self.digest_caveat = QLabel(TWILIO_CAVEAT)
        self.digest_caveat.setWordWrap(True)
        set_tone(self.digest_caveat, "warning")
        self.digest_problem = ProblemLabel()

        grid = FieldGrid()
        self.addresses_row = grid.add_field(
            "registration.allowed_addresses", "Allo&wed addresses:", self.addresses,
            hint="IP addresses, CIDR ranges or host names your carrier sends calls from. "
            "Leave empty to accept calls for your number from anywhere.",
            tooltip="The inbound trunk's allowed_addresses (no sip: prefix, no port)",
        )
        grid.addWidget(self.ranges_reason, grid.rowCount(), 1)
        grid.add_spacer_row(14)
        row = grid.rowCount()
        grid.addWidget(self.digest_check, row, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(
            hint_label("Uses the SIP username and password from the Outbound calling page."),
            row + 1, 1,
        )
        grid.addWidget(self.digest_caveat, row + 2, 1)
        grid.addWidget(self.digest_problem, row + 3, 1)
        self.body.addLayout(grid)
        self.body.addStretch(1)

        self.bind_editor("registration.allowed_addresses", self.addresses, self.addresses_row.problem)
        self.bind_field("registration.provider_config", self.digest_problem)
        self.watch(self.addresses.changed, self.digest_check.toggled)
        self.digest_check.toggled.connect(self._update_caveat)

    # --- draft ------------------------------------------------------------------------------

    def load(self, draft: MutableMapping[str, Any]) -> None:
        values = get_path(draft, "registration.allowed_addresses") or []
        self.addresses.set_values([str(v) for v in values] if isinstance(values, list) else [])
        self.digest_check.setChecked(get_path(draft, DIGEST_PATH) is True)
        self._set_provider(get_path(draft, "registration.provider"))
        self.pristine = not values

    def store(self, draft: MutableMapping[str, Any]) -> None:
        set_path(draft, "registration.allowed_addresses", self.addresses.values() or None)
        # Other provider_config keys (hand-written files) are kept as they are.
        set_path(draft, DIGEST_PATH, True if self.digest_check.isChecked() else None)
        if get_path(draft, "registration.provider_config") == {}:
            set_path(draft, "registration.provider_config", None)

    def report_applied(self, report) -> None:
        draft = self.wizard_draft()
        if draft is not None:
            self._set_provider(get_path(draft, "registration.provider"))

    # --- provider-specific parts ------------------------------------------------------------

    def _set_provider(self, provider: Any) -> None:
        self._provider = provider if isinstance(provider, str) and provider else None
        info = provider_info(self._provider) if self._provider else None
        label = _short_label(self._provider)
        if info is not None and info.signalling_ranges:
            self.ranges_button.setText(f"Add {label}'s published signalling ran&ges")
            self.ranges_button.setEnabled(True)
            self.ranges_button.setToolTip(", ".join(info.signalling_ranges))
            self.ranges_reason.hide()
        else:
            self.ranges_button.setText("Add the carrier's published signalling ran&ges")
            self.ranges_button.setEnabled(False)
            self.ranges_button.setToolTip("")
            reason = (
                f"{label} publishes no fixed signalling ranges: ask them for the addresses, or "
                "leave the list empty." if self._provider else "Choose a provider first."
            )
            self.ranges_reason.setText(reason)
            self.ranges_reason.show()
        self._update_caveat()

    def _update_caveat(self) -> None:
        self.digest_caveat.setVisible(self._provider == "twilio")

    @Slot()
    def add_signalling_ranges(self) -> int:
        """Append the carrier's published ranges that are not listed yet; returns how many."""
        if not self._provider:
            return 0
        return self.addresses.add_values(list(provider_info(self._provider).signalling_ranges))


def _short_label(provider: str | None) -> str:
    """'Twilio' rather than 'Twilio Elastic SIP Trunking' inside a button."""
    names = {"twilio": "Twilio", "vonage": "Vonage", "telnyx": "Telnyx", "bandwidth": "Bandwidth"}
    if provider in names:
        return names[provider]
    return "Your provider" if provider == "custom" else "The carrier"
