"""Profile prefill, "Open configuration…", "Save profile" and remembered UI state."""

import json
import stat

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import SecretStore, livekit_secret_key, sip_password_key
from phonewizard.ui.window_size import SMALLEST_SIZE
from tests.ui.wizard_helpers import LIVEKIT_ENV, make_wizard, next_button, save_profile_and_wait, wizard_at

SECRET = "k8Zr2LwQ9nT4vX7bM1cF6hJ3pS5dG0yAeU"
DOCUMENT = {
    "format": "phonewizard/1",
    "agent_name": "front-desk",
    "livekit": {"url": "wss://clinic-7h3k.livekit.cloud", "api_key": "APIclinic77",
                "sip_uri": "sip:7h3k.sip.livekit.cloud"},
    "registration": {
        "phone_number": "+14155550123",
        "provider": "telnyx",
        "allowed_addresses": ["192.76.120.10"],
        "allowed_numbers": ["+14155550177"],
    },
}


def write_config(path, document=DOCUMENT):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_saved_profile_and_keyring_prefill_every_page(qtbot, tmp_path, memory_keyring):
    profile = write_config(tmp_path / "profile" / "config.json")
    SecretStore().set(livekit_secret_key("wss://clinic-7h3k.livekit.cloud", "APIclinic77"), SECRET)
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    assert not wizard.sandbox_active
    livekit = wizard.page(PageId.LIVEKIT)
    assert livekit.url_edit.text() == "wss://clinic-7h3k.livekit.cloud"
    qtbot.waitUntil(lambda: livekit.secret_edit.text() != "", timeout=5000)  # the keyring answers on the worker, after the draft has loaded
    assert livekit.secret_edit.text() == SECRET
    assert livekit.sip_uri_edit.text() == "sip:7h3k.sip.livekit.cloud"
    agent = wizard.page(PageId.AGENT)
    assert agent.agent_edit.text() == "front-desk" and agent.selected_provider() == "telnyx"
    number = wizard.page(PageId.NUMBER)
    assert number.phone_edit.e164() == "+14155550123" and number.phone_edit.text() == "+1 415-555-0123"
    assert number.callers_list.values() == ["+14155550177"]
    assert wizard.page(PageId.INBOUND).addresses.values() == ["192.76.120.10"]
    assert wizard.report.ok


def test_environment_overrides_the_profile(qtbot, tmp_path):
    profile = write_config(tmp_path / "profile" / "config.json")
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)
    assert wizard.draft["livekit"]["url"] == LIVEKIT_ENV["LIVEKIT_URL"]
    assert wizard.draft["livekit"]["api_secret"] == LIVEKIT_ENV["LIVEKIT_API_SECRET"]
    assert wizard.draft["agent_name"] == "front-desk"  # the rest still comes from the profile


def test_broken_profile_is_reported_not_fatal(qtbot, tmp_path):
    profile = tmp_path / "profile" / "config.json"
    profile.parent.mkdir(parents=True)
    profile.write_text("{not json", encoding="utf-8")
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)
    assert wizard.notices and "not loaded" in wizard.notices[0]
    assert wizard.draft["agent_name"] == ""


def test_open_configuration_fills_every_page(qtbot, tmp_path, monkeypatch):
    path = write_config(tmp_path / "exported.json")
    asked = []

    def fake_open(parent, caption, directory, filter_):
        asked.append(caption)
        return str(path), "phonewizard configuration (*.json)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    wizard = make_wizard(qtbot, tmp_path, environ={})  # starts in the sandbox
    qtbot.mouseClick(wizard.button(wizard.WizardButton.CustomButton1), Qt.MouseButton.LeftButton)
    assert asked == ["Open configuration"]
    assert not wizard.sandbox_active  # the file names a real project
    assert wizard.page(PageId.LIVEKIT).url_edit.text() == "wss://clinic-7h3k.livekit.cloud"
    assert wizard.page(PageId.AGENT).agent_edit.text() == "front-desk"
    assert wizard.page(PageId.NUMBER).phone_edit.e164() == "+14155550123"
    assert wizard.page(PageId.INBOUND).addresses.values() == ["192.76.120.10"]
    assert wizard.settings.value("profile/last_path") == str(path)
    # No secret in the file or keyring: page 1 asks for it and blocks Next.
    assert not next_button(wizard).isEnabled()


