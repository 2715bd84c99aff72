"""Issue 13's corrections: each carrier fact that could make a call fail, as validation, warning,
step or address list."""

import pytest

from phonewizard.domain.carrier_advice import CLOUD_ALLOWED_ADDRESSES_NOTE, digest_caveat, is_livekit_cloud
from phonewizard.domain.provider_addresses import TELNYX_HOSTS, outbound_host_problem
from phonewizard.domain.providers import PROVIDERS, carrier_steps, telnyx_address, vonage_address
from phonewizard.domain.sip_addresses import parse_allowed_address
from phonewizard.domain.report import check_config
from tests.domain.validation_samples import check, config, errors, warnings

SIP_URI = "sip:abc123.sip.livekit.cloud"
TWILIO_OUT = dict(enable_outbound=True, outbound_address="mytrunk.pstn.twilio.com", auth_username="u",
                  auth_password="Abcdefghij12", destination_country="US")
WARM = "registration.transfer_config.warm_transfer_enabled"


def texts(steps):
    return " ".join(s.text for s in steps)


def values(steps):
    return [s.value for s in steps if s.value]


# ---- 1. Twilio transfers; warm transfer needs outbound ---------------------------------------

def test_warm_transfer_without_outbound_is_an_error_that_says_why():
    report = check(transfer_config={"warm_transfer_enabled": True})
    assert not report.ok
    message = errors(report)[WARM]
    assert "dials the supervisor through the outbound trunk" in message and "enable_outbound" in message
    assert check(**TWILIO_OUT, transfer_config={"warm_transfer_enabled": True}).ok


def test_warm_transfer_on_a_livekit_number_is_an_error():
    message = errors(check(provider="livekit", transfer_config={"warm_transfer_enabled": True}))[WARM]
    assert "inbound-only" in message


def test_twilio_cold_transfer_to_phone_numbers_needs_pstn_transfer():
    report = check(transfer_config={"cold_transfer_enabled": True, "allowed_destinations": ["+14155550199"]})
    text = texts(carrier_steps(SIP_URI, report.config))
    assert "Call Transfer (SIP REFER)" in text and "Enable PSTN Transfer" in text and "enable-all" in text
    # No destinations listed means any number: PSTN transfer too.
    assert "Enable PSTN Transfer" in texts(carrier_steps(SIP_URI, check(transfer_config={"cold_transfer_enabled": True}).config))


def test_twilio_sip_only_transfers_and_warm_transfer_steps():
    sip_only = check(transfer_config={"cold_transfer_enabled": True, "allowed_destinations": ["sip:desk@pbx.example.com"]})
    text = texts(carrier_steps(SIP_URI, sip_only.config))
    assert "SIP REFER" in text and "Enable PSTN Transfer" not in text
    warm = texts(carrier_steps(SIP_URI, check(**TWILIO_OUT, transfer_config={"warm_transfer_enabled": True}).config))
    assert "SIP REFER): enable" not in warm and "Warm transfer uses no SIP REFER" in warm


# ---- 2. LiveKit numbers: the rule's filter, transfers ----------------------------------------

def test_cold_transfer_on_a_livekit_number_warns():
    report = check(provider="livekit", transfer_config={"cold_transfer_enabled": True})
    assert report.ok
    assert "TransferSIPParticipant" in warnings(report)["registration.transfer_config.cold_transfer_enabled"]
    assert "registration.transfer_config.cold_transfer_enabled" not in warnings(
        check(transfer_config={"cold_transfer_enabled": True}))


# ---- 3. allowed_addresses on LiveKit Cloud ---------------------------------------------------

def test_allowed_addresses_on_cloud_needs_livekit_support():
    data = config(allowed_addresses=["54.172.60.0/30"])
    data["livekit"]["url"] = "wss://demo.livekit.cloud"
    assert warnings(check_config(data))["registration.allowed_addresses"] == CLOUD_ALLOWED_ADDRESSES_NOTE
    assert "Contact LiveKit support" in CLOUD_ALLOWED_ADDRESSES_NOTE
    data["livekit"]["url"] = "wss://livekit.example.com"
    assert "registration.allowed_addresses" not in warnings(check_config(data))
    assert is_livekit_cloud("https://x.livekit.cloud/") and not is_livekit_cloud("http://[bad")
    assert not is_livekit_cloud("wss://livekit.cloud.example.com")


# ---- 4. Telnyx addresses and hosts -----------------------------------------------------------

