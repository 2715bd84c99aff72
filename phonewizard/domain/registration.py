"""The registration model: every field of the seed's "Register Phone Number" request body.

Field names are the seed's, unchanged, because they are also the `registration` part of our
config file (DESIGN.md, "Contracts"). Single-field validators live beside the fields they check;
rules that involve several fields are in registration_rules.py and report each failure under
the field the user must change (cross_field.py). Every message says how to fix the value.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any, Callable, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from phonewizard.domain import registration_rules
from phonewizard.domain.cross_field import raise_or_collect, secrets_elsewhere
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.domain.sip_addresses import (
    AddressError,
    normalise_outbound_address,
    parse_allowed_address,
    split_uri,
)
from phonewizard.domain.sip_headers import (
    attribute_name_problem,
    header_name_problem,
    header_token_problem,
    header_value_problem,
)
from phonewizard.domain.text_rules import visible_secret, visible_text

Provider = Literal["livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"]
Transport = Literal["AUTO", "UDP", "TCP", "TLS"]
MediaEncryption = Literal["DISABLE", "ALLOW", "REQUIRE"]

_DTMF = re.compile(r"^[0-9*#A-Dw]*$")
_MAX_JSON_DEPTH = 16
_MAX_TEXT = 256


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo in a hand-written file must not be silently ignored.

    No `str_strip_whitespace`: Python's strip() removes CR, LF, U+2028 and other invisible
    whitespace without a word. Every text field is declared with `Visible` (text_rules.py)
    instead, which refuses those characters and trims plain spaces only."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# The first check of every text field (text_rules.py); metadata/provider_config are JSON data and
# are exempt. tests/domain/test_text_rules.py walks the models to prove no text field lacks it.
Visible = BeforeValidator(visible_text)


def _whole_number(value: Any) -> Any:
    # pydantic's lax mode would read `true` as 1; a checkbox value in a number field is a mistake.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    return value


def _case(method: str):
    """Accept enum values in any case ('tcp', 'Twilio'): the allowed set is still enforced."""

    def convert(value: Any) -> Any:
        value = visible_text(value)
        return getattr(value, method)() if isinstance(value, str) else value

    return convert


def _transfer_target(value: str) -> str:
    """`tel:+E164` (a bare +number is accepted and written as tel:) or `sip:`/`sips:` user@host."""
    if value.startswith("+") or value[:1].isdigit():
        return "tel:" + parse_e164(value)
    target = split_uri(value)
    if target.scheme == "tel":
        try:
            return "tel:" + parse_e164(target.user)
        except ValueError as exc:
            raise ValueError(f"the tel: number {exc}") from None
    return f"{target.scheme}:{target.user}@{target.host}"


def _plain_text(value: str | None) -> str | None:
    if value is None:
        return None
    if any(not c.isprintable() for c in value):
        raise ValueError("must be one line of printable text")
    if len(value) > _MAX_TEXT:
        raise ValueError(f"is longer than {_MAX_TEXT} characters")
    return value or None


def _json_shape(value: dict[str, Any]) -> dict[str, Any]:
    """metadata/provider_config travel as JSON; reject what json.dumps cannot or would recurse on."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_JSON_DEPTH:
            raise ValueError(f"is nested more than {_MAX_JSON_DEPTH} levels deep; flatten it")
        if isinstance(item, dict):
            if any(not isinstance(k, str) for k in item):
                raise ValueError("keys must be text")
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise ValueError("numbers must be finite (no NaN or Infinity)")
        elif item is not None and not isinstance(item, (str, int, float, bool)):
            raise ValueError("may only hold text, numbers, true/false, null, lists and objects")
    return value


def _rejecting(problem_of: Callable[[str], str | None]) -> AfterValidator:
    """A validator from one of sip_headers' `*_problem` checks: its message becomes the error."""

    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _no_blank_secret(value: Any) -> Any:
    return None if isinstance(value, str) and not value else value


def _password(value: SecretStr | None) -> SecretStr | None:
    # The message never repeats the password (secrets stay out of every message).
    if value is not None:
        text = value.get_secret_value()
        if len(text) > _MAX_TEXT:
            raise ValueError(f"is longer than {_MAX_TEXT} characters")
        if any(not c.isprintable() for c in text):
            raise ValueError("contains a line break or control character; paste the password again")
    return value


PhoneNumber = Annotated[str, Visible, AfterValidator(parse_e164)]
AllowedAddress = Annotated[str, Visible, AfterValidator(parse_allowed_address)]
TransferTarget = Annotated[str, Visible, AfterValidator(_transfer_target)]
HeaderName = Annotated[str, Visible, _rejecting(partial(header_name_problem, require_x=True))]
HeaderToken = Annotated[str, Visible, _rejecting(header_token_problem)]
HeaderValue = Annotated[str, Visible, _rejecting(header_value_problem)]
AttributeName = Annotated[str, Visible, _rejecting(attribute_name_problem)]
Text = Annotated[str, Visible]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_shape)]
WholeNumber = BeforeValidator(_whole_number)