def test_open_configuration_shows_file_problems_on_the_pages(qtbot, tmp_path, monkeypatch):
    bad = json.loads(json.dumps(DOCUMENT))
    bad["registration"]["allowed_numbers"] = ["+1415"]
    path = write_config(tmp_path / "bad.json", bad)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(path), "")))
    wizard = make_wizard(qtbot, tmp_path)
    assert wizard.profile.open_configuration()
    number = wizard.page(PageId.NUMBER)
    assert [p.kind for p in number.callers_list.entry_problems()] == ["error"]


def test_open_configuration_cancelled_changes_nothing(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: ("", "")))
    wizard = make_wizard(qtbot, tmp_path)
    before = json.dumps(wizard.draft, sort_keys=True)
    assert wizard.profile.open_configuration() is False
    assert json.dumps(wizard.draft, sort_keys=True) == before


def test_unusable_file_is_explained(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "notes.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(path), "")))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append((title, text))))
    wizard = make_wizard(qtbot, tmp_path)
    assert wizard.profile.open_configuration() is False
    assert warnings and warnings[0][0] == "Cannot open configuration" and warnings[0][1]


def test_save_profile_keeps_the_secret_out_of_the_file(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: pytest.fail(f"warning: {a[1:]}")))
    profile = tmp_path / "profile" / "config.json"
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)
    wizard.draft["registration"].update(auth_username="trunkuser")
    wizard.draft["registration"]["auth_password"] = "Sip-Passw0rd-2026"
    with qtbot.waitSignal(wizard.profile.saved, timeout=10000):
        qtbot.mouseClick(wizard.button(wizard.WizardButton.CustomButton2), Qt.MouseButton.LeftButton)
    text = profile.read_text(encoding="utf-8")
    assert LIVEKIT_ENV["LIVEKIT_API_SECRET"] not in text and "Sip-Passw0rd-2026" not in text
    assert json.loads(text)["livekit"]["url"] == LIVEKIT_ENV["LIVEKIT_URL"]
    assert stat.S_IMODE(profile.stat().st_mode) == 0o600
    store = SecretStore()
    assert store.get(livekit_secret_key(LIVEKIT_ENV["LIVEKIT_URL"], LIVEKIT_ENV["LIVEKIT_API_KEY"])) == (
        LIVEKIT_ENV["LIVEKIT_API_SECRET"]
    )
    assert store.get(sip_password_key("", "trunkuser")) is None  # no number yet → no key


def test_window_size_is_remembered(qtbot, tmp_path):
    settings_path = str(tmp_path / "shared-ui.ini")
    first = make_wizard(qtbot, tmp_path, settings=QSettings(settings_path, QSettings.Format.IniFormat))
    first.resize(1010, 790)
    first.reject()
    first.settings.sync()
    second = make_wizard(qtbot, tmp_path, settings=QSettings(settings_path, QSettings.Format.IniFormat))
    assert (second.width(), second.height()) == (1010, 790)


def test_minimum_size(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    # On a 1920×1080 test screen: the small-screen minimum (tests/ui/test_window_size.py).
    assert (wizard.minimumWidth(), wizard.minimumHeight()) == SMALLEST_SIZE


def test_file_notices_are_shown_on_every_page(qtbot, tmp_path, monkeypatch):
    document = json.loads(json.dumps(DOCUMENT))
    document["registration"].update(auth_username="trunkuser", auth_password="Plain-Text-Pw-99")
    path = write_config(tmp_path / "handwritten.json", document)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(path), "")))
    wizard = make_wizard(qtbot, tmp_path)
    assert wizard.profile.open_configuration()
    assert wizard.notices, "a plaintext password in a file deserves a notice"
    for page_id in (PageId.LIVEKIT, PageId.AGENT, PageId.NUMBER, PageId.INBOUND):
        label = wizard.page(page_id).notice_label
        assert label.kind == "warning" and label.text() == "\n".join(wizard.notices)
        assert "Plain-Text-Pw-99" not in label.text()