def test_telnyx_signalling_list_has_asia_and_the_failover_and_srv_addresses():
    ranges = PROVIDERS["telnyx"].signalling_ranges
    for address in ("103.115.244.158", "103.115.244.159", "5.172.39.10", "5.172.39.25", "193.108.220.10",
                    "193.108.220.25", "103.135.104.10", "103.135.104.25", "192.76.120.10", "185.246.41.141"):
        assert address in ranges
    assert len(ranges) == len(set(ranges)) == 18
    assert all(parse_allowed_address(a) == a for a in ranges)


@pytest.mark.parametrize("host", ["sip-eu.telnyx.com", "sip-ca.telnyx.com", "sip-au.telnyx.com", "sip.telnyx.asia"])
def test_telnyx_srv_hosts_are_accepted(host):
    assert outbound_host_problem("telnyx", host) is None
    report = check(provider="telnyx", enable_outbound=True, outbound_address=host, auth_username="u",
                   auth_password="Abcdefghij12")
    assert "registration.outbound_address" not in errors(report)
    assert host in TELNYX_HOSTS.values()


def test_telnyx_builder_knows_the_srv_names_and_still_refuses_others():
    assert telnyx_address("au-srv") == "sip-au.telnyx.com"
    assert outbound_host_problem("telnyx", "sip-us.telnyx.com")[0] == "error"


# ---- 5. Inbound digest for every carrier -----------------------------------------------------

@pytest.mark.parametrize("provider, name", [("telnyx", "Telnyx"), ("vonage", "Vonage"), ("bandwidth", "Bandwidth"), ("custom", "your provider")])
def test_inbound_digest_warns_for_every_carrier(provider, name):
    extra = dict(outbound_address="abcde.sip-us.vonage.com", enable_outbound=True) if provider == "vonage" else {}
    report = check(provider=provider, auth_username="u", auth_password="Abcdefghij12",
                   provider_config={"inbound_digest_auth": True}, **extra)
    message = warnings(report)["registration.provider_config.inbound_digest_auth"]
    assert f"no source we know of says {name} answers" in message and "test call" in message
    assert digest_caveat("livekit") is None and "cannot answer" in digest_caveat("twilio")


# ---- 6. Bandwidth addresses; Vonage names and TLS --------------------------------------------

def test_bandwidth_points_at_its_per_account_addresses():
    info = PROVIDERS["bandwidth"]
    assert info.signalling_ranges == () and "Trunk Group Configurations" in info.signalling_where


@pytest.mark.parametrize("name, ok", [("abcd", False), ("abcde", True), ("a" * 32, True), ("a" * 33, False)])
def test_vonage_trunk_names_are_5_to_32_characters(name, ok):
    problem = outbound_host_problem("vonage", f"{name}.sip-us.vonage.com")
    if ok:
        assert problem is None and vonage_address(name) == f"{name}.sip-us.vonage.com"
    else:
        assert problem[0] == "error" and "5–32 characters" in problem[1]
        with pytest.raises(ValueError, match="5–32 characters"):
            vonage_address(name)


def test_vonage_tls_is_said_to_apply_to_outbound_only():
    report = check(provider="vonage", enable_outbound=True, outbound_address="abcde.sip-eu.vonage.com",
                   outbound_transport="TLS", auth_username="k", auth_password="Abcdefghij12")
    assert "outbound calls only" in warnings(report)["registration.outbound_transport"]
    steps = carrier_steps(SIP_URI, report.config)
    assert "abc123.sip.livekit.cloud" in values(steps)  # host only, never ;transport=tls
    assert "TLS cannot be set for the calls Vonage sends" in texts(steps)


# ---- 7. Fallback URIs ------------------------------------------------------------------------

def test_twilio_and_telnyx_offer_the_regional_fallback_at_priority_2():
    twilio = carrier_steps(SIP_URI, check().config)
    assert "priority 2" in texts(twilio)
    assert "sip:abc123.us.sip.livekit.cloud;transport=tcp" in values(twilio)
    telnyx = carrier_steps(SIP_URI, check(provider="telnyx", phone_number="+442071838750").config)
    assert values(telnyx)[:2] == ["abc123.sip.livekit.cloud", "abc123.uk.sip.livekit.cloud"]
    german = carrier_steps(SIP_URI, check(phone_number="+4930901820").config)
    assert "sip:abc123.eu.sip.livekit.cloud;transport=tcp" in values(german)


def test_no_fallback_where_it_would_be_wrong():
    india = carrier_steps(SIP_URI, check(phone_number="+919876543210", destination_country="IN").config)
    assert "priority 2" not in texts(india)  # India's rules pin calls to the India region
    sandbox = carrier_steps("sip:sandbox.sip.phonewizard.invalid", check().config)
    assert "priority 2" not in texts(sandbox)
    assert "priority 2" not in texts(carrier_steps(SIP_URI, check(provider="vonage").config))
