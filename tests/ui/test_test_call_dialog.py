""""Test call…" and "Check inbound" against the sandbox, through the app layer and the real
livekit-api client over HTTP: an answered call with the agent and its room removed, refusals
explained with their SIP status, no answer, Hang up while it rings, the dialog closed mid-call,
the inbound check passing and stopping at a named stage, the input checked as the CLI checks it,
and a number without an outbound trunk.

The sandbox's switches choose each outcome (sandbox/call_switches.py); its rooms show whether the
test room is gone (`calls.rooms.names()`, `calls.rooms.deleted`).
"""

from __future__ import annotations

import asyncio

import pytest

from phonewizard.app.call_targets import no_outbound_reason
from phonewizard.sandbox.call_switches import CallOutcome
from phonewizard.services.livekit_client import Connection
from phonewizard.services.registrar import Registrar
from phonewizard.ui.test_call_dialog import SANDBOX_HINT, TestCallDialog
from tests.services.registrar_helpers import PHONE, connect, make_plan
from tests.ui.dialog_fixtures import worker  # noqa: F401 - fixture

CALLEE = "+447700900123"


@pytest.fixture
def lk(sandbox):
    """The sandbox with PHONE registered (Telnyx, outbound on, agent my-agent). Ringing lasts long
    enough for the dialog's poll (every 0.5 s) to see it."""
    sandbox.calls.switches.set_timing(dial_seconds=0.05, ring_seconds=0.8, agent_join_seconds=0.05)
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan()))
    return sandbox


def open_dialog(qtbot, worker, server, **kwargs) -> TestCallDialog:
    kwargs.setdefault("agent", "my-agent")
    dialog = TestCallDialog(worker, connect(server), number=PHONE, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def call(qtbot, dialog, to=CALLEE, timeout=15000):
    dialog.to_edit.setText(to)
    with qtbot.waitSignal(dialog.call_finished, timeout=timeout) as blocker:
        dialog.start_button.click()
        assert dialog.busy and dialog.hangup_button.isVisible()
    return blocker.args[0]


def wait_for_stage(qtbot, dialog, stage, timeout=10000):
    qtbot.waitUntil(lambda: stage in dialog.stages.keys(), timeout=timeout)


# ---- a test call ------------------------------------------------------------------------------

def test_an_answered_call_shows_each_stage_the_agent_joining_and_the_room_removed(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=1.0))
    dialog = open_dialog(qtbot, worker, lk)
    assert dialog.agent_check.isChecked()  # the agent is dispatched unless the user opts out
    result = call(qtbot, dialog)
    assert result.outcome == "answered" and result.agent_joined
    keys = dialog.stages.keys()
    assert keys[:3] == ["agent_dispatched", "dialling", "ringing"] and keys[-2:] == ["ended", "room_deleted"]
    assert {"answered", "agent_joined"} <= set(keys)
    assert all(dialog.stages.tone_of(k) == "ok" for k in keys)
    assert dialog.stages.row_text("ringing").startswith(f"✓ Ringing — {CALLEE} — 0:0")
    assert dialog.headline_label.text() == "Answered, and agent “my-agent” joined the call"
    assert "the callee hung up" in dialog.explanation_label.text()
    assert dialog.room_label.text() == f"The test room {result.room} was removed." and dialog.view.room_tone == "ok"
    assert lk.calls.rooms.names() == [] and result.room in lk.calls.rooms.deleted
    assert not dialog.busy and not dialog.hangup_button.isVisible() and dialog.start_button.isEnabled()
    assert dialog.stages.pending_text() is None


@pytest.mark.parametrize("code, status, words", [
    (486, "Busy Here", "busy"),
    (403, "Forbidden", "outbound voice profile"),  # Telnyx's 403: the registration's carrier
])
def test_a_refused_call_shows_its_sip_status_explanation_and_what_to_change(qtbot, worker, lk, code, status, words):
    dialog = open_dialog(qtbot, worker, lk)
    result = call(qtbot, dialog, to=f"+15550000{code}")  # the sandbox's magic numbers: refused with SSS
    assert result.outcome == "failed" and result.sip_status_code == code
    assert dialog.headline_label.text() == f"The call failed: SIP {code} {status}"
    explanation = dialog.explanation_label.text()
    assert explanation == result.explanation and explanation.startswith(f"Telnyx answered {code} {status}")
    assert dialog.fixes_label.text().startswith("What to change:\n• ")
    assert words in (explanation + dialog.fixes_label.text()).lower()
    assert dialog.stages.tone_of("ended") == "error" and f"SIP {code}" in dialog.stages.row_text("ended")
    assert dialog.view.room_tone == "ok" and lk.calls.rooms.names() == []


def test_no_answer_within_the_ringing_time(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.no_answer())
    dialog = open_dialog(qtbot, worker, lk)
    dialog.ring_spin.setValue(1)
    result = call(qtbot, dialog)
    assert result.outcome == "no_answer" and result.sip_status_code is None
    assert dialog.headline_label.text() == "No answer"
    assert "within 1 second" in dialog.explanation_label.text()
    assert lk.calls.rooms.names() == []


