"""``run_forever``: the blocking entry point behind ``phonewizard sandbox``.

Prints where the sandbox listens and the exact environment variables to point the wizard (or any
livekit-api program) at it. Printing the API secret is intended here: it is a throwaway secret of
a local test server, shown once on the user's own terminal and never written to a file or log.
The Twilio and Telnyx stand-ins (sandbox/carriers/) start beside it on free ports, labelled as
stand-ins, with their own throwaway credentials and the PHONEWIZARD_*_BASE_URL lines. A SIP
OPTIONS responder (sip_options.py) starts for ``phonewizard probe``, and the magic destination
numbers that choose how a simulated call ends are printed (call_switches.py).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from .call_switches import DEFAULT_HANGUP_SECONDS
from .carriers import TelnyxStandIn, TwilioStandIn
from .server import SandboxServer
from .sip_options import OptionsResponder


def carrier_text(twilio: TwilioStandIn, telnyx: TelnyxStandIn) -> list[str]:
    return [
        "",
        "Carrier stand-ins (local imitations of Twilio's and Telnyx's APIs, not the real carriers):",
        f"  export PHONEWIZARD_TWILIO_BASE_URL={twilio.url}",
        f"  export TWILIO_ACCOUNT_SID={twilio.account_sid}",
        f"  export TWILIO_AUTH_TOKEN={twilio.auth_token}",
        f"  export PHONEWIZARD_TELNYX_BASE_URL={telnyx.url}",
        f"  export TELNYX_API_KEY={telnyx.api_key}",
        "Numbers in both stand-in accounts: " + ", ".join(sorted(n["phone_number"] for n in twilio.numbers.values())),
    ]


def call_text(responder: OptionsResponder | None) -> list[str]:
    """How to choose a simulated call's outcome, and where the OPTIONS responder listens."""
    probe = ([f"SIP OPTIONS responder for `phonewizard probe`: sip:127.0.0.1:{responder.port}"]
             if responder is not None else [])
    return [
        "",
        *probe,
        "Test calls (`phonewizard call NUMBER --to DEST`) end by destination:",
        "  +1 555 000 0SSS  refused with SIP status SSS, e.g. +15550000486 busy, +15550000403 forbidden",
        "  +1 555 000 0000  never answered (the ringing timeout runs out)",
        "  +1 555 000 1NNN  answered; the callee hangs up after NNN seconds",
        "  a number of this sandbox (on an inbound trunk): comes back in as an inbound call",
        f"  anything else     answered; the callee hangs up after {DEFAULT_HANGUP_SECONDS:g} seconds",
    ]


def usage_text(server: SandboxServer, carriers: list[str] | None = None) -> str:
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
            *(carriers or []),
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
    try:
        responder = OptionsResponder(port=sip_port).start_in_thread() if sip_port is not None else None
    except BaseException:
        server.stop_thread()
        raise
    twilio, telnyx = TwilioStandIn().start_in_thread(), TelnyxStandIn().start_in_thread()
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print(usage_text(server, carrier_text(twilio, telnyx) + call_text(responder)), flush=True)
        if state_path is not None:
            print(f"State is kept in {server.store.shown_path} (SIP passwords are not saved).", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if responder is not None:
            responder.stop_thread()
        server.stop_thread()
        twilio.stop_thread()
        telnyx.stop_thread()
        print("Sandbox stopped.", flush=True)
