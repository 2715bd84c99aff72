"""Strict +E.164 parsing: what is rejected, why, and what is stored."""

import pytest

from phonewizard.domain.phone_numbers import PhoneNumberError, is_indian, is_valid, parse_e164, region_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+14155550101", "+14155550101"),
        ("+1 (415) 555-0101", "+14155550101"),
        ("+1.415.555.0101", "+14155550101"),
        ("  +44 20 7946 0958 ", "+442079460958"),
        ("+91 98765 43210", "+919876543210"),
        ("+447700900123", "+447700900123"),  # possible, not valid: accepted (advice warns)
    ],
)
def test_accepts_and_normalises(text, expected):
    assert parse_e164(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("+1-415-555-0101abc", "letters"),
        ("+1 800 FLOWERS", "letters"),
        ("+14155550101 x23", "extension"),
        ("+14155550101;ext=5", "extension"),
        ("+14155550101 ext. 5", "extension"),
        ("4155550101", "include the country code"),
        ("0044 20 7946 0958", "replace the international dialling prefix"),
        ("011 44 20 7946 0958", "replace the international dialling prefix"),
        ("+1415+5550101", "only at the start"),
        ("tel:+14155550101", "without a tel:/sip: prefix"),
        ("+1415555*0101", "not part of a phone number"),
        ("+1415555#0101", "extension"),
        ("+1415", "too short"),
        ("+1415555010199999", "too long"),
        ("+999 1234 5678", "country code"),
        ("", "enter a phone number"),
        ("+" + "1" * 60, "too long"),
    ],
)
def test_rejects_with_reason(text, fragment):
    with pytest.raises(PhoneNumberError) as caught:
        parse_e164(text)
    assert fragment in str(caught.value)
    assert "e.g." in str(caught.value) or "digits" in str(caught.value)


def test_e164_length_edges():
    # Shortest and longest possible numbers: +290 (Saint Helena) has 4-digit national numbers,
    # Germany allows long national numbers up to the E.164 maximum of 15 digits.
    assert parse_e164("+290 2345") == "+2902345"
    assert parse_e164("+49 30 1234567890 1") == "+493012345678901"  # 15 digits: the E.164 maximum
    with pytest.raises(PhoneNumberError, match="at most 15 digits"):
        parse_e164("+49 30 1234567890 12")


def test_region_and_validity():
    assert region_of("+14155550101") == "US"
    assert region_of("+16135550123") in ("CA", None)  # +1 is shared: the region comes from the number
    assert region_of("+919876543210") == "IN"
    assert is_valid("+14155550101")
    assert not is_valid("+447700900123")
    assert is_indian("+919876543210") and not is_indian("+14155550101")
