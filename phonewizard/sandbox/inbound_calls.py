"""Where a call into this sandbox's own project goes: the inbound side of a simulated call.

`route_inbound` is the one seam the call simulator uses. It is an INTERIM, deliberately small
stand-in for LiveKit's inbound routing, to be replaced by the call-routing doctor's port
(`phonewizard.domain.routing.simulate_call`, branch `doctor`) once that is on main: same inputs,
and `InboundRoute` carries what the doctor's `RoutedCall` carries. What it does today:
- trunk: the trunk whose `numbers` contain the called number (after LiveKit's normalisation) and
  whose `allowed_numbers`, if any, contain the caller; else a trunk without numbers; several →
  the call is refused like LiveKit does ("Multiple SIP Trunks matched"). No `allowed_addresses`
  (the sandbox's calls have no source IP), no digest challenge.
- rule: rules whose `trunk_ids` list that trunk beat rules without `trunk_ids`; a rule's
  `numbers` / `inbound_numbers` filter by exact string; PIN-protected rules are skipped (a
  simulated caller types no PIN). No DispatchRulePriority ordering beyond specific-before-default.
- room and participant: EvaluateDispatchRule's naming (individual, callee, direct rules;
  `hide_phone_number`), the rule's `room_config.agents`.
- no trunk on LiveKit Cloud → SIP 404 "No trunk found"; no rule → dropped (no SIP answer).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Sequence

from livekit.protocol import sip as sip_pb

from .ids import ID_ALPHABET, normalize_number

CLOUD_SUFFIX = ".livekit.cloud"


@dataclass(frozen=True)
class InboundRoute:
    accepted: bool
    sip_code: int | None = None  # the answer when refused; None: dropped without an answer
    reason: str = ""
    trunk_id: str = ""
    rule_id: str = ""
    room_name: str = ""
    participant_identity: str = ""
    participant_name: str = ""
    participant_attributes: dict[str, str] = field(default_factory=dict)
    agents: tuple[tuple[str, str], ...] = ()  # (agent_name, metadata) from room_config.agents


def route_inbound(trunks: Sequence[sip_pb.SIPInboundTrunkInfo], rules: Sequence[sip_pb.SIPDispatchRuleInfo], *,
                  caller: str, called: str, project_url: str, call_id: str) -> InboundRoute:
    """Route a call from `caller` to `called` (both as the carrier sends them). See module doc."""
    specific = [t for t in trunks if t.numbers and _has(t.numbers, called) and _caller_ok(t, caller)]
    default = [t for t in trunks if not t.numbers and _caller_ok(t, caller)]
    candidates = specific or default
    if len(candidates) > 1:
        return InboundRoute(False, 500, "Multiple SIP Trunks matched")
    trunk = candidates[0] if candidates else None
    if trunk is None and project_url.split("//")[-1].split("/")[0].split(":")[0].endswith(CLOUD_SUFFIX):
        return InboundRoute(False, 404, "No trunk found")
    trunk_id = trunk.sip_trunk_id if trunk is not None else ""
    open_rules = [r for r in rules if not _rule_pin(r)
                  and (not r.inbound_numbers or caller in r.inbound_numbers)
                  and (not r.numbers or called in r.numbers)]
    chosen = ([r for r in open_rules if trunk_id and trunk_id in r.trunk_ids]
              or [r for r in open_rules if not r.trunk_ids])
    if not chosen:
        return InboundRoute(False, None, "no dispatch rule matched (the call is dropped)", trunk_id=trunk_id)
    rule = sorted(chosen, key=lambda r: r.sip_dispatch_rule_id)[0]
    return _evaluate(rule, trunk_id, caller=caller, called=called, call_id=call_id)


def _evaluate(rule: sip_pb.SIPDispatchRuleInfo, trunk_id: str, *, caller: str, called: str,
              call_id: str) -> InboundRoute:
    attrs = dict(rule.attributes)
    attrs.update({"sip.callID": call_id, "sip.trunkID": trunk_id, "sip.ruleID": rule.sip_dispatch_rule_id})
    shown, identity = caller, "sip_" + caller
    if rule.hide_phone_number:
        identity = "sip_" + hashlib.sha256(caller.encode()).digest()[:8].hex()
        shown = caller[-(1 if len(caller) <= 4 else 4):]
    else:
        attrs.update({"sip.phoneNumber": caller, "sip.trunkPhoneNumber": called})
    kind = rule.rule.WhichOneof("rule")
    if kind == "dispatch_rule_direct":
        room = rule.rule.dispatch_rule_direct.room_name
    elif kind == "dispatch_rule_callee":
        callee = rule.rule.dispatch_rule_callee
        room = f"{callee.room_prefix}_{called}" if callee.room_prefix else called
        room += "_" + _suffix() if callee.randomize else ""
    else:
        individual = rule.rule.dispatch_rule_individual
        room = f"{individual.room_prefix}_{shown}" if individual.room_prefix else shown
        room += "" if individual.no_randomness else "_" + _suffix()
    agents = tuple((a.agent_name, a.metadata) for a in rule.room_config.agents) if rule.HasField("room_config") else ()
    return InboundRoute(True, 200, "OK", trunk_id=trunk_id, rule_id=rule.sip_dispatch_rule_id, room_name=room,
                        participant_identity=identity, participant_name="Phone " + shown,
                        participant_attributes=attrs, agents=agents)


def _has(numbers, number: str) -> bool:
    wanted = normalize_number(number)
    return any(n == number or normalize_number(n) == wanted for n in numbers)


def _caller_ok(trunk: sip_pb.SIPInboundTrunkInfo, caller: str) -> bool:
    return not trunk.allowed_numbers or _has(trunk.allowed_numbers, caller)


def _rule_pin(rule: sip_pb.SIPDispatchRuleInfo) -> str:
    kind = rule.rule.WhichOneof("rule")
    return getattr(rule.rule, kind).pin if kind else ""


def _suffix() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(12))
