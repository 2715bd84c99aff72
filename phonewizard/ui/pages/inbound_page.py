"""Page 4: who may send calls into the inbound trunk (carrier addresses, optional digest auth).

Skipped for LiveKit Phone Numbers (navigation.py): they have no trunk. The "Add <carrier>'s
published signalling ranges" button fills the list from the provider catalog; it is disabled,
with the reason (or where the carrier publishes them per account) next to it, when the carrier
publishes no list. On LiveKit Cloud the list only works once LiveKit support has enabled it, which
the page says next to the button. The digest option carries each carrier's caveat, and every
carrier fact shown here says when it was last checked (FactHint).
"""

from __future__ import annotations

from typing import Any, MutableMapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

from phonewizard.domain.carrier_advice import CLOUD_ALLOWED_ADDRESSES_NOTE, digest_caveat, is_livekit_cloud
from phonewizard.domain.navigation import PageId
from phonewizard.domain.providers import provider_info
from phonewizard.domain.registration_rules import DIGEST_KEY
from phonewizard.domain.sip_addresses import parse_allowed_address
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.pages.carrier_setup_box import CarrierSetupBox
from phonewizard.ui.widgets.fact_hint import FactHint
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
    owned_fields = ("registration.allowed_addresses", "registration.provider_config", "carrier_secret")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Inbound calls")
        self.setSubTitle(
            "LiveKit accepts calls for your number only; you can also restrict them to your "
            "carrier's signalling addresses, or ask the carrier to authenticate."
        )
        self._provider: str | None = None
        self._cloud = False

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
        self.cloud_note = QLabel(CLOUD_ALLOWED_ADDRESSES_NOTE)
        self.cloud_note.setWordWrap(True)
        set_tone(self.cloud_note, "warning")
        self.cloud_note.hide()
        self.ranges_facts = FactHint("signalling")

        self.digest_check = QCheckBox("Require SIP &digest authentication on inbound calls")
        self.digest_check.setToolTip(
            "The inbound trunk then challenges the carrier for the SIP username and password "
            "you enter on the next page"
        )
        self.digest_caveat = QLabel(TWILIO_CAVEAT)
        self.digest_caveat.setWordWrap(True)
        set_tone(self.digest_caveat, "warning")
        self.digest_facts = FactHint("digest")
        self.digest_problem = ProblemLabel()

        self.carrier_box = CarrierSetupBox()
        self.body.addWidget(self.carrier_box)

        grid = FieldGrid()
        self.addresses_row = grid.add_field(
            "registration.allowed_addresses", "Allo&wed addresses:", self.addresses,
            hint="IP addresses, CIDR ranges or host names your carrier sends calls from. "
            "Leave empty to accept calls for your number from anywhere.",
            tooltip="The inbound trunk's allowed_addresses (no sip: prefix, no port)",
        )
        for label in (self.ranges_reason, self.cloud_note, self.ranges_facts):
            grid.addWidget(label, grid.rowCount(), 1)
        grid.add_spacer_row(14)
        row = grid.rowCount()
        grid.addWidget(self.digest_check, row, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(
            hint_label("Uses the SIP username and password from the Outbound calling page."),
            row + 1, 1,
        )
        grid.addWidget(self.digest_caveat, row + 2, 1)
        grid.addWidget(self.digest_facts, row + 3, 1)
        grid.addWidget(self.digest_problem, row + 4, 1)
        self.body.addLayout(grid)
        self.body.addStretch(1)

        self.bind_editor("registration.allowed_addresses", self.addresses, self.addresses_row.problem)
        self.bind_field("registration.provider_config", self.digest_problem)
        self.carrier_box.bind(self)
        self.watch(self.addresses.changed, self.digest_check.toggled, self.carrier_box.changed)
        self.digest_check.toggled.connect(self._update_caveat)

    # --- draft ------------------------------------------------------------------------------

    def load(self, draft: MutableMapping[str, Any]) -> None:
        values = get_path(draft, "registration.allowed_addresses") or []
        self.addresses.set_values([str(v) for v in values] if isinstance(values, list) else [])
        self.digest_check.setChecked(get_path(draft, DIGEST_PATH) is True)
        self._cloud = is_livekit_cloud(get_path(draft, "livekit.url"))
        self._set_provider(get_path(draft, "registration.provider"))
        self.carrier_box.load(draft)
        self.pristine = not values

    def store(self, draft: MutableMapping[str, Any]) -> None:
        set_path(draft, "registration.allowed_addresses", self.addresses.values() or None)
        # Other provider_config keys (hand-written files) are kept as they are.
        set_path(draft, DIGEST_PATH, True if self.digest_check.isChecked() else None)
        self.carrier_box.store(draft)
        if get_path(draft, "registration.provider_config") == {}:
            set_path(draft, "registration.provider_config", None)

    def report_applied(self, report) -> None:
        draft = self.wizard_draft()
        if draft is not None:
            self._cloud = is_livekit_cloud(get_path(draft, "livekit.url"))
            self._set_provider(get_path(draft, "registration.provider"))
        sip_uri = next((p.message for p in report.errors if p.field == "livekit.sip_uri"), None)
        self.carrier_box.show_sip_uri_problem(sip_uri)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return super().isComplete() and self.carrier_box.missing() is None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        if self.carrier_box.needs_store():
            self.notify_edited()  # another carrier's options or key in the draft: replace them now

    def set_sandbox_mode(self, active: bool) -> None:
        super().set_sandbox_mode(active)
        self.carrier_box.set_stand_ins(getattr(self.wizard(), "carrier_stand_ins", None) if active else None)

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
            if info is not None and info.signalling_where:
                reason = info.signalling_where
            elif self._provider:
                reason = f"{label} publishes no fixed signalling ranges: ask them for the addresses, or leave the list empty."
            else:
                reason = "Choose a provider first."
            self.ranges_reason.setText(reason)
            self.ranges_reason.show()
        self.cloud_note.setVisible(self._cloud and self._provider is not None)
        self.ranges_facts.set_provider(self._provider)
        self.digest_facts.set_provider(self._provider)
        self._update_caveat()

    def _update_caveat(self) -> None:
        # No source says any carrier answers LiveKit's digest challenge: each one gets its caveat,
        # shown once the box is ticked (it warns about what ticking does, not about the page).
        caveat = TWILIO_CAVEAT if self._provider == "twilio" else digest_caveat(self._provider)
        if caveat:
            self.digest_caveat.setText(caveat[:1].upper() + caveat[1:])
        self.digest_caveat.setVisible(bool(caveat) and self.digest_check.isChecked())

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
