"""The plan: the exact LiveKit requests a registration will send, computed without any I/O.

`plan(config)` implements DESIGN.md "Mapping seed fields to LiveKit". The review page shows
`describe()`, `--dry-run` prints `to_json()` (passwords masked), and the registrar sends the
messages. The config is expected to be valid and normalised (`check_config`): numbers are +E.164,
the outbound address is a bare host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.duration_pb2 import Duration
from google.protobuf.json_format import MessageToDict
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPMediaConfig,
    SIPMediaEncryption,
    SIPOutboundTrunkInfo,
    SIPTransport,
)

from phonewizard.domain.carrier_plan import CarrierPlan, carrier_plan
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.naming import marker_metadata, object_name, room_pattern, room_prefix
from phonewizard.domain.registration import Registration

MASK = "••••••"
TRUNK_ID_PLACEHOLDER = "<inbound trunk ID, assigned when it is created>"

_ENCRYPTION = {
    "DISABLE": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE,
    "ALLOW": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW,
    "REQUIRE": SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
}
_TRANSPORT = {
    "AUTO": SIPTransport.SIP_TRANSPORT_AUTO,
    "UDP": SIPTransport.SIP_TRANSPORT_UDP,
    "TCP": SIPTransport.SIP_TRANSPORT_TCP,
    "TLS": SIPTransport.SIP_TRANSPORT_TLS,
}


@dataclass(frozen=True)
class RegistrationPlan:
    """What will be sent. Messages are shared protobuf objects: callers copy before changing them
    (the registrar fills `dispatch_rule.trunk_ids` on its own copy). The repr never shows the
    messages because they hold the SIP password."""

    phone_number: str
    agent_name: str
    provider: str
    inbound: CreateSIPInboundTrunkRequest | None = field(repr=False)
    outbound: CreateSIPOutboundTrunkRequest | None = field(repr=False)
    dispatch: CreateSIPDispatchRuleRequest = field(repr=False)
    attach_number: str | None
    room_prefix: str
    # The validated input, for the carrier steps of the result (its password is a SecretStr).
    registration: Registration = field(repr=False, compare=False)
    sip_uri: str | None = None
    # What phonewizard sets up at Twilio or Telnyx after LiveKit (provider_config.carrier_setup).
    carrier: CarrierPlan | None = field(default=None, repr=False, compare=False)

    @property
    def room_pattern(self) -> str:
        return room_pattern(self.room_prefix)

    @property
    def outbound_address(self) -> str | None:
        return self.outbound.trunk.address if self.outbound is not None else None

    def describe(self) -> list[str]:
        """Plain-words lines for the review page, one per thing that will happen."""
        return _describe(self)

    def to_json(self) -> dict[str, Any]:
        """The requests as protojson-style dicts with every password masked (dry run, review)."""
        out: dict[str, Any] = {
            "phone_number": self.phone_number,
            "agent_name": self.agent_name,
            "provider": self.provider,
            "room_pattern": self.room_pattern,
            "inbound_trunk": _masked(self.inbound),
            "outbound_trunk": _masked(self.outbound),
            "dispatch_rule": _masked(self.dispatch),
            "attach_number": self.attach_number,
        }
        if self.carrier is not None:
            out["carrier_setup"] = self.carrier.to_json()
        if self.inbound is not None:
            out["dispatch_rule"]["dispatch_rule"]["trunk_ids"] = [TRUNK_ID_PLACEHOLDER]
        return out


def _masked(request: Any) -> dict[str, Any] | None:
    if request is None:
        return None
    data = MessageToDict(request, preserving_proto_field_name=True)
    for part in data.values():
        if isinstance(part, dict) and part.get("auth_password"):
            part["auth_password"] = MASK
    return data


def _media(encryption: str) -> SIPMediaConfig:
    return SIPMediaConfig(encryption=_ENCRYPTION[encryption])


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


def plan(config: PhoneWizardConfig) -> RegistrationPlan:
    reg = config.registration
    phone, agent = reg.phone_number, config.agent_name
    prefix = room_prefix(agent)
    external = reg.provider != "livekit"

    inbound = _inbound(config) if external else None
    # Outbound is not offered for LiveKit numbers (inbound only, reference §5); the validator
    # rejects that combination, and the plan ignores it rather than build an unusable trunk.
    outbound = _outbound(config) if external and reg.enable_outbound else None

    agent_metadata = json.dumps(
        {
            "phone_number": phone,
            "dtmf_config": reg.dtmf_config.model_dump(mode="json"),
            "transfer_config": reg.transfer_config.model_dump(mode="json"),
            "agent_features": reg.agent_features.model_dump(mode="json"),
            "metadata": reg.metadata,
        },
        sort_keys=True,
    )
    rule = SIPDispatchRuleInfo(
        name=object_name("dispatch", phone, agent),
        metadata=marker_metadata(phone, agent, "dispatch", reg.provider),
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix=prefix)),
        hide_phone_number=reg.hide_phone_number,
        room_config=RoomConfiguration(
            agents=[RoomAgentDispatch(agent_name=agent, metadata=agent_metadata)]
        ),
    )
    if not external:
        # What the rule of a LiveKit number filters on (issue 13, point 2). The number reaches the
        # rule by its attachment (PhoneNumber.sip_dispatch_rule_ids, PhoneNumberService), and the
        # rule's `numbers` is compared with the called number as an exact string (livekit/protocol
        # sip/sip.go MatchDispatchRuleIter, slices.Contains): a call that arrives as 14155550101
        # instead of +14155550101 matches nothing and rings unanswered (agents#5847 reports such a
        # filter never matching on Cloud). The three choices:
        # - Add the bare-digits form next to +E.164: impossible. DispatchRuleValidator keys every
        #   number by NormalizeNumber, so the two forms in one rule collide with each other and
        #   LiveKit refuses the rule ("Dispatch rule for the same trunk, inbound number, number,
        #   and PIN combination already exists"; the sandbox reproduces it).
        # - Drop the filter and rely on the attachment: the rule then has no trunk_ids and no
        #   numbers, i.e. it is the project's catch-all. It would take calls for every other
        #   number and trunk without a more specific rule, and a second LiveKit number registered
        #   the same way would be refused as a conflicting catch-all. Both are certain failures.
        # - Keep numbers=[+E.164] (chosen): LiveKit sells and lists its numbers in +E.164, the form
        #   we store, so the exact match is expected to hold; the remaining doubt is named in the
        #   result's "confirm with a test call" list and the doctor flags the filter.
        rule.numbers.append(phone)
        # No trunk carries Krisp for a LiveKit number, so the rule does (field 11).
        rule.krisp_enabled = reg.krisp_enabled

    return RegistrationPlan(
        phone_number=phone,
        agent_name=agent,
        provider=reg.provider,
        inbound=inbound,
        outbound=outbound,
        dispatch=CreateSIPDispatchRuleRequest(dispatch_rule=rule),
        attach_number=None if external else phone,
        room_prefix=prefix,
        sip_uri=config.livekit.sip_uri,
        registration=reg,
        carrier=carrier_plan(config),
    )


def _inbound(config: PhoneWizardConfig) -> CreateSIPInboundTrunkRequest:
    reg = config.registration
    trunk = SIPInboundTrunkInfo(
        name=object_name("inbound", reg.phone_number, config.agent_name),
        metadata=marker_metadata(reg.phone_number, config.agent_name, "inbound", reg.provider),
        numbers=list(reg.trunk_numbers),  # never empty: registration_rules.apply_defaults
        allowed_addresses=list(reg.allowed_addresses),
        allowed_numbers=list(reg.allowed_numbers),
        headers=dict(reg.custom_headers),
        headers_to_attributes=dict(reg.headers_to_attributes),
        krisp_enabled=reg.krisp_enabled,
        ringing_timeout=Duration(seconds=reg.ringing_timeout_seconds),
        max_call_duration=Duration(seconds=reg.max_call_duration_seconds),
        media=_media(reg.media_encryption),
    )
    # Digest auth on inbound only on request: Twilio Elastic SIP cannot answer LiveKit's challenge,
    # so credentials here would make every inbound call fail (DESIGN.md).
    if reg.provider_config.get("inbound_digest_auth") and reg.auth_username:
        trunk.auth_username = reg.auth_username
        trunk.auth_password = _secret(reg.auth_password)
    # media_encryption (field 16, deprecated) is deliberately not set. Current servers read
    # media.encryption and only *upgrade* the old field into it (reference §1.1), so the old one is
    # not needed; sending both would be two sources of truth for one setting. media.encryption is
    # presence-tracked, so even an explicit DISABLE reaches the server, which the old proto3 enum
    # cannot express (0 is never serialised). Servers too old to know `media` predate the
    # protocol version livekit-api 1.2.2 speaks and are out of scope.
    return CreateSIPInboundTrunkRequest(trunk=trunk)


def _outbound(config: PhoneWizardConfig) -> CreateSIPOutboundTrunkRequest:
    reg = config.registration
    headers = dict(reg.custom_headers)
    if reg.provider == "telnyx" and reg.auth_username:
        # Telnyx matches the account by this header on the first INVITE (providers.md §2.3);
        # a value the user typed in custom_headers wins.
        headers.setdefault("X-Telnyx-Username", reg.auth_username)
    trunk = SIPOutboundTrunkInfo(
        name=object_name("outbound", reg.phone_number, config.agent_name),
        metadata=marker_metadata(reg.phone_number, config.agent_name, "outbound", reg.provider),
        address=reg.outbound_address or "",
        transport=_TRANSPORT[reg.outbound_transport],
        numbers=list(reg.outbound_numbers),  # never empty, as above
        headers=headers,
        headers_to_attributes=dict(reg.headers_to_attributes),
        media=_media(reg.media_encryption),
    )
    if reg.destination_country:
        trunk.destination_country = reg.destination_country.lower()
    if reg.auth_username:
        trunk.auth_username = reg.auth_username
    if reg.auth_password is not None:
        trunk.auth_password = _secret(reg.auth_password)
    return CreateSIPOutboundTrunkRequest(trunk=trunk)


def _describe(p: RegistrationPlan) -> list[str]:
    lines: list[str] = []
    if p.inbound is not None:
        t = p.inbound.trunk
        line = f"Create inbound trunk “{t.name}” accepting calls to {', '.join(t.numbers)}"
        line += f" from {', '.join(t.allowed_numbers)}" if t.allowed_numbers else " from any caller"
        if t.allowed_addresses:
            line += f", only when sent from {', '.join(t.allowed_addresses)}"
        lines.append(line + ".")
        if t.auth_username:
            lines.append(f"Inbound calls must authenticate as “{t.auth_username}” (password {MASK}).")
        lines.append(
            f"Inbound calls ring for up to {t.ringing_timeout.seconds} s and end after "
            f"{t.max_call_duration.seconds} s; Krisp noise cancellation "
            f"{'on' if t.krisp_enabled else 'off'}; media encryption "
            f"{_enc_word(t.media.encryption)}."
        )
    if p.outbound is not None:
        t = p.outbound.trunk
        transport = SIPTransport.Name(t.transport).removeprefix("SIP_TRANSPORT_")
        line = (f"Create outbound trunk “{t.name}” calling out through {t.address} over {transport} "
                f"with caller ID {', '.join(t.numbers)}")
        if t.auth_username:
            line += f", signing in as “{t.auth_username}”"
        if t.destination_country:
            line += f", destination country {t.destination_country.upper()}"
        lines.append(line + ".")
    rule = p.dispatch.dispatch_rule
    target = "the inbound trunk above" if p.inbound is not None else f"calls to {p.phone_number}"
    agents = ", ".join(a.agent_name for a in rule.room_config.agents)
    lines.append(
        f"Create dispatch rule “{rule.name}” for {target}: each call gets its own room "
        f"{p.room_pattern} and agent “{agents}” is dispatched into it"
        + (", with the caller's number hidden." if rule.hide_phone_number else ".")
    )
    if p.attach_number:
        lines.append(f"Attach LiveKit number {p.attach_number} to that dispatch rule.")
    lines.append("If phonewizard already registered this number, its objects are updated in place.")
    if p.carrier is not None:
        lines += p.carrier.describe()
    return lines


def _enc_word(value: int) -> str:
    return SIPMediaEncryption.Name(value).removeprefix("SIP_MEDIA_ENCRYPT_").lower()
