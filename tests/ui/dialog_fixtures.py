"""Fixtures shared by the dialog and probe tests (the diagnose-a-call and test-call dialogs, their
pictures, the result page's probe box). A test module imports the ones it uses by name.

``worker``: an AsyncWorker (the GUI's one asyncio loop in its own thread), shut down afterwards.
``picture_sandbox``: the sandbox on the screenshots' fixed port (the pictures show its URL).
"""

from __future__ import annotations

import pytest

from phonewizard.ui.async_worker import AsyncWorker
from tests.sandbox_fixtures import stopped_after
from tests.ui.wizard_helpers import screenshot_sandbox


@pytest.fixture
def worker(qtbot):
    w = AsyncWorker()
    yield w
    w.shutdown()


@pytest.fixture
def picture_sandbox():
    yield from stopped_after(screenshot_sandbox())
