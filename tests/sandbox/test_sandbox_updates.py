"""Update methods (replace and field-update forms) and the list filters."""

from __future__ import annotations

import asyncio

import pytest
from livekit import api
from livekit.protocol import models
from livekit.protocol import sip as s

NUM = "+14155550100"


def run(sandbox, fn):
    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            return await fn(lk)

    return asyncio.run(main())


def error_of(sandbox, fn) -> api.TwirpError:
    with pytest.raises(api.TwirpError) as e:
        run(sandbox, fn)
    return e.value


def make_inbound(sandbox, **kw):
    return run(sandbox, lambda lk: lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(**kw))))


def update_inbound(raw, trunk_id, **kw):
    """Send UpdateSIPInboundTrunkRequest as built here (also forms the SDK helpers cannot build)."""
    req = s.UpdateSIPInboundTrunkRequest(sip_trunk_id=trunk_id, **kw)
    return lambda lk: raw("UpdateSIPInboundTrunk", req, s.SIPInboundTrunkInfo)


def test_replace_inbound_trunk_keeps_id_and_does_not_conflict_with_itself(sandbox):
    t = make_inbound(sandbox, name="old", numbers=[NUM])
    new = s.SIPInboundTrunkInfo(name="new", numbers=[NUM, "+14155550123"], auth_username="u", auth_password="pw-123456")
    updated = run(sandbox, lambda lk: lk.sip.update_inbound_trunk(t.sip_trunk_id, new))
    assert updated.sip_trunk_id == t.sip_trunk_id
    assert updated.name == "new" and list(updated.numbers) == [NUM, "+14155550123"]
    assert sandbox.snapshot()["inbound"][t.sip_trunk_id]["name"] == "new"


def test_field_update_applies_list_and_scalar_changes(sandbox, sandbox_raw):
    t = make_inbound(sandbox, name="a", numbers=[NUM], allowed_addresses=["10.0.0.1"])
    diff = s.SIPInboundTrunkUpdate(
        numbers=models.ListUpdate(add=["+14155550123"], remove=[NUM]),
        allowed_addresses=models.ListUpdate(clear=True),
        name="renamed",
        auth_username="user",
    )
    updated = run(sandbox, update_inbound(sandbox_raw, t.sip_trunk_id, update=diff))  # "clear" needs a raw request, see below
    assert list(updated.numbers) == ["+14155550123"]
    assert list(updated.allowed_addresses) == []
    assert updated.name == "renamed" and updated.auth_username == "user"


def test_update_conflicting_with_another_trunk_is_rejected_and_nothing_changes(sandbox, sandbox_raw):
    a = make_inbound(sandbox, numbers=[NUM], allowed_numbers=["+15550000001"])
    b = make_inbound(sandbox, numbers=[NUM], allowed_numbers=["+15550000002"])
    before = sandbox.snapshot()
    diff = s.SIPInboundTrunkUpdate(allowed_numbers=models.ListUpdate(set=["+15550000001"]))
    err = error_of(sandbox, update_inbound(sandbox_raw, b.sip_trunk_id, update=diff))
    assert (err.code, err.status) == ("invalid_argument", 400)
    first, second = sorted([a.sip_trunk_id, b.sip_trunk_id])
    # Stored trunks are visited in ID order, the updated one in its own place.
    assert err.message == (
        f'Conflicting inbound SIP Trunks: "{second}" and "{first}", using the same number(s) ["{NUM}"] '
        'and AllowedNumber "+15550000001"'
    )
    assert sandbox.snapshot() == before


