"""`diagnose()`: where a call to a number would go on a LiveKit project, or why it would not arrive.

It runs the port of LiveKit's routing (bridge.py down to trunks.py and rules.py) on the project's
full lists, watching every trunk and rule, and turns what happened into a `Verdict`. Without a
caller, a caller passing every caller filter is assumed; then a caller on none of the lists is
tried too, and the verdict says where that one would go when it differs. Without a source IP,
address filters pass (LiveKit itself lets an unparsable source through). The room shows
``<random>`` where LiveKit appends a random suffix, and ``<caller>`` for an unknown caller.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.providers import ProviderInfo
from phonewizard.domain.routing import considered as considered_mod
from phonewizard.domain.routing.addresses import host_entries
from phonewizard.domain.routing.bridge import InviteOutcome, Stage, answer_invite
from phonewizard.domain.routing.call import InboundCall, PhoneNumbers, is_cloud_url, livekit_number_rules
from phonewizard.domain.routing.evaluate import RANDOM_PLACEHOLDER, masked_caller, new_random_suffix
from phonewizard.domain.routing.finding import Finding, dedupe
from phonewizard.domain.routing.object_checks import (
    address_findings,
    agent_findings,
    auth_findings,
    carrier_of_rule,
    carrier_of_trunk,
    number_findings,
    trunk_scope_findings,
)
from phonewizard.domain.routing.path import decide, hops, summary
from phonewizard.domain.routing.recorder import Recorder
from phonewizard.domain.routing.rpc import TrunkConflictError
from phonewizard.domain.routing.simulate import RoutedCall, route_concrete
from phonewizard.domain.routing.store import IndexedStore
from phonewizard.domain.routing.trunks import TrunkFiltered, lists_number, normalize
from phonewizard.domain.routing.verdict import Verdict

CALLER_PLACEHOLDER = "<caller>"
_MASKED_PLACEHOLDER = masked_caller(CALLER_PLACEHOLDER)


class RoutingProject:
    """A project's inbound trunks and rules, indexed once for any number of verdicts (the wizard's
    dialog, the sandbox). `trunks` and `rules` are the full lists in the order LiveKit lists them
    and must not change while the object is used; `phone_numbers` maps the project's LiveKit Phone
    Numbers to the rule IDs each is attached to; `carriers` maps trunk/rule IDs to provider ids
    where the metadata does not say."""

    def __init__(self, trunks: Sequence[SIPInboundTrunkInfo], rules: Sequence[SIPDispatchRuleInfo],
                 project_url: str, *, phone_numbers: PhoneNumbers | None = None,
                 carriers: Mapping[str, str] | None = None) -> None:
        self.store = IndexedStore(trunks, rules)
        self.project_url = project_url
        self.cloud = is_cloud_url(project_url)
        self.phone_numbers = dict(phone_numbers or {})
        self.carriers = dict(carriers or {})

    def _run(self, call: InboundCall, caller: str, any_caller: bool, attached: list[str] | None,
             random_suffix: Callable[[], str] = lambda: RANDOM_PLACEHOLDER) -> tuple[InviteOutcome, Recorder]:
        rec = Recorder(any_caller=any_caller)
        outcome = answer_invite(self.store, call.sip_call(caller), cloud=self.cloud, pin=call.pin, observer=rec,
                                random_suffix=random_suffix, livekit_number_rules=attached)
        return outcome, rec

    def diagnose(self, call: InboundCall) -> Verdict:
        """The verdict for one call. Raises ValueError naming the field when `call` is not usable
        (see `InboundCall.problems`)."""
        problems = call.problems()
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        cloud, carriers = self.cloud, self.carriers
        attached = livekit_number_rules(call.to, self.phone_numbers, cloud)
        assumptions = [f"{self.project_url} is "
                       + ("LiveKit Cloud: a call no trunk takes is rejected with 404 No trunk found."
                          if cloud else "a self-hosted LiveKit: a call no trunk takes goes on without a "
                          "trunk, and only rules without trunk_ids can take it.")]
        caller, any_caller = (call.caller, False) if call.caller is not None else (CALLER_PLACEHOLDER, True)
        outcome, rec = self._run(call, caller, any_caller, attached)
        if any_caller and (real := _caller_artifact(outcome, rec)) is not None:
            caller, any_caller = real, False
            assumptions.append(f"No caller given, and no one caller passes the caller filters of both "
                               f"trunks that take the number: a call from {real} is assumed.")
            outcome, rec = self._run(call, caller, any_caller, attached)
        sip = call.sip_call(caller)
        related = self.store.related_trunks(call.to)
        assumptions += _assumptions(call, related, outcome, rec, cloud, attached, any_caller)
        if any_caller and (rec.caller_filtered_trunks or rec.caller_filtered_rules):
            alt, _ = self._run(call, "", False, attached)
            if _short(alt) != _short(outcome):
                assumptions.append(f"A caller on none of those lists would get another answer: {_short(alt)}.")

        trunk_carrier = carrier_of_trunk(outcome.trunk, carriers) if outcome.trunk is not None else None
        if outcome.auth_required and trunk_carrier is not None and trunk_carrier.answers_inbound_digest is False:
            # LiveKit answers 407 and the carrier cannot reply: the call ends at the trunk.
            outcome = replace(outcome, stage=Stage.AUTH, sip_status=407, sip_reason="Unauthorized",
                              rule=None, dispatch=None, pin_requested=False, error=None)
            assumptions = [a for a in assumptions if not a.startswith("The carrier is assumed to answer")]
        decision = decide(outcome)
        response = outcome.dispatch if decision.outcome == "accepted" else None
        room = identity = name = None
        agents: tuple[str, ...] = ()
        if response is not None:
            room, identity, name = response.room_name, response.participant_identity, response.participant_name
            agents = response.agent_names
            if any_caller and outcome.rule is not None and outcome.rule.hide_phone_number:
                room = room.replace(_MASKED_PLACEHOLDER, "<caller's last 4 digits>")
                identity = "sip_<hash of the caller's number>"
                name = "Phone <caller's last 4 digits>"
        trunk_list = considered_mod.trunks_considered(related, sip, outcome, rec, carriers, attached is not None)
        rule_list, other_rules = considered_mod.rules_considered(self.store, related, sip, outcome, rec, cloud,
                                                                 attached)
        carrier = _carrier(related, outcome, call, carriers)
        return Verdict(
            call=call, cloud=cloud, outcome=decision.outcome, sip_status=decision.sip_status,
            sip_reason=decision.sip_reason,
            summary=summary(outcome, decision, agents, room, attached is not None),
            trunk_id=outcome.trunk.sip_trunk_id if outcome.trunk is not None else None,
            trunk_name=outcome.trunk.name if outcome.trunk is not None else None,
            dispatch_rule_id=outcome.rule.sip_dispatch_rule_id if outcome.rule is not None else None,
            dispatch_rule_name=outcome.rule.name if outcome.rule is not None else None,
            room=room, participant_identity=identity, participant_name=name, agents=agents,
            auth_required=outcome.auth_required, pin_requested=outcome.pin_requested,
            considered=tuple(trunk_list + rule_list),
            unrelated=(len(self.store.trunks) - len(trunk_list), other_rules),
            findings=tuple(_path_findings(self.store, related, outcome, rec, carriers)),
            assumptions=tuple(assumptions),
            hops=hops(call, outcome, decision, agents, room, carrier, attached is not None, identity),
        )

    def simulate(self, call: InboundCall, *, random_suffix: Callable[[], str] = new_random_suffix,
                 call_id: str = "") -> RoutedCall:
        """Route one concrete call as LiveKit would (see `simulate_call`)."""
        return route_concrete(self.store, call, self.cloud, self.phone_numbers, random_suffix, call_id)


def _caller_artifact(outcome: InviteOutcome, rec: Recorder) -> str | None:
    """With an assumed caller two trunks can both match although no real caller passes both
    (disjoint allowed_numbers). Then pick a real caller: the first allowed number of the first."""
    if not isinstance(outcome.error, TrunkConflictError) or not rec.trunk_conflicts:
        return None
    t1, t2, _ = rec.trunk_conflicts[-1]
    first, second = {normalize(n) for n in t1.allowed_numbers}, {normalize(n) for n in t2.allowed_numbers}
    if first and second and not first & second:
        return t1.allowed_numbers[0]
    return None


def diagnose(
    trunks: Sequence[SIPInboundTrunkInfo],
    rules: Sequence[SIPDispatchRuleInfo],
    call: InboundCall,
    project_url: str,
    *,
    phone_numbers: PhoneNumbers | None = None,
    carriers: Mapping[str, str] | None = None,
) -> Verdict:
    """The verdict for one call on the project's full lists (see `RoutingProject`)."""
    return RoutingProject(trunks, rules, project_url, phone_numbers=phone_numbers,
                          carriers=carriers).diagnose(call)


