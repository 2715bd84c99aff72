"""Sandbox mode (the default without a LiveKit project) and "Test connection" over real HTTP."""

import socket

from PySide6.QtCore import Qt

from phonewizard.domain.navigation import PageId
from phonewizard.sandbox import SandboxServer
from phonewizard.ui.pages.base import SANDBOX_TEXT
from tests.ui.wizard_helpers import LIVEKIT_ENV, make_wizard, next_button

PAGES_1_4 = (PageId.LIVEKIT, PageId.AGENT, PageId.NUMBER, PageId.INBOUND)


def test_starts_in_sandbox_when_nothing_is_configured(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={})
    assert wizard.sandbox_active
    page = wizard.page(PageId.LIVEKIT)
    assert page.sandbox_check.isChecked()
    assert page.url_edit.text() == wizard.sandbox.url and page.url_edit.text().startswith("http://127.0.0.1:")
    assert wizard.draft["livekit"]["sip_uri"] == wizard.sandbox.sip_uri
    for page_id in PAGES_1_4:
        banner = wizard.page(page_id).sandbox_banner
        assert banner.isVisibleTo(wizard.page(page_id)) and banner.text() == SANDBOX_TEXT
    assert "nothing is sent to LiveKit" in SANDBOX_TEXT
    assert next_button(wizard).isEnabled()
    # Sandbox values are not saved as a profile.
    assert not wizard.button(wizard.WizardButton.CustomButton2).isEnabled()


def test_switching_the_sandbox_off_clears_its_values_and_banners(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={})
    server = wizard.sandbox
    page = wizard.page(PageId.LIVEKIT)
    qtbot.mouseClick(page.sandbox_check, Qt.MouseButton.LeftButton)
    assert not wizard.sandbox_active
    assert page.url_edit.text() == "" and page.url_edit.isEnabled()
    assert "sip_uri" not in wizard.draft["livekit"]
    assert not any(wizard.page(p).sandbox_banner.isVisibleTo(wizard.page(p)) for p in PAGES_1_4)
    assert not next_button(wizard).isEnabled()
    with socket.socket() as probe:  # the server really stopped
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0


def test_no_sandbox_when_environment_names_a_project(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    assert not wizard.sandbox_active and wizard.sandbox is None


def test_switching_the_sandbox_on_from_a_real_project(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    qtbot.mouseClick(page.sandbox_check, Qt.MouseButton.LeftButton)
    assert wizard.sandbox_active and page.sandbox_banner.isVisibleTo(page)
    assert wizard.draft["livekit"]["url"] == wizard.sandbox.url


def test_connection_test_against_the_sandbox(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={})
    page = wizard.page(PageId.LIVEKIT)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert not page.test_button.isEnabled()  # no second click while it runs
    qtbot.waitUntil(lambda: page.test_status.text().startswith("Connected"), timeout=10000)
    assert page.test_status.text().startswith("Connected: 0 inbound trunks, 0 outbound trunks, 0 dispatch rules")
    assert page.test_button.isEnabled()


def test_connection_test_reports_wrong_secret(qtbot, tmp_path):
    server = SandboxServer(state_path=tmp_path / "other-sandbox.json").start_in_thread()
    try:
        env = {"LIVEKIT_URL": server.url, "LIVEKIT_API_KEY": server.api_key,
               "LIVEKIT_API_SECRET": "this-is-not-the-right-secret-0123456789"}
        wizard = make_wizard(qtbot, tmp_path, environ=env)
        page = wizard.page(PageId.LIVEKIT)
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.test_status.text() != "Connecting…", timeout=10000)
        assert page.test_status.text().startswith("Authentication failed")
        assert "this-is-not-the-right-secret" not in page.test_status.text()
    finally:
        server.stop_thread()


def test_connection_test_reports_unreachable_host(qtbot, tmp_path):
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(LIVEKIT_ENV, LIVEKIT_URL=f"http://127.0.0.1:{port}")
    wizard = make_wizard(qtbot, tmp_path, environ=env)
    page = wizard.page(PageId.LIVEKIT)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.test_status.text() != "Connecting…", timeout=15000)
    assert page.test_status.text().startswith("Cannot reach LiveKit")


def test_connection_test_refuses_unusable_url_without_a_job(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ=dict(LIVEKIT_ENV, LIVEKIT_URL="not a url"))
    page = wizard.page(PageId.LIVEKIT)
    assert page.test_connection() is None
    assert page.test_status.text().startswith("Fix the LiveKit URL first (is not a URL")


def test_connection_result_is_cleared_when_the_values_change(qtbot, tmp_path):
    server = SandboxServer(state_path=tmp_path / "own-sandbox.json").start_in_thread()
    try:
        env = {"LIVEKIT_URL": server.url, "LIVEKIT_API_KEY": server.api_key,
               "LIVEKIT_API_SECRET": server.api_secret}
        wizard = make_wizard(qtbot, tmp_path, environ=env)
        page = wizard.page(PageId.LIVEKIT)
        with qtbot.waitSignal(page.test_connection().finished, timeout=10000):
            pass
        assert page.test_status.text().startswith("Connected")
        qtbot.keyClicks(page.key_edit, "2")  # another key: the old answer no longer applies
        assert page.test_status.text() == ""
    finally:
        server.stop_thread()
