"""Which dispatch rule takes a call: livekit/protocol ``sip/sip.go`` ``MatchDispatchRuleIter``.

Every rule first goes through ``DispatchRuleValidator`` (two rules sharing a (PIN, trunk,
inbound number, number) key make the whole evaluation fail). Then a rule is skipped when its
``inbound_numbers`` do not contain the caller or its ``numbers`` do not contain the called number,
both compared as **exact strings** (``slices.Contains``, unlike a trunk's numbers); when a PIN
was sent it keeps only rules with that PIN, in no-PIN mode only rules without one. Rules without
``trunk_ids`` are defaults; rules listing the call's trunk are specific. A specific rule always
beats a default one; within each group ``DispatchRulePriority`` decides, ties by room name.

`skipped(rule, reason)` is the doctor's window on each ``continue`` of the Go loop; returning
True keeps a rule the filter would drop (as ``WithTrunkFiltered`` does for trunks). Without it the
behaviour is LiveKit's.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Callable, Iterable

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.rpc import (
    DispatchRequest,
    DispatchRuleConflictError,
    InvalidDispatchRuleError,
    NoDispatchMatchedError,
    go_quote,
)
from phonewizard.domain.routing.trunks import normalize

LAST = 2**31 - 1  # math.MaxInt32: a rule of unknown type sorts last


class RuleSkipped(IntEnum):
    """Why ``MatchDispatchRuleIter`` passed over a rule (one value per ``continue``)."""

    CALLING_NUMBER = 1  # inbound_numbers set and the caller is not in it (exact)
    CALLED_NUMBER = 2  # numbers set and the called number is not in it (exact)
    PIN_PROTECTED = 3  # no-PIN mode (caller pressed # alone) and the rule has a PIN
    NO_PIN_ON_RULE = 4  # a PIN was sent and the rule has none
    WRONG_PIN = 5  # a PIN was sent and it is not the rule's
    NO_TRUNK = 6  # the rule lists trunks and the call matched no trunk
    OTHER_TRUNK = 7  # the rule lists trunks, not the call's


SkippedFunc = Callable[[SIPDispatchRuleInfo, RuleSkipped], bool]
RuleConflictFunc = Callable[[SIPDispatchRuleInfo, SIPDispatchRuleInfo], None]


def get_pin_and_room(info: SIPDispatchRuleInfo) -> tuple[str, str]:
    """``GetPinAndRoom``: (room name or prefix, pin); raises for a rule without a type."""
    kind = info.rule.WhichOneof("rule")
    if kind == "dispatch_rule_direct":
        r = info.rule.dispatch_rule_direct
        return r.room_name, r.pin
    if kind == "dispatch_rule_individual":
        r = info.rule.dispatch_rule_individual
        return r.room_prefix, r.pin
    if kind == "dispatch_rule_callee":
        r = info.rule.dispatch_rule_callee
        return r.room_prefix, r.pin
    raise InvalidDispatchRuleError(
        "invalid_argument", "unsupported SIP Dispatch Rule: <nil>", (info.sip_dispatch_rule_id,)
    )


_BASE = {"dispatch_rule_direct": 0, "dispatch_rule_individual": 1, "dispatch_rule_callee": 2}


def dispatch_rule_priority(info: SIPDispatchRuleInfo) -> int:
    """``DispatchRulePriority``: lower wins. PIN-protected 0/1/2 (direct/individual/callee),
    open 100/101/102, plus 1000 without inbound_numbers and 1000 without numbers."""
    kind = info.rule.WhichOneof("rule")
    if kind not in _BASE:
        return LAST
    _, pin = get_pin_and_room(info)
    priority = _BASE[kind] + (0 if pin else 100)
    if not info.inbound_numbers:
        priority += 1000
    if not info.numbers:
        priority += 1000
    return priority


def _room_for_sort(info: SIPDispatchRuleInfo) -> str:
    try:
        return get_pin_and_room(info)[0]
    except InvalidDispatchRuleError:
        return ""  # Go ignores the error here and compares the empty room


def has_higher_priority(r1: SIPDispatchRuleInfo, r2: SIPDispatchRuleInfo) -> bool:
    """``hasHigherPriority``: r1 before r2; equal priorities by room name (byte order)."""
    p1, p2 = dispatch_rule_priority(r1), dispatch_rule_priority(r2)
    if p1 != p2:
        return p1 < p2
    return _room_for_sort(r1).encode() < _room_for_sort(r2).encode()


class DispatchRuleValidator:
    """``DispatchRuleValidator``: remembers every key seen and refuses a repeated one.

    A rule listing one number in two forms (``+1415…`` and ``1415…``) collides with itself: the
    keys are normalised and Go compares against any earlier holder of the key, itself included."""

    def __init__(self, *, conflict: RuleConflictFunc | None = None, allow_conflicts: bool = False):
        self._by_key: dict[tuple[str, str, str, str], SIPDispatchRuleInfo] = {}
        self._conflict = conflict
        self._allow = allow_conflicts

    def validate(self, r: SIPDispatchRuleInfo) -> None:
        _, pin = get_pin_and_room(r)
        for trunk in list(r.trunk_ids) or [""]:
            for inbound in list(r.inbound_numbers) or [""]:
                for number in list(r.numbers) or [""]:
                    key = (pin, trunk, normalize(inbound), normalize(number))
                    r2 = self._by_key.get(key)
                    if r2 is not None:
                        if self._conflict is not None:
                            self._conflict(r, r2)
                        if self._allow:
                            continue
                        raise DispatchRuleConflictError(
                            "invalid_argument",
                            "Dispatch rule for the same trunk, inbound number, number, and PIN "
                            "combination already exists in dispatch rule "
                            f"{go_quote(r2.sip_dispatch_rule_id or '<new>')} "
                            f"{go_quote(r2.name or '<blank name>')}",
                            (r2.sip_dispatch_rule_id, r.sip_dispatch_rule_id),
                        )
                    self._by_key[key] = r


def select_dispatch_rules(rules: Iterable[SIPDispatchRuleInfo], trunk_id: str) -> list[SIPDispatchRuleInfo]:
    """``SelectSIPDispatchRule`` (ioservice_sip.go): with a trunk, the list request keeps rules
    without trunk_ids and rules listing it (``ListSIPDispatchRuleRequest.Filter``); without a
    trunk, every rule. Only these are validated and matched."""
    if not trunk_id:
        return list(rules)
    return [r for r in rules if not r.trunk_ids or trunk_id in r.trunk_ids]


def _keep(skipped: SkippedFunc | None, rule: SIPDispatchRuleInfo, why: RuleSkipped) -> bool:
    return skipped is not None and skipped(rule, why)


def match_dispatch_rule(
    trunk: SIPInboundTrunkInfo | None,
    rules: Iterable[SIPDispatchRuleInfo],
    req: DispatchRequest,
    *,
    skipped: SkippedFunc | None = None,
    conflict: RuleConflictFunc | None = None,
    allow_conflicts: bool = False,
) -> SIPDispatchRuleInfo:
    """``MatchDispatchRuleIter``: the best rule, or NoDispatchMatchedError / a RoutingError."""
    validator = DispatchRuleValidator(conflict=conflict, allow_conflicts=allow_conflicts)
    specific: SIPDispatchRuleInfo | None = None
    default: SIPDispatchRuleInfo | None = None
    specific_count = default_count = 0
    for info in rules:
        validator.validate(info)  # raises on a conflict or a rule without a type
        if info.inbound_numbers and req.calling_number not in info.inbound_numbers:
            if not _keep(skipped, info, RuleSkipped.CALLING_NUMBER):
                continue
        if info.numbers and req.called_number not in info.numbers:
            if not _keep(skipped, info, RuleSkipped.CALLED_NUMBER):
                continue
        _, rule_pin = get_pin_and_room(info)
        if req.no_pin:
            if rule_pin and not _keep(skipped, info, RuleSkipped.PIN_PROTECTED):
                continue
        elif req.pin:
            if not rule_pin:
                if not _keep(skipped, info, RuleSkipped.NO_PIN_ON_RULE):
                    continue
            elif req.pin != rule_pin and not _keep(skipped, info, RuleSkipped.WRONG_PIN):
                continue  # no fallback to open rules: the PIN was meant for a protected one
        if not info.trunk_ids:
            default_count += 1
            if default is None or has_higher_priority(info, default):
                default = info
            continue
        if trunk is None:
            if not _keep(skipped, info, RuleSkipped.NO_TRUNK):
                continue
        elif trunk.sip_trunk_id not in info.trunk_ids:
            if not _keep(skipped, info, RuleSkipped.OTHER_TRUNK):
                continue
        specific_count += 1
        if specific is None or has_higher_priority(info, specific):
            specific = info
    if specific is not None:
        return specific
    if default is not None:
        return default
    raise NoDispatchMatchedError(
        no_rules=specific_count == 0 and default_count == 0,
        no_trunks=trunk is None,
        called_number=req.called_number,
    )
