""""Diagnose a call…" against the sandbox over HTTP: the offered numbers and source addresses, the
verdict in words, the drawn path with the hop where the call stops, every trunk and rule
considered, input problems, progress and Cancel, failures; the path's colours in light and dark
palettes; pictures of the dialog (accepted, and stopped at a hop) for the docs.

Pictures go to PHONEWIZARD_SCREENSHOT_DIR, by default the ignored test-output/screenshots.
"""

from __future__ import annotations

import pytest
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)
from PySide6.QtGui import QColor, QPalette

from phonewizard.app.doctor import READING
from phonewizard.services.livekit_client import Connection
from phonewizard.ui.doctor_dialog import DiagnoseCallDialog, offered_numbers, offered_sources
from phonewizard.ui.widgets.call_path import CallPathView, hop_style
from tests.services.registrar_helpers import hand_made_objects
from tests.ui.dialog_fixtures import picture_sandbox, worker  # noqa: F401 - fixtures
from tests.ui.wizard_helpers import save_screenshot

NUMBER = "+14155550123"


def support_rule(trunk_ids=(), numbers=(), name="support line") -> SIPDispatchRuleInfo:
    return SIPDispatchRuleInfo(
        name=name, trunk_ids=list(trunk_ids), numbers=list(numbers),
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="support")),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name="support-agent")]))


def dialog_for(qtbot, worker, sandbox, provider="vonage", secret=None) -> DiagnoseCallDialog:
    connection = Connection(sandbox.url, sandbox.api_key, secret or sandbox.api_secret)
    dialog = DiagnoseCallDialog(worker, connection, number=NUMBER, provider=provider)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def run(qtbot, dialog: DiagnoseCallDialog):
    with qtbot.waitSignal(dialog.diagnosed, timeout=10000) as blocker:
        assert dialog.diagnose()
    return blocker.args[0]


def dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Base, "#1b1b1d"), (QPalette.ColorRole.AlternateBase, "#26272a"),
                         (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2d2e31"),
                         (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Mid, "#5f6368"),
                         (QPalette.ColorRole.PlaceholderText, "#9aa0a6"), (QPalette.ColorRole.Highlight, "#8ab4f8"),
                         (QPalette.ColorRole.HighlightedText, "#202124")):
        p.setColor(role, QColor(colour))
    return p


# ---- what the dialog offers -------------------------------------------------------------------

def test_the_number_is_offered_in_each_form_the_carrier_may_send():
    assert offered_numbers(NUMBER, "vonage") == [NUMBER, NUMBER[1:]]
    assert offered_numbers(NUMBER, "twilio") == [NUMBER]
    assert offered_numbers(NUMBER, None) == [NUMBER]


def test_source_addresses_come_from_the_carriers_published_ranges():
    twilio = offered_sources("twilio")
    assert ("54.172.60.1", "Twilio Elastic SIP Trunking, published range 54.172.60.0/30") in twilio
    assert offered_sources("telnyx")[0][0] == "192.76.120.10"
    assert offered_sources("custom") == [] and offered_sources(None) == []


# ---- verdicts over HTTP -----------------------------------------------------------------------

def test_an_accepted_call_shows_every_hop_passed(qtbot, worker, picture_sandbox):
    sandbox = picture_sandbox
    trunk_id, rule_id = hand_made_objects(sandbox, SIPInboundTrunkInfo(name="main line", numbers=[NUMBER]), support_rule())
    dialog = dialog_for(qtbot, worker, sandbox)
    assert [dialog.to_box.itemText(i) for i in range(dialog.to_box.count())] == [NUMBER, NUMBER[1:]]
    dialog.caller_edit.setText("+15105550111")
    verdict = run(qtbot, dialog)
    assert verdict.outcome == "accepted" and verdict.trunk_id == trunk_id and verdict.dispatch_rule_id == rule_id
    assert dialog.headline_label.text() == "The call gets through: agent support-agent answers it."
    assert "main line" in dialog.summary_label.text()
    assert [h.status for h in dialog.path_view.hops] == ["passed"] * 5
    assert dialog.path_view.stopped_index() is None
    assert dialog.path_view.hops[3].label == "support_+15105550111_<random>"
    details = dialog.details.toPlainText()
    assert f"trunk {trunk_id} “main line”: takes the call" in details
    assert f"rule {rule_id} “support line”: takes the call" in details
    assert not dialog.busy and dialog.diagnose_button.isEnabled() and not dialog.progress.isVisible()
    save_screenshot(dialog, "09-diagnose-accepted")


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_call_stopped_at_the_rule_marks_that_hop_and_says_what_to_change(qtbot, worker, picture_sandbox, palette):
    sandbox = picture_sandbox
    # A carrier that drops the + (Vonage) and a rule whose numbers hold the + form: exact match.
    [trunk_id] = hand_made_objects(sandbox, SIPInboundTrunkInfo(name="main line", numbers=[NUMBER]))
    [rule_id] = hand_made_objects(sandbox, support_rule(trunk_ids=[trunk_id], numbers=[NUMBER]))
    dialog = dialog_for(qtbot, worker, sandbox)
    if palette == "dark":
        dialog.setPalette(dark_palette())
    dialog.to_box.setCurrentIndex(1)  # 14155550123, as Vonage may send it
    verdict = run(qtbot, dialog)
    assert verdict.outcome == "dropped"
    assert dialog.headline_label.text().startswith("The call is dropped")
    assert dialog.path_view.stopped_index() == 2
    assert [h.status for h in dialog.path_view.hops] == ["passed", "passed", "stopped", "not_reached", "not_reached"]
    assert "✕ stops here" in dialog.path_view.accessibleDescription()
    details = dialog.details.toPlainText()
    assert f"rule {rule_id} “support line”: skipped" in details
    assert "To change: Write 14155550123 exactly as sent instead of +14155550123" in details
    save_screenshot(dialog, f"09-diagnose-stopped{'-dark' if palette == 'dark' else ''}")


