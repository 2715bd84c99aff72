"""Create / list / delete of trunks and dispatch rules through the real livekit-api client."""

from __future__ import annotations

import asyncio
import re
import warnings

import pytest
from livekit import api
from livekit.protocol import sip as s

ID_RE = r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{12}"


def run(sandbox, fn):
    """Run ``fn(lk)`` with a LiveKitAPI built inside the coroutine, as the team rules require."""

    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            return await fn(lk)

    return asyncio.run(main())


def inbound(**kw):
    return s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(**kw))


def individual_rule(**kw):
    rule = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call-"))
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(rule=rule, **kw))


def test_inbound_trunk_create_list_delete(sandbox):
    async def flow(lk):
        created = await lk.sip.create_inbound_trunk(inbound(name="in", numbers=["+14155550100"], krisp_enabled=True))
        listed = await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest())
        deleted = await lk.sip.delete_trunk(s.DeleteSIPTrunkRequest(sip_trunk_id=created.sip_trunk_id))
        after = await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest())
        return created, listed, deleted, after

    created, listed, deleted, after = run(sandbox, flow)
    assert re.fullmatch("ST_" + ID_RE, created.sip_trunk_id)
    assert created.name == "in" and list(created.numbers) == ["+14155550100"] and created.krisp_enabled
    assert [t.sip_trunk_id for t in listed.items] == [created.sip_trunk_id]
    assert deleted.sip_trunk_id == created.sip_trunk_id
    assert list(after.items) == []
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}


def test_outbound_trunk_create_and_list(sandbox):
    req = s.CreateSIPOutboundTrunkRequest(
        trunk=s.SIPOutboundTrunkInfo(
            name="out",
            address="sip.provider.example:5061",
            transport=s.SIP_TRANSPORT_TLS,
            numbers=["+919876543210"],
            destination_country="IN",
            auth_username="u",
            auth_password="p" * 12,
        )
    )

    async def flow(lk):
        created = await lk.sip.create_outbound_trunk(req)
        return created, await lk.sip.list_outbound_trunk(s.ListSIPOutboundTrunkRequest())

    created, listed = run(sandbox, flow)
    assert re.fullmatch("ST_" + ID_RE, created.sip_trunk_id)
    assert created.transport == s.SIP_TRANSPORT_TLS and created.destination_country == "IN"
    assert [t.sip_trunk_id for t in listed.items] == [created.sip_trunk_id]
    assert sandbox.counts()["outbound"] == 1


def test_dispatch_rule_create_list_delete(sandbox):
    async def flow(lk):
        trunk = await lk.sip.create_inbound_trunk(inbound(numbers=["+14155550100"]))
        rule = await lk.sip.create_dispatch_rule(individual_rule(name="r", trunk_ids=[trunk.sip_trunk_id]))
        listed = await lk.sip.list_dispatch_rule(s.ListSIPDispatchRuleRequest())
        deleted = await lk.sip.delete_dispatch_rule(s.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule.sip_dispatch_rule_id))
        return trunk, rule, listed, deleted

    trunk, rule, listed, deleted = run(sandbox, flow)
    assert re.fullmatch("SDR_" + ID_RE, rule.sip_dispatch_rule_id)
    assert list(rule.trunk_ids) == [trunk.sip_trunk_id]
    assert rule.rule.dispatch_rule_individual.room_prefix == "call-"
    assert [r.sip_dispatch_rule_id for r in listed.items] == [rule.sip_dispatch_rule_id]
    assert deleted.sip_dispatch_rule_id == rule.sip_dispatch_rule_id and deleted.name == "r"
    assert sandbox.counts() == {"inbound": 1, "outbound": 0, "rules": 0}


def test_legacy_top_level_dispatch_rule_form(sandbox):
    rule = s.SIPDispatchRule(dispatch_rule_direct=s.SIPDispatchRuleDirect(room_name="lobby"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        req = s.CreateSIPDispatchRuleRequest(rule=rule, trunk_ids=["ST_x"], name="old", inbound_numbers=["+1555"])

    created = run(sandbox, lambda lk: lk.sip.create_dispatch_rule(req))
    assert created.name == "old" and list(created.trunk_ids) == ["ST_x"]
    assert list(created.inbound_numbers) == ["+1555"]
    assert created.rule.dispatch_rule_direct.room_name == "lobby"


def test_delete_unknown_trunk_succeeds_like_oss(sandbox):
    deleted = run(sandbox, lambda lk: lk.sip.delete_trunk(s.DeleteSIPTrunkRequest(sip_trunk_id="ST_doesnotexist")))
    assert deleted.sip_trunk_id == "ST_doesnotexist"


def test_delete_unknown_rule_is_not_found(sandbox):
    with pytest.raises(api.TwirpError) as e:
        run(sandbox, lambda lk: lk.sip.delete_dispatch_rule(s.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id="SDR_nope")))
    assert (e.value.code, e.value.status, e.value.message) == (
        "not_found",
        404,
        "requested sip dispatch rule does not exist",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lk: lk.sip.delete_trunk(s.DeleteSIPTrunkRequest()), "trunk ID is required"),
        (lambda lk: lk.sip.delete_dispatch_rule(s.DeleteSIPDispatchRuleRequest()), "dispatch rule ID is required"),
    ],
)
def test_delete_requires_an_id(sandbox, call, message):
    with pytest.raises(api.TwirpError) as e:
        run(sandbox, call)
    assert (e.value.code, e.value.status, e.value.message) == ("invalid_argument", 400, message)


def test_env_fixture_points_livekit_api_at_the_sandbox(sandbox_env):
    async def main():
        async with api.LiveKitAPI() as lk:  # URL, key and secret from the environment
            return await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest())

    assert list(asyncio.run(main()).items) == []
    assert sandbox_env.log.methods == ["ListSIPInboundTrunk"]
