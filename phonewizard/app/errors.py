"""Every failure a use case ends with, as types the front ends match with `isinstance`.

`InvalidInput` is the app's own: the input cannot be used, each problem a `field.path: message`
line (exit 2 on the command line; shown next to the field or in a message in the wizard). The
LiveKit failures come from services/errors.py, re-exported so front ends import from one place:
`RegistrationConflict`, `LostRace` and `LiveKitRefused` (refused, nothing left behind),
`PartialRollback` and `PartialUnregister` (objects remain), `LiveKitUnreachable`/`LiveKitAuthFailed`
(no usable answer), `RunInProgress` (another process on this machine is working on the number;
nothing was sent). Also re-exported:
`ConfigFileError` (a file that cannot be read at all) and `SecretStoreUnavailable` (no keyring).
The carrier failures (services/carriers/errors.py) likewise: `CarrierConflict` and `CarrierRefused`
(refused; nothing left at the carrier or in LiveKit), `CarrierPartialRollback` (objects remain at the
carrier; `CarrierCleanupIncomplete` is the one `unregister --carrier` raises),
`CarrierUnreachable`/`CarrierAuthFailed`; all are `CarrierError`s.
"""

from __future__ import annotations

from typing import Iterable

from phonewizard.domain.problems import Problem
from phonewizard.services.carriers.errors import (
    CarrierAuthFailed,
    CarrierCleanupIncomplete,
    CarrierConflict,
    CarrierError,
    CarrierPartialRollback,
    CarrierRefused,
    CarrierUnreachable,
)
from phonewizard.services.config_files import ConfigFileError
from phonewizard.services.errors import (
    Conflict,
    LiveKitAuthFailed,
    LiveKitError,
    LiveKitRefused,
    LiveKitUnreachable,
    LostRace,
    PartialRollback,
    PartialUnregister,
    RegistrationConflict,
    RunInProgress,
)
from phonewizard.services.secret_store import SecretStoreUnavailable

__all__ = [
    "CarrierAuthFailed", "CarrierCleanupIncomplete", "CarrierConflict", "CarrierError", "CarrierPartialRollback",
    "CarrierRefused", "CarrierUnreachable", "Conflict", "ConfigFileError", "InvalidInput", "LiveKitAuthFailed",
    "LiveKitError", "LiveKitRefused", "LiveKitUnreachable", "LostRace", "PartialRollback", "PartialUnregister",
    "RegistrationConflict", "RunInProgress", "SecretStoreUnavailable",
]


class InvalidInput(Exception):
    """The input cannot be used. `problems` are `field.path: message` lines (each names what to
    change and how); `notices` are warnings about the input that the user should see with them."""

    def __init__(self, problems: Iterable[Problem | str], notices: Iterable[Problem | str] = ()) -> None:
        self.problems = [str(p) for p in problems] or ["config: the input could not be used"]
        self.notices = [str(n) for n in notices]
        super().__init__("\n".join(self.problems))

    @classmethod
    def field(cls, path: str, message: str) -> InvalidInput:
        return cls([f"{path}: {message}"])
