"""allowed_addresses parsing, outbound address normalisation and SIP/tel URI splitting."""

import pytest

from phonewizard.domain.sip_addresses import (
    AddressError,
    is_hostname,
    normalise_outbound_address,
    parse_allowed_address,
    split_uri,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("203.0.113.10", "203.0.113.10"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("203.0.113.10/32", "203.0.113.10/32"),
        ("54.172.60.0/30", "54.172.60.0/30"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:0db8:0000::/32", "2001:db8::/32"),
        ("SIP.Example.com", "sip.example.com"),
    ],
)
def test_allowed_address_accepts(text, expected):
    assert parse_allowed_address(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("10.0.0.1/24", "10.0.0.0/24"),
        ("10.0.0.0/33", "CIDR"),
        ("sip://1.2.3.4", "without a scheme"),
        ("https://x.example.com", "without a scheme"),
        ("1.2.3.4,5.6.7.8", "','"),
        ("1.2.3.4 5.6.7.8", "spaces"),
        ("host;x", "';'"),
        ("user@host.com", "'@'"),
        ("10.0.0.300", "IPv4"),
        ("bad_host!", "not an IP address"),
        ("", "empty entry"),
    ],
)
def test_allowed_address_rejects(text, fragment):
    with pytest.raises(AddressError) as caught:
        parse_allowed_address(text)
    assert fragment in str(caught.value)


def test_silently_dropped_entries_are_explained():
    with pytest.raises(AddressError) as caught:
        parse_allowed_address("1.2.3.4;x")
    assert "silently ignores" in str(caught.value)


@pytest.mark.parametrize(
    "text, address, transport, was_uri",
    [
        ("sip.telnyx.com", "sip.telnyx.com", None, False),
        ("sip.example.com:5080", "sip.example.com:5080", None, False),
        ("sip:mytrunk.pstn.twilio.com;transport=tcp", "mytrunk.pstn.twilio.com", "TCP", True),
        ("sips:sip.telnyx.com", "sip.telnyx.com", "TLS", True),
        ("<sip:user@sip.example.com:5061;transport=TLS>", "sip.example.com:5061", "TLS", True),
        ("SIP:Sip.Example.com;transport=udp", "sip.example.com", "UDP", True),
        ("sip.example.com;transport=tcp", "sip.example.com", "TCP", True),
        ("203.0.113.5:5060", "203.0.113.5:5060", None, False),
        ("[2001:db8::5]:5060", "[2001:db8::5]:5060", None, False),
    ],
)
def test_outbound_normalisation(text, address, transport, was_uri):
    result = normalise_outbound_address(text)
    assert (result.address, result.transport, result.was_uri) == (address, transport, was_uri)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("https://sip.example.com", "not a web address"),
        ("sip:host.example.com;transport=ws", "unknown transport"),
        ("sip.example.com:99999", "port"),
        ("sip.example.com:abc", "port"),
        ("sip example.com", "spaces"),
        ("-bad-.example.com", "not a valid host name"),
        ("", "enter the provider's host name"),
    ],
)
def test_outbound_rejects(text, fragment):
    with pytest.raises(AddressError) as caught:
        normalise_outbound_address(text)
    assert fragment in str(caught.value)


def test_hostname_rules():
    assert is_hostname("a.b-c.example")
    assert not is_hostname("a..b")
    assert not is_hostname("1.2.3.4")
    assert not is_hostname("a" * 64 + ".com")


def test_split_uri():
    assert split_uri("sip:support@pbx.example.com:5070;transport=tcp").host == "pbx.example.com:5070"
    assert split_uri("tel:+15105550100").user == "+15105550100"
    with pytest.raises(AddressError, match="user@host"):
        split_uri("sip:pbx.example.com")
    with pytest.raises(AddressError, match="tel: or sip:"):
        split_uri("mailto:x@example.com")
