"""The doctor's observer: records why LiveKit's routing passed over each trunk and rule, and lets
an unknown caller through every caller filter (the doctor's assumption when no caller is given).

Objects are keyed by identity, not ID: a planned object has no ID yet, and a project could hold
two objects with the same (empty) ID.
"""

from __future__ import annotations

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.bridge import Observer
from phonewizard.domain.routing.rules import RuleSkipped
from phonewizard.domain.routing.trunks import TrunkConflict, TrunkFiltered


class Recorder(Observer):
    def __init__(self, *, any_caller: bool) -> None:
        self.any_caller = any_caller
        self.trunk_filters: dict[int, TrunkFiltered] = {}  # first filter that dropped the trunk
        self.trunk_conflicts: list[tuple[SIPInboundTrunkInfo, SIPInboundTrunkInfo, TrunkConflict]] = []
        self.caller_filtered_trunks: dict[int, SIPInboundTrunkInfo] = {}  # passed only by assumption
        self.passes: dict[int, dict[int, RuleSkipped]] = {}
        self.current_pass = 0
        self.caller_filtered_rules: dict[int, SIPDispatchRuleInfo] = {}
        self.rule_conflicts: list[tuple[SIPDispatchRuleInfo, SIPDispatchRuleInfo]] = []

    def trunk_filtered(self, trunk: SIPInboundTrunkInfo, reason: TrunkFiltered) -> bool:
        if reason is TrunkFiltered.CALLING_NUMBER_DISALLOWED and self.any_caller:
            self.caller_filtered_trunks[id(trunk)] = trunk
            return True
        if reason is not TrunkFiltered.CALLED_NUMBER_DISALLOWED:  # reported per number; derived later
            self.trunk_filters.setdefault(id(trunk), reason)
        return False

    def trunk_conflict(self, t1: SIPInboundTrunkInfo, t2: SIPInboundTrunkInfo, reason: TrunkConflict) -> None:
        self.trunk_conflicts.append((t1, t2, reason))

    def dispatch_pass(self, number: int) -> None:
        self.current_pass = number
        self.passes[number] = {}
        self.rule_conflicts = []

    def rule_skipped(self, rule: SIPDispatchRuleInfo, reason: RuleSkipped) -> bool:
        if reason is RuleSkipped.CALLING_NUMBER and self.any_caller:
            self.caller_filtered_rules[id(rule)] = rule
            return True
        self.passes[self.current_pass].setdefault(id(rule), reason)
        return False

    def rule_conflict(self, r1: SIPDispatchRuleInfo, r2: SIPDispatchRuleInfo) -> None:
        self.rule_conflicts.append((r1, r2))

    @property
    def decisive_skips(self) -> dict[int, RuleSkipped]:
        """The rule skips of the last dispatch evaluation (the one that decided)."""
        return self.passes.get(self.current_pass, {})
