"""Messages appearing or disappearing under a field never move the fields below it (issue 15.3).

Each test notes where the widgets below a field are, makes a message appear under that field by
typing, then makes it go away again, and compares the geometry (mapped to the page) each time.
"""

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from phonewizard.domain.navigation import PageId
from tests.ui.wizard_helpers import make_wizard, wizard_at


def settle():
    # Layout requests are posted events, and a relayout may post more.
    for _ in range(3):
        QApplication.processEvents()


def where(page, *widgets):
    settle()
    return [(w.mapTo(page, QPoint(0, 0)), w.size()) for w in widgets]


def retype(qtbot, edit, text):
    edit.clear()
    if text:
        qtbot.keyClicks(edit, text)


def test_phone_number_message_does_not_move_the_lists_below(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    below = (page.trunk_list.add_button, page.callers_list.add_button, page.callers_row.label)
    before = where(page, *below)
    qtbot.keyClicks(page.phone_edit, "+1 415")  # too short: an error under the field
    assert page.phone_row.problem.kind == "error" and page.phone_row.problem.text()
    assert page.country_label.text() == ""
    assert where(page, *below) == before
    retype(qtbot, page.phone_edit, "+14155550101")  # fixed: the message goes, the country comes
    assert page.phone_row.problem.kind == ""
    assert page.country_label.text().startswith("United States")
    assert where(page, *below) == before


def test_a_long_message_keeps_its_height_until_the_page_is_left(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    problem = page.phone_row.problem
    below = (page.trunk_list.add_button, page.callers_list.add_button)
    page.resize(page.width(), page.height())
    problem.show_error("a message long enough to wrap onto a second line " * 6)
    with_message = where(page, *below)
    assert problem.height() > 2 * problem.fontMetrics().lineSpacing()
    problem.clear_problem()  # the user fixed it: nothing below may jump up under the mouse
    assert where(page, *below) == with_message
    wizard.back()
    wizard.next()  # a new visit: back to one reserved line
    settle()
    assert problem.height() < 2 * problem.fontMetrics().lineSpacing()


def test_list_entry_messages_do_not_move_the_entries_below(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    callers = page.callers_list
    for number in ("+1 650 555 0142", "+1 650 555 0199"):
        callers.add_button.click()
        qtbot.keyClicks(callers.entry_edits()[-1], number)
    first, second = callers.entry_edits()
    before = where(page, second, callers.add_button)
    retype(qtbot, first, "+1 650")
    assert callers.entry_problems()[0].kind == "error"
    assert where(page, second, callers.add_button) == before
    retype(qtbot, first, "+1 650 555 0142")
    assert callers.entry_problems()[0].kind == ""
    assert where(page, second, callers.add_button) == before


def test_livekit_url_messages_and_the_insecure_option_do_not_move_the_key_field(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    problem = page.rows["livekit.url"].problem
    below = (page.key_edit, page.secret_edit, page.sip_uri_edit, page.test_button)
    before = where(page, *below)
    retype(qtbot, page.url_edit, "demo.livekit")  # no scheme: a one-line error under the URL
    assert problem.kind == "error"
    assert where(page, *below) == before
    retype(qtbot, page.url_edit, "wss://demo.livekit.cloud")
    assert problem.kind == ""
    assert where(page, *below) == before
    # A plain ws:// URL to another machine offers the insecure option (its row is always kept)
    # and explains why in two lines: only a message taller than any before may push the fields
    # down, once; from then on they stay where they are.
    retype(qtbot, page.url_edit, "ws://203.0.113.7:7880")
    assert page.insecure_check.isVisibleTo(page) and problem.kind == "error"
    grown = where(page, *below)
    lines = problem.height() // problem.fontMetrics().lineSpacing()
    assert grown == before or lines >= 2
    for url in ("wss://demo.livekit.cloud", "demo.livekit", "ws://203.0.113.7:7880", "wss://demo.livekit.cloud"):
        retype(qtbot, page.url_edit, url)
        assert where(page, *below) == grown, url
    assert not page.insecure_check.isVisibleTo(page) and problem.kind == ""
