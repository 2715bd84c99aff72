"""The sandbox as a stand-in for any LiveKit client (issue 12, point 11), checked against what
LiveKit's Go source does: tokens as ``auth/verifier.go`` verifies them (a future ``iat`` and an
``aud`` claim are fine), ``?access_token=`` as ``pkg/service/auth.go`` reads it, the deprecated
``ListSIPTrunk``, and the PhoneNumberService in both Twirp encodings with the proto field names.

The second client is livekit-api's own ``TwirpClient`` (protobuf on the wire) carrying the
phone-number messages, plus bytes built by hand from the field numbers in livekit/protocol's
``livekit_phone_number.proto`` — independent of the sandbox's own message tables.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time

import aiohttp
import jwt
import pytest
from livekit import api
from livekit.api.twirp_client import TwirpClient
from livekit.protocol import sip as s

from phonewizard.sandbox.phone_number_pb import CLASSES

LIST = "/twirp/livekit.SIP/ListSIPInboundTrunk"


def claims(sandbox, **extra) -> dict:
    now = int(time.time())
    return {"iss": sandbox.api_key, "sub": "", "nbf": now, "exp": now + 600,
            "video": {}, "sip": {"admin": True}, **extra}


def signed(sandbox, **extra) -> str:
    """An HS256 token signed by hand, so claims of any JSON type can be sent (PyJWT's encoder
    refuses a non-text `iss`, but a token from another client may carry one)."""
    def part(data: dict) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")

    unsigned = part({"alg": "HS256", "typ": "JWT"}) + b"." + part(claims(sandbox, **extra))
    mac = hmac.new(sandbox.api_secret.encode(), unsigned, hashlib.sha256).digest()
    return (unsigned + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()


def call(sandbox, path: str, *, body: bytes = b"", ctype: str = "application/protobuf",
         headers: dict | None = None, query: str = "") -> tuple[int, str, bytes]:
    async def main():
        async with aiohttp.ClientSession() as session:
            async with session.post(sandbox.url + path + query, data=body,
                                    headers={"Content-Type": ctype, **(headers or {})}) as resp:
                return resp.status, resp.content_type, await resp.read()

    return asyncio.run(main())


# ---- tokens ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [
    {"iat": int(time.time()) + 3600},  # issued "in the future": golang-jwt checks iat only WithIssuedAt()
    {"aud": "some-service"},  # no WithAudience() in LiveKit's verifier
    {"aud": ["a", "b"]},
    {"iat": int(time.time()) + 3600, "aud": "x", "jti": "id-1"},
], ids=["future-iat", "aud", "aud-list", "all"])
def test_tokens_livekit_accepts_are_accepted(sandbox, extra):
    status, _, _ = call(sandbox, LIST, headers={"Authorization": "Bearer " + signed(sandbox, **extra)})
    assert status == 200


@pytest.mark.parametrize("extra", [
    {"iat": "yesterday"}, {"aud": 5}, {"exp": "soon"}, {"nbf": True}, {"iss": 7},
], ids=["iat-text", "aud-number", "exp-text", "nbf-bool", "iss-number"])
def test_claims_of_the_wrong_json_type_are_refused_as_golang_jwt_does(sandbox, extra):
    status, ctype, raw = call(sandbox, LIST, headers={"Authorization": "Bearer " + signed(sandbox, **extra)})
    assert (status, ctype, raw) == (401, "text/plain", b"invalid authorization token")


def test_nbf_and_exp_keep_their_minute_of_leeway(sandbox):
    now = int(time.time())
    assert call(sandbox, LIST, headers={"Authorization": "Bearer " + signed(sandbox, nbf=now + 30)})[0] == 200
    assert call(sandbox, LIST, headers={"Authorization": "Bearer " + signed(sandbox, nbf=now + 600)})[0] == 401
    assert call(sandbox, LIST, headers={"Authorization": "Bearer " + signed(sandbox, exp=now - 30)})[0] == 200


def test_access_token_query_parameter_is_read_when_there_is_no_header(sandbox):
    status, ctype, body = call(sandbox, LIST, query="?access_token=" + signed(sandbox))
    assert (status, ctype) == (200, "application/protobuf")
    assert sandbox.log.methods == ["ListSIPInboundTrunk"]
    bad = call(sandbox, LIST, query="?access_token=not-a-jwt")
    assert bad == (401, "text/plain", b"invalid authorization token")


def test_the_authorization_header_wins_over_the_query_parameter(sandbox):
    good = "?access_token=" + signed(sandbox)
    status, ctype, raw = call(sandbox, LIST, headers={"Authorization": "Basic dXNlcjpwdw=="}, query=good)
    assert (status, raw) == (401, b"invalid authorization header. Must start with Bearer ")
    no_grant = jwt.encode({**claims(sandbox), "sip": {}}, sandbox.api_secret, algorithm="HS256")
    status, _, raw = call(sandbox, LIST, headers={"Authorization": "Bearer " + no_grant}, query=good)
    assert (status, json.loads(raw)) == (401, {"code": "unauthenticated", "msg": "permissions denied"})


# ---- the deprecated ListSIPTrunk ------------------------------------------------------------------

def test_list_sip_trunk_lists_both_kinds_as_legacy_trunk_info(sandbox, sandbox_raw):
    async def flow():
        inbound = await sandbox_raw("CreateSIPInboundTrunk", s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(
            name="in", numbers=["+14155550100", "+14155550101"], allowed_addresses=["10.0.0.1"],
            allowed_numbers=["+13125550100"], auth_username="u", auth_password="p")), s.SIPInboundTrunkInfo)
        outbound = await sandbox_raw("CreateSIPOutboundTrunk", s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(
            name="out", address="sip.example.com", numbers=["+14155550100"], transport=s.SIP_TRANSPORT_TCP,
            auth_username="ou", auth_password="op")), s.SIPOutboundTrunkInfo)
        listed = await sandbox_raw("ListSIPTrunk", s.ListSIPTrunkRequest(), s.ListSIPTrunkResponse)
        return inbound, outbound, listed

    inbound, outbound, listed = asyncio.run(flow())
    by_id = {t.sip_trunk_id: t for t in listed.items}
    assert [t.sip_trunk_id for t in listed.items] == sorted(by_id)
    assert by_id[inbound.sip_trunk_id] == s.SIPTrunkInfo(
        sip_trunk_id=inbound.sip_trunk_id, kind=s.SIPTrunkInfo.TRUNK_INBOUND, name="in",
        outbound_number="+14155550100", inbound_addresses=["10.0.0.1"], inbound_numbers=["+13125550100"],
        inbound_username="u", inbound_password="p")
    assert by_id[outbound.sip_trunk_id] == s.SIPTrunkInfo(
        sip_trunk_id=outbound.sip_trunk_id, kind=s.SIPTrunkInfo.TRUNK_OUTBOUND, name="out",
        outbound_address="sip.example.com", transport=s.SIP_TRANSPORT_TCP, outbound_number="+14155550100",
        outbound_username="ou", outbound_password="op")


# ---- PhoneNumberService in both encodings -----------------------------------------------------------

def _phone_call(sandbox, method: str, request, response_class):
    """livekit-api's TwirpClient (protobuf on the wire) against the phone-number service."""
    async def main():
        async with aiohttp.ClientSession() as session:
            client = TwirpClient(session, sandbox.url, "livekit")
            return await client.request("PhoneNumberService", method, request,
                                        {"Authorization": "Bearer " + signed(sandbox)}, response_class)

    return asyncio.run(main())


