"""`FactHint`: the grey line under a carrier hint saying when its facts were last checked, and
against which source (domain/fact_notes.py), with the sources' addresses in the tooltip.

The one place the wizard reads the clock for carrier facts: the domain is given `today`.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QLabel, QWidget

from phonewizard.domain.fact_notes import fact_note, provider_fact_summary
from phonewizard.domain.provider_facts import Topic, facts_for
from phonewizard.ui.widgets.enum_props import set_enum_property
from phonewizard.ui.widgets.tones import set_tone


class FactHint(QLabel):
    """Shows the facts of one `topic` for the chosen provider; `topic=None` summarises them all
    (where the carrier is chosen). Hidden when the provider has no such facts."""

    def __init__(self, topic: Topic | None, parent: QWidget | None = None,
                 clock: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.topic = topic
        self._clock = clock
        self._shown_for: tuple[str | None, date] | None = None
        self.setWordWrap(True)
        set_tone(self, "hint")
        set_enum_property(self, "textFormat", "PlainText")
        set_enum_property(self, "textInteractionFlags", "TextSelectableByMouse")
        self.setAccessibleName("When these carrier facts were last checked")
        self.hide()

    def set_provider(self, provider: str | None) -> None:
        today = self._clock()
        if self._shown_for == (provider, today):
            return  # pages call this on every report; nothing changed
        self._shown_for = (provider, today)
        text = None
        if provider:
            text = (provider_fact_summary(provider, today) if self.topic is None
                    else fact_note(provider, self.topic, today))
        self.setText(text or "")
        facts = facts_for(provider, None if self.topic is None else (self.topic,)) if provider else []
        sources = dict.fromkeys(f"{f.source.title}: {f.source.where}" for f in facts)
        self.setToolTip("\n".join(sources))
        self.setVisible(bool(text))
