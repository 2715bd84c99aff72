"""Child process: per-keystroke cost of live validation on the real wizard pages.

Usage: python benchmarks/typing_bench.py KEYSTROKES
Builds the wizard as the app does, opens the page holding the field (setStartId + restart, the
same widgets a user types into), gives the field focus and sends KEYSTROKES QTest.keyClick
events: the value typed in full, then erased with Backspace, over and over. Each sample is one
keyClick plus the events it posted (processEvents), i.e. formatting, storing into the draft,
check_config over the whole draft and every page showing the new report.
Fields: the phone number (PhoneLineEdit on the number page) and the outbound address (the
OutboundAddressEditor host field, provider "custom", outbound enabled).
Prints one line `BENCH {"fields": {name: [seconds, ...]}, "errors": {name: why}}`.
"""

from __future__ import annotations

import os
import sys
import time

from bench_support import emit, isolate_user_dirs, make_wizard, skip

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def find_page_with(wizard, widget_type):
    """(page id, first widget of `widget_type` on that page) for the page that holds one."""
    for page_id in wizard.pageIds():
        found = wizard.page(page_id).findChildren(widget_type)
        if found:
            return page_id, found[0]
    raise LookupError(f"no wizard page holds a {widget_type.__name__}")


def type_into(app, wizard, page_id, field, text: str, keystrokes: int) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    wizard.setStartId(page_id)
    wizard.restart()
    app.processEvents()
    if wizard.currentId() != page_id or not field.isVisible():
        raise RuntimeError(f"page {page_id} or its field is not showing")
    field.setFocus()
    field.clear()
    app.processEvents()
    samples: list[float] = []
    while len(samples) < keystrokes:
        keys = list(text) + [Qt.Key.Key_Backspace] * len(text)
        for key in keys[: keystrokes - len(samples)]:
            started = time.perf_counter()
            QTest.keyClick(field, key)
            app.processEvents()
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    keystrokes = int(sys.argv[1])
    isolate_user_dirs()
    from PySide6.QtWidgets import QApplication

    try:
        from phonewizard.ui.pages.outbound_address_editor import OutboundAddressEditor
        from phonewizard.ui.widgets.phone_edit import PhoneLineEdit
    except ImportError as exc:
        skip(f"wizard widgets not importable: {exc}")
    app = QApplication([sys.argv[0]])
    wizard = make_wizard()
    wizard.show()
    app.processEvents()
    wizard.startup.run()  # keystrokes are timed on a fully started wizard (no-op if it ran)

    fields: dict = {}
    errors: dict = {}
    try:
        page_id, phone = find_page_with(wizard, PhoneLineEdit)
        fields["phone number"] = type_into(app, wizard, page_id, phone, "+14155550123", keystrokes)
    except (LookupError, RuntimeError) as exc:
        errors["phone number"] = str(exc)
    try:
        # Outbound enabled with a free-form host, as a user of a "custom" carrier would have it.
        draft = dict(wizard.draft)
        registration = dict(draft.get("registration") or {})
        registration.update(provider="custom", enable_outbound=True)
        draft["registration"] = registration
        wizard.load_draft(draft)
        page_id, editor = find_page_with(wizard, OutboundAddressEditor)
        fields["outbound address"] = type_into(
            app, wizard, page_id, editor.host_edit, "sip.example.com", keystrokes
        )
    except (LookupError, RuntimeError) as exc:
        errors["outbound address"] = str(exc)
    emit({"fields": fields, "errors": errors})
    os._exit(0)  # the sandbox thread and worker need no orderly teardown here


if __name__ == "__main__":
    sys.exit(main())
