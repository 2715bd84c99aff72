"""PySide6 wizard: the only package that imports Qt."""

from phonewizard.ui.qt_workarounds import pin_singletons

# Before any Qt call: PySide6 6.12 on CPython 3.11 leaks a reference to None per void call
# (see qt_workarounds.py); without this the process aborts after a few thousand calls.
pin_singletons()