def test_a_source_address_outside_the_trunks_filter_is_named(qtbot, worker, sandbox):
    [trunk_id] = hand_made_objects(sandbox, SIPInboundTrunkInfo(name="twilio line", numbers=[NUMBER],
                                                   allowed_addresses=["54.172.60.0/30"]))
    hand_made_objects(sandbox, support_rule(trunk_ids=[trunk_id]))
    dialog = dialog_for(qtbot, worker, sandbox, provider="twilio")
    dialog.source_box.setCurrentText("54.244.51.1")  # Twilio's, but not on the trunk's list
    verdict = run(qtbot, dialog)
    assert verdict.outcome == "dropped" and verdict.call.source_ip == "54.244.51.1"
    assert "allowed_addresses" in dialog.details.toPlainText()
    dialog.source_box.setCurrentIndex(1)  # 54.172.60.1: inside the filter
    assert run(qtbot, dialog).outcome == "accepted"


def test_names_with_control_characters_are_shown_escaped(qtbot, worker, sandbox):
    hand_made_objects(sandbox, SIPInboundTrunkInfo(name="evil\x1b[2Jname", numbers=[NUMBER]), support_rule())
    dialog = dialog_for(qtbot, worker, sandbox)
    run(qtbot, dialog)
    assert "evil\\x1b[2Jname" in dialog.summary_label.text() and "\x1b" not in dialog.summary_label.text()
    assert "\x1b" not in dialog.details.toPlainText()


# ---- input, progress, cancel, failures ------------------------------------------------------------

def test_bad_input_is_said_inline_and_nothing_is_sent(qtbot, worker, sandbox):
    dialog = dialog_for(qtbot, worker, sandbox)
    dialog.source_box.setCurrentText("sip.example.com")
    dialog.pin_edit.setText("12#")
    assert not dialog.diagnose()
    text = dialog.input_problem.text()
    assert text.startswith("Source IP: ") and "\nPIN: " in text
    assert not dialog.busy and sandbox.log.methods == []


def test_progress_is_shown_and_cancel_stops_the_read(qtbot, worker, sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=5)
    dialog = dialog_for(qtbot, worker, sandbox)
    assert dialog.diagnose()
    qtbot.waitUntil(lambda: dialog.status_label.text() == READING, timeout=5000)
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    assert not dialog.diagnose_button.isEnabled() and not dialog.diagnose()  # one run at a time
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.status_label.text() == "Cancelled. Nothing was changed."
    assert dialog.diagnose_button.isEnabled() and not dialog.progress.isVisible() and dialog.verdict is None


def test_a_refused_key_is_shown_as_the_message(qtbot, worker, sandbox):
    dialog = dialog_for(qtbot, worker, sandbox, secret="w" * 40)
    with qtbot.waitSignal(dialog.run_failed, timeout=10000) as blocker:
        dialog.diagnose()
    assert "did not accept API key" in blocker.args[0]
    assert dialog.input_problem.text() == blocker.args[0] and "w" * 40 not in blocker.args[0]


def test_closing_mid_run_cancels_it(qtbot, worker, sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=5)
    dialog = dialog_for(qtbot, worker, sandbox)
    dialog.diagnose()
    qtbot.waitUntil(lambda: dialog.status_label.text() == READING, timeout=5000)
    with qtbot.waitSignal(dialog.rejected):
        dialog.reject()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)


# ---- the path's colours ---------------------------------------------------------------------------

def _luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_stopped_hop_and_every_label_keep_their_contrast(qtbot, palette):
    view = CallPathView()
    qtbot.addWidget(view)
    pal = dark_palette() if palette == "dark" else view.palette()
    stopped = hop_style(pal, "stopped")
    assert contrast(stopped.border, pal.color(QPalette.ColorRole.Base)) >= 3.0  # a graphic's boundary
    for status in ("passed", "bypassed", "stopped", "not_reached"):
        style = hop_style(pal, status)
        assert contrast(style.text, style.fill) >= 4.5, status
        assert contrast(style.muted, style.fill) >= 3.0, status
