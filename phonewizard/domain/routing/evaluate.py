"""What a matched dispatch rule makes of the call: livekit/protocol ``sip/sip.go``
``EvaluateDispatchRule``.

The room name: a direct rule's ``room_name``; an individual rule's ``<prefix>_<caller>`` (just
``<caller>`` without a prefix) plus ``_<random>`` unless ``no_randomness``; a callee rule's
``<prefix>_<called>`` plus ``_<random>`` only with ``randomize``. The caller's participant:
identity ``sip_<caller>`` and name ``Phone <caller>``, or with ``hide_phone_number`` identity
``sip_`` + the first 8 bytes of SHA-256(caller) in hex and only the last 4 characters of the
caller in the name *and in the room name*. A rule with a PIN answers REQUEST_PIN until the PIN
is sent. The agents are the rule's ``room_config.agents``, dispatched when the call creates the
room. Media and header settings are left out: they do not decide where the call goes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.rpc import DispatchRequest, RoutingError
from phonewizard.domain.routing.rules import get_pin_and_room

# livekit/protocol utils/guid: guid.New("") is 12 characters of shortuuid's base57 alphabet.
RANDOM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
RANDOM_SIZE = 12
RANDOM_PLACEHOLDER = "<random>"

# livekit/protocol livekit/attrs.go
ATTR_CALL_ID = "sip.callID"
ATTR_TRUNK_ID = "sip.trunkID"
ATTR_RULE_ID = "sip.ruleID"
ATTR_PHONE_NUMBER = "sip.phoneNumber"
ATTR_HOST_NAME = "sip.hostname"
ATTR_TRUNK_NUMBER = "sip.trunkPhoneNumber"


def new_random_suffix() -> str:
    """What ``guid.New("")`` appends to a room name."""
    return "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_SIZE))


class DispatchResult(Enum):
    """``rpc.SIPDispatchResult`` values the open-source server produces."""

    ACCEPT = "ACCEPT"
    REQUEST_PIN = "REQUEST_PIN"
    DROP = "DROP"


@dataclass(frozen=True)
class DispatchResponse:
    """``rpc.EvaluateSIPDispatchRulesResponse``, the fields that say where the call goes."""

    result: DispatchResult
    sip_trunk_id: str = ""
    sip_dispatch_rule_id: str = ""
    room_name: str = ""
    participant_identity: str = ""
    participant_name: str = ""
    participant_metadata: str = ""
    participant_attributes: dict[str, str] = field(default_factory=dict)
    room_config: RoomConfiguration | None = None
    room_preset: str = ""
    request_pin: bool = False

    @property
    def agent_names(self) -> tuple[str, ...]:
        if self.room_config is None:
            return ()
        return tuple(a.agent_name for a in self.room_config.agents)


def hidden_identity(caller: str) -> str:
    """The identity ``hide_phone_number`` gives the caller: ``sip_`` + hex(SHA-256[:8])."""
    return "sip_" + hashlib.sha256(caller.encode()).digest()[:8].hex()


def masked_caller(caller: str) -> str:
    """The caller's last 4 characters (the last 1 when it has 4 or fewer)."""
    if not caller:
        # Go slices from[len-1:] and panics on an empty caller; no call reaches this with an
        # empty From user in practice. Keep it empty rather than crash the doctor.
        return ""
    n = 1 if len(caller) <= 4 else 4
    return caller[-n:]


def evaluate_dispatch_rule(
    trunk: SIPInboundTrunkInfo | None,
    rule: SIPDispatchRuleInfo,
    req: DispatchRequest,
    *,
    random_suffix: Callable[[], str] = new_random_suffix,
) -> DispatchResponse:
    """``EvaluateDispatchRule`` (project ID left empty, as ``EvaluateSIPDispatchRules`` does)."""
    call = req.call
    trunk_id = trunk.sip_trunk_id if trunk is not None else req.sip_trunk_id
    attrs = dict(rule.attributes)
    attrs[ATTR_CALL_ID] = call.call_id
    attrs[ATTR_TRUNK_ID] = trunk_id
    to, caller = call.to_user, call.from_user
    identity, name_part = "sip_" + caller, caller
    if rule.hide_phone_number:
        identity = hidden_identity(caller)
        caller = name_part = masked_caller(caller)
    else:
        attrs[ATTR_PHONE_NUMBER] = call.from_user
        attrs[ATTR_HOST_NAME] = call.from_host
        attrs[ATTR_TRUNK_NUMBER] = call.to_user

    room, rule_pin = get_pin_and_room(rule)
    if rule_pin:
        if not req.pin:
            return DispatchResponse(
                DispatchResult.REQUEST_PIN,
                sip_trunk_id=trunk_id,
                sip_dispatch_rule_id=rule.sip_dispatch_rule_id,
                request_pin=True,
            )
        if rule_pin != req.pin:
            # Go: "should never happen", matching already dropped rules with another PIN.
            raise RoutingError("permission_denied", "Incorrect PIN for SIP room",
                               (rule.sip_dispatch_rule_id,))
    kind = rule.rule.WhichOneof("rule")
    if kind == "dispatch_rule_individual":
        individual = rule.rule.dispatch_rule_individual
        room = f"{individual.room_prefix}_{caller}" if individual.room_prefix else caller
        if not individual.no_randomness:
            room += "_" + random_suffix()
    elif kind == "dispatch_rule_callee":
        callee = rule.rule.dispatch_rule_callee
        room = f"{callee.room_prefix}_{to}" if callee.room_prefix else to
        if callee.randomize:
            room += "_" + random_suffix()
    attrs[ATTR_RULE_ID] = rule.sip_dispatch_rule_id
    return DispatchResponse(
        DispatchResult.ACCEPT,
        sip_trunk_id=trunk_id,
        sip_dispatch_rule_id=rule.sip_dispatch_rule_id,
        room_name=room,
        participant_identity=identity,
        participant_name="Phone " + name_part,
        participant_metadata=rule.metadata,
        participant_attributes=attrs,
        room_config=rule.room_config if rule.HasField("room_config") else None,
        room_preset=rule.room_preset,
    )
