"""Every trunk and rule of the project, with what LiveKit made of it for one call.

Built from the `Recorder`'s notes of one run of the port and the run's outcome. A trunk or rule the
routing never looked at is still listed, as not reached, or skipped with the static reason that
kept it out of LiveKit's list request (a trunk not listing the number, a rule bound to another
trunk).
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
from phonewizard.domain.routing.rules import RuleSkipped, select_dispatch_rules
from phonewizard.domain.routing.trunks import TrunkFiltered, lists_number
from phonewizard.domain.routing.verdict import Considered


def trunks_considered(trunks: Sequence[SIPInboundTrunkInfo], call: SIPCall, outcome: InviteOutcome,
                      rec: Recorder, carriers: Carriers, livekit_number: bool) -> list[Considered]:
    if livekit_number:
        return [explain.trunk_not_reached(t, "a LiveKit Phone Number arrives without a trunk.") for t in trunks]
    conflict = outcome.error if isinstance(outcome.error, TrunkConflictError) else None
    pair = [t for t in trunks if conflict and t.sip_trunk_id in conflict.object_ids][:2]
    selected = outcome.trunk
    out = []
    for t in trunks:
        reason = rec.trunk_filters.get(id(t))
        if t in pair:
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


def rules_considered(rules: Sequence[SIPDispatchRuleInfo], call: SIPCall, outcome: InviteOutcome,
                     rec: Recorder, cloud: bool, attached: Sequence[str] | None) -> list[Considered]:
    if outcome.stage is Stage.AUTH:
        why = "the call stops at the trunk, so LiveKit never looks at the dispatch rules."
        return [explain.rule_not_reached(r, why) for r in rules]
    trunk_id = outcome.trunk.sip_trunk_id if outcome.trunk is not None else ""
    pool = rules if attached is None else [r for r in rules if r.sip_dispatch_rule_id in set(attached)]
    candidates = select_dispatch_rules(pool, trunk_id)
    position = {id(r): i for i, r in enumerate(candidates)}
    failing, holder = _failing_rules(candidates, outcome.error, rec)
    stop_at = position[id(failing)] if failing is not None else len(candidates)
    skips = rec.decisive_skips
    winner = outcome.rule
    attached_ids = set(attached or ())
    out = []
    for r in rules:
        rid = id(r)
        if attached is not None and r.sip_dispatch_rule_id not in attached_ids:
            out.append(explain.rule(r, "skipped", "rule.not_attached",
                                    f"is not attached to the LiveKit Phone Number {call.to_user}.",
                                    "Attach the number to this rule (lk number update "
                                    "--sip-dispatch-rule-id) if it should take the calls."))
        elif rid not in position:
            out.append(explain.rule_skipped(r, RuleSkipped.OTHER_TRUNK, call.from_user, call.to_user, trunk_id, cloud))
        elif failing is not None and (r is failing or r is holder):
            if holder is None:
                out.append(explain.rule_invalid(r))
            else:
                other = holder if r is failing else failing
                out.append(explain.rule_conflict(r, other.sip_dispatch_rule_id, outcome.error.message,  # type: ignore[union-attr]
                                                 itself=failing is holder))
        elif failing is not None and position[rid] > stop_at:
            out.append(explain.rule_not_reached(r, "LiveKit stopped at the failing rule before this one."))
        elif rid in skips:
            out.append(explain.rule_skipped(r, skips[rid], call.from_user, call.to_user, trunk_id, cloud))
        elif failing is not None:
            out.append(explain.rule_not_reached(r, "it matches, but the evaluation failed at another rule."))
        elif winner is r:
            out.append(explain.rule_selected(r, trunk_id or None))
        elif winner is not None:
            out.append(explain.rule_outranked(r, winner))
        else:
            out.append(explain.rule_not_reached(r, "LiveKit did not get to this rule."))
    return out


def _failing_rules(candidates: Sequence[SIPDispatchRuleInfo], error: object, rec: Recorder
                   ) -> tuple[SIPDispatchRuleInfo | None, SIPDispatchRuleInfo | None]:
    """(the rule the validator was checking when it raised, the earlier holder of its key);
    the holder is None for a rule without a type."""
    if isinstance(error, DispatchRuleConflictError) and rec.rule_conflicts:
        return rec.rule_conflicts[-1]
    if isinstance(error, InvalidDispatchRuleError):
        return next((r for r in candidates if r.rule.WhichOneof("rule") is None), None), None
    return None, None
