"""The registrations page: "Registrations in <project>" — every number the LiveKit project serves,
whoever set it up, and what can be done with it.

Shown after the LiveKit project page, and first when a profile was saved (domain/navigation.py).
The table (number, carrier, agent, inbound, outbound, state: ok / incomplete / not made by
phonewizard) and the objects that serve no single number come from one read of the project
(app/inventory.py) on the AsyncWorker, with a progress bar meanwhile; a failed read says why and
offers Retry. The rows' texts are made on the worker and the table is a model (ui/registrations_model.py),
so a project with thousands of objects costs the GUI thread one list swap (benchmarks/RESULTS.md, row 10).

Actions on the selected number:
- New registration (the wizard's Next) continues into the agent page with the wizard's draft, or
  with a fresh one when the draft holds a number loaded by Edit or Adopt;
- Edit fills every page from what LiveKit holds (the rebuilt `phonewizard/1` document, the SIP
  password from the keyring or asked for on the outbound page); Register then updates in place;
- Adopt… does the same for a set-up made outside phonewizard and arms `wizard.adoption`, so that
  Register first lists every object it will change and asks (ui/adoption_gate.py);
- Remove… lists exactly what will be deleted (registration_dialogs.py), deletes it with progress,
  and names what was removed and what remains if anything fails;
- Export configuration… writes the number's document (no secrets).
- Diagnose a call…, Test call… and Check inbound (`more_actions`, ui/call_buttons.py) open the
  doctor's and the test call's dialogs for `selected_entry()`; the test calls only where the
  number has an outbound trunk phonewizard made (the tooltip says why not).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from phonewizard.app.call_targets import target_for_entry
from phonewizard.domain.navigation import PageId
from phonewizard.ui import gui_collector
from phonewizard.ui.call_buttons import CallButtons
from phonewizard.ui.pages.base import DraftPage
from phonewizard.ui.pages.livekit_page import describe_failure
from phonewizard.ui.registrations_model import ApartModel, RegistrationsModel
from phonewizard.ui.widgets.tones import set_tone, tone_color

if TYPE_CHECKING:
    # Imported where used: the page is built during start-up, which must not load livekit-protocol
    # (through the inventory) when a project is configured (benchmarks/RESULTS.md, start-up).
    from phonewizard.app.inventory import Project
    from phonewizard.app.removal import Removal, RemovalOutcome
    from phonewizard.domain.inventory import InventoryEntry
    from phonewizard.ui.async_worker import Job
    from phonewizard.ui.wizard import PhoneWizard

logger = logging.getLogger(__name__)
# Free letters here: Retry has t, Adopt d (ui/keyboard.py checks no letter is claimed twice).
CALL_TEXTS = {"diagnose": "Dia&gnose a call…", "call": "Test &call…", "inbound": "Check &inbound"}
NOTICES_SHOWN = 5  # on every page after Edit/Adopt; the rest are counted


@dataclass(frozen=True)
class Loaded:
    """What the loading job hands the GUI thread: everything already in display form."""

    project: Project
    rows: list[tuple[tuple[str, ...], InventoryEntry]]
    apart: list[tuple[str, ...]]


def _dialogs() -> Any:
    """registration_dialogs, imported on first use (tests answer its `ask_*` functions)."""
    from phonewizard.ui.pages import registration_dialogs

    return registration_dialogs


async def load_project(connection: Any) -> Loaded:
    """The job: one read of the project, then the table's texts, all on the worker."""
    from phonewizard.app.inventory import read_inventory
    from phonewizard.domain.inventory_words import apart_row, table_row

    with gui_collector.paused():  # 3,000 objects: no collection meanwhile, frozen after
        project = await read_inventory(connection)
        inventory = project.inventory
        return Loaded(project, [(table_row(e), e) for e in inventory.entries], [apart_row(a) for a in inventory.apart])


