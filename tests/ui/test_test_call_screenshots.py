"""Pictures of the test-call dialog for the docs: a call in progress (ringing, the agent already in
the room) and a call the carrier refused (Twilio's 403, with what to change), in a light and a dark
palette. Real calls against the sandbox on the screenshots' fixed port, through the app layer.

The test room's name is random in real use; here it is fixed, so `make screenshots` does not
change the pictures for that alone. Pictures go to PHONEWIZARD_SCREENSHOT_DIR (by default the
ignored test-output/screenshots).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from phonewizard.app import calls as app_calls
from phonewizard.sandbox.call_switches import CallOutcome
from phonewizard.services.registrar import Registrar
from phonewizard.ui.test_call_dialog import TestCallDialog
from phonewizard.ui.widgets.tones import tone_color
from tests.services.registrar_helpers import connect, make_plan
from tests.ui.dialog_fixtures import picture_sandbox, worker  # noqa: F401 - fixtures
from tests.ui.wizard_helpers import dark_palette, save_screenshot, use_palette

NUMBER = "+14155550123"
CALLEE = "+447700900123"


@pytest.fixture
def twilio(picture_sandbox, monkeypatch):
    """A Twilio registration of NUMBER with outbound on; fixed room names."""
    monkeypatch.setattr(app_calls, "secrets", SimpleNamespace(token_hex=lambda _n: "1f2e3d4c"))
    plan = make_plan("support-agent", phone_number=NUMBER, provider="twilio",
                     outbound_address="acme-support.pstn.twilio.com")
    asyncio.run(Registrar(connect(picture_sandbox)).apply(plan))
    return picture_sandbox


def open_dialog(qtbot, worker, server) -> TestCallDialog:
    dialog = TestCallDialog(worker, connect(server), number=NUMBER, agent="support-agent")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture(params=["light", "dark"])
def palette(request):
    if request.param == "light":
        yield ""
        return
    previous = use_palette(dark_palette())
    try:
        yield "-dark"
    finally:
        use_palette(previous)


def test_picture_of_a_call_in_progress(qtbot, worker, twilio, palette):
    # The agent joins a second after the dispatch, while the phone rings (never answered here).
    twilio.calls.switches.set_timing(dial_seconds=0.2, ring_seconds=30, agent_join_seconds=1.2)
    twilio.calls.switches.script(CallOutcome.no_answer())
    dialog = open_dialog(qtbot, worker, twilio)
    dialog.to_edit.setText(CALLEE)
    dialog.start_button.click()
    dialog.hangup_button.setFocus()  # where a user's pointer would be (no blinking text cursor)
    qtbot.waitUntil(lambda: {"ringing", "agent_joined"} <= set(dialog.stages.keys()), timeout=10000)
    assert dialog.hangup_button.isVisible() and dialog.stages.pending_text() == "◔ Ringing: answer your phone"
    assert dialog.stages.tone_of("ringing") == "ok"
    save_screenshot(dialog, f"12-test-call-ringing{palette}")
    with qtbot.waitSignal(dialog.call_finished, timeout=10000):
        dialog.hangup_button.click()
    assert twilio.calls.rooms.names() == []


def test_picture_of_a_refused_call(qtbot, worker, twilio, palette):
    twilio.calls.switches.set_timing(dial_seconds=0.2, ring_seconds=0.2, agent_join_seconds=5)
    twilio.calls.switches.script(CallOutcome.reject(403))
    dialog = open_dialog(qtbot, worker, twilio)
    dialog.to_edit.setText(CALLEE)
    with qtbot.waitSignal(dialog.call_finished, timeout=10000):
        dialog.start_button.click()
    dialog.start_button.setFocus()  # as a click leaves it (no blinking text cursor in the picture)
    assert dialog.headline_label.text() == "The call failed: SIP 403 Forbidden"
    assert "credential list" in dialog.explanation_label.text()
    assert dialog.headline_label.styleSheet() == f"color: {tone_color('error', dialog.headline_label)};"
    assert dialog.room_label.text() == "The test room phonewizard-test-1f2e3d4c was removed."
    save_screenshot(dialog, f"12-test-call-failed{palette}")
