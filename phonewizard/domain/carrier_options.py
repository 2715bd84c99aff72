"""What the configuration asks phonewizard to set up at the carrier: `provider_config.carrier_setup`.

The section is plain settings, never a secret (the carrier credentials live in the keyring or in
environment variables, docs/carrier-setup.md). Shape, every key optional:

    "carrier_setup": true                                   # or an object:
    "carrier_setup": {"enabled": true, "account_sid": "AC…", "api_key": "SK…",       (Twilio)
                      "trunk_sid": "TK…", "move_number": false,
                      "connection_id": "…", "outbound_voice_profile_id": "…"}        (Telnyx)

`carrier_findings(reg)` returns the problems under the field to change (registration_rules calls it);
`setup_options(reg)` the parsed options of a valid registration, None when set-up is not asked for.
Only Twilio and Telnyx are configured through their APIs; the other carriers keep the guided steps.
Twilio's credential rule (12+ characters, upper and lower case, a digit) is checked here so the user
hears it before anything is sent (reference/providers.md §2.2, provider_facts `twilio.credentials`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from phonewizard.domain.cross_field import Finding

if TYPE_CHECKING:
    from phonewizard.domain.registration import Registration

SETUP_KEY = "carrier_setup"
API_CARRIERS = ("twilio", "telnyx")
_KEYS = {
    "twilio": {"enabled", "account_sid", "api_key", "trunk_sid", "move_number"},
    "telnyx": {"enabled", "connection_id", "outbound_voice_profile_id", "move_number"},
}
_SECRET_KEY = re.compile(r"token|secret|pass|api_?key_?value|auth", re.IGNORECASE)
_SID = {"account_sid": re.compile(r"^AC[0-9a-fA-F]{32}$"), "api_key": re.compile(r"^SK[0-9a-fA-F]{32}$"),
        "trunk_sid": re.compile(r"^TK[0-9a-fA-F]{32}$")}
_TELNYX_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
TWILIO_USERNAME_MAX = 32


@dataclass(frozen=True)
class SetupOptions:
    """The parsed `carrier_setup` section of a valid registration."""

    carrier: str  # "twilio" | "telnyx"
    account_sid: str | None = None
    api_key: str | None = None
    trunk_sid: str | None = None
    move_number: bool = False
    connection_id: str | None = None
    outbound_voice_profile_id: str | None = None


def _section(reg: "Registration") -> Any:
    return reg.provider_config.get(SETUP_KEY)


def is_requested(reg: "Registration") -> bool:
    section = _section(reg)
    if section is True:
        return True
    return isinstance(section, dict) and section.get("enabled", True) is not False


def twilio_password_problem(password: str) -> str | None:
    """Twilio's rule for SIP credential passwords, as a message that never repeats the password."""
    missing = []
    if len(password) < 12:
        missing.append(f"at least 12 characters (it has {len(password)})")
    if not any(c.isupper() for c in password):
        missing.append("an upper-case letter")
    if not any(c.islower() for c in password):
        missing.append("a lower-case letter")
    if not any(c.isdigit() for c in password):
        missing.append("a digit")
    if not missing:
        return None
    return ("Twilio refuses SIP credential passwords without " + ", ".join(missing)
            + ": choose a stronger password (the same one goes on LiveKit's outbound trunk)")


def carrier_findings(reg: "Registration") -> Iterator[Finding]:
    section = _section(reg)
    if section is None or section is False:
        return
    loc = ("provider_config", SETUP_KEY)
    if not isinstance(section, (bool, dict)):
        yield loc, "must be true, false or an object such as {\"enabled\": true}"
        return
    if reg.provider not in API_CARRIERS:
        yield loc, (f"phonewizard sets up Twilio and Telnyx through their APIs; for {reg.provider} "
                    "follow the steps shown after registering, and remove this setting")
        return
    if isinstance(section, dict):
        yield from _section_findings(reg.provider, section)
    if not is_requested(reg):
        return
    if reg.provider == "twilio" and reg.enable_outbound and reg.auth_username:
        if len(reg.auth_username) > TWILIO_USERNAME_MAX:
            yield ("auth_username",), f"Twilio credential usernames have at most {TWILIO_USERNAME_MAX} characters"
        if reg.auth_password is not None:
            problem = twilio_password_problem(reg.auth_password.get_secret_value())
            if problem:
                yield ("auth_password",), problem


def _section_findings(provider: str, section: dict[str, Any]) -> Iterator[Finding]:
    loc = ("provider_config", SETUP_KEY)
    for key, value in section.items():
        if _SECRET_KEY.search(key) and key != "api_key":
            yield (*loc, key), ("secrets never go in the configuration file: export the carrier's "
                                "variable (TWILIO_AUTH_TOKEN, TWILIO_API_SECRET or TELNYX_API_KEY) or save "
                                "it in the system keyring (docs/carrier-setup.md), and remove this key")
            continue
        if key not in _KEYS[provider]:
            yield (*loc, key), f"unknown setting for {provider}; known: {', '.join(sorted(_KEYS[provider]))}"
            continue
        if key in ("enabled", "move_number"):
            if not isinstance(value, bool):
                yield (*loc, key), "must be true or false"
        elif not isinstance(value, str) or not value.strip():
            yield (*loc, key), "must be text"
        elif key in _SID and not _SID[key].match(value.strip()):
            prefix = _SID[key].pattern[1:3]
            yield (*loc, key), (f"a Twilio {key.replace('_', ' ')} is {prefix} followed by 32 hexadecimal "
                                "characters; copy it from the Twilio Console")
        elif key not in _SID and not _TELNYX_ID.match(value.strip()):
            yield (*loc, key), "a Telnyx ID has letters, digits and dashes only; copy it from the Telnyx Portal"


def setup_options(reg: "Registration") -> SetupOptions | None:
    """The options of a valid registration that asks for carrier set-up, else None."""
    if reg.provider not in API_CARRIERS or not is_requested(reg):
        return None
    section = _section(reg)
    values = {k: (v.strip() if isinstance(v, str) else v)
              for k, v in (section.items() if isinstance(section, dict) else ()) if k != "enabled"}
    return SetupOptions(carrier=reg.provider, **values)
