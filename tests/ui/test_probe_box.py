"""The result page's probe on the worker: against the sandbox's SIP OPTIONS responder (each step
with its result, never an INVITE), sandbox mode's own responder, a host that does not resolve,
a URI that cannot be probed, and the button on the result page after a registration."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.sandbox import DEFAULT_SIP_URI
from phonewizard.ui.pages.probe_box import SANDBOX_NOTE, ProbeBox
from tests.ui.dialog_fixtures import worker  # noqa: F401 - fixture
from tests.ui.test_registration_flow_pages import no_blocking_dialogs, review_wizard, sandbox_draft  # noqa: F401


def make_box(qtbot, worker) -> ProbeBox:
    box = ProbeBox(lambda: worker)
    qtbot.addWidget(box)
    box.show()
    return box


def probe(qtbot, box, timeout=15000):
    with qtbot.waitSignal(box.probed, timeout=timeout) as blocker:
        assert box.start()
        assert box.busy and not box.probe_button.isEnabled()
    return blocker.args[0]


def test_each_step_against_the_options_responder_and_never_an_invite(qtbot, worker, responder):
    box = make_box(qtbot, worker)
    box.set_uri(f"sip:127.0.0.1:{responder.port}")
    assert not box.isVisible() and not box.probe_button.isHidden()  # the steps show once probed
    result = probe(qtbot, box)
    assert box.isVisible() and not box.sandbox_note.isVisible()
    assert box.title_label.text() == f"Probing sip:127.0.0.1:{responder.port}:"
    assert result.reachable
    assert box.steps.keys() == ["dns", "udp", "tcp", "tls"]  # TLS stays on 5061, closed here
    for step in ("dns", "udp", "tcp"):
        assert box.steps.tone_of(step) == "ok", box.steps.row_text(step)
    assert box.steps.row_text("udp").startswith(f"✓ UDP {responder.port} — ")
    assert box.summary_label.text() == result.explanation
    assert result.explanation.startswith(f"127.0.0.1 answers SIP OPTIONS over UDP {responder.port}, "
                                         f"TCP {responder.port}")
    assert {method for _transport, method in responder.methods} == {"OPTIONS"}
    assert {transport for transport, _method in responder.methods} == {"udp", "tcp"}
    assert not box.busy and box.probe_button.isEnabled() and box.steps.pending_text() is None


def test_sandbox_mode_probes_a_local_responder_and_says_so(qtbot, worker):
    box = make_box(qtbot, worker)
    box.set_uri(DEFAULT_SIP_URI, sandbox=True)
    result = probe(qtbot, box)
    assert box.sandbox_note.isVisible() and box.sandbox_note.text() == SANDBOX_NOTE
    assert result.reachable and [s.step for s in result.steps] == ["dns", "udp", "tcp"]
    assert all(box.steps.tone_of(k) == "ok" for k in box.steps.keys())
    assert box.fixes_label.isHidden()


def test_a_host_that_does_not_resolve_says_what_to_check(qtbot, worker):
    box = make_box(qtbot, worker)
    box.set_uri("sip:nowhere.phonewizard.invalid")
    result = probe(qtbot, box)
    assert not result.reachable and box.steps.keys() == ["dns"]
    assert box.steps.tone_of("dns") == "error"
    assert box.summary_label.text().startswith("The SIP host ")
    assert "sip.livekit.cloud" in box.fixes_label.text() and box.fixes_label.isVisible()


def test_a_uri_that_cannot_be_probed_is_said_at_once(qtbot, worker):
    box = make_box(qtbot, worker)
    box.set_uri("https://acme.livekit.cloud")
    assert not box.start() and not box.busy
    assert box.summary_label.text().startswith("The SIP URI “https://acme.livekit.cloud” cannot be probed: it ")
    assert box.isVisible() and box.steps.keys() == []
    box.set_uri(None)
    assert not box.isVisible() and box.probe_button.isHidden() and not box.start()


def test_the_result_page_probes_its_sip_uri_when_asked(qtbot, sandbox, memory_keyring):
    wizard, review, result_page = review_wizard(qtbot, sandbox_draft(sandbox))
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    box = result_page.probe_box
    assert box.probe_button.isVisible() and box.probe_button.text() == "&Probe"
    assert result_page.uri_box.isAncestorOf(box.probe_button)  # beside the SIP URI's Copy
    assert not box.isVisible() and box.uri == sandbox.sip_uri and box.result is None  # not by itself
    wizard.sandbox_active = True  # what sandbox mode says; the sandbox's SIP URI is no real host
    result_page.show_result(result_page.result)
    with qtbot.waitSignal(box.probed, timeout=15000) as blocker:
        box.probe_button.click()
    assert blocker.args[0].reachable and box.steps.keys() == ["dns", "udp", "tcp"]
    assert box.isVisible() and box.sandbox_note.isVisible()