def _short(o: InviteOutcome) -> str:
    d = decide(o)
    if d.outcome == "accepted" and o.rule is not None:
        return f"accepted by rule {o.rule.sip_dispatch_rule_id}"
    if d.outcome == "pin_required" and o.rule is not None:
        return f"asked for a PIN by rule {o.rule.sip_dispatch_rule_id}"
    if d.sip_status:
        return f"{d.outcome} with SIP {d.sip_status} {d.sip_reason}"
    return d.outcome


def _assumptions(call: InboundCall, trunks: list[SIPInboundTrunkInfo], o: InviteOutcome, rec: Recorder,
                 cloud: bool, attached: list[str] | None,
                 any_caller: bool) -> list[str]:
    out = []
    if attached is not None:
        out.append(f"{call.to} is a LiveKit Phone Number: LiveKit Cloud routes it without a trunk, "
                   "to the rules it is attached to (closed code; modelled as a call without a trunk "
                   "offered only those rules).")
    if any_caller:
        filtering = [t.sip_trunk_id for t in rec.caller_filtered_trunks.values()] + \
                    [r.sip_dispatch_rule_id for r in rec.caller_filtered_rules.values()]
        line = "No caller given: a caller passing every caller filter (allowed_numbers, inbound_numbers) is assumed"
        out.append(line + (f"; {', '.join(filtering)} filter callers: give the caller to check a real one."
                           if filtering else "; no trunk or rule on the call's way filters callers."))
    if call.source_ip is None:
        limited = [t.sip_trunk_id for t in trunks if t.allowed_addresses and (o.trunk is t or not t.numbers
                   or lists_number(t, call.to))]
        out.append("No source IP given: every address filter (allowed_addresses) is taken to pass"
                   + (f"; {', '.join(limited)} only {'takes' if len(limited) == 1 else 'take'} calls "
                      "from listed addresses." if limited else "."))
    elif call.from_host == "" and any(host_entries(t.allowed_addresses) for t in trunks):  # the related ones
        out.append("No From host given: allowed_addresses entries that are host names were compared "
                   "with an empty host.")
    if cloud and o.trunk is None and attached is None and any(
            r is TrunkFiltered.SOURCE_ADDRESS_DISALLOWED for r in rec.trunk_filters.values()):
        out.append("A trunk refused the source address: livekit/sip#318 shows LiveKit Cloud dropping "
                   "such calls unanswered (\"call was not authorized by trunk configuration\"), so "
                   "the carrier may see no answer rather than 404.")
    if call.pin is not None and not o.pin_requested and o.stage is not Stage.AUTH:
        out.append("A PIN was given, but LiveKit does not ask for one on this call.")
    if o.auth_required:
        out.append("The carrier is assumed to answer LiveKit's digest challenge with the trunk's "
                   "credentials.")
    return out


