"""`unregister NUMBER --carrier [twilio|telnyx]`: the carrier half, before LiveKit's objects go.

app/carrier_unregister.py decides which carrier and removes phonewizard's objects there; this module
resolves the carrier (asking LiveKit which provider the number was registered for only when none
was given), runs the removal and prints what was removed and what was deliberately left.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from phonewizard.app.carrier_unregister import (
    CarrierRemoved,
    carrier_removal,
    choose_carrier,
    remove_carrier_setup,
    saved_carrier_options,
)
from phonewizard.app.profiles import default_profile_path
from phonewizard.cli.errors import EXIT_FAILED, CliError, out, remember_secret

if TYPE_CHECKING:
    from phonewizard.app.secrets import SecretStore
    from phonewizard.services.livekit_client import Connection

NOT_ASKED_HINT = ("At the carrier nothing was changed; `--carrier` also removes what phonewizard set up "
                  "at Twilio or Telnyx for this number.")


def clean_up_carrier(asked: str, number: str, connection: Connection, store: SecretStore) -> CarrierRemoved:
    """Remove phonewizard's objects for `number` at the carrier; print them. Raises the carrier
    errors (the caller's `explain` maps them) before anything in LiveKit is touched."""
    saved = saved_carrier_options(default_profile_path())
    recorded = _recorded_provider(connection, number) if asked == "auto" else None
    carrier = choose_carrier(asked, recorded, saved, number)
    removal = carrier_removal(carrier, number, store, os.environ, saved)
    remember_secret(removal.credentials.secret)
    try:
        done = asyncio.run(remove_carrier_setup(removal))
    except KeyboardInterrupt:
        raise CliError(EXIT_FAILED, f"interrupted: some of phonewizard's objects for {number} may remain at "
                                    f"{carrier.title()}; run the same command again to finish (LiveKit's were not "
                                    "touched)") from None
    where = "" if removal.base_url is None else f" (the stand-in at {removal.base_url})"
    if done.removed:
        out(f"Removed at {done.label}{where}: {', '.join(done.removed)}.")
    else:
        out(f"Nothing of phonewizard's for {number} was found at {done.label}{where}.")
    for item in done.left:
        out(f"  left as it is: {item}")
    return done


def _recorded_provider(connection: Connection, number: str) -> str | None:
    """The provider phonewizard recorded on its LiveKit objects for the number, if any."""
    from phonewizard.app.registrations import list_registrations

    for registration in asyncio.run(list_registrations(connection)):
        if registration.phone_number == number and registration.provider:
            return registration.provider
    return None
