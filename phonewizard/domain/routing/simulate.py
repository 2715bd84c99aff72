"""`simulate_call()`: route one concrete inbound call exactly as LiveKit would, for the sandbox.

Unlike `diagnose`, nothing is assumed: an unknown caller is the empty From user, the room gets a
real random suffix (or whatever `random_suffix` returns, for tests), and the result carries what
the sandbox needs to create the room and dispatch the agents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.bridge import answer_invite
from phonewizard.domain.routing.call import InboundCall, PhoneNumbers, is_cloud_url, livekit_number_rules
from phonewizard.domain.routing.store import ListStore
from phonewizard.domain.routing.evaluate import new_random_suffix
from phonewizard.domain.routing.path import decide
from phonewizard.domain.routing.rpc import SIPCall
from phonewizard.domain.routing.verdict import Outcome


@dataclass(frozen=True)
class RoutedCall:
    """What happens to the call. `sip_status`: the final SIP response (404/503 when rejected,
    200 when answered, None when LiveKit never answers)."""

    outcome: Outcome
    sip_status: int | None
    sip_reason: str
    trunk: SIPInboundTrunkInfo | None
    rule: SIPDispatchRuleInfo | None
    auth_required: bool  # the carrier must first answer a 407 digest challenge (trunk's credentials)
    pin_requested: bool
    room_name: str | None = None
    participant_identity: str | None = None
    participant_name: str | None = None
    participant_metadata: str = ""
    participant_attributes: dict[str, str] = field(default_factory=dict)
    room_config: RoomConfiguration | None = None
    error: str | None = None  # the routing error behind a 503

    @property
    def agents(self) -> tuple[RoomAgentDispatch, ...]:
        """The agents to dispatch into the room (name and metadata)."""
        return tuple(self.room_config.agents) if self.room_config is not None else ()


def simulate_call(
    trunks: Sequence[SIPInboundTrunkInfo],
    rules: Sequence[SIPDispatchRuleInfo],
    call: InboundCall,
    project_url: str,
    *,
    random_suffix: Callable[[], str] = new_random_suffix,
    call_id: str = "",
    phone_numbers: Mapping[str, Sequence[str]] | None = None,
) -> RoutedCall:
    """Route `call` (its `pin` is what the caller types when asked). Raises ValueError when the
    call is not usable (`InboundCall.problems`)."""
    return route_concrete(ListStore(trunks, rules), call, is_cloud_url(project_url), phone_numbers or {},
                          random_suffix, call_id)


def route_concrete(store: ListStore, call: InboundCall, cloud: bool, phone_numbers: PhoneNumbers,
                   random_suffix: Callable[[], str], call_id: str) -> RoutedCall:
    problems = call.problems()
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    sip = SIPCall(to_user=call.to, from_user=call.caller or "", from_host=call.from_host,
                  source_ip=call.source_ip or "", call_id=call_id)
    o = answer_invite(store, sip, cloud=cloud, pin=call.pin, random_suffix=random_suffix,
                      livekit_number_rules=livekit_number_rules(call.to, phone_numbers, cloud))
    d = decide(o)
    base = dict(outcome=d.outcome, sip_status=o.sip_status, sip_reason=o.sip_reason, trunk=o.trunk,
                rule=o.rule, auth_required=o.auth_required, pin_requested=o.pin_requested,
                error=o.error.message if o.error is not None else None)
    if d.outcome != "accepted" or o.dispatch is None:
        return RoutedCall(**base)  # type: ignore[arg-type]
    r = o.dispatch
    return RoutedCall(**base, room_name=r.room_name, participant_identity=r.participant_identity,  # type: ignore[arg-type]
                      participant_name=r.participant_name, participant_metadata=r.participant_metadata,
                      participant_attributes=dict(r.participant_attributes), room_config=r.room_config)
