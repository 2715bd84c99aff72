"""The number page's list of the project's LiveKit Phone Numbers, for provider "LiveKit".

A number bought from LiveKit needs no trunk: it is attached to a dispatch rule. So instead of
typing it, the user can pick it from the project's numbers (PhoneNumberService ListPhoneNumbers,
read with the rest of the project on the AsyncWorker, app/inventory.py), each shown with what it is
attached to now — free, or the dispatch rule and agent that take its calls, so picking a number
that is in use is a visible choice. Typing a number stays possible. A self-hosted server has no
LiveKit numbers, and the list says so.

Signals: `picked(str)` (+E.164) when the user chooses a number; `loaded()` when the list is filled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from phonewizard.ui.widgets.tones import set_tone

if TYPE_CHECKING:
    from phonewizard.app.inventory import LiveKitNumberChoice
    from phonewizard.ui.async_worker import Job


class LiveKitNumberPicker(QWidget):
    picked = Signal(str)
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._loaded_for: tuple[str, str] | None = None  # (url, api key) of the list shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel("Or pick one of this project's LiveKit numbers:")
        self.refresh_button = QPushButton("Refresh l&ist")
        head.addWidget(self.title, 1)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.list = QListWidget()
        self.list.setAccessibleName("The project's LiveKit numbers")
        layout.addWidget(self.list)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemClicked.connect(self._on_activated)
        self.refresh_button.clicked.connect(lambda: self.load(self.window(), force=True))

    def numbers(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def load(self, wizard: Any, *, force: bool = False) -> Job | None:
        """Read the project's numbers on the wizard's worker (once per project unless `force`)."""
        from phonewizard.app.errors import InvalidInput, LiveKitError

        if self._job is not None or wizard is None:
            return None
        try:
            connection = wizard.connection()
        except (InvalidInput, LiveKitError) as exc:
            self._say(f"The project's numbers cannot be listed yet: {exc}", error=True)
            return None
        key = (connection.url, connection.api_key)
        if key == self._loaded_for and not force:
            return None
        self._say("Reading the project's LiveKit numbers…")
        self.refresh_button.setEnabled(False)

        async def read() -> tuple[list[LiveKitNumberChoice], bool]:
            from phonewizard.app.inventory import livekit_numbers, read_inventory
            from phonewizard.ui import gui_collector

            with gui_collector.paused():
                project = await read_inventory(connection)
                return livekit_numbers(project), project.objects.numbers_readable

        job = self._job = wizard.worker.submit(read)
        job.finished.connect(lambda result: self._on_loaded(key, result))
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        return job

    def select(self, phone_number: str) -> None:
        """Highlight the number typed, when it is one of the list's."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == phone_number:
                self.list.setCurrentItem(item)
                return
        self.list.clearSelection()

    def _on_loaded(self, key: tuple[str, str], result: tuple[list[LiveKitNumberChoice], bool]) -> None:
        self._job = None
        self.refresh_button.setEnabled(True)
        choices, readable = result
        self._loaded_for = key
        self.list.clear()
        for choice in choices:
            item = QListWidgetItem(f"{choice.phone_number} — {choice.describe()}")
            item.setData(Qt.ItemDataRole.UserRole, choice.phone_number)
            names = f" ({', '.join(choice.rule_names)})" if choice.rule_names else ""
            item.setToolTip("Calls to it reach no agent yet" if choice.free else
                            f"Attached to {', '.join(choice.rules)}{names}; registering it here moves it to "
                            "this registration's dispatch rule")
            self.list.addItem(item)
        self.list.setVisible(bool(choices))
        if choices:  # as tall as its rows, up to five; the rest scrolls
            rows = min(len(choices), 5)
            self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 2)
        if not readable:
            self._say("This LiveKit server has no LiveKit Phone Numbers (self-hosted): type the number, or "
                      "go back and choose the carrier you bought it from.")
        elif not choices:
            self._say("This project has no LiveKit numbers yet: buy one in LiveKit Cloud (Telephony → Phone "
                      "numbers), or type it above.")
        else:
            self._say("A number attached to a rule already takes calls; registering it here moves it to this "
                      "registration's rule." if any(not c.free for c in choices) else "")
        self.loaded.emit()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        from phonewizard.ui.pages.livekit_page import describe_failure

        self._job = None
        self.refresh_button.setEnabled(True)
        self._say(f"Could not list the project's numbers: {describe_failure(exc)} You can type the number.",
                  error=True)

    @Slot()
    def _on_cancelled(self) -> None:
        self._job = None

    @Slot(QListWidgetItem)
    def _on_activated(self, item: QListWidgetItem) -> None:
        self.list.setCurrentItem(item)
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))

    def _say(self, text: str, *, error: bool = False) -> None:
        set_tone(self.status, "error" if error else "hint")
        self.status.setText(text)
        self.status.setVisible(bool(text))
