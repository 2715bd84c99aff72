"""Checks of one trunk or rule that need no call, knowing (when it can) the carrier behind it.

The carrier of an object comes from the caller's mapping (object ID → provider id) or from the
marker phonewizard writes in the metadata of what it creates; a rule without either takes the
carrier of its trunks when they agree. Facts about carriers come from `providers.provider_info`.
"""

from __future__ import annotations

import ipaddress
from typing import Mapping

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.naming import parse_marker
from phonewizard.domain.providers import PROVIDERS, ProviderInfo
from phonewizard.domain.routing.addresses import host_entries, is_valid_mask, parse_addr, parse_prefix
from phonewizard.domain.routing.finding import Finding
from phonewizard.domain.routing.trunks import lists_number, normalize

Carriers = Mapping[str, str]  # object ID → provider id ("twilio", "telnyx", …)


def carrier_of_trunk(trunk: SIPInboundTrunkInfo, carriers: Carriers) -> ProviderInfo | None:
    provider = carriers.get(trunk.sip_trunk_id)
    if provider is None:
        marker = parse_marker(trunk.metadata)
        provider = marker.provider if marker else None
    return PROVIDERS.get(provider) if provider else None


def carrier_of_rule(rule: SIPDispatchRuleInfo, carriers: Carriers,
                    trunks_by_id: Mapping[str, SIPInboundTrunkInfo]) -> ProviderInfo | None:
    provider = carriers.get(rule.sip_dispatch_rule_id)
    if provider is None:
        marker = parse_marker(rule.metadata)
        provider = marker.provider if marker else None
    if provider:
        return PROVIDERS.get(provider)
    found = {c.id: c for t in rule.trunk_ids if t in trunks_by_id
             if (c := carrier_of_trunk(trunks_by_id[t], carriers)) is not None}
    return next(iter(found.values())) if len(found) == 1 else None


def _known(carrier: ProviderInfo | None) -> bool:
    return carrier is not None and carrier.id != "custom"


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """An allowed_addresses entry as a network, as LiveKit reads it (None: a host name or junk)."""
    if "/" in entry:
        return parse_prefix(entry)
    addr = parse_addr(entry)
    return ipaddress.ip_network(addr) if addr is not None and not getattr(addr, "scope_id", None) else None


def address_findings(trunk: SIPInboundTrunkInfo, carrier: ProviderInfo | None) -> list[Finding]:
    """allowed_addresses: entries LiveKit ignores or cannot match, and the carrier's ranges."""
    entries = list(trunk.allowed_addresses)
    if not entries:
        return []
    tid, found = trunk.sip_trunk_id, []
    ignored = [e for e in entries if not is_valid_mask(e)]
    kept = [e for e in entries if is_valid_mask(e)]
    if ignored:
        found.append(Finding(
            "warning", "address.ignored_entry", (tid,),
            f"Trunk {tid}: LiveKit silently ignores allowed_addresses {', '.join(map(repr, ignored))} "
            "(an entry with a space, comma, +, *, ;, brackets or :// is dropped)"
            + (", and with no entry left the trunk accepts calls from any address." if not kept else "."),
            "Write each address or CIDR range as its own entry, e.g. 54.172.60.0/30."))
    broken = [e for e in kept if "/" in e and parse_prefix(e) is None]
    if broken:
        found.append(Finding(
            "warning", "address.invalid_range", (tid,),
            f"Trunk {tid}: allowed_addresses {', '.join(broken)} is not a valid address range, so it "
            "matches no source.", "Fix the range (address/prefix length, e.g. 203.0.113.0/24)."))
    hosts = host_entries(entries)
    if hosts:
        found.append(Finding(
            "info", "address.host_name", (tid,),
            f"Trunk {tid}: allowed_addresses {', '.join(hosts)} is compared with the host of the "
            "caller's From header; LiveKit never resolves it to addresses.",
            "Use the carrier's signalling IP addresses or ranges, unless the carrier puts this "
            "host in the From header."))
    if carrier is not None and carrier.signalling_ranges:
        networks = [n for e in kept if (n := _network(e)) is not None]
        missing = [r for r in carrier.signalling_ranges
                   if not any(_covers(n, r) for n in networks)]
        if missing and len(missing) == len(carrier.signalling_ranges):
            found.append(Finding(
                "warning", "address.carrier_not_allowed", (tid,),
                f"Trunk {tid}: none of {carrier.label}'s published signalling addresses is in "
                "allowed_addresses, so LiveKit refuses every call the carrier sends from them.",
                f"Add {', '.join(missing)} to allowed_addresses (providers catalog), or remove the "
                "filter and rely on the trunk's numbers."))
        elif missing:
            found.append(Finding(
                "warning", "address.carrier_ranges_missing", (tid,),
                f"Trunk {tid}: calls {carrier.label} sends from {', '.join(missing)} (published "
                "signalling addresses not in allowed_addresses) will be refused.",
                f"Add {', '.join(missing)} to allowed_addresses: carriers move calls between "
                "their regions without notice."))
    return found