def test_hang_up_while_it_rings_removes_the_room_and_says_so(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.no_answer())  # rings until the ringing time runs out (30 s)
    dialog = open_dialog(qtbot, worker, lk)
    dialog.to_edit.setText(CALLEE)
    dialog.start_button.click()
    wait_for_stage(qtbot, dialog, "ringing")
    assert dialog.stages.pending_text() == "◔ Ringing: answer your phone"
    room = next(iter(lk.calls.rooms.names()))
    with qtbot.waitSignal(dialog.call_finished, timeout=10000) as blocker:
        dialog.hangup_button.click()
        assert not dialog.hangup_button.isEnabled()
        assert dialog.stages.pending_text() == "◔ Hanging up: removing the test room…"
    result = blocker.args[0]
    assert result.outcome == "cancelled" and result.room == room and result.room_deleted
    assert dialog.headline_label.text() == "Hung up before the call was answered"
    assert dialog.stages.keys()[-2:] == ["hung_up", "room_deleted"]
    assert dialog.room_label.text() == f"The test room {room} was removed."
    assert lk.calls.rooms.names() == [] and room in lk.calls.rooms.deleted
    assert dialog.start_button.isEnabled()  # another call may be placed


def test_closing_the_dialog_mid_call_hangs_up_and_removes_the_room(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=60))
    dialog = open_dialog(qtbot, worker, lk)
    dialog.to_edit.setText(CALLEE)
    dialog.start_button.click()
    wait_for_stage(qtbot, dialog, "answered")
    room = next(iter(lk.calls.rooms.names()))
    with qtbot.waitSignal(dialog.call_finished, timeout=10000) as blocker:
        dialog.close()
        assert not dialog.isVisible()
    assert blocker.args[0].outcome == "cancelled" and blocker.args[0].room_deleted
    assert lk.calls.rooms.names() == [] and room in lk.calls.rooms.deleted
    assert dialog.headline_label.text() == "Hung up"
    assert not dialog.isVisible()  # the room is gone: nothing to tell, the dialog stays closed


def test_closing_mid_call_when_the_room_cannot_be_removed_opens_the_dialog_again(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.no_answer())
    dialog = open_dialog(qtbot, worker, lk)
    dialog.to_edit.setText(CALLEE)
    dialog.start_button.click()
    wait_for_stage(qtbot, dialog, "ringing")
    lk.faults.fail("DeleteRoom", "drop")
    with qtbot.waitSignal(dialog.call_finished, timeout=15000):
        dialog.close()
    assert dialog.isVisible() and dialog.view.room_tone == "error"
    assert "could not be removed" in dialog.room_label.text()
    assert "lk room delete" in dialog.fixes_label.text()


def test_the_phone_is_checked_as_the_command_line_checks_it(qtbot, worker, lk):
    dialog = open_dialog(qtbot, worker, lk)
    for typed in ("", "12", "call me"):
        dialog.to_edit.setText(typed)
        assert not dialog.start()
        assert dialog.input_problem.kind == "error" and dialog.input_problem.text().startswith("Your phone: ")
    assert not dialog.busy and "CreateSIPParticipant" not in lk.log.methods
    dialog.to_edit.setText("+44 7700 900123")  # spaces are fine: the CLI's parse takes them
    with qtbot.waitSignal(dialog.call_finished, timeout=15000):
        assert dialog.start()
    assert dialog.input_problem.kind == ""


def test_without_the_agent_nothing_is_dispatched(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=0.5))
    dialog = open_dialog(qtbot, worker, lk)
    dialog.agent_check.setChecked(False)
    result = call(qtbot, dialog)
    assert result.agent is None and "agent_dispatched" not in dialog.stages.keys()
    assert dialog.headline_label.text() == "Answered: the call went through"


def test_an_agent_that_never_joins_is_a_warning_with_what_to_change(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.answer(hangup_after=1.0))
    lk.calls.switches.set_agent_offline("my-agent")
    dialog = open_dialog(qtbot, worker, lk)
    call(qtbot, dialog)
    assert dialog.headline_label.text() == "Answered, but agent “my-agent” never joined"
    assert dialog.stages.tone_of("agent_joined") == "warning"
    assert "agent_name “my-agent”" in dialog.fixes_label.text()


def test_a_number_without_outbound_says_how_to_enable_it(qtbot, worker, sandbox):
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan(enable_outbound=False, outbound_address=None,
                                                            auth_username=None, auth_password=None)))
    reason = no_outbound_reason(PHONE, "telnyx")
    # Told at once, when the caller knows (the pages do): the button is off.
    told = open_dialog(qtbot, worker, sandbox, unavailable=reason)
    assert not told.start_button.isEnabled() and told.start_button.toolTip() == reason
    assert told.input_problem.text() == reason and not told.start()
    # Found out by the call itself: LiveKit holds no outbound trunk, the same words.
    dialog = open_dialog(qtbot, worker, sandbox)
    dialog.to_edit.setText(CALLEE)
    with qtbot.waitSignal(dialog.run_failed, timeout=10000) as blocker:
        assert dialog.start()
    assert blocker.args[0] == reason == dialog.input_problem.text()
    assert not dialog.busy and dialog.start_button.isEnabled()


