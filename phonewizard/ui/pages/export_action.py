""""Export configuration…": ask for a file name and write the configuration without secrets.

Shared by the review and result pages. The file is the config-file contract (DESIGN.md), written
atomically with mode 0600 by app/documents.export_config, which drops the LiveKit API secret
and the SIP password; the message says so, because a user may expect them in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.app.documents import export_config
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.wizard_profile import CONFIG_FILTER

if TYPE_CHECKING:
    from phonewizard.domain.report import Report
NO_SECRETS = (
    "The LiveKit API secret and the SIP password are not in the file; they stay in your system "
    "keyring (or must be supplied again, e.g. LIVEKIT_API_SECRET, when the file is used elsewhere)."
)


def suggested_name(config: PhoneWizardConfig) -> str:
    digits = config.registration.phone_number.lstrip("+")
    return f"phonewizard-{digits}.json"


def export_configuration(parent: QWidget, config: PhoneWizardConfig | None) -> tuple[str, str] | None:
    """Run the dialog and write the file. Returns (kind, message) with kind "ok" or "error",
    or None when the user cancelled the dialog."""
    if config is None:
        return "error", "Fix the problems shown on the earlier pages before exporting."
    start = str(Path.home() / suggested_name(config))
    path, _selected = QFileDialog.getSaveFileName(parent, "Export configuration", start, CONFIG_FILTER)
    if not path:
        return None
    if not Path(path).suffix:
        path += ".json"
    try:
        written = export_config(path, config)
    except OSError as exc:
        return "error", f"Could not write {path}: {exc.strerror or exc}. Choose another folder."
    return "ok", f"Exported to {written}. {NO_SECRETS}"


def export_status_label() -> QLabel:
    """Where the outcome is shown: hidden until the first export."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_export_outcome(label: QLabel, outcome: tuple[str, str] | None) -> None:
    if outcome is None:  # dialog cancelled: leave the previous message alone
        return
    kind, message = outcome
    set_tone(label, "ok" if kind == "ok" else "error")
    label.setText(message)
    label.show()


def export_report(parent: QWidget, label: QLabel, report: Report | None) -> None:
    """The review and result pages' "Export configuration…" button: the dialog, the file, and the
    outcome in `label` (an unfinished configuration is refused with a message)."""
    show_export_outcome(label, export_configuration(parent, report.config if report is not None else None))
