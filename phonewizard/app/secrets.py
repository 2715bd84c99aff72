"""The one secret policy both front ends follow.

* Secrets go to the system keyring only after LiveKit accepted the registration; a failed or
  cancelled registration saves nothing.
* What is saved: a secret the user typed (wizard) or wrote in plaintext in a file (CLI). One from
  an environment variable is managed by whoever set it (often CI, without a keyring); one read
  from the keyring is there already; the sandbox's throwaway ones are not saved at all.
* Keyring entries are named from the validated configuration (number in +E.164), so the wizard
  and the CLI find each other's secrets.
* Carrier credentials (Twilio Auth Token or API key secret, Telnyx API key) follow the same rule:
  saved after success only when typed into the wizard; never read from or written to a file (the
  configuration's `provider_config.carrier_setup` refuses secret-looking keys).
A keyring that cannot be used never undoes a registration: it becomes a sentence for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from phonewizard.app.carrier_setup import CarrierCredentials
from phonewizard.app.project import ApiSecret, SecretSource
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.services.secret_store import (
    SecretStore,
    SecretStoreUnavailable,
    livekit_secret_key,
    sip_password_key,
)

__all__ = ["SavedSecrets", "SecretStore", "SecretToSave", "carrier_secrets_to_save", "save_secrets",
           "secrets_to_save"]

_SAVED_SOURCES: frozenset[SecretSource] = frozenset({"typed", "file"})


@dataclass(frozen=True)
class SecretToSave:
    label: str  # what it is, for the user: "the LiveKit API secret"
    key: str  # the keyring entry
    value: str = field(repr=False)


@dataclass
class SavedSecrets:
    """What was saved (labels), and why not when the keyring could not be used."""

    saved: list[str] = field(default_factory=list)
    problem: str | None = None


def secrets_to_save(
    config: PhoneWizardConfig, api_secret: ApiSecret | None, password_source: SecretSource | None
) -> list[SecretToSave]:
    """The secrets of this registration that the policy saves after success (see module doc).
    `api_secret` None or `password_source` None: that secret is not to be saved (sandbox)."""
    found: list[SecretToSave] = []
    livekit = config.livekit
    if api_secret is not None and api_secret.source in _SAVED_SOURCES:
        found.append(SecretToSave("the LiveKit API secret", livekit_secret_key(livekit.url, livekit.api_key),
                                  api_secret.value))
    reg = config.registration
    if password_source in _SAVED_SOURCES and reg.auth_username and reg.auth_password is not None:
        found.append(SecretToSave(f"the SIP password of {reg.phone_number}",
                                  sip_password_key(reg.phone_number, reg.auth_username),
                                  reg.auth_password.get_secret_value()))
    return found


def carrier_secrets_to_save(credentials: CarrierCredentials | None) -> list[SecretToSave]:
    """The carrier credential to save after success: only one the user typed (the wizard's
    "Set up … for me" fields); environment and keyring ones are managed elsewhere already."""
    if credentials is None or credentials.source != "typed":
        return []
    return [SecretToSave(credentials.label, credentials.keyring_key, credentials.secret)]


def save_secrets(store: SecretStore, secrets: Sequence[SecretToSave]) -> SavedSecrets:
    """Write each secret to the keyring (blocking: run it off the GUI thread and off the loop)."""
    outcome = SavedSecrets()
    try:
        for item in secrets:
            store.set(item.key, item.value)
            outcome.saved.append(item.label)
    except SecretStoreUnavailable as exc:
        outcome.problem = str(exc)
    return outcome
