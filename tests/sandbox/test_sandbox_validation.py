"""Each request-validation rule answers with LiveKit's code, HTTP status and exact message."""

from __future__ import annotations

import asyncio

import pytest
from google.protobuf.duration_pb2 import Duration
from livekit import api
from livekit.protocol import sip as s

SECURITY = "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers"


def call(sandbox, method: str, req):
    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            return await getattr(lk.sip, method)(req)

    return asyncio.run(main())


def rejected(sandbox, method: str, req) -> api.TwirpError:
    with pytest.raises(api.TwirpError) as e:
        call(sandbox, method, req)
    return e.value


def inbound(**kw):
    return s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(**kw))


def outbound(**kw):
    kw.setdefault("numbers", ["+14155550100"])
    kw.setdefault("address", "sip.provider.example")
    return s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(**kw))


NUM = ["+14155550100"]


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (s.CreateSIPInboundTrunkRequest(), "missing trunk"),
        (inbound(sip_trunk_id="ST_abc", numbers=NUM), "trunk id must not be set"),
        (inbound(name="open"), SECURITY),
        (inbound(numbers=NUM, headers={"From": "x"}), "invalid header name: header name From not supported"),
        (inbound(numbers=NUM, headers={"v": "x"}), "invalid header name: header name v not supported"),
        (inbound(numbers=NUM, headers={"": "x"}), "invalid header name: header name cannot be empty"),
        (
            inbound(numbers=NUM, headers={"X Bad": "x"}),
            "invalid header name: header name X Bad contains invalid characters: char 32 not allowed",
        ),
        (
            inbound(numbers=NUM, headers={"X-" + "a" * 254: "x"}),
            "invalid header name: header name too long (max 255 characters)",
        ),
        (
            inbound(numbers=NUM, headers={"X-A": "y" * 1025}),
            "invalid header value for X-A: header X-A: value too long (max 1024 characters)",
        ),
        (
            inbound(numbers=NUM, headers={"X-A": "a\nb"}),
            "invalid header value for X-A: header X-A: value: char 10 not allowed",
        ),
        (
            inbound(numbers=NUM, headers_to_attributes={"X:Caller": "caller"}),
            "invalid header name: header name X:Caller contains invalid characters: char 58 not allowed",
        ),
        (
            inbound(numbers=NUM, attributes_to_headers={"attr": "Bad Header"}),
            "invalid header name: header name Bad Header contains invalid characters: char 32 not allowed",
        ),
        (
            inbound(numbers=NUM, media=s.SIPMediaConfig(media_timeout=Duration(seconds=601))),
            "media_timeout must not exceed 10m0s",
        ),
        (
            inbound(numbers=NUM, media=s.SIPMediaConfig(media_timeout=Duration(seconds=-1))),
            "media_timeout must not be negative",
        ),
        (inbound(numbers=NUM, media=s.SIPMediaConfig(codecs=[s.SIPCodec(name="PCMU/8000")])), "codec name must not contain '/'"),
        (inbound(numbers=NUM, media=s.SIPMediaConfig(codecs=[s.SIPCodec(name="")])), "missing codec name"),
        (inbound(numbers=NUM, media=s.SIPMediaConfig(codecs=[s.SIPCodec(name="G 722")])), "invalid codec name"),
    ],
)
def test_inbound_trunk_rejections(sandbox, req, message):
    err = rejected(sandbox, "create_inbound_trunk", req)
    assert (err.code, err.status, err.message) == ("invalid_argument", 400, message)
    assert sandbox.counts()["inbound"] == 0


