"""Registration rules through check_config: every error names the field the user must change."""

import pytest
from pydantic import ValidationError

from phonewizard.domain.provider_addresses import VONAGE_HINT
from phonewizard.domain.registration import Registration
from tests.domain.validation_samples import check, errors

VONAGE_OUT = {
    "provider": "vonage",
    "enable_outbound": True,
    "outbound_address": "mrassistant-developer.sip-us.vonage.com",
    "auth_username": "userkey",
    "auth_password": "Secret123456abc",
}


def test_minimal_registration_gets_seed_defaults():
    report = check()
    assert report.ok, report.errors
    reg = report.config.registration
    assert reg.trunk_numbers == ["+14155550101"] and reg.outbound_numbers == ["+14155550101"]
    assert (reg.outbound_transport, reg.media_encryption) == ("AUTO", "ALLOW")
    assert (reg.ringing_timeout_seconds, reg.max_call_duration_seconds) == (30, 3600)
    assert reg.enable_outbound is False and reg.krisp_enabled is True


def test_numbers_are_normalised_in_every_list():
    report = check(
        phone_number="+1 (415) 555-0101",
        trunk_numbers=["+1 415 555 0101", "+1 415 555 0102"],
        allowed_numbers=["+44 20 7946 0958"],
        outbound_numbers=["+1.415.555.0102"],
    )
    reg = report.config.registration
    assert reg.phone_number == "+14155550101"
    assert reg.trunk_numbers == ["+14155550101", "+14155550102"]
    assert reg.allowed_numbers == ["+442079460958"]
    assert reg.outbound_numbers == ["+14155550102"]


@pytest.mark.parametrize("field", ["trunk_numbers", "allowed_numbers", "outbound_numbers"])
def test_bad_number_in_a_list_names_the_item(field):
    found = errors(check(**{field: ["+14155550101", "+1 415 555 0102 x23"]}))
    assert "extension" in found[f"registration.{field}.1"]


def test_duplicates_after_normalisation_are_errors():
    found = errors(check(trunk_numbers=["+14155550101", "+1 (415) 555-0101"]))
    assert "already entry 1" in found["registration.trunk_numbers.1"]
    found = errors(check(allowed_addresses=["10.0.0.0/8", "10.0.0.0/8"]))
    assert "registration.allowed_addresses.1" in found


def test_alias_outbound_enabled():
    report = check(outbound_enabled=True, outbound_address="mytrunk.pstn.twilio.com", auth_username="u", auth_password="Abcdefghij12")
    assert report.ok and report.config.registration.enable_outbound is True


def test_outbound_requires_address():
    assert "required for outbound" in errors(check(enable_outbound=True))["registration.outbound_address"]


def test_livekit_provider_rejects_outbound():
    found = errors(check(provider="livekit", enable_outbound=True))
    assert "inbound-only" in found["registration.enable_outbound"]


def test_pasted_sip_uri_sets_host_and_transport():
    report = check(enable_outbound=True, outbound_address="sip:mytrunk.pstn.twilio.com;transport=tcp", auth_username="u", auth_password="Abcdefghij12")
    reg = report.config.registration
    assert (reg.outbound_address, reg.outbound_transport) == ("mytrunk.pstn.twilio.com", "TCP")
    report = check(outbound_address="sips:sip.telnyx.com", provider="telnyx")
    assert report.config.registration.outbound_transport == "TLS"


def test_explicit_transport_is_kept_over_pasted_one():
    report = check(provider="custom", outbound_address="sip:pbx.example.com;transport=tcp", outbound_transport="UDP")
    assert report.config.registration.outbound_transport == "UDP"


@pytest.mark.parametrize(
    "address, fragment",
    [
        ("pstn.twilio.com", "trunk's Termination SIP URI name"),
        ("pstn.frankfurt.twilio.com", "trunk's Termination SIP URI name"),
        ("sip.example.com", "ends in pstn.twilio.com"),
    ],
)
def test_twilio_address_rules(address, fragment):
    assert fragment in errors(check(outbound_address=address))["registration.outbound_address"]


@pytest.mark.parametrize(
    "address", ["mytrunk.pstn.twilio.com", "mytrunk.pstn.ashburn.twilio.com", "mytrunk.pstn.frankfurt-ix.twilio.com", "mytrunk.pstn.us1.twilio.com:5061"]
)
def test_twilio_edge_addresses_accepted(address):
    assert check(outbound_address=address).ok


