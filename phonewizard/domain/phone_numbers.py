"""Strict phone-number parsing to +E.164, with messages a user can act on.

`phonenumbers.parse` alone is too lenient for a trunk configuration: it turns letters into digits
("+1-415-555-0101abc" becomes +14155550101222) and quietly moves `x23` / `;ext=5` into an extension
that LiveKit would never see (reference/providers.md §5). So a strict character pre-filter runs
first, then `parse`, then the possible-length check. Numbers that are possible but not valid
(fiction ranges, brand-new blocks) are accepted: `is_valid_number` says so and advice.py warns.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers.phonenumberutil import ValidationResult

# Only digits and the usual visual separators; everything else (letters, `;`, `#`, `*`, `,`) is
# something LiveKit cannot dial and phonenumbers would silently reinterpret.
_ALLOWED = re.compile(r"^\+?[0-9 ()\-.]+$")
_EXTENSION = re.compile(r"(?i)(;\s*ext\s*=|\bext\.?\s*\d|\bx\s*\d|#\s*\d)")
_SEPARATORS = re.compile(r"[ ()\-.]")
# Longer input cannot be a phone number; stopping early keeps the check cheap on pasted junk.
_MAX_INPUT = 40
EXAMPLE = "+14155550101"


class PhoneNumberError(ValueError):
    """The text is not a usable phone number; str() is the message for the user."""


def _reject_characters(text: str) -> None:
    if text.lower().startswith(("tel:", "sip:", "sips:")):
        raise PhoneNumberError(f"enter the number without a tel:/sip: prefix, e.g. {EXAMPLE}")
    if "+" in text[1:]:
        raise PhoneNumberError(f"'+' may appear only at the start, e.g. {EXAMPLE}")
    if _EXTENSION.search(text):
        raise PhoneNumberError(
            "extensions (x23, ext. 23, ;ext=23) are not supported: LiveKit trunks match the whole "
            f"number, so enter only the number itself, e.g. {EXAMPLE}"
        )
    bad = sorted({c for c in text if not (c.isdigit() and c.isascii()) and c not in "+ ()-."})
    if any(c.isalpha() for c in bad):
        raise PhoneNumberError(
            "contains letters; enter digits only (vanity numbers like 1-800-FLOWERS must be "
            f"written as digits), e.g. {EXAMPLE}"
        )
    shown = " ".join(repr(c) for c in bad[:5])
    raise PhoneNumberError(
        f"contains characters that are not part of a phone number ({shown}); use digits, an "
        f"optional leading + and spaces, e.g. {EXAMPLE}"
    )


@lru_cache(maxsize=512)
def parse_e164(text: str) -> str:
    """Return `text` as +E.164 or raise PhoneNumberError saying why and how to fix it.

    Cached because the GUI re-validates the same numbers on every keystroke.
    """
    text = text.strip()
    if not text:
        raise PhoneNumberError(f"enter a phone number in international format, e.g. {EXAMPLE}")
    if len(text) > _MAX_INPUT:
        raise PhoneNumberError(f"is too long to be a phone number (at most 15 digits), e.g. {EXAMPLE}")
    if not _ALLOWED.match(text):
        _reject_characters(text)
    digits = _SEPARATORS.sub("", text)
    if not digits.startswith("+"):
        if digits.startswith("00") or digits.startswith("011"):
            raise PhoneNumberError(
                "replace the international dialling prefix (00 or 011) with '+', "
                f"e.g. {EXAMPLE}"
            )
        raise PhoneNumberError(f"include the country code, starting with '+', e.g. {EXAMPLE}")
    if len(digits) - 1 > 15:
        raise PhoneNumberError("is too long: an international number has at most 15 digits")
    try:
        number = phonenumbers.parse(digits, None)
    except NumberParseException as exc:
        raise PhoneNumberError(_parse_failure(exc)) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise PhoneNumberError(_impossible(reason, number.country_code))
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise PhoneNumberError(
            f"is missing digits: for +{number.country_code} include the area code, e.g. {EXAMPLE}"
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _parse_failure(exc: NumberParseException) -> str:
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return f"does not start with a known country code, e.g. {EXAMPLE}"
    if exc.error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return f"is too short to be a phone number, e.g. {EXAMPLE}"
    if exc.error_type == NumberParseException.TOO_LONG:
        return "is too long: a phone number has at most 15 digits"
    return f"is not a phone number; enter it in international format, e.g. {EXAMPLE}"


def _impossible(reason: int, country_code: int) -> str:
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return f"+{country_code} is not a country code; check the first digits, e.g. {EXAMPLE}"
    if reason == ValidationResult.TOO_SHORT:
        return f"is too short for a +{country_code} number; check for missing digits"
    if reason == ValidationResult.TOO_LONG:
        return f"is too long for a +{country_code} number; check for extra digits"
    return f"has the wrong number of digits for a +{country_code} number"


def region_of(e164: str) -> str | None:
    """ISO region (e.g. 'US', 'IN') of a valid +E.164 number; None when unknown or non-geographic.

    `+1` is shared by the US, Canada and the Caribbean, so the region comes from the full number.
    """
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except NumberParseException:
        return None
    return region if region and region != "001" else None


def is_valid(e164: str) -> bool:
    """True when the number matches the numbering plan (not whether it is in service)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
    except NumberParseException:
        return False


def is_indian(e164: str) -> bool:
    """Indian numbers need LiveKit's India region pinning (providers.md §3)."""
    return e164.startswith("+91")
