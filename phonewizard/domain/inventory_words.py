"""The inventory in plain words: what `show`, `list --all` and the registrations page say.

Pure text from the objects LiveKit holds (inventory.py), never from what phonewizard meant to
create: `entry_lines(entry)` says where calls to the number go and where the agent's calls go out,
`state_words(entry)` names the state the way the table does, and `nothing_for(inventory, number)`
explains why a number has no entry (a number that only appears as another trunk's extra number, a
LiveKit number attached to no rule, a trunk or rule that takes calls for any number).
Values come from LiveKit and may hold anything; escaping for a terminal or HTML is the caller's.
"""

from __future__ import annotations

from typing import Any

from livekit.protocol.sip import SIPTransport

from phonewizard.domain.inventory import KIND_WORDS, InventoryEntry, ProjectInventory
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import room_pattern

STATE_WORDS = {"ok": "ok", "incomplete": "incomplete", "foreign": "not made by phonewizard"}
CARRIER_WORDS = {"livekit": "LiveKit number", "twilio": "Twilio", "telnyx": "Telnyx", "vonage": "Vonage",
                 "bandwidth": "Bandwidth", "custom": "other SIP carrier"}


def state_words(entry: InventoryEntry) -> str:
    """`ok`, `incomplete`, `not made by phonewizard` or `partly made by phonewizard`."""
    if entry.state == "foreign" and entry.origin == "mixed":
        return "partly made by phonewizard"
    return STATE_WORDS[entry.state]


def headline(entry: InventoryEntry) -> str:
    """One line: the number, who made it and its state."""
    who = {"phonewizard": "registered by phonewizard", "foreign": "set up outside phonewizard",
           "mixed": "set up partly by phonewizard, partly outside it"}[entry.origin]
    state = f" ({entry.state})" if entry.origin == "phonewizard" else ""
    return f"{entry.phone_number}: {who}{state}"


def direction_words(entry: InventoryEntry) -> str:
    parts = [p for p, on in (("inbound", entry.inbound), ("outbound", entry.outbound)) if on]
    return " + ".join(parts) if parts else "neither"


def _name(obj: Any) -> str:
    return f" “{obj.name}”" if getattr(obj, "name", "") else ""


def _agents(rule: Any) -> str:
    names = [a.agent_name for a in rule.room_config.agents]
    if not names:
        return "no agent by name (any agent registered without a name takes the call)"
    if len(names) == 1:
        return f"agent “{names[0]}”" if names[0] else "an agent without a name"
    return "agents " + ", ".join(f"“{n}”" for n in names)


def _rooms(rule: Any) -> str:
    kind = rule.rule.WhichOneof("rule")
    if kind == "dispatch_rule_individual":
        return f"each call in its own room {room_pattern(rule.rule.dispatch_rule_individual.room_prefix)}"
    if kind == "dispatch_rule_direct":
        return f"every call into the one room “{rule.rule.dispatch_rule_direct.room_name}”"
    if kind == "dispatch_rule_callee":
        return f"one room per called number (prefix “{rule.rule.dispatch_rule_callee.room_prefix}”)"
    return "into rooms named by LiveKit"


def _callers(trunk: Any) -> str:
    who = f"from {', '.join(trunk.allowed_numbers)}" if trunk.allowed_numbers else "from any caller"
    if trunk.allowed_addresses:
        who += f", sent from {', '.join(trunk.allowed_addresses)}"
    if trunk.auth_username:
        who += f", signing in as “{trunk.auth_username}”"
    return who


