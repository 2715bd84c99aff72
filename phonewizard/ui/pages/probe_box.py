"""The result page's probe: does the SIP URI answer? DNS, then SIP OPTIONS over UDP, TCP and TLS.

`ProbeBox(worker_source)`; `set_uri(uri, sandbox=…)` when the page shows a result. Its
`probe_button` sits beside the SIP URI's Copy button (the page places it), and the box itself,
under the URI, stays out of the way until the user presses Probe (or code calls `start()`):
`app.probe.probe` runs on the worker and each step appears as it is done, with its result and
time; then the summary in plain words and what to change. OPTIONS sets nothing up, so no phone rings and nothing is billed; no INVITE is
ever sent. The probe runs when asked, not by itself: it sends packets from the user's network to
a host on the internet, and a transport that gets no reply costs its full timeout.

In sandbox mode the SIP URI is not a real host, so the probe asks a SIP OPTIONS responder
(sandbox/sip_options.py) started on the worker's loop for the duration of the probe, over UDP
and TCP on 127.0.0.1, and says so: the user sees what the probe checks without a network.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from phonewizard.ui.doctor_report import printable
from phonewizard.ui.widgets.problem_label import hint_label
from phonewizard.ui.widgets.stage_list import StageList
from phonewizard.ui.widgets.tones import set_tone

if TYPE_CHECKING:
    from phonewizard.app.probe import ProbeResult
    from phonewizard.domain.probe_target import ProbeTarget
    from phonewizard.services.sip_probe import ProbeStep
    from phonewizard.ui.async_worker import AsyncWorker, Job

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3.0
PROBE_TIP = (f"Check that the SIP URI answers: one SIP OPTIONS over UDP, TCP and TLS, each within "
             f"{TIMEOUT_SECONDS:g} seconds. OPTIONS asks the server what it supports and sets nothing up: no "
             "call is made and nothing is billed.")
SANDBOX_NOTE = ("Sandbox mode: the sandbox's SIP URI is not a real host, so the probe asks a local SIP OPTIONS "
                "responder instead (UDP and TCP on 127.0.0.1), to show what it checks.")


def step_title(step: ProbeStep) -> str:
    return "DNS" if step.step == "dns" else f"{step.step.upper()} {step.port}"


async def probe_sandbox_responder(progress: Callable[[Any], None]) -> ProbeResult:
    """The probe against an OPTIONS responder listening only while it runs (sandbox mode)."""
    from phonewizard.app.probe import probe
    from phonewizard.domain.probe_target import ProbeTarget
    from phonewizard.sandbox.sip_options import OptionsResponder

    responder = OptionsResponder()
    await responder.start()
    try:
        port = responder.port
        target = ProbeTarget(f"sip:127.0.0.1:{port}", "127.0.0.1", (("udp", port), ("tcp", port)))
        return await probe(target, timeout=TIMEOUT_SECONDS, progress=progress)
    finally:
        await responder.stop()


class ProbeBox(QFrame):
    """See the module docstring. Signals: `probed(ProbeResult)`, `probe_failed(message)`."""

    probed = Signal(object)
    probe_failed = Signal(str)

    def __init__(self, worker_source: Callable[[], AsyncWorker | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._worker_source = worker_source
        self._job: Job | None = None
        self._target: ProbeTarget | None = None
        self.uri: str | None = None
        self.sandbox = False
        self.result: ProbeResult | None = None
        layout = QVBoxLayout(self)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.title_label)
        self.sandbox_note = hint_label(SANDBOX_NOTE)
        self.sandbox_note.hide()
        layout.addWidget(self.sandbox_note)
        # Owned by the box until the page puts it in its own layout (beside the SIP URI's Copy).
        self.probe_button = QPushButton("&Probe", self)
        self.probe_button.setAutoDefault(False)
        self.probe_button.setToolTip(PROBE_TIP)
        self.steps = StageList()
        layout.addWidget(self.steps)
        self.summary_label = QLabel()
        self.fixes_label = QLabel()
        for label in (self.summary_label, self.fixes_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # the server's words
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.hide()
            layout.addWidget(label)
        self.probe_button.clicked.connect(self.start)
        self.set_uri(None)  # hidden until the page shows a result with a SIP URI

    @property
    def busy(self) -> bool:
        return self._job is not None

    def set_uri(self, uri: str | None, *, sandbox: bool = False) -> None:
        """Probe `uri` from now on (None: no SIP URI, the button hides); forgets the last probe,
        and the box hides until the next one."""
        self.uri, self.sandbox = uri or None, sandbox
        self.probe_button.setVisible(self.uri is not None)
        self.sandbox_note.setVisible(sandbox)
        if not self.busy:
            self._reset()
            self.hide()

    def _reset(self) -> None:
        self.result = None
        self.steps.clear()
        for label in (self.summary_label, self.fixes_label):
            label.clear()
            label.hide()

    @Slot()
    def start(self) -> bool:
        """Probe the SIP URI on the worker; False when busy, without a URI or a worker, or when
        the URI cannot be probed (said in the box)."""
        from phonewizard.domain.probe_target import probe_target
        from phonewizard.domain.sip_addresses import AddressError

        worker = self._worker_source()
        if self.busy or self.uri is None or worker is None:
            return False
        self._reset()
        self.title_label.setText(f"Probing {self.uri}" + (" (sandbox mode)" if self.sandbox else "") + ":")
        self.show()
        if self.sandbox:
            self._target = None
            factory = lambda: probe_sandbox_responder(worker.report_progress)  # noqa: E731
        else:
            try:
                target = self._target = probe_target(self.uri)
            except AddressError as exc:
                self._show_summary(f"The SIP URI “{self.uri}” cannot be probed: it {exc}.", "error", ())
                return False
            from phonewizard.app.probe import probe

            factory = lambda: probe(target, timeout=TIMEOUT_SECONDS, progress=worker.report_progress)  # noqa: E731
        self._job = job = worker.submit(factory)
        job.progress.connect(self._on_step)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self.probe_button.setEnabled(False)
        self.steps.set_pending("Looking up the host…")
        return True

    @Slot(object)
    def _on_step(self, step: ProbeStep) -> None:
        self.steps.add(step.step, step_title(step), step.detail, f"{step.seconds:.1f} s",
                       "ok" if step.ok else "error")
        done = set(self.steps.keys())
        attempts = self._target.attempts if self._target is not None else (("udp", 0), ("tcp", 0))
        following = next((a for a in attempts if a[0] not in done), None)
        if step.step == "dns" and not step.ok or following is None:
            self.steps.set_pending(None)
        else:
            self.steps.set_pending(f"Sending OPTIONS over {following[0].upper()}…")

    @Slot(object)
    def _on_finished(self, result: ProbeResult) -> None:
        self._done()
        self.result = result
        self.steps.clear()
        for step in result.steps:  # the whole list again: the order the probe tried them in
            self.steps.add(step.step, step_title(step), step.detail, f"{step.seconds:.1f} s",
                           "ok" if step.ok else "error")
        every = all(s.ok for s in result.steps)
        tone = "ok" if every else "warning" if result.reachable else "error"
        self._show_summary(result.explanation, tone, result.what_to_change)
        self.probed.emit(result)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._done()
        logger.error("the probe failed unexpectedly: %s", type(exc).__name__, exc_info=exc)
        message = f"The probe stopped unexpectedly ({type(exc).__name__}); try again."
        self._show_summary(message, "error", ())
        self.probe_failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._done()  # only when the wizard closes

    def _done(self) -> None:
        self._job = None
        self.steps.set_pending(None)
        self.probe_button.setEnabled(True)

    def _show_summary(self, text: str, tone: str, fixes: tuple[str, ...]) -> None:
        self.summary_label.setText(printable(text))
        set_tone(self.summary_label, tone)
        self.summary_label.show()
        self.fixes_label.setText("What to change:\n" + "\n".join(f"• {printable(f)}" for f in fixes))
        self.fixes_label.setVisible(bool(fixes))
