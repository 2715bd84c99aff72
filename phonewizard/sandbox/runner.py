"""``run_forever``: the blocking entry point behind ``phonewizard sandbox``.

Prints where the sandbox listens and the exact environment variables to point the wizard (or any
livekit-api program) at it. Printing the API secret is intended here: it is a throwaway secret of
a local test server, shown once on the user's own terminal and never written to a file or log.
Also starts a SIP OPTIONS responder (sip_options.py) for ``phonewizard probe``, and prints the
magic destination numbers that choose how a simulated call ends (call_switches.py).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from .call_switches import DEFAULT_HANGUP_SECONDS
from .server import SandboxServer
from .sip_options import OptionsResponder


def usage_text(server: SandboxServer, responder: OptionsResponder | None = None) -> str:
    probe = ([f"SIP OPTIONS responder for `phonewizard probe`: sip:127.0.0.1:{responder.port}"]
             if responder is not None else [])
    return "\n".join(
        [
            f"LiveKit SIP sandbox listening on {server.url}",
            "This is a local stand-in for a LiveKit project: it checks requests like LiveKit does and "
            "simulates calls (no phone rings).",
            "",
            "Point the wizard, the CLI or any livekit-api program at it with:",
            f"  export LIVEKIT_URL={server.url}",
            f"  export LIVEKIT_API_KEY={server.api_key}",
            f"  export LIVEKIT_API_SECRET={server.api_secret}",
            "",
            f"SIP URI to give a provider (not dialable): {server.sip_uri}",
            f"Phone numbers owned by the sandbox: {', '.join(_numbers(server))}",
            *probe,
            "",
            "Test calls (`phonewizard call NUMBER --to DEST`) end by destination:",
            "  +1 555 000 0SSS  refused with SIP status SSS, e.g. +15550000486 busy, +15550000403 forbidden",
            "  +1 555 000 0000  never answered (the ringing timeout runs out)",
            "  +1 555 000 1NNN  answered; the callee hangs up after NNN seconds",
            "  a number of this sandbox (on an inbound trunk): comes back in as an inbound call",
            f"  anything else     answered; the callee hangs up after {DEFAULT_HANGUP_SECONDS:g} seconds",
            "Press Ctrl-C to stop.",
        ]
    )


def _numbers(server: SandboxServer) -> list[str]:
    return sorted(pn["e164_format"] for pn in server.snapshot()["phone_numbers"].values())


def run_forever(port: int, state_path: Path | None, api_key: str, api_secret: str | None,
                sip_port: int | None = 0) -> None:
    """Serve until Ctrl-C (SIGINT) or SIGTERM; state is kept in ``state_path`` when given. The
    OPTIONS responder listens on ``sip_port`` (0: any free port; None: not started)."""
    server = SandboxServer(api_key=api_key, api_secret=api_secret, port=port, state_path=state_path)
    server.start_in_thread()
    responder = None
    if sip_port is not None:
        try:
            responder = OptionsResponder(port=sip_port).start_in_thread()
        except BaseException:
            server.stop_thread()
            raise
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print(usage_text(server, responder), flush=True)
        if state_path is not None:
            print(f"State is kept in {state_path} (SIP passwords are not saved).", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if responder is not None:
            responder.stop_thread()
        server.stop_thread()
        print("Sandbox stopped.", flush=True)
