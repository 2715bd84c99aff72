"""SIGTERM and SIGHUP (a logout, `systemctl stop`, `kill`, a closed terminal) end the wizard the
way closing it does, so a registration in flight is rolled back before the process exits.

Left at their defaults they kill the process at once, in the middle of whatever the worker is
sending. Here each becomes `QCoreApplication.exit(1)`: `exec()` returns, `aboutToQuit` is
emitted, and the AsyncWorker's handler cancels its jobs and waits for them to unwind (the
registrar's rollback) before the thread stops (ui/async_worker.py). `exit()` rather than
`quit()`: no window may veto a signal.

Python runs a signal handler only between bytecodes, and Qt's event loop is C++: the C-level
handler writes the signal's number to a socket (`signal.set_wakeup_fd`) that a QSocketNotifier
watches, so the loop wakes up, calls into Python and the handler runs at once.
"""

from __future__ import annotations

import logging
import signal
import socket

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier

logger = logging.getLogger(__name__)

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)
EXIT_CODE = 1  # like the command line: an interrupted run is "anything else", never success


def install(app: QCoreApplication) -> QObject | None:
    """Make SIGTERM/SIGHUP quit `app` cleanly; returns the object that keeps the wake-up socket
    alive (parented to `app`), or None where signals cannot be watched (not the main thread)."""
    try:
        reader, writer = socket.socketpair()
    except OSError as exc:
        logger.info("signals will not end the wizard cleanly: %s", exc)
        return None
    for end in (reader, writer):
        end.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for sig in SIGNALS:
            signal.signal(sig, lambda signum, _frame: _quit(app, signum))
    except ValueError:  # not the main thread: Python allows signal handlers only there
        reader.close()
        writer.close()
        return None
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: _drain(reader))
    # The sockets live as long as the notifier (and so the application).
    notifier._sockets = (reader, writer)  # type: ignore[attr-defined]
    return notifier


def _drain(reader: socket.socket) -> None:
    """Empty the wake-up socket; the Python handler has run by the time this returns."""
    try:
        while reader.recv(64):
            pass
    except (BlockingIOError, InterruptedError):
        pass


def _quit(app: QCoreApplication, signum: int) -> None:
    logger.info("%s received: closing the wizard (running jobs are cancelled and rolled back)",
                signal.Signals(signum).name)
    app.exit(EXIT_CODE)