def _covers(net: ipaddress.IPv4Network | ipaddress.IPv6Network, published: str) -> bool:
    target = ipaddress.ip_network(published, strict=False)
    return net.version == target.version and target.subnet_of(net)  # type: ignore[arg-type]


def auth_findings(trunk: SIPInboundTrunkInfo, carrier: ProviderInfo | None) -> list[Finding]:
    """Digest auth on an inbound trunk, against what the carrier can answer."""
    tid = trunk.sip_trunk_id
    if trunk.auth_password and not trunk.auth_username:
        return [Finding("info", "auth.username_missing", (tid,),
                        f"Trunk {tid} has an auth_password but no auth_username, so LiveKit does not "
                        "challenge callers at all.", "Set both, or remove the password.")]
    if not (trunk.auth_username and trunk.auth_password) or not _known(carrier):
        return []
    assert carrier is not None
    if carrier.answers_inbound_digest is False:
        return [Finding(
            "warning", "auth.carrier_cannot_answer", (tid,),
            f"Trunk {tid} makes LiveKit challenge every call for a password (SIP 407), and "
            f"{carrier.label} cannot answer that challenge: every call to this trunk fails.",
            "Remove auth_username and auth_password from the inbound trunk and protect it with "
            "its numbers and allowed_addresses (for Twilio, digest needs TwiML <Dial><Sip> with "
            "credentials instead of Elastic SIP Trunking).")]
    if carrier.answers_inbound_digest is None and carrier.id != "livekit":
        return [Finding(
            "info", "auth.carrier_unconfirmed", (tid,),
            f"Trunk {tid} makes LiveKit challenge every call for a password (SIP 407); no source "
            f"confirms that {carrier.label} answers it.",
            "Check that the carrier is set to send these credentials to LiveKit's SIP URI, and "
            "confirm with a test call.")]
    return []


def agent_findings(rule: SIPDispatchRuleInfo) -> list[Finding]:
    rid = rule.sip_dispatch_rule_id
    agents = list(rule.room_config.agents)
    if not agents:
        return [Finding(
            "warning", "agent.none", (rid,),
            f"Rule {rid} dispatches no agent: callers land in a room where nobody answers, unless "
            "an agent worker runs with automatic dispatch (no agent_name).",
            "Add room_config.agents with your agent's agent_name to the rule.")]
    if any(not a.agent_name for a in agents):
        return [Finding(
            "info", "agent.unnamed", (rid,),
            f"Rule {rid} dispatches an agent with an empty agent_name, which only an agent "
            "worker registered without a name receives.",
            "Give the agent's agent_name, exactly as the worker registers it.")]
    return []