@pytest.mark.parametrize("address", ["sip-us.vonage.com", "x.sip-de.vonage.com", "x.vonage.com"])
def test_vonage_address_carries_the_seed_hint(address):
    found = errors(check(**{**VONAGE_OUT, "outbound_address": address}))
    assert found["registration.outbound_address"] == VONAGE_HINT


def test_vonage_outbound_needs_credentials():
    assert check(**VONAGE_OUT).ok
    found = errors(check(**{**VONAGE_OUT, "auth_username": None, "auth_password": None}))
    assert "Vonage outbound" in found["registration.auth_username"]
    assert "Vonage outbound" in found["registration.auth_password"]
    found = errors(check(provider="vonage", enable_outbound=True))
    assert found["registration.outbound_address"] == VONAGE_HINT


@pytest.mark.parametrize("address", ["sip.telnyx.com", "sip.telnyx.eu", "sip.telnyx.com.au", "sip.telnyx.ca", "sip.telnyx.asia"])
def test_telnyx_hosts(address):
    assert check(provider="telnyx", outbound_address=address).ok


def test_telnyx_other_host_rejected():
    assert "sip.telnyx.com" in errors(check(provider="telnyx", outbound_address="sip.telnyx.de"))["registration.outbound_address"]


def test_custom_accepts_any_host_or_ip():
    assert check(provider="custom", outbound_address="203.0.113.9:5080").ok
    assert check(provider="custom", outbound_address="pbx.example.org").ok
    assert "host name" in errors(check(provider="custom", outbound_address="pbx_example"))["registration.outbound_address"]


def test_credentials_come_in_pairs():
    assert "password" in errors(check(auth_username="u"))["registration.auth_password"]
    assert "username" in errors(check(auth_password="Abcdefghij12"))["registration.auth_username"]


def test_inbound_digest_auth_flag():
    assert "true or false" in errors(check(provider_config={"inbound_digest_auth": "yes"}))["registration.provider_config.inbound_digest_auth"]
    found = errors(check(provider="custom", provider_config={"inbound_digest_auth": True}))
    assert "inbound digest auth" in found["registration.auth_username"]


@pytest.mark.parametrize(
    "fields",
    [
        {"phone_number": "+919876543210"},
        {"trunk_numbers": ["+14155550101", "+919876543210"]},
        {"outbound_numbers": ["+919876543210"]},
        {"transfer_config": {"allowed_destinations": ["tel:+919876543210"]}},
        {"transfer_config": {"supervisor_phone": "tel:+919876543210"}},
    ],
)
def test_india_requires_destination_country(fields):
    found = errors(check(**fields))
    assert "India" in found["registration.destination_country"]
    fixed = check(**fields, destination_country="in")
    assert fixed.ok and fixed.config.registration.destination_country == "IN"


def test_destination_country_must_be_iso():
    assert "ISO 3166-1" in errors(check(destination_country="XX"))["registration.destination_country"]
    assert "ISO 3166-1" in errors(check(destination_country="USA"))["registration.destination_country"]
    assert check(destination_country="").config.registration.destination_country is None


@pytest.mark.parametrize("field, low, high", [("ringing_timeout_seconds", 1, 300), ("max_call_duration_seconds", 60, 86400)])
def test_ranges(field, low, high):
    assert check(**{field: low}).ok and check(**{field: high}).ok
    for bad in (low - 1, high + 1):
        assert f"from {low} to {high}" in errors(check(**{field: bad}))[f"registration.{field}"]
    assert "whole number" in errors(check(**{field: True}))[f"registration.{field}"]
    assert "whole number" in errors(check(**{field: 30.5}))[f"registration.{field}"]


def test_enums_case_insensitive_but_closed():
    report = check(provider="Twilio", outbound_transport="tcp", media_encryption="require")
    reg = report.config.registration
    assert (reg.provider, reg.outbound_transport, reg.media_encryption) == ("twilio", "TCP", "REQUIRE")
    msg = errors(check(outbound_transport="SCTP"))["registration.outbound_transport"]
    assert "AUTO, UDP, TCP, TLS" in msg
    msg = errors(check(provider="plivo"))["registration.provider"]
    assert "livekit, twilio, vonage, telnyx, bandwidth, custom" in msg


