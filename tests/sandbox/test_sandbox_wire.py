"""Twirp wire format and authentication: routing errors, JSON bodies, tokens and grants."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import jwt
import pytest
from livekit import api
from livekit.protocol import sip as s


def admin_token(sandbox, **grants) -> str:
    return (
        api.AccessToken(sandbox.api_key, sandbox.api_secret)
        .with_grants(api.VideoGrants())
        .with_sip_grants(api.SIPGrants(**(grants or {"admin": True})))
        .to_jwt()
    )


def post(sandbox, path: str, body: bytes = b"", content_type: str = "application/protobuf", token: str | None = "admin", method="POST"):
    """One raw HTTP request; returns (status, content type, body)."""

    async def main():
        headers = {"Content-Type": content_type} if content_type else {}
        if token == "admin":
            headers["Authorization"] = f"Bearer {admin_token(sandbox)}"
        elif token is not None:
            headers["Authorization"] = token
        async with aiohttp.ClientSession() as session:
            async with session.request(method, sandbox.url + path, data=body, headers=headers) as resp:
                return resp.status, resp.content_type, await resp.read()

    return asyncio.run(main())


def test_unknown_method_is_bad_route(sandbox):
    status, ctype, body = post(sandbox, "/twirp/livekit.SIP/GetNothing")
    assert (status, ctype) == (404, "application/json")
    assert json.loads(body) == {
        "code": "bad_route",
        "msg": 'no handler for path "/twirp/livekit.SIP/GetNothing"',
        "meta": {"twirp_invalid_route": "POST /twirp/livekit.SIP/GetNothing"},
    }


def test_get_is_bad_route(sandbox):
    status, _, body = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", method="GET")
    assert status == 404
    assert json.loads(body)["msg"] == 'unsupported method "GET" (only POST is allowed)'


def test_wrong_content_type_is_bad_route(sandbox):
    status, _, body = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", content_type="text/plain")
    assert status == 404
    assert json.loads(body)["code"] == "bad_route"
    assert json.loads(body)["msg"] == 'unexpected Content-Type: "text/plain"'


def test_undecodable_protobuf_is_malformed(sandbox):
    status, _, body = post(sandbox, "/twirp/livekit.SIP/CreateSIPInboundTrunk", body=b"\xff\xff\xff")
    assert status == 400
    assert json.loads(body) == {"code": "malformed", "msg": "the protobuf request could not be decoded"}
    assert sandbox.counts()["inbound"] == 0


def test_protobuf_success_and_empty_body(sandbox):
    status, ctype, body = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", body=b"")
    assert (status, ctype) == (200, "application/protobuf")
    assert list(s.ListSIPInboundTrunkResponse.FromString(body).items) == []


def test_json_requests_accept_both_field_spellings_and_answer_in_json(sandbox):
    body = json.dumps({"trunk": {"name": "j", "numbers": ["+14155550100"], "krispEnabled": True, "ringing_timeout": "30s"}})
    status, ctype, raw = post(sandbox, "/twirp/livekit.SIP/CreateSIPInboundTrunk", body.encode(), "application/json")
    assert (status, ctype) == (200, "application/json")
    created = json.loads(raw)
    assert created["sip_trunk_id"].startswith("ST_") and created["krisp_enabled"] is True
    assert created["ringing_timeout"] == "30s" and created["numbers"] == ["+14155550100"]


def test_bad_json_is_malformed(sandbox):
    status, _, raw = post(sandbox, "/twirp/livekit.SIP/CreateSIPInboundTrunk", b"{not json", "application/json")
    assert status == 400
    assert json.loads(raw) == {"code": "malformed", "msg": "the json request could not be decoded"}


def test_no_authorization_header_is_unauthenticated(sandbox):
    status, ctype, raw = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token=None)
    assert (status, ctype) == (401, "application/json")
    assert json.loads(raw) == {"code": "unauthenticated", "msg": "permissions denied"}


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ("Token abc", "invalid authorization header. Must start with Bearer "),
        ("Bearer not-a-jwt", "invalid authorization token"),
    ],
)
def test_broken_tokens_get_plain_text_401(sandbox, header, text):
    status, ctype, raw = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token=header)
    assert (status, ctype, raw.decode()) == (401, "text/plain", text)


def sdk_error(url, key, secret=None, token=None) -> api.TwirpError:
    async def main():
        lk = api.LiveKitAPI.with_token(token, url) if token else api.LiveKitAPI(url, key, secret)
        async with lk:
            await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest())

    with pytest.raises(api.TwirpError) as e:
        asyncio.run(main())
    return e.value


def test_wrong_secret_is_unknown_401_in_the_sdk(sandbox):
    err = sdk_error(sandbox.url, sandbox.api_key, "w" * 40)
    assert (err.code, err.status, err.message) == ("unknown", 401, "")


def test_unknown_api_key_is_unknown_401_in_the_sdk(sandbox):
    err = sdk_error(sandbox.url, "otherkey", sandbox.api_secret)
    assert (err.code, err.status) == ("unknown", 401)


def test_expired_token_is_rejected_beyond_the_leeway(sandbox):
    now = int(time.time())
    claims = {"iss": sandbox.api_key, "sub": "", "nbf": now - 600, "exp": now - 120, "sip": {"admin": True}}
    status, ctype, raw = post(
        sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token="Bearer " + jwt.encode(claims, sandbox.api_secret, "HS256")
    )
    assert (status, ctype) == (401, "text/plain")
    assert raw.decode().startswith("invalid authorization token: ")
    # 30 s past expiry is inside the one-minute leeway.
    claims["exp"] = now - 30
    status, _, _ = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token="Bearer " + jwt.encode(claims, sandbox.api_secret, "HS256"))
    assert status == 200


def test_token_without_exp_is_rejected(sandbox):
    claims = {"iss": sandbox.api_key, "sip": {"admin": True}}
    status, ctype, _ = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token="Bearer " + jwt.encode(claims, sandbox.api_secret, "HS256"))
    assert (status, ctype) == (401, "text/plain")


def test_token_without_sip_admin_is_unauthenticated(sandbox):
    token = api.AccessToken(sandbox.api_key, sandbox.api_secret).with_sip_grants(api.SIPGrants(call=True)).to_jwt()
    err = sdk_error(sandbox.url, None, token=token)
    assert (err.code, err.status, err.message) == ("unauthenticated", 401, "permissions denied")
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}


def test_valid_token_with_sip_admin_works_through_with_token(sandbox):
    async def main():
        async with api.LiveKitAPI.with_token(admin_token(sandbox), sandbox.url) as lk:
            return await lk.sip.list_dispatch_rule(s.ListSIPDispatchRuleRequest())

    assert list(asyncio.run(main()).items) == []


def test_repr_does_not_show_the_secret(sandbox):
    assert sandbox.api_secret not in repr(sandbox)
    assert len(sandbox.api_secret) >= 32


def test_unsigned_token_is_refused(sandbox):
    claims = {"iss": sandbox.api_key, "exp": int(time.time()) + 600, "sip": {"admin": True}}
    unsigned = jwt.encode(claims, None, algorithm="none")
    status, ctype, raw = post(sandbox, "/twirp/livekit.SIP/ListSIPInboundTrunk", token="Bearer " + unsigned)
    assert (status, ctype, raw.decode()) == (401, "text/plain", "invalid authorization token")


def test_health_check_and_paths_outside_twirp(sandbox):
    assert post(sandbox, "/", method="GET", token=None) == (200, "text/plain", b"OK")
    status, ctype, body = post(sandbox, "/twirp/livekit.Egress/ListEgress")  # a service the sandbox lacks
    assert (status, ctype, body) == (404, "text/plain", b"404 page not found\n")
    # RoomService is served (test calls): a SIP-admin token lacks its roomList grant.
    status, ctype, body = post(sandbox, "/twirp/livekit.RoomService/ListRooms")
    assert (status, ctype) == (401, "application/json") and b"permissions denied" in body


def test_get_trunk_methods(sandbox, sandbox_raw):
    async def flow():
        made = await sandbox_raw(
            "CreateSIPInboundTrunk",
            s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+14155550100"])),
            s.SIPInboundTrunkInfo,
        )
        got = await sandbox_raw("GetSIPInboundTrunk", s.GetSIPInboundTrunkRequest(sip_trunk_id=made.sip_trunk_id), s.GetSIPInboundTrunkResponse)
        with pytest.raises(api.TwirpError) as missing:
            await sandbox_raw("GetSIPOutboundTrunk", s.GetSIPOutboundTrunkRequest(sip_trunk_id=made.sip_trunk_id), s.GetSIPOutboundTrunkResponse)
        return made, got, missing.value

    made, got, missing = asyncio.run(flow())
    assert got.trunk == made
    assert (missing.code, missing.message) == ("not_found", "requested sip trunk does not exist")


def test_transfers_are_not_emulated(sandbox):
    # CreateSIPParticipant is simulated (tests/sandbox/test_sandbox_calls.py); a transfer is not.
    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            await lk.sip.transfer_sip_participant(s.TransferSIPParticipantRequest(
                room_name="r", participant_identity="p", transfer_to="tel:+14155550100"))

    with pytest.raises(api.TwirpError) as e:
        asyncio.run(main())
    assert (e.value.code, e.value.status) == ("unimplemented", 501)
    assert "transfers no calls" in e.value.message
