"""`run_gui(args)`: the QApplication, the application icon and the wizard window.

`--selftest` and `--version` are handled by phonewizard/selftest.py and __main__.py; run_gui
only hands `--selftest` over so every entry path behaves the same.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Mapping, Sequence

from phonewizard import APP_NAME, __version__

logger = logging.getLogger(__name__)


def _delegate_selftest(args: Sequence[str]) -> int | None:
    """Run phonewizard.selftest for `--selftest`; None when the args do not ask for it."""
    if "--selftest" not in args:
        return None
    from phonewizard.selftest import main as selftest_main

    return selftest_main([a for a in args if a != "--selftest"])


def _set_icon(app) -> None:
    try:
        from phonewizard.ui.about import app_icon

        app.setWindowIcon(app_icon())
    except FileNotFoundError as exc:  # a source checkout without generated icons still runs
        logger.info("no application icon: %s", exc)


def missing_display(environ: Mapping[str, str], platform: str) -> str | None:
    """Why the window cannot open, or None. On Linux without DISPLAY or WAYLAND_DISPLAY (an SSH
    session, a container) Qt would abort with a plugin error that points at reinstalling; say
    what is really missing and what works instead."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("phonewizard: no display to open the wizard on (DISPLAY and WAYLAND_DISPLAY are unset). "
            "Run it in a desktop session, or use the headless commands: "
            "phonewizard register|validate|list|unregister|sandbox (phonewizard --help).")


async def preload_livekit_client() -> None:
    """Runs on the worker's loop: imports are process-wide, so the GUI thread finds them loaded."""
    import phonewizard.app.register  # noqa: F401 - livekit-protocol, protobuf, pydantic
    import phonewizard.app.registrations  # noqa: F401 - keyring's store, the registrar's types

    phonewizard.app.register.load_client()  # livekit-api, aiohttp


def run_gui(args: Sequence[str]) -> int:
    """Open the wizard and run the event loop; returns the process exit code."""
    delegated = _delegate_selftest(args)
    if delegated is not None:
        return delegated
    missing = missing_display(os.environ, sys.platform)
    if missing:
        print(missing, file=sys.stderr)
        return 1
    from phonewizard.ui.xcb_libraries import xcb_problem

    problem = xcb_problem(os.environ, sys.platform)  # instead of Qt aborting on a missing library
    if problem:
        print(problem, file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication

    from phonewizard.ui.wizard import ORGANIZATION, PhoneWizard

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    _set_icon(app)
    from phonewizard.ui.quit_on_signal import install as quit_on_signals

    quit_on_signals(app)  # SIGTERM/SIGHUP: quit cleanly, so a registration in flight rolls back
    # Pages 2-9, the profile, keyring and sandbox load right after page 1 first paints.
    wizard = PhoneWizard(defer_startup=True)  # installs the About button and window icon itself
    # Once start-up is done, load the LiveKit client stack (livekit-api, aiohttp, protobuf; ~0.2 s)
    # on the worker thread, so the first Test connection or Register does not pause the window.
    wizard.startup.finished.connect(lambda: wizard.worker.submit(preload_livekit_client))
    wizard.show()
    code = app.exec()
    wizard.shutdown()
    return int(code)
