"""The local LiveKit SIP server ("sandbox"): LiveKit's Twirp SIP API over real HTTP.

Public API: ``SandboxServer`` (start/stop in a loop or its own thread, ``faults``, ``log``,
``snapshot()``, ``counts()``), ``run_forever`` for the ``phonewizard sandbox`` command, and
``DEFAULT_PHONE_NUMBERS``. See docs/sandbox.md.
"""

from .faults import Faults, RequestLog
from .runner import run_forever
from .server import DEFAULT_PHONE_NUMBERS, DEFAULT_SIP_URI, SandboxServer, SandboxStartError
from .store import StateFileError

__all__ = [
    "DEFAULT_PHONE_NUMBERS",
    "DEFAULT_SIP_URI",
    "Faults",
    "RequestLog",
    "SandboxServer",
    "SandboxStartError",
    "StateFileError",
    "run_forever",
]
