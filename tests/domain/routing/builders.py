"""Short constructors for the protobuf objects the routing tests use."""

from __future__ import annotations

from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    SIPDispatchRule,
    SIPDispatchRuleCallee,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)

from phonewizard.domain.naming import marker_metadata


def trunk(tid: str, numbers=(), allowed_numbers=(), allowed_addresses=(), *, user="", password="",
          name="", provider: str | None = None, phone: str | None = None) -> SIPInboundTrunkInfo:
    t = SIPInboundTrunkInfo(sip_trunk_id=tid, name=name, numbers=list(numbers),
                            allowed_numbers=list(allowed_numbers),
                            allowed_addresses=list(allowed_addresses),
                            auth_username=user, auth_password=password)
    if provider:
        t.metadata = marker_metadata(phone or (list(numbers) or ["+10000000000"])[0], "agent", "inbound", provider)
    return t


def direct(room: str, pin: str = "") -> SIPDispatchRule:
    return SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name=room, pin=pin))


def individual(prefix: str, pin: str = "", randomize: bool = False) -> SIPDispatchRule:
    """newIndividualDispatch of sip_test.go: `randomize` is the opposite of no_randomness."""
    return SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(
        room_prefix=prefix, pin=pin, no_randomness=not randomize))


def callee(prefix: str, pin: str = "", randomize: bool = False) -> SIPDispatchRule:
    return SIPDispatchRule(dispatch_rule_callee=SIPDispatchRuleCallee(room_prefix=prefix, pin=pin, randomize=randomize))


def rule(rid: str, kind: SIPDispatchRule | None = None, *, trunks=(), inbound=(), numbers=(),
         agents=("agent",), hide=False, name="", provider: str | None = None,
         phone: str = "+10000000000") -> SIPDispatchRuleInfo:
    r = SIPDispatchRuleInfo(sip_dispatch_rule_id=rid, name=name, trunk_ids=list(trunks),
                            inbound_numbers=list(inbound), numbers=list(numbers), hide_phone_number=hide)
    if kind is not None:
        r.rule.CopyFrom(kind)
    if agents:
        r.room_config.CopyFrom(RoomConfiguration(agents=[RoomAgentDispatch(agent_name=a) for a in agents]))
    if provider:
        r.metadata = marker_metadata(phone, "agent", "dispatch", provider)
    return r
