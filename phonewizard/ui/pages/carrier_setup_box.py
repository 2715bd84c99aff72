""""Set up Twilio / Telnyx for me": the carrier set-up controls on the Inbound calls page.

Ticked, phonewizard configures the carrier through its API after LiveKit's objects, all or nothing
(docs/carrier-setup.md). The box writes two places of the draft: the choice and its options to
`registration.provider_config.carrier_setup` (never a secret: Account SID, API key SID, a trunk or
connection to reuse, whether to move the number), and the credential to the top-level
`carrier_secret`, which check_config validates like any field, config_to_document never writes and
the keyring receives only after a successful Register (app/secrets.py). In sandbox mode the
stand-ins' throwaway credentials are filled in and the box says so.

Problems come from the one model: each row is bound to its field path; `missing()` says what the
set-up still needs (the credential, Twilio's Account SID), like the LiveKit page's secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, MutableMapping

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from phonewizard.ui.pages.base import get_path, set_path
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.widgets.secret_edit import SecretLineEdit
from phonewizard.ui.control_words import reword

if TYPE_CHECKING:
    from phonewizard.ui.pages.base import DraftPage
    from phonewizard.ui.sandbox_carriers import CarrierStandIns

SECTION = "registration.provider_config.carrier_setup"
SECRET = "carrier_secret"
API_CARRIERS = {"twilio": "Twilio", "telnyx": "Telnyx"}
OPTIONS = {"twilio": ("account_sid", "api_key", "trunk_sid"), "telnyx": ("connection_id", "outbound_voice_profile_id")}
WHAT = {
    "twilio": "phonewizard finds or creates the Elastic SIP trunk, points its origination at LiveKit, adds the "
              "credential list for outbound calls and attaches your number. The review page lists every step.",
    "telnyx": "phonewizard finds or creates an FQDN connection to LiveKit (+E.164 number formats, the outbound "
              "credentials and voice profile) and assigns your number to it. The review page lists every step.",
}
ALL_OR_NOTHING = ("If a step fails, everything made at the carrier is removed, what was changed is restored, and "
                  "LiveKit's objects are rolled back too. Leave this off to follow the carrier's steps yourself.")
SECRET_HINT = "Kept in your system keyring after a successful Register; never written to a file."
MOVE_WARNING = ("Only tick this if the number may leave where it is now: at Register, a number on another {thing} "
                "is taken off it, and calls stop reaching wherever that {thing} sends them.")
MOVE_OFF = "Left off, phonewizard stops before changing anything and names the {thing} the number is on."
STAND_IN_TEXT = ("Sandbox: these are the local {label} stand-in's throwaway credentials. Nothing is sent to "
                 "{label}; the stand-in owns whatever number you enter.")


class CarrierSetupBox(QGroupBox):
    """The controls; the Inbound calls page loads, stores and binds them (see module doc).

    Signals:
        changed(): the user changed something here.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Carrier set-up", parent)
        self.provider: str | None = None
        self._stand_ins: CarrierStandIns | None = None
        self._stale = False  # the provider changed under a stored set-up: the draft needs a store

        layout = QVBoxLayout(self)
        self.enable_check = QCheckBox("Set up Twilio for &me")
        layout.addWidget(self.enable_check)
        self.what_label = hint_label("")
        layout.addWidget(self.what_label)
        self.problem = ProblemLabel()  # the section's own problems (e.g. not for this carrier)
        layout.addWidget(self.problem)

        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        self.stand_in_label = QLabel()  # sandbox: whose credentials these are, above them
        self.stand_in_label.setObjectName("standInBanner")
        self.stand_in_label.setWordWrap(True)
        self.stand_in_label.setStyleSheet(
            "QLabel#standInBanner { background: #fff4ce; color: #4d3800; border: 1px solid #e0c35a;"
            " border-radius: 4px; padding: 4px 8px; }")
        self.stand_in_label.setAccessibleName("Carrier stand-in")
        details.addWidget(self.stand_in_label)
        grid = FieldGrid()
        details.addLayout(grid)
        self.method_combo = QComboBox()
        self.method_combo.addItem("Account SID and Auth Token", "token")
        self.method_combo.addItem("API key and secret", "api_key")
        self.rows = {}
        self.rows["method"] = grid.add_field(f"{SECTION}.method", "Sign &in with:", self.method_combo)
        self.account_edit, self.key_edit = QLineEdit(), QLineEdit()
        self.account_edit.setPlaceholderText("AC followed by 32 characters")
        self.key_edit.setPlaceholderText("SK followed by 32 characters")
        self.rows["account_sid"] = grid.add_field(
            f"{SECTION}.account_sid", "Acco&unt SID:", self.account_edit,
            hint="Twilio Console home page, under Account info. Not a secret: it is saved with your settings.")
        self.rows["api_key"] = grid.add_field(
            f"{SECTION}.api_key", "API &key SID:", self.key_edit,
            hint="Twilio Console → Account → API keys and tokens. A Standard key is enough.")
        self.secret_edit = SecretLineEdit()
        self.rows[SECRET] = grid.add_field(SECRET, "Auth &Token:", self.secret_edit, hint=SECRET_HINT)
        self.trunk_edit, self.connection_edit, self.profile_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.trunk_edit.setPlaceholderText("TK… (empty: found by its name or termination domain, else created)")
        self.connection_edit.setPlaceholderText("empty: phonewizard's own, found by its name, else created")
        self.profile_edit.setPlaceholderText("empty: phonewizard's own, found by its name, else created")
        self.rows["trunk_sid"] = grid.add_field(f"{SECTION}.trunk_sid", "E&xisting trunk (optional):", self.trunk_edit)
        self.rows["connection_id"] = grid.add_field(
            f"{SECTION}.connection_id", "Existing conn&ection (optional):", self.connection_edit)
        self.rows["outbound_voice_profile_id"] = grid.add_field(
            f"{SECTION}.outbound_voice_profile_id", "Outbound voice profi&le (optional):", self.profile_edit)
        self.move_check = QCheckBox("Mo&ve the number here if it is on another trunk")
        self.rows["move_number"] = grid.add_field(f"{SECTION}.move_number", "Number:", self.move_check)
        self.move_note = QLabel()
        self.move_note.setWordWrap(True)
        grid.addWidget(self.move_note, grid.rowCount(), 1)
        self.sip_uri_note = ProblemLabel()
        grid.addWidget(self.sip_uri_note, grid.rowCount(), 0, 1, 2)
        layout.addWidget(self.details)

        for signal in (self.enable_check.toggled, self.method_combo.currentIndexChanged, self.account_edit.textChanged,
                       self.key_edit.textChanged, self.secret_edit.textChanged, self.trunk_edit.textChanged,
                       self.connection_edit.textChanged, self.profile_edit.textChanged, self.move_check.toggled):
            signal.connect(self._on_changed)
        self.enable_check.toggled.connect(self._fill_from_stand_in)
        self.method_combo.currentIndexChanged.connect(self._on_method_changed)
        self.set_provider(None)

    # ---- what the page calls ---------------------------------------------------------------
    def bind(self, page: DraftPage) -> None:
        """Route each field's problems to its row (the secret's own sink adds "required")."""
        for key, row in self.rows.items():
            if key not in ("method", SECRET):
                page.bind_field(row.path, row.problem)
        page.bind_field(SECTION, self.problem)
        page.bind_custom(SECRET, self._secret_problems)

    def set_provider(self, provider: Any) -> None:
        provider = provider if isinstance(provider, str) and provider else None
        if self.provider in API_CARRIERS and provider in API_CARRIERS and provider != self.provider:
            self.secret_edit.setText("")  # a Twilio token is no Telnyx key
            self._stale = True
        self.provider = provider
        label = API_CARRIERS.get(provider or "")
        self.enable_check.setText(f"Set up {label} for &me" if label else
                                  "Set up the carrier for &me (Twilio and Telnyx only: turn it off)")
        self.setTitle(f"{label}'s side" if label else "Carrier set-up")
        self.what_label.setText(f"{WHAT[provider]} {ALL_OR_NOTHING}" if label else "")
        self._update_visibility()

    def set_stand_ins(self, stand_ins: CarrierStandIns | None) -> None:
        self._stand_ins = stand_ins
        self._update_visibility()

    def load(self, draft: MutableMapping[str, Any]) -> None:
        section = get_path(draft, SECTION)
        before = self.provider
        self.set_provider(get_path(draft, "registration.provider"))
        switched = before in API_CARRIERS and self.provider in API_CARRIERS and before != self.provider
        on = section is True or (isinstance(section, dict) and section.get("enabled", True) is not False)
        values = section if isinstance(section, dict) else {}
        text = lambda key: str(values.get(key) or "")  # noqa: E731 - a hand-written file may hold anything
        self.enable_check.setChecked(bool(on))
        self.method_combo.setCurrentIndex(1 if values.get("api_key") else 0)
        for key, edit in (("account_sid", self.account_edit), ("api_key", self.key_edit), ("trunk_sid", self.trunk_edit),
                          ("connection_id", self.connection_edit), ("outbound_voice_profile_id", self.profile_edit)):
            edit.setText(text(key))
        self.move_check.setChecked(values.get("move_number") is True)
        secret = draft.get(SECRET)
        # After a switch of carrier the draft's key is the other carrier's: it is not shown (and the
        # store that follows drops it); in the sandbox the new stand-in's is filled in instead.
        self.secret_edit.setText(secret if isinstance(secret, str) and not switched else "")
        if switched and on and self._stand_ins is not None:
            self._fill(self._stand_ins.credentials(self.provider, False))
        self._stale = self._stale or bool(on and set(values) - {"enabled", "move_number", *OPTIONS.get(self.provider or "", ())})
        self._update_visibility()

    def needs_store(self) -> bool:
        """The draft holds options (or a credential) of another carrier: store once on entering."""
        stale, self._stale = self._stale, False
        return stale

    def store(self, draft: MutableMapping[str, Any]) -> None:
        current = get_path(draft, SECTION)
        if not self.enable_check.isChecked():
            if not (isinstance(current, dict) and current.get("enabled") is False):  # keep a file's "off"
                set_path(draft, SECTION, None)
            draft.pop(SECRET, None)
            return
        if self.provider not in API_CARRIERS:
            return  # left as it is: the model says it is not for this carrier, next to the box
        section = dict(current) if isinstance(current, dict) else {}  # unknown keys stay, with their error
        section.pop("enabled", None)
        values = {"account_sid": self.account_edit.text(), "api_key": self.key_edit.text(),
                  "trunk_sid": self.trunk_edit.text(), "connection_id": self.connection_edit.text(),
                  "outbound_voice_profile_id": self.profile_edit.text()}
        if self.method_combo.currentData() != "api_key":
            values["api_key"] = ""
        for key, value in values.items():
            value = value.strip(" ") if key in OPTIONS[self.provider] else ""
            if value:
                section[key] = value
            else:
                section.pop(key, None)
        if self.move_check.isChecked():
            section["move_number"] = True
        else:
            section.pop("move_number", None)
        set_path(draft, SECTION, section or True)
        secret = self.secret_edit.text()
        if secret:
            draft[SECRET] = secret
        else:
            draft.pop(SECRET, None)

    def missing(self) -> str | None:
        """What the set-up still needs before Register, or None (also None when it is off)."""
        if not self.enable_check.isChecked() or self.provider not in API_CARRIERS:
            return None
        from phonewizard.app.carrier_typed import ACCOUNT_MISSING, SECRET_MISSING, secret_kind

        if self.provider == "twilio" and not self.account_edit.text().strip(" "):
            return ACCOUNT_MISSING
        if not self.secret_edit.text():
            api_key = self.method_combo.currentData() == "api_key"
            return SECRET_MISSING[secret_kind(self.provider, "SK" if api_key else None)]
        return None

    def show_sip_uri_problem(self, message: str | None) -> None:
        if message and self.enable_check.isChecked():
            self.sip_uri_note.show_error(f"Your LiveKit project's SIP URI is missing (first page): {message}")
        else:
            self.sip_uri_note.clear_problem()

    # ---- display -----------------------------------------------------------------------------
    def _secret_problems(self, errors, warnings):
        label = self.rows[SECRET].problem
        message = reword(errors[0].message) if errors else None
        if message is None and not self.secret_edit.text() and self.enable_check.isChecked():
            message = self.missing()
        label.show_problem(message, reword(warnings[0].message) if warnings else None)
        return ()

    def _update_visibility(self) -> None:
        twilio, telnyx = self.provider == "twilio", self.provider == "telnyx"
        api_key = self.method_combo.currentData() == "api_key"
        self.setVisible(twilio or telnyx or self.enable_check.isChecked())
        self.details.setVisible(self.enable_check.isChecked() and (twilio or telnyx))
        for key, shown in (("method", twilio), ("account_sid", twilio), ("api_key", twilio and api_key),
                           ("trunk_sid", twilio), ("connection_id", telnyx), ("outbound_voice_profile_id", telnyx)):
            row = self.rows[key]
            for widget in (row.label, row.editor, row.hint):
                if widget is not None:
                    widget.setVisible(shown)
            if not shown:
                row.problem.clear_problem()
        secret_label = "API &key:" if telnyx else ("API key secre&t:" if api_key else "Auth &Token:")
        self.rows[SECRET].label.setText(secret_label)
        self.secret_edit.setAccessibleName(secret_label.replace("&", ""))
        thing = "connection" if telnyx else "trunk"
        self.move_check.setText(f"Mo&ve the number here if it is on another {thing}")
        moving = self.move_check.isChecked()
        self.move_note.setText((MOVE_WARNING if moving else MOVE_OFF).format(thing=thing))
        set_tone(self.move_note, "warning" if moving else "hint")
        label = API_CARRIERS.get(self.provider or "")
        self.stand_in_label.setText(STAND_IN_TEXT.format(label=label) if label else "")
        self.stand_in_label.setVisible(self._stand_ins is not None and bool(label))

    @Slot()
    def _on_changed(self, *_args: object) -> None:
        self._update_visibility()
        self.changed.emit()

    @Slot(bool)
    def _fill_from_stand_in(self, checked: bool) -> None:
        """Sandbox: ticking the box fills in the stand-in's credentials where nothing is typed."""
        if checked and self._stand_ins is not None and self.provider in API_CARRIERS and not self.secret_edit.text():
            self._fill(self._stand_ins.credentials(self.provider, self.method_combo.currentData() == "api_key"))

    @Slot()
    def _on_method_changed(self) -> None:
        if self._stand_ins is not None and self.provider == "twilio" and self.enable_check.isChecked():
            self.secret_edit.setText("")  # the other method's secret: the stand-in's one replaces it
            self._fill(self._stand_ins.credentials("twilio", self.method_combo.currentData() == "api_key"))

    def _fill(self, values: dict[str, str]) -> None:
        for key, edit in (("account_sid", self.account_edit), ("api_key", self.key_edit), (SECRET, self.secret_edit)):
            if key in values:
                edit.setText(values[key])
