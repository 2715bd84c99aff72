"""Conflict checks between stored objects, ported from livekit/protocol ``sip/sip.go``.

Inbound trunks (``ValidateTrunksIter``): bucket by normalised called number (``""`` for trunks
with no numbers); inside a bucket two trunks both without allowed_numbers conflict, and two trunks
sharing a normalised allowed number conflict. Dispatch rules (``DispatchRuleValidator``): key =
(pin, trunk id, normalised inbound number, normalised number) over the cartesian product.
Objects are visited in the order the server lists them (sorted by ID) with the new one last, so
the IDs in the message come out as LiveKit prints them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from livekit.protocol import sip as sip_pb

from .errors import invalid
from .ids import normalize_number
from .validation import ValidationFailure, rule_pin


def _go_quote(value: str) -> str:
    """Go's %q for ordinary strings (JSON escaping is close enough for printable text)."""
    return json.dumps(value, ensure_ascii=False)


def _print_id(value: str) -> str:
    return value or "<new>"


def _print_numbers(numbers) -> str:
    """printNumbers: ``<any>`` or Go's %q of a []string, e.g. ``["+1415" "+1416"]``."""
    if not numbers:
        return "<any>"
    return "[" + " ".join(_go_quote(n) for n in numbers) + "]"


def _check_in_bucket(bucket: dict, trunk: sip_pb.SIPInboundTrunkInfo) -> None:
    """validateTrunkInbound."""
    if not trunk.allowed_numbers:
        other = bucket.get("")
        if other is not None and other.sip_trunk_id != trunk.sip_trunk_id:
            raise invalid(
                "Conflicting inbound SIP Trunks: "
                f"{_go_quote(_print_id(trunk.sip_trunk_id))} and {_go_quote(_print_id(other.sip_trunk_id))}, "
                f"using the same number(s) {_print_numbers(trunk.numbers)} without AllowedNumbers set"
            )
        bucket[""] = trunk
        return
    seen: set[str] = set()
    for num in trunk.allowed_numbers:
        key = normalize_number(num)
        if key in seen:
            continue
        seen.add(key)
        other = bucket.get(key)
        if other is not None and other.sip_trunk_id != trunk.sip_trunk_id:
            raise invalid(
                "Conflicting inbound SIP Trunks: "
                f"{_go_quote(_print_id(trunk.sip_trunk_id))} and {_go_quote(_print_id(other.sip_trunk_id))}, "
                f"using the same number(s) {_print_numbers(trunk.numbers)} and AllowedNumber {_go_quote(num)}"
            )
        bucket[key] = trunk


def check_trunks(trunks: Iterable[sip_pb.SIPInboundTrunkInfo]) -> None:
    """Raise invalid_argument at the first conflicting pair, like ValidateTrunksIter."""
    by_number: dict[str, dict] = {}
    for trunk in trunks:
        if not trunk.numbers:
            _check_in_bucket(by_number.setdefault("", {}), trunk)
            continue
        seen: set[str] = set()
        for num in trunk.numbers:
            key = normalize_number(num)
            if key in seen:  # "+91…" and "91…" in one trunk are one number, not a self-conflict
                continue
            seen.add(key)
            _check_in_bucket(by_number.setdefault(key, {}), trunk)


def check_rules(rules: Iterable[sip_pb.SIPDispatchRuleInfo]) -> None:
    """Raise invalid_argument at the first rule whose key is already taken."""
    by_key: dict[tuple[str, str, str, str], sip_pb.SIPDispatchRuleInfo] = {}
    for rule in rules:
        try:
            pin = rule_pin(rule)
        except ValidationFailure as e:
            raise invalid(e.msg) from None
        for trunk in list(rule.trunk_ids) or [""]:
            for inbound in list(rule.inbound_numbers) or [""]:
                for number in list(rule.numbers) or [""]:
                    key = (pin, trunk, normalize_number(inbound), normalize_number(number))
                    other = by_key.get(key)
                    if other is not None:
                        raise invalid(
                            "Dispatch rule for the same trunk, inbound number, number, and PIN "
                            "combination already exists in dispatch rule "
                            f"{_go_quote(_print_id(other.sip_dispatch_rule_id))} "
                            f"{_go_quote(other.name or '<blank name>')}"
                        )
                    by_key[key] = rule
