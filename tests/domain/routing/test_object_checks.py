"""Checks of single objects, carrier-aware: each finding fires when it should and stays quiet
when it should not."""

import pytest
from livekit.protocol.sip import SIPMediaConfig, SIPMediaEncryption, SIPOutboundTrunkInfo, SIPTransport

from phonewizard.domain.providers import PROVIDERS, provider_info
from phonewizard.domain.routing.object_checks import (
    address_findings,
    agent_findings,
    auth_findings,
    carrier_of_rule,
    number_findings,
    trunk_scope_findings,
)
from phonewizard.domain.routing.transport_checks import india_findings, media_findings, outbound_trunk_findings
from tests.domain.routing.builders import direct, rule, trunk

TO = "+14155550123"
TWILIO, TELNYX, VONAGE, CUSTOM = (provider_info(p) for p in ("twilio", "telnyx", "vonage", "custom"))


def codes(findings):
    return [f.code for f in findings]


def test_carrier_catalog_fields():
    assert PROVIDERS["vonage"].may_send_without_plus and PROVIDERS["telnyx"].may_send_without_plus
    assert not PROVIDERS["twilio"].may_send_without_plus
    assert PROVIDERS["twilio"].answers_inbound_digest is False
    assert all(PROVIDERS[p].answers_inbound_digest is None for p in ("telnyx", "vonage", "bandwidth", "custom"))


@pytest.mark.parametrize("addresses,carrier,expected", [
    (["54.172.60.0/30", "1.2.3.4, 5.6.7.8"], None, ["address.ignored_entry"]),
    (["10.0.0.0/33"], None, ["address.invalid_range"]),
    (["sip.example.com"], None, ["address.host_name"]),
    (["203.0.113.0/24"], TWILIO, ["address.carrier_not_allowed"]),
    (["54.172.60.0/30"], TWILIO, ["address.carrier_ranges_missing"]),
    (["54.0.0.0/8", "177.71.206.192/30", "35.156.191.128/30"], TWILIO, []),  # supernets cover
    (list(PROVIDERS["twilio"].signalling_ranges), TWILIO, []),
    ([], TWILIO, []),  # no filter: nothing to miss
    (["203.0.113.0/24"], PROVIDERS["bandwidth"], []),  # no published ranges to compare
])
def test_address_findings(addresses, carrier, expected):
    assert codes(address_findings(trunk("ST_a", [TO], allowed_addresses=addresses), carrier)) == expected


def test_every_entry_ignored_says_any_source_passes():
    [f] = address_findings(trunk("ST_a", [TO], allowed_addresses=["a b"]), None)
    assert "accepts calls from any address" in f.message


@pytest.mark.parametrize("user,password,carrier,expected", [
    ("u", "S3cr3t-pw", TWILIO, ["auth.carrier_cannot_answer"]),
    ("u", "S3cr3t-pw", TELNYX, ["auth.carrier_unconfirmed"]),
    ("u", "S3cr3t-pw", CUSTOM, []),
    ("u", "S3cr3t-pw", None, []),
    ("", "", TWILIO, []),
    ("u", "", TWILIO, []),
    ("", "S3cr3t-pw", TWILIO, ["auth.username_missing"]),
])
def test_auth_findings(user, password, carrier, expected):
    t = trunk("ST_a", [TO], user=user, password=password)
    found = auth_findings(t, carrier)
    assert codes(found) == expected
    assert all(password not in str(f) for f in found if password)


def test_agent_findings():
    assert codes(agent_findings(rule("r", direct("x"), agents=()))) == ["agent.none"]
    assert codes(agent_findings(rule("r", direct("x"), agents=("",)))) == ["agent.unnamed"]
    assert agent_findings(rule("r", direct("x"), agents=("bob",))) == []


