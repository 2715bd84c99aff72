"""pytest-qt drives the registrations page against the sandbox over HTTP: the table of a realistic
mix, Edit → Register updating in place, Adopt with its confirmation, Remove (and a partial
failure), Export, the loading failure and Retry, and where the wizard opens."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QWizard

from phonewizard.app.secrets import SecretStore
from phonewizard.domain.naming import parse_marker
from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import livekit_secret_key, sip_password_key
from phonewizard.ui import adoption_gate
from phonewizard.ui.pages import registration_dialogs
from tests.ui.registrations_fixtures import (
    FOREIGN_NUMBER,
    HALF_NUMBER,
    LK_NUMBER,
    OK_NUMBER,
    SIP_PASSWORD,
    seed_mix,
)
from tests.ui.wizard_helpers import go_to, make_wizard, refuse_modal_dialogs


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    """An unpatched static dialog blocks an offscreen test forever: make any use fail loudly."""
    refuse = refuse_modal_dialogs(monkeypatch)
    monkeypatch.setattr(registration_dialogs, "ask_removal", refuse)
    monkeypatch.setattr(registration_dialogs, "ask_export_path", refuse)
    monkeypatch.setattr(adoption_gate, "ask_adoption", refuse)


def open_page(qtbot, tmp_path, sandbox):
    """The wizard on the sandbox, moved to the registrations page, its table loaded."""
    wizard = make_wizard(qtbot, tmp_path, environ={}, sandbox_factory=lambda: sandbox)
    page = wizard.page(PageId.REGISTRATIONS)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        wizard.next()
    return wizard, page


def select(qtbot, page, number):
    row = page.model.row_of(number)
    assert row >= 0, number
    page.table.selectRow(row)
    assert page.selected_entry().phone_number == number


def reloaded(qtbot, page):
    return qtbot.waitSignal(page.loaded, timeout=10000)


def cell(page, number, column):
    return page.model.index(page.model.row_of(number), column).data()


def test_the_page_lists_every_number_with_its_state_and_the_objects_apart(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    assert page.title() == "Registrations in the sandbox"
    assert page.model.total == 4
    rows = {n: [cell(page, n, c) for c in range(6)] for n in (OK_NUMBER, LK_NUMBER, HALF_NUMBER, FOREIGN_NUMBER)}
    assert rows[OK_NUMBER] == [OK_NUMBER, "Twilio", "support-agent", "yes", "yes", "ok"]
    assert rows[LK_NUMBER] == [LK_NUMBER, "LiveKit number", "receptionist", "yes", "no", "ok"]
    assert rows[HALF_NUMBER][5] == "incomplete" and rows[FOREIGN_NUMBER][5] == "not made by phonewizard"
    assert page.count_label.text() == "4 numbers: 2 ok, 1 incomplete, 1 not made by phonewizard"
    assert page.apart_box.isVisibleTo(page) and page.apart_model.rowCount() == 2
    assert [page.apart_model.index(r, 2).data() for r in range(2)] == ["Anything else", "+14155550123"]
    select(qtbot, page, HALF_NUMBER)
    assert "no dispatch rule for inbound trunk" in page.details_label.text()
    assert page.edit_button.isEnabled() and not page.adopt_button.isEnabled()
    select(qtbot, page, FOREIGN_NUMBER)
    assert page.adopt_button.isEnabled() and not page.edit_button.isEnabled()
    assert "(PIN required)" in page.details_label.text()
    page.filter_edit.setText("twilio")
    assert page.model.rowCount() == 1 and page.count_label.text().startswith("1 of 4 numbers")


def test_edit_fills_the_pages_and_register_updates_in_place(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    SecretStore().set(sip_password_key(OK_NUMBER, "acme-livekit"), SIP_PASSWORD)
    before = sandbox.snapshot()
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    assert page.edit_selected()
    assert wizard.currentId() == PageId.AGENT
    assert wizard.draft["agent_name"] == "support-agent"
    assert wizard.draft["registration"]["outbound_address"] == "acme-support.pstn.twilio.com"
    outbound = wizard.page(PageId.OUTBOUND)
    qtbot.waitUntil(lambda: outbound.password_edit.text() == SIP_PASSWORD, timeout=5000)  # from the keyring
    go_to(wizard, qtbot, PageId.CALL_HANDLING)
    wizard.page(PageId.CALL_HANDLING).ringing_spin.setValue(45)
    go_to(wizard, qtbot, PageId.REVIEW)
    wizard.next()  # Register
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.RESULT, timeout=10000)
    result = wizard.page(PageId.REVIEW).result
    assert result.status == "updated"
    after = sandbox.snapshot()
    assert sorted(after["inbound"]) == sorted(before["inbound"]) and sorted(after["rules"]) == sorted(before["rules"])
    assert after["inbound"][result.inbound_trunk_id]["ringing_timeout"] == "45s"


def test_edit_asks_for_the_sip_password_when_the_keyring_has_none(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    page.edit_selected()
    go_to(wizard, qtbot, PageId.OUTBOUND)
    outbound = wizard.page(PageId.OUTBOUND)
    qtbot.wait(100)  # the keyring lookup answers "nothing"
    assert outbound.password_edit.text() == "" and not outbound.isComplete()


def test_new_registration_after_an_edit_starts_from_a_fresh_draft(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, FOREIGN_NUMBER)
    page.adopt_selected()
    assert wizard.adoption.armed
    wizard.back()
    assert wizard.currentId() == PageId.REGISTRATIONS
    wizard.next()  # New registration
    assert wizard.currentId() == PageId.AGENT
    assert wizard.draft["registration"] == {"phone_number": ""} and wizard.draft["agent_name"] == ""
    assert wizard.draft["livekit"]["url"] == sandbox.url and not wizard.adoption.armed


def test_adopt_lists_every_change_and_register_takes_the_objects_over(qtbot, tmp_path, sandbox, monkeypatch):
    ids = seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, FOREIGN_NUMBER)
    page.adopt_selected()
    assert wizard.draft["agent_name"] == "frontdesk" and wizard.draft["registration"]["provider"] == "telnyx"
    assert any("PIN" in n for n in wizard.notices)  # what the configuration cannot keep, on every page
    asked = []

    def confirm(parent, adoption):
        dialog = registration_dialogs.AdoptionDialog(adoption, parent)
        asked.append(dialog.listing.toPlainText())
        return True

    monkeypatch.setattr(adoption_gate, "ask_adoption", confirm)
    go_to(wizard, qtbot, PageId.REVIEW)
    wizard.next()  # Register: the confirmation first
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.RESULT, timeout=10000)
    [listing] = asked
    for oid in ids.values():
        assert oid in listing
    assert "rule.dispatch_rule_individual.pin: 4321 → (none)" in listing
    assert "metadata: “set up by Ana” → phonewizard's ownership marker" in listing
    snap = sandbox.snapshot()
    assert parse_marker(snap["inbound"][ids["inbound"]]["metadata"]).agent_name == "frontdesk"
    assert parse_marker(snap["rules"][ids["rule"]]["metadata"]) is not None
    assert parse_marker(snap["outbound"][ids["outbound"]]["metadata"]) is not None
    assert not wizard.adoption.armed


def test_declining_the_adoption_changes_nothing(qtbot, tmp_path, sandbox, monkeypatch):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, FOREIGN_NUMBER)
    page.adopt_selected()
    before = sandbox.snapshot()
    monkeypatch.setattr(adoption_gate, "ask_adoption", lambda parent, adoption: False)
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.page(PageId.REVIEW)
    wizard.next()
    qtbot.waitUntil(lambda: "nothing was changed" in review.status_label.text(), timeout=10000)
    assert wizard.currentId() == PageId.REVIEW and sandbox.snapshot() == before
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_remove_lists_what_goes_deletes_it_and_refreshes(qtbot, tmp_path, sandbox, monkeypatch):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    shown = []

    def confirm(parent, entry):
        dialog = registration_dialogs.RemovalDialog(entry, parent)
        shown.append(dialog.listing.toPlainText())
        assert dialog.foreign_check.isHidden() and dialog.delete_button.isEnabled()
        return dialog.removal()

    monkeypatch.setattr(registration_dialogs, "ask_removal", confirm)
    steps = []
    page.start_removal = _recording(page.start_removal, steps)
    with reloaded(qtbot, page):
        page.remove_selected()
    assert shown[0].startswith("Delete from LiveKit (3):") and "inbound trunk ST_" in shown[0]
    assert page.model.row_of(OK_NUMBER) == -1 and page.model.total == 3
    assert page.outcome_label.text().startswith(f"Removed {OK_NUMBER}: ")
    assert sorted(state for _, state in steps) == ["done"] * 3 + ["started"] * 3  # the progress shown
    assert sum(sandbox.counts().values()) == 6  # the others' objects are all still there


def _recording(start_removal, steps):
    """Wrap the page's start_removal to record the job's progress reports."""
    def start(removal):
        job = start_removal(removal)
        job.progress.connect(steps.append)
        return job
    return start


def test_a_removal_that_fails_half_way_names_what_remains(qtbot, tmp_path, sandbox, monkeypatch):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    monkeypatch.setattr(registration_dialogs, "ask_removal",
                        lambda parent, entry: registration_dialogs.RemovalDialog(entry, parent).removal())
    sandbox.faults.fail("DeleteSIPTrunk", "5xx")
    with reloaded(qtbot, page):
        page.remove_selected()
    text = page.outcome_label.text()
    assert f"Removing {OK_NUMBER} did not finish." in text and "Still in LiveKit: " in text and "Removed: " in text
    assert "injected server failure" in text
    assert page.model.row_of(OK_NUMBER) >= 0  # what is left is still listed


def test_foreign_objects_are_deleted_only_when_ticked(qtbot, tmp_path, sandbox):
    ids = seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, FOREIGN_NUMBER)
    dialog = registration_dialogs.RemovalDialog(page.selected_entry(), page)
    qtbot.addWidget(dialog)
    assert not dialog.delete_button.isEnabled() and "Left as they are" in dialog.listing.toPlainText()
    dialog.foreign_check.setChecked(True)
    assert dialog.delete_button.isEnabled()
    assert {r.id for r in dialog.removal().objects} == set(ids.values())


def test_export_writes_the_numbers_configuration_without_secrets(qtbot, tmp_path, sandbox, monkeypatch):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    target = tmp_path / "exported.json"
    monkeypatch.setattr(registration_dialogs, "ask_export_path", lambda parent, name: str(target))
    page.export_selected()
    document = json.loads(target.read_text())
    assert document["registration"]["phone_number"] == OK_NUMBER
    assert document["agent_name"] == "support-agent"
    assert SIP_PASSWORD not in target.read_text() and sandbox.api_secret not in target.read_text()
    assert page.outcome_label.text().startswith(f"Exported {OK_NUMBER} to {target}")


def test_a_failed_load_says_why_and_retry_reads_again(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    sandbox.faults.fail("ListSIPInboundTrunk", "5xx")
    wizard = make_wizard(qtbot, tmp_path, environ={}, sandbox_factory=lambda: sandbox)
    page = wizard.page(PageId.REGISTRATIONS)
    with qtbot.waitSignal(page.load_failed, timeout=10000) as failed:
        wizard.next()
    assert failed.args[0].startswith("Could not read the project: ")
    assert page.retry_button.isVisibleTo(page) and page.status_label.text() == failed.args[0]
    assert page.model.total == 0 and not page.remove_button.isEnabled()
    with reloaded(qtbot, page):
        page.retry_button.click()
    assert page.model.total == 4 and page.retry_button.isHidden()


def test_the_wizard_opens_on_the_registrations_when_a_profile_was_saved(qtbot, tmp_path, sandbox):
    profile = tmp_path / "profile" / "config.json"
    profile.parent.mkdir()
    profile.write_text(json.dumps({"format": "phonewizard/1", "livekit": {"url": sandbox.url, "api_key": "devkey"}}))
    SecretStore().set(livekit_secret_key(sandbox.url, "devkey"), sandbox.api_secret)
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    page = wizard.page(PageId.REGISTRATIONS)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.REGISTRATIONS, timeout=5000)
    qtbot.waitUntil(lambda: page.project is not None, timeout=10000)  # after the keyring gave the secret
    assert page.status_label.text().startswith("Nothing is registered in this project yet")
    wizard.back()
    assert wizard.currentId() == PageId.LIVEKIT


def test_the_number_page_offers_the_projects_livekit_numbers(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    wizard.next()  # New registration
    agent = wizard.page(PageId.AGENT)
    qtbot.keyClicks(agent.agent_edit, "concierge")
    agent.provider_buttons["livekit"].click()
    number_page = wizard.page(PageId.NUMBER)
    picker = number_page.livekit_numbers
    with qtbot.waitSignal(picker.loaded, timeout=10000):
        wizard.next()
    assert picker.isVisibleTo(number_page)
    items = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert items[0].startswith(f"{LK_NUMBER} — in use: agent “receptionist” (dispatch rule SDR_")
    assert items[1] == "+14155550123 — free"
    picker.list.itemClicked.emit(picker.list.item(1))
    assert wizard.draft["registration"]["phone_number"] == "+14155550123"
    number_page.phone_edit.setText("+1 415 555 0199")  # typing stays possible
    assert wizard.draft["registration"]["phone_number"] == "+14155550199"


def test_a_carrier_number_page_shows_no_livekit_numbers(qtbot, tmp_path, sandbox):
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    wizard.next()
    agent = wizard.page(PageId.AGENT)
    qtbot.keyClicks(agent.agent_edit, "concierge")
    agent.provider_buttons["twilio"].click()
    wizard.next()
    assert not wizard.page(PageId.NUMBER).livekit_numbers.isVisibleTo(wizard.page(PageId.NUMBER))


def test_every_button_of_the_page_has_its_own_alt_letter(qtbot, tmp_path, sandbox):
    from PySide6.QtWidgets import QAbstractButton

    from tests.ui.test_pages_1_4_livekit_agent import _mnemonic

    wizard, page = open_page(qtbot, tmp_path, sandbox)
    buttons = [wizard.button(b) for b in (QWizard.WizardButton.CustomButton1, QWizard.WizardButton.CustomButton2,
                                          QWizard.WizardButton.HelpButton, QWizard.WizardButton.BackButton,
                                          QWizard.WizardButton.NextButton)]
    texts = [b.text() for b in buttons] + [b.text() for b in page.findChildren(QAbstractButton)]
    assert "&New registration >" in texts
    letters = [m for m in map(_mnemonic, texts) if m]
    assert len(letters) == len(set(letters)), texts
