"""`phonewizard --selftest`: proves an installation (source or packaged bundle) can do its job.

Checks, in order, each printed as one line `ok|warn|FAIL  <check>: <detail>`:
1. imports  — every module of the phonewizard package imports (catches modules or native
              libraries a bundle left out);
2. keyring  — which keyring backend is in use; an insecure or absent one is a warning, since
              the wizard still works without saving secrets;
3. resources — every icon file exists, and the application icon loads as a non-null QIcon in
              a QApplication (offscreen unless QT_QPA_PLATFORM says otherwise);
4. sandbox  — the local LiveKit SIP server starts, answers one real livekit-api list call,
              and stops.
Exit status 0 when nothing failed, 1 otherwise. No secret is ever printed.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Callable

import phonewizard
from phonewizard.resources import ICON_PNG_SIZES, resource_path, resources_dir

# Seconds allowed for the sandbox round trip; a hang there must fail the check, not CI's timeout.
SANDBOX_TIMEOUT = 20.0


@dataclass
class Check:
    name: str
    status: str  # "ok", "warn" or "FAIL"
    detail: str


def _module_names() -> list[str]:
    """Every module below phonewizard, found by walking the package (works frozen too)."""
    names = ["phonewizard"]
    for info in pkgutil.walk_packages(phonewizard.__path__, "phonewizard."):
        # __main__ modules run code on import by design; their imports are covered elsewhere.
        if info.name.rsplit(".", 1)[-1] != "__main__":
            names.append(info.name)
    return sorted(set(names))


def check_imports() -> Check:
    names = _module_names()
    broken = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any import failure is the finding, whatever its type
            broken.append(f"{name} ({type(exc).__name__}: {exc})")
    if broken:
        return Check("imports", "FAIL", f"{len(broken)} of {len(names)} failed: " + "; ".join(broken))
    return Check("imports", "ok", f"{len(names)} modules")


def check_keyring() -> Check:
    # A bundle without secret_store or keyring fails here with ImportError (run_checks → FAIL).
    from phonewizard.services.secret_store import SecretStore

    store = SecretStore()
    name = store.backend_name()
    if not store.available():
        return Check("keyring", "warn", f"{name} is insecure or absent; secrets cannot be saved")
    return Check("keyring", "ok", name)


def check_resources() -> Check:
    missing = []
    for name in [f"icons/phonewizard-{s}.png" for s in ICON_PNG_SIZES] + [
        "icons/phonewizard.svg",
        "icons/phonewizard.ico",
        "icons/phonewizard.icns",
        "phonewizard.desktop",
    ]:
        try:
            resource_path(name)
        except FileNotFoundError:
            missing.append(name)
    if missing:
        return Check("resources", "FAIL", f"missing in {resources_dir()}: {', '.join(missing)}")

    if "PySide6.QtWidgets" not in sys.modules:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "phonewizard"])
    from phonewizard.ui.about import app_icon

    icon = app_icon()
    pixmap = icon.pixmap(64, 64)
    if icon.isNull() or pixmap.isNull():
        return Check("resources", "FAIL", f"icon did not load from {resources_dir()}")
    return Check("resources", "ok", f"icon {pixmap.width()}px on {app.platformName()}, {resources_dir()}")


def check_sandbox() -> Check:
    import asyncio

    from phonewizard.sandbox import SandboxServer

    server = SandboxServer()  # in-memory state: nothing written to disk
    server.start_in_thread()
    try:
        url, key, secret = server.url, server.api_key, server.api_secret

        async def list_trunks() -> int:
            # Built inside the coroutine: its aiohttp session belongs to this loop.
            from livekit import api

            lk = api.LiveKitAPI(url, key, secret)
            try:
                reply = await lk.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
                return len(reply.items)
            finally:
                await lk.aclose()

        count = asyncio.run(asyncio.wait_for(list_trunks(), SANDBOX_TIMEOUT))
    finally:
        server.stop_thread()
    return Check("sandbox", "ok", f"{url} listed {count} inbound trunk(s)")


CHECKS: tuple[Callable[[], Check], ...] = (check_imports, check_keyring, check_resources, check_sandbox)


def run_checks() -> list[Check]:
    """Runs every check; an unexpected exception becomes that check's FAIL line, not a traceback."""
    results = []
    for check in CHECKS:
        name = check.__name__.removeprefix("check_")
        try:
            results.append(check())
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            results.append(
                Check(name, "FAIL", f"{type(exc).__name__}: {exc} (at {where.name}:{where.lineno})")
            )
    return results


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    frozen = bool(getattr(sys, "frozen", False))
    print(
        f"phonewizard {phonewizard.__version__} selftest — "
        f"{'frozen bundle' if frozen else 'source'}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )
    results = run_checks()
    for result in results:
        print(f"{result.status:<4}  {result.name}: {result.detail}")
    failed = [r.name for r in results if r.status == "FAIL"]
    elapsed = time.perf_counter() - started
    print(f"selftest {'FAILED: ' + ', '.join(failed) if failed else 'passed'} in {elapsed:.1f} s")
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
