"""`PhoneWizard`: the QWizard that holds the one draft, validates it on every edit and runs the
sandbox, the async worker and the profile/file actions every page shares.

Pages are registered with `setPage(PageId.X, page)` (ids from domain/navigation.py); each page's
`nextId()` asks the pure `next_page`. After any edit the page stores into `self.draft`, then
`check_config(draft)` runs once and every page receives the Report (DESIGN.md "Conventions").
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable, Mapping

import platformdirs
from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from phonewizard import APP_NAME
from phonewizard.domain.navigation import PageId
from phonewizard.domain.report import Report, check_config
from phonewizard.services.config_files import default_config_path
from phonewizard.services.secret_store import SecretStore
from phonewizard.ui import draft_io
from phonewizard.ui.pages.agent_page import AgentPage
from phonewizard.ui.pages.base import DraftPage
from phonewizard.ui.pages.inbound_page import InboundPage
from phonewizard.ui.pages.livekit_page import LiveKitPage
from phonewizard.ui.pages.number_page import NumberPage
from phonewizard.ui.wizard_profile import ProfileActions
from phonewizard.ui.pages.outbound_page import OutboundPage
from phonewizard.ui.pages.call_handling_page import CallHandlingPage
from phonewizard.ui.pages.behaviour_page import BehaviourPage
from phonewizard.ui.pages.review_page import ReviewPage
from phonewizard.ui.pages.result_page import ResultPage

logger = logging.getLogger(__name__)

ORGANIZATION = "phonewizard"
MINIMUM_SIZE = (860, 640)
DEFAULT_SIZE = (940, 720)


def default_settings() -> QSettings:
    """UI state only (window size, last profile path); the configuration lives in JSON files."""
    return QSettings(ORGANIZATION, APP_NAME)


def sandbox_state_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sandbox-state.json"


def _start_sandbox() -> Any:
    from phonewizard.services.sandbox import SandboxServer

    return SandboxServer(state_path=sandbox_state_path()).start_in_thread()


class PhoneWizard(ProfileActions, QWizard):
    """The wizard window.

    Signals:
        report_changed(object): a new Report after the draft changed.
        sandbox_changed(bool): sandbox mode switched on or off.
        draft_replaced(): a whole new draft was loaded (file opened); pages were reloaded.

    Attributes:
        draft: the one config-shaped dict every page edits.
        report: the last `check_config(draft)`.
        secrets: the SecretStore (keyring) used for the API secret and SIP password.
        sandbox: the running SandboxServer while sandbox mode is on, else None.
    """

    report_changed = Signal(object)
    sandbox_changed = Signal(bool)
    draft_replaced = Signal()

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
    ) -> None:
        super().__init__(parent)
        self.secrets = secrets if secrets is not None else SecretStore()
        self.settings = settings if settings is not None else default_settings()
        self.profile_path = Path(profile_path) if profile_path else default_config_path()
        self._sandbox_factory = sandbox_factory
        self.sandbox: Any | None = None
        self._worker = worker
        self.notices: list[str] = []
        self.draft: dict[str, Any] = draft_io.new_draft()
        self.report: Report = check_config(self.draft)

        self.setWindowTitle("Phone Wizard — connect a phone number to your LiveKit agent")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton2, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "&Open configuration…")
        self.setButtonText(QWizard.WizardButton.CustomButton2, "&Save profile")
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
        self.setPage(PageId.AGENT, AgentPage())
        self.setPage(PageId.NUMBER, NumberPage())
        self.setPage(PageId.INBOUND, InboundPage())
        # Pages 5-9 (ui-flow).
        self.setPage(PageId.OUTBOUND, OutboundPage())
        self.setPage(PageId.CALL_HANDLING, CallHandlingPage())
        self.setPage(PageId.BEHAVIOUR, BehaviourPage())
        self.setPage(PageId.REVIEW, ReviewPage())
        self.setPage(PageId.RESULT, ResultPage())
        self.setStartId(PageId.LIVEKIT)

        self._prefill(os.environ if environ is None else environ)
        self._restore_window_state()

    def _install_about(self) -> None:
        """The packaging work's About button (QWizard's Help button) and window icon; here rather
        than in run_gui so every wizard, including the tests' and screenshots', has it."""
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
        self.revalidate()

    def revalidate(self) -> Report:
        """Run the one validation over the whole draft and give every page the result."""
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
        if active == self.sandbox_active:
            return
        livekit = self.draft.setdefault("livekit", {})
        if active:
            self.sandbox = self._sandbox_factory()
            livekit.update(
                url=self.sandbox.url,
                api_key=self.sandbox.api_key,
                api_secret=self.sandbox.api_secret,
                sip_uri=self.sandbox.sip_uri,
            )
        else:
            server, self.sandbox = self.sandbox, None
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
        if self.sandbox is not None:
            server, self.sandbox = self.sandbox, None
            server.stop_thread()
        if self._worker is not None:
            self._worker.shutdown()
