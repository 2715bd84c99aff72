"""Shared pieces of the benchmarks: statistics, the sample configuration, the real wizard, machine facts.

Every benchmark child process imports this module from benchmarks/ (it is next to the scripts, so
`python benchmarks/<script>.py` finds it on sys.path[0]).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))  # the source tree, also when not installed in the venv

# A fake password: the sandbox needs one for digest auth; it is never printed.
SAMPLE_SIP_PASSWORD = "bench-Passw0rd-not-a-real-secret"


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 1,000 samples is the 990th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def isolate_user_dirs() -> Path:
    """Point config/data/state at a fresh temp folder: no saved profile, no developer's files."""
    base = Path(tempfile.mkdtemp(prefix="phonewizard-bench-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(base / name.lower())
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        os.environ.pop(name, None)
    return base


def make_wizard() -> Any:
    """The wizard window exactly as `phonewizard` (no arguments) builds it on a first start:
    page 1 now, the rest of start-up right after its first paint (ui/app.py run_gui)."""
    from phonewizard.ui.wizard import PhoneWizard

    return PhoneWizard(defer_startup=True)


def sample_document(url: str, api_key: str) -> dict[str, Any]:
    """A full registration: inbound trunk with digest auth, outbound trunk, dispatch rule."""
    return {
        "format": "phonewizard/1",
        "agent_name": "bench-agent",
        "livekit": {"url": url, "api_key": api_key},
        "registration": {
            "phone_number": "+14155550123",
            "provider": "telnyx",
            "auth_username": "bench-user",
            "auth_password": SAMPLE_SIP_PASSWORD,
            "enable_outbound": True,
            "outbound_address": "sip.telnyx.com",
            "outbound_transport": "TCP",
            "provider_config": {"inbound_digest_auth": True},
        },
    }


def sample_plan(url: str, api_key: str) -> Any:
    from phonewizard.domain.plan import plan
    from phonewizard.domain.report import check_config

    report = check_config(sample_document(url, api_key))
    if report.errors:
        raise SystemExit(f"benchmark sample config is invalid: {report.errors}")
    return plan(report.config)


def emit(result: dict[str, Any]) -> None:
    """A child's one line of output for run.py."""
    print("BENCH " + json.dumps(result), flush=True)


def skip(reason: str) -> None:
    emit({"skip": reason})
    sys.exit(0)


def big_project_main(run: Callable[[int, int], dict[str, Any]], needs: tuple[str, ...], unavailable: str) -> int:
    """The `main` of a child measuring a big project: `<script> RUNS [REGISTRATIONS]` (default
    1,000 registrations) calls `run(runs, count)` and prints its figures, in fresh user folders;
    it skips, saying `unavailable`, when one of the modules it `needs` is not importable."""
    runs = int(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    isolate_user_dirs()
    try:
        for module in needs:
            importlib.import_module(module)
    except ImportError as exc:
        skip(f"{unavailable}: {exc}")
    emit(run(runs, count))
    return 0


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python and Qt versions, for RESULTS.md."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    os_name = f"{platform.system()} {platform.release()}"
    try:
        pretty = [
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ]
        os_name = f"{pretty[0]} (kernel {platform.release()})" if pretty else os_name
    except OSError:
        pass
    import PySide6
    from PySide6.QtCore import qVersion

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": os_name,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
    }
