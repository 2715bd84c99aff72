"""Where the wizard's sandbox listens: a stable address, so an exported configuration still works.

A random port would be dead the next day, and a configuration exported in sandbox mode names it.
So the sandbox takes LiveKit's usual port, 7880, the one `phonewizard sandbox` (cli.SANDBOX_PORT)
and the example files use; when something already listens there (`phonewizard sandbox` itself,
a local LiveKit server) it takes a free port and says so (`port_note`), since a file exported
then names an address that will not last. PHONEWIZARD_SANDBOX_PORT chooses another port (0: any
free one; the test suite uses that, so tests never hold 7880 on a shared machine).
Qt-free; the sandbox package (aiohttp) is imported only when the server starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from phonewizard.sandbox import SandboxServer

PREFERRED_PORT = 7880  # = cli.SANDBOX_PORT (ui must not import cli); tests check they agree
PORT_VARIABLE = "PHONEWIZARD_SANDBOX_PORT"


def preferred_port(environ: Mapping[str, str]) -> int:
    text = environ.get(PORT_VARIABLE, "").strip()
    if text.isdigit() and int(text) <= 65535:
        return int(text)
    return PREFERRED_PORT


def start_sandbox(state_path: Path | None, environ: Mapping[str, str]) -> SandboxServer:
    """The sandbox on the preferred port, else on a free one with `port_note` set."""
    from phonewizard.sandbox import SandboxServer, SandboxStartError

    port = preferred_port(environ)
    try:
        return SandboxServer(port=port, state_path=state_path).start_in_thread()
    except SandboxStartError:
        if port == 0:
            raise
    server = SandboxServer(port=0, state_path=state_path).start_in_thread()
    server.port_note = (  # type: ignore[attr-defined]
        f"Port {port} is in use (by `phonewizard sandbox` or a local LiveKit server?), so the sandbox "
        f"listens on {server.url} this time. A configuration exported now names that address, which "
        f"will not last: to keep one, close what uses port {port} and start the wizard again."
    )
    return server


def port_note(server: object | None) -> str | None:
    """What to say about where `server` listens, or None when it is where it should be."""
    return getattr(server, "port_note", None)
