"""`PhoneWizard`: the QWizard that holds the one draft, validates it on every edit and runs the
sandbox, the async worker and the profile/file actions every page shares.

Pages are registered with `setPage(PageId.X, page)` (ids from domain/navigation.py); each page's
`nextId()` asks the pure `next_page`. After any edit the page stores into `self.draft`, then
`check_config(draft)` runs once and every page receives the Report (DESIGN.md "Conventions").

Start-up comes in two halves (ui/startup.py): the window and page 1, then `finish_startup` (pages
2-9, saved profile and keyring, environment, sandbox, first validation). `PhoneWizard()` runs both
at once; `PhoneWizard(defer_startup=True)`, which run_gui uses, runs the second half right after
page 1 first paints. Until then no page has a report, so none is complete and Next stays off.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from phonewizard import APP_NAME
from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.base import DraftPage
from phonewizard.ui.pages.livekit_page import LiveKitPage
from phonewizard.ui.keyboard import install_keyboard
from phonewizard.ui.startup import DeferredStartup, after_first_paint
from phonewizard.ui.window_size import fit_to_screen
from phonewizard.ui.wizard_profile import SAVE_TEXT, ProfileActions

if TYPE_CHECKING:
    from phonewizard.domain.report import Report
    from phonewizard.services.secret_store import SecretStore

# Nothing above imports pydantic, keyring, phonenumbers, aiohttp or protobuf: page 1 paints with
# Qt and its own widgets only; the rest is imported in finish_startup (ui/startup.py).

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


def _start_sandbox() -> Any:
    from phonewizard.sandbox import SandboxServer

    return SandboxServer(state_path=sandbox_state_path()).start_in_thread()


class PhoneWizard(DeferredStartup, ProfileActions, QWizard):
    """The wizard window.

    Signals:
        report_changed(object): a new Report after the draft changed.
        sandbox_changed(bool): sandbox mode switched on or off.
        draft_replaced(): a whole new draft was loaded (file opened); pages were reloaded.
        startup_finished(): finish_startup has run (all pages built, draft loaded, validated).

    Attributes:
        draft: the one config-shaped dict every page edits.
        report: the last `check_config(draft)`; None until start-up has finished.
        startup_done: True once finish_startup has run.
        secrets: the SecretStore (keyring) used for the API secret and SIP password.
        sandbox: the running SandboxServer while sandbox mode is on, else None.
    """

    report_changed = Signal(object)
    sandbox_changed = Signal(bool)
    draft_replaced = Signal()
    startup_finished = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        secrets: SecretStore | None = None,
        settings: QSettings | None = None,
        profile_path: str | Path | None = None,
        sandbox_factory: Callable[[], Any] = _start_sandbox,
        worker: Any | None = None,
        defer_startup: bool = False,
    ) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self.settings = settings if settings is not None else default_settings()
        self._profile_path = Path(profile_path) if profile_path else None
        self._environ: Mapping[str, str] = os.environ if environ is None else environ
        self._sandbox_factory = sandbox_factory
        self.sandbox: Any | None = None
        self._worker = worker
        self.notices: list[str] = []
        # Filled by finish_startup. A page without a report is never complete, so until then
        # QWizard keeps Next disabled; without a draft, a page keeps what it shows (page 1 may
        # show the LIVEKIT_* values already).
        self.draft: dict[str, Any] = None  # type: ignore[assignment]
        self.report: Report | None = None
        self.startup_done = False
        self._shut_down = False

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
        self.customButtonClicked.connect(self._on_custom_button_clicked)
        self._install_about()
        self.setMinimumSize(*MINIMUM_SIZE)

        self.setPage(PageId.LIVEKIT, LiveKitPage())
        self.setStartId(PageId.LIVEKIT)
        self._restore_window_state()
        fit_to_screen(self)  # never larger than the screen; pages scroll (ui/window_size.py)
        install_keyboard(self)  # focus, Enter and mnemonics (ui/keyboard.py)
        if defer_startup:
            self._show_environment_early()
            after_first_paint(self, self._finish_startup_unless_shut_down)
        else:
            self.finish_startup()

    @property
    def secrets(self) -> SecretStore:
        """The SecretStore (system keyring), created on first use: keyring's import is slow."""
        if self._secrets is None:
            from phonewizard.services.secret_store import SecretStore

            self._secrets = SecretStore()
        return self._secrets

    @property
    def profile_path(self) -> Path:
        if self._profile_path is None:
            from phonewizard.services.config_files import default_config_path

            self._profile_path = default_config_path()
        return self._profile_path

    def _install_about(self) -> None:
        """The About button (QWizard's Help button) and window icon; here rather than in run_gui
        so every wizard, including the tests' and screenshots', has it."""
        from phonewizard.ui.about import install_about

        try:
            install_about(self)
        except FileNotFoundError as exc:  # icons not generated in this checkout
            logger.info("no About icon: %s", exc)

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
        if not self.startup_done:
            self._finish_startup_keeping_edit(page)
        page.store(self.draft)
        self.revalidate()

    def revalidate(self) -> Report:
        """Run the one validation over the whole draft and give every page the result."""
        from phonewizard.domain.report import check_config  # loaded by finish_startup already

        self.finish_startup()  # no-op once done; before that there is no draft to check
        self.report = check_config(self.draft)
        for page in self.draft_pages():
            page.apply_report(self.report)
        self.report_changed.emit(self.report)
        return self.report

    def load_draft(self, draft: dict[str, Any]) -> None:
        """Replace the draft (an opened file) and refill every page from it."""
        self.draft = draft
        for page in self.draft_pages():
            page.load_from(self.draft)
        self.revalidate()
        self.draft_replaced.emit()

    # --- services shared by the pages -------------------------------------------------------

    @property
    def worker(self) -> Any:
        """The AsyncWorker (one asyncio loop in a thread), created on first use."""
        if self._worker is None:
            from phonewizard.ui.async_worker import AsyncWorker

            self._worker = AsyncWorker(self)
        return self._worker

    def connection(self) -> Any:
        """A services Connection for the draft's LiveKit profile. Raises LiveKitError (with a
        message for the user) when the URL, key or secret is unusable."""
        from phonewizard.services.livekit_client import Connection

        self.finish_startup()  # "Test connection" pressed before start-up finished
        livekit = self.draft.get("livekit") or {}
        return Connection(
            url=str(livekit.get("url") or "").strip(),
            api_key=str(livekit.get("api_key") or "").strip(),
            api_secret=str(livekit.get("api_secret") or ""),
        )

    # --- sandbox ----------------------------------------------------------------------------

    @property
    def sandbox_active(self) -> bool:
        return self.sandbox is not None

    def set_sandbox_active(self, active: bool) -> None:
        """Start the local LiveKit SIP server and point the draft at it, or stop it and clear
        the fields it filled. Raises OSError-like exceptions from the server start to the caller."""
        self.finish_startup()  # a click before start-up finished: the draft must exist first
        if active == self.sandbox_active:
            return
        if active:
            self.sandbox = self._sandbox_factory()
            self.point_at_sandbox(self.draft)
        else:
            server, self.sandbox = self.sandbox, None
            livekit = self.draft.setdefault("livekit", {})
            if livekit.get("url") == server.url:
                livekit.update(url="", api_key="", api_secret="")
                livekit.pop("sip_uri", None)
            server.stop_thread()
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
        self.sandbox_changed.emit(active)

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
        )

    # --- window state -----------------------------------------------------------------------

    def _restore_window_state(self) -> None:
        # Size only: the position is the window manager's business (and a saved position can
        # be off-screen after a monitor change).
        size = self.settings.value("window/size")
        if isinstance(size, QSize) and size.isValid():
            self.resize(size.expandedTo(QSize(*MINIMUM_SIZE)))
        else:
            self.resize(*DEFAULT_SIZE)

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self.settings.setValue("window/size", self.size())
        self.shutdown()
        super().done(result)

    def shutdown(self) -> None:
        """Stop the sandbox server and the worker thread (idempotent; tests call it too)."""
        self._shut_down = True  # a deferred start-up still pending must not start a sandbox now
        if self.sandbox is not None:
            server, self.sandbox = self.sandbox, None
            server.stop_thread()
        if self._worker is not None:
            self._worker.shutdown()