def _rule(sandbox, sandbox_raw) -> str:
    rule = s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="c"))
    made = asyncio.run(sandbox_raw("CreateSIPDispatchRule", s.CreateSIPDispatchRuleRequest(
        dispatch_rule=s.SIPDispatchRuleInfo(rule=rule, numbers=["+14155550100"])), s.SIPDispatchRuleInfo))
    return made.sip_dispatch_rule_id


def test_phone_numbers_round_trip_in_protobuf_through_livekit_api(sandbox, sandbox_raw):
    rule_id = _rule(sandbox, sandbox_raw)
    updated = _phone_call(sandbox, "UpdatePhoneNumber", CLASSES["UpdatePhoneNumberRequest"](
        phone_number="+14155550100", sip_dispatch_rule_id=rule_id), CLASSES["UpdatePhoneNumberResponse"])
    assert list(updated.phone_number.sip_dispatch_rule_ids) == [rule_id]
    assert updated.phone_number.status == 1  # PHONE_NUMBER_STATUS_ACTIVE
    got = _phone_call(sandbox, "GetPhoneNumber", CLASSES["GetPhoneNumberRequest"](id=updated.phone_number.id),
                      CLASSES["GetPhoneNumberResponse"])
    assert got.phone_number == updated.phone_number
    untouched = _phone_call(sandbox, "UpdatePhoneNumber", CLASSES["UpdatePhoneNumberRequest"](
        phone_number="+14155550100"), CLASSES["UpdatePhoneNumberResponse"])  # rule ID left out: no change
    assert list(untouched.phone_number.sip_dispatch_rule_ids) == [rule_id]
    listed = _phone_call(sandbox, "ListPhoneNumbers", CLASSES["ListPhoneNumbersRequest"](statuses=[4]),
                         CLASSES["ListPhoneNumbersResponse"])  # OFFLINE
    assert [n.e164_format for n in listed.items] == ["+14155550123"] and listed.total_count == 1
    with pytest.raises(api.TwirpError) as refused:
        _phone_call(sandbox, "PurchasePhoneNumber", CLASSES["PurchasePhoneNumberRequest"](phone_numbers=["+1"]),
                    CLASSES["PurchasePhoneNumberResponse"])
    assert (refused.value.code, refused.value.status) == ("unimplemented", 501)