def test_dtmf_rules():
    assert check(dtmf_config={"dtmf_sequence": "*123#ww456ABCD", "dtmf_timeout": 300}).ok
    assert "'e'" in errors(check(dtmf_config={"dtmf_sequence": "12e"}))["registration.dtmf_config.dtmf_sequence"]
    assert "upper-case" in errors(check(dtmf_config={"dtmf_sequence": "a"}))["registration.dtmf_config.dtmf_sequence"]
    assert "lower-case w" in errors(check(dtmf_config={"dtmf_sequence": "1W2"}))["registration.dtmf_config.dtmf_sequence"]
    for bad in (0, 301, -5):
        assert "from 1 to 300" in errors(check(dtmf_config={"dtmf_timeout": bad}))["registration.dtmf_config.dtmf_timeout"]


def test_headers():
    assert check(custom_headers={"X-Team": "blue"}, headers_to_attributes={"X-Telnyx-Username": "telnyx.user"}).ok
    found = errors(check(custom_headers={"Team": "blue", "Contact": "x", "X-A": "a" * 1025}))
    assert "start with 'X-'" in found["registration.custom_headers.Team"]
    assert "refuses" in found["registration.custom_headers.Contact"]
    assert "1024" in found["registration.custom_headers.X-A"]
    found = errors(check(headers_to_attributes={"Bad Header": "x", "X-Ok": ""}))
    assert "not allowed in a SIP header" in found["registration.headers_to_attributes.Bad Header"]
    assert "attribute name" in found["registration.headers_to_attributes.X-Ok"]


def test_transfer_destinations():
    report = check(transfer_config={
        "allowed_destinations": ["tel:+1 510 555 0100", "sip:support@pbx.example.com", "sips:desk@pbx.example.com:5061", "+15105550199"],
        "supervisor_phone": "tel:+15105550100",
    })
    transfer = report.config.registration.transfer_config
    assert transfer.allowed_destinations == [
        "tel:+15105550100", "sip:support@pbx.example.com", "sips:desk@pbx.example.com:5061", "tel:+15105550199",
    ]
    found = errors(check(transfer_config={"allowed_destinations": ["tel:555", "sip:pbx.example.com", "mailto:a@b.c"], "supervisor_phone": "tel:abc"}))
    assert "include the country code" in found["registration.transfer_config.allowed_destinations.0"]
    assert "user@host" in found["registration.transfer_config.allowed_destinations.1"]
    assert "tel: or sip:" in found["registration.transfer_config.allowed_destinations.2"]
    assert "letters" in found["registration.transfer_config.supervisor_phone"]
    assert check(transfer_config={"supervisor_phone": ""}).config.registration.transfer_config.supervisor_phone is None


def test_metadata_must_be_plain_json():
    assert check(metadata={"a": [1, 2.5, None, True, {"b": "c"}]}).ok
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    assert "nested" in errors(check(metadata=deep))["registration.metadata"]
    assert "finite" in errors(check(provider_config={"n": float("nan")}))["registration.provider_config"]


def test_direct_model_validation_still_enforces_cross_field_rules():
    with pytest.raises(ValidationError) as caught:
        Registration.model_validate({"phone_number": "+919876543210", "provider": "twilio"})
    assert "registration.destination_country" in str(caught.value)


def test_secret_never_in_repr_or_errors():
    report = check(auth_password="Hunter2Hunter2secret", auth_username=None)
    assert all("Hunter2" not in str(p) for p in report.errors)
    ok = check(auth_password="Hunter2Hunter2secret", auth_username="u")
    assert "Hunter2" not in repr(ok.config)


def test_both_outbound_names():
    assert check(enable_outbound=False, outbound_enabled=False).ok
    found = errors(check(enable_outbound=False, outbound_enabled=True))
    assert "same setting" in found["registration.outbound_enabled"]


def test_password_control_characters_rejected_without_echo():
    found = errors(check(auth_username="u", auth_password="Pass\nword123456"))
    assert "U+000A LINE FEED at position 5" in found["registration.auth_password"]
    assert "Pass" not in found["registration.auth_password"]
    assert errors(check(auth_username="u", auth_password=123456789012))["registration.auth_password"] == "must be text"
