"""The carrier credential typed into the wizard and the system keyring (app/secrets.py): saved only
after a successful Register, never after a failed one or in sandbox mode, read back on the worker
thread when a saved profile is loaded, and never taken from an opened file.

Against a LiveKit project (the sandbox server, not sandbox mode) and the Twilio stand-in reached
through PHONEWIZARD_TWILIO_BASE_URL, as anyone testing against their own stand-in would.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog

from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import SecretStore, twilio_secret_key
from tests.ui.carrier_wizard_helpers import fill_outbound, register, tick_set_up, to_inbound
from tests.ui.wizard_helpers import go_to, make_wizard, refuse_modal_dialogs, save_profile_and_wait


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, file_dialogs=False)


OWNED = "+14155550123"  # a number of the stand-in's account (no sandbox to adopt another)


def environ_for(sandbox, standin) -> dict[str, str]:
    return {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key, "LIVEKIT_API_SECRET": sandbox.api_secret,
            "PHONEWIZARD_TWILIO_BASE_URL": standin.url}


def project_wizard(qtbot, tmp_path, sandbox, standin, **kwargs):
    wizard = make_wizard(qtbot, tmp_path, environ=environ_for(sandbox, standin), **kwargs)
    assert not wizard.sandbox_active
    livekit = wizard.page(PageId.LIVEKIT)
    if not livekit.sip_uri_edit.text():
        qtbot.keyClicks(livekit.sip_uri_edit, "sip:3kd8xq1vz2p.sip.livekit.cloud")
    return wizard


def type_credentials(qtbot, inbound, account_sid: str, token: str) -> None:
    box = inbound.carrier_box
    tick_set_up(qtbot, inbound)
    assert box.account_edit.text() == "" and box.secret_edit.text() == ""  # nothing filled outside the sandbox
    qtbot.keyClicks(box.account_edit, account_sid)
    qtbot.keyClicks(box.secret_edit.line_edit, token)


def test_the_typed_token_reaches_the_keyring_only_after_success_and_comes_back_with_the_profile(
        qtbot, tmp_path, sandbox, twilio_standin, memory_keyring):
    tw = twilio_standin
    wizard = project_wizard(qtbot, tmp_path, sandbox, tw)
    inbound = to_inbound(wizard, qtbot, number=OWNED)
    type_credentials(qtbot, inbound, tw.account_sid, tw.auth_token)
    fill_outbound(wizard, qtbot)

    tw.faults.fail("CreateOriginationUrl", "error", msg="refused for the test")
    review = register(wizard, qtbot)
    assert review.result is None and "refused for the test" in review.status_label.text()
    assert tw.auth_token not in memory_keyring.entries.values()  # a failed run saves nothing

    review = register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    key = twilio_secret_key(tw.account_sid)
    assert SecretStore().get(key) == tw.auth_token
    assert "the Twilio Auth Token of AC" in " ".join(review.registered.secrets.saved)

    # Save profile: the account SID goes to the file, the token does not.
    profile = tmp_path / "profile" / "config.json"
    assert save_profile_and_wait(qtbot, wizard) == profile
    document = json.loads(profile.read_text())
    assert document["registration"]["provider_config"]["carrier_setup"] == {"account_sid": tw.account_sid}
    assert "carrier_secret" not in document and tw.auth_token not in profile.read_text()

    # The next start: the profile loads, the token comes from the keyring on the worker.
    again = make_wizard(qtbot, tmp_path / "again", environ=environ_for(sandbox, tw), profile_path=profile)
    box = again.page(PageId.INBOUND).carrier_box
    qtbot.waitUntil(lambda: again.draft.get("carrier_secret") == tw.auth_token, timeout=10000)
    assert box.secret_edit.text() == tw.auth_token and box.enable_check.isChecked()
    assert again.page(PageId.INBOUND).pristine  # a fill, not an edit


def test_an_opened_file_never_brings_a_carrier_secret(qtbot, tmp_path, sandbox, twilio_standin, monkeypatch):
    from tests.carriers.helpers import twilio_document

    document = twilio_document(sandbox.url, setup={"account_sid": twilio_standin.account_sid})
    document["carrier_secret"] = "0123456789abcdef0123456789abcdef"
    path = tmp_path / "hand-written.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    wizard = project_wizard(qtbot, tmp_path, sandbox, twilio_standin)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert wizard.profile.open_configuration()
    assert "carrier_secret" not in wizard.draft
    assert any("never read from a file" in n for n in wizard.notices)


def test_the_cli_refuses_a_file_with_a_carrier_secret(sandbox, tmp_path, capsys):
    from phonewizard import cli
    from tests.carriers.helpers import twilio_document

    document = twilio_document(sandbox.url)
    document["carrier_secret"] = "0123456789abcdef0123456789abcdef"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "carrier_secret: carrier credentials never go in a configuration file" in err
    assert "0123456789abcdef" not in err


def test_a_missing_token_or_account_blocks_the_page_with_where_to_find_it(qtbot, tmp_path, sandbox, twilio_standin):
    wizard = project_wizard(qtbot, tmp_path, sandbox, twilio_standin)
    inbound = to_inbound(wizard, qtbot)
    box = inbound.carrier_box
    tick_set_up(qtbot, inbound)
    next_button = wizard.button(wizard.WizardButton.NextButton)
    assert not next_button.isEnabled() and "Account SID" in box.missing()
    qtbot.keyClicks(box.account_edit, "AC123")
    assert "AC followed by 32 hexadecimal" in box.rows["account_sid"].problem.text()
    box.account_edit.clear()
    qtbot.keyClicks(box.account_edit, twilio_standin.account_sid)
    assert not next_button.isEnabled() and "Auth Token" in box.rows["carrier_secret"].problem.text()
    qtbot.keyClicks(box.secret_edit.line_edit, "has a space")
    assert "space or line break" in box.rows["carrier_secret"].problem.text()
    box.secret_edit.line_edit.clear()
    qtbot.keyClicks(box.secret_edit.line_edit, twilio_standin.auth_token)
    assert next_button.isEnabled()
    go_to(wizard, qtbot, PageId.OUTBOUND)
