"""What phonewizard registered in a LiveKit project: test the connection, list, unregister.

These only ever see and touch objects carrying phonewizard's marker. `unregister` also forgets the
number's SIP password in the keyring (it has no use once the trunks are gone). Like a
registration, `unregister` holds the number's lock and keeps a journal while it works
(app/runs.py); when it completes it supersedes the number's unfinished runs (`resolved`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from phonewizard.app.errors import InvalidInput, PartialUnregister
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.services.forget import Forgotten, forget_sip_passwords, usernames_in_profile
from phonewizard.services.secret_store import SecretStore

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection
    from phonewizard.services.registrar import RegisteredNumber

__all__ = ["Unregistration", "list_registrations", "parse_number", "test_connection", "unregister"]


def parse_number(text: str, field: str = "phone_number") -> str:
    """The number as +E.164, or InvalidInput under `field` (the CLI names its argument)."""
    try:
        return parse_e164(text)
    except ValueError as exc:
        raise InvalidInput.field(field, str(exc)) from None


async def test_connection(connection: Connection) -> dict[str, int]:
    """Counts of what the project holds (trunks, rules, phonewizard numbers); the mapped LiveKit
    errors when it cannot be read."""
    from phonewizard.services.registrar import Registrar

    return await Registrar(connection).test_connection()


async def list_registrations(connection: Connection) -> list[RegisteredNumber]:
    from phonewizard.services.registrar import Registrar

    return await Registrar(connection).list_registrations()


@dataclass
class Unregistration:
    phone_number: str
    removed: list[str]  # LiveKit object IDs
    keyring: Forgotten  # SIP-password entries forgotten, and any keyring trouble
    interrupted: bool = False  # a cancel came once removing had begun: it was completed first
    resolved: list[str] = field(default_factory=list)  # earlier unfinished runs it superseded


async def unregister(connection: Connection, phone_number: str, store: SecretStore,
                     profile_path: Path) -> Unregistration:
    """Delete phonewizard's objects for the number, then its SIP password(s) from the keyring:
    the usernames on the deleted trunks and in the saved profile (the keyring cannot be listed)."""
    import asyncio

    from phonewizard.app.runs import guarded_run, regardless_of_cancel
    from phonewizard.services.registrar import Registrar

    with guarded_run(connection.url, connection.api_key, phone_number, "unregister") as run:
        # Stopped part-way (some removed, or a deletion without an answer): the journal stays, so
        # the next command says what is left. A clean refusal changed nothing: it goes.
        try:
            outcome = await Registrar(connection).unregister(phone_number, tracking=run.tracking)
        except Exception as exc:
            if isinstance(exc, PartialUnregister) or any(
                    c["state"] in ("pending", "unknown") for c in run.record.changes):
                run.kept(getattr(exc, "remaining", []), status="incomplete")
            raise
        run.finished()
        resolved = [r.run_id for r in run.resolve_earlier()]
    usernames = outcome.sip_usernames | usernames_in_profile(profile_path, phone_number)
    forgotten = await regardless_of_cancel(asyncio.to_thread(forget_sip_passwords, phone_number, usernames, store))
    return Unregistration(phone_number, outcome.removed, forgotten, outcome.interrupted, resolved)
