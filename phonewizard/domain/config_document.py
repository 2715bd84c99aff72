"""The whole phonewizard configuration: agent name, LiveKit profile and the registration.

This is the one model that the GUI, config files and the CLI validate against
(DESIGN.md: `{"format": "phonewizard/1", "agent_name", "livekit": {...}, "registration": {...}}`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, SecretStr, ValidationInfo, field_validator, model_validator

from phonewizard.domain.cross_field import raise_or_collect, secrets_elsewhere
from phonewizard.domain.registration import Registration, StrictModel, Text, Visible
from phonewizard.domain.sip_addresses import AddressError, check_host, split_host_port
from phonewizard.domain.text_rules import visible_secret
from phonewizard.domain.url_safety import insecure_url_findings

CONFIG_FORMAT = "phonewizard/1"

_AGENT_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
_URL_SCHEMES = ("ws", "wss", "http", "https")


def _blank_is_none(value: Any) -> Any:
    # Only plain spaces count as blank: "\u2028" is a refused character, not an empty field.
    return None if isinstance(value, str) and not value.strip(" ") else value


def _blank_secret(value: Any) -> Any:
    return _blank_is_none(visible_secret(value))


def normalise_sip_uri(value: str) -> str:
    """`abc.sip.livekit.cloud`, `sip:abc…;transport=tcp` or `sips:…` → `sip:abc.sip.livekit.cloud`."""
    text = value.strip()
    lowered = text.lower()
    for scheme in ("sips:", "sip:"):
        if lowered.startswith(scheme):
            text = text[len(scheme):]
            break
    text = text.split(";", 1)[0].strip()
    if "@" in text or "://" in text or any(c.isspace() for c in text):
        raise ValueError(
            "enter your project's SIP URI as shown in LiveKit Cloud → Settings, e.g. "
            "sip:abc123xyz.sip.livekit.cloud (host only, no user@ part)"
        )
    try:
        host, port = split_host_port(text)
        host = check_host(host)
    except AddressError as exc:
        raise ValueError(f"the host {exc}") from None
    return f"sip:{host}:{port}" if port else f"sip:{host}"


class LiveKitProfile(StrictModel):
    url: Text
    api_key: Text
    api_secret: Annotated[SecretStr | None, BeforeValidator(_blank_secret)] = None  # in the keyring
    sip_uri: Annotated[str | None, BeforeValidator(_blank_is_none), Visible] = None
    # Plain http/ws to a non-local host sends the signed token in clear; only on explicit request.
    allow_insecure_transport: bool = Field(default=False, validate_default=True)
    # Exported by the wizard in sandbox mode: the URL and key are the local sandbox's, whose secret
    # is new on every start, so `register` can say "start `phonewizard sandbox`" instead of asking
    # for a secret no keyring holds (DESIGN.md, sandbox).
    sandbox: bool = False

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        example = "e.g. wss://my-project.livekit.cloud"
        if not value:
            raise ValueError(f"required: enter your LiveKit server URL, {example}")
        if len(value) > 2048 or any(c.isspace() for c in value):
            raise ValueError(f"is not a URL; {example}")
        try:
            parts = urlsplit(value)
            host = parts.hostname
            parts.port  # raises ValueError on a bad port
        except ValueError:
            raise ValueError(f"is not a valid URL; {example}") from None
        if parts.scheme.lower() not in _URL_SCHEMES:
            raise ValueError(f"must start with wss://, ws://, https:// or http://; {example}")
        if not host:
            raise ValueError(f"is missing the host name; {example}")
        if "@" in parts.netloc:
            # LiveKit authenticates with the API key and secret; credentials in the URL would only
            # end up in messages and files. Not echoed back: the part before @ may be a password.
            raise ValueError(f"must not contain a user name or password (remove the part before @); {example}")
        return value.rstrip("/")

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, value: str) -> str:
        if not value:
            raise ValueError("required: enter the API key from LiveKit Cloud → Settings → API keys")
        if any(c.isspace() or not c.isprintable() for c in value) or len(value) > 256:
            raise ValueError("an API key has no spaces; copy it again from LiveKit Cloud → Settings → API keys")
        return value

    @field_validator("sip_uri")
    @classmethod
    def _sip_uri(cls, value: str | None) -> str | None:
        return normalise_sip_uri(value) if value else None

    @field_validator("allow_insecure_transport", mode="after")
    @classmethod
    def _secure_transport(cls, allow: bool, info: ValidationInfo) -> bool:
        # A field validator (run even when api_key is still wrong) rather than a model validator,
        # so the user typing an http:// URL hears about it at once; reported on livekit.url.
        url = info.data.get("url")
        if isinstance(url, str) and not allow:
            raise_or_collect(info, "livekit", insecure_url_findings(url))
        return allow


SIP_URI_FOR_CARRIER = ("required to set up the carrier: the carrier sends calls to it (LiveKit Cloud → "
                       "Settings → Project → SIP URI)")
CARRIER_SECRET_IN_FILE = (
    "carrier credentials never go in a configuration file: export TWILIO_AUTH_TOKEN (or TWILIO_API_SECRET) "
    "or TELNYX_API_KEY, or type it in the wizard (it is then kept in the system keyring), and remove this key"
)


class PhoneWizardConfig(StrictModel):
    format: Literal["phonewizard/1"] = CONFIG_FORMAT
    agent_name: Text
    livekit: LiveKitProfile
    registration: Registration
    # The carrier credential typed into the wizard's "Set up Twilio / Telnyx for me": the Twilio Auth
    # Token (or the secret of `carrier_setup.api_key`) or the Telnyx API key. Wizard-only: a stored
    # document holding it is refused, config_to_document never writes it, and it reaches the keyring
    # only after a successful Register (app/secrets.py). Its meaning follows the registration's
    # provider, so it is one field, not one per carrier.
    carrier_secret: Annotated[SecretStr | None, BeforeValidator(_blank_secret)] = None

    @field_validator("carrier_secret")
    @classmethod
    def _carrier_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            return None
        if secrets_elsewhere(info):
            raise ValueError(CARRIER_SECRET_IN_FILE)
        text = value.get_secret_value()
        if any(c.isspace() for c in text):
            # Never quoted back: the message says what is wrong, not what was typed.
            raise ValueError("has a space or line break inside: paste the key again, without spaces")
        if len(text) > 512:
            raise ValueError(f"is {len(text)} characters long, more than any carrier key: paste only the key")
        return value

    @model_validator(mode="after")
    def _carrier_needs_sip_uri(self, info: ValidationInfo) -> "PhoneWizardConfig":
        # The carrier is pointed at the project's SIP URI: without it there is nothing to set up.
        from phonewizard.domain.carrier_options import API_CARRIERS, is_requested

        reg = self.registration  # its own findings are collected, not raised: only ask what is safe
        if reg.provider in API_CARRIERS and is_requested(reg) and not self.livekit.sip_uri:
            raise_or_collect(info, "livekit", [(("sip_uri",), SIP_URI_FOR_CARRIER)])
        return self

    @field_validator("agent_name")
    @classmethod
    def _agent_name(cls, value: str) -> str:
        if not value:
            raise ValueError("required: enter the agent name your agent registers with (agent_name in WorkerOptions)")
        if not _AGENT_NAME.match(value):
            if len(value) > 128:
                raise ValueError("is longer than 128 characters")
            bad = next(c for c in value if not re.match(r"[A-Za-z0-9_.\-]", c))
            raise ValueError(
                f"'{bad}' is not allowed: use letters, digits, '_', '.' and '-' (the name becomes "
                "part of room names and must equal the name your agent registers with)"
            )
        return value


def config_to_document(config: PhoneWizardConfig) -> dict[str, Any]:
    """The config as the JSON object of a file (DESIGN.md "Contracts"): no secrets, no `null`
    noise, keys in the contract's order. Files and the document rebuilt from LiveKit both use it."""
    document = config.model_dump(
        mode="json",
        exclude={"livekit": {"api_secret"}, "registration": {"auth_password"}, "carrier_secret": True},
        exclude_none=True,
    )
    for flag in ("allow_insecure_transport", "sandbox"):
        if not document["livekit"].get(flag):
            # Only written when true (asked for, or a sandbox export), to keep files minimal.
            document["livekit"].pop(flag, None)
    # Key order of the contract, whatever pydantic's field order is.
    return {
        "format": CONFIG_FORMAT,
        "agent_name": document["agent_name"],
        "livekit": document["livekit"],
        "registration": document["registration"],
    }
