"""The registration checklist: one row per step with its state, shown while and after registering.

States come from RegistrationRunner.step_changed; the words for each step from app/register.STEP_LABELS. Each state has a symbol *and* a word, so the
list does not rely on colour alone.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from phonewizard.ui.widgets.tones import set_tone

# (symbol, word, tone): the tone's colour follows the palette (ui/widgets/tones.py).
STATE_LOOK = {
    "pending": ("○", "waiting", "hint"),
    "running": ("◔", "working…", "info"),
    "done": ("✓", "done", "ok"),
    "failed": ("✗", "failed", "error"),
    "cancelled": ("–", "cancelled, undone", "hint"),
    "rolled_back": ("↺", "undone", "hint"),
    "skipped": ("–", "not needed", "hint"),
}


class RegistrationChecklist(QWidget):
    """Rows of (symbol, step description, state word)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setColumnStretch(1, 1)
        self._rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        self.states: dict[str, str] = {}

    def set_steps(self, steps: list[str]) -> None:
        """Start over with these steps, all waiting."""
        # Here, not at import: app.register loads livekit-protocol, which the wizard loads only
        # when a registration starts (benchmarks/RESULTS.md, start-up).
        from phonewizard.app.register import STEP_LABELS

        for labels in self._rows.values():
            for label in labels:
                self._grid.removeWidget(label)
                label.deleteLater()
        self._rows.clear()
        self.states.clear()
        for n, step in enumerate(steps):
            symbol, text, state = QLabel(), QLabel(STEP_LABELS.get(step, step)), QLabel()
            symbol.setMinimumWidth(16)
            bold = symbol.font()
            bold.setBold(True)
            symbol.setFont(bold)
            self._grid.addWidget(symbol, n, 0)
            self._grid.addWidget(text, n, 1)
            self._grid.addWidget(state, n, 2)
            self._rows[step] = (symbol, text, state)
            self.set_state(step, "pending")

    def set_state(self, step: str, state: str) -> None:
        if step not in self._rows:
            # A step the plan did not predict (e.g. attach_number): add it at the end.
            self._add_step(step)
        symbol_label, text_label, state_label = self._rows[step]
        symbol, word, tone = STATE_LOOK.get(state, STATE_LOOK["pending"])
        symbol_label.setText(symbol)
        set_tone(symbol_label, tone)
        state_label.setText(word)
        set_tone(state_label, tone)
        text_label.setAccessibleDescription(f"{text_label.text()}: {word}")
        self.states[step] = state

    def _add_step(self, extra: str) -> None:
        """Rebuild the rows with `extra` at the end, keeping every step's state."""
        states = dict(self.states)
        self.set_steps([*states, extra])
        for step, state in states.items():
            self.set_state(step, state)

    def finish_pending(self, state: str) -> None:
        """After a failure or cancel, steps that never started are marked (e.g. 'skipped')."""
        for step, current in list(self.states.items()):
            if current == "pending":
                self.set_state(step, state)
