"""Page 2: the agent that answers, and the carrier the number comes from.

The provider choice drives later pages: the number-format note, the inbound page (skipped for
LiveKit Phone Numbers), the signalling ranges and the outbound host rules, all read from the
provider catalog in domain/providers.py. Under the choice, `facts_hint` says when the catalog's
facts about that carrier were last checked (domain/provider_facts.py).
"""

from __future__ import annotations

from typing import Any, MutableMapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QGroupBox, QLineEdit, QRadioButton

from phonewizard.domain.navigation import PageId
from phonewizard.domain.providers import PROVIDERS
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.widgets.fact_hint import FactHint
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.problem_label import hint_label

# Mnemonics chosen not to clash with the wizard's buttons (&Back, &Next, &Open, &Save, &Finish).
PROVIDER_TEXT = {
    "livekit": "&LiveKit Phone Numbers",
    "twilio": "&Twilio Elastic SIP Trunking",
    "vonage": "&Vonage SIP Trunking",
    "telnyx": "T&elnyx",
    "bandwidth": "Ban&dwidth",
    "custom": "&Custom / other SIP provider",
}
AGENT_TOOLTIP = (
    "The name your LiveKit agent registers with: agent_name in WorkerOptions (Python) or "
    "defineAgent (Node). Calls to this number are dispatched to the agent with this name."
)


class AgentPage(DraftPage):
    page_id = PageId.AGENT
    owned_fields = ("agent_name", "registration.provider")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Agent and carrier")
        self.setSubTitle("Which LiveKit agent answers the calls, and where the phone number comes from.")

        self.agent_edit = QLineEdit()
        self.agent_edit.setPlaceholderText("inbound-agent")
        grid = FieldGrid()
        row = grid.add_field(
            "agent_name", "A&gent name:", self.agent_edit, tooltip=AGENT_TOOLTIP,
            hint="Exactly as in your agent's code; it also names the rooms calls are placed in.",
        )
        self.agent_problem = row.problem
        self.bind_field("agent_name", row.problem)
        grid.add_spacer_row(6)

        box = QGroupBox()
        box_layout = QGridLayout(box)
        box_layout.setColumnStretch(1, 1)
        box_layout.setVerticalSpacing(2)
        self.provider_group = QButtonGroup(self)
        self.provider_buttons: dict[str, QRadioButton] = {}
        self.provider_summaries = {}
        for n, (provider_id, info) in enumerate(PROVIDERS.items()):
            button = QRadioButton(PROVIDER_TEXT.get(provider_id, info.label))
            button.setToolTip(info.summary)
            summary = hint_label(info.summary)
            summary.setContentsMargins(24, 0, 0, 6)
            # One line each (they fit the minimum width); wrapped labels in a nested grid make
            # the scroll area over-estimate the height and show a useless scroll bar.
            summary.setWordWrap(False)
            self.provider_group.addButton(button, n)
            self.provider_buttons[provider_id] = button
            self.provider_summaries[provider_id] = summary
            box_layout.addWidget(button, n * 2, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
            box_layout.addWidget(summary, n * 2 + 1, 0, 1, 2)
        # The label's buddy is the box; focus goes on to the first choice.
        box.setFocusProxy(self.provider_buttons["livekit"])
        row = grid.add_field(
            "registration.provider", "Phone number from:", box,
            tooltip="The carrier (or LiveKit) that sold you the number; it decides what the next pages ask",
        )
        self.provider_problem = row.problem
        self.bind_field("registration.provider", self.provider_problem)
        self.facts_hint = FactHint(None)
        grid.addWidget(self.facts_hint, grid.rowCount(), 1)
        self.body.addLayout(grid)
        self.body.addStretch(1)

        self.watch(self.agent_edit.textChanged)
        self.provider_group.buttonToggled.connect(self._on_provider_toggled)

    def selected_provider(self) -> str | None:
        for provider_id, button in self.provider_buttons.items():
            if button.isChecked():
                return provider_id
        return None

    def select_provider(self, provider_id: str | None) -> None:
        """Check a provider's button (None clears the choice)."""
        self.provider_group.setExclusive(False)
        for pid, button in self.provider_buttons.items():
            button.setChecked(pid == provider_id)
        self.provider_group.setExclusive(True)

    def load(self, draft: MutableMapping[str, Any]) -> None:
        self.agent_edit.setText(str(get_path(draft, "agent_name") or ""))
        provider = get_path(draft, "registration.provider")
        self.select_provider(provider if provider in self.provider_buttons else None)
        self.facts_hint.set_provider(self.selected_provider())
        self.pristine = not self.agent_edit.text()

    def store(self, draft: MutableMapping[str, Any]) -> None:
        set_path(draft, "agent_name", self.agent_edit.text().strip(" "))
        provider = self.selected_provider()
        if provider is not None:
            set_path(draft, "registration.provider", provider)
        elif get_path(draft, "registration.provider") in self.provider_buttons:
            set_path(draft, "registration.provider", None)

    @Slot(QRadioButton, bool)
    def _on_provider_toggled(self, _button: QRadioButton, checked: bool) -> None:
        # Two toggles per change (old off, new on); only the "on" one is an edit.
        if checked:
            self.facts_hint.set_provider(self.selected_provider())
            self.notify_edited()
