""""Export configuration…": ask for a file name and write the configuration without secrets.

Shared by the review and result pages. The file is the config-file contract (DESIGN.md), written
atomically with mode 0600 by app/documents.export_config, which drops the LiveKit API secret
and the SIP password; the message says so, because a user may expect them in the file, and says
where they are instead as things stand (`secrets_note`): nowhere yet before Register, in the
keyring after it (unless it failed), in the LiveKit CLI's file for a secret taken from there. A
sandbox export carries `"sandbox": true` (from the draft) and says how to use it: no secret was
saved, the sandbox must be running. A successful export counts as saved (ui/discard_guard.py).
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
NOT_IN_FILE = "The LiveKit API secret and the SIP password are not in the file"
ELSEWHERE = ("To use the file elsewhere, give them with LIVEKIT_API_SECRET and PHONEWIZARD_SIP_PASSWORD "
             "(or register --sip-password-stdin).")
SANDBOX_EXPORT = (
    "It is marked as a sandbox configuration (\"sandbox\": true), and no secret was saved: the "
    "sandbox's are new on every start. To use it on the command line, start `phonewizard sandbox` and "
    "paste the three export lines it prints; for your own project, change livekit.url and "
    "livekit.api_key, or add --lk-project NAME."
)


def secrets_note(*, sandbox: bool, registered: bool, saved: list[str] | None = None,
                 problem: str | None = None, api_secret_source: str = "typed") -> str:
    """Where the secrets are, as things stand, for the message after an export."""
    if sandbox:
        return SANDBOX_EXPORT
    lk = (" The API secret itself stays in the LiveKit CLI's configuration (~/.livekit/cli-config.yaml)."
          if api_secret_source == "lk-cli" else "")
    if not registered:
        what = "the SIP password is" if lk else "they are"
        where = f"{what} saved in your system keyring when you press Register or Save profile."
    elif problem:
        where = "they could not be saved in your system keyring either (see above)."
    elif saved:
        where = f"{' and '.join(saved)} {'is' if len(saved) == 1 else 'are'} in your system keyring on this computer."
    else:
        where = "none was saved in your system keyring."
    return f"{NOT_IN_FILE}; {where}{lk} {ELSEWHERE}"


def suggested_name(config: PhoneWizardConfig) -> str:
    digits = config.registration.phone_number.lstrip("+")
    return f"phonewizard-{digits}.json"


def export_configuration(parent: QWidget, config: PhoneWizardConfig | None,
                         note: str | None = None) -> tuple[str, str] | None:
    """Run the dialog and write the file. Returns (kind, message) with kind "ok" or "error",
    or None when the user cancelled the dialog. `note`: where the secrets are (`secrets_note`)."""
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
    if note is None:
        note = secrets_note(sandbox=config.livekit.sandbox, registered=False)
    return "ok", f"Exported to {written}. {note}"


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
    config = report.config if report is not None else None
    outcome = export_configuration(parent, config, _note_for(parent, config))
    show_export_outcome(label, outcome)
    wizard = parent.wizard() if hasattr(parent, "wizard") else None
    if outcome is not None and outcome[0] == "ok" and hasattr(wizard, "discard_guard"):
        wizard.discard_guard.saved()


def _note_for(page: QWidget, config: PhoneWizardConfig | None) -> str | None:
    """`secrets_note` for the wizard `page` belongs to: sandbox mode, the run's saved secrets."""
    wizard = page.wizard() if hasattr(page, "wizard") else None
    if wizard is None or config is None:
        return None
    from phonewizard.domain.navigation import PageId

    review = wizard.page(int(PageId.REVIEW))
    registered = getattr(review, "registered", None)
    saved = registered.secrets if registered is not None else None
    source = wizard.api_secret_source() if hasattr(wizard, "api_secret_source") else "typed"
    return secrets_note(sandbox=bool(getattr(wizard, "sandbox_active", False)) or config.livekit.sandbox,
                        registered=registered is not None, saved=saved.saved if saved else None,
                        problem=saved.problem if saved else None, api_secret_source=source)