class DtmfConfig(StrictModel):
    auto_navigate_ivr: bool = False
    dtmf_sequence: Text = ""
    dtmf_timeout: Annotated[int, WholeNumber, Field(gt=0, le=300)] = 30
    ivr_detection: bool = False

    @field_validator("dtmf_sequence")
    @classmethod
    def _dtmf_chars(cls, value: str) -> str:
        if len(value) > _MAX_TEXT:
            raise ValueError(f"is longer than {_MAX_TEXT} characters")
        if not _DTMF.match(value):
            bad = next(c for c in value if not _DTMF.match(c))
            hint = " (use upper-case A-D)" if bad in "abcd" else " (use lower-case w for a pause)" if bad == "W" else ""
            raise ValueError(
                f"'{bad}' is not a DTMF key{hint}; use 0-9, *, #, A-D and w (a 0.5 s pause)"
            )
        return value


class TransferConfig(StrictModel):
    allowed_destinations: list[TransferTarget] = Field(default_factory=list)
    cold_transfer_enabled: bool = False
    requires_confirmation: bool = True
    supervisor_phone: Annotated[str | None, Visible] = None
    warm_transfer_enabled: bool = False

    @field_validator("supervisor_phone")
    @classmethod
    def _supervisor(cls, value: str | None) -> str | None:
        return _transfer_target(value) if value else None


class AgentFeatures(StrictModel):
    call_screening: bool = False
    recording_enabled: bool = False
    sentiment_analysis: bool = False
    transcription_enabled: bool = True


class Registration(StrictModel):
    """The seed request body. Defaults are the seed API's defaults."""

    phone_number: PhoneNumber
    provider: Annotated[Provider, BeforeValidator(_case("lower"))]
    trunk_numbers: list[PhoneNumber] = Field(default_factory=list)  # empty means [phone_number]
    allowed_addresses: list[AllowedAddress] = Field(default_factory=list)
    allowed_numbers: list[PhoneNumber] = Field(default_factory=list)
    auth_username: Annotated[str | None, Visible, AfterValidator(_plain_text)] = None
    auth_password: Annotated[
        SecretStr | None, BeforeValidator(_no_blank_secret), AfterValidator(visible_secret),
        AfterValidator(_password),
    ] = None
    enable_outbound: bool = Field(
        default=False, validation_alias=AliasChoices("enable_outbound", "outbound_enabled")
    )
    outbound_address: Annotated[str | None, Visible] = None
    outbound_numbers: list[PhoneNumber] = Field(default_factory=list)  # empty means [phone_number]
    outbound_transport: Annotated[Transport, BeforeValidator(_case("upper"))] = "AUTO"
    destination_country: Annotated[str | None, Visible] = None
    media_encryption: Annotated[MediaEncryption, BeforeValidator(_case("upper"))] = "ALLOW"
    krisp_enabled: bool = True
    ringing_timeout_seconds: Annotated[int, WholeNumber, Field(ge=1, le=300)] = 30
    max_call_duration_seconds: Annotated[int, WholeNumber, Field(ge=60, le=86400)] = 3600
    hide_phone_number: bool = False
    custom_headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    headers_to_attributes: dict[HeaderToken, AttributeName] = Field(default_factory=dict)
    dtmf_config: DtmfConfig = Field(default_factory=DtmfConfig)
    transfer_config: TransferConfig = Field(default_factory=TransferConfig)
    agent_features: AgentFeatures = Field(default_factory=AgentFeatures)
    metadata: JsonObject = Field(default_factory=dict)
    provider_config: JsonObject = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _transport_from_pasted_uri(cls, data: Any) -> Any:
        """`sip:host;transport=tcp` pasted as the address also sets the transport (when AUTO);
        `enable_outbound` given under both its names with the same value is read once."""
        if not isinstance(data, dict):
            return data
        if "enable_outbound" in data and "outbound_enabled" in data:
            # The seed allows either name; the same value twice is harmless, so keep one.
            if data["enable_outbound"] == data["outbound_enabled"]:
                data = {k: v for k, v in data.items() if k != "outbound_enabled"}
        if not isinstance(data.get("outbound_address"), str):
            return data
        try:
            parsed = normalise_outbound_address(data["outbound_address"])
        except AddressError:
            return data  # the field validator reports it
        current = data.get("outbound_transport")
        if parsed.transport and (current is None or (isinstance(current, str) and current.strip().upper() == "AUTO")):
            data = dict(data)
            data["outbound_transport"] = parsed.transport
        return data

    @field_validator("outbound_address")
    @classmethod
    def _outbound_address(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalise_outbound_address(value).address
        except AddressError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("destination_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if not value:
            return None
        code = value.upper()
        if len(code) != 2 or code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"'{value[:20]}' is not a two-letter ISO 3166-1 country code; e.g. US, GB or IN"
            )
        return code

    @model_validator(mode="after")
    def _cross_field_rules(self, info: ValidationInfo) -> "Registration":
        registration_rules.apply_defaults(self)
        raise_or_collect(
            info, "registration", registration_rules.findings(self, secrets_elsewhere(info))
        )
        return self
