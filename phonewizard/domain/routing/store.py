"""LiveKit's SIP store as the routing queries it: the trunks listed for a called number, the
rules listed for a trunk, a trunk by ID.

livekit/livekit ``ioservice_sip.go`` asks its store for ``ListSIPInboundTrunk{Numbers: [called]}``
(``SelectSIPInboundTrunk``) and ``ListSIPDispatchRule{TrunkIds: [trunk]}`` (``SelectSIPDispatchRule``),
whose filters are ``ListSIPInboundTrunkRequest.Filter`` and ``ListSIPDispatchRuleRequest.Filter``
(livekit/protocol ``livekit/sip.go``), results in list order. `ListStore` applies those filters to
the full lists on every query, as written. `IndexedStore` gives the same answers from indices
built once (by normalised number, by trunk ID), so a verdict over 1,000 trunks and rules does
not walk them all several times; a test checks the two agree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.rules import select_dispatch_rules
from phonewizard.domain.routing.trunks import normalize, select_inbound_trunks

TAIL = 7  # digits that identify a subscriber number across national and international forms


@lru_cache(maxsize=65536)
def number_tail(number: str) -> str:
    """The last 7 digits of a number ("" when it has fewer): equal for ``0207 555 0123`` and
    ``+44 207 555 0123``, which LiveKit's normalisation keeps apart."""
    digits = "".join(c for c in number if c.isdigit())
    return digits[-TAIL:] if len(digits) >= TAIL else ""


@lru_cache(maxsize=65536)
def number_keys(number: str) -> tuple[str, str]:
    """(NormalizeNumber, last 7 digits): one cache lookup per number while indexing."""
    return normalize(number), number_tail(number)


class ListStore:
    """The store as the Go code queries it: each query filters the full lists."""

    def __init__(self, trunks: Sequence[SIPInboundTrunkInfo], rules: Sequence[SIPDispatchRuleInfo]) -> None:
        self.trunks = list(trunks)
        self.rules = list(rules)

    def inbound_trunks(self, called: str) -> list[SIPInboundTrunkInfo]:
        """``SelectSIPInboundTrunk``: trunks listing `called` (exactly or normalised), or none."""
        return select_inbound_trunks(self.trunks, called)

    def dispatch_rules(self, trunk_id: str) -> list[SIPDispatchRuleInfo]:
        """``SelectSIPDispatchRule``: rules without trunk_ids or listing `trunk_id`; all without one."""
        return select_dispatch_rules(self.rules, trunk_id)

    def load_trunk(self, trunk_id: str) -> SIPInboundTrunkInfo | None:
        """``LoadSIPInboundTrunk``."""
        return next((t for t in self.trunks if t.sip_trunk_id == trunk_id), None)


class _Positions:
    """key → list positions, without a list per key: most keys hold one position, and a few
    thousand small lists would make the garbage collector walk them (its pauses showed as p99)."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.more: dict[str, list[int]] = {}

    def add(self, key: str, position: int) -> None:
        first = self.first.setdefault(key, position)
        if first != position:
            self.more.setdefault(key, []).append(position)

    def get(self, key: str) -> list[int]:
        if key not in self.first:
            return []
        return [self.first[key], *self.more.get(key, ())]


class IndexedStore(ListStore):
    """The same answers as `ListStore`, from indices built once. The lists must not change
    afterwards (build a new store when they do)."""

    def __init__(self, trunks: Sequence[SIPInboundTrunkInfo], rules: Sequence[SIPDispatchRuleInfo]) -> None:
        super().__init__(trunks, rules)
        self._trunks_by_number, self._trunks_by_tail = _Positions(), _Positions()
        self._default_trunks: list[int] = []
        self._trunk_by_id: dict[str, SIPInboundTrunkInfo] = {}
        for i, t in enumerate(self.trunks):
            self._trunk_by_id.setdefault(t.sip_trunk_id, t)
            numbers = t.numbers
            if not numbers:
                self._default_trunks.append(i)
            for n in numbers:
                norm, tail = number_keys(n)
                self._trunks_by_number.add(norm, i)
                if tail:
                    self._trunks_by_tail.add(tail, i)
        self.rule_position = {id(r): i for i, r in enumerate(self.rules)}
        self._rules_by_trunk, self._rules_by_number, self._rules_by_tail = _Positions(), _Positions(), _Positions()
        self._default_rules: list[int] = []
        self._open_rules: list[int] = []  # no trunk_ids and no numbers: catch-alls
        for i, r in enumerate(self.rules):
            trunk_ids, numbers = r.trunk_ids, r.numbers
            if not trunk_ids:
                self._default_rules.append(i)
                if not numbers:
                    self._open_rules.append(i)
            for tid in trunk_ids:
                self._rules_by_trunk.add(tid, i)
            for n in numbers:
                norm, tail = number_keys(n)
                self._rules_by_number.add(norm, i)
                if tail:
                    self._rules_by_tail.add(tail, i)

    def inbound_trunks(self, called: str) -> list[SIPInboundTrunkInfo]:
        found = set(self._default_trunks).union(self._trunks_by_number.get(normalize(called)))
        return [self.trunks[i] for i in sorted(found)]

    def dispatch_rules(self, trunk_id: str) -> list[SIPDispatchRuleInfo]:
        if not trunk_id:
            return list(self.rules)
        found = set(self._default_rules).union(self._rules_by_trunk.get(trunk_id))
        return [self.rules[i] for i in sorted(found)]

    def load_trunk(self, trunk_id: str) -> SIPInboundTrunkInfo | None:
        return self._trunk_by_id.get(trunk_id)

    def related_trunks(self, called: str) -> list[SIPInboundTrunkInfo]:
        """Trunks a call to `called` concerns: those LiveKit lists for it, and those listing a
        number with the same last 7 digits (a form that does not normalise to it)."""
        found = set(self._default_trunks).union(self._trunks_by_number.get(normalize(called)))
        if tail := number_tail(called):
            found.update(self._trunks_by_tail.get(tail))
        return [self.trunks[i] for i in sorted(found)]

    def related_rule_positions(self, called: str, trunk_ids: set[str]) -> set[int]:
        """Rules a call concerns: catch-alls, rules bound to `trunk_ids`, rules whose numbers hold
        `called` in some form or with the same last 7 digits."""
        found = set(self._open_rules).union(self._rules_by_number.get(normalize(called)))
        if tail := number_tail(called):
            found.update(self._rules_by_tail.get(tail))
        for tid in trunk_ids:
            found.update(self._rules_by_trunk.get(tid))
        return found
