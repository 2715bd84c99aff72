"""`PhoneWizard`: the QWizard that holds the one draft, validates it on every edit and runs the
sandbox and the async worker every page shares.

Pages are registered with `setPage(PageId.X, page)` (ids from domain/navigation.py); each page's
`nextId()` asks the pure `next_page`. After any edit the page stores into `self.draft`, then
`check_config(draft)` runs once and every page receives the Report (DESIGN.md "Conventions").

The wizard owns two helpers, each with a narrow interface:
- `startup` (ui/startup.py `Startup`): the second half of start-up — pages 2-9, then
  `profile.prefill` — run right away, or with `defer_startup=True` (what run_gui uses) after page
  1 first paints or at the first user input, whichever comes first. Until then `draft` holds what
  the LIVEKIT_* variables say (page 1 shows it), `report` is None and no page is complete.
- `profile` (ui/wizard_profile.py `ProfileActions`): prefill, Open configuration…, Save profile.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from phonewizard import APP_NAME
from phonewizard.app.environment import environment_livekit
from phonewizard.domain.navigation import PageId
from phonewizard.ui import gui_collector
from phonewizard.ui.discard_guard import DiscardGuard
from phonewizard.ui.pages.base import DraftPage
from phonewizard.ui.pages.livekit_page import LiveKitPage
from phonewizard.ui.keyboard import install_keyboard
from phonewizard.ui.startup import Startup
from phonewizard.ui.window_size import fit_to_screen
from phonewizard.ui.wizard_profile import SAVE_TEXT, ProfileActions

if TYPE_CHECKING:
    from phonewizard.domain.report import Report
    from phonewizard.sandbox import SandboxServer
    from phonewizard.services.livekit_client import Connection
    from phonewizard.app.secrets import SecretStore
    from phonewizard.ui.adoption_gate import AdoptionGate
    from phonewizard.ui.async_worker import AsyncWorker
    from phonewizard.ui.sandbox_carriers import CarrierStandIns

# Nothing above imports pydantic, keyring, phonenumbers, aiohttp or protobuf: page 1 paints with
# Qt and its own widgets only; the rest is imported when start-up runs (ui/startup.py).

logger = logging.getLogger(__name__)

ORGANIZATION = "phonewizard"
MINIMUM_SIZE = (860, 640)
DEFAULT_SIZE = (940, 720)


def default_settings() -> QSettings:
    """UI state only (window size, last profile path); the configuration lives in JSON files."""
    return QSettings(ORGANIZATION, APP_NAME)


def sandbox_state_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sandbox-state.json"


def _start_sandbox() -> SandboxServer:
    """On port 7880 (an exported configuration names it), else on a free one: ui/sandbox_port.py."""
    from phonewizard.ui.sandbox_port import start_sandbox

    return start_sandbox(sandbox_state_path(), os.environ)


def _start_carrier_stand_ins() -> CarrierStandIns:
    from phonewizard.ui.sandbox_carriers import CarrierStandIns

    return CarrierStandIns.start()


class PhoneWizard(QWizard):
    """The wizard window.

    Attributes:
        draft: the one config-shaped dict every page edits (before start-up has run: only the
            LiveKit fields the environment sets).
        report: the last `check_config(draft)`; None until start-up has run.
        startup: the second half of start-up (`startup.done`, `startup.finished`).
        profile: the profile and file actions (`profile.save()`, `profile.saved`, …).
        secrets: the SecretStore (keyring) used for the API secret and SIP password.
        sandbox: the running SandboxServer while sandbox mode is on, else None.
        carrier_stand_ins: the Twilio and Telnyx stand-ins running beside it (ui/sandbox_carriers.py),
            else None.
        environ: the environment the wizard was started with (PHONEWIZARD_*_BASE_URL for carriers).
        notices: file-level notices shown on every page.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        secrets: SecretStore | None = None,
        settings: QSettings | None = None,
        profile_path: str | Path | None = None,
        sandbox_factory: Callable[[], SandboxServer] = _start_sandbox,
        carrier_stand_ins_factory: Callable[[], CarrierStandIns] = _start_carrier_stand_ins,
        worker: AsyncWorker | None = None,
        defer_startup: bool = False,
    ) -> None:
        super().__init__(parent)
        gui_collector.install()  # before any thread of ours (worker, sandbox) can collect Qt objects
        environ = os.environ if environ is None else environ
        self._secrets = secrets
        self.settings = settings if settings is not None else default_settings()
        self._sandbox_factory = sandbox_factory
        self._carrier_stand_ins_factory = carrier_stand_ins_factory
        self.sandbox: SandboxServer | None = None
        self.carrier_stand_ins: CarrierStandIns | None = None
        self.environ = environ
        self._worker = worker
        self._adoption: AdoptionGate | None = None
        self.notices: list[str] = []
        # Page 1 shows this until start-up loads the profile (with these same values on top).
        self.draft: dict[str, Any] = {"livekit": environment_livekit(environ)}
        self.report: Report | None = None
        self.profile = ProfileActions(self, profile_path)
        self.discard_guard = DiscardGuard(self)  # Cancel with unsaved edits asks first
        self.profile.saved.connect(lambda path: self.discard_guard.saved() if path is not None else None)
        self.currentIdChanged.connect(lambda page: self.discard_guard.saved() if page == PageId.RESULT else None)
        self.startup = Startup(self, lambda: self.profile.prefill(environ))

        self.setWindowTitle("Phone Wizard — connect a phone number to your LiveKit agent")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # After Register the objects exist: the last page offers Finish, not a Cancel that undoes nothing.
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton2, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "&Open configuration…")
        self.setButtonText(QWizard.WizardButton.CustomButton2, SAVE_TEXT)
        self.button(QWizard.WizardButton.CustomButton1).setToolTip(
            "Load a configuration file exported earlier into every page"
        )
        self.setButtonLayout(
            [
                QWizard.WizardButton.CustomButton1,
                QWizard.WizardButton.CustomButton2,
                QWizard.WizardButton.HelpButton,  # "About", shown by ui/about.install_about
                QWizard.WizardButton.Stretch,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.CommitButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self.button(QWizard.WizardButton.CustomButton1).clicked.connect(self.profile.open_configuration)
        self.button(QWizard.WizardButton.CustomButton2).clicked.connect(self.profile.save)
        self._install_about()
        self.setMinimumSize(*MINIMUM_SIZE)

        self.setPage(PageId.LIVEKIT, LiveKitPage())
        self.setStartId(PageId.LIVEKIT)
        self._restore_window_state()
        fit_to_screen(self)  # never larger than the screen; pages scroll (ui/window_size.py)
        install_keyboard(self)  # focus, Enter and mnemonics (ui/keyboard.py)
        if defer_startup:
            self.startup.defer()
        else:
            self.startup.run()

    @property
    def secrets(self) -> SecretStore:
        """The SecretStore (system keyring), created on first use: keyring's import is slow."""
        if self._secrets is None:
            from phonewizard.app.secrets import SecretStore

            self._secrets = SecretStore()
        return self._secrets

    def _install_about(self) -> None:
        """The About button (QWizard's Help button); here rather than in run_gui so every wizard,
        including the tests' and screenshots', has it. The window icon follows in start-up."""
        from phonewizard.ui.about import install_about

        install_about(self)

    # --- pages ----------------------------------------------------------------------------

    def setPage(self, page_id: int, page: QWizardPage) -> None:  # noqa: N802 - Qt override
        """Register a page and, for a DraftPage, wire it to the draft, the report and the banner."""
        super().setPage(int(page_id), page)
        if isinstance(page, DraftPage):
            page.edited.connect(lambda p=page: self.on_page_edited(p))
            page.set_sandbox_mode(self.sandbox_active)
            page.set_notices(self.notices)
            if self.report is not None:
                page.apply_report(self.report)

    def set_notices(self, notices: list[str]) -> None:
        """Show file-level notices (not field problems) on every page."""
        self.notices = list(notices)
        for page in self.draft_pages():
            page.set_notices(self.notices)

    def draft_pages(self) -> list[DraftPage]:
        return [p for p in (self.page(i) for i in self.pageIds()) if isinstance(p, DraftPage)]

    def on_page_edited(self, page: DraftPage) -> None:
        page.store(self.draft)
        self.discard_guard.edited()
        self.revalidate()

    def revalidate(self) -> Report:
        """Run the one validation over the whole draft and give every page the result."""
        from phonewizard.domain.report import check_config  # loaded with pages 2-9 already

        self.report = check_config(self.draft)
        for page in self.draft_pages():
            page.apply_report(self.report)
        return self.report

    def load_draft(self, draft: dict[str, Any]) -> None:
        """Replace the draft (an opened file) and refill every page from it."""
        self.draft = draft
        self.discard_guard.saved()  # what was edited before is replaced, not lost by a Cancel
        for page in self.draft_pages():
            page.load_from(self.draft)
        self.revalidate()

    # --- services shared by the pages -------------------------------------------------------

    @property
    def worker(self) -> AsyncWorker:
        """The AsyncWorker (one asyncio loop in a thread), created on first use."""
        if self._worker is None:
            from phonewizard.ui.async_worker import AsyncWorker

            self._worker = AsyncWorker(self)
        return self._worker

    @property
    def adoption(self) -> AdoptionGate:
        """Which objects made outside phonewizard Register may take over (ui/adoption_gate.py);
        armed by the registrations page's Adopt, asked by the review page. Created on first use."""
        if self._adoption is None:
            from phonewizard.ui.adoption_gate import AdoptionGate

            self._adoption = AdoptionGate(self)
        return self._adoption

    def connection(self) -> Connection:
        """The Connection for the draft's LiveKit profile, validated as files are. Raises
        InvalidInput (naming the fields to fix) or a LiveKitError when it is unusable."""
        from phonewizard.app.project import typed_connection

        livekit = self.draft.get("livekit")
        return typed_connection(livekit if isinstance(livekit, dict) else {})

    def api_secret_source(self) -> str:
        """"typed", or "lk-cli" for a LiveKit CLI secret the user did not ask to keep (page 1)."""
        return self.page(PageId.LIVEKIT).api_secret_source()

    # --- sandbox ----------------------------------------------------------------------------

    @property
    def sandbox_active(self) -> bool:
        return self.sandbox is not None

    def set_sandbox_active(self, active: bool) -> None:
        """Start the local LiveKit SIP server and point the draft at it, or stop it and clear
        the fields it filled. Raises OSError-like exceptions from the server start to the caller."""
        if active == self.sandbox_active:
            return
        if active:
            self.sandbox = self._sandbox_factory()
            self._start_carrier_stand_ins()
            self.point_at_sandbox(self.draft)
        else:
            server, self.sandbox = self.sandbox, None
            livekit = self.draft.setdefault("livekit", {})
            livekit.pop("sandbox", None)
            if livekit.get("url") == server.url:
                livekit.update(url="", api_key="", api_secret="")
                livekit.pop("sip_uri", None)
            server.stop_thread()
            self._stop_carrier_stand_ins(self.draft)
        for page in self.draft_pages():
            page.set_sandbox_mode(active)
            page.load_from(self.draft)
        self.button(QWizard.WizardButton.CustomButton2).setEnabled(not active)
        self.button(QWizard.WizardButton.CustomButton2).setToolTip(
            "Sandbox settings are not saved as a profile; switch the sandbox off first"
            if active
            else "Save the LiveKit profile (secret to the system keyring) and this draft"
        )
        self.revalidate()

    def point_at_sandbox(self, draft: dict[str, Any]) -> None:
        """Put the running sandbox's URL, key, secret and SIP URI into `draft` (sandbox mode on)."""
        livekit = draft.get("livekit")
        if not isinstance(livekit, dict):  # a hand-written file's "livekit": "…"
            livekit = draft["livekit"] = {}
        livekit.update(
            url=self.sandbox.url,
            api_key=self.sandbox.api_key,
            api_secret=self.sandbox.api_secret,
            sip_uri=self.sandbox.sip_uri,
            sandbox=True,  # marks an export, so `register` can say "start `phonewizard sandbox`"
        )
        if self.carrier_stand_ins is not None:  # "Set up … for me" talks to the stand-ins
            self.carrier_stand_ins.fill_draft(draft)

    def _start_carrier_stand_ins(self) -> None:
        """The Twilio and Telnyx stand-ins beside the sandbox. Without them the sandbox still
        works; only "Set up … for me" cannot be tried, and every page says why."""
        try:
            self.carrier_stand_ins = self._carrier_stand_ins_factory()
        except Exception as exc:  # noqa: BLE001 - a taken port must not take the sandbox down
            logger.warning("carrier stand-ins did not start: %s", exc)
            self.set_notices([*self.notices, f"The Twilio and Telnyx stand-ins could not start ({exc}); "
                                             "“Set up … for me” cannot be tried in the sandbox."])

    def _stop_carrier_stand_ins(self, draft: dict[str, Any]) -> None:
        stand_ins, self.carrier_stand_ins = self.carrier_stand_ins, None
        if stand_ins is not None:
            stand_ins.clear_draft(draft)
            stand_ins.stop()

    # --- window state -----------------------------------------------------------------------

    def _restore_window_state(self) -> None:
        # Size only: the position is the window manager's business (and a saved position can
        # be off-screen after a monitor change).
        size = self.settings.value("window/size")
        if isinstance(size, QSize) and size.isValid():
            self.resize(size.expandedTo(QSize(*MINIMUM_SIZE)))
        else:
            self.resize(*DEFAULT_SIZE)

    def reject(self) -> None:  # noqa: D401 - Qt override: Cancel, Escape, closing the window
        if self.discard_guard.allows_closing():
            super().reject()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self.settings.setValue("window/size", self.size())
        self.shutdown()
        super().done(result)

    def shutdown(self) -> None:
        """Stop the sandbox server and the worker thread (idempotent; tests call it too)."""
        self.startup.cancel()  # a deferred start-up still pending must not start a sandbox now
        self.discard_guard.stop()
        if self.sandbox is not None:
            server, self.sandbox = self.sandbox, None
            server.stop_thread()
        if self.carrier_stand_ins is not None:
            stand_ins, self.carrier_stand_ins = self.carrier_stand_ins, None
            stand_ins.stop()
        if self._worker is not None:
            self._worker.shutdown()
