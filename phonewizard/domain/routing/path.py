"""The verdict's outcome, its plain-words summary, and the path to draw:
carrier → inbound trunk → dispatch rule → room → agent, with the hop where the call stops."""

from __future__ import annotations

from dataclasses import dataclass

from phonewizard.domain.providers import ProviderInfo
from phonewizard.domain.routing.bridge import InviteOutcome, Stage
from phonewizard.domain.routing.call import InboundCall
from phonewizard.domain.routing.verdict import Hop, Outcome


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    sip_status: int | None
    sip_reason: str | None


def decide(o: InviteOutcome) -> Decision:
    """The contract's outcome: `sip_status` is the SIP error response the carrier receives."""
    if o.stage is Stage.AUTH:
        if o.error is not None:
            return Decision("error", 503, "Try again later")
        return Decision("rejected", o.sip_status, o.sip_reason)
    if o.error is not None:
        # Before the PIN prompt the carrier gets 503; after it the call is already answered.
        return Decision("error", 503, "Try again later") if o.stage is Stage.DISPATCH else Decision("error", None, None)
    if o.dropped and not o.pin_requested:
        return Decision("dropped", None, None)
    if o.accepted:
        return Decision("accepted", None, None)
    return Decision("pin_required", None, None)


def _name(obj: object | None) -> str:
    if obj is None:
        return ""
    name = getattr(obj, "name", "")
    oid = getattr(obj, "sip_trunk_id", "") or getattr(obj, "sip_dispatch_rule_id", "")
    return name or oid


def summary(o: InviteOutcome, d: Decision, agents: tuple[str, ...], room: str | None,
            livekit_number: bool) -> str:
    trunk = _name(o.trunk)
    rule = _name(o.rule)
    if d.outcome == "error":
        where = "at the PIN check, after answering" if d.sip_status is None else "and answers 503 Try again later"
        return f"LiveKit cannot route this call: {o.error.message if o.error else 'error'}; it fails {where}."
    if d.outcome == "rejected" and o.trunk is not None:
        return (f"Rejected: trunk “{trunk}” makes LiveKit challenge the carrier for a password "
                f"({d.sip_status} {d.sip_reason}), and this carrier cannot answer the challenge, so "
                "the call gets no further.")
    if d.outcome == "rejected":
        return ("Rejected with 404 No trunk found: on LiveKit Cloud a call must match an inbound "
                "trunk, and no trunk takes this one.")
    via = ("via the LiveKit Phone Number" if livekit_number
           else f"via trunk “{trunk}”" if trunk else "without a trunk")
    auth = " after a digest challenge the carrier must answer" if o.auth_required else ""
    if d.outcome == "dropped":
        return (f"Dropped: the call arrives {via}{auth}, but no dispatch rule takes it, so "
                "LiveKit never answers: the caller hears ringing until the carrier gives up "
                "(LiveKit logs it as \"flood\").")
    if d.outcome == "pin_required":
        if o.stage is Stage.PIN:
            return (f"LiveKit answers {via}{auth} and asks for a PIN (rule “{rule}”), "
                    "and does not accept the PIN typed: it plays \"wrong PIN\" and hangs up.")
        return f"LiveKit answers {via}{auth} and asks the caller for a PIN (rule “{rule}”)."
    who = (f"agent {', '.join(agents)} is dispatched" if agents
           else "no agent is dispatched, so nobody answers the caller")
    pin = " after the PIN" if o.pin_requested else ""
    return f"Accepted{pin}: {via}{auth}, rule “{rule}” puts the caller in room {room}, and {who}."


def hops(call: InboundCall, o: InviteOutcome, d: Decision, agents: tuple[str, ...], room: str | None,
         carrier: ProviderInfo | None, livekit_number: bool, identity: str | None) -> tuple[Hop, ...]:
    caller = call.caller or "any caller"
    source = f" from {call.source_ip}" if call.source_ip else ""
    carrier_hop = Hop("carrier", "Carrier", None, carrier.label if carrier else "your carrier", "passed",
                      f"sends the INVITE for {call.to} ({caller}){source}")
    trunk_id = o.trunk.sip_trunk_id if o.trunk is not None else None
    if livekit_number:
        trunk_hop = Hop("trunk", "Inbound trunk", None, "LiveKit Phone Number", "bypassed",
                        "no trunk: LiveKit Cloud routes its own numbers")
    elif o.stage is Stage.AUTH and o.error is not None:
        ids = ", ".join(o.error.object_ids)
        trunk_hop = Hop("trunk", "Inbound trunk", None, f"conflict: {ids}", "stopped",
                        "two trunks take the call; LiveKit answers 503 Try again later")
    elif o.stage is Stage.AUTH and o.trunk is not None:
        trunk_hop = Hop("trunk", "Inbound trunk", trunk_id, _name(o.trunk), "stopped",
                        f"challenges the carrier for a password ({d.sip_status}), which "
                        f"{carrier.label if carrier else 'the carrier'} cannot answer")
    elif o.stage is Stage.AUTH:
        trunk_hop = Hop("trunk", "Inbound trunk", None, "no trunk", "stopped",
                        "no inbound trunk takes the call: 404 No trunk found")
    elif o.trunk is None:
        trunk_hop = Hop("trunk", "Inbound trunk", None, "no trunk", "bypassed",
                        "no inbound trunk takes the call; self-hosted LiveKit goes on without one")
    else:
        detail = "takes the call" + (" after a digest challenge (407)" if o.auth_required else "")
        trunk_hop = Hop("trunk", "Inbound trunk", trunk_id, _name(o.trunk), "passed", detail)

    rule_id = o.rule.sip_dispatch_rule_id if o.rule is not None else None
    if o.stage is Stage.AUTH:
        rule_hop = Hop("rule", "Dispatch rule", None, "—", "not_reached", "not reached")
    elif o.error is not None:
        rule_hop = Hop("rule", "Dispatch rule", None, "conflict: " + ", ".join(o.error.object_ids),
                       "stopped", f"dispatch fails: {o.error.message}")
    elif d.outcome == "dropped":
        rule_hop = Hop("rule", "Dispatch rule", None, "no rule", "stopped",
                       "no dispatch rule takes the call: dropped without an answer")
    elif d.outcome == "pin_required":
        detail = ("the PIN typed is not accepted: \"wrong PIN\", hang up" if o.stage is Stage.PIN
                  else "answers and asks for a PIN")
        rule_hop = Hop("rule", "Dispatch rule", rule_id, _name(o.rule) or "no rule", "stopped", detail)
    else:
        rule_hop = Hop("rule", "Dispatch rule", rule_id, _name(o.rule), "passed", "takes the call")

    if d.outcome == "accepted":
        room_hop = Hop("room", "Room", None, room or "", "passed",
                       f"created by the call; the caller joins as {identity}")
        agent_hop = (Hop("agent", "Agent", None, ", ".join(agents), "passed", "dispatched into the room")
                     if agents else Hop("agent", "Agent", None, "no agent", "stopped",
                                        "the rule dispatches no agent: nobody answers the caller"))
    else:
        room_hop = Hop("room", "Room", None, "—", "not_reached", "not reached")
        agent_hop = Hop("agent", "Agent", None, "—", "not_reached", "not reached")
    return carrier_hop, trunk_hop, rule_hop, room_hop, agent_hop
