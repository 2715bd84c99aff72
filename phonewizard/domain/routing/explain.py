"""Plain-words reasons, and what to change, for each trunk and rule a call passed over.

Each function returns a `Considered`; its `code` is stable (docs/doctor.md lists them all).
PINs are never printed: a rule's PIN is a secret the caller types.
"""

from __future__ import annotations

from typing import Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.providers import ProviderInfo
from phonewizard.domain.routing.addresses import filter_invalid_addr_masks, match_addr_masks
from phonewizard.domain.routing.rules import RuleSkipped, dispatch_rule_priority, get_pin_and_room
from phonewizard.domain.routing.trunks import normalize
from phonewizard.domain.routing.verdict import Considered


def _list(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "(none)"


def trunk(t: SIPInboundTrunkInfo, status: str, code: str, reason: str, fix: str = "") -> Considered:
    return Considered("trunk", t.sip_trunk_id, t.name, status, code, reason, fix)  # type: ignore[arg-type]


def rule(r: SIPDispatchRuleInfo, status: str, code: str, reason: str, fix: str = "") -> Considered:
    return Considered("rule", r.sip_dispatch_rule_id, r.name, status, code, reason, fix)  # type: ignore[arg-type]


def trunk_selected(t: SIPInboundTrunkInfo, to: str) -> Considered:
    if t.numbers:
        listed = next((n for n in t.numbers if n == to or normalize(n) == normalize(to)), to)
        how = "exactly" if listed == to else f"as {listed} (trunk numbers are compared normalised)"
        why = f"takes the call: its numbers hold {to} {how}."
    else:
        why = "takes the call: it has no numbers (a default trunk), and no trunk lists the number."
    if t.auth_username and t.auth_password:
        why += f" LiveKit first challenges the carrier for digest credentials (user {t.auth_username!r})."
    return trunk(t, "selected", "trunk.selected", why)


def trunk_caller(t: SIPInboundTrunkInfo, caller: str) -> Considered:
    return trunk(t, "skipped", "trunk.caller_not_allowed",
                 f"accepts only callers {_list(t.allowed_numbers)} (allowed_numbers); {caller!r} is "
                 f"not one of them, even compared normalised ({normalize(caller)}).",
                 f"Add {caller} to allowed_numbers, or empty it to accept any caller.")


def trunk_source(t: SIPInboundTrunkInfo, ip: str, host: str, carrier: ProviderInfo | None) -> Considered:
    kept = filter_invalid_addr_masks(t.allowed_addresses)
    came = f"{ip}" + (f" (From host {host})" if host else "")
    published = ""
    if carrier is not None and carrier.signalling_ranges and not match_addr_masks(ip, "", carrier.signalling_ranges):
        published = f" {ip} is not one of {carrier.label}'s published signalling addresses either."
    elif carrier is not None and carrier.signalling_ranges:
        published = f" {ip} is one of {carrier.label}'s published signalling addresses."
    return trunk(t, "skipped", "trunk.source_not_allowed",
                 f"accepts calls only from {_list(kept)} (allowed_addresses); this one comes from "
                 f"{came}.{published}",
                 f"Add {ip}, or the carrier's published signalling ranges, to allowed_addresses.")


def trunk_number(t: SIPInboundTrunkInfo, to: str) -> Considered:
    norm = normalize(to)
    note = ""
    if not norm.startswith("+"):
        note = f" {to!r} is not a phone number LiveKit can normalise, so it must be listed exactly."
    elif to.lstrip("+").startswith("0"):
        note = " A national number (leading 0) never equals its international form."
    return trunk(t, "skipped", "trunk.number_not_listed",
                 f"takes calls to {_list(t.numbers)}; {to} is none of them, even compared "
                 f"normalised ({norm}).{note}",
                 f"Add {to} to its numbers if this trunk should take the call.")


def trunk_outranked(t: SIPInboundTrunkInfo, winner: SIPInboundTrunkInfo, to: str) -> Considered:
    return trunk(t, "outranked", "trunk.default_outranked",
                 f"would take any number (it has no numbers), but trunk {winner.sip_trunk_id} lists "
                 f"{to}, and a trunk listing the number always wins.")


def trunk_conflict(t: SIPInboundTrunkInfo, other: str, message: str) -> Considered:
    return trunk(t, "conflict", "trunk.conflict",
                 f"takes this call, and so does trunk {other}: LiveKit refuses to choose "
                 f"(“{message}”) and the carrier gets 503 Try again later.",
                 "Give the trunks different numbers, or different allowed_numbers, so that one "
                 "trunk takes each call.")


def trunk_not_reached(t: SIPInboundTrunkInfo, why: str) -> Considered:
    return trunk(t, "not_reached", "trunk.not_reached", why)


def rule_selected(r: SIPDispatchRuleInfo, trunk_id: str | None) -> Considered:
    scope = (f"it is bound to trunk {trunk_id}" if r.trunk_ids and trunk_id
             else "it has no trunk_ids (it takes calls of any trunk)")
    return rule(r, "selected", "rule.selected",
                f"takes the call: {scope}, its filters let the call through and no rule outranks it.")


def rule_skipped(r: SIPDispatchRuleInfo, why: RuleSkipped, caller: str, to: str,
                 trunk_id: str | None, cloud: bool) -> Considered:
    if why is RuleSkipped.CALLING_NUMBER:
        other_form = [n for n in r.inbound_numbers if normalize(n) == normalize(caller)]
        if other_form:
            return rule(r, "skipped", "rule.caller_other_form",
                        f"lists the caller as {other_form[0]}, but the carrier sends {caller}; a "
                        "rule's inbound_numbers is compared as an exact string (unlike a trunk's).",
                        f"Write {caller} exactly as sent instead of {other_form[0]} (not both: "
                        "LiveKit refuses a rule holding one number twice), or empty inbound_numbers.")
        return rule(r, "skipped", "rule.caller_not_listed",
                    f"takes only calls from {_list(r.inbound_numbers)} (inbound_numbers, exact "
                    f"strings); the caller is {caller}.",
                    f"Add {caller} to inbound_numbers exactly as sent, or empty it to take any caller.")
    if why is RuleSkipped.CALLED_NUMBER:
        other_form = [n for n in r.numbers if normalize(n) == normalize(to)]
        if other_form:
            return rule(r, "skipped", "rule.number_other_form",
                        f"lists the number as {other_form[0]}, but the carrier sends {to}; a rule's "
                        "numbers is compared as an exact string (unlike a trunk's), so the call "
                        "does not match.",
                        f"Write {to} exactly as sent instead of {other_form[0]} (not both: LiveKit "
                        "refuses a rule holding one number twice), or empty numbers and let the "
                        "trunk's numbers pick the calls, or have the carrier send "
                        f"{other_form[0]}.")
        return rule(r, "skipped", "rule.number_not_listed",
                    f"takes only calls to {_list(r.numbers)} (numbers, exact strings); this call "
                    f"is to {to}.", f"Add {to} to numbers exactly as sent if this rule should take it.")
    if why is RuleSkipped.PIN_PROTECTED:
        return rule(r, "skipped", "rule.pin_protected",
                    "needs a PIN, and the caller pressed # without one (LiveKit then considers "
                    "only rules without a PIN).")
    if why is RuleSkipped.NO_PIN_ON_RULE:
        return rule(r, "skipped", "rule.no_pin",
                    "has no PIN; once the caller types a PIN, LiveKit considers only PIN-protected rules.")
    if why is RuleSkipped.WRONG_PIN:
        return rule(r, "skipped", "rule.wrong_pin", "its PIN is not the one typed.",
                    "Type this rule's PIN.")
    bound = _list(r.trunk_ids)
    if why is RuleSkipped.NO_TRUNK:
        where = ("a LiveKit Phone Number arrives without a trunk" if cloud
                 else "this call matched no trunk (self-hosted LiveKit goes on without one)")
        return rule(r, "skipped", "rule.needs_trunk",
                    f"takes only calls arriving on trunk {bound}; {where}, and only rules without "
                    "trunk_ids take such calls.",
                    "Make one of its trunks take the call (see the trunks), or empty trunk_ids.")
    return rule(r, "skipped", "rule.other_trunk",
                f"takes only calls arriving on trunk {bound}; this one arrives on {trunk_id}.",
                f"Add {trunk_id} to its trunk_ids if it should take these calls.")


def rule_outranked(r: SIPDispatchRuleInfo, winner: SIPDispatchRuleInfo) -> Considered:
    wid = winner.sip_dispatch_rule_id
    if winner.trunk_ids and not r.trunk_ids:
        why = (f"matches too, but rule {wid} is bound to the call's trunk, and a rule bound to "
               "the trunk always wins over one without trunk_ids.")
    else:
        p_r, p_w = dispatch_rule_priority(r), dispatch_rule_priority(winner)
        if p_r == p_w:
            why = (f"matches too, with the same priority as rule {wid}, whose room name "
                   f"{get_pin_and_room(winner)[0]!r} sorts first.")
        else:
            why = (f"matches too, but rule {wid} comes first (priority {p_w} against {p_r}: "
                   "PIN-protected before open, direct before individual before callee, and a rule "
                   "listing callers or numbers before one that does not).")
    return rule(r, "outranked", "rule.outranked", why)


def rule_conflict(r: SIPDispatchRuleInfo, other: str, message: str, *, itself: bool = False) -> Considered:
    if itself:
        return rule(r, "conflict", "rule.conflict",
                    "lists one number twice (in two forms), so its keys collide with each other: "
                    f"LiveKit refuses to route (“{message}”) and the carrier gets 503 Try again later.",
                    "Keep one form of each number in numbers and inbound_numbers.")
    return rule(r, "conflict", "rule.conflict",
                f"shares its trunk, inbound number, number and PIN with rule {other}: LiveKit "
                f"refuses to route (“{message}”) and the carrier gets 503 Try again later.",
                "Delete one of the two rules, or give them different trunk_ids, numbers, "
                "inbound_numbers or PIN.")


def rule_invalid(r: SIPDispatchRuleInfo) -> Considered:
    return rule(r, "conflict", "rule.invalid",
                "has no rule type (direct, individual or callee): LiveKit fails every dispatch "
                "evaluation that meets it, and the carrier gets 503 Try again later.",
                "Give the rule a type, or delete it.")


def rule_not_reached(r: SIPDispatchRuleInfo, why: str) -> Considered:
    return rule(r, "not_reached", "rule.not_reached", why)
