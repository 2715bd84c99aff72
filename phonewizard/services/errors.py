"""The failures a LiveKit operation ends with, as types both front ends match with isinstance.

Light on purpose (no livekit-api, aiohttp or protobuf import): the CLI decides its exit code from
these classes even for commands that never load the client. Every `str(e)` is a complete sentence
for the user and never contains a secret.

* `LiveKitUnreachable` — no answer (DNS, refused connection, TLS, timeout, not a LiveKit server);
* `LiveKitAuthFailed`  — the API key or secret was not accepted;
* `LiveKitRefused`     — LiveKit answered and said no (invalid argument, conflict, …);
* `RegistrationConflict` — a refusal of ours: objects already hold the number, nothing was created;
* `PartialRollback`    — a run failed and undoing it failed too: objects remain (listed);
* `LostRace`           — another run registered the same number at the same moment and keeps its
                         objects; this run removed its own (a refusal: nothing left behind);
* `RunInProgress`      — another phonewizard process on this machine holds the number's lock;
* `PartialUnregister`  — `unregister` removed some objects and not others (both listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


class LiveKitError(Exception):
    """Base of every LiveKit failure shown to a user. `str(e)` is a complete sentence."""


class LiveKitUnreachable(LiveKitError):
    pass


class LiveKitAuthFailed(LiveKitError):
    pass


class LiveKitRefused(LiveKitError):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Conflict:
    kind: str  # "inbound trunk", "outbound trunk", "dispatch rule", "phone number"
    id: str
    name: str
    reason: str
    # Set when phonewizard registered this object for the same number but another agent: the
    # only kind of conflict that `take_over=True` resolves.
    other_agent: str | None = None

    def __str__(self) -> str:
        name = f" “{self.name}”" if self.name else ""
        return f"{self.kind} {self.id}{name} {self.reason}"


class RegistrationConflict(LiveKitRefused):
    """Objects in LiveKit already hold this number; nothing was created. The message says what is
    in the way; how to resolve it is the front end's to say (a button, or `--take-over`)."""

    def __init__(self, phone_number: str, conflicts: Sequence[Conflict]) -> None:
        self.phone_number = phone_number
        self.conflicts = list(conflicts)
        lines = "; ".join(str(c) for c in self.conflicts)
        super().__init__("already_exists", f"{phone_number} is already set up in LiveKit: {lines}. Nothing was created.")

    @property
    def can_take_over(self) -> bool:
        """True when every conflict is phonewizard's own registration for another agent."""
        return bool(self.conflicts) and all(c.other_agent for c in self.conflicts)


class PartialRollback(LiveKitError):
    """The registration failed and undoing it failed too: some objects remain (listed)."""

    def __init__(self, phone_number: str, remaining: Sequence[str], cause: BaseException | None,
                 unknown: bool = False) -> None:
        self.phone_number = phone_number
        self.remaining = list(remaining)
        self.cause = cause
        first = f"Registering {phone_number} failed ({cause}) " if cause else f"Registering {phone_number} failed "
        left = ", ".join(self.remaining) if self.remaining else "none known"
        more = " Some requests got no answer, so more objects may exist." if unknown else ""
        super().__init__(
            f"{first}and undoing it did not finish. Left in LiveKit: {left}.{more} They are marked "
            f"as phonewizard's: `phonewizard unregister {phone_number}` removes them, and "
            "registering the number again reuses or removes them."
        )


class LostRace(LiveKitRefused):
    """Another run created objects for the same number at the same moment and keeps them (the rule
    is in services/registrar_race.py); this run removed what it had made. `winner` is that run's
    ID, `winner_objects` the IDs it keeps."""

    def __init__(self, phone_number: str, winner: str, winner_objects: Sequence[str], reason: str) -> None:
        self.phone_number = phone_number
        self.winner = winner
        self.winner_objects = list(winner_objects)
        kept = f" ({', '.join(self.winner_objects)})" if self.winner_objects else ""
        super().__init__(
            "aborted",
            f"another registration of {phone_number} (run {winner}, on this or another machine) "
            f"created its objects at the same moment and keeps them{kept}; {reason}, so this run "
            "removed what it had made. Nothing was left behind.",
        )


@dataclass(frozen=True)
class LockHolder:
    """Who holds a number's lock, as the holder wrote it into the lock file (all may be empty
    when the file could not be read)."""

    pid: int | None = None
    command: str = ""
    run_id: str = ""
    started_at: str = ""


class RunInProgress(Exception):
    """Another phonewizard process on this machine is registering or unregistering this number
    in this project (it holds the lock): nothing was sent."""

    def __init__(self, phone_number: str, holder: LockHolder) -> None:
        self.phone_number = phone_number
        self.holder = holder
        who = [f"pid {holder.pid}"] if holder.pid else []
        if holder.run_id:
            who.append(f"run {holder.run_id}")
        if holder.started_at:
            who.append(f"started {holder.started_at}")
        what = f"`phonewizard {holder.command}`" if holder.command else "another phonewizard"
        detail = f" ({', '.join(who)})" if who else ""
        super().__init__(
            f"{what}{detail} is already working on {phone_number} in this LiveKit project; "
            "wait for it to finish (or stop it) and try again. Nothing was sent."
        )


class PartialUnregister(LiveKitError):
    """`unregister` stopped part-way: `removed` are gone, `remaining` are still in LiveKit."""

    def __init__(self, phone_number: str, removed: Sequence[str], remaining: Sequence[str],
                 cause: BaseException | None) -> None:
        self.phone_number = phone_number
        self.removed = list(removed)
        self.remaining = list(remaining)
        self.cause = cause
        why = f" ({cause})" if cause is not None else ""
        gone = ", ".join(self.removed) if self.removed else "nothing"
        left = ", ".join(self.remaining) if self.remaining else "none known"
        super().__init__(
            f"Unregistering {phone_number} did not finish{why}. Removed: {gone}. Still in LiveKit: "
            f"{left}. Run `phonewizard unregister {phone_number}` again to remove the rest."
        )
