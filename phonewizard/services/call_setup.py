"""What a test call needs from a registration, found in LiveKit by phonewizard's marker.

One round trip (the three List calls of the registrar) gives the registration's outbound trunk
(its ID, caller-ID numbers, termination host, media encryption, destination country) and dispatch
rule (room prefix, the agent and its per-number metadata), so nothing has to be stored locally
and a call always uses what LiveKit really holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from livekit.protocol.sip import SIPMediaEncryption

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import parse_marker
from phonewizard.services.livekit_client import Connection, guard, open_api
from phonewizard.services.registrar_run import list_all

_ENCRYPTION = {SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE: "DISABLE",
               SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW: "ALLOW",
               SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE: "REQUIRE"}


@dataclass(frozen=True)
class OutboundTrunk:
    trunk_id: str
    numbers: tuple[str, ...]  # the caller IDs the trunk may use
    address: str
    media_encryption: str  # DISABLE | ALLOW | REQUIRE
    destination_country: str


@dataclass(frozen=True)
class CallSetup:
    phone_number: str  # as the marker has it (+E.164)
    agent_name: str
    provider: str | None
    outbound: OutboundTrunk | None  # None: outbound calling is not enabled for the number
    room_prefix: str | None  # the dispatch rule's individual-rule prefix
    agents: tuple[tuple[str, str], ...] = ()  # (agent_name, metadata) of the rule's room_config
    hide_phone_number: bool = False

    def caller_id(self, avoid: str = "") -> str:
        """A caller ID of the outbound trunk: the registered number when the trunk has it, else its
        first number; never `avoid` when another exists (a number calling itself may be refused)."""
        assert self.outbound is not None
        numbers = list(self.outbound.numbers)
        preferred = [n for n in numbers if normalize_number(n) != normalize_number(avoid)] or numbers
        own = [n for n in preferred if normalize_number(n) == normalize_number(self.phone_number)]
        return (own or preferred)[0]


async def find_call_setup(conn: Connection, phone_number: str) -> CallSetup | None:
    """phonewizard's objects for `phone_number`, or None when there are none. Raises the mapped
    LiveKit errors (unreachable, authentication)."""
    async def work() -> CallSetup | None:
        async with open_api(conn, sip_admin=True) as api:
            _inbound, outbound, rules = await list_all(api, conn)
        return _assemble(phone_number, outbound, rules)
    return await guard(conn, work())


def _assemble(phone_number: str, outbound: list, rules: list) -> CallSetup | None:
    wanted = normalize_number(phone_number)

    def ours(items: list) -> list:
        return [(o, m) for o in items if (m := parse_marker(o.metadata)) is not None
                and normalize_number(m.phone_number) == wanted]

    trunks, my_rules = ours(outbound), ours(rules)
    if not trunks and not my_rules:
        return None
    marker = (my_rules or trunks)[0][1]
    trunk = _outbound(trunks[0][0]) if trunks else None
    prefix, agents, hide = None, (), False
    if my_rules:
        rule = my_rules[0][0]
        if rule.rule.WhichOneof("rule") == "dispatch_rule_individual":
            prefix = rule.rule.dispatch_rule_individual.room_prefix
        elif rule.rule.WhichOneof("rule") == "dispatch_rule_callee":
            prefix = rule.rule.dispatch_rule_callee.room_prefix
        agents = tuple((a.agent_name, a.metadata) for a in rule.room_config.agents)
        hide = rule.hide_phone_number
    return CallSetup(marker.phone_number, marker.agent_name, marker.provider, trunk, prefix, agents, hide)


def _outbound(trunk) -> OutboundTrunk:
    if trunk.HasField("media") and trunk.media.HasField("encryption"):
        encryption = trunk.media.encryption
    else:
        encryption = trunk.media_encryption  # the deprecated field, which servers upgrade into media
    return OutboundTrunk(trunk.sip_trunk_id, tuple(trunk.numbers), trunk.address,
                         _ENCRYPTION.get(encryption, "DISABLE"), trunk.destination_country)
