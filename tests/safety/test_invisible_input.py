"""Invisible characters get the same answer in a file, on the command line and in the wizard
(issue 12, point 5): one pydantic model decides, so the three front ends cannot disagree.
tests/domain/test_text_rules.py covers every field; this covers the routes to the model.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from phonewizard.domain.navigation import PageId
from tests.safety.helpers import cli_run, trunk_document, write  # noqa: F401 - fixture
from tests.ui.wizard_helpers import make_wizard, new_registration, next_button

RLM = "\u200f"


def test_a_file_with_invisible_characters_is_refused_with_their_names(cli_run, tmp_path):  # noqa: F811
    document = trunk_document("wss://demo.livekit.cloud", agent="sales-agent" + RLM,
                              custom_headers={"X-Team": "sales\r\n"}, phone_number=RLM + "+13125550142")
    path = write(tmp_path / "c.json", document)
    for command in ("validate", "register"):
        result = cli_run(command, path)
        assert result.code == 2 and result.out == ""
        lines = [line for line in result.err.strip().splitlines() if not line.startswith("warning: ")]
        assert sorted(lines) == sorted([
            "agent_name: has U+200F RIGHT-TO-LEFT MARK at position 12, an invisible character: "
            "delete it (retype the value if you cannot see it)",
            "registration.custom_headers.X-Team: has U+000D CARRIAGE RETURN at position 6, a line break: "
            "the text must be one line; delete it (1 more such character follows)",
            "registration.phone_number: has U+200F RIGHT-TO-LEFT MARK at position 1, an invisible "
            "character: delete it (retype the value if you cannot see it)",
        ]), lines


def test_plain_spaces_around_a_header_are_trimmed_in_the_plan(cli_run, tmp_path):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document("wss://demo.livekit.cloud", custom_headers={" X-Team ": " sales "}))
    result = cli_run("register", path, "--dry-run")
    assert result.code == 0, result.err
    assert '"X-Team": "sales"' in result.out


@pytest.mark.parametrize("typed", ["support-agent" + RLM, "support-agent\u2028", "support-agent\u00a0"])
def test_the_wizard_shows_the_same_message_inline(qtbot, tmp_path, typed):
    wizard = make_wizard(qtbot, tmp_path)
    new_registration(wizard)
    page = wizard.page(PageId.AGENT)
    qtbot.mouseClick(page.provider_buttons["telnyx"], Qt.MouseButton.LeftButton)
    page.agent_edit.setText(typed)
    char = typed[-1]
    assert page.agent_problem.kind == "error" and page.agent_problem.isVisibleTo(page)
    assert f"U+{ord(char):04X}" in page.agent_problem.text() and "position 14" in page.agent_problem.text()
    assert not next_button(wizard).isEnabled()
    page.agent_edit.setText("  support-agent ")  # plain spaces: trimmed, accepted
    assert next_button(wizard).isEnabled()
    assert wizard.draft["agent_name"] == "support-agent"
    assert not [p for p in wizard.report.errors if p.field == "agent_name"]
