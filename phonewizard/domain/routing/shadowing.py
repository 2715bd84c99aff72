"""Rules that can never take some calls because another rule always wins them.

Two rules of the same group (both bound to a trunk, or both without trunk_ids) that could take
the same call share a (PIN, trunk, inbound number, number) key, which LiveKit refuses as a
conflict; so shadowing happens across the groups: on a trunk, a rule bound to it beats every rule
without trunk_ids (``MatchDispatchRuleIter`` prefers a specific rule whatever the priorities). A
bound rule S shadows a catch-all rule D on trunk T when S takes every call D would take there:
S's caller and number filters are empty or hold all of D's entries, and S has no PIN or D's PIN
(an open S wins before any PIN is asked; a PIN-protected S lets '#' fall through to D).
"""

from __future__ import annotations

from typing import Collection, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.naming import parse_marker
from phonewizard.domain.routing.finding import Finding
from phonewizard.domain.routing.rpc import InvalidDispatchRuleError
from phonewizard.domain.routing.rules import get_pin_and_room


def _pin(rule: SIPDispatchRuleInfo) -> str | None:
    try:
        return get_pin_and_room(rule)[1]
    except InvalidDispatchRuleError:
        return None


def _covers(broad: Sequence[str], narrow: Sequence[str]) -> bool:
    """A filter list `broad` lets through every call `narrow` lets through (exact strings)."""
    return not broad or (bool(narrow) and set(narrow) <= set(broad))


def takes_all_calls_of(s: SIPDispatchRuleInfo, d: SIPDispatchRuleInfo) -> bool:
    """On a trunk S is bound to, S wins every call D (without trunk_ids) would take."""
    s_pin, d_pin = _pin(s), _pin(d)
    if s_pin is None or d_pin is None or (s_pin and s_pin != d_pin):
        return False
    return _covers(s.inbound_numbers, d.inbound_numbers) and _covers(s.numbers, d.numbers)


def shadowing_findings(trunks: Sequence[SIPInboundTrunkInfo], rules: Sequence[SIPDispatchRuleInfo],
                       cloud: bool, attached: Collection[str] = ()) -> list[Finding]:
    """`attached`: IDs of rules a LiveKit Phone Number is attached to (reached without a trunk)."""
    bound: dict[str, list[SIPDispatchRuleInfo]] = {}
    for r in rules:
        for tid in r.trunk_ids:
            bound.setdefault(tid, []).append(r)
    trunk_ids = [t.sip_trunk_id for t in trunks]
    found = []
    for d in rules:
        if d.trunk_ids or _is_livekit_number_rule(d) or d.sip_dispatch_rule_id in attached:
            continue
        lost: dict[str, str] = {}  # trunk → the bound rule that takes its calls
        for tid in trunk_ids:
            winner = next((s for s in bound.get(tid, ()) if takes_all_calls_of(s, d)), None)
            if winner is not None:
                lost[tid] = winner.sip_dispatch_rule_id
        if not lost:
            continue
        pairs = ", ".join(f"{tid} (rule {sid})" for tid, sid in lost.items())
        everywhere = len(lost) == len(trunk_ids)
        ids = (d.sip_dispatch_rule_id, *dict.fromkeys(lost.values()), *lost)
        if everywhere and cloud:
            found.append(Finding(
                "warning", "rule.shadowed", ids,
                f"Rule {d.sip_dispatch_rule_id} (no trunk_ids) never takes a call: on LiveKit Cloud "
                f"every call arrives on a trunk, and on each of them a rule bound to it takes every "
                f"call this one would: {pairs}.",
                "Delete it, or bind it to a trunk, or narrow the bound rules (numbers, inbound_numbers)."))
        else:
            found.append(Finding(
                "info", "rule.shadowed_on_trunk", ids,
                f"Rule {d.sip_dispatch_rule_id} (no trunk_ids) gets no calls arriving on {pairs}: a "
                "rule bound to the call's trunk always wins over one without trunk_ids.",
                "Nothing to change if that is intended; otherwise narrow the bound rule or bind "
                "this rule to the trunk instead."))
    return found


def _is_livekit_number_rule(rule: SIPDispatchRuleInfo) -> bool:
    """phonewizard's rule for a LiveKit Phone Number is reached through the number, not a trunk."""
    marker = parse_marker(rule.metadata)
    return marker is not None and marker.provider == "livekit"
