"""The reusable editors on their own: values in and out, problems routed to the right row."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from phonewizard.domain.report import Problem
from phonewizard.ui.pages.base import get_path, set_path
from phonewizard.ui.widgets import CopyableValue, KeyValueEditor, ListEditor, SecretLineEdit


def test_list_editor_values_skip_empty_rows_and_map_problems(qtbot):
    editor = ListEditor(check=lambda v: "no spaces" if " " in v else None)
    qtbot.addWidget(editor)
    editor.set_values(["a", "", "b c", "d"])
    assert editor.values() == ["a", "b c", "d"]
    assert [p.kind for p in editor.entry_problems()] == ["", "", "error", ""]  # instant check
    whole = editor.show_problems(
        "x.list",
        [Problem("x.list.2", "d is wrong"), Problem("x.list", "too many")],
        [Problem("x.list.0", "a is unusual")],
    )
    # Entry 2 of the values is the 4th row (the empty row is not a value).
    assert [p.text() for p in editor.entry_problems()] == ["a is unusual", "", "no spaces", "d is wrong"]
    assert [p.message for p in whole] == ["too many"]


def test_list_editor_add_values_skips_duplicates_and_signals(qtbot):
    editor = ListEditor()
    qtbot.addWidget(editor)
    editor.set_values(["1.2.3.4"])
    with qtbot.waitSignal(editor.changed):
        assert editor.add_values(["1.2.3.4", "5.6.7.8"]) == 1
    assert editor.values() == ["1.2.3.4", "5.6.7.8"]
    with qtbot.assertNotEmitted(editor.changed):
        assert editor.add_values(["5.6.7.8"]) == 0


def test_list_editor_set_values_is_silent(qtbot):
    editor = ListEditor()
    qtbot.addWidget(editor)
    with qtbot.assertNotEmitted(editor.changed):
        editor.set_values(["a", "b"])


def test_key_value_editor_roundtrip_and_row_problems(qtbot):
    editor = KeyValueEditor()
    qtbot.addWidget(editor)
    editor.set_values({"X-Team": "sales", "X-Bad Header": "1"})
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    key, value = editor.pairs()[-1]
    qtbot.keyClicks(key, "X-Team")
    qtbot.keyClicks(value, "other")
    assert editor.values() == {"X-Team": "sales", "X-Bad Header": "1"}  # first one wins
    whole = editor.show_problems(
        "registration.custom_headers",
        [Problem("registration.custom_headers.X-Bad Header", "header names cannot contain spaces")],
        [],
    )
    texts = [p.text() for p in editor.row_problems()]
    assert texts[0] == ""
    assert texts[1] == "header names cannot contain spaces"
    assert "already listed" in texts[2]
    assert whole == []


def test_key_value_editor_value_without_name(qtbot):
    editor = KeyValueEditor()
    qtbot.addWidget(editor)
    editor.set_values({"": "orphan"})
    editor.show_problems("m", [], [])
    assert "enter a name" in editor.row_problems()[0].text()


def test_copyable_value_copies_to_clipboard(qtbot):
    widget = CopyableValue("sip:4k2j9x1q.sip.livekit.cloud;transport=tcp", name="SIP URI")
    qtbot.addWidget(widget)
    qtbot.mouseClick(widget.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "sip:4k2j9x1q.sip.livekit.cloud;transport=tcp"
    assert widget.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: widget.copy_button.text() == "Copy", timeout=3000)


def test_secret_line_edit_forwards_text_signals(qtbot):
    secret = SecretLineEdit()
    qtbot.addWidget(secret)
    seen = []
    secret.textChanged.connect(seen.append)
    qtbot.keyClicks(secret.line_edit, "s3cr3t")
    assert seen[-1] == "s3cr3t" and len(seen) == 6 and secret.text() == "s3cr3t"
    assert secret.focusProxy() is secret.line_edit


def test_dotted_paths():
    draft = {"livekit": {"url": "wss://x"}}
    assert get_path(draft, "livekit.url") == "wss://x"
    assert get_path(draft, "registration.phone_number", "") == ""
    set_path(draft, "registration.provider_config.inbound_digest_auth", True)
    assert draft["registration"] == {"provider_config": {"inbound_digest_auth": True}}
    set_path(draft, "registration.provider_config.inbound_digest_auth", None)
    assert draft["registration"] == {"provider_config": {}}
    set_path(draft, "nothing.here", None)  # removing what is absent creates nothing
    assert "nothing" not in draft