def _field(data: bytes, number: int) -> bytes:
    """The first length-delimited field `number` of a protobuf message (hand decoding)."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        kind = key & 7
        if kind == 2:
            size, i = _varint(data, i)
            if key >> 3 == number:
                return data[i:i + size]
            i += size
        elif kind == 0:
            _, i = _varint(data, i)
        elif kind == 1:
            i += 8
        else:
            raise AssertionError(f"unexpected wire type {kind}")
    raise AssertionError(f"no field {number}")


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i += 1
        if not byte & 0x80:
            return value, i
        shift += 7


def test_phone_number_wire_bytes_match_livekit_protocol_field_numbers(sandbox):
    # GetPhoneNumberRequest{phone_number = 2}: tag 0x12, length, the number.
    number = b"+14155550123"
    status, ctype, body = call(sandbox, "/twirp/livekit.PhoneNumberService/GetPhoneNumber",
                               body=b"\x12" + bytes([len(number)]) + number,
                               headers={"Authorization": "Bearer " + signed(sandbox)})
    assert (status, ctype) == (200, "application/protobuf")
    phone = _field(body, 1)  # GetPhoneNumberResponse{phone_number = 1}
    assert _field(phone, 2) == number  # PhoneNumber{e164_format = 2}
    assert _field(phone, 1).startswith(b"PN_")  # PhoneNumber{id = 1}


def test_phone_number_json_answers_use_proto_field_names_and_accept_both_spellings(sandbox):
    status, ctype, raw = call(sandbox, "/twirp/livekit.PhoneNumberService/GetPhoneNumber",
                              body=json.dumps({"phoneNumber": "+14155550123"}).encode(), ctype="application/json",
                              headers={"Authorization": "Bearer " + signed(sandbox)})
    assert (status, ctype) == (200, "application/json")
    phone = json.loads(raw)["phone_number"]
    assert phone["e164_format"] == "+14155550123" and phone["sip_dispatch_rule_ids"] == []
    assert phone["status"] == "PHONE_NUMBER_STATUS_OFFLINE" and "e164Format" not in phone


def test_sip_json_answers_use_proto_field_names_too(sandbox):
    body = json.dumps({"trunk": {"name": "n", "numbers": ["+14155550100"], "allowedNumbers": ["+1312"]}}).encode()
    status, ctype, raw = call(sandbox, "/twirp/livekit.SIP/CreateSIPInboundTrunk", body=body, ctype="application/json",
                              headers={"Authorization": "Bearer " + signed(sandbox)})
    assert (status, ctype) == (200, "application/json")
    trunk = json.loads(raw)
    assert trunk["allowed_numbers"] == ["+1312"] and trunk["sip_trunk_id"].startswith("ST_")
    assert "allowedNumbers" not in trunk and trunk["auth_username"] == ""  # unset fields are written out