@pytest.mark.parametrize("numbers,inbound,carrier,expected", [
    ([TO], [], VONAGE, ["number.carrier_sends_without_plus"]),
    ([TO], [], TELNYX, ["number.carrier_sends_without_plus"]),
    ([], ["+15550001111"], TELNYX, ["number.carrier_sends_without_plus"]),
    (["14155550123"], [], VONAGE, []),  # written as Vonage sends it
    ([TO], [], TWILIO, []),  # Twilio sends +E.164
    (["14155550123"], [], TWILIO, ["number.form_differs"]),
    ([TO], [], None, ["number.exact_match"]),
    ([TO], [], CUSTOM, ["number.exact_match"]),
    ([TO], [], provider_info("livekit"), ["number.exact_match"]),
    ([], [], VONAGE, []),
    (["+1 415 555 0123"], [], None, ["number.formatted"]),
])
def test_number_findings(numbers, inbound, carrier, expected):
    assert codes(number_findings(rule("r", direct("x"), numbers=numbers, inbound=inbound), carrier)) == expected


def test_duplicate_forms_collide():
    found = number_findings(rule("r", direct("x"), numbers=[TO, "14155550123"]), TWILIO)
    assert "number.duplicate_forms" in codes(found)
    assert codes(number_findings(rule("r", direct("x"), numbers=[TO]), TWILIO)) == []


def test_rule_takes_the_carrier_of_its_trunks():
    t = trunk("ST_a", [TO], provider="telnyx")
    assert carrier_of_rule(rule("r", direct("x"), trunks=["ST_a"]), {}, {"ST_a": t}).id == "telnyx"
    assert carrier_of_rule(rule("r", direct("x"), trunks=["ST_a"]), {"r": "twilio"}, {"ST_a": t}).id == "twilio"
    assert carrier_of_rule(rule("r", direct("x")), {}, {"ST_a": t}) is None


def test_trunk_scope_findings():
    trunks = {"ST_a": trunk("ST_a", [TO]), "ST_d": trunk("ST_d")}
    assert codes(trunk_scope_findings(rule("r", direct("x"), trunks=["ST_gone"]), trunks)) == ["rule.unknown_trunks"]
    assert trunk_scope_findings(rule("r", direct("x"), trunks=["ST_gone"]), trunks)[0].severity == "warning"
    partial = trunk_scope_findings(rule("r", direct("x"), trunks=["ST_a", "ST_gone"]), trunks)
    assert codes(partial) == ["rule.unknown_trunks"] and partial[0].severity == "info"
    unreachable = rule("r", direct("x"), trunks=["ST_a"], numbers=["+19990000000"])
    assert codes(trunk_scope_findings(unreachable, trunks)) == ["rule.numbers_not_on_trunks"]
    via_default = rule("r", direct("x"), trunks=["ST_a", "ST_d"], numbers=["+19990000000"])
    assert trunk_scope_findings(via_default, trunks) == []
    assert trunk_scope_findings(rule("r", direct("x"), trunks=["ST_a"], numbers=[TO]), trunks) == []


@pytest.mark.parametrize("transport,encryption,expected", [
    ("TLS", "DISABLE", ["media.tls_without_srtp"]), ("TLS", "ALLOW", []), ("TLS", "REQUIRE", []),
    ("TCP", "REQUIRE", ["media.srtp_without_tls"]), ("AUTO", "REQUIRE", ["media.srtp_without_tls"]),
    ("TCP", "ALLOW", []), ("UDP", "DISABLE", []),
])
def test_media_findings(transport, encryption, expected):
    assert codes(media_findings(("x",), "X", transport, encryption)) == expected


def test_india_needs_destination_country():
    assert codes(india_findings(("o",), "O", ["+919876543210"], "")) == ["india.destination_country"]
    assert codes(india_findings(("o",), "O", ["919876543210"], "us")) == ["india.destination_country"]
    assert india_findings(("o",), "O", ["+919876543210"], "in") == []
    assert india_findings(("o",), "O", ["+14155550123"], "") == []


def test_outbound_trunk_findings_read_media_and_the_deprecated_field():
    t = SIPOutboundTrunkInfo(sip_trunk_id="ST_o", numbers=["+919876543210"], transport=SIPTransport.SIP_TRANSPORT_TLS)
    assert codes(outbound_trunk_findings(t)) == ["media.tls_without_srtp", "india.destination_country"]
    t.media_encryption = SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW
    t.destination_country = "in"
    assert outbound_trunk_findings(t) == []
    t.media.CopyFrom(SIPMediaConfig(encryption=SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE))
    assert codes(outbound_trunk_findings(t)) == ["media.tls_without_srtp"]