def _path_findings(store: IndexedStore, related: list[SIPInboundTrunkInfo], o: InviteOutcome,
                   rec: Recorder, carriers: Mapping[str, str]) -> list[Finding]:
    """Findings about the objects on the call's path, and address findings of trunks that
    refused the source."""
    found: list[Finding] = []
    by_id = {tid: t for tid in (o.rule.trunk_ids if o.rule is not None else ())
             if (t := store.load_trunk(tid)) is not None}
    if o.trunk is not None:
        carrier = carrier_of_trunk(o.trunk, carriers)
        found += auth_findings(o.trunk, carrier) + address_findings(o.trunk, carrier)
    for t in related:
        if rec.trunk_filters.get(id(t)) is TrunkFiltered.SOURCE_ADDRESS_DISALLOWED:
            found += address_findings(t, carrier_of_trunk(t, carriers))
    if o.rule is not None:
        carrier = carrier_of_rule(o.rule, carriers, by_id)
        found += agent_findings(o.rule) + number_findings(o.rule, carrier) + trunk_scope_findings(o.rule, by_id)
    return dedupe(found)


def _carrier(trunks: list[SIPInboundTrunkInfo], o: InviteOutcome, call: InboundCall,
             carriers: Mapping[str, str]) -> ProviderInfo | None:
    """The carrier to name on the path: that of the trunk taken, else of the rule, else of a trunk
    listing the number."""
    if o.trunk is not None and (found := carrier_of_trunk(o.trunk, carriers)) is not None:
        return found
    if o.rule is not None and (found := carrier_of_rule(o.rule, carriers, {t.sip_trunk_id: t for t in trunks})):
        return found
    return next((c for t in trunks if lists_number(t, call.to) and (c := carrier_of_trunk(t, carriers))), None)
