"""The doctor's answer for one call: `Verdict`, with every trunk and rule it looked at and the
path carrier → inbound trunk → dispatch rule → room → agent.

`Verdict.to_json()` is the contract of `phonewizard doctor --json` (issue 10 item 4; the fields
are documented in docs/doctor.md): scripts depend on it, so keys are only ever added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from phonewizard.domain.routing.call import InboundCall
from phonewizard.domain.routing.finding import Finding

Outcome = Literal["accepted", "pin_required", "rejected", "dropped", "error"]
HopKind = Literal["carrier", "trunk", "rule", "room", "agent"]
# passed: the call went through; bypassed: no object here, and the call went on (self-hosted
# without a trunk, a LiveKit Phone Number); stopped: the call ends at this hop; not_reached.
HopStatus = Literal["passed", "bypassed", "stopped", "not_reached"]
# selected: took the call; skipped: a filter excluded it; outranked: it matched, another won;
# conflict: it is one of two objects that make LiveKit fail; not_reached: never looked at.
ConsideredStatus = Literal["selected", "skipped", "outranked", "conflict", "not_reached"]


@dataclass(frozen=True)
class Considered:
    """One trunk or rule, and what LiveKit made of it for this call."""

    kind: Literal["trunk", "rule"]
    object_id: str
    name: str
    status: ConsideredStatus
    code: str  # stable, e.g. "trunk.caller_not_allowed"; listed in docs/doctor.md
    reason: str  # why, in a plain sentence
    fix: str = ""  # what to change, when something should

    def line(self) -> str:
        label = f"{self.kind} {self.object_id}" + (f" “{self.name}”" if self.name else "")
        return f"{label}: {self.reason}" + (f" {self.fix}" if self.fix else "")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.object_id, "name": self.name, "status": self.status,
                "code": self.code, "reason": self.reason, "fix": self.fix}


@dataclass(frozen=True)
class Hop:
    """One step of the drawn path, the object at it named."""

    kind: HopKind
    title: str  # "Carrier", "Inbound trunk", "Dispatch rule", "Room", "Agent"
    object_id: str | None
    label: str  # what to print in the box: a name, a room name, agent names
    status: HopStatus
    detail: str  # one line: what happened here

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "id": self.object_id, "label": self.label,
                "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    """Where a call to `call.to` would go on this project, or why it would not arrive."""

    call: InboundCall
    cloud: bool
    outcome: Outcome
    sip_status: int | None  # the SIP error the carrier receives (404, 503); None otherwise
    sip_reason: str | None
    summary: str  # the verdict in plain words
    trunk_id: str | None
    trunk_name: str | None
    dispatch_rule_id: str | None
    dispatch_rule_name: str | None
    room: str | None  # with the literal <random> where LiveKit appends a random suffix
    participant_identity: str | None
    participant_name: str | None
    agents: tuple[str, ...]
    auth_required: bool
    pin_requested: bool
    considered: tuple[Considered, ...]  # the trunks and rules this call concerns
    unrelated: tuple[int, int]  # how many other (trunks, rules) the project has
    findings: tuple[Finding, ...]
    assumptions: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def stopped_at(self) -> Hop | None:
        return next((h for h in self.hops if h.status == "stopped"), None)

    @property
    def reasons(self) -> list[str]:
        """One line per trunk or rule passed over (skipped, outranked, in conflict), then one
        per finding."""
        lines = [c.line() for c in self.considered if c.status in ("skipped", "outranked", "conflict")]
        return lines + [str(f) for f in self.findings]

    @property
    def gets_through(self) -> bool:
        """Accepted with at least one agent dispatched: what `doctor` exits 0 for."""
        return self.outcome == "accepted" and bool(self.agents)

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "sip_status": self.sip_status,
            "trunk_id": self.trunk_id,
            "dispatch_rule_id": self.dispatch_rule_id,
            "room": self.room,
            "agents": list(self.agents),
            "auth_required": self.auth_required,
            "reasons": self.reasons,
            # Beyond the contract's minimum:
            "sip_reason": self.sip_reason,
            "summary": self.summary,
            "deployment": "cloud" if self.cloud else "self-hosted",
            "call": {"to": self.call.to, "from": self.call.caller, "source_ip": self.call.source_ip,
                     "pin": self.call.pin},
            "trunk_name": self.trunk_name,
            "dispatch_rule_name": self.dispatch_rule_name,
            "participant": ({"identity": self.participant_identity, "name": self.participant_name}
                            if self.participant_identity is not None else None),
            "pin_requested": self.pin_requested,
            "stopped_at": self.stopped_at.kind if self.stopped_at else None,
            "assumptions": list(self.assumptions),
            "considered": [c.to_json() for c in self.considered],
            "unrelated": {"trunks": self.unrelated[0], "rules": self.unrelated[1]},
            "findings": [f.to_json() for f in self.findings],
            "hops": [h.to_json() for h in self.hops],
        }
