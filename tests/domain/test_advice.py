"""Warnings: shown, never blocking, each on the field it is about."""

from phonewizard.domain.report import check_config
from tests.domain.validation_samples import check, config, warnings

TWILIO_OUT = dict(enable_outbound=True, outbound_address="mytrunk.pstn.twilio.com", auth_username="u", auth_password="Abcdefghij12")


def test_clean_config_has_no_warnings():
    report = check(**TWILIO_OUT, destination_country="US")
    assert report.ok and report.warnings == []


def test_possible_but_invalid_number_warns_once():
    report = check(phone_number="+447700900123", destination_country="GB")
    assert report.ok
    found = warnings(report)
    assert "not in its country's numbering plan" in found["registration.phone_number"]
    assert "registration.trunk_numbers.0" not in found  # the defaulted copy is not repeated


def test_pasted_uri_notice():
    report = check(**{**TWILIO_OUT, "outbound_address": "sip:mytrunk.pstn.twilio.com;transport=tcp"}, destination_country="US")
    msg = warnings(report)["registration.outbound_address"]
    assert "reduced to mytrunk.pstn.twilio.com" in msg and "TCP" in msg


def test_transport_mismatch_warns():
    report = check(provider="custom", outbound_address="sip:pbx.example.com;transport=tcp", outbound_transport="UDP")
    assert "asked for TCP" in warnings(report)["registration.outbound_transport"]


def test_twilio_password_rules():
    for password, missing in (("short1A", "12 characters"), ("abcdefghijkl1", "upper-case"), ("Abcdefghijklm", "a digit")):
        report = check(**{**TWILIO_OUT, "auth_password": password}, destination_country="US")
        assert report.ok
        assert missing in warnings(report)["registration.auth_password"]
    assert "registration.auth_password" not in warnings(check(**TWILIO_OUT))


def test_vonage_password_rules():
    base = dict(provider="vonage", enable_outbound=True, outbound_address="abc-trunk.sip-eu.vonage.com", auth_username="k")
    assert "at most 64" in warnings(check(**base, auth_password="Aa1" * 30))["registration.auth_password"]
    assert "registration.auth_password" not in warnings(check(**base, auth_password="Abcdefghij12"))


def test_password_never_in_warnings():
    report = check(**{**TWILIO_OUT, "auth_password": "weakpw"})
    assert all("weakpw" not in p.message for p in report.warnings)


def test_bandwidth_unusual_host_is_a_warning():
    report = check(provider="bandwidth", outbound_address="sip.example.com")
    assert report.ok and "auth.bandwidth.com" in warnings(report)["registration.outbound_address"]
    assert "registration.outbound_address" not in warnings(check(provider="bandwidth", outbound_address="realm.abc123.auth.bandwidth.com"))


def test_destination_country_suggestion_and_effect():
    assert "consider US" in warnings(check(**TWILIO_OUT))["registration.destination_country"]
    assert "no region for NO" in warnings(check(destination_country="no"))["registration.destination_country"]
    report = check(phone_number="+919876543210", destination_country="US")
    assert report.ok and "India" in warnings(report)["registration.destination_country"]


def test_livekit_provider_ignores_trunk_fields():
    report = check(provider="livekit", allowed_addresses=["1.2.3.4"], auth_username="u", auth_password="Abcdefghij12")
    assert report.ok
    found = warnings(report)
    assert "ignored" in found["registration.allowed_addresses"] and "ignored" in found["registration.auth_username"]


def test_twilio_inbound_digest_auth_warns():
    report = check(auth_username="u", auth_password="Abcdefghij12", provider_config={"inbound_digest_auth": True})
    assert "cannot answer" in warnings(report)["registration.provider_config.inbound_digest_auth"]


def test_outbound_without_credentials_warns():
    report = check(provider="telnyx", enable_outbound=True, outbound_address="sip.telnyx.com", destination_country="US")
    assert report.ok and "username and password" in warnings(report)["registration.auth_username"]


def test_sip_uri_normalisation_notice():
    data = config()
    data["livekit"]["sip_uri"] = "abc123.sip.livekit.cloud;transport=tcp"
    assert "sip:abc123.sip.livekit.cloud" in warnings(check_config(data))["livekit.sip_uri"]