@pytest.mark.parametrize(
    "trunk",
    [
        {"auth_username": "user"},
        {"auth_password": "only-a-password"},
        {"allowed_addresses": ["203.0.113.0/24"]},
        {"numbers": ["not even a number"]},  # OSS does no E.164 check
        {"numbers": NUM, "headers": {"X-Custom": "ok", "To": "<sip:a@b>"}},  # To/Via: soft warning only
        {"numbers": NUM, "headers": {"X-City": "Zürich\tcafé"}},  # UTF-8 and tabs are allowed in values
        {"numbers": NUM, "headers_to_attributes": {"From": "caller"}},  # no forbidden list for mappings
        {"numbers": NUM, "media": s.SIPMediaConfig(media_timeout=Duration(seconds=600))},
    ],
)
def test_inbound_trunks_livekit_accepts(sandbox, trunk):
    created = call(sandbox, "create_inbound_trunk", inbound(**trunk))
    assert created.sip_trunk_id.startswith("ST_")


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (s.CreateSIPOutboundTrunkRequest(), "missing trunk"),
        (outbound(sip_trunk_id="ST_abc"), "trunk id must not be set"),
        (outbound(numbers=[]), "no trunk numbers specified"),
        (outbound(address=""), "no outbound address specified"),
        (outbound(address="sip.example;transport=tcp"), "trunk address should not contain transport parameter"),
        (outbound(address="sip:sip.example"), "trunk address should be a hostname or IP, not SIP URI"),
        (outbound(address="sips:sip.example"), "trunk address should be a hostname or IP, not SIP URI"),
        (outbound(address="user@sip.example"), "trunk address should be a hostname or IP, not SIP URI"),
        (outbound(from_host="a.example;x"), "from_host should be a hostname or IP, not SIP URI"),
        (outbound(from_host="a.example transport=udp"), "from_host should not contain transport parameter"),
        (outbound(headers={"Call-ID": "1"}), "invalid header name: header name Call-ID not supported"),
        (outbound(media=s.SIPMediaConfig(codecs=[s.SIPCodec(name="a/b")])), "codec name must not contain '/'"),
    ],
)
def test_outbound_trunk_rejections(sandbox, req, message):
    err = rejected(sandbox, "create_outbound_trunk", req)
    assert (err.code, err.status, err.message) == ("invalid_argument", 400, message)
    assert sandbox.counts()["outbound"] == 0


def test_outbound_trunks_have_no_conflict_check(sandbox):
    first = call(sandbox, "create_outbound_trunk", outbound(address="10.0.0.1:5060"))
    second = call(sandbox, "create_outbound_trunk", outbound(address="10.0.0.1:5060"))
    assert first.sip_trunk_id != second.sip_trunk_id
    assert sandbox.counts()["outbound"] == 2


def _rule(**kw):
    return s.CreateSIPDispatchRuleRequest(dispatch_rule=s.SIPDispatchRuleInfo(**kw))


DIRECT = s.SIPDispatchRule(dispatch_rule_direct=s.SIPDispatchRuleDirect(room_name="lobby"))


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (_rule(rule=DIRECT, sip_dispatch_rule_id="SDR_x"), "rule id must not be set"),
        (_rule(name="no rule"), "missing rule"),
        (s.CreateSIPDispatchRuleRequest(), "missing rule"),
        (_rule(rule=s.SIPDispatchRule()), "unsupported SIP Dispatch Rule: <nil>"),
        (
            _rule(rule=DIRECT, media=s.SIPMediaConfig(media_timeout=Duration(seconds=3600))),
            "media_timeout must not exceed 10m0s",
        ),
    ],
)
def test_dispatch_rule_rejections(sandbox, req, message):
    err = rejected(sandbox, "create_dispatch_rule", req)
    assert (err.code, err.status, err.message) == ("invalid_argument", 400, message)
    assert sandbox.counts()["rules"] == 0


def test_dispatch_rule_media_encryption_is_upgraded_like_livekit(sandbox):
    created = call(sandbox, "create_dispatch_rule", _rule(rule=DIRECT, media_encryption=s.SIP_MEDIA_ENCRYPT_REQUIRE))
    assert created.media.encryption == s.SIP_MEDIA_ENCRYPT_REQUIRE


def test_trunk_ids_of_a_rule_are_not_checked_for_existence(sandbox):
    created = call(sandbox, "create_dispatch_rule", _rule(rule=DIRECT, trunk_ids=["ST_notatrunk"]))
    assert list(created.trunk_ids) == ["ST_notatrunk"]
