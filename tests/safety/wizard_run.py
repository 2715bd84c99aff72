"""Driving the whole wizard against a sandbox like a user: settings loaded as from a file, the API
secret from LIVEKIT_API_SECRET or typed, the SIP password typed into its field, export from the
review page, Register, result.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from phonewizard.domain.navigation import PageId
from tests.ui.wizard_helpers import go_to, make_wizard

AGENT = "sales-agent"
NUMBER = "+13125550142"


def registration(**changes: Any) -> dict[str, Any]:
    reg = {"phone_number": NUMBER, "provider": "telnyx", "allowed_addresses": ["192.76.120.10"],
           "auth_username": "acme-sales", "enable_outbound": True, "outbound_address": "sip.telnyx.com",
           "destination_country": "US"}
    reg.update(changes)
    return reg


def open_wizard(qtbot, tmp_path: Path, sandbox, secret_from_env: bool = True, **kwargs):
    """A wizard connected to `sandbox` as a real project (not sandbox mode): secrets are saved.
    The API secret comes from LIVEKIT_API_SECRET (the wizard's prefill), or is typed by `fill`."""
    environ = {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key}
    if secret_from_env:
        environ["LIVEKIT_API_SECRET"] = sandbox.api_secret
    wizard = make_wizard(qtbot, tmp_path, environ=environ, **kwargs)
    assert not wizard.sandbox_active
    return wizard


def fill(wizard, qtbot, sip_password: str, api_secret: str | None = None, **changes: Any) -> None:
    """The non-secret settings as if opened from a file; the secrets typed on their pages."""
    draft = copy.deepcopy(wizard.draft)
    draft["agent_name"] = AGENT
    draft["registration"] = registration(**changes)
    wizard.load_draft(draft)
    wizard.restart()
    if api_secret is not None:
        livekit = wizard.page(PageId.LIVEKIT)
        livekit.secret_edit.line_edit.clear()
        qtbot.keyClicks(livekit.secret_edit.line_edit, api_secret)
    go_to(wizard, qtbot, PageId.OUTBOUND)
    outbound = wizard.page(PageId.OUTBOUND)
    outbound.password_edit.line_edit.clear()
    qtbot.keyClicks(outbound.password_edit.line_edit, sip_password)
    go_to(wizard, qtbot, PageId.REVIEW)


def export_from_review(wizard, monkeypatch, target: Path) -> str:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    review = wizard.page(PageId.REVIEW)
    review.export_button.click()
    return review.export_status.text()


def register(wizard, qtbot, timeout_ms: int = 15000) -> Any:
    """Press Register; wait for the result page or a failure shown on the review page."""
    review = wizard.page(PageId.REVIEW)
    wizard.next()
    qtbot.waitUntil(lambda: not review.busy and (review.result is not None or review.last_error is not None),
                    timeout=timeout_ms)
    return review
