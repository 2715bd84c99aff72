"""Nothing is dropped silently: every field LiveKit's trunks and rules have is either carried into
the document or named by the reverse mapping's own readers.

For each field (of the trunks, the rule, their media config, the room config and the agent
dispatch) one change is applied to the objects phonewizard made for a registration; the reverse
of the changed objects is then planned again, and every difference between the changed objects
and those requests must be explained by a notice — never by the safety net's generic OTHER
notice, which is kept for fields LiveKit adds later. A coverage test makes sure every field of the
installed livekit-protocol messages has a change here, so a new field fails it until it is handled.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
from google.protobuf.duration_pb2 import Duration
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    SIPCodec,
    SIPDispatchRule,
    SIPDispatchRuleCallee,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPMediaConfig,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.livekit_objects import RegistrationObjects
from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from phonewizard.domain.reverse import reverse
from phonewizard.domain.reverse_compare import SKIPPED, differences
from phonewizard.domain.reverse_notices import NoticeKind

from tests.domain.registration_strategies import PASSWORD, PROFILE, stored_objects

BASE = {"agent_name": "my-agent", "livekit": PROFILE, "registration": {
    "phone_number": "+14155550101", "provider": "telnyx", "enable_outbound": True,
    "outbound_address": "sip.telnyx.com", "auth_username": "alice", "auth_password": PASSWORD,
    "custom_headers": {"X-Tier": "gold"}, "headers_to_attributes": {"X-Region": "region"}}}
LIVEKIT_BASE = {"agent_name": "my-agent", "livekit": PROFILE,
                "registration": {"phone_number": "+14155550100", "provider": "livekit"}}

Change = Callable[[Any], None]


def _set(**values: Any) -> Change:
    def change(obj: Any) -> None:
        for name, value in values.items():
            target = getattr(obj, name)
            if isinstance(value, dict) and hasattr(target, "update"):
                target.clear()
                target.update(value)
            elif isinstance(value, list):
                del target[:]
                target.extend(value)
            elif hasattr(target, "CopyFrom"):
                target.CopyFrom(value)
            else:
                setattr(obj, name, value)
    return change


def _media(**values: Any) -> Change:
    return lambda obj: _set(**values)(obj.media)


def _rule(rule: SIPDispatchRule) -> Change:
    return lambda obj: obj.rule.CopyFrom(rule)


def _room(**values: Any) -> Change:
    return lambda obj: _set(**values)(obj.room_config)


def _agent(**values: Any) -> Change:
    return lambda obj: _set(**values)(obj.room_config.agents[0])


MEDIA = {
    "only_listed_codecs": _media(only_listed_codecs=True),
    "codecs": _media(codecs=[SIPCodec(name="PCMU", rate=8000)]),
    "encryption": _media(encryption=2),
    "media_timeout": _media(media_timeout=Duration(seconds=30)),
}
TRUNK = {
    "headers": _set(headers={"X-Extra": "1", "Foo": "bar"}),
    "headers_to_attributes": _set(headers_to_attributes={"X-Lang": "lang"}),
    "attributes_to_headers": _set(attributes_to_headers={"lang": "X-Lang"}),
    "include_headers": _set(include_headers=1),
    "media_encryption": _set(media_encryption=2),
    "auth_username": _set(auth_username="carol"),
    "auth_password": _set(auth_password="another-Secret-1"),
    "metadata": _set(metadata="notes by hand"),
    **{f"media.{k}": v for k, v in MEDIA.items()},
}
CHANGES: dict[str, dict[str, Change]] = {
    "inbound_trunk": {
        **TRUNK,
        "numbers": _set(numbers=["14155550101", "+1 415 555 0177", "sip-user"]),
        "allowed_addresses": _set(allowed_addresses=["203.0.113.0/24", "sip:1.2.3.4", "SIP.Example.NET"]),
        "allowed_numbers": _set(allowed_numbers=["+14155550188", "not a number"]),
        "auth_realm": _set(auth_realm="example.org"),
        "ringing_timeout": _set(ringing_timeout=Duration(seconds=400, nanos=600_000_000)),
        "ringing_timeout_status": _set(ringing_timeout_status=486),
        "max_call_duration": _set(max_call_duration=Duration(seconds=0)),
        "krisp_enabled": _set(krisp_enabled=False),
    },
    "outbound_trunk": {
        **TRUNK,
        "address": _set(address="SIP.Telnyx.EU"),
        "destination_country": _set(destination_country="GB"),
        "transport": _set(transport=3),
        "numbers": _set(numbers=["+14155550101", "14155550102"]),
        "from_host": _set(from_host="pbx.example.org"),
    },
    "dispatch_rule": {
        "rule": _rule(SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name="lobby", pin="1234"))),
        "rule.callee": _rule(SIPDispatchRule(dispatch_rule_callee=SIPDispatchRuleCallee(room_prefix="c", randomize=True))),
        "rule.individual.room_prefix": _rule(SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call-"))),
        "rule.individual.pin": _rule(SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="my-agent", pin="42"))),
        "rule.individual.no_randomness": _rule(SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="my-agent", no_randomness=True))),
        "rule.none": lambda obj: obj.ClearField("rule"),
        "trunk_ids": lambda obj: obj.trunk_ids.append("ST_other"),
        "trunk_ids.none": _set(trunk_ids=[]),
        "hide_phone_number": _set(hide_phone_number=True),
        "inbound_numbers": _set(inbound_numbers=["+14155550199"]),
        "numbers": _set(numbers=["+14155550101"]),
        "metadata": _set(metadata="participant notes"),
        "attributes": _set(attributes={"team": "sales"}),
        "room_preset": _set(room_preset="support"),
        "krisp_enabled": _set(krisp_enabled=True),
        "media_encryption": _set(media_encryption=1),
        **{f"media.{k}": v for k, v in MEDIA.items()},
        "room_config.name": _room(name="fixed-room"),
        "room_config.empty_timeout": _room(empty_timeout=30),
        "room_config.departure_timeout": _room(departure_timeout=30),
        "room_config.max_participants": _room(max_participants=3),
        "room_config.metadata": _room(metadata="room notes"),
        "room_config.egress": lambda obj: setattr(obj.room_config.egress.room, "room_name", "recorded"),
        "room_config.min_playout_delay": _room(min_playout_delay=100),
        "room_config.max_playout_delay": _room(max_playout_delay=200),
        "room_config.sync_streams": _room(sync_streams=True),
        "room_config.tags": _room(tags={"tier": "vip"}),
        "room_config.agents": lambda obj: obj.room_config.agents.append(RoomAgentDispatch(agent_name="second")),
        "room_config.agents.none": lambda obj: obj.room_config.ClearField("agents"),
        "agent.agent_name": _agent(agent_name="other-agent"),
        "agent.metadata": _agent(metadata="free text"),
        "agent.metadata.json": _agent(metadata='{"crm": 1}'),
        "agent.metadata.shape": lambda obj: _agent(metadata=obj.room_config.agents[0].metadata.replace(
            '"phone_number": "+14155550101"', '"phone_number": "+14155550999"').replace(", ", ","))(obj),
        "agent.restart_policy": _agent(restart_policy=1),
        "agent.deployment": _agent(deployment="staging"),
        "agent.attributes": _agent(attributes={"tier": "gold"}),
    },
}
LIVEKIT_CHANGES = {
    "numbers.none": _set(numbers=[]),
    "trunk_ids": _set(trunk_ids=["ST_x"]),
    "krisp_enabled": _set(krisp_enabled=True),
}
NOT_CONFIGURATION = {"sip_trunk_id", "sip_dispatch_rule_id", "name", "created_at", "updated_at"}


def _objects(base: dict) -> tuple[RegistrationObjects, Any]:
    config = check_config(copy.deepcopy(base)).config
    return stored_objects(plan(config)), config


def _changed(objects: RegistrationObjects, kind: str, change: Change) -> RegistrationObjects:
    copies = {k: tuple(_copy(o) for o in getattr(objects, k)) for k in ("inbound", "outbound", "rules")}
    target = {"inbound_trunk": "inbound", "outbound_trunk": "outbound", "dispatch_rule": "rules"}[kind]
    change(copies[target][0])
    return RegistrationObjects(objects.phone_number, copies["inbound"], copies["outbound"], copies["rules"],
                               objects.numbers)


def _copy(obj: Any) -> Any:
    dup = type(obj)()
    dup.CopyFrom(obj)
    return dup


def _assert_explained(objects: RegistrationObjects) -> None:
    rebuilt = reverse(objects, PROFILE)
    assert not [n for n in rebuilt.notices if n.kind is NoticeKind.OTHER], rebuilt.notices
    assert all(n.message and n.field for n in rebuilt.notices)
    if not rebuilt.ok:
        assert rebuilt.notices, rebuilt.problems
        return
    document = copy.deepcopy(rebuilt.document)
    if document["registration"].get("auth_username"):
        document["registration"]["auth_password"] = PASSWORD
    again = plan(check_config(document).config)
    pairs = []
    if objects.inbound and again.inbound:
        pairs.append(("inbound_trunk", objects.inbound[0], again.inbound.trunk))
    if objects.outbound and again.outbound:
        pairs.append(("outbound_trunk", objects.outbound[0], again.outbound.trunk))
    rule = _copy(again.dispatch.dispatch_rule)
    if objects.inbound:
        rule.trunk_ids[:] = [objects.inbound[0].sip_trunk_id]
    pairs.append(("dispatch_rule", objects.rules[0], rule))
    for prefix, current, planned in pairs:
        oid = getattr(current, "sip_dispatch_rule_id", "") or current.sip_trunk_id
        for change in differences(current, planned):
            path = f"{prefix}.{change.path}"
            assert any(n.object_id == oid and (path == n.field or path.startswith(n.field + "."))
                       for n in rebuilt.notices), (path, change, rebuilt.notices)


@pytest.mark.parametrize(("kind", "label"), [(k, label) for k, changes in CHANGES.items() for label in changes])
def test_every_changed_field_is_carried_over_or_named(kind, label):
    objects, _ = _objects(BASE)
    _assert_explained(_changed(objects, kind, CHANGES[kind][label]))


@pytest.mark.parametrize("label", list(LIVEKIT_CHANGES))
def test_livekit_number_rule_changes_are_named(label):
    objects, _ = _objects(LIVEKIT_BASE)
    _assert_explained(_changed(objects, "dispatch_rule", LIVEKIT_CHANGES[label]))


def _fields(message: Any) -> set[str]:
    return {f.name for f in message.DESCRIPTOR.fields}


@pytest.mark.parametrize(("kind", "message"), [("inbound_trunk", SIPInboundTrunkInfo),
                                               ("outbound_trunk", SIPOutboundTrunkInfo),
                                               ("dispatch_rule", SIPDispatchRuleInfo)])
def test_every_field_of_the_installed_protocol_has_a_change(kind, message):
    covered = {label.split(".")[0] for label in CHANGES[kind]}
    assert _fields(message) - NOT_CONFIGURATION - covered == set()
    media = {label.split(".", 1)[1] for label in CHANGES[kind] if label.startswith("media.")}
    assert _fields(SIPMediaConfig) - media == set()
    assert NOT_CONFIGURATION - {"sip_dispatch_rule_id" if kind != "dispatch_rule" else "sip_trunk_id"} <= SKIPPED


def test_every_room_and_agent_field_has_a_change():
    rule_changes = CHANGES["dispatch_rule"]
    assert _fields(RoomConfiguration) - {label.split(".")[1] for label in rule_changes if label.startswith("room_config.")} == set()
    assert _fields(RoomAgentDispatch) - {label.split(".")[1] for label in rule_changes if label.startswith("agent.")} == set()


def test_a_password_change_is_invisible_by_design():
    # Passwords are never read back (the document holds no secrets): nothing to carry or name.
    objects, _ = _objects(BASE)
    rebuilt = reverse(_changed(objects, "outbound_trunk", TRUNK["auth_password"]), PROFILE)
    assert rebuilt.notices == ()
    assert "another-Secret-1" not in repr(rebuilt) and "another-Secret-1" not in str(rebuilt.to_json())
