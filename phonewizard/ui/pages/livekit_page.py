"""Page 1: which LiveKit project to register the number in (URL, API key and secret, SIP URI).

Pre-filled by the wizard from the saved profile and LIVEKIT_* variables, or pointed at the
built-in sandbox. "Test connection" runs off the GUI thread on the wizard's AsyncWorker and says
in plain words what happened. The secret stays in memory until Register or "Save profile".
The projects LiveKit's own CLI knows (~/.livekit/cli-config.yaml, app/lk_projects.py) are offered
in "LiveKit CLI project": choosing one fills the URL, key, secret and the SIP URI derived from its
project ID. Such a secret stays in lk's file unless the user ticks "Keep a copy … in the system
keyring" (`api_secret_source()`: "lk-cli" until then, so Register and Save profile leave it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping, Sequence

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from phonewizard.domain.url_safety import insecure_url_findings
from phonewizard.domain.navigation import PageId
from phonewizard.ui.control_words import reword
from phonewizard.ui.pages.base import DraftPage, get_path, set_path
from phonewizard.ui.widgets.enum_props import set_enum_property  # not Qt.*: see there
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.widgets.secret_edit import SecretLineEdit

if TYPE_CHECKING:
    from phonewizard.app.lk_projects import LkProject
    from phonewizard.ui.async_worker import Job

logger = logging.getLogger(__name__)

SIP_URI_HINT = (
    "LiveKit Cloud → Project settings → SIP URI, or run <code>lk project list --json</code>: "
    "ProjectId <code>p_abc</code> gives <code>sip:abc.sip.livekit.cloud</code>. "
    "It is not derived from the wss:// URL."
)
NO_PROJECT_HINT = (
    "No LiveKit project yet? Create one at <a href='https://cloud.livekit.io'>cloud.livekit.io</a> "
    "(Settings → API keys has the key and secret), or keep the sandbox on to try the wizard "
    "first. A self-hosted LiveKit server works too: use its http(s):// or ws(s):// URL; its SIP "
    "URI is the address of your SIP service."
)
LK_PROJECT_HINT = (
    "Projects from the LiveKit CLI (<code>lk project list</code>): choosing one fills the URL, key, "
    "secret and SIP URI. Its secret stays in ~/.livekit/cli-config.yaml and is not copied to "
    "phonewizard's files."
)
LK_SECRET_TEXT = "Keep a co&py of this API secret in the system keyring"
LK_SECRET_TIP = (
    "The secret comes from the LiveKit CLI's configuration, and phonewizard reads it there again "
    "next time. Tick this to keep a copy in the system keyring too (saved on Register or Save profile)."
)
# app/project.SECRET_MISSING in words; not imported: this page paints before pydantic is loaded.
SECRET_MISSING = "enter the API secret that belongs to this key (LiveKit Cloud → Settings → API keys)"


# Registrar.test_connection's count keys, with the words for one and for several.
COUNT_WORDS = (
    ("inbound_trunks", "inbound trunk", "inbound trunks"),
    ("outbound_trunks", "outbound trunk", "outbound trunks"),
    ("dispatch_rules", "dispatch rule", "dispatch rules"),
    ("phonewizard_numbers", "number set up by phonewizard", "numbers set up by phonewizard"),
)


def describe_connection(counts: Mapping[str, int] | None) -> str:
    """'Connected: 2 inbound trunks, 1 outbound trunk, 1 dispatch rule' from the counts
    Registrar.test_connection returns (keys it lacks are left out)."""
    parts = [
        f"{count} {one if count == 1 else several}"
        for key, one, several in COUNT_WORDS
        if (count := (counts or {}).get(key)) is not None
    ]
    return "Connected: " + ", ".join(parts) if parts else "Connected."


# How this page's controls are named in messages (a field path means nothing on screen).
CONTROL_NAMES = {"livekit.url": "the LiveKit URL", "livekit.api_key": "the API key",
                 "livekit.api_secret": "the API secret", "livekit.sip_uri": "the SIP URI"}


def describe_failure(exc: BaseException) -> str:
    """Plain words for the ways a connection test fails; the app's messages already name the
    cause (or the field to fix) and never contain the secret."""
    from phonewizard.app.errors import InvalidInput, LiveKitAuthFailed, LiveKitRefused, LiveKitUnreachable

    if isinstance(exc, InvalidInput):
        field, _, message = exc.problems[0].partition(": ")
        return f"Fix {CONTROL_NAMES.get(field, 'the field marked in red')} first ({message})."
    if isinstance(exc, LiveKitAuthFailed):
        return f"Authentication failed: {exc}"
    if isinstance(exc, LiveKitUnreachable):
        return f"Cannot reach LiveKit: {exc}"
    if isinstance(exc, LiveKitRefused):
        return f"LiveKit refused the request: {exc}"
    return f"The connection test failed: {exc or type(exc).__name__}"


class LiveKitPage(DraftPage):
    page_id = PageId.LIVEKIT
    owned_fields = ("livekit",)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Your LiveKit project")
        self.setSubTitle(
            "Where the phone number's SIP trunks and dispatch rule are created. Find these in "
            "LiveKit Cloud → Settings, or use the built-in sandbox to try everything offline."
        )
        self._test_job: Job | None = None  # the connection test in flight
        self._lk_projects: list[LkProject] = []
        self._lk_secret: str | None = None  # the secret filled from the LiveKit CLI's projects

        self.sandbox_check = QCheckBox("Tr&y it offline with the built-in sandbox")
        self.sandbox_check.setToolTip(
            "Runs a local LiveKit SIP server on this computer: the whole wizard works, nothing is "
            "sent to LiveKit. Switch it off to use your own project."
        )
        self.sandbox_check.toggled.connect(self._on_sandbox_toggled)
        self.sandbox_problem = ProblemLabel()

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("wss://your-project.livekit.cloud")
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("APIxxxxxxxxxxxx")
        self.secret_edit = SecretLineEdit()
        self.sip_uri_edit = QLineEdit()
        self.sip_uri_edit.setPlaceholderText("sip:abc123.sip.livekit.cloud")

        grid = FieldGrid()
        grid.addWidget(self.sandbox_check, 0, 1)
        grid.addWidget(self.sandbox_problem, 1, 1)
        grid.add_spacer_row(8)
        # Offered only when the LiveKit CLI knows projects (set_lk_projects, after start-up).
        self.lk_combo = QComboBox()
        set_enum_property(self.lk_combo, "sizeAdjustPolicy", "AdjustToContents")
        self.lk_combo.activated.connect(self._on_lk_project_chosen)
        self.lk_row = grid.add_field("lk_project", "&LiveKit CLI project:", self.lk_combo,
                                     hint=LK_PROJECT_HINT, reserve=False)
        self._show_lk_row(False)
        # Only offered when it matters: a plain ws:// or http:// URL to another machine.
        self.insecure_check = QCheckBox("Allo&w an unencrypted connection (ws:// or http://) to this server")
        self.insecure_check.setToolTip(
            "The API secret signs every request; over an unencrypted connection anyone on the "
            "network path can read and replay them. Use wss:// or https:// when you can."
        )
        self.insecure_check.hide()
        # Both check boxes only as wide as their text (the click area is the text, not the whole
        # row) and so at the left of their cell: what AlignLeft would do, without Qt.* (enum_props).
        for check in (self.sandbox_check, self.insecure_check):
            check.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        # Its row is kept while hidden: it appears as the user types a ws:// URL, and must not
        # push the fields below it down mid-typing.
        keep_row = self.insecure_check.sizePolicy()
        keep_row.setRetainSizeWhenHidden(True)
        self.insecure_check.setSizePolicy(keep_row)
        self.rows = {}
        self.rows["livekit.url"] = grid.add_field(
            "livekit.url", "LiveKit &URL:", self.url_edit,
            tooltip="Your project's URL, as in LIVEKIT_URL (wss://….livekit.cloud)",
        )
        grid.addWidget(self.insecure_check, grid.rowCount(), 1)
        self.rows["livekit.api_key"] = grid.add_field(
            "livekit.api_key", "API &key:", self.key_edit,
            tooltip="An API key of the project (LIVEKIT_API_KEY); it needs SIP admin rights",
        )
        self.rows["livekit.api_secret"] = grid.add_field(
            "livekit.api_secret", "API s&ecret:", self.secret_edit,
            hint="Kept in memory; saved only to the system keyring, on Register or Save profile.",
            tooltip="The secret of that key (LIVEKIT_API_SECRET). Never written to a file.",
        )
        self.keep_lk_secret_check = QCheckBox(LK_SECRET_TEXT)
        self.keep_lk_secret_check.setToolTip(LK_SECRET_TIP)
        self.keep_lk_secret_check.hide()
        grid.addWidget(self.keep_lk_secret_check, grid.rowCount(), 1)
        self.rows["livekit.sip_uri"] = grid.add_field(
            "livekit.sip_uri", "S&IP URI:", self.sip_uri_edit, hint=SIP_URI_HINT,
            tooltip="The address your carrier sends calls to; shown again on the result page",
        )
        self.body.addLayout(grid)
        for path, row in self.rows.items():
            if path != "livekit.api_secret":
                self.bind_field(path, row.problem)
        self.bind_custom("livekit.api_secret", self._show_secret_problems)
        self.bind_field("livekit.allow_insecure_transport", self.rows["livekit.url"].problem)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setToolTip("Lists the project's SIP trunks and rules, changing nothing")
        self.test_button.clicked.connect(self.test_connection)
        self.test_status = hint_label("")
        set_enum_property(self.test_status, "textFormat", "PlainText")
        self.test_status.setAccessibleName("Connection test result")
        test_row = QHBoxLayout()
        test_row.setSpacing(10)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_status, 1)
        # In the field column, so the button lines up with the fields it tests.
        grid.add_spacer_row(6)
        grid.addLayout(test_row, grid.rowCount(), 1)
        grid.add_spacer_row(16)
        grid.addWidget(hint_label(NO_PROJECT_HINT), grid.rowCount(), 1)
        self.body.addStretch(1)

        self.watch(self.url_edit.textChanged, self.key_edit.textChanged, self.secret_edit.textChanged,
                   self.sip_uri_edit.textChanged, self.insecure_check.toggled)
        self.url_edit.textChanged.connect(self._update_insecure_option)
        for edit in (self.url_edit, self.key_edit, self.secret_edit):
            edit.textChanged.connect(self._forget_test_result)
        self.secret_edit.textChanged.connect(self._update_lk_secret_option)
        self.setTabOrder(self.sandbox_check, self.url_edit)
        self.setTabOrder(self.url_edit, self.insecure_check)
        self.setTabOrder(self.insecure_check, self.key_edit)
        self.setTabOrder(self.key_edit, self.secret_edit)
        self.setTabOrder(self.secret_edit.line_edit, self.secret_edit.reveal_button)
        self.setTabOrder(self.secret_edit.reveal_button, self.sip_uri_edit)
        self.setTabOrder(self.sip_uri_edit, self.test_button)

    def preferred_focus(self) -> QWidget | None:
        """The URL field gets the keyboard focus when the page opens (ui/keyboard.py), not the
        sandbox check box above it; in sandbox mode the fields are disabled and the box gets it."""
        return self.url_edit if self.url_edit.isEnabled() else self.sandbox_check

    # --- draft ------------------------------------------------------------------------------

    def load(self, draft: MutableMapping[str, Any]) -> None:
        self.url_edit.setText(str(get_path(draft, "livekit.url") or ""))
        self.key_edit.setText(str(get_path(draft, "livekit.api_key") or ""))
        self.secret_edit.setText(str(get_path(draft, "livekit.api_secret") or ""))
        self.sip_uri_edit.setText(str(get_path(draft, "livekit.sip_uri") or ""))
        self.insecure_check.setChecked(get_path(draft, "livekit.allow_insecure_transport") is True)
        self._update_insecure_option()
        # Start of the wizard with values already there: show their problems in full.
        self.pristine = not any(e.text() for e in (self.url_edit, self.key_edit))

    def store(self, draft: MutableMapping[str, Any]) -> None:
        set_path(draft, "livekit.url", self.url_edit.text().strip(" "))
        set_path(draft, "livekit.api_key", self.key_edit.text().strip(" "))
        set_path(draft, "livekit.api_secret", self.secret_edit.text())
        set_path(draft, "livekit.sip_uri", self.sip_uri_edit.text().strip(" ") or None)
        set_path(draft, "livekit.allow_insecure_transport", True if self.insecure_check.isChecked() else None)

    def set_sandbox_mode(self, active: bool) -> None:
        super().set_sandbox_mode(active)
        self._show_sandbox_checked(active)
        # Where the sandbox listens when its usual port was taken (ui/sandbox_port.py).
        from phonewizard.ui.sandbox_port import port_note

        note = port_note(getattr(self.wizard(), "sandbox", None)) if active else None
        if note:
            self.sandbox_problem.show_warning(note)
        elif self.sandbox_problem.kind == "warning":
            self.sandbox_problem.clear_problem()
        # The sandbox's own values are not editable: change them by switching it off.
        for edit in (self.url_edit, self.key_edit, self.secret_edit, self.sip_uri_edit):
            edit.setEnabled(not active)
        self.test_status.setText("")

    def _update_insecure_option(self) -> None:
        # The same rule the validation applies, so the option appears exactly when it is needed.
        try:
            plain_remote = bool(insecure_url_findings(self.url_edit.text().strip(" ")))
        except ValueError:  # not a URL at all: the URL field's own error says so
            plain_remote = False
        self.insecure_check.setVisible(plain_remote or self.insecure_check.isChecked())

    @Slot()
    def _forget_test_result(self) -> None:
        """A result for other values would mislead: clear it when they change."""
        if self._test_job is None:
            self.test_status.setText("")

    # --- the LiveKit CLI's projects -------------------------------------------------------------

    def set_lk_projects(self, projects: Sequence[LkProject], default: str = "") -> None:
        """Offer these projects (none: the row stays hidden). `default` is marked as lk's default."""
        self._lk_projects = list(projects)
        self.lk_combo.clear()
        self.lk_combo.addItem("Choose a project…", None)
        for index, project in enumerate(self._lk_projects):
            mark = " (default)" if project.name == default else ""
            self.lk_combo.addItem(f"{project.name}{mark} — {project.url}", index)
        self._show_lk_row(bool(self._lk_projects))

    def _show_lk_row(self, visible: bool) -> None:
        for widget in (self.lk_row.label, self.lk_combo, self.lk_row.hint, self.lk_row.problem):
            if widget is not None:
                widget.setVisible(visible)

    @Slot(int)
    def _on_lk_project_chosen(self, index: int) -> None:
        position = self.lk_combo.itemData(index)
        if position is not None:
            self.use_lk_project(self._lk_projects[position])

    def use_lk_project(self, project: LkProject) -> None:
        """Fill the fields from `project` (the sandbox is switched off first), as one edit."""
        from phonewizard.app.lk_projects import project_fields

        wizard = self.wizard()
        if wizard is not None and wizard.sandbox_active:
            wizard.set_sandbox_active(False)
        fields = project_fields(project)
        with self.loading():
            self.url_edit.setText(fields["url"])
            self.key_edit.setText(fields["api_key"])
            self.secret_edit.setText(project.api_secret)
            self.sip_uri_edit.setText(fields.get("sip_uri", ""))
        self.mark_lk_secret(project.api_secret)
        self.notify_edited()

    def mark_lk_secret(self, secret: str) -> None:
        """The secret field holds `secret` from the LiveKit CLI's projects: offer to keep a copy."""
        self._lk_secret = secret
        self.keep_lk_secret_check.setChecked(False)
        self._update_lk_secret_option()

    def _secret_from_lk(self) -> bool:
        return bool(self._lk_secret) and self.secret_edit.text() == self._lk_secret

    @Slot()
    def _update_lk_secret_option(self) -> None:
        self.keep_lk_secret_check.setVisible(self._secret_from_lk())

    def api_secret_source(self) -> str:
        """"lk-cli" while the secret is the LiveKit CLI's and no copy was asked for; else "typed"."""
        if self._secret_from_lk() and not self.keep_lk_secret_check.isChecked():
            return "lk-cli"
        return "typed"

    # --- completeness: check_config does not require the secret (files never hold it) -------

    def _secret_missing(self) -> bool:
        return not self.secret_edit.text()

    def _show_secret_problems(self, errors, warnings):
        label = self.rows["livekit.api_secret"].problem
        message = reword(errors[0].message) if errors else (SECRET_MISSING if self._secret_missing() else None)
        if message and self.pristine:
            label.show_pending(message)
        else:
            label.show_problem(message, reword(warnings[0].message) if warnings else None)
        return ()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return super().isComplete() and not self._secret_missing()

    # --- actions ----------------------------------------------------------------------------

    @Slot(bool)
    def _on_sandbox_toggled(self, checked: bool) -> None:
        wizard = self.wizard()
        self.sandbox_problem.clear_problem()
        try:
            wizard.set_sandbox_active(checked)
        except Exception as exc:  # noqa: BLE001 - a port or state-file problem, shown inline
            logger.warning("sandbox did not start: %s", exc, exc_info=True)  # a bug shows here
            self.sandbox_problem.show_error(f"The sandbox could not start: {exc}")
            self._show_sandbox_checked(False)

    def _show_sandbox_checked(self, checked: bool) -> None:
        """Set the check box to the wizard's state without it asking the wizard again."""
        self.sandbox_check.blockSignals(True)
        self.sandbox_check.setChecked(checked)
        self.sandbox_check.blockSignals(False)

    @Slot()
    def test_connection(self) -> Job | None:
        """Start the check on the worker; returns its job (None when the input is unusable)."""
        from phonewizard.app.errors import InvalidInput, LiveKitError
        from phonewizard.app.registrations import test_connection

        wizard = self.wizard()
        try:
            connection = wizard.connection()
        except (InvalidInput, LiveKitError) as exc:
            self._show_test_result(describe_failure(exc), ok=False)
            return None
        self._show_test_result("Connecting…", ok=None)
        self.test_button.setEnabled(False)
        job = self._test_job = wizard.worker.submit(lambda: test_connection(connection))
        # Bound slots, not lambdas: Qt drops them if the page is gone before the answer arrives.
        job.finished.connect(self._on_test_finished)
        job.failed.connect(self._on_test_failed)
        job.cancelled.connect(self._on_test_cancelled)  # only at shutdown: nothing else cancels it
        return job

    @Slot(object)
    def _on_test_finished(self, counts: Mapping[str, int]) -> None:
        self._end_test(describe_connection(counts), ok=True)

    @Slot(object)
    def _on_test_failed(self, exc: BaseException) -> None:
        self._end_test(describe_failure(exc), ok=False)

    @Slot()
    def _on_test_cancelled(self) -> None:
        self._end_test("The connection test was cancelled.", ok=False)

    def _end_test(self, text: str, ok: bool) -> None:
        self._test_job = None
        self.test_button.setEnabled(True)
        self._show_test_result(text, ok=ok)

    def _show_test_result(self, text: str, ok: bool | None) -> None:
        set_tone(self.test_status, {True: "ok", False: "error", None: "hint"}[ok])
        self.test_status.setText(text)