def test_moving_a_trunk_onto_a_taken_number_is_not_caught_like_oss(sandbox, sandbox_raw):
    """livekit-server filters stored trunks by the NEW numbers but sees their OLD versions, so the
    updated trunk drops out of its own conflict check. Clients must check before updating."""
    make_inbound(sandbox, numbers=[NUM])
    b = make_inbound(sandbox, numbers=["+14155550123"])
    diff = s.SIPInboundTrunkUpdate(numbers=models.ListUpdate(set=[NUM]))
    updated = run(sandbox, update_inbound(sandbox_raw, b.sip_trunk_id, update=diff))
    assert list(updated.numbers) == [NUM]
    assert [t["numbers"] for t in sandbox.snapshot()["inbound"].values()] == [[NUM], [NUM]]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({}, "missing or unsupported update action"),
        ({"replace": s.SIPInboundTrunkInfo(sip_trunk_id="ST_other", numbers=[NUM])}, "trunk id in the info must be empty or match the id in the update"),
        ({"replace": s.SIPInboundTrunkInfo(name="open")}, "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers"),
        ({"update": s.SIPInboundTrunkUpdate(numbers=models.ListUpdate())}, "unsupported list update operation"),
        ({"update": s.SIPInboundTrunkUpdate(numbers=models.ListUpdate(clear=True, add=["+1"]))}, "cannot clear and change the list at the same time"),
        ({"update": s.SIPInboundTrunkUpdate(numbers=models.ListUpdate(set=["+1"], remove=["+2"]))}, "cannot set and change the list at the same time"),
        ({"update": s.SIPInboundTrunkUpdate(allowed_numbers=models.ListUpdate(add=[""]))}, "empty element in the list"),
    ],
)
def test_inbound_update_request_rejections(sandbox, sandbox_raw, kw, message):
    t = make_inbound(sandbox, numbers=[NUM])
    err = error_of(sandbox, update_inbound(sandbox_raw, t.sip_trunk_id, **kw))
    assert (err.code, err.status, err.message) == ("invalid_argument", 400, message)


def test_update_without_id_and_unknown_id(sandbox, sandbox_raw):
    err = error_of(sandbox, update_inbound(sandbox_raw, "", replace=s.SIPInboundTrunkInfo(numbers=[NUM])))
    assert (err.code, err.message) == ("invalid_argument", "trunk id must be set")
    err = error_of(sandbox, update_inbound(sandbox_raw, "ST_missing", replace=s.SIPInboundTrunkInfo(numbers=[NUM])))
    assert (err.code, err.status, err.message) == ("not_found", 404, "requested sip trunk does not exist")


def test_field_update_that_breaks_the_security_rule_is_invalid_argument(sandbox, sandbox_raw):
    t = make_inbound(sandbox, numbers=[NUM])
    err = error_of(sandbox, update_inbound(sandbox_raw, t.sip_trunk_id, update=s.SIPInboundTrunkUpdate(numbers=models.ListUpdate(clear=True))))
    assert (err.code, err.status) == ("invalid_argument", 400)
    assert err.message.startswith("for security, one of the fields must be set")


def test_outbound_updates(sandbox, sandbox_raw):
    async def flow(lk):
        t = await lk.sip.create_outbound_trunk(
            s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(address="a.example", numbers=[NUM]))
        )
        u = await sandbox_raw(
            "UpdateSIPOutboundTrunk",
            s.UpdateSIPOutboundTrunkRequest(
                sip_trunk_id=t.sip_trunk_id,
                update=s.SIPOutboundTrunkUpdate(address="b.example:5061", transport=s.SIP_TRANSPORT_TLS, destination_country="IN"),
            ),
            s.SIPOutboundTrunkInfo,
        )
        r = await lk.sip.update_outbound_trunk(
            t.sip_trunk_id, s.SIPOutboundTrunkInfo(address="c.example", numbers=["+15550001111"])
        )
        return t, u, r

    t, u, r = run(sandbox, flow)
    assert (u.sip_trunk_id, u.address, u.transport, u.destination_country) == (t.sip_trunk_id, "b.example:5061", s.SIP_TRANSPORT_TLS, "IN")
    assert (r.sip_trunk_id, r.address, list(r.numbers), r.transport) == (t.sip_trunk_id, "c.example", ["+15550001111"], 0)


