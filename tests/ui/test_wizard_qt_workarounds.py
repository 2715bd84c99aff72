"""PySide6 6.12 on CPython 3.11 drops a reference to None on every void call; the ui package
must make that harmless or the wizard aborts after a few thousand widget updates."""

import sys

import pytest
from PySide6.QtCore import QObject

import phonewizard.ui  # noqa: F401 - importing the package applies the workaround
from phonewizard.ui.qt_workarounds import needs_pin


@pytest.mark.skipif(not needs_pin(), reason="None is immortal on CPython 3.12+")
def test_none_has_headroom_after_importing_the_ui_package():
    assert sys.getrefcount(None) > 1 << 39


def test_many_void_calls_do_not_abort_the_interpreter(qtbot):
    # Without the workaround this loop alone (~4,500 references at start) ends the process
    # with "none_dealloc: deallocating None".
    obj = QObject()
    for _ in range(20_000):
        obj.setObjectName("x")
    assert obj.objectName() == "x"
