"""The trunks and rules a call concerns, with what LiveKit made of each.

LiveKit itself looks only at what its list requests return for the call: trunks listing the
called number or listing none, and rules without trunk_ids or bound to the matched trunk. Those
are listed here from the `Recorder`'s notes of the run. So are the near misses a user looks for:
a trunk listing the number in a form that does not normalise to it (the same last 7 digits), and
a rule meant for the number (its `numbers` hold it in some form, or it is bound to a trunk that
lists the number) but bound to another trunk. Every other object is only counted: on a project
with 1,000 numbers, 999 trunks "do not list this number" say nothing.
"""

from __future__ import annotations

from typing import Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing import explain
from phonewizard.domain.routing.bridge import InviteOutcome, Stage
from phonewizard.domain.routing.object_checks import Carriers, carrier_of_trunk
from phonewizard.domain.routing.recorder import Recorder
from phonewizard.domain.routing.rpc import (
    DispatchRuleConflictError,
    InvalidDispatchRuleError,
    SIPCall,
    TrunkConflictError,
)
from phonewizard.domain.routing.rules import RuleSkipped
from phonewizard.domain.routing.store import IndexedStore
from phonewizard.domain.routing.trunks import TrunkFiltered, lists_number
from phonewizard.domain.routing.verdict import Considered


def trunks_considered(related: Sequence[SIPInboundTrunkInfo], call: SIPCall, outcome: InviteOutcome,
                      rec: Recorder, carriers: Carriers, livekit_number: bool) -> list[Considered]:
    """`related`: the store's `related_trunks` for the called number, in list order."""
    if livekit_number:
        return [explain.trunk_not_reached(t, "a LiveKit Phone Number arrives without a trunk.")
                for t in related if t.numbers]
    conflict = outcome.error if isinstance(outcome.error, TrunkConflictError) else None
    pair = [t for t in related if conflict and t.sip_trunk_id in conflict.object_ids][:2]
    selected = outcome.trunk
    out = []
    for t in related:
        reason = rec.trunk_filters.get(id(t))
        if any(t is p for p in pair):
            other = next((p.sip_trunk_id for p in pair if p is not t), "")
            out.append(explain.trunk_conflict(t, other, conflict.message))  # type: ignore[union-attr]
        elif selected is t:
            out.append(explain.trunk_selected(t, call.to_user))
        elif reason is TrunkFiltered.CALLING_NUMBER_DISALLOWED:
            out.append(explain.trunk_caller(t, call.from_user))
        elif reason is TrunkFiltered.SOURCE_ADDRESS_DISALLOWED:
            out.append(explain.trunk_source(t, call.source_ip, call.from_host, carrier_of_trunk(t, carriers)))
        elif t.numbers and not lists_number(t, call.to_user):
            out.append(explain.trunk_number(t, call.to_user))
        elif not t.numbers and selected is not None and selected.numbers:
            out.append(explain.trunk_outranked(t, selected, call.to_user))
        else:
            out.append(explain.trunk_not_reached(
                t, "LiveKit stopped at the trunk conflict before deciding on this trunk."
                if conflict else "LiveKit did not get to this trunk."))
    return out


def rules_considered(store: IndexedStore, related_trunks: Sequence[SIPInboundTrunkInfo], call: SIPCall,
                     outcome: InviteOutcome, rec: Recorder, cloud: bool,
                     attached: Sequence[str] | None) -> tuple[list[Considered], int]:
    """(the rules the call concerns, how many others the project has). Listed: every rule LiveKit
    looked at that decided something (won, lost on priority, conflicted), and the related ones
    (`IndexedStore.related_rule_positions`) whatever happened to them."""
    to = call.to_user
    trunk_id = outcome.trunk.sip_trunk_id if outcome.trunk is not None else ""
    trunk_ids = {t.sip_trunk_id for t in related_trunks if t.numbers} | ({trunk_id} if trunk_id else set())
    related = store.related_rule_positions(to, trunk_ids)
    rules = store.rules
    if outcome.stage is Stage.AUTH:
        why = "the call stops at the trunk, so LiveKit never looks at the dispatch rules."
        shown = [explain.rule_not_reached(rules[i], why) for i in sorted(related)]
        return shown, len(rules) - len(shown)
    attached_ids = set(attached or ())
    pool = store.rules if attached is None else [r for r in rules if r.sip_dispatch_rule_id in attached_ids]
    # What LiveKit listed for the call (the bridge offers a LiveKit number only its attached rules).
    candidates = pool if attached is not None else store.dispatch_rules(trunk_id)
    position = {id(r): i for i, r in enumerate(candidates)}
    failing, holder = _failing_rules(candidates, outcome.error, rec)
    stop_at = position[id(failing)] if failing is not None else len(candidates)
    skips = rec.decisive_skips
    winner = outcome.rule
    visit = related | {store.rule_position[id(r)] for r in candidates if id(r) not in skips}
    out = []
    for i in sorted(visit):
        r = rules[i]
        rid = id(r)
        if attached is not None and r.sip_dispatch_rule_id not in attached_ids:
            entry = explain.rule(r, "skipped", "rule.not_attached",
                                 f"is not attached to the LiveKit Phone Number {to}.",
                                 "Attach the number to this rule (lk number update "
                                 "--sip-dispatch-rule-id) if it should take the calls.")
        elif rid not in position:
            entry = explain.rule_skipped(r, RuleSkipped.OTHER_TRUNK, call.from_user, to, trunk_id, cloud)
        elif failing is not None and (r is failing or r is holder):
            if holder is None:
                entry = explain.rule_invalid(r)
            else:
                other = holder if r is failing else failing
                entry = explain.rule_conflict(r, other.sip_dispatch_rule_id, outcome.error.message,  # type: ignore[union-attr]
                                              itself=failing is holder)
        elif failing is not None and position[rid] > stop_at:
            entry = explain.rule_not_reached(r, "LiveKit stopped at the failing rule before this one.")
        elif rid in skips:
            entry = explain.rule_skipped(r, skips[rid], call.from_user, to, trunk_id, cloud)
        elif failing is not None:
            entry = explain.rule_not_reached(r, "it matches, but the evaluation failed at another rule.")
        elif winner is r:
            entry = explain.rule_selected(r, trunk_id or None)
        elif winner is not None:
            entry = explain.rule_outranked(r, winner)
        else:
            entry = explain.rule_not_reached(r, "LiveKit did not get to this rule.")
        out.append(entry)
    return out, len(rules) - len(out)


def _failing_rules(candidates: Sequence[SIPDispatchRuleInfo], error: object, rec: Recorder
                   ) -> tuple[SIPDispatchRuleInfo | None, SIPDispatchRuleInfo | None]:
    """(the rule the validator was checking when it raised, the earlier holder of its key);
    the holder is None for a rule without a type."""
    if isinstance(error, DispatchRuleConflictError) and rec.rule_conflicts:
        return rec.rule_conflicts[-1]
    if isinstance(error, InvalidDispatchRuleError):
        return next((r for r in candidates if r.rule.WhichOneof("rule") is None), None), None
    return None, None
