"""Where a call into this sandbox's own project goes: the inbound side of a simulated call.

A test call to a number of the sandbox's project (on an inbound trunk, or a LiveKit Phone Number
of the sandbox) comes back in as an inbound call, and LiveKit's routing decides what happens to
it: the call-routing doctor's port (domain/routing `simulate_call`: MatchTrunkDetailed,
MatchDispatchRuleIter, EvaluateDispatchRule, what the bridge answers), fed with the sandbox's
stored trunks, rules and phone numbers. `route_inbound` turns its `RoutedCall` into what the call
simulator acts on (`InboundRoute`):
- accepted → the room the matched rule names, the caller's SIP participant (identity, name,
  attributes as EvaluateDispatchRule makes them) and the rule's `room_config.agents`;
- a rule with a PIN → LiveKit answers to ask for it and creates no room (the simulated caller
  types none);
- rejected or a routing error → the SIP status LiveKit answers (404 "No trunk found" on Cloud, 503);
- dropped (no dispatch rule) → no answer at all: the caller hears ringing until the timeout.
What the simulated carrier sends: the calling trunk's number as the From user, no source address
(every `allowed_addresses` filter passes), no From host. A digest challenge (`auth_required`) is
taken as answered: the sandbox cannot know whether the real carrier would answer it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from livekit.protocol import sip as sip_pb

from phonewizard.domain.routing import InboundCall, simulate_call


@dataclass(frozen=True)
class InboundRoute:
    accepted: bool  # LiveKit answers the call
    sip_code: int | None = None  # the answer when refused; None: dropped without an answer
    reason: str = ""
    room_name: str = ""  # "" when answered without a room (a PIN is asked for)
    participant_identity: str = ""
    participant_name: str = ""
    participant_metadata: str = ""
    participant_attributes: dict[str, str] = field(default_factory=dict)
    agents: tuple[tuple[str, str], ...] = ()  # (agent_name, metadata) from room_config.agents


def route_inbound(trunks: Sequence[sip_pb.SIPInboundTrunkInfo], rules: Sequence[sip_pb.SIPDispatchRuleInfo], *,
                  caller: str, called: str, project_url: str, call_id: str,
                  phone_numbers: Mapping[str, Sequence[str]] | None = None) -> InboundRoute:
    """Route a call from `caller` to `called` (both as the carrier sends them). See module doc."""
    try:
        routed = simulate_call(trunks, rules, InboundCall(to=called, caller=caller), project_url,
                               call_id=call_id, phone_numbers=phone_numbers)
    except ValueError as exc:  # a number the routing cannot take at all: nothing answers
        return InboundRoute(False, None, str(exc))
    if routed.outcome == "accepted" and routed.room_name:
        return InboundRoute(
            True, 200, routed.sip_reason, room_name=routed.room_name,
            participant_identity=routed.participant_identity or "", participant_name=routed.participant_name or "",
            participant_metadata=routed.participant_metadata, participant_attributes=dict(routed.participant_attributes),
            agents=tuple((a.agent_name, a.metadata) for a in routed.agents))
    if routed.outcome in ("accepted", "pin_required"):
        return InboundRoute(True, 200, routed.sip_reason or "PIN requested")
    if routed.outcome == "dropped" or routed.sip_status is None:
        return InboundRoute(False, None, routed.error or "no dispatch rule matched (the call is dropped)")
    return InboundRoute(False, routed.sip_status, routed.sip_reason or routed.error or "")
