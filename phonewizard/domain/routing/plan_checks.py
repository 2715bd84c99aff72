"""`check_plan()`: findings for one registration before it is sent, against the project as it
would be after Register (phonewizard's earlier objects for the number replaced in place, as the
registrar updates them).

Besides the object checks, it routes test calls through the port: one per form in which the
carrier may send the number (with and without + for carriers that drop it), so anything on the
project that would keep the call from the new rule, a foreign trunk or a rule that wins the
call, shows up as a finding. Findings never block a registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.naming import parse_marker
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.providers import provider_info
from phonewizard.domain.routing.call import InboundCall, is_cloud_url
from phonewizard.domain.routing.diagnose import diagnose
from phonewizard.domain.routing.finding import Finding, dedupe
from phonewizard.domain.routing.object_checks import (
    address_findings,
    agent_findings,
    auth_findings,
    number_findings,
    trunk_scope_findings,
)
from phonewizard.domain.routing.project_checks import conflict_findings
from phonewizard.domain.routing.shadowing import shadowing_findings
from phonewizard.domain.routing.transport_checks import india_findings, media_findings
from phonewizard.domain.routing.trunks import normalize

NEW_TRUNK_ID = "(new inbound trunk)"
NEW_RULE_ID = "(new dispatch rule)"


@dataclass(frozen=True)
class Projection:
    """The project's inbound trunks and rules as they would be after Register."""

    trunks: list[SIPInboundTrunkInfo]
    rules: list[SIPDispatchRuleInfo]
    trunk: SIPInboundTrunkInfo | None  # the plan's inbound trunk (None for a LiveKit number)
    rule: SIPDispatchRuleInfo


def _ours(metadata: str, phone: str, agent: str, role: str) -> bool:
    m = parse_marker(metadata)
    return (m is not None and m.role == role and m.agent_name == agent
            and normalize(m.phone_number) == normalize(phone))


def project_after_register(plan: RegistrationPlan, trunks: Sequence[SIPInboundTrunkInfo],
                           rules: Sequence[SIPDispatchRuleInfo]) -> Projection:
    """Replace phonewizard's objects for this number and agent by the plan's, keeping their IDs
    (the registrar updates in place); new objects get a readable placeholder ID."""
    phone, agent = plan.phone_number, plan.agent_name
    old_trunk = next((t for t in trunks if _ours(t.metadata, phone, agent, "inbound")), None)
    old_rule = next((r for r in rules if _ours(r.metadata, phone, agent, "dispatch")), None)
    new_trunk = None
    if plan.inbound is not None:
        new_trunk = SIPInboundTrunkInfo()
        new_trunk.CopyFrom(plan.inbound.trunk)
        new_trunk.sip_trunk_id = old_trunk.sip_trunk_id if old_trunk is not None else NEW_TRUNK_ID
    new_rule = SIPDispatchRuleInfo()
    new_rule.CopyFrom(plan.dispatch.dispatch_rule)
    new_rule.sip_dispatch_rule_id = old_rule.sip_dispatch_rule_id if old_rule is not None else NEW_RULE_ID
    if new_trunk is not None:
        del new_rule.trunk_ids[:]
        new_rule.trunk_ids.append(new_trunk.sip_trunk_id)
    kept_trunks = [t for t in trunks if t is not old_trunk]
    kept_rules = [r for r in rules if r is not old_rule]
    return Projection(kept_trunks + ([new_trunk] if new_trunk is not None else []),
                      kept_rules + [new_rule], new_trunk, new_rule)


def called_forms(plan: RegistrationPlan) -> list[str]:
    """The To user the carrier may send for the number: +E.164, and without + where it may."""
    forms = [plan.phone_number]
    if provider_info(plan.provider).may_send_without_plus:
        forms.append(plan.phone_number.lstrip("+"))
    return forms


def check_plan(
    plan: RegistrationPlan,
    trunks: Sequence[SIPInboundTrunkInfo] = (),
    rules: Sequence[SIPDispatchRuleInfo] = (),
    project_url: str = "",
    *,
    phone_numbers: Mapping[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """Findings for `plan`, optionally against the project's current inbound trunks and rules
    (pass them to see what other objects do to the new number's calls)."""
    p = project_after_register(plan, trunks, rules)
    carrier = provider_info(plan.provider)
    reg = plan.registration
    found: list[Finding] = []
    if p.trunk is not None:
        found += address_findings(p.trunk, carrier) + auth_findings(p.trunk, carrier)
        found += media_findings((p.trunk.sip_trunk_id,), "The registration", reg.outbound_transport,
                                reg.media_encryption)
    found += agent_findings(p.rule) + number_findings(p.rule, carrier)
    found += trunk_scope_findings(p.rule, {t.sip_trunk_id: t for t in p.trunks})
    if plan.outbound is not None:
        t = plan.outbound.trunk
        found += india_findings(("(outbound trunk)",), "The outbound trunk", list(t.numbers), t.destination_country)
    mine = {p.rule.sip_dispatch_rule_id} | ({p.trunk.sip_trunk_id} if p.trunk is not None else set())
    cloud = is_cloud_url(project_url)
    attached = {rid for ids in (phone_numbers or {}).values() for rid in ids}
    if plan.attach_number:
        attached.add(p.rule.sip_dispatch_rule_id)
    found += [f for f in conflict_findings(p.rules) + shadowing_findings(p.trunks, p.rules, cloud, attached)
              if mine & set(f.object_ids)]
    if project_url:
        found += _test_calls(plan, p, project_url, phone_numbers)
    return dedupe(found)


def _test_calls(plan: RegistrationPlan, p: Projection, project_url: str,
                phone_numbers: Mapping[str, Sequence[str]] | None) -> list[Finding]:
    numbers = dict(phone_numbers or {})
    if plan.attach_number:
        numbers[plan.attach_number] = [p.rule.sip_dispatch_rule_id]
    carriers = {p.rule.sip_dispatch_rule_id: plan.provider}
    if p.trunk is not None:
        carriers[p.trunk.sip_trunk_id] = plan.provider
    found = []
    label = provider_info(plan.provider).label
    for to in called_forms(plan):
        v = diagnose(p.trunks, p.rules, InboundCall(to=to), project_url, phone_numbers=numbers, carriers=carriers)
        as_sent = f"A call to {to}" + (f" (as {label} may send it)" if to != plan.phone_number else "")
        stop = v.stopped_at
        fix = next((c.fix for c in v.considered if c.status in ("skipped", "conflict") and c.fix
                    and c.object_id in (p.rule.sip_dispatch_rule_id, getattr(p.trunk, "sip_trunk_id", None))), "")
        if v.outcome == "accepted" and v.dispatch_rule_id != p.rule.sip_dispatch_rule_id:
            found.append(Finding(
                "warning", "plan.call_taken_elsewhere", (p.rule.sip_dispatch_rule_id, v.dispatch_rule_id or ""),
                f"{as_sent} would be taken by rule {v.dispatch_rule_id} “{v.dispatch_rule_name}”, not by "
                f"this registration's rule: {v.summary}",
                fix or "Remove or narrow that rule, or bind this registration's rule to its trunk."))
        elif not v.gets_through and v.outcome != "accepted":
            found.append(Finding(
                "warning", "plan.call_fails", tuple(i for i in (v.trunk_id, v.dispatch_rule_id) if i),
                f"{as_sent} would not reach the agent: {v.summary}"
                + (f" (it stops at the {stop.title.lower()})" if stop else ""),
                fix or "Run the doctor on this number after registering for the full list of reasons."))
    return found
