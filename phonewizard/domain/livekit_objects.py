"""What a LiveKit project holds, as plain values: the input of the inventory and the reverse mapping.

`ProjectObjects` is everything one read of a project returned (services/project_reader.py fills
it with one List per object kind); `RegistrationObjects` is the part of it that serves one phone
number, which `reverse()` turns back into a `phonewizard/1` document. Trunks and rules are the
livekit-protocol messages exactly as LiveKit listed them. Trunks may carry their SIP password, so
no repr here ever shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

# PhoneNumber.status values (livekit_phone_number.proto) as protojson writes them.
RELEASED_STATUSES = frozenset({"PHONE_NUMBER_STATUS_RELEASED", "3"})


@dataclass(frozen=True)
class PhoneNumberInfo:
    """A LiveKit Phone Number (PhoneNumberService), reduced to what phonewizard uses."""

    id: str
    phone_number: str  # e164_format
    dispatch_rule_ids: tuple[str, ...]
    status: str

    @property
    def released(self) -> bool:
        """A released number no longer belongs to the project and receives no calls."""
        return self.status in RELEASED_STATUSES


@dataclass(frozen=True)
class ProjectObjects:
    """One read of a project. `numbers_readable` is False when the server has no PhoneNumberService
    (self-hosted LiveKit): then `numbers` is empty because there are none to read, not because
    none were bought. `requests` counts the LiveKit requests the read made (0 when built by hand)."""

    inbound: tuple[SIPInboundTrunkInfo, ...] = field(default=(), repr=False)
    outbound: tuple[SIPOutboundTrunkInfo, ...] = field(default=(), repr=False)
    rules: tuple[SIPDispatchRuleInfo, ...] = field(default=(), repr=False)
    numbers: tuple[PhoneNumberInfo, ...] = ()
    numbers_readable: bool = True
    requests: int = 0

    def __repr__(self) -> str:
        return (f"ProjectObjects(inbound={len(self.inbound)}, outbound={len(self.outbound)}, "
                f"rules={len(self.rules)}, numbers={len(self.numbers)}, requests={self.requests})")


@dataclass(frozen=True)
class RegistrationObjects:
    """The objects that serve one number. Usually at most one of each kind; more when an
    interrupted run or a hand-made set-up left several (the reverse mapping names the extra ones).
    `phone_number` is the number as LiveKit normalises it (`normalize_number`)."""

    phone_number: str
    inbound: tuple[SIPInboundTrunkInfo, ...] = field(default=(), repr=False)
    outbound: tuple[SIPOutboundTrunkInfo, ...] = field(default=(), repr=False)
    rules: tuple[SIPDispatchRuleInfo, ...] = field(default=(), repr=False)
    numbers: tuple[PhoneNumberInfo, ...] = ()

    def __repr__(self) -> str:
        ids = [t.sip_trunk_id for t in (*self.inbound, *self.outbound)]
        ids += [r.sip_dispatch_rule_id for r in self.rules] + [n.id for n in self.numbers]
        return f"RegistrationObjects({self.phone_number!r}, {ids})"
