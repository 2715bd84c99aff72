"""Provider catalog, address builders and carrier steps."""

import pytest

from phonewizard.domain.providers import (
    PROVIDERS,
    CarrierStep,
    carrier_steps,
    provider_info,
    supported_providers,
    telnyx_address,
    twilio_address,
    vonage_address,
)
from phonewizard.domain.sip_addresses import parse_allowed_address
from tests.domain.validation_samples import check

SIP_URI = "sip:abc123.sip.livekit.cloud"


def values(steps):
    return [s.value for s in steps if s.value]


def test_catalog_covers_every_provider_of_the_model():
    assert set(PROVIDERS) == {"livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"}
    assert PROVIDERS["telnyx"].default_outbound_address == "sip.telnyx.com"
    assert PROVIDERS["twilio"].default_transport == "TCP" and PROVIDERS["telnyx"].default_transport == "TCP"
    assert not PROVIDERS["livekit"].supports_outbound
    assert provider_info("unknown").id == "custom"


def test_signalling_ranges_are_valid_allowed_addresses():
    for info in PROVIDERS.values():
        for entry in info.signalling_ranges:
            assert parse_allowed_address(entry) == entry
    assert len(PROVIDERS["twilio"].signalling_ranges) == 8


def test_supported_providers_document():
    listed = supported_providers()
    assert [p["id"] for p in listed] == list(PROVIDERS)
    telnyx = next(p for p in listed if p["id"] == "telnyx")
    assert telnyx["default_outbound_address"] == "sip.telnyx.com" and telnyx["label"] == "Telnyx"


def test_builders_produce_addresses_the_validator_accepts():
    assert twilio_address("MyTrunk") == "mytrunk.pstn.twilio.com"
    assert twilio_address("mytrunk", "frankfurt") == "mytrunk.pstn.frankfurt.twilio.com"
    assert vonage_address("mrassistant-developer", "eu") == "mrassistant-developer.sip-eu.vonage.com"
    assert telnyx_address("eu") == "sip.telnyx.eu"
    for provider, address in (("twilio", twilio_address("t", "sydney")), ("vonage", vonage_address("abcde", "ap")), ("telnyx", telnyx_address("ca"))):
        assert check(provider=provider, outbound_address=address).errors == []
    with pytest.raises(ValueError):
        twilio_address("bad name")
    with pytest.raises(ValueError):
        vonage_address("abcde", "de")
    with pytest.raises(ValueError):
        telnyx_address("mars")


def test_twilio_steps_with_paste_values():
    report = check(enable_outbound=True, outbound_address="mytrunk.pstn.twilio.com", auth_username="agentuser", auth_password="Abcdefghij12")
    steps = carrier_steps(SIP_URI, report.config)
    assert all(isinstance(s, CarrierStep) for s in steps)
    assert values(steps)[:4] == [
        "sip:abc123.sip.livekit.cloud;transport=tcp", "sip:abc123.us.sip.livekit.cloud;transport=tcp",
        "mytrunk.pstn.twilio.com", "agentuser",
    ]
    assert "+14155550101" in values(steps)


def test_vonage_and_telnyx_use_host_only():
    vonage = check(provider="vonage", enable_outbound=True, outbound_address="abcde.sip-us.vonage.com", auth_username="k", auth_password="Abcdefghij12")
    assert "abc123.sip.livekit.cloud" in values(carrier_steps(SIP_URI, vonage.config))
    assert "14155550101" in values(carrier_steps(SIP_URI, vonage.config))
    telnyx = check(provider="telnyx")
    assert values(carrier_steps(SIP_URI, telnyx.config.registration))[0] == "abc123.sip.livekit.cloud"


def test_india_switches_to_the_india_host():
    report = check(phone_number="+919876543210", destination_country="IN", provider="custom")
    assert values(carrier_steps(SIP_URI, report.config))[0] == "sip:abc123.india.sip.livekit.cloud;transport=tcp"


def test_tls_and_missing_sip_uri():
    report = check(provider="custom", outbound_transport="TLS")
    steps = carrier_steps(None, report.config)
    assert "Find your SIP URI" in steps[0].text
    assert values(steps)[0].endswith(";transport=tls")


def test_livekit_provider_steps_need_no_carrier():
    steps = carrier_steps(None, check(provider="livekit").config)
    assert all(s.value is None for s in steps) and "Phone numbers" in steps[0].text
