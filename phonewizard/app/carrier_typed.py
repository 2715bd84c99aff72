"""The carrier set-up the wizard asks for: "Set up Twilio / Telnyx for me" with the credential typed
into the wizard (`carrier_secret`, validated by check_config like every field).

`typed_carrier_setup(config, base_urls)` turns a valid configuration into the `CarrierSetup` that
`app.register` applies with LiveKit's objects, all or nothing; None when the configuration does not
ask for carrier set-up. The credential counts as typed, so app/secrets.py saves it to the keyring
after a successful registration (unless the wizard runs against the sandbox's stand-ins).
`wizard_base_urls(stand_in_urls, environ)`: where the carriers' APIs are for the wizard: the
sandbox's stand-ins, else PHONEWIZARD_TWILIO_BASE_URL / PHONEWIZARD_TELNYX_BASE_URL, else the
carriers' own.
"""

from __future__ import annotations

from typing import Mapping

from phonewizard.app.carrier_setup import SETUP_FIELD, CarrierCredentials, CarrierSetup, carrier_base_url
from phonewizard.app.errors import InvalidInput
from phonewizard.domain.carrier_options import API_CARRIERS, setup_options
from phonewizard.domain.carrier_plan import carrier_plan
from phonewizard.domain.config_document import SIP_URI_FOR_CARRIER, PhoneWizardConfig

SECRET_FIELD = "carrier_secret"
SECRET_MISSING = {
    "twilio": "required: paste the Auth Token shown under Account info on the Twilio Console's home page",
    "twilio-api-key": "required: paste the secret shown once when the API key was made (Twilio Console → "
                      "Account → API keys and tokens)",
    "telnyx": "required: paste an API key (Telnyx Portal → Account settings → Keys and Credentials → API Keys)",
}
ACCOUNT_MISSING = "required: the Account SID (AC…) under Account info on the Twilio Console's home page"


def secret_kind(carrier: str, api_key: str | None) -> str:
    """Which credential `carrier_secret` holds: "twilio", "twilio-api-key" or "telnyx"."""
    return "twilio-api-key" if carrier == "twilio" and api_key else carrier


def typed_carrier_setup(config: PhoneWizardConfig, base_urls: Mapping[str, str | None]) -> CarrierSetup | None:
    """The carrier half of a wizard registration; InvalidInput naming the field when a credential
    the set-up needs is missing (the pages show it at that field before Register is pressed)."""
    options = setup_options(config.registration)
    if options is None:
        return None
    plan = carrier_plan(config)
    if plan is None:
        raise InvalidInput.field("livekit.sip_uri", SIP_URI_FOR_CARRIER)
    if options.carrier == "twilio" and not options.account_sid:
        raise InvalidInput.field(f"{SETUP_FIELD}.account_sid", ACCOUNT_MISSING)
    secret = config.carrier_secret.get_secret_value() if config.carrier_secret is not None else ""
    if not secret:
        raise InvalidInput.field(SECRET_FIELD, SECRET_MISSING[secret_kind(options.carrier, options.api_key)])
    credentials = CarrierCredentials(options.carrier, secret, "typed", options.account_sid, options.api_key)
    return CarrierSetup(plan, credentials, base_urls.get(options.carrier))


def wizard_base_urls(stand_in_urls: Mapping[str, str] | None, environ: Mapping[str, str]) -> dict[str, str | None]:
    """Each carrier's API address for the wizard (InvalidInput for an unusable variable)."""
    if stand_in_urls:
        return {carrier: stand_in_urls.get(carrier) for carrier in API_CARRIERS}
    return {carrier: carrier_base_url(carrier, environ) for carrier in API_CARRIERS}


def draft_carrier_account(draft: Mapping[str, object]) -> tuple[str, str, str] | None:
    """Whose carrier credential a (raw, maybe invalid) draft asks for: (carrier, account SID, API
    key SID), or None when it does not ask for carrier set-up. The keyring entry follows from it."""
    registration = draft.get("registration")
    if not isinstance(registration, Mapping) or registration.get("provider") not in API_CARRIERS:
        return None
    config = registration.get("provider_config")
    section = config.get("carrier_setup") if isinstance(config, Mapping) else None
    if section is True:
        section = {}
    if not isinstance(section, Mapping) or section.get("enabled", True) is False:
        return None
    text = lambda key: section[key].strip() if isinstance(section.get(key), str) else ""  # noqa: E731
    return str(registration["provider"]), text("account_sid"), text("api_key")


def carrier_keyring_key(account: tuple[str, str, str]) -> str | None:
    """The keyring entry of that credential (None: a Twilio account not named yet)."""
    from phonewizard.services.secret_store import telnyx_key_key, twilio_secret_key

    carrier, account_sid, api_key = account
    if carrier == "telnyx":
        return telnyx_key_key()
    return twilio_secret_key(account_sid, api_key or None) if account_sid else None


# Telnyx names the request field it refused; these are the configuration fields they come from.
_TELNYX_POINTERS = {"/user_name": "registration.auth_username", "/password": "registration.auth_password",
                    "/transport_protocol": "registration.outbound_transport"}
_CONFLICT_FIELDS = {"number_elsewhere": f"{SETUP_FIELD}.move_number", "domain_held": f"{SETUP_FIELD}.trunk_sid"}


def field_for_failure(exc: BaseException) -> str | None:
    """The configuration field to change after a carrier failure (the wizard takes the user there
    and shows the message under it), or None when no field would fix it (the carrier down, …)."""
    from phonewizard.app import errors

    if isinstance(exc, errors.CarrierAuthFailed):
        return SECRET_FIELD
    if isinstance(exc, errors.CarrierConflict):
        return next((_CONFLICT_FIELDS[k] for k in exc.kinds if k in _CONFLICT_FIELDS), None)
    if not isinstance(exc, errors.CarrierRefused) or isinstance(exc, errors.CarrierPartialRollback):
        return None
    if exc.code == "21248":  # Twilio: the termination domain belongs to another account
        return "registration.outbound_address"
    if exc.code == "no_trunk":
        return f"{SETUP_FIELD}.trunk_sid"
    if exc.code == "number_not_owned":
        return "registration.phone_number"
    if exc.pointer in _TELNYX_POINTERS:
        return _TELNYX_POINTERS[exc.pointer]
    if exc.carrier == "Twilio" and "Password must be" in str(exc):
        return "registration.auth_password"
    return None