def test_livekit_refusing_the_key_is_said_in_the_dialog(qtbot, worker, lk):
    wrong = Connection(lk.url, lk.api_key, "a-wrong-secret-that-is-long-enough-for-jwt", timeout=5)
    dialog = TestCallDialog(worker, wrong, number=PHONE)
    qtbot.addWidget(dialog)
    dialog.to_edit.setText(CALLEE)
    with qtbot.waitSignal(dialog.run_failed, timeout=10000) as blocker:
        assert dialog.start()
    assert dialog.input_problem.kind == "error" and dialog.input_problem.text() == blocker.args[0]
    assert "a-wrong-secret" not in blocker.args[0] and "secret" in blocker.args[0].lower()
    assert not dialog.busy and dialog.start_button.isEnabled() and lk.calls.rooms.names() == []


def test_the_sandbox_hint_names_the_numbers_that_pick_an_outcome(qtbot, worker, lk):
    dialog = open_dialog(qtbot, worker, lk, sandbox=True)
    assert any(label.text() == SANDBOX_HINT for label in dialog.findChildren(type(dialog.headline_label)))
    assert "+1 555 000 0486 busy" in SANDBOX_HINT


# ---- the inbound check ------------------------------------------------------------------------

def test_the_inbound_check_passes_every_stage_and_removes_both_rooms(qtbot, worker, lk):
    dialog = open_dialog(qtbot, worker, lk, mode="inbound")
    assert dialog.windowTitle() == f"Check inbound calls to {PHONE}" and not dialog.to_edit.isVisible()
    with qtbot.waitSignal(dialog.call_finished, timeout=20000) as blocker:
        dialog.start_button.click()
        assert dialog.stages.pending_text() == f"◔ Calling {PHONE} through its own outbound trunk…"
    result = blocker.args[0]
    assert result.ok and result.outcome == "passed"
    keys = dialog.stages.keys()
    assert keys[:4] == ["dialled", "room_created", "caller_joined", "agent_joined"]
    assert dialog.headline_label.text() == "Inbound works: a call to the number reaches the agent"
    assert dialog.room_label.text() == "Rooms removed: " + ", ".join(result.rooms_deleted) + "."
    assert set(result.rooms_deleted) == {result.room, result.inbound_room}
    assert lk.calls.rooms.names() == []


def test_the_inbound_check_names_the_stage_it_did_not_reach(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.reject(403), PHONE)  # the carrier refuses the outgoing leg
    dialog = open_dialog(qtbot, worker, lk, mode="inbound")
    with qtbot.waitSignal(dialog.call_finished, timeout=20000) as blocker:
        dialog.start_button.click()
    result = blocker.args[0]
    assert not result.ok and result.missing_stage == "dialled"
    assert dialog.headline_label.text() == ("Not reached: Number dialled through its own outbound trunk "
                                            "(SIP 403 Forbidden)")
    assert dialog.headline_label.text() and dialog.stages.tone_of("dialled") == "error"
    assert dialog.stages.row_text("dialled").endswith("not reached (SIP 403 Forbidden)")
    assert f"could not call {PHONE}" in dialog.explanation_label.text()
    assert "phonewizard call" in dialog.fixes_label.text()
    assert lk.calls.rooms.names() == []


def test_an_agent_that_never_joins_is_the_stage_not_reached(qtbot, worker, lk, monkeypatch):
    from phonewizard.app import inbound

    # The check waits 20 s for the agent; a test waits 1 (the request's own bound, not a clock).
    parse = inbound.InboundCheckRequest.parse.__func__
    monkeypatch.setattr(inbound.InboundCheckRequest, "parse",
                        classmethod(lambda cls, c, **kw: parse(cls, c, **{**kw, "agent_wait": 1})))
    lk.calls.switches.set_agent_offline("my-agent")
    dialog = open_dialog(qtbot, worker, lk, mode="inbound")
    with qtbot.waitSignal(dialog.call_finished, timeout=20000) as blocker:
        dialog.start_button.click()
        qtbot.waitUntil(lambda: "caller_joined" in dialog.stages.keys(), timeout=10000)
        assert dialog.stages.pending_text().startswith("◔ Waiting for agent “my-agent” to join…")
    assert blocker.args[0].missing_stage == "agent_joined"
    assert dialog.headline_label.text() == "Not reached: Agent joined"
    assert dialog.stages.tone_of("agent_joined") == "error"
    assert lk.calls.rooms.names() == []


def test_stopping_the_inbound_check_removes_its_rooms(qtbot, worker, lk):
    lk.calls.switches.script(CallOutcome.no_answer(), PHONE)
    dialog = open_dialog(qtbot, worker, lk, mode="inbound")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: lk.calls.rooms.names() != [], timeout=10000)
    with qtbot.waitSignal(dialog.call_finished, timeout=10000) as blocker:
        dialog.hangup_button.click()
    assert blocker.args[0].outcome == "cancelled"
    assert dialog.headline_label.text() == "The inbound check was stopped"
    assert "stopped" in dialog.stages.keys()
    assert lk.calls.rooms.names() == []