def test_outbound_field_update_failing_after_apply_is_a_plain_server_error(sandbox):
    """LiveKit returns that error unwrapped; its twirp hook reports it as code unknown / HTTP 500."""

    async def flow(lk):
        t = await lk.sip.create_outbound_trunk(
            s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(address="a.example", numbers=[NUM]))
        )
        await lk.sip.update_outbound_trunk_fields(t.sip_trunk_id, address="sip:x.example")

    err = error_of(sandbox, flow)
    assert (err.code, err.status, err.message) == ("unknown", 500, "trunk address should be a hostname or IP, not SIP URI")


def rule_req(**kw):
    r = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call-"))
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(rule=r, **kw))


def test_dispatch_rule_updates(sandbox):
    async def flow(lk):
        r = await lk.sip.create_dispatch_rule(rule_req(name="r", trunk_ids=["ST_a"], attributes={"k": "v", "drop": "me"}))
        u = await lk.sip.update_dispatch_rule_fields(
            r.sip_dispatch_rule_id, trunk_ids=models.ListUpdate(add=["ST_b"]), name="r2", attributes={"drop": "", "new": "1"}
        )
        rep = await lk.sip.update_dispatch_rule(
            r.sip_dispatch_rule_id,
            s.SIPDispatchRuleInfo(rule=s.SIPDispatchRule(dispatch_rule_direct=s.SIPDispatchRuleDirect(room_name="x"))),
        )
        return r, u, rep

    r, u, rep = run(sandbox, flow)
    assert u.sip_dispatch_rule_id == r.sip_dispatch_rule_id
    assert list(u.trunk_ids) == ["ST_a", "ST_b"] and u.name == "r2"
    assert dict(u.attributes) == {"k": "v", "new": "1"}
    assert rep.sip_dispatch_rule_id == r.sip_dispatch_rule_id and rep.rule.dispatch_rule_direct.room_name == "x"
    assert list(rep.trunk_ids) == []


def test_dispatch_rule_update_conflict_and_errors(sandbox):
    pinned = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call-", pin="1234"))

    async def flow(lk):
        a = await lk.sip.create_dispatch_rule(rule_req(name="a", trunk_ids=["ST_a"]))
        b = await lk.sip.create_dispatch_rule(
            s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(name="b", trunk_ids=["ST_a"], rule=pinned))
        )
        errors = []
        for call in [
            # dropping b's PIN makes it collide with a
            lambda: lk.sip.update_dispatch_rule_fields(b.sip_dispatch_rule_id, rule=rule_req().dispatch_rule.rule),
            lambda: lk.sip.update_dispatch_rule_fields("SDR_missing", name="x"),
            lambda: lk.sip.update_dispatch_rule_fields("", name="x"),
            lambda: lk.sip.update_dispatch_rule(
                a.sip_dispatch_rule_id, s.SIPDispatchRuleInfo(sip_dispatch_rule_id="SDR_other", rule=rule_req().dispatch_rule.rule)
            ),
            lambda: lk.sip.update_dispatch_rule(a.sip_dispatch_rule_id, s.SIPDispatchRuleInfo(name="no rule")),
        ]:
            try:
                await call()
            except api.TwirpError as e:
                errors.append((e.code, e.message))
        return a, b, errors

    a, b, errors = run(sandbox, flow)
    first = min(a, b, key=lambda r: r.sip_dispatch_rule_id)
    assert errors[0][0] == "invalid_argument" and errors[0][1].startswith("Dispatch rule for the same trunk")
    assert errors[0][1].endswith(f'"{first.sip_dispatch_rule_id}" "{first.name}"')
    assert errors[1:] == [
        ("not_found", "requested sip dispatch rule does not exist"),
        ("invalid_argument", "rule id must be set"),
        ("invalid_argument", "rule id in the info must be empty or match the id in the update"),
        ("invalid_argument", "missing rule"),
    ]