def test_save_profile_confirms_without_a_dialog(qtbot, tmp_path):
    profile = tmp_path / "profile" / "config.json"
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)
    button = wizard.button(wizard.WizardButton.CustomButton2)
    assert save_profile_and_wait(qtbot, wizard) == profile
    assert button.text() == "Saved ✓" and str(profile) in button.toolTip()
    qtbot.waitUntil(lambda: button.text() == "&Save profile", timeout=4000)


def test_run_gui_hands_selftest_to_the_packaging_module(monkeypatch):
    import phonewizard.selftest
    from phonewizard.ui.app import run_gui

    calls = []
    monkeypatch.setattr(phonewizard.selftest, "main", lambda argv=None: calls.append(argv) or 0)
    assert run_gui(["--selftest", "--quick"]) == 0
    assert calls == [["--quick"]]


def test_unfinished_draft_saved_and_resumed(qtbot, tmp_path):
    profile = tmp_path / "profile" / "config.json"
    first = make_wizard(qtbot, tmp_path, profile_path=profile)
    first.next()
    qtbot.keyClicks(first.page(PageId.AGENT).agent_edit, "half-done")
    assert not first.report.ok
    assert save_profile_and_wait(qtbot, first) == profile
    second = make_wizard(qtbot, tmp_path / "again", environ={}, profile_path=profile)
    assert not second.sandbox_active  # the profile names a project
    assert second.page(PageId.AGENT).agent_edit.text() == "half-done"
    qtbot.waitUntil(lambda: second.page(PageId.LIVEKIT).secret_edit.text() != "", timeout=5000)  # the keyring answers on the worker, after the draft has loaded
    assert second.page(PageId.LIVEKIT).secret_edit.text() == LIVEKIT_ENV["LIVEKIT_API_SECRET"]  # keyring


def test_opening_a_file_that_skips_the_current_page_starts_over(qtbot, tmp_path, monkeypatch):
    wizard, _page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="twilio")
    document = json.loads(json.dumps(DOCUMENT))
    document["registration"] = {"phone_number": "+14155550123", "provider": "livekit"}
    path = write_config(tmp_path / "livekit-number.json", document)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(path), "")))
    assert wizard.profile.open_configuration()
    assert wizard.currentId() == PageId.LIVEKIT  # inbound does not exist for LiveKit numbers


def test_run_gui_opens_the_wizard_and_returns_when_it_closes(qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from phonewizard.ui.app import run_gui
    from phonewizard.ui.wizard import PhoneWizard

    app = QApplication.instance()
    seen = []

    def fake_exec():
        # A real app.exec() ends with QCoreApplication.exit(), after which every later event
        # loop in this test process returns at once; so run the "session" in qtbot's loop.
        wizards = [w for w in app.topLevelWidgets() if isinstance(w, PhoneWizard) and w.isVisible()]
        seen.extend(w.windowTitle() for w in wizards)
        for wizard in wizards:
            wizard.reject()  # the user presses Cancel
        qtbot.waitUntil(lambda: not any(w.isVisible() for w in wizards), timeout=2000)
        return 0

    # Closing the last window must not quit the application the whole test session shares.
    previous = QApplication.quitOnLastWindowClosed()
    QApplication.setQuitOnLastWindowClosed(False)
    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    try:
        assert run_gui([]) == 0
    finally:
        QApplication.setQuitOnLastWindowClosed(previous)
    assert seen and "Phone Wizard" in seen[0]


def test_wizard_opens_without_a_usable_keyring(qtbot, tmp_path):
    import keyring
    from keyring.backends import fail

    profile = write_config(tmp_path / "profile" / "config.json")
    keyring.set_keyring(fail.Keyring())  # conftest restores its in-memory keyring afterwards
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    assert wizard.page(PageId.AGENT).agent_edit.text() == "front-desk"
    qtbot.waitUntil(lambda: bool(wizard.notices), timeout=5000)  # the keyring answers on the worker, after the draft has loaded
    assert wizard.notices and wizard.page(PageId.LIVEKIT).notice_label.kind == "warning"
    assert wizard.page(PageId.LIVEKIT).secret_edit.text() == ""
