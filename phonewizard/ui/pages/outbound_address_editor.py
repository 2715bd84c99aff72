"""The outbound termination address, asked the way each carrier names it, with a live preview.

Only Telnyx has a shared outbound host; Twilio and Vonage need the per-trunk part in front of
their suffix (reference/providers.md §0.1), which is the mistake the seed's examples invite. So
the user types only the part that differs (Twilio trunk name + edge, Vonage trunk domain +
region, Telnyx region) and the editor builds the host with the domain's builders. Bandwidth and
custom carriers get a free host field (a pasted `sip:host;transport=tcp` is normalised later by
the model, which also picks up the transport).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from phonewizard.domain.providers import (
    TELNYX_HOSTS,
    TWILIO_EDGES,
    telnyx_address,
    twilio_address,
    vonage_address,
)
from phonewizard.ui.widgets.fact_hint import FactHint
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label

_TWILIO_HOST = re.compile(r"^(?P<name>[^.]+)\.pstn(?:\.(?P<edge>[a-z0-9-]+))?\.twilio\.com$")
_VONAGE_HOST = re.compile(r"^(?P<domain>[^.]+)\.sip-(?P<region>us|eu|ap)\.vonage\.com$")
_TELNYX_LABELS = {
    "us": "United States (sip.telnyx.com)",
    "eu": "Europe (sip.telnyx.eu)",
    "au": "Australia (sip.telnyx.com.au)",
    "ca": "Canada (sip.telnyx.ca)",
    "asia": "Asia, beta (sip.telnyx.asia)",
    "eu-srv": "Europe, SRV name (sip-eu.telnyx.com)",
    "ca-srv": "Canada, SRV name (sip-ca.telnyx.com)",
    "au-srv": "Australia, SRV name (sip-au.telnyx.com)",
}
# domain/providers.VONAGE_HINT (the hosted API's hint) names the file's outbound_address; here the
# user types the trunk domain and picks the region, so the hint speaks of those two controls.
VONAGE_EDITOR_HINT = (
    "Vonage Elastic SIP Trunking needs your trunk domain: type it under Trunk domain and pick the "
    "region, and the final host becomes {your-trunk-domain}.sip-{region}.vonage.com (e.g. "
    "mrassistant-developer.sip-us.vonage.com). Find it in Vonage Dashboard → SIP Trunks → Your Trunk "
    "→ Outbound Calling section. The region starts at the one nearest your number's country."
)
_VONAGE_LABELS = {"us": "United States (sip-us)", "eu": "Europe (sip-eu)", "ap": "Asia-Pacific (sip-ap)"}


class OutboundAddressEditor(QWidget):
    """Per-provider inputs → one host. `address()` is '' while incomplete; `local_error()` says
    what is wrong with the typed part (shown inline by the page before the model even runs).
    `install(grid)` puts the inputs into the page's FieldGrid so every label lines up.

    Signals:
        changed(): any input changed (the preview is already updated).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider = "custom"
        self.name_edit = QLineEdit(self)  # Twilio trunk name / Vonage trunk domain
        self.edge_combo = QComboBox(self)
        self.edge_combo.addItem("Global (no edge)", "")
        for edge in TWILIO_EDGES:
            self.edge_combo.addItem(edge.replace("-", " ").title(), edge)
        self.region_combo = QComboBox(self)  # Vonage / Telnyx regions, refilled per provider
        self.host_edit = QLineEdit(self)  # Bandwidth / custom
        self.host_edit.setPlaceholderText("sip.example.com")
        self.vonage_hint = hint_label(VONAGE_EDITOR_HINT, self)
        self.provider_hint = hint_label("", self)
        self.facts_hint = FactHint("outbound", self)  # when the host rules were last checked
        self.preview = QLabel(self)
        self.preview.setFont(monospace_font())
        self.preview.setAccessibleName("Final outbound host")
        self.problem = ProblemLabel(self, reserve=True)

        self.name_label = QLabel("Trunk na&me:")  # Alt+N is Next
        self.edge_label = QLabel("&Edge location:")
        self.region_label = QLabel("&Region:")
        self.host_label = QLabel("&Host:")
        self.preview_label = QLabel("Final host:")

        for edit in (self.name_edit, self.host_edit):
            edit.textChanged.connect(self._on_input_changed)
        for combo in (self.edge_combo, self.region_combo):
            combo.currentIndexChanged.connect(self._on_input_changed)
        self.set_provider("custom")

    def install(self, grid: QGridLayout) -> None:
        """Add hint, inputs, preview and problem as rows of `grid` (label column 0, editor 1)."""
        def add(widget: QWidget, label: QLabel | None = None) -> None:
            row = grid.rowCount()
            if label is not None:
                label.setBuddy(widget)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)

        add(self.provider_hint)
        add(self.vonage_hint)
        add(self.facts_hint)
        add(self.name_edit, self.name_label)
        add(self.edge_combo, self.edge_label)
        add(self.region_combo, self.region_label)
        add(self.host_edit, self.host_label)
        add(self.preview, self.preview_label)
        add(self.problem)
        self.hide()  # the inputs now live in the grid; this widget is only their owner

    # ---- provider layout --------------------------------------------------------------------
    def set_provider(self, provider: str) -> None:
        """Show the inputs this carrier needs. Keeps typed values where they still make sense."""
        self.provider = provider
        twilio, vonage, telnyx = provider == "twilio", provider == "vonage", provider == "telnyx"
        free = not (twilio or vonage or telnyx)
        self.blockSignals(True)
        try:
            self.region_combo.clear()
            labels = _VONAGE_LABELS if vonage else _TELNYX_LABELS if telnyx else {}
            for key, label in labels.items():
                self.region_combo.addItem(label, key)
        finally:
            self.blockSignals(False)
        for widget, visible in (
            (self.name_label, twilio or vonage),
            (self.name_edit, twilio or vonage),
            (self.edge_label, twilio),
            (self.edge_combo, twilio),
            (self.region_label, vonage or telnyx),
            (self.region_combo, vonage or telnyx),
            (self.host_label, free),
            (self.host_edit, free),
        ):
            widget.setVisible(visible)
        self.vonage_hint.setVisible(vonage)
        self.name_label.setText("Trunk &domain:" if vonage else "Trunk na&me:")
        self.name_edit.setPlaceholderText("mrassistant-developer" if vonage else "mytrunk")
        self.name_edit.setToolTip("5–32 letters, digits or dashes, as Vonage names trunks" if vonage else "")
        self.provider_hint.setText(
            {
                "twilio": "Twilio Console → Elastic SIP Trunking → your trunk → Termination: the "
                "Termination SIP URI's name. Pick the edge nearest your agent for lower latency.",
                "telnyx": "Telnyx uses one shared host per region; LiveKit authenticates with the "
                "username and password below (sent as X-Telnyx-Username too).",
                "bandwidth": "Your SIP realm: Account → SIP Credentials → Manage Realms, e.g. "
                "myrealm.a1b2c3.auth.bandwidth.com.",
                "custom": "Your carrier's SIP host for outbound calls, without sip: (a pasted "
                "sip:host;transport=tcp is cleaned up for you).",
            }.get(provider, "")
        )
        self.provider_hint.setVisible(not vonage)
        self.facts_hint.set_provider(provider)
        self._on_input_changed()

    # ---- values -----------------------------------------------------------------------------
    def set_address(self, host: str | None, default_region: str | None = None) -> None:
        """Split a stored host back into this provider's inputs (no `changed` emitted).
        `default_region`: the Vonage region to offer when no host says one (from the number)."""
        host = (host or "").strip().lower()
        self.blockSignals(True)
        try:
            self.name_edit.clear()
            self.host_edit.clear()
            if self.provider == "twilio":
                match = _TWILIO_HOST.match(host)
                self.name_edit.setText(match["name"] if match else host)
                edge = match["edge"] if match else ""
                index = self.edge_combo.findData(edge or "")
                self.edge_combo.setCurrentIndex(max(index, 0))
            elif self.provider == "vonage":
                match = _VONAGE_HOST.match(host)
                self.name_edit.setText(match["domain"] if match else host)
                index = self.region_combo.findData(match["region"] if match else (default_region or "us"))
                self.region_combo.setCurrentIndex(max(index, 0))
            elif self.provider == "telnyx":
                region = next((k for k, v in TELNYX_HOSTS.items() if v == host), "us")
                self.region_combo.setCurrentIndex(max(self.region_combo.findData(region), 0))
            else:
                self.host_edit.setText(host)
        finally:
            self.blockSignals(False)
        self._refresh()

    def address(self) -> str:
        """The host to store, '' when the typed part is missing or unusable."""
        host, _error = self._build()
        return host

    def local_error(self) -> str | None:
        _host, error = self._build()
        return error

    def _build(self) -> tuple[str, str | None]:
        try:
            if self.provider == "twilio":
                name = self.name_edit.text().strip(" ")
                if not name:
                    return "", None
                return twilio_address(name, self.edge_combo.currentData() or None), None
            if self.provider == "vonage":
                domain = self.name_edit.text().strip(" ")
                if not domain:
                    return "", None
                return vonage_address(domain, self.region_combo.currentData() or "us"), None
            if self.provider == "telnyx":
                return telnyx_address(self.region_combo.currentData() or "us"), None
        except ValueError as exc:
            return "", str(exc)
        return self.host_edit.text().strip(" "), None

    # ---- display ----------------------------------------------------------------------------
    def _refresh(self) -> None:
        host, error = self._build()
        self.preview.setText(host or "—")
        if error:
            self.problem.show_error(error)
        elif self.problem.kind == "error" and self.problem.property("local"):
            self.problem.clear_problem()
        self.problem.setProperty("local", bool(error))

    @Slot()
    def _on_input_changed(self) -> None:
        self._refresh()
        self.changed.emit()