class RegistrationsPage(DraftPage):
    """See the module docstring. Signals: `loaded()` once the table is filled, `load_failed(str)`."""

    page_id = PageId.REGISTRATIONS
    owned_fields = ()
    loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Registrations")
        self.setSubTitle("Every phone number this LiveKit project serves, whoever set it up. Select one to "
                         "edit, adopt, remove or export it, or start a new registration.")
        self.setButtonText(QWizard.WizardButton.NextButton, "&New registration >")
        self.project: Project | None = None
        self._job: Job | None = None
        self._waiting_for: Job | None = None  # the keyring lookup that may bring the API secret
        self._editing: str | None = None  # the number Edit/Adopt loaded into the draft
        self._moving_on = False  # Edit/Adopt pressed Next themselves: keep the draft they loaded

        top = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by number, carrier, agent or state")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the registrations")
        self.count_label = QLabel()
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Read the project again (F5)")
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.refresh_button)
        self.body.addLayout(top)

        status = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Working")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Re&try")
        status.addWidget(self.progress)
        status.addWidget(self.status_label, 1)
        status.addWidget(self.retry_button)
        self.body.addLayout(status)

        self.model = RegistrationsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Registrations")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(150)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never measures 1,000 rows
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(("+44 20 7946 09581", "other SIP carrier", "support-agent-eu",
                                         "Inbound", "Outbound")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self.body.addWidget(self.table, 3)

        actions = QHBoxLayout()
        self.edit_button = QPushButton("&Edit")
        self.edit_button.setToolTip("Fill the pages from LiveKit; Register then updates the objects in place")
        self.adopt_button = QPushButton("A&dopt…")
        self.adopt_button.setToolTip("Fill the pages from a set-up made outside phonewizard; Register then "
                                     "takes its objects over after listing every change")
        self.remove_button = QPushButton("Re&move…")
        self.remove_button.setToolTip("Delete the number's objects from LiveKit, after listing them (Delete)")
        self.export_button = QPushButton("E&xport configuration…")
        self.export_button.setToolTip("Save the number's configuration to a file (without secrets)")
        for button in (self.edit_button, self.adopt_button, self.remove_button, self.export_button):
            actions.addWidget(button)
        # Where "Diagnose a call…" and "Test call…" / "Check inbound" go (module docstring).
        self.more_actions = QHBoxLayout()
        actions.addLayout(self.more_actions)
        self.call_buttons = CallButtons(self, self.more_actions, CALL_TEXTS)
        actions.addStretch(1)
        self.body.addLayout(actions)
        self.outcome_label = QLabel()
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome_label.hide()
        self.body.addWidget(self.outcome_label)

        details_box = QGroupBox("Selected number")
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(details_box).addWidget(self.details_label)
        self.body.addWidget(details_box)

        self.apart_box = QGroupBox("Objects that serve no single number — they change where calls go")
        self.apart_model = ApartModel(self)
        self.apart_table = QTableView()
        self.apart_table.setModel(self.apart_model)
        self.apart_table.setAccessibleName("Objects that serve no single number")
        self.apart_table.verticalHeader().hide()
        self.apart_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.apart_table.setWordWrap(True)
        self.apart_table.horizontalHeader().setStretchLastSection(True)
        for column, sample in enumerate(("outbound trunk", "SDR_XXXXXXXXXXXX", "a rule name here", "not phonewizard")):
            self.apart_table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        QVBoxLayout(self.apart_box).addWidget(self.apart_table)
        self.apart_box.hide()
        self.body.addWidget(self.apart_box)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.refresh_button.clicked.connect(self.reload)
        self.retry_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_double_click)
        self.edit_button.clicked.connect(self.edit_selected)
        self.adopt_button.clicked.connect(self.adopt_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.export_button.clicked.connect(self.export_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.remove_selected)
        self._show_status("", None)
        self._on_selection()

    # --- the wizard -------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt override
        super().initializePage()
        self.setTitle(f"Registrations in {self.project_name()}")
        if self._job is None:
            # Entering the page shows the project as it is now, not a table from the last visit
            # (which would also cost the first paint a Python call per visible cell).
            self.model.set_rows([])
            self.apart_model.set_rows([])
            self.apart_box.hide()
            self._show_status(f"Reading the project {self.project_name()}…", None, busy=True)
        # Started in the next event-loop turn: the page is laid out and painted first, before the
        # worker's read competes with the GUI thread for the interpreter.
        QTimer.singleShot(0, self, self.reload)
        self.table.setFocus()

    def project_name(self) -> str:
        wizard = self.wizard()
        if getattr(wizard, "sandbox_active", False):
            return "the sandbox"
        livekit = (self.wizard_draft() or {}).get("livekit") or {}
        url = str(livekit.get("url") or "") if isinstance(livekit, dict) else ""
        try:
            return urlsplit(url).hostname or url or "your LiveKit project"
        except ValueError:
            return url

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """New registration: the draft as it is, unless it holds a number Edit/Adopt loaded."""
        if not self._moving_on and self._editing is not None:
            from phonewizard.app.drafts import new_draft

            wizard = self.wizard()
            draft = new_draft()
            draft["livekit"] = dict(wizard.draft.get("livekit") or {})
            self._editing = None
            wizard.adoption.clear()
            wizard.profile.load(draft, [])
        return True

    # --- loading ------------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        """Read the project again (on the worker); the table keeps nothing stale meanwhile."""
        from phonewizard.app.errors import InvalidInput, LiveKitError

        wizard: PhoneWizard | None = self.wizard()
        if wizard is None or self._job is not None:
            return
        try:
            connection = wizard.connection()
        except (InvalidInput, LiveKitError) as exc:
            lookup = wizard.profile.secrets_lookup
            if lookup is not None and lookup is not self._waiting_for:
                self._waiting_for = lookup
                self._show_status("Waiting for the system keyring to give the API secret…", None, busy=True)
                lookup.finished.connect(self._after_keyring)
                lookup.failed.connect(self._after_keyring)
                return
            self._fail(f"{describe_failure(exc)} Go Back to the project page to fix it.")
            return
        self._show_status(f"Reading the trunks, dispatch rules and LiveKit numbers of {self.project_name()}…",
                          None, busy=True)
        self.refresh_button.setEnabled(False)
        job = self._job = wizard.worker.submit(lambda: load_project(connection))
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_load_failed)
        job.cancelled.connect(self._on_load_cancelled)
        self._on_selection()  # no action on rows that are being read again

    @Slot(object)
    def _after_keyring(self, _result: object) -> None:
        self._waiting_for = None
        self.reload()

    @Slot(object)
    def _on_loaded(self, loaded: Loaded) -> None:
        self._job = None
        self.refresh_button.setEnabled(True)
        selected = self.selected_entry()
        self.project = loaded.project
        self.model.set_rows(loaded.rows)
        self.apart_model.set_rows(loaded.apart)
        self._fit_apart_table()
        self._update_count()
        inventory = loaded.project.inventory
        if not inventory.entries:
            self._show_status("Nothing is registered in this project yet. Press New registration to connect "
                              "a phone number to your agent.", None)
        elif not inventory.numbers_readable:
            self._show_status("This server has no LiveKit Phone Numbers (self-hosted LiveKit): only trunks "
                              "and rules are listed.", None)
        else:
            self._show_status("", None)
        self._select(selected.phone_number if selected else (self._editing or ""))
        self._on_selection()
        self.loaded.emit()

    @Slot(object)
    def _on_load_failed(self, exc: BaseException) -> None:
        self._job = None
        self._fail(f"Could not read the project: {describe_failure(exc)}")
        self._on_selection()

    @Slot()
    def _on_load_cancelled(self) -> None:
        self._job = None  # only at shutdown

    def _fit_apart_table(self) -> None:
        """As tall as its rows (they are few), up to three; the rest scrolls."""
        rows = self.apart_model.rowCount()
        self.apart_box.setVisible(rows > 0)
        if not rows:
            return
        self.apart_table.resizeRowsToContents()
        height = self.apart_table.horizontalHeader().height() + 2 * self.apart_table.frameWidth()
        height += sum(self.apart_table.rowHeight(r) for r in range(min(rows, 3)))
        self.apart_table.setFixedHeight(height)

    def _fail(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.project = None
        self.model.set_rows([])
        self.apart_model.set_rows([])
        self.apart_box.hide()
        self._update_count()
        self._show_status(message, False)
        self.retry_button.show()
        self.load_failed.emit(message)

    def _show_status(self, text: str, ok: bool | None, busy: bool = False) -> None:
        self.progress.setRange(0, 0)  # indeterminate: one read, no steps to count
        self.progress.setVisible(busy)
        self.retry_button.hide()
        set_tone(self.status_label, {True: "ok", False: "error", None: "hint"}[ok])
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _update_count(self) -> None:
        if self.project is None:
            self.count_label.setText("")
            return
        counts, total = self.project.inventory.counts(), self.model.total
        parts = [f"{n} {word}" for key, word in (("ok", "ok"), ("incomplete", "incomplete"),
                                                 ("foreign", "not made by phonewizard")) if (n := counts[key])]
        shown = self.model.rowCount()
        prefix = f"{shown:,} of {total:,}" if shown != total else f"{total:,}"
        self.count_label.setText(f"{prefix} number{'s' if total != 1 else ''}" + (f": {', '.join(parts)}" if parts else ""))

    # --- selection ----------------------------------------------------------------------------
    def selected_entry(self) -> InventoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry_at(rows[0].row()) if rows else None

    def _select(self, phone_number: str) -> None:
        row = self.model.row_of(phone_number) if phone_number else -1
        if row < 0:
            self._on_selection()
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    @Slot()
    def _on_filter(self, text: str) -> None:
        selected = self.selected_entry()
        self.model.set_filter(text)
        self._update_count()
        self._select(selected.phone_number if selected else "")

    @Slot()
    def _on_selection(self, *_args: object) -> None:
        entry = self.selected_entry()
        idle = self._job is None
        for button in (self.remove_button, self.export_button):
            button.setEnabled(entry is not None and idle)
        self.edit_button.setEnabled(entry is not None and idle and entry.origin == "phonewizard")
        self.adopt_button.setEnabled(entry is not None and idle and entry.origin != "phonewizard")
        self.call_buttons.set_target(target_for_entry(entry) if entry is not None else None, idle)
        self.details_label.setText(_details_html(entry) if entry else
                                   html.escape("Select a number to see what LiveKit holds for it."))

    @Slot()
    def _on_double_click(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            (self.edit_selected if entry.origin == "phonewizard" else self.adopt_selected)()

    # --- Edit / Adopt ---------------------------------------------------------------------------
    @Slot()
    def edit_selected(self) -> bool:
        return self._load_for_editing(adopt=False)

    @Slot()
    def adopt_selected(self) -> bool:
        return self._load_for_editing(adopt=True)

    def _load_for_editing(self, *, adopt: bool) -> bool:
        from phonewizard.app.adopt import adoptable
        from phonewizard.app.inventory import edit_draft

        wizard, entry = self.wizard(), self.selected_entry()
        if wizard is None or entry is None:
            return False
        livekit = wizard.draft.get("livekit") if isinstance(wizard.draft.get("livekit"), dict) else {}
        rebuilt = entry.reverse(livekit)
        notices = [f"From LiveKit: {n}" for n in rebuilt.notices if n.changes_behaviour]
        if len(notices) > NOTICES_SHOWN:
            notices = notices[:NOTICES_SHOWN] + [f"… and {len(notices) - NOTICES_SHOWN} more setting(s) the "
                                                 "configuration cannot hold (phonewizard show "
                                                 f"{entry.phone_number} lists them all)."]
        wizard.adoption.clear()
        if adopt:
            chosen, _shared = adoptable(entry)
            wizard.adoption.arm(entry.phone_number, frozenset(r.id for r in chosen))
        self._editing = entry.phone_number
        wizard.profile.load(edit_draft(rebuilt, livekit), notices)
        self._moving_on = True
        try:
            wizard.next()
        finally:
            self._moving_on = False
        return True

    # --- Remove -------------------------------------------------------------------------------
    @Slot()
    def remove_selected(self) -> None:
        entry, wizard = self.selected_entry(), self.wizard()
        if entry is None or wizard is None or self._job is not None:
            return
        removal = _dialogs().ask_removal(self, entry)
        if removal is None or removal.empty:
            return
        self.start_removal(removal)

    def start_removal(self, removal: Removal) -> Job | None:
        from phonewizard.app.errors import InvalidInput, LiveKitError
        from phonewizard.app.removal import remove

        wizard = self.wizard()
        try:
            connection = wizard.connection()
        except (InvalidInput, LiveKitError) as exc:
            self._show_outcome(describe_failure(exc), False)
            return None
        store = None if wizard.sandbox_active else wizard.secrets
        profile_path, worker = wizard.profile.path, wizard.worker
        steps = len(removal.objects) + len(removal.numbers)
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.progress.show()
        self.status_label.setText(f"Removing {removal.phone_number}…")
        self.status_label.show()
        self.outcome_label.hide()

        def progress(object_id: str, state: str) -> None:
            worker.report_progress((object_id, state))

        job = self._job = worker.submit(lambda: remove(connection, removal, store, profile_path, progress))
        job.progress.connect(self._on_removal_progress)
        job.finished.connect(self._on_removed)
        job.failed.connect(self._on_removal_failed)
        job.cancelled.connect(self._on_load_cancelled)
        self._on_selection()
        return job

    @Slot(object)
    def _on_removal_progress(self, payload: object) -> None:
        object_id, state = payload  # type: ignore[misc]
        if state == "started":
            self.status_label.setText(f"Deleting {object_id}…")
        else:
            self.progress.setValue(self.progress.value() + 1)

    @Slot(object)
    def _on_removed(self, outcome: RemovalOutcome) -> None:
        self._job = None
        lines = outcome.describe() + [f"Keyring: {p}" for p in outcome.keyring.problems]
        self._show_outcome("\n".join(lines), outcome.complete)
        self.reload()

    @Slot(object)
    def _on_removal_failed(self, exc: BaseException) -> None:
        self._job = None
        self._show_outcome(f"Removing stopped unexpectedly ({type(exc).__name__}); nothing more was "
                           "deleted. Refresh to see what is left.", False)
        logger.error("removal failed unexpectedly: %s", type(exc).__name__)
        self.reload()

    def _show_outcome(self, text: str, ok: bool) -> None:
        set_tone(self.outcome_label, "ok" if ok else "error")
        self.outcome_label.setText(text)
        self.outcome_label.show()

    # --- Export -------------------------------------------------------------------------------
    @Slot()
    def export_selected(self) -> None:
        from phonewizard.app.inventory import export_document

        entry, wizard = self.selected_entry(), self.wizard()
        if entry is None or wizard is None:
            return
        livekit = wizard.draft.get("livekit") if isinstance(wizard.draft.get("livekit"), dict) else {}
        rebuilt = entry.reverse(livekit)
        path = _dialogs().ask_export_path(self, f"phonewizard-{entry.phone_number.lstrip('+')}.json")
        if path is None:
            return
        try:
            written = export_document(path, rebuilt)
        except OSError as exc:
            self._show_outcome(f"Could not write {path}: {exc.strerror or exc}. Choose another folder.", False)
            return
        unfinished = "".join(f" Before registering it, fix {p.field}: {p.message}." for p in rebuilt.problems)
        self._show_outcome(f"Exported {entry.phone_number} to {written}, without secrets.{unfinished}",
                           not rebuilt.problems)
        if rebuilt.problems:
            set_tone(self.outcome_label, "warning")


def _details_html(entry: InventoryEntry) -> str:
    """The selected entry in plain words (texts from LiveKit escaped)."""
    from phonewizard.domain.inventory_words import entry_lines, headline, object_lines

    parts = [f"<b>{html.escape(headline(entry))}</b>"]
    parts += [html.escape(line) for line in entry_lines(entry)]
    if entry.problems:
        parts.append(f"<span style='color: {tone_color('warning')}'>" + "<br>".join(
            "⚠ " + html.escape(p) for p in entry.problems) + "</span>")
    if entry.origin == "mixed":  # who made which object matters only when it varies
        parts.append("Objects: " + "; ".join(html.escape(line) for line in object_lines(entry)))
    return "<br>".join(parts)
