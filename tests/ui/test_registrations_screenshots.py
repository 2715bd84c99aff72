"""docs/screenshots/10-registrations.png and 11-livekit-numbers.png: the registrations page with a
realistic mix (ok, incomplete, not made by phonewizard, a catch-all rule and an unassigned LiveKit
number apart), and the number page's LiveKit numbers. The sandbox's IDs are made deterministic so
the pictures do not change between runs."""

from __future__ import annotations

import pytest

from phonewizard.domain.navigation import PageId
from tests.ui.registrations_fixtures import FOREIGN_NUMBER, seed_mix
from tests.ui.test_wizard_screenshots import check_png
from tests.ui.wizard_helpers import make_wizard, save_screenshot, screenshot_sandbox

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.fixture
def steady_sandbox(monkeypatch):
    """The screenshot sandbox with IDs from counters (ST_…, SDR_…, PN_… the same every run). The
    counters restart with each store, so a first attempt on a taken port changes nothing."""
    import phonewizard.sandbox.sip_service as sip_service
    import phonewizard.sandbox.store as store

    counters: dict[str, int] = {}

    def steady_id(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        n, digits = (counters[prefix] + 7919 + 97 * sum(map(ord, prefix))) * 104729, []
        for _ in range(12):
            n, r = divmod(n * 31 + 17, len(ALPHABET))
            digits.append(ALPHABET[r])
        return prefix + "".join(digits)

    original_init = store.Store.__init__

    def fresh_store(self, *args, **kwargs):
        counters.clear()
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(sip_service, "new_id", steady_id)
    monkeypatch.setattr(store, "new_id", steady_id)
    monkeypatch.setattr(store.Store, "__init__", fresh_store)
    server = screenshot_sandbox()
    yield server
    server.stop_thread()


def test_screenshots_of_the_registrations_page(qtbot, tmp_path, steady_sandbox):
    seed_mix(steady_sandbox)
    wizard = make_wizard(qtbot, tmp_path, environ={}, sandbox_factory=lambda: steady_sandbox)
    wizard.resize(940, 720)
    page = wizard.page(PageId.REGISTRATIONS)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        wizard.next()
    page.table.selectRow(page.model.row_of(FOREIGN_NUMBER))
    check_png(save_screenshot(wizard, "10-registrations"), wizard)

    wizard.next()  # New registration
    agent = wizard.page(PageId.AGENT)
    qtbot.keyClicks(agent.agent_edit, "concierge")
    agent.provider_buttons["livekit"].click()
    picker = wizard.page(PageId.NUMBER).livekit_numbers
    with qtbot.waitSignal(picker.loaded, timeout=10000):
        wizard.next()
    picker.list.itemClicked.emit(picker.list.item(1))
    check_png(save_screenshot(wizard, "11-livekit-numbers"), wizard)