def test_moving_a_rule_onto_a_taken_trunk_is_not_caught_like_oss(sandbox):
    async def flow(lk):
        await lk.sip.create_dispatch_rule(rule_req(trunk_ids=["ST_a"]))
        b = await lk.sip.create_dispatch_rule(rule_req(trunk_ids=["ST_b"]))
        return await lk.sip.update_dispatch_rule_fields(b.sip_dispatch_rule_id, trunk_ids=["ST_a"])

    assert list(run(sandbox, flow).trunk_ids) == ["ST_a"]


def test_list_filters(sandbox):
    async def flow(lk):
        t1 = await lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=[NUM])))
        t2 = await lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+14155550123"])))
        wild = await lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(auth_username="u")))
        o1 = await lk.sip.create_outbound_trunk(
            s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(address="a.example", numbers=[NUM]))
        )
        by_number = await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest(numbers=["1 415 555 0100"]))
        by_id = await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest(trunk_ids=[t2.sip_trunk_id, "ST_missing"]))
        out_exact = await lk.sip.list_outbound_trunk(s.ListSIPOutboundTrunkRequest(numbers=[NUM]))
        out_other_form = await lk.sip.list_outbound_trunk(s.ListSIPOutboundTrunkRequest(numbers=["14155550100"]))
        r1 = await lk.sip.create_dispatch_rule(rule_req(trunk_ids=[t1.sip_trunk_id]))
        r_any = await lk.sip.create_dispatch_rule(rule_req())
        r2 = await lk.sip.create_dispatch_rule(rule_req(trunk_ids=[t2.sip_trunk_id]))
        rules_t1 = await lk.sip.list_dispatch_rule(s.ListSIPDispatchRuleRequest(trunk_ids=[t1.sip_trunk_id]))
        rules_id = await lk.sip.list_dispatch_rule(s.ListSIPDispatchRuleRequest(dispatch_rule_ids=[r2.sip_dispatch_rule_id]))
        return locals()

    v = run(sandbox, flow)
    ids = lambda resp, attr="sip_trunk_id": sorted(getattr(i, attr) for i in resp.items)  # noqa: E731
    assert ids(v["by_number"]) == sorted([v["t1"].sip_trunk_id, v["wild"].sip_trunk_id])
    assert ids(v["by_id"]) == [v["t2"].sip_trunk_id]
    assert ids(v["out_exact"]) == [v["o1"].sip_trunk_id]
    assert ids(v["out_other_form"]) == []  # outbound number filter is an exact string match
    rid = "sip_dispatch_rule_id"
    assert ids(v["rules_t1"], rid) == sorted([v["r1"].sip_dispatch_rule_id, v["r_any"].sip_dispatch_rule_id])
    assert ids(v["rules_id"], rid) == [v["r2"].sip_dispatch_rule_id]


def test_list_is_sorted_by_id(sandbox):
    async def flow(lk):
        for i in range(5):
            await lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=[f"+1415555010{i}"])))
        return await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest())

    items = [t.sip_trunk_id for t in run(sandbox, flow).items]
    assert len(items) == 5 and items == sorted(items)


def test_sdk_field_helpers_cannot_clear_a_list(sandbox):
    """livekit-api copies set/add/remove but not ``clear``: the server sees an empty ListUpdate."""
    t = make_inbound(sandbox, numbers=[NUM], auth_username="u")
    err = error_of(sandbox, lambda lk: lk.sip.update_inbound_trunk_fields(t.sip_trunk_id, numbers=models.ListUpdate(clear=True)))
    assert (err.code, err.message) == ("invalid_argument", "unsupported list update operation")
    updated = run(sandbox, lambda lk: lk.sip.update_inbound_trunk_fields(t.sip_trunk_id, numbers=["+14155550123"], name="n"))
    assert list(updated.numbers) == ["+14155550123"] and updated.name == "n"