def entry_lines(entry: InventoryEntry) -> list[str]:
    """Where calls to the number go and how the agent calls out, from the objects themselves."""
    objects = entry.objects
    lines: list[str] = []
    for trunk in objects.inbound:
        numbers = ", ".join(trunk.numbers)
        lines.append(f"Calls to {numbers} are accepted by inbound trunk {trunk.sip_trunk_id}{_name(trunk)} "
                     f"{_callers(trunk)}.")
    for number in objects.numbers:
        attached = ", ".join(number.dispatch_rule_ids) or "no dispatch rule"
        lines.append(f"{number.phone_number} is a LiveKit number of this project ({number.id}), attached to {attached}.")
    if not objects.inbound and not objects.numbers:
        lines.append(f"No inbound trunk accepts calls to {entry.phone_number}.")
    for rule in objects.rules:
        scope = (f"the calls of {', '.join(rule.trunk_ids)}" if rule.trunk_ids else
                 f"calls to {', '.join(rule.numbers)}" if rule.numbers else "calls of every trunk")
        lines.append(f"Dispatch rule {rule.sip_dispatch_rule_id}{_name(rule)} sends {scope} to {_agents(rule)}, "
                     f"{_rooms(rule)}" + (" (PIN required)" if _pin(rule) else "") + ".")
    if not objects.rules:
        lines.append("No dispatch rule sends these calls to an agent.")
    for trunk in objects.outbound:
        transport = SIPTransport.Name(trunk.transport).removeprefix("SIP_TRANSPORT_")
        over = "" if transport == "AUTO" else f" over {transport}"
        signing = f", signing in as “{trunk.auth_username}”" if trunk.auth_username else ""
        lines.append(f"Outbound trunk {trunk.sip_trunk_id}{_name(trunk)} places calls through {trunk.address}"
                     f"{over} as {', '.join(trunk.numbers)}{signing}.")
    if not objects.outbound:
        lines.append(f"No outbound trunk: the agent cannot call out as {entry.phone_number}.")
    return lines


def _pin(rule: Any) -> bool:
    kind = rule.rule.WhichOneof("rule")
    return bool(kind and getattr(getattr(rule.rule, kind), "pin", ""))


def object_lines(entry: InventoryEntry) -> list[str]:
    """Every object of the entry, with who made it and what else it serves."""
    out = []
    for ref in entry.refs:
        who = ("" if ref.kind == "livekit_number" else
               " (phonewizard)" if ref.phonewizard else " (not made by phonewizard)")
        shared = f"; also serves {', '.join(ref.shared_with)}" if ref.shared_with else ""
        out.append(f"{ref}{who}{shared}")
    return out


def nothing_for(inventory: ProjectInventory, number: str) -> str:
    """Why `number` has no entry, in one line."""
    key = normalize_number(number)
    for entry in inventory.entries:
        for trunk in (*entry.objects.inbound, *entry.objects.outbound):
            if key in {normalize_number(n) for n in trunk.numbers}:
                kind = "inbound" if trunk in entry.objects.inbound else "outbound"
                return (f"{number} has no registration of its own: it is one of the numbers of {kind} trunk "
                        f"{trunk.sip_trunk_id}, which serves {entry.phone_number} (phonewizard show "
                        f"{entry.phone_number})")
    for apart in inventory.apart:
        if apart.ref.kind == "livekit_number" and normalize_number(apart.ref.name) == key:
            return f"{number} is a LiveKit number of this project ({apart.ref.id}) but {apart.message.split(': ', 1)[-1]}"
    wildcards = [a.ref for a in inventory.apart if a.reason == "wildcard_trunk"]
    catch_alls = [a.ref for a in inventory.apart if a.reason == "catch_all_rule"]
    also = ""
    if wildcards:
        also = f"; but {wildcards[0]} accepts calls to any number no other trunk claims, so calls to it may still arrive"
    elif catch_alls and not inventory.numbers_readable:  # self-hosted: a catch-all takes trunk-less calls too
        also = f"; but on this self-hosted server {catch_alls[0]} takes calls no trunk accepted"
    return f"nothing in this LiveKit project is registered for {number}{also}"


# The registrations table: one tuple of display texts per entry, built where the inventory is
# read (the worker thread), so filling the table costs the GUI thread nothing per row.
def table_row(entry: InventoryEntry) -> tuple[str, ...]:
    """Number, carrier, agent, inbound, outbound, state (ui/registrations_model.TABLE_COLUMNS)."""
    agents = ", ".join(entry.agent_names) or "—"
    return (entry.phone_number, CARRIER_WORDS.get(entry.carrier, entry.carrier), agents,
            "yes" if entry.inbound else "no", "yes" if entry.outbound else "no", state_words(entry))


def apart_row(item: Any) -> tuple[str, ...]:
    """An object listed apart (inventory.ApartObject): what, ID, name, who made it, why it matters."""
    ref = item.ref
    who = "—" if ref.kind == "livekit_number" else "phonewizard" if ref.phonewizard else "not phonewizard"
    return (KIND_WORDS[ref.kind], ref.id, ref.name, who, item.message)
