"""Page 3: the phone number (formatted as you type, stored as +E.164) and the numbers around it.

Extra trunk numbers are the numbers besides the main one that the inbound trunk answers;
allowed caller numbers restrict who may call. Both are lists with a message under each entry.
With provider LiveKit the project's LiveKit numbers are offered to pick from
(livekit_number_picker.py).
"""

from __future__ import annotations

from typing import Any, MutableMapping, Sequence

from PySide6.QtWidgets import QLabel

from phonewizard.domain.navigation import PageId
from phonewizard.domain.report import Problem
from phonewizard.domain.providers import provider_info
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.pages.livekit_number_picker import LiveKitNumberPicker
from phonewizard.ui.widgets.fact_hint import FactHint
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.phone_edit import PhoneLineEdit, phone_list_editor
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.control_words import reword


def _phone_list(add_text: str, item_name: str):
    return phone_list_editor(add_text=add_text, placeholder="+1 415 555 0102", item_name=item_name)


class NumberPage(DraftPage):
    page_id = PageId.NUMBER
    owned_fields = ("registration.phone_number", "registration.trunk_numbers", "registration.allowed_numbers")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Phone number")
        self.setSubTitle("The number callers dial to reach your agent, in international format.")
        # False when a loaded file's trunk_numbers leaves out the main number on purpose.
        self._main_in_trunk = True

        self.phone_edit = PhoneLineEdit()
        self.phone_edit.setAccessibleDescription("Formatted as you type; saved in +E.164 form")
        self.country_label = QLabel()
        self.country_label.setAccessibleName("Country of the number")
        set_tone(self.country_label, "hint")
        self.trunk_list = _phone_list("Add &trunk number", "trunk number")
        self.callers_list = _phone_list("Add allowed &caller", "allowed caller")

        grid = FieldGrid()
        self.phone_row = grid.add_field(
            "registration.phone_number", "&Phone number:", self.phone_edit,
            tooltip="Type it any way you like; a number without + is read for your locale's country",
        )
        grid.addWidget(self.country_label, grid.rowCount(), 1)
        self.format_note = QLabel()
        self.format_note.setWordWrap(True)
        set_tone(self.format_note, "hint")
        grid.addWidget(self.format_note, grid.rowCount(), 1)
        self.format_facts = FactHint("numbers")
        grid.addWidget(self.format_facts, grid.rowCount(), 1)
        # Provider LiveKit: the project's own numbers to pick from (typing stays possible).
        self.livekit_numbers = LiveKitNumberPicker()
        self.livekit_numbers.hide()
        grid.addWidget(self.livekit_numbers, grid.rowCount(), 1)
        grid.add_spacer_row()
        self.trunk_row = grid.add_field(
            "registration.trunk_numbers", "E&xtra trunk numbers:", self.trunk_list,
            hint="Other numbers of the same carrier trunk that should also reach this agent. "
            "Usually none.",
            tooltip="Sent as the inbound trunk's numbers, together with the phone number above",
        )
        grid.add_spacer_row()
        self.callers_row = grid.add_field(
            "registration.allowed_numbers", "Allowed ca&llers:", self.callers_list,
            hint="Only these caller numbers may reach the agent. Leave empty to accept every caller.",
            tooltip="The inbound trunk's allowed_numbers: calls from other numbers are rejected",
        )
        self.body.addLayout(grid)
        self.body.addStretch(1)

        self.bind_field("registration.phone_number", self.phone_row.problem)
        self.bind_custom("registration.trunk_numbers", self._show_trunk_problems)
        self.bind_editor("registration.allowed_numbers", self.callers_list, self.callers_row.problem)
        self.watch(self.phone_edit.textChanged, self.trunk_list.changed, self.callers_list.changed)
        self.phone_edit.textChanged.connect(self._update_country)
        self.livekit_numbers.picked.connect(self._pick_livekit_number)

    # --- draft ------------------------------------------------------------------------------

    def load(self, draft: MutableMapping[str, Any]) -> None:
        phone = str(get_path(draft, "registration.phone_number") or "")
        self.phone_edit.set_e164(phone)
        trunk = [str(n) for n in get_path(draft, "registration.trunk_numbers") or []]
        self._main_in_trunk = not trunk or phone in trunk
        self.trunk_list.set_values([n for n in trunk if n != phone])
        self.callers_list.set_values([str(n) for n in get_path(draft, "registration.allowed_numbers") or []])
        self._update_country()
        self._update_format_note(draft)
        self.pristine = not phone

    def store(self, draft: MutableMapping[str, Any]) -> None:
        phone = self.phone_edit.e164()
        set_path(draft, "registration.phone_number", phone)
        extras = self.trunk_list.values()
        if extras:
            set_path(draft, "registration.trunk_numbers", ([phone] if self._main_in_trunk else []) + extras)
        else:
            # Empty means [phone_number] (DESIGN.md), so the file stays minimal.
            set_path(draft, "registration.trunk_numbers", None)
        callers = self.callers_list.values()
        set_path(draft, "registration.allowed_numbers", callers or None)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        self.phone_edit.setFocus()
        if get_path(self.wizard_draft() or {}, "registration.provider") == "livekit":
            self.livekit_numbers.load(self.wizard())
            self.livekit_numbers.select(self.phone_edit.e164())

    def _pick_livekit_number(self, number: str) -> None:
        self.phone_edit.set_e164(number)  # an edit like typing it: stored and validated
        self.phone_edit.setFocus()

    # --- problems ---------------------------------------------------------------------------

    def _show_trunk_problems(self, errors: Sequence[Problem], warnings: Sequence[Problem]) -> Sequence[Problem]:
        prefix = "registration.trunk_numbers"
        offset = 1 if self._main_in_trunk and self.trunk_list.values() else 0
        # Entry 0 of the stored list is the main number; its problems show at the phone field.
        shifted_errors = _shift(errors, prefix, offset)
        shifted_warnings = _shift(warnings, prefix, offset)
        whole = self.trunk_list.show_problems(prefix, shifted_errors, shifted_warnings)
        self.trunk_row.problem.show_problem(reword(whole[0].message) if whole else None)
        return ()

    def report_applied(self, report) -> None:
        draft = self.wizard_draft()
        if draft is not None:
            self._update_format_note(draft)

    def _update_country(self) -> None:
        # Always there, empty until the number parses: a line appearing while the user types
        # would move every field below it.
        self.country_label.setText(self.phone_edit.country())

    def _update_format_note(self, draft: MutableMapping[str, Any]) -> None:
        provider = get_path(draft, "registration.provider")
        self.livekit_numbers.setVisible(provider == "livekit")
        if isinstance(provider, str) and provider:
            self.format_note.setText(provider_info(provider).number_format_note)
            self.format_note.show()
            self.format_facts.set_provider(provider)
        else:
            self.format_note.hide()
            self.format_facts.set_provider(None)


def _shift(problems: Sequence[Problem], prefix: str, offset: int) -> list[Problem]:
    """Renumber `<prefix>.<n>` to `<prefix>.<n - offset>`; entries below 0 are dropped."""
    if not offset:
        return list(problems)
    shifted = []
    for problem in problems:
        rest = problem.field[len(prefix) + 1 :].split(".", 1) if problem.field.startswith(prefix + ".") else None
        if rest and rest[0].isdigit():
            index = int(rest[0]) - offset
            if index < 0:
                continue
            tail = "." + rest[1] if len(rest) > 1 else ""
            shifted.append(Problem(f"{prefix}.{index}{tail}", problem.message))
        else:
            shifted.append(problem)
    return shifted
