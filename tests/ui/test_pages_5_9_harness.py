"""Shared helpers for the page 5-9 tests: a realistic draft and a small wizard with the same wiring
as ui/wizard.py (store → check_config → apply_report on every edit).

The tests in this module check the harness itself, so a wiring mistake here cannot make the page
tests pass for the wrong reason.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.domain.report import check_config
from phonewizard.services.secret_store import SecretStore

SECRET = "Xk9vQ2mP7rT4wZ8bN3cF6hJ1yL5dS0aGe"  # ≥ 32 bytes: no PyJWT short-key warning
SIP_PASSWORD = "Tr0ub4dor&3-Horse"

BASE_DRAFT: dict[str, Any] = {
    "format": "phonewizard/1",
    "agent_name": "support-agent",
    "livekit": {
        "url": "wss://acme-support.livekit.cloud",
        "api_key": "APIf4Tq8Zr2Lm",
        "api_secret": SECRET,
        "sip_uri": "sip:3kd8xq1vz2p.sip.livekit.cloud",
    },
    "registration": {"phone_number": "+14155550101", "provider": "twilio"},
}


def draft(**registration: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE_DRAFT)
    d["registration"].update(registration)
    return d


class Harness(QWizard):
    """What PhoneWizard offers the pages (draft, report, worker, connection, secrets)."""

    def __init__(self, initial: dict[str, Any], pages: list[Any], *, worker: Any = None, url_override=None) -> None:
        super().__init__()
        self.draft = initial
        self.report = check_config(self.draft)
        self.secrets = SecretStore()
        self.sandbox_active = False
        self._worker = worker
        self._pages = pages
        for page in pages:
            self.setPage(int(page.page_id), page)
            page.edited.connect(lambda p=page: self.on_page_edited(p))
            page.apply_report(self.report)
        self.setStartId(int(pages[0].page_id))
        self.resize(940, 720)

    def on_page_edited(self, page: Any) -> None:
        page.store(self.draft)
        self.revalidate()

    def revalidate(self):
        self.report = check_config(self.draft)
        for page in self._pages:
            page.apply_report(self.report)
        return self.report

    @property
    def worker(self) -> Any:
        if self._worker is None:
            from phonewizard.ui.async_worker import AsyncWorker

            self._worker = AsyncWorker(self)
        return self._worker

    def connection(self) -> Any:
        from urllib.parse import urlsplit

        from phonewizard.services.livekit_client import Connection, LiveKitUnreachable

        lk = self.draft["livekit"]
        # The review page reads the project for the doctor's checks: tests never leave this machine.
        if urlsplit(lk["url"]).hostname not in ("127.0.0.1", "localhost"):
            raise LiveKitUnreachable(f"{lk['url']} is not reached from the tests (only the sandbox is)")
        return Connection(url=lk["url"], api_key=lk["api_key"], api_secret=lk["api_secret"])

    def shutdown(self) -> None:
        if self._worker is not None:
            self._worker.shutdown()


def open_wizard(qtbot, initial: dict[str, Any], pages: list[Any], **kwargs: Any) -> Harness:
    wizard = Harness(initial, pages, **kwargs)
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    wizard.show()
    wizard.restart()
    return wizard


def next_enabled(wizard: QWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_harness_runs_check_config_after_each_edit(qtbot):
    from phonewizard.ui.pages.call_handling_page import CallHandlingPage

    page = CallHandlingPage()
    wizard = open_wizard(qtbot, draft(), [page])
    assert wizard.currentId() == int(PageId.CALL_HANDLING)
    page.ringing_spin.setValue(45)
    assert wizard.draft["registration"]["ringing_timeout_seconds"] == 45
    assert wizard.report.config.registration.ringing_timeout_seconds == 45


@pytest.mark.parametrize("registration", [{}, {"provider": "telnyx"}])
def test_base_draft_is_valid(registration):
    assert check_config(draft(**registration)).ok
