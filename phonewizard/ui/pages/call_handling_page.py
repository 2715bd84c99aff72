"""Page 6: call handling — media encryption, noise cancellation, timeouts, caller privacy, headers.

Everything here lands on the trunks LiveKit creates (DESIGN.md "Mapping"): encryption on every
trunk, Krisp and the two timeouts on the inbound trunk, custom X- headers on every trunk and
header→attribute mappings on the trunks. Spin boxes keep the numbers inside the API's ranges, so
only the header editors can hold invalid input; their problems appear on the row at fault.
"""

from __future__ import annotations

from typing import Any, MutableMapping

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.base import DraftPage, get_path, int_or, set_path
from phonewizard.ui.pages.review_summary import duration_words
from phonewizard.ui.widgets import FieldGrid, KeyValueEditor
from phonewizard.ui.widgets.tones import set_tone

ENCRYPTION = (
    ("ALLOW", "Allow (recommended)"),
    ("DISABLE", "Disable"),
    ("REQUIRE", "Require"),
)
ENCRYPTION_WHY = {
    "ALLOW": "Encrypts media (SRTP) when the carrier offers it and still connects calls when it does not.",
    "DISABLE": "Media is never encrypted, even when the carrier offers SRTP.",
    "REQUIRE": "Calls fail unless the carrier does SRTP: enable Secure Trunking / SRTP there first.",
}


class CallHandlingPage(DraftPage):
    """Encryption, Krisp, ringing timeout, maximum duration, caller-number privacy, SIP headers."""

    page_id = PageId.CALL_HANDLING
    owned_fields = tuple(
        f"registration.{name}"
        for name in (
            "media_encryption", "krisp_enabled", "ringing_timeout_seconds",
            "max_call_duration_seconds", "hide_phone_number", "custom_headers", "headers_to_attributes",
        )
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Call handling")
        self.setSubTitle("How LiveKit treats each call: encryption, audio, time limits and SIP headers.")

        media = QGroupBox("Media and timing")
        grid = FieldGrid(media)
        self.encryption_combo = QComboBox()
        for value, label in ENCRYPTION:
            self.encryption_combo.addItem(label, value)
        self.encryption_row = grid.add_field(
            "registration.media_encryption", "Media &encryption:", self.encryption_combo,
            hint=ENCRYPTION_WHY["ALLOW"],
        )
        self.krisp_check = QCheckBox("&Krisp noise cancellation on the caller's audio")  # Alt+N is Next
        self.krisp_row = grid.add_field("registration.krisp_enabled", "Audio:", self.krisp_check)
        self.ringing_spin = QSpinBox()
        self.ringing_spin.setRange(1, 300)
        self.ringing_spin.setSuffix(" s")
        self.ringing_spin.setMaximumWidth(110)
        self.ringing_row = grid.add_field(
            "registration.ringing_timeout_seconds", "&Ringing timeout:", self.ringing_spin,
            hint="How long a call may ring before LiveKit gives up (1–300 seconds).",
        )
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(60, 86400)
        self.duration_spin.setSingleStep(60)
        self.duration_spin.setSuffix(" s")
        self.duration_spin.setMinimumWidth(110)
        self.duration_words = QLabel()
        set_tone(self.duration_words, "hint")
        duration_line = QWidget()
        line = QHBoxLayout(duration_line)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.duration_spin)
        line.addWidget(self.duration_words)
        line.addStretch(1)
        duration_line.setFocusProxy(self.duration_spin)
        self.duration_row = grid.add_field(
            "registration.max_call_duration_seconds", "Maximum call &duration:", duration_line,
            hint="Calls are ended after this long (60 seconds to 24 hours).",
        )
        self.hide_check = QCheckBox("Hide the caller's number from the agent (&privacy)")
        self.hide_row = grid.add_field("registration.hide_phone_number", "Privacy:", self.hide_check)
        self.body.addWidget(media)

        headers = QGroupBox("SIP headers")
        hgrid = FieldGrid(headers)
        self.headers_editor = KeyValueEditor(
            key_placeholder="X-Customer-Id", value_placeholder="acme-42",
            add_text="Add &header", item_name="header",
        )
        self.headers_row = hgrid.add_field(
            "registration.custom_headers", "Custom headers:", self.headers_editor,
            hint="Sent on every call's INVITE. Names must start with X- (e.g. X-Customer-Id).",
        )
        self.mapping_editor = KeyValueEditor(
            key_placeholder="X-Call-Reason", value_placeholder="call_reason",
            add_text="Add &mapping", item_name="mapping",
        )
        self.mapping_row = hgrid.add_field(
            "registration.headers_to_attributes", "Header → attribute:", self.mapping_editor,
            hint="Copies a SIP header's value into a participant attribute the agent can read.",
        )
        self.body.addWidget(headers)
        self.body.addStretch(1)

        for path, row in (
            ("registration.media_encryption", self.encryption_row),
            ("registration.krisp_enabled", self.krisp_row),
            ("registration.ringing_timeout_seconds", self.ringing_row),
            ("registration.max_call_duration_seconds", self.duration_row),
            ("registration.hide_phone_number", self.hide_row),
        ):
            self.bind_field(path, row.problem)
        self.bind_editor("registration.custom_headers", self.headers_editor, self.headers_row.problem)
        self.bind_editor("registration.headers_to_attributes", self.mapping_editor, self.mapping_row.problem)
        self.watch(
            self.encryption_combo.currentIndexChanged, self.krisp_check.toggled,
            self.ringing_spin.valueChanged, self.duration_spin.valueChanged, self.hide_check.toggled,
            self.headers_editor.changed, self.mapping_editor.changed,
        )
        self.encryption_combo.currentIndexChanged.connect(self._update_hints)
        self.duration_spin.valueChanged.connect(self._update_hints)
        self._update_hints()

    def load(self, draft: MutableMapping[str, Any]) -> None:
        reg = lambda name, default: get_path(draft, f"registration.{name}", default)  # noqa: E731
        index = self.encryption_combo.findData(str(reg("media_encryption", "ALLOW")).upper())
        self.encryption_combo.setCurrentIndex(max(index, 0))
        self.krisp_check.setChecked(bool(reg("krisp_enabled", True)))
        self.ringing_spin.setValue(int_or(reg("ringing_timeout_seconds", 30), 30))
        self.duration_spin.setValue(int_or(reg("max_call_duration_seconds", 3600), 3600))
        self.hide_check.setChecked(bool(reg("hide_phone_number", False)))
        self.headers_editor.set_values(reg("custom_headers", {}) or {})
        self.mapping_editor.set_values(reg("headers_to_attributes", {}) or {})
        self._update_hints()

    def store(self, draft: MutableMapping[str, Any]) -> None:
        for name, value in (
            ("media_encryption", self.encryption_combo.currentData()),
            ("krisp_enabled", self.krisp_check.isChecked()),
            ("ringing_timeout_seconds", self.ringing_spin.value()),
            ("max_call_duration_seconds", self.duration_spin.value()),
            ("hide_phone_number", self.hide_check.isChecked()),
            ("custom_headers", self.headers_editor.values()),
            ("headers_to_attributes", self.mapping_editor.values()),
        ):
            set_path(draft, f"registration.{name}", value)

    @Slot()
    def _update_hints(self) -> None:
        value = self.encryption_combo.currentData() or "ALLOW"
        if self.encryption_row.hint is not None:
            self.encryption_row.hint.setText(ENCRYPTION_WHY[value])
        self.duration_words.setText(f"= {duration_words(self.duration_spin.value())}")
