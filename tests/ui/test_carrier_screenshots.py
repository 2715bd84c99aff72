"""Writes the documented pictures of "Set up Twilio for me": docs/screenshots/10-carrier-setup.png (the
Inbound calls page with the set-up ticked) and 11-carrier-result.png (the result page after it).

Like the other documented pictures they come out the same on every run: a configured project from
the environment, example values typed in, a seeded Twilio stand-in (fixed SIDs) reached through
PHONEWIZARD_TWILIO_BASE_URL, LiveKit's random IDs replaced by fixed examples, and the console links a
real account shows (a stand-in has no console). The assertions check each picture shows what the
documentation says it shows.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from phonewizard.app.carrier_consoles import console_page
from phonewizard.app.carrier_setup import CONSOLES
from phonewizard.domain.navigation import PageId
from phonewizard.sandbox.carriers import TwilioStandIn
from tests.ui.carrier_wizard_helpers import fill_outbound, register, tick_set_up, to_inbound
from tests.ui.test_registration_flow import EXAMPLE_IDS
from tests.ui.test_wizard_screenshots import check_png
from tests.ui.wizard_helpers import LIVEKIT_ENV, make_wizard, save_screenshot, screenshot_sandbox

EXAMPLE_ACCOUNT = "AC3f9e2b7c41d86a05e9b1c7d24f8a6e13"
EXAMPLE_TOKEN = "9d41c2e87b05f6a3c1d8e2b7f40a9c63"
OWNED = "+14155550123"


@pytest.fixture
def seeded_twilio():
    server = TwilioStandIn(seed=14).start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


def test_screenshot_of_the_carrier_set_up_controls(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ=LIVEKIT_ENV)
    wizard.resize(940, 720)
    livekit = wizard.page(PageId.LIVEKIT)
    qtbot.keyClicks(livekit.sip_uri_edit, "sip:4k2j9x1q.sip.livekit.cloud")
    inbound = to_inbound(wizard, qtbot, number="+14155550101")
    box = inbound.carrier_box
    tick_set_up(qtbot, inbound)
    qtbot.keyClicks(box.account_edit, EXAMPLE_ACCOUNT)
    qtbot.keyClicks(box.secret_edit.line_edit, EXAMPLE_TOKEN)
    assert box.missing() is None and not box.stand_in_label.isVisible()
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    inbound.scroll_area.verticalScrollBar().setValue(0)
    check_png(save_screenshot(wizard, "10-carrier-setup"), wizard)


def test_screenshot_of_the_result_after_a_carrier_set_up(qtbot, tmp_path, seeded_twilio, memory_keyring):
    sandbox = screenshot_sandbox(sip_uri="sip:3kd8xq1vz2p.sip.livekit.cloud")
    try:
        environ = {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key,
                   "LIVEKIT_API_SECRET": sandbox.api_secret, "PHONEWIZARD_TWILIO_BASE_URL": seeded_twilio.url}
        wizard = make_wizard(qtbot, tmp_path, environ=environ)
        wizard.resize(940, 720)
        qtbot.keyClicks(wizard.page(PageId.LIVEKIT).sip_uri_edit, sandbox.sip_uri)
        inbound = to_inbound(wizard, qtbot, number=OWNED)
        tick_set_up(qtbot, inbound)
        qtbot.keyClicks(inbound.carrier_box.account_edit, seeded_twilio.account_sid)
        qtbot.keyClicks(inbound.carrier_box.secret_edit.line_edit, seeded_twilio.auth_token)
        fill_outbound(wizard, qtbot)
        review = register(wizard, qtbot)
        assert review.result is not None, review.status_label.text()
        done = review.registered
        carrier = done.carrier
        assert carrier.stand_in and all(item.link is None for item in carrier.items)
        # As a real account shows it: the console and its pages linked.
        real = replace(carrier, console_url=CONSOLES["twilio"],
                       items=[replace(i, link=console_page("twilio", i.what)) for i in carrier.items])
        result_page = wizard.currentPage()
        result_page.show_result(done.result.model_copy(update=EXAMPLE_IDS), secrets=[sandbox.api_secret],
                                carrier=real)
        view = result_page.carrier_view
        assert view.title() == "Configured at Twilio" and len(view.link_labels) == len({i.what for i in real.items})
        assert not result_page.steps_box.isVisible()
        result_page.scroll_area.verticalScrollBar().setValue(0)
        check_png(save_screenshot(wizard, "11-carrier-result"), wizard)
    finally:
        sandbox.stop_thread()
