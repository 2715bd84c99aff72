"""Set up the carrier too: the use case behind "Set up Twilio / Telnyx for me" and `register` with
`provider_config.carrier_setup`.

The front end builds a `CarrierSetup` (the plan's carrier half, `CarrierCredentials`, the base URL);
`app.register.register` then runs, in this order: the carrier's read-only check (a conflict stops
everything before LiveKit is touched) → LiveKit's objects → the carrier's changes. A carrier failure
undoes the carrier's changes and then LiveKit's (all or nothing: a LiveKit side whose carrier side
failed would look registered and never ring). The outcome is a typed `CarrierSetupResult` with what
was configured and where to see it in the carrier's console.

Credentials: `carrier_credentials(plan, store, environ)` reads the environment (TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET; TELNYX_API_KEY), then the keyring; the
wizard passes typed ones (`source="typed"`, saved to the keyring after success by app/secrets.py).
`carrier_base_url(carrier, environ)`: PHONEWIZARD_TWILIO_BASE_URL / PHONEWIZARD_TELNYX_BASE_URL,
plain http only to this machine.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, AsyncIterator, Callable, Mapping
from urllib.parse import urlsplit

from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import SecretSource
from phonewizard.domain.carrier_plan import CarrierPlan, TwilioPlan
from phonewizard.domain.url_safety import LOCAL_HOSTS
from phonewizard.services.secret_store import (
    SecretStore,
    SecretStoreUnavailable,
    telnyx_key_key,
    twilio_secret_key,
)

Progress = Callable[[str, str], None]
BASE_URL_VARS = {"twilio": "PHONEWIZARD_TWILIO_BASE_URL", "telnyx": "PHONEWIZARD_TELNYX_BASE_URL"}
SETUP_FIELD = "registration.provider_config.carrier_setup"
CONSOLES = {"twilio": "https://console.twilio.com", "telnyx": "https://portal.telnyx.com"}


@dataclass(frozen=True)
class CarrierCredentials:
    """Twilio: `account_sid` + `secret` (Auth Token, or the secret of `api_key`); Telnyx: `secret` is
    the API key. `source` says where the secret came from (only "typed" ones are saved)."""

    carrier: str
    secret: str = field(repr=False)
    source: SecretSource
    account_sid: str | None = None
    api_key: str | None = None

    @property
    def keyring_key(self) -> str:
        if self.carrier == "twilio":
            return twilio_secret_key(self.account_sid or "", self.api_key)
        return telnyx_key_key()

    @property
    def label(self) -> str:
        if self.carrier == "twilio":
            return f"the Twilio {'API key secret' if self.api_key else 'Auth Token'} of {self.account_sid}"
        return "the Telnyx API key"


@dataclass(frozen=True)
class CarrierSetup:
    """What to set up at the carrier, as whom, and where its API is (None: the carrier's own)."""

    plan: CarrierPlan
    credentials: CarrierCredentials = field(repr=False)
    base_url: str | None = None
    timeout: float = 15.0

    @property
    def sandbox(self) -> bool:
        return self.base_url is not None


@dataclass(frozen=True)
class ConfiguredItem:
    """One thing configured at the carrier, for the result page and the CLI."""

    what: str  # "SIP trunk", "origination URL", …
    value: str  # its ID and the value that matters
    where: str  # the console page, in words
    link: str | None = None  # that console page's address (app/carrier_consoles.py); None at a stand-in


@dataclass
class CarrierSetupResult:
    carrier: str  # "twilio" | "telnyx"
    items: list[ConfiguredItem]
    notes: list[str]  # what the check found (a reused trunk, a moved number)
    warnings: list[str]  # leftovers that could not be removed (the set-up stands)
    console_url: str | None  # None against a stand-in
    ids: dict[str, Any]

    @property
    def stand_in(self) -> bool:
        """Configured at a local stand-in (sandbox or PHONEWIZARD_*_BASE_URL), not the carrier."""
        return self.console_url is None

    @property
    def label(self) -> str:
        return "Twilio" if self.carrier == "twilio" else "Telnyx"

    def to_json(self) -> dict[str, Any]:
        return {"carrier": self.carrier, "console_url": self.console_url, "ids": self.ids,
                "configured": [item.__dict__ for item in self.items], "notes": self.notes,
                "warnings": self.warnings}


def carrier_base_url(carrier: str, environ: Mapping[str, str]) -> str | None:
    """The stand-in (or proxy) address from the environment; InvalidInput when it is unusable."""
    name = BASE_URL_VARS[carrier]
    value = environ.get(name, "").strip()
    if not value:
        return None
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host or "@" in parts.netloc:
        raise InvalidInput.field(name, "must be an http(s) address such as https://api.example.com, without a user name")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise InvalidInput.field(name, "plain http:// is allowed only to this machine (127.0.0.1, localhost): "
                                       "the carrier credentials would travel unencrypted; use https://")
    return value.rstrip("/")


def carrier_credentials(plan: CarrierPlan, options: Any, store: SecretStore | None,
                        environ: Mapping[str, str]) -> CarrierCredentials:
    """The environment's credentials, else the keyring's; InvalidInput saying how to provide them."""
    return credentials_for(plan.carrier, getattr(options, "account_sid", None), getattr(options, "api_key", None),
                           store, environ)


def credentials_for(carrier: str, account_sid: str | None, api_key: str | None, store: SecretStore | None,
                    environ: Mapping[str, str], *, field: str = SETUP_FIELD) -> CarrierCredentials:
    """A carrier's credentials for any use (set-up, `unregister --carrier`): the environment first,
    then the keyring; `account_sid`/`api_key` are the configuration's (the environment wins).
    InvalidInput under `field` when they cannot be found."""
    if carrier == "telnyx":
        key = environ.get("TELNYX_API_KEY", "").strip()
        if key:
            return CarrierCredentials("telnyx", key, "env")
        stored, problem = _stored(store, telnyx_key_key())
        if stored:
            return CarrierCredentials("telnyx", stored, "keyring")
        raise InvalidInput.field(field, "Telnyx needs an API key: export TELNYX_API_KEY, or save it "
                                        f"in the system keyring with the wizard{problem}")
    account = environ.get("TWILIO_ACCOUNT_SID", "").strip() or (account_sid or "")
    if not account:
        where = (f"{field}.account_sid", "export TWILIO_ACCOUNT_SID or add account_sid here (it is not a secret)") \
            if field == SETUP_FIELD else (field, "export TWILIO_ACCOUNT_SID (it is not a secret)")
        raise InvalidInput.field(where[0], f"Twilio needs the Account SID: {where[1]}")
    api_key = environ.get("TWILIO_API_KEY", "").strip() or api_key
    variable = "TWILIO_API_SECRET" if api_key else "TWILIO_AUTH_TOKEN"
    secret = environ.get(variable, "").strip()
    if secret:
        return CarrierCredentials("twilio", secret, "env", account, api_key)
    stored, problem = _stored(store, twilio_secret_key(account, api_key))
    if stored:
        return CarrierCredentials("twilio", stored, "keyring", account, api_key)
    what = f"the secret of API key {api_key}" if api_key else f"the Auth Token of {account}"
    raise InvalidInput.field(field, f"Twilio needs {what}: export {variable}, or save it in the "
                                    f"system keyring with the wizard{problem}")


def _stored(store: SecretStore | None, key: str) -> tuple[str | None, str]:
    if store is None:
        return None, ""
    try:
        return store.get(key), ""
    except SecretStoreUnavailable as exc:
        return None, f" (the keyring could not be read: {exc})"


class CarrierSession:
    """One carrier set-up, open for the length of a registration: `check()` before LiveKit,
    `apply()` after it (services/carriers/*_setup.py do the requests)."""

    def __init__(self, setup: CarrierSetup, worker: Any, progress: Progress | None) -> None:
        self.setup, self.worker, self.progress = setup, worker, progress
        self.found: Any = None

    async def check(self) -> None:
        from phonewizard.services.carriers.journal import Journal

        journal = Journal(self.setup.plan.label, self.setup.plan.phone_number, self.setup.timeout, self.progress)
        self.found = await journal.in_step("carrier_check", self.worker.check())

    async def apply(self) -> CarrierSetupResult:
        from phonewizard.services.carriers.journal import Journal, all_or_nothing

        plan = self.setup.plan
        journal = Journal(plan.label, plan.phone_number, self.setup.timeout, self.progress)
        outcome = await all_or_nothing(journal, lambda: self.worker.apply(self.found, journal))
        return _result(self.setup, self.found, outcome)


@asynccontextmanager
async def carrier_session(setup: CarrierSetup, progress: Progress | None = None) -> AsyncIterator[CarrierSession]:
    """The SDK client for the set-up's carrier, built on the running loop and closed afterwards."""
    plan, creds = setup.plan, setup.credentials
    if isinstance(plan, TwilioPlan):
        from phonewizard.services.carriers.twilio_client import TwilioCredentials, open_twilio
        from phonewizard.services.carriers.twilio_setup import TwilioSetup

        twilio = TwilioCredentials(creds.account_sid or "", creds.secret, creds.api_key)
        async with open_twilio(twilio, setup.base_url) as client:
            yield CarrierSession(setup, TwilioSetup(client, twilio, plan, setup.timeout), progress)
        return
    from phonewizard.services.carriers.telnyx_client import open_telnyx
    from phonewizard.services.carriers.telnyx_setup import TelnyxSetup

    async with open_telnyx(creds.secret, setup.base_url) as client:
        yield CarrierSession(setup, TelnyxSetup(client, creds.secret, plan, setup.timeout), progress)


def _result(setup: CarrierSetup, found: Any, outcome: Any) -> CarrierSetupResult:
    plan = setup.plan
    console = None if setup.sandbox else CONSOLES[plan.carrier]
    if isinstance(plan, TwilioPlan):
        where = f"Elastic SIP Trunking → Manage → Trunks → {outcome.trunk_sid}"
        items = [ConfiguredItem("SIP trunk", f"{outcome.trunk_sid} “{plan.trunk_name}”", where)]
        if outcome.domain_name:
            items.append(ConfiguredItem("termination domain", outcome.domain_name, f"{where} → Termination"))
        items += [ConfiguredItem("origination URL", f"{sid} {route.sip_url} (priority {route.priority})",
                                 f"{where} → Origination") for sid, route in zip(outcome.origination_sids, plan.routes)]
        if outcome.credential_list_sid:
            items.append(ConfiguredItem("credential list", f"{outcome.credential_list_sid} (username “{plan.username}”)",
                                        f"{where} → Termination → Authentication"))
        if plan.transfer_mode:
            items.append(ConfiguredItem("call transfer", plan.transfer_mode, f"{where} → General → Features"))
        items.append(ConfiguredItem("phone number", plan.phone_number, f"{where} → Numbers"))
        ids = {"trunk_sid": outcome.trunk_sid, "origination_url_sids": outcome.origination_sids,
               "credential_list_sid": outcome.credential_list_sid, "phone_number_sid": outcome.phone_number_sid}
    else:
        where = f"Real-Time Communications → Voice → SIP Trunking → {outcome.connection_id}"
        items = [ConfiguredItem("FQDN connection", f"{outcome.connection_id} “{plan.connection_name}” ({plan.transport}, "
                                                   "+E.164 number formats)", where)]
        items += [ConfiguredItem("FQDN", f"{fid} {route.host}:{route.port}", f"{where} → Authentication and routing")
                  for fid, route in zip(outcome.fqdn_ids, plan.routes)]
        if plan.username:
            items.append(ConfiguredItem("outbound credentials", f"username “{plan.username}”", f"{where} → Outbound"))
        if outcome.outbound_voice_profile_id:
            items.append(ConfiguredItem("outbound voice profile", outcome.outbound_voice_profile_id,
                                        "Voice → Outbound Voice Profiles"))
        items.append(ConfiguredItem("phone number", plan.phone_number, "Numbers → Manage Numbers"))
        ids = {"connection_id": outcome.connection_id, "fqdn_ids": outcome.fqdn_ids,
               "outbound_voice_profile_id": outcome.outbound_voice_profile_id,
               "phone_number_id": outcome.phone_number_id}
    if console is not None:
        from phonewizard.app.carrier_consoles import console_page

        items = [replace(item, link=console_page(plan.carrier, item.what)) for item in items]
    return CarrierSetupResult(plan.carrier, items, list(found.notes), list(outcome.warnings), console, ids)
