"""The call actions for one number: "Test call…", "Check inbound" and "Diagnose a call…".

`CallButtons(page, layout, texts)` puts the buttons in `layout` (the result page's button row, the
registrations page's `more_actions`) and opens the dialogs for the number `set_target` names
(an app/call_targets.CallTarget, or None: nothing selected). A button is enabled only when its
action can work for that number; a disabled one says why in its tooltip, in the words
`phonewizard call` uses (a test call and the inbound check need an outbound trunk phonewizard
registered). Each dialog is kept per number and mode: pressing the button again raises the open
one, with its call still running or its verdict still shown, instead of starting a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QBoxLayout, QDialog, QPushButton, QWizardPage

if TYPE_CHECKING:
    from phonewizard.app.call_targets import CallTarget
    from phonewizard.ui.doctor_dialog import DiagnoseCallDialog
    from phonewizard.ui.test_call_dialog import TestCallDialog

TEXTS = {"diagnose": "&Diagnose a call…", "call": "&Test call…", "inbound": "Check &inbound"}
TIPS = {
    "diagnose": "See where LiveKit would route a call to {number}, or exactly why it would not arrive "
                "(reads your project; changes nothing)",
    "call": "Ring your own phone through the outbound trunk of {number}, hear the agent, and see each stage "
            "of the call; if it fails, why and what to change",
    "inbound": "Call {number} through its own outbound trunk and watch the call reach LiveKit, the dispatch "
               "rule's room and the agent",
}


class CallButtons(QObject):
    """See the module docstring. `texts` picks which buttons exist (keys of TEXTS) and their
    labels, so each page gives them mnemonics that are free there."""

    def __init__(self, page: QWizardPage, layout: QBoxLayout, texts: Mapping[str, str] = TEXTS) -> None:
        super().__init__(page)
        self._page = page
        self.target: CallTarget | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.dialogs: dict[tuple[str, str], QDialog] = {}
        opens = {"diagnose": self.open_diagnose, "call": self.open_test_call, "inbound": self.open_inbound_check}
        for action, text in texts.items():
            button = self.buttons[action] = QPushButton(text)
            button.setAutoDefault(False)  # Enter stays the wizard's Next/Finish (ui/keyboard.py)
            button.clicked.connect(opens[action])
            layout.addWidget(button)
        self.set_target(None)

    def set_target(self, target: CallTarget | None, idle: bool = True) -> None:
        """Act on `target` from now on; `idle` False: the page is busy (reading, removing)."""
        self.target = target
        for action, button in self.buttons.items():
            problem = self._problem(action)
            button.setEnabled(target is not None and idle and problem is None)
            if target is None:
                button.setToolTip("Select a number first")
            else:
                button.setToolTip(problem or TIPS[action].format(number=target.number))

    def _problem(self, action: str) -> str | None:
        if self.target is None or action == "diagnose":
            return None
        return self.target.call_problem if action == "call" else self.target.inbound_problem

    # ---- the dialogs -----------------------------------------------------------------------------
    @Slot()
    def open_test_call(self) -> TestCallDialog | None:
        return self._open_call_dialog("call")  # type: ignore[return-value]

    @Slot()
    def open_inbound_check(self) -> TestCallDialog | None:
        return self._open_call_dialog("inbound")  # type: ignore[return-value]

    @Slot()
    def open_diagnose(self) -> DiagnoseCallDialog | None:
        wizard, target = self._page.wizard(), self.target
        if wizard is None or target is None:
            return None
        key = ("diagnose", target.number)
        if key not in self.dialogs:
            from phonewizard.ui.doctor_dialog import DiagnoseCallDialog

            self.dialogs[key] = DiagnoseCallDialog(wizard.worker, wizard.connection, number=target.number,
                                                   provider=target.provider, parent=self._page)
        return self._present(self.dialogs[key])  # type: ignore[return-value]

    def _open_call_dialog(self, mode: str) -> QDialog | None:
        wizard, target = self._page.wizard(), self.target
        if wizard is None or target is None or self._problem(mode) is not None:
            return None
        key = (mode, target.number)
        if key not in self.dialogs:
            from phonewizard.ui.test_call_dialog import TestCallDialog

            self.dialogs[key] = TestCallDialog(
                wizard.worker, wizard.connection, number=target.number, mode=mode,  # type: ignore[arg-type]
                agent=target.agent, sandbox=wizard.sandbox_active, parent=self._page)
        return self._present(self.dialogs[key])

    @staticmethod
    def _present(dialog: QDialog) -> QDialog:
        if dialog.isVisible():  # open already, maybe behind the wizard
            dialog.raise_()
            dialog.activateWindow()
        else:
            dialog.show()
        return dialog
