"""The registration model: every field of the seed's "Register Phone Number" request body.

Field names are the seed's, unchanged, because they are also the `registration` part of our
config file (DESIGN.md, "Contracts"). Validators live beside the fields they check and every
failure names the field and says how to fix it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

Provider = Literal["livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"]
Transport = Literal["AUTO", "UDP", "TCP", "TLS"]
MediaEncryption = Literal["DISABLE", "ALLOW", "REQUIRE"]


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo in a hand-written file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class DtmfConfig(StrictModel):
    auto_navigate_ivr: bool = False
    dtmf_sequence: str = ""
    dtmf_timeout: int = 30
    ivr_detection: bool = False


class TransferConfig(StrictModel):
    allowed_destinations: list[str] = Field(default_factory=list)
    cold_transfer_enabled: bool = False
    requires_confirmation: bool = True
    supervisor_phone: str | None = None
    warm_transfer_enabled: bool = False


class AgentFeatures(StrictModel):
    call_screening: bool = False
    recording_enabled: bool = False
    sentiment_analysis: bool = False
    transcription_enabled: bool = True


class Registration(StrictModel):
    """The seed request body. Defaults are the seed API's defaults."""

    phone_number: str
    provider: Provider
    trunk_numbers: list[str] = Field(default_factory=list)  # empty means [phone_number]
    allowed_addresses: list[str] = Field(default_factory=list)
    allowed_numbers: list[str] = Field(default_factory=list)
    auth_username: str | None = None
    auth_password: SecretStr | None = None
    enable_outbound: bool = Field(
        default=False, validation_alias=AliasChoices("enable_outbound", "outbound_enabled")
    )
    outbound_address: str | None = None
    outbound_numbers: list[str] = Field(default_factory=list)  # empty means [phone_number]
    outbound_transport: Transport = "AUTO"
    destination_country: str | None = None
    media_encryption: MediaEncryption = "ALLOW"
    krisp_enabled: bool = True
    ringing_timeout_seconds: int = 30
    max_call_duration_seconds: int = 3600
    hide_phone_number: bool = False
    custom_headers: dict[str, str] = Field(default_factory=dict)
    headers_to_attributes: dict[str, str] = Field(default_factory=dict)
    dtmf_config: DtmfConfig = Field(default_factory=DtmfConfig)
    transfer_config: TransferConfig = Field(default_factory=TransferConfig)
    agent_features: AgentFeatures = Field(default_factory=AgentFeatures)
    metadata: dict[str, Any] = Field(default_factory=dict)
    provider_config: dict[str, Any] = Field(default_factory=dict)
