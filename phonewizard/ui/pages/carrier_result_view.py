"""What phonewizard configured at Twilio or Telnyx, on the result page in place of the manual steps.

One row per configured item (a `ConfiguredItem` of app/carrier_setup.py): what it is, its ID and
value with a Copy button, and where to see it, in words, with a link opening that console page in
the browser (QDesktopServices, only on click; `open_url` can be replaced, and the tests replace it).
Then what the check found (a reused trunk, a moved number) and warnings (an old object that could
not be removed; the set-up itself stands). Against a stand-in the box says so and links nowhere.
Every text passes through the page's secret guard before it is shown or copied.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from phonewizard.ui.widgets import CopyableValue
from phonewizard.ui.widgets.field_grid import clear_grid
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label

if TYPE_CHECKING:
    from phonewizard.app.carrier_setup import CarrierSetupResult

REAL_INTRO = ("phonewizard configured these at {label} through its API, after LiveKit's objects: there is "
              "nothing left to do in the {console}. Each link opens the page where you can see it.")
STAND_IN_INTRO = ("Sandbox: these were made at the local {label} stand-in, not at {label}. Nothing was sent to "
                  "{label}, and there is no console to open.")
CONSOLE_NAMES = {"twilio": "Twilio Console", "telnyx": "Telnyx Portal"}


def open_in_browser(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))


class CarrierResultView(QGroupBox):
    """`show_result(carrier, guard)` fills it; `copyables` and `link_labels` are its rows' widgets."""

    def __init__(self, parent: QWidget | None = None, open_url: Callable[[str], None] | None = None) -> None:
        super().__init__("Configured at the carrier", parent)
        self._open_url = open_url or open_in_browser
        layout = QVBoxLayout(self)
        self.intro = hint_label("")
        layout.addWidget(self.intro)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(10)
        layout.addLayout(self.grid)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.notes)
        self.warnings = ProblemLabel()
        layout.addWidget(self.warnings)
        self.copyables: list[CopyableValue] = []
        self.link_labels: dict[str, QLabel] = {}  # item "what" → the line linking its console page
        self.hide()

    def _where(self, item, guard: Callable[[str], str], console: str) -> QLabel:
        """Where the item is, in words, and a link to that console page (opened on click only)."""
        label = hint_label("")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setOpenExternalLinks(False)  # our handler opens it: replaceable, and the tests replace it
        label.setText(_link_text(guard(item.where), item.link, console))
        if item.link:
            label.linkActivated.connect(self._open_url)
            label.setToolTip(item.link)
            self.link_labels[item.what] = label
        return label

    def show_result(self, carrier: CarrierSetupResult | None, guard: Callable[[str], str]) -> None:
        clear_grid(self.grid)
        self.copyables, self.link_labels = [], {}
        if carrier is None:
            self.hide()
            return
        label, console = carrier.label, CONSOLE_NAMES[carrier.carrier]
        self.setTitle(f"Configured at the {label} stand-in (sandbox)" if carrier.stand_in else f"Configured at {label}")
        self.intro.setText((STAND_IN_INTRO if carrier.stand_in else REAL_INTRO).format(label=label, console=console))
        for n, item in enumerate(carrier.items):
            what = QLabel(f"{item.what[:1].upper()}{item.what[1:]}:")
            what.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            what.setContentsMargins(0, 4, 0, 0)
            value = CopyableValue(guard(item.value), name=item.what)
            self.copyables.append(value)
            self.grid.addWidget(what, 2 * n, 0)
            self.grid.addWidget(value, 2 * n, 1)
            self.grid.addWidget(self._where(item, guard, console), 2 * n + 1, 1)
        self.notes.setText("".join(f"• {html.escape(guard(note))}<br>" for note in carrier.notes))
        self.notes.setVisible(bool(carrier.notes))
        if carrier.warnings:
            self.warnings.show_warning("\n".join(guard(w) for w in carrier.warnings))
        else:
            self.warnings.clear_problem()
        self.show()


def _link_text(where: str, url: str | None, console: str) -> str:
    text = html.escape(where)
    if url:
        text += f' · <a href="{html.escape(url, quote=True)}">open in the {html.escape(console)}</a>'
    return text
