"""`register FILE --adopt`: take over the objects made outside phonewizard that serve the number.

Before anything is sent, the project is read once and every object that will change is listed on
stderr with its field differences (app/adopt.py); the registration then adopts exactly those IDs.
`--adopt --dry-run` prints the same list and sends nothing. Objects shared with another number are
never adopted: they stay in the way, and the command says which and why (exit 3).
"""

from __future__ import annotations

import asyncio

from phonewizard.app.adopt import adoption_for
from phonewizard.app.errors import RegistrationConflict
from phonewizard.app.inventory import read_inventory
from phonewizard.app.project import ApiSecret, connection_for
from phonewizard.cli.errors import EXIT_REFUSED, CliError, err
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import RegistrationPlan


def adopted_ids(config: PhoneWizardConfig, the_plan: RegistrationPlan, secret: ApiSecret, *,
                take_over: bool) -> frozenset[str]:
    """Read the project, print what adopting changes, and return the IDs to adopt."""
    project = asyncio.run(read_inventory(connection_for(config.livekit, secret)))
    try:
        adoption = adoption_for(the_plan, project, take_over=take_over)
    except RegistrationConflict as exc:
        raise CliError(
            EXIT_REFUSED, f"LiveKit refused: {exc}",
            "--adopt takes over only objects that serve this number alone; change or remove the others "
            "in LiveKit (Telephony → SIP trunks / Dispatch rules), or use --take-over for phonewizard's "
            "registration for another agent.") from None
    for line in adoption.describe():
        err(line)
    return adoption.ids
