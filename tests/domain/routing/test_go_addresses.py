"""livekit/protocol sip/sip_test.go TestMatchIP and TestMatchMasks, case by case, plus the
net/netip parsing rules the port reproduces where Python's ipaddress differs."""

import ipaddress

import pytest

from phonewizard.domain.routing.addresses import (
    host_entries,
    is_valid_mask,
    match_addr_mask,
    match_addr_masks,
    parse_addr,
    parse_prefix,
)

# TestMatchIP: (addr, mask, valid, exp)
MATCH_IP = [
    ("192.168.0.10", "192.168.0.10", True, True),
    ("192.168.0.10", "192.168.0.11", True, False),
    ("192.168.0.10", "192.168.0.0/24", True, True),
    ("192.168.0.10", "192.168.0.10/0", True, True),
    ("192.168.0.10", "192.170.0.0/24", True, False),
]


@pytest.mark.parametrize("addr,mask,valid,exp", MATCH_IP, ids=[c[1] for c in MATCH_IP])
def test_match_ip(addr, mask, valid, exp):
    assert is_valid_mask(mask) is valid
    assert match_addr_mask(ipaddress.ip_address(addr), mask) is exp


# TestMatchMasks: (name, addr, host, masks, exp)
MATCH_MASKS = [
    ("no masks", "192.168.0.10", "", [], True),
    ("single ip", "192.168.0.10", "", ["192.168.0.10"], True),
    ("wrong ip", "192.168.0.10", "", ["192.168.0.11"], False),
    ("ip mask", "192.168.0.10", "", ["192.168.0.0/24"], True),
    ("wrong mask", "192.168.0.10", "", ["192.168.1.0/24"], False),
    ("hostname", "192.168.0.10", "sip.example.com", ["sip.example.com"], True),
    ("invalid hostname", "192.168.0.10", "sip.example.com", ["some.domain"], False),
    ("invalid and valid range", "192.168.0.10", "", ["some.domain,192.168.0.10/24", "192.168.0.0/24"], True),
    ("invalid and wrong range", "192.168.0.10", "", ["some.domain", "192.168.1.0/24"], False),
    ("domain name", "192.168.0.10", "sip.example.com", ["some.domain", "192.168.1.0/24", "sip.example.com"], True),
]


@pytest.mark.parametrize("name,addr,host,masks,exp", MATCH_MASKS, ids=[c[0] for c in MATCH_MASKS])
def test_match_masks(name, addr, host, masks, exp):
    assert match_addr_masks(addr, host, masks) is exp


@pytest.mark.parametrize("mask", ["1.2.3.4, 5.6.7.8", "sip://host", "+1", "a*b", "x;y", "(1.2.3.4)", " 1.2.3.4"])
def test_masks_with_forbidden_characters_are_dropped(mask):
    assert not is_valid_mask(mask)
    # A trunk whose every entry is dropped accepts any source (matchAddrMasks).
    assert match_addr_masks("8.8.8.8", "", [mask])


def test_unparsable_source_passes_every_filter():
    assert match_addr_masks("", "", ["10.0.0.0/8"])
    assert match_addr_masks("not-an-ip", "", ["10.0.0.0/8"])


@pytest.mark.parametrize("text,ok", [
    ("10.0.0.5/24", True),  # host bits allowed, as netip.ParsePrefix
    ("10.0.0.0/08", False),  # no leading zero in the bits
    ("10.0.0.0/+8", False),
    ("10.0.0.0/33", False),
    ("10.0.0.0/255.0.0.0", False),  # no netmask form
    ("fe80::1%eth0/64", False),  # no zone in a prefix
    ("2001:db8::/32", True),
    ("10.0.0.0/0", True),
])
def test_parse_prefix_follows_netip(text, ok):
    assert (parse_prefix(text) is not None) is ok


def test_address_families_never_mix_and_zones_never_match_a_prefix():
    assert not match_addr_mask(ipaddress.ip_address("::ffff:10.0.0.1"), "10.0.0.0/8")
    assert not match_addr_mask(ipaddress.ip_address("10.0.0.1"), "::/0")
    zoned = parse_addr("fe80::1%eth0")
    assert zoned is not None and not match_addr_mask(zoned, "fe80::/10")
    assert parse_addr("[::1]") is None and parse_addr("01.2.3.4") is None


def test_host_entries_are_the_kept_non_addresses():
    assert host_entries(["sip.example.com", "1.2.3.4", "10.0.0.0/8", "a b"]) == ["sip.example.com"]
