"""Reading a LiveKit dispatch rule back into registration fields (the rule half of the reverse).

phonewizard makes one shape of rule (plan.py): an individual rule (one room per call) whose room
prefix comes from the agent name, limited to the number's inbound trunk (or, for a LiveKit number,
to calls to that number), dispatching one agent whose metadata is phonewizard's JSON (phone number,
DTMF, transfer and feature settings). Everything else a rule can hold is named in a notice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import parse_marker, room_prefix
from phonewizard.domain.reverse_notices import NoticeKind as K, Notes
from phonewizard.domain.reverse_trunks import ENCRYPTION_NAMES, shown

AGENT_METADATA_KEYS = ("phone_number", "dtmf_config", "transfer_config", "agent_features", "metadata")
_RULE_TYPE_WORDS = {
    "dispatch_rule_direct": "every call joins the same room",
    "dispatch_rule_callee": "calls to the same number share a room",
}


@dataclass
class RuleReading:
    """What one rule says. `agent_name` is None when the rule dispatches no agent."""

    agent_name: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    krisp: bool = False


@dataclass(frozen=True)
class RuleContext:
    """What phonewizard would make the rule look like, for the comparison."""

    phone_number: str  # +E.164 as the document writes it
    livekit_number: bool  # provider livekit: no trunk, numbers=[phone]
    inbound_id: str | None  # the inbound trunk the rule should name (None: registering creates one)
    trunk_numbers: Sequence[str] = ()  # that trunk's numbers (+E.164)
    marker_agent: str | None = None


def read_rule(rule: SIPDispatchRuleInfo, ctx: RuleContext, notes: Notes) -> RuleReading:
    oid = rule.sip_dispatch_rule_id
    reading = RuleReading()
    agents = list(rule.room_config.agents)
    if agents:
        reading.agent_name = agents[0].agent_name or None
        _agent_options(agents[0], notes, oid)
        reading.fields.update(read_agent_metadata(agents[0].metadata, ctx.phone_number, notes, oid))
    if len(agents) != 1:
        more = ", ".join(f"“{a.agent_name}”" for a in agents[1:])
        notes.add(K.AGENTS, oid, "dispatch_rule.room_config.agents",
                  f"dispatches {len(agents)} agents; the document keeps the first and registering "
                  f"drops {more}" if agents else
                  "dispatches no agent by name (calls rely on automatic dispatch); registering names one")
    if ctx.marker_agent and reading.agent_name and ctx.marker_agent != reading.agent_name:
        notes.add(K.AGENT_MISMATCH, oid, "dispatch_rule.room_config.agents",
                  f"this number was registered for agent “{ctx.marker_agent}” (phonewizard's marker), but the rule "
                  f"now dispatches “{reading.agent_name}”; the document follows the rule", False)
    agent = reading.agent_name or ctx.marker_agent
    _room_rule(rule, room_prefix(agent) if agent else "<prefix from the agent name>", notes)
    _scope(rule, ctx, notes)
    reading.fields["hide_phone_number"] = rule.hide_phone_number
    reading.krisp = rule.krisp_enabled
    if rule.krisp_enabled and not ctx.livekit_number:
        notes.add(K.KRISP, oid, "dispatch_rule.krisp_enabled",
                  "Krisp noise cancellation is on for the rule; registering turns it on for the "
                  "inbound trunk instead", False)
    _extras(rule, notes)
    return reading


def _room_rule(rule: SIPDispatchRuleInfo, prefix: str, notes: Notes) -> None:
    oid, kind = rule.sip_dispatch_rule_id, rule.rule.WhichOneof("rule")
    ours = f"each call gets its own room {prefix}_<caller>_<random>"
    if kind is None:
        notes.add(K.RULE_TYPE, oid, "dispatch_rule.rule", f"has no rule type; registering makes one: {ours}")
        return
    body = getattr(rule.rule, kind)
    path = f"dispatch_rule.rule.{kind}"
    if kind != "dispatch_rule_individual":
        where = f" “{body.room_name}”" if kind == "dispatch_rule_direct" else ""
        # On `dispatch_rule.rule` as a whole: the rule type and every setting of it change.
        notes.add(K.RULE_TYPE, oid, "dispatch_rule.rule",
                  f"{_RULE_TYPE_WORDS[kind]}{where}; registering makes an individual rule: {ours}")
    if body.pin:
        notes.add(K.PIN, oid, f"{path}.pin",
                  "callers must enter a PIN; registering removes the PIN (phonewizard rules have none)")
    if kind == "dispatch_rule_individual":
        if body.room_prefix != prefix:
            notes.add(K.ROOM_NAMING, oid, f"{path}.room_prefix",
                      f"rooms are named {body.room_prefix or '<no prefix>'}…; registering names them "
                      f"{prefix}_<caller>_<random> (the prefix comes from the agent name)")
        if body.no_randomness:
            notes.add(K.ROOM_NAMING, oid, f"{path}.no_randomness",
                      "room names have no random suffix, so repeated calls from one caller share a "
                      "room; registering adds the suffix")


def _scope(rule: SIPDispatchRuleInfo, ctx: RuleContext, notes: Notes) -> None:
    """trunk_ids and the called-number filter against what phonewizard sets."""
    oid = rule.sip_dispatch_rule_id
    trunks = list(rule.trunk_ids)
    if ctx.livekit_number:
        if trunks:
            notes.add(K.RULE_SCOPE, oid, "dispatch_rule.trunk_ids",
                      f"limited to trunk(s) {', '.join(trunks)}; a LiveKit number needs no trunk, "
                      "registering clears the list")
        if [normalize_number(n) for n in rule.numbers] != [normalize_number(ctx.phone_number)]:
            now = ", ".join(rule.numbers) if len(rule.numbers) else "calls to any number"
            notes.add(K.RULE_SCOPE, oid, "dispatch_rule.numbers",
                      f"takes {now}; registering limits it to calls to {ctx.phone_number}")
        return
    target = ctx.inbound_id or "the inbound trunk registering creates"
    others = [t for t in trunks if t != ctx.inbound_id]
    if not trunks:
        notes.add(K.RULE_SCOPE, oid, "dispatch_rule.trunk_ids",
                  f"takes calls of every trunk that has no rule of its own; registering limits it to {target}")
    elif others:
        notes.add(K.RULE_SCOPE, oid, "dispatch_rule.trunk_ids",
                  f"also dispatches calls of {', '.join(others)}; registering limits it to {target}")
    if len(rule.numbers):
        filtered = {normalize_number(n) for n in rule.numbers}
        same = {normalize_number(n) for n in ctx.trunk_numbers} <= filtered
        notes.add(K.RULE_SCOPE, oid, "dispatch_rule.numbers",
                  f"only takes calls to {', '.join(rule.numbers)}; registering removes this filter "
                  "(the inbound trunk already decides which numbers it accepts)", not same)


def _agent_options(agent: Any, notes: Notes, oid: str) -> None:
    for f, value in agent.ListFields():
        if f.name in ("agent_name", "metadata"):
            continue
        text = ", ".join(f"{k}={v}" for k, v in value.items()) if f.name == "attributes" else value
        notes.add(K.AGENT_OPTIONS, oid, f"dispatch_rule.room_config.agents.0.{f.name}",
                  f"not kept: the agent dispatch's {f.name} ({shown(text)})")


def read_agent_metadata(text: str, phone: str, notes: Notes, oid: str) -> dict[str, Any]:
    """phonewizard's agent metadata is JSON with AGENT_METADATA_KEYS (plan.py); its parts go back
    to their registration fields. Other JSON objects are kept whole as `metadata`."""
    path = "dispatch_rule.room_config.agents.0.metadata"
    if not text:
        notes.add(K.AGENT_METADATA, oid, path,
                  "the agent gets no metadata now; registering sends phonewizard's JSON (the phone "
                  "number and its DTMF, transfer and feature settings)", False)
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        notes.add(K.AGENT_METADATA, oid, path,
                  f"the agent gets “{shown(text)}”, which is not a JSON object; registering sends "
                  "phonewizard's JSON instead")
        return {}
    if not set(data) <= set(AGENT_METADATA_KEYS):
        notes.add(K.AGENT_METADATA, oid, path,
                  "the agent's metadata is JSON of another shape; the document keeps it as "
                  "registration.metadata, which the agent then receives under the key “metadata”")
        return {"metadata": data}
    if data.get("phone_number") not in (None, phone):
        notes.add(K.AGENT_METADATA, oid, path,
                  f"tells the agent its number is {shown(data['phone_number'])}; registering sends {phone}")
    return {key: data[key] for key in AGENT_METADATA_KEYS[1:] if key in data}


def _extras(rule: SIPDispatchRuleInfo, notes: Notes) -> None:
    """Rule settings phonewizard does not make at all."""
    oid = rule.sip_dispatch_rule_id
    if len(rule.inbound_numbers):
        notes.add(K.CALLER_FILTER, oid, "dispatch_rule.inbound_numbers",
                  f"only calls from {', '.join(rule.inbound_numbers)} reach this rule; registering "
                  "removes the filter (phonewizard filters callers on the trunk: allowed_numbers)")
    if rule.metadata and parse_marker(rule.metadata) is None:
        notes.add(K.PARTICIPANT_METADATA, oid, "dispatch_rule.metadata",
                  f"callers' participants get the metadata “{shown(rule.metadata)}”; registering "
                  "replaces it with phonewizard's ownership marker")
    if len(rule.attributes):
        notes.add(K.PARTICIPANT_METADATA, oid, "dispatch_rule.attributes",
                  f"callers' participants get the attributes {', '.join(rule.attributes)}; not kept")
    if rule.room_preset:
        notes.add(K.ROOM_PRESET, oid, "dispatch_rule.room_preset",
                  f"the room preset “{shown(rule.room_preset)}” is not kept")
    for f, value in rule.room_config.ListFields():
        if f.name != "agents":
            if f.message_type is not None and f.message_type.GetOptions().map_entry:
                detail = f" ({shown(', '.join(f'{k}={v}' for k, v in value.items()))})"
            else:
                detail = "" if f.message_type is not None else f" ({shown(value)})"
            notes.add(K.ROOM_CONFIG, oid, f"dispatch_rule.room_config.{f.name}",
                      f"not kept: the room setting {f.name}{detail}")
    encryption = rule.media.encryption if rule.media.HasField("encryption") else rule.media_encryption
    if encryption:
        notes.add(K.MEDIA, oid, "dispatch_rule.media.encryption",
                  f"media encryption {ENCRYPTION_NAMES.get(encryption, encryption)} is set on the rule; "
                  "registering sets it on the trunks only")
    if len(rule.media.codecs):
        notes.add(K.MEDIA, oid, "dispatch_rule.media.codecs", "the rule's codec list is not kept")
    if rule.media.only_listed_codecs:
        notes.add(K.MEDIA, oid, "dispatch_rule.media.only_listed_codecs",
                  "“only the listed codecs” on the rule is not kept")
    if rule.media.HasField("media_timeout"):
        notes.add(K.MEDIA, oid, "dispatch_rule.media.media_timeout", "the rule's media timeout is not kept")
