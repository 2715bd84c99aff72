"""`unregister NUMBER --carrier`: also undo what phonewizard set up at Twilio or Telnyx for the number.

Without `--carrier`, `unregister` leaves the carrier alone: the trunk, credentials and the number's
place at the carrier may serve other things, and removing them is not what "stop routing this
number to my agent in LiveKit" asks. With it, phonewizard removes the objects it made there, found
by their "phonewizard +NUMBER …" names, and leaves what it only reused (services/carriers/teardown.py).

Which carrier: the one given (`--carrier twilio`), else the provider recorded on phonewizard's
LiveKit objects for the number, else the saved profile's when it is that number's. Credentials
come from the environment, then the keyring (app/carrier_setup.credentials_for); Twilio's Account
SID from TWILIO_ACCOUNT_SID or the saved profile's `carrier_setup.account_sid`. The carrier is
handled first, and a failure there leaves LiveKit's objects in place, so running the command again
finishes both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from phonewizard.app.carrier_setup import CarrierCredentials, carrier_base_url, credentials_for
from phonewizard.app.errors import InvalidInput
from phonewizard.domain.carrier_options import API_CARRIERS, SETUP_KEY

CARRIER_OPTION = "--carrier"
LABELS = {"twilio": "Twilio", "telnyx": "Telnyx"}


@dataclass(frozen=True)
class CarrierRemoval:
    """What to remove at which carrier, as whom, and where its API is (None: the carrier's own)."""

    carrier: str
    phone_number: str
    credentials: CarrierCredentials = field(repr=False)
    base_url: str | None = None
    timeout: float = 15.0


@dataclass
class CarrierRemoved:
    carrier: str
    phone_number: str
    removed: list[str]  # in words: "trunk TK… “phonewizard +1… → agent”"
    left: list[str]  # what phonewizard reused and therefore kept

    @property
    def label(self) -> str:
        return LABELS[self.carrier]


def saved_carrier_options(profile_path: Path) -> dict[str, Any]:
    """The saved profile's provider, number and carrier_setup section ({} when there is none)."""
    from phonewizard.services.config_files import ConfigFileError, read_document

    if not profile_path.exists():
        return {}
    try:
        registration = read_document(profile_path).get("registration")
    except ConfigFileError:
        return {}
    if not isinstance(registration, dict):
        return {}
    section = registration.get("provider_config", {}).get(SETUP_KEY) if isinstance(
        registration.get("provider_config"), dict) else None
    return {"provider": registration.get("provider"), "phone_number": registration.get("phone_number"),
            "setup": section if isinstance(section, dict) else {}}


def choose_carrier(asked: str | None, recorded: str | None, saved: Mapping[str, Any], phone_number: str) -> str:
    """`asked` ("twilio", "telnyx" or "auto"), else what LiveKit's objects or the saved profile say."""
    if asked in API_CARRIERS:
        return asked
    if recorded in API_CARRIERS:
        return recorded
    if saved.get("provider") in API_CARRIERS and _same_number(saved.get("phone_number"), phone_number):
        return saved["provider"]
    raise InvalidInput.field(CARRIER_OPTION, f"say which carrier to clean up for {phone_number}: "
                                             f"{CARRIER_OPTION} twilio or {CARRIER_OPTION} telnyx (nothing in LiveKit "
                                             "or the saved profile names it)")


def _same_number(saved: Any, phone_number: str) -> bool:
    from phonewizard.domain.phone_numbers import parse_e164

    try:
        return isinstance(saved, str) and parse_e164(saved) == phone_number
    except ValueError:
        return False


def carrier_removal(carrier: str, phone_number: str, store: Any, environ: Mapping[str, str],
                    saved: Mapping[str, Any]) -> CarrierRemoval:
    """The removal request, credentials resolved now (InvalidInput before anything is removed)."""
    setup = saved.get("setup", {}) if saved.get("provider") == carrier else {}
    account, api_key = setup.get("account_sid"), setup.get("api_key")
    credentials = credentials_for(carrier, account if isinstance(account, str) else None,
                                  api_key if isinstance(api_key, str) else None, store, environ, field=CARRIER_OPTION)
    return CarrierRemoval(carrier, phone_number, credentials, carrier_base_url(carrier, environ))


async def remove_carrier_setup(removal: CarrierRemoval) -> CarrierRemoved:
    """Remove phonewizard's objects for the number at the carrier. Raises the carrier errors of
    app/errors.py (CarrierAuthFailed, CarrierUnreachable, …) or CarrierCleanupIncomplete."""
    creds = removal.credentials
    if removal.carrier == "twilio":
        from phonewizard.services.carriers.twilio_client import TwilioCredentials, open_twilio
        from phonewizard.services.carriers.twilio_teardown import remove_twilio_setup

        twilio = TwilioCredentials(creds.account_sid or "", creds.secret, creds.api_key)
        async with open_twilio(twilio, removal.base_url) as client:
            done = await remove_twilio_setup(client, twilio, removal.phone_number, removal.timeout)
    else:
        from phonewizard.services.carriers.telnyx_client import open_telnyx
        from phonewizard.services.carriers.telnyx_teardown import remove_telnyx_setup

        async with open_telnyx(creds.secret, removal.base_url) as client:
            done = await remove_telnyx_setup(client, creds.secret, removal.phone_number, removal.timeout)
    return CarrierRemoved(removal.carrier, removal.phone_number, done.removed, done.left)