def number_findings(rule: SIPDispatchRuleInfo, carrier: ProviderInfo | None) -> list[Finding]:
    """A rule's `numbers` and `inbound_numbers` are exact strings: the forms the carrier sends."""
    rid, found = rule.sip_dispatch_rule_id, []
    what = {"numbers": "called number", "inbound_numbers": "caller's number"}
    for field, values in (("numbers", list(rule.numbers)), ("inbound_numbers", list(rule.inbound_numbers))):
        groups: dict[str, list[str]] = {}
        for v in values:
            groups.setdefault(normalize(v), []).append(v)
        for forms in groups.values():
            if len(forms) > 1:
                found.append(Finding(
                    "warning", "number.duplicate_forms", (rid,),
                    f"Rule {rid} lists {' and '.join(forms)} in {field}: one number twice. LiveKit "
                    "compares its rules' keys normalised, so the rule collides with itself: it "
                    "refuses to create it, and if it exists every call it is checked against "
                    "fails with 503.", "Keep one form."))
        plus = [v for v in values if v.startswith("+") and normalize(v) == v]
        bare = [v for v in values if v.isascii() and v.isdigit()]
        formatted = [v for v in values if normalize(v) not in (v, "+" + v)]
        if formatted:
            found.append(Finding(
                "warning", "number.formatted", (rid,),
                f"Rule {rid}: {field} holds {', '.join(map(repr, formatted))}; carriers send numbers "
                "without spaces, dashes or brackets, and a rule compares them as exact strings, so "
                "these never match.", f"Write it as the carrier sends it, e.g. {normalize(formatted[0])}."))
        if carrier is not None and carrier.may_send_without_plus and plus:
            found.append(Finding(
                "warning", "number.carrier_sends_without_plus", (rid,),
                f"Rule {rid}: {carrier.label} may send the {what[field]} without the + (e.g. "
                f"{plus[0][1:]}), and a rule's {field} is compared as an exact string, so such "
                "calls match no rule and are dropped unanswered.",
                _form_fix(field, plus[0], carrier)))
        elif _known(carrier) and carrier is not None and not carrier.may_send_without_plus and bare:
            found.append(Finding(
                "warning", "number.form_differs", (rid,),
                f"Rule {rid}: {carrier.label} sends numbers as +E.164, but {field} holds "
                f"{', '.join(bare)}; compared as exact strings, they never match.",
                f"Write them as the carrier sends them ({normalize(bare[0])}), not in both forms."))
        elif field == "numbers" and plus and (not _known(carrier) or (carrier is not None and carrier.id == "livekit")):
            found.append(Finding(
                "info", "number.exact_match", (rid,),
                f"Rule {rid} takes only calls whose called number arrives exactly as "
                f"{', '.join(plus)}: one sent as {plus[0][1:]} is dropped unanswered "
                "(livekit/agents#5847 reports such a numbers filter never matching on LiveKit Cloud).",
                "Confirm with a test call. If it is dropped, write the number exactly as it "
                "arrives (the To user in LiveKit's call log) or, for a rule bound to a trunk, "
                "empty numbers and let the trunk's numbers (compared normalised) pick the calls."))
    return found


def _form_fix(field: str, plus: str, carrier: ProviderInfo) -> str:
    fix = (f"Have {carrier.label} send +E.164"
           + (" (the connection's number format setting)" if carrier.id == "telnyx" else "")
           + f", or write {plus[1:]} as it arrives")
    if field == "numbers":
        fix += ", or empty numbers and let the trunk's numbers (compared normalised) pick the calls"
    return fix + ". Not both forms: LiveKit refuses a rule holding one number twice."


def trunk_scope_findings(rule: SIPDispatchRuleInfo,
                         trunks_by_id: Mapping[str, SIPInboundTrunkInfo]) -> list[Finding]:
    """trunk_ids naming no trunk, and numbers the rule's trunks never deliver."""
    if not rule.trunk_ids:
        return []
    rid = rule.sip_dispatch_rule_id
    unknown = [t for t in rule.trunk_ids if t not in trunks_by_id]
    if len(unknown) == len(rule.trunk_ids):
        return [Finding("warning", "rule.unknown_trunks", (rid, *unknown),
                        f"Rule {rid} is bound only to trunks that do not exist ({', '.join(unknown)}): "
                        "it never takes a call.", "Put the inbound trunk's ID in trunk_ids.")]
    found = []
    if unknown:
        found.append(Finding("info", "rule.unknown_trunks", (rid, *unknown),
                             f"Rule {rid} names trunks that do not exist: {', '.join(unknown)}.",
                             "Remove them from trunk_ids."))
    bound = [trunks_by_id[t] for t in rule.trunk_ids if t in trunks_by_id]
    if rule.numbers and all(t.numbers and not any(lists_number(t, n) for n in rule.numbers) for t in bound):
        found.append(Finding(
            "warning", "rule.numbers_not_on_trunks", (rid, *(t.sip_trunk_id for t in bound)),
            f"Rule {rid} takes only calls to {', '.join(rule.numbers)}, but its trunks take calls "
            f"only to {', '.join(sorted({n for t in bound for n in t.numbers}))}: it never takes a call.",
            "Make the rule's numbers and its trunks' numbers agree."))
    return found
