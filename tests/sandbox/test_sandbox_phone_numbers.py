"""PhoneNumberService (LiveKit Cloud's Twirp API) as emulated by the sandbox, spoken in JSON here
(tests/sandbox/test_sandbox_clients.py speaks protobuf to it)."""

from __future__ import annotations

import asyncio
import json
import re

import aiohttp
import pytest
from livekit import api
from livekit.protocol import sip as s

from phonewizard.sandbox import SandboxServer
from phonewizard.sandbox.phone_number_service import NOT_SOLD_HERE


def pn_call(server, method: str, body: dict, *, admin: bool = True):
    """POST a JSON request with a livekit-api token; returns (status, parsed JSON body)."""

    async def main():
        token = api.AccessToken(server.api_key, server.api_secret).with_sip_grants(api.SIPGrants(admin=admin)).to_jwt()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        async with aiohttp.ClientSession() as session:
            url = f"{server.url}/twirp/livekit.PhoneNumberService/{method}"
            async with session.post(url, data=json.dumps(body), headers=headers) as resp:
                assert resp.content_type == "application/json"
                return resp.status, await resp.json()

    return asyncio.run(main())


def make_rule(server) -> str:
    async def main():
        async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
            rule = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="call-"))
            info = await lk.sip.create_dispatch_rule(s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(rule=rule)))
            return info.sip_dispatch_rule_id

    return asyncio.run(main())


def test_default_numbers_are_listed_offline(sandbox):
    status, body = pn_call(sandbox, "ListPhoneNumbers", {})
    assert status == 200
    assert sorted(i["e164_format"] for i in body["items"]) == ["+14155550100", "+14155550123"]
    for item in body["items"]:
        assert re.fullmatch(r"PN_[23456789A-HJ-NP-Za-km-z]{12}", item["id"])
        assert item["status"] == "PHONE_NUMBER_STATUS_OFFLINE" and item["sip_dispatch_rule_ids"] == []
    assert (body["total_count"], body["offline_count"]) == (2, 2)


def test_assign_and_detach_by_number_and_by_id(sandbox):
    rule_id = make_rule(sandbox)
    status, body = pn_call(sandbox, "UpdatePhoneNumber", {"phone_number": "+14155550100", "sip_dispatch_rule_id": rule_id})
    assert status == 200
    pn = body["phone_number"]
    assert pn["sip_dispatch_rule_ids"] == [rule_id] and pn["status"] == "PHONE_NUMBER_STATUS_ACTIVE"

    status, body = pn_call(sandbox, "GetPhoneNumber", {"id": pn["id"]})
    assert status == 200 and body["phone_number"]["sip_dispatch_rule_ids"] == [rule_id]
    status, body = pn_call(sandbox, "ListPhoneNumbers", {"sipDispatchRuleId": rule_id})
    assert [i["e164_format"] for i in body["items"]] == ["+14155550100"]
    status, body = pn_call(sandbox, "ListPhoneNumbers", {"statuses": ["PHONE_NUMBER_STATUS_OFFLINE"]})
    assert [i["e164_format"] for i in body["items"]] == ["+14155550123"]

    status, body = pn_call(sandbox, "UpdatePhoneNumber", {"id": pn["id"], "sipDispatchRuleId": ""})
    assert status == 200
    assert body["phone_number"]["sip_dispatch_rule_ids"] == [] and body["phone_number"]["status"] == "PHONE_NUMBER_STATUS_OFFLINE"


def test_deleting_a_rule_detaches_its_numbers(sandbox):
    rule_id = make_rule(sandbox)
    pn_call(sandbox, "UpdatePhoneNumber", {"phone_number": "+14155550123", "sip_dispatch_rule_id": rule_id})

    async def delete():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            await lk.sip.delete_dispatch_rule(s.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule_id))

    asyncio.run(delete())
    _, body = pn_call(sandbox, "GetPhoneNumber", {"phoneNumber": "+1 415 555 0123"})
    assert body["phone_number"]["sip_dispatch_rule_ids"] == []


@pytest.mark.parametrize(
    ("method", "body", "status", "code", "msg"),
    [
        ("GetPhoneNumber", {"phone_number": "+19995550000"}, 404, "not_found", "phone number not found"),
        ("GetPhoneNumber", {}, 400, "invalid_argument", "either id or phone_number must be set"),
        ("UpdatePhoneNumber", {"id": "PN_unknown", "sip_dispatch_rule_id": ""}, 404, "not_found", "phone number not found"),
        (
            "UpdatePhoneNumber",
            {"phone_number": "+14155550100", "sip_dispatch_rule_id": "SDR_missing"},
            404,
            "not_found",
            "requested sip dispatch rule does not exist",
        ),
        ("PurchasePhoneNumber", {}, 501, "unimplemented", NOT_SOLD_HERE),
        ("RenamePhoneNumber", {}, 404, "bad_route", 'no handler for path "/twirp/livekit.PhoneNumberService/RenamePhoneNumber"'),
    ],
)
def test_phone_number_errors(sandbox, method, body, status, code, msg):
    got_status, got = pn_call(sandbox, method, body)
    assert (got_status, got["code"], got["msg"]) == (status, code, msg)


def test_phone_numbers_need_sip_admin(sandbox):
    status, body = pn_call(sandbox, "ListPhoneNumbers", {}, admin=False)
    assert (status, body) == (401, {"code": "unauthenticated", "msg": "permissions denied"})


def test_configured_numbers_replace_the_defaults():
    server = SandboxServer(phone_numbers=["+12125550100"]).start_in_thread()
    try:
        _, body = pn_call(server, "ListPhoneNumbers", {"limit": 5})
    finally:
        server.stop_thread()
    assert [i["e164_format"] for i in body["items"]] == ["+12125550100"]
