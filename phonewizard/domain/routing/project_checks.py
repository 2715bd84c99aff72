"""`check_project()`: findings about a whole project's routing, with no call needed.

Every inbound trunk (source-address filters against the carrier's published ranges, digest auth
the carrier cannot answer), every dispatch rule (no agent, number forms the carrier does not
send, trunks that do not exist or never deliver its numbers, rules that collide, rules another
rule always wins), and every outbound trunk given (TLS and SRTP, India's region).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.routing.call import is_cloud_url
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
from phonewizard.domain.routing.rpc import InvalidDispatchRuleError
from phonewizard.domain.routing.rules import DispatchRuleValidator
from phonewizard.domain.routing.shadowing import shadowing_findings
from phonewizard.domain.routing.transport_checks import outbound_trunk_findings


def conflict_findings(rules: Sequence[SIPDispatchRuleInfo]) -> list[Finding]:
    """Pairs of rules LiveKit's validator refuses, and rules without a type: any call evaluated
    against them fails with 503 (``DispatchRuleValidator``, run over all rules at once: the keys
    hold the trunk, so this finds exactly the pairs that meet in some call's rule list)."""
    found: list[Finding] = []
    pairs: list[tuple[SIPDispatchRuleInfo, SIPDispatchRuleInfo]] = []
    validator = DispatchRuleValidator(conflict=lambda r1, r2: pairs.append((r1, r2)), allow_conflicts=True)
    for r in rules:
        try:
            validator.validate(r)
        except InvalidDispatchRuleError:
            found.append(Finding(
                "warning", "rule.no_type", (r.sip_dispatch_rule_id,),
                f"Rule {r.sip_dispatch_rule_id} has no rule type (direct, individual or callee): "
                "every call evaluated against it fails with 503 Try again later.",
                "Give it a type, or delete it."))
    seen: set[tuple[int, int]] = set()
    for r1, r2 in pairs:
        if r1 is r2 or (id(r1), id(r2)) in seen:
            continue  # a rule colliding with itself is reported as number.duplicate_forms
        seen.add((id(r1), id(r2)))
        a, b = r2.sip_dispatch_rule_id, r1.sip_dispatch_rule_id
        found.append(Finding(
            "warning", "rule.conflict", (a, b),
            f"Rules {a} and {b} share a trunk, caller number, called number and PIN: LiveKit "
            "refuses to route any call evaluated against both (503 Try again later).",
            "Delete one, or give them different trunk_ids, numbers, inbound_numbers or PIN."))
    return found


def check_project(
    trunks: Sequence[SIPInboundTrunkInfo],
    rules: Sequence[SIPDispatchRuleInfo],
    project_url: str,
    *,
    outbound_trunks: Sequence[SIPOutboundTrunkInfo] = (),
    carriers: Mapping[str, str] | None = None,
    phone_numbers: Mapping[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """Findings for the project's lists as LiveKit returns them. `carriers` maps object IDs to
    provider ids where the object's metadata does not say (phonewizard's own objects do);
    `phone_numbers` maps LiveKit Phone Numbers to the rule IDs they are attached to."""
    carriers = dict(carriers or {})
    by_id = {t.sip_trunk_id: t for t in trunks}
    found: list[Finding] = []
    for t in trunks:
        carrier = carrier_of_trunk(t, carriers)
        found += address_findings(t, carrier) + auth_findings(t, carrier)
    for r in rules:
        found += agent_findings(r) + number_findings(r, carrier_of_rule(r, carriers, by_id))
        found += trunk_scope_findings(r, by_id)
    found += conflict_findings(rules)
    attached = {rid for ids in (phone_numbers or {}).values() for rid in ids}
    found += shadowing_findings(trunks, rules, is_cloud_url(project_url), attached)
    for t in outbound_trunks:
        found += outbound_trunk_findings(t)
    return dedupe(found)
