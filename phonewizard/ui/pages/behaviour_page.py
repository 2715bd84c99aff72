"""Page 7: agent behaviour — DTMF & IVR, call transfers, agent features, and free metadata.

None of these create LiveKit settings of their own: plan.py packs them into the dispatch rule's
agent metadata, so the running agent receives its per-number configuration with every call.
The metadata editor is parsed as JSON on each edit; a parse error names the line and column.
"""

from __future__ import annotations

import json
from typing import Any, MutableMapping, Sequence

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from phonewizard.domain.navigation import PageId
from phonewizard.domain.report import Problem
from phonewizard.ui.pages.base import DraftPage, get_path, int_or, set_path
from phonewizard.ui.widgets import FieldGrid, ListEditor
from phonewizard.ui.widgets.fact_hint import FactHint
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.control_words import reword

DTMF_HINT = "Keys 0-9, *, #, A-D; a lower-case w pauses 0.5 s. Example: *123#ww456"
TRANSFER_PLACEHOLDER = "tel:+15105550100 or sip:desk@pbx.example.com"
_DTMF = "registration.dtmf_config"
_TRANSFER = "registration.transfer_config"
_FEATURES = "registration.agent_features"
_METADATA = "registration.metadata"


def parse_metadata(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(object, None) for a JSON object (empty text is {}), else (None, a message to show)."""
    if not text.strip():
        return {}, None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:  # json recurses per level; a pasted [[[[… must not crash the page
        return None, "nested too deeply; metadata may nest at most 16 levels"
    if not isinstance(value, dict):
        return None, 'must be a JSON object in braces, e.g. {"team": "support"}'
    return value, None


class BehaviourPage(DraftPage):
    """DTMF/IVR, transfers, features and metadata in four group boxes."""

    page_id = PageId.BEHAVIOUR
    owned_fields = (_DTMF, _TRANSFER, _FEATURES, _METADATA)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Agent behaviour")
        self.setSubTitle("Settings your agent receives with every call (in the dispatch rule's agent metadata).")

        # Alt+letters are unique on the page, the wizard's Open, Save, About, Back and Next
        # included (tests/ui/test_keyboard.py walks every page).
        dtmf = QGroupBox("Keypad (DTMF) and phone menus (IVR)")
        grid = FieldGrid(dtmf)
        self.auto_navigate_check = QCheckBox("Navi&gate phone menus automatically")
        self.ivr_detection_check = QCheckBox("&Detect phone menus (IVR) when calling out")
        grid.add_field(f"{_DTMF}.auto_navigate_ivr", "Menus:", self.auto_navigate_check)
        grid.add_field(f"{_DTMF}.ivr_detection", "", self.ivr_detection_check)
        self.dtmf_edit = QLineEdit()
        self.dtmf_edit.setPlaceholderText("*123#ww456")
        self.dtmf_row = grid.add_field(f"{_DTMF}.dtmf_sequence", "DTMF se&quence:", self.dtmf_edit, hint=DTMF_HINT)
        self.dtmf_timeout_spin = QSpinBox()
        self.dtmf_timeout_spin.setRange(1, 300)
        self.dtmf_timeout_spin.setSuffix(" s")
        self.dtmf_timeout_spin.setMaximumWidth(110)
        self.dtmf_timeout_row = grid.add_field(f"{_DTMF}.dtmf_timeout", "DTMF &timeout:", self.dtmf_timeout_spin)
        self.body.addWidget(dtmf)

        transfer = QGroupBox("Call transfers")
        tgrid = FieldGrid(transfer)
        self.destinations_editor = ListEditor(
            add_text="Add dest&ination", placeholder=TRANSFER_PLACEHOLDER, item_name="transfer destination",
        )
        self.destinations_row = tgrid.add_field(
            f"{_TRANSFER}.allowed_destinations", "Allowed destinations:", self.destinations_editor,
            hint="The only numbers or SIP addresses the agent may transfer callers to.",
        )
        self.cold_check = QCheckBox("&Cold transfer (hand the caller over and leave)")
        self.warm_check = QCheckBox("&Warm transfer (introduce the caller first)")
        self.confirm_check = QCheckBox("Ask the caller to confir&m before transferring")
        self.cold_row = tgrid.add_field(f"{_TRANSFER}.cold_transfer_enabled", "Kinds:", self.cold_check)
        self.warm_row = tgrid.add_field(f"{_TRANSFER}.warm_transfer_enabled", "", self.warm_check)
        tgrid.add_field(f"{_TRANSFER}.requires_confirmation", "", self.confirm_check)
        self.supervisor_edit = QLineEdit()
        self.supervisor_edit.setPlaceholderText("tel:+15105550100")
        self.supervisor_row = tgrid.add_field(
            f"{_TRANSFER}.supervisor_phone", "Su&pervisor:", self.supervisor_edit,
            hint="Optional: where escalations go (tel:+number or sip:user@host).",
        )
        # Transfers depend on carrier facts (REFER, PSTN transfer, warm transfer needs outbound).
        self.transfer_facts = FactHint("transfer")
        tgrid.addWidget(self.transfer_facts, tgrid.rowCount(), 1)
        self.body.addWidget(transfer)

        features = QGroupBox("Agent features")
        fgrid = FieldGrid(features)
        self.feature_checks = {
            "recording_enabled": QCheckBox("&Record calls"),
            "transcription_enabled": QCheckBox("Transcrib&e calls"),
            "sentiment_analysis": QCheckBox("Sentiment anal&ysis"),
            "call_screening": QCheckBox("Ca&ll screening"),
        }
        checks = QWidget()
        two_columns = QGridLayout(checks)
        two_columns.setContentsMargins(0, 0, 0, 0)
        for n, check in enumerate(self.feature_checks.values()):
            two_columns.addWidget(check, n // 2, n % 2)
        checks.setFocusProxy(self.feature_checks["recording_enabled"])
        fgrid.add_field(_FEATURES, "Features:", checks, reserve=False)  # check boxes only
        self.body.addWidget(features)

        meta = QGroupBox("Metadata")
        mgrid = FieldGrid(meta)
        self.metadata_edit = QPlainTextEdit()
        self.metadata_edit.setFont(monospace_font())
        self.metadata_edit.setPlaceholderText('{"team": "support", "language": "en"}')
        self.metadata_edit.setFixedHeight(90)
        self.metadata_edit.setTabChangesFocus(True)
        self.metadata_row = mgrid.add_field(
            _METADATA, "&JSON object:", self.metadata_edit,
            hint="Free-form data passed to your agent as-is.",
        )
        self.body.addWidget(meta)
        self.body.addStretch(1)

        for path, row in (
            (f"{_DTMF}.dtmf_sequence", self.dtmf_row),
            (f"{_DTMF}.dtmf_timeout", self.dtmf_timeout_row),
            (f"{_TRANSFER}.supervisor_phone", self.supervisor_row),
            # Warm transfer without outbound is an error, cold transfer on a LiveKit number a warning.
            (f"{_TRANSFER}.cold_transfer_enabled", self.cold_row),
            (f"{_TRANSFER}.warm_transfer_enabled", self.warm_row),
        ):
            self.bind_field(path, row.problem)
        self.bind_editor(
            f"{_TRANSFER}.allowed_destinations", self.destinations_editor, self.destinations_row.problem
        )
        self.bind_custom(_METADATA, self._metadata_problems)
        self.watch(
            self.auto_navigate_check.toggled, self.ivr_detection_check.toggled, self.dtmf_edit.textChanged,
            self.dtmf_timeout_spin.valueChanged, self.destinations_editor.changed, self.cold_check.toggled,
            self.warm_check.toggled, self.confirm_check.toggled, self.supervisor_edit.textChanged,
            self.metadata_edit.textChanged, *(c.toggled for c in self.feature_checks.values()),
        )

    # ---- draft ------------------------------------------------------------------------------
    def load(self, draft: MutableMapping[str, Any]) -> None:
        def get(path: str, default: Any) -> Any:
            return get_path(draft, path, default)

        self.auto_navigate_check.setChecked(bool(get(f"{_DTMF}.auto_navigate_ivr", False)))
        self.ivr_detection_check.setChecked(bool(get(f"{_DTMF}.ivr_detection", False)))
        self.dtmf_edit.setText(str(get(f"{_DTMF}.dtmf_sequence", "") or ""))
        self.dtmf_timeout_spin.setValue(int_or(get(f"{_DTMF}.dtmf_timeout", 30), 30))
        self.destinations_editor.set_values([str(v) for v in get(f"{_TRANSFER}.allowed_destinations", []) or []])
        self.cold_check.setChecked(bool(get(f"{_TRANSFER}.cold_transfer_enabled", False)))
        self.warm_check.setChecked(bool(get(f"{_TRANSFER}.warm_transfer_enabled", False)))
        self.confirm_check.setChecked(bool(get(f"{_TRANSFER}.requires_confirmation", True)))
        self.supervisor_edit.setText(str(get(f"{_TRANSFER}.supervisor_phone", "") or ""))
        defaults = {"transcription_enabled": True}
        for name, check in self.feature_checks.items():
            check.setChecked(bool(get(f"{_FEATURES}.{name}", defaults.get(name, False))))
        metadata = get(_METADATA, {})
        if isinstance(metadata, str):  # kept as typed while it was not valid JSON
            text = metadata
        else:
            text = json.dumps(metadata, indent=2, ensure_ascii=False) if metadata else ""
        if text != self.metadata_edit.toPlainText():
            self.metadata_edit.setPlainText(text)

    def store(self, draft: MutableMapping[str, Any]) -> None:
        set_path(draft, _DTMF, {
            "auto_navigate_ivr": self.auto_navigate_check.isChecked(),
            "dtmf_sequence": self.dtmf_edit.text().strip(" "),
            "dtmf_timeout": self.dtmf_timeout_spin.value(),
            "ivr_detection": self.ivr_detection_check.isChecked(),
        })
        set_path(draft, _TRANSFER, {
            "allowed_destinations": self.destinations_editor.values(),
            "cold_transfer_enabled": self.cold_check.isChecked(),
            "requires_confirmation": self.confirm_check.isChecked(),
            "warm_transfer_enabled": self.warm_check.isChecked(),
        })
        set_path(draft, f"{_TRANSFER}.supervisor_phone", self.supervisor_edit.text().strip(" ") or None)
        set_path(draft, _FEATURES, {name: c.isChecked() for name, c in self.feature_checks.items()})
        value, _error = parse_metadata(self.metadata_edit.toPlainText())
        # Invalid JSON is stored as the text itself: the model rejects it (so Next stays off) and
        # going Back and forth keeps what the user typed.
        set_path(draft, _METADATA, value if value is not None else self.metadata_edit.toPlainText())

    # ---- problems ---------------------------------------------------------------------------
    def report_applied(self, report) -> None:
        draft = self.wizard_draft()
        provider = get_path(draft, "registration.provider") if draft is not None else None
        self.transfer_facts.set_provider(provider if isinstance(provider, str) else None)

    def _metadata_problems(self, errors: Sequence[Problem], warnings: Sequence[Problem]) -> Sequence[Problem]:
        _value, local = parse_metadata(self.metadata_edit.toPlainText())
        message = local or (reword(errors[0].message) if errors else None)
        self.metadata_row.problem.show_problem(message, reword(warnings[0].message) if warnings else None)
        return ()
