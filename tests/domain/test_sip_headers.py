"""SIP header rules mirror LiveKit's validateHeaders; custom headers must be X- headers.

The forbidden names are checked against a list written out here from LiveKit's source, not against
the code's own FORBIDDEN_HEADERS (a name deleted there must fail a test, not vanish from it):
livekit/protocol `livekit/sip_validation.go`, `var ForbiddenSipHeaderNames`, at commit d74e7cd
(2026-08-22), lines 172-199 — the same snapshot reference/livekit-sip.md §1.1 cites. The sandbox keeps
its own copy (phonewizard/sandbox/validation.py) and must agree with the same list.
"""

import pytest

from phonewizard.domain.sip_headers import (
    FORBIDDEN_HEADERS,
    attribute_name_problem,
    header_name_problem,
    header_token_problem,
    header_value_problem,
)
from phonewizard.sandbox.validation import FORBIDDEN_HEADER_NAMES, ValidationFailure, check_headers

# ForbiddenSipHeaderNames, copied by hand in LiveKit's order (full names, then compact forms).
LIVEKIT_FORBIDDEN = (
    "accept", "accept-encoding", "accept-language", "allow", "allow-events", "call-id", "contact",
    "content-encoding", "content-length", "content-type", "cseq", "event", "expires", "from",
    "max-forwards", "record-route", "refer-to", "reply-to",
    "k", "l", "m", "o", "r", "t", "u", "v",
)
# Deprecated (a soft warning in LiveKit, still accepted) or merely similar: not forbidden.
LIVEKIT_ALLOWED = ("to", "via", "X-From", "Contact-Id", "Accept-Charset", "x", "Subject", "P-Asserted-Identity")


def test_valid_names():
    assert header_name_problem("X-Customer-Id", require_x=True) is None
    assert header_name_problem("x-lower", require_x=True) is None
    assert header_name_problem("P-Asserted-Identity", require_x=False) is None
    assert header_token_problem("X-a.b!%*_+`'~") is None


@pytest.mark.parametrize("name", LIVEKIT_FORBIDDEN)
def test_livekit_forbidden_names_are_refused_in_any_case(name):
    for spelling in (name, name.upper(), name.title()):
        assert "refuses" in header_name_problem(spelling, require_x=False)


@pytest.mark.parametrize("name", LIVEKIT_ALLOWED)
def test_names_livekit_allows_are_not_refused_as_forbidden(name):
    assert header_name_problem(name, require_x=False) is None


def test_the_forbidden_lists_are_exactly_livekits():
    assert FORBIDDEN_HEADERS == set(LIVEKIT_FORBIDDEN)
    assert FORBIDDEN_HEADER_NAMES == set(LIVEKIT_FORBIDDEN)


@pytest.mark.parametrize("name", LIVEKIT_FORBIDDEN)
def test_the_sandbox_refuses_each_forbidden_name_with_livekits_message(name):
    with pytest.raises(ValidationFailure) as info:
        check_headers({name.title(): "v"})
    assert info.value.msg == f"invalid header name: header name {name.title()} not supported"


@pytest.mark.parametrize("name", LIVEKIT_ALLOWED)
def test_the_sandbox_accepts_what_livekit_accepts(name):
    check_headers({name: "v"})


def test_bad_names():
    assert "'X-A B'" in header_token_problem("X-A B")
    assert "255" in header_token_problem("X-" + "a" * 254)
    assert header_token_problem("X-" + "a" * 253) is None
    assert "start with 'X-'" in header_name_problem("Customer", require_x=True)
    assert "empty" in header_token_problem("")


def test_values():
    assert header_value_problem("a" * 1024) is None
    assert "1024" in header_value_problem("a" * 1025)
    assert "line break" in header_value_problem("a\r\nInjected: 1")
    assert header_value_problem("tab\there") is None


def test_attribute_names():
    assert attribute_name_problem("customer.id") is None
    assert "enter" in attribute_name_problem("")
    assert "255" in attribute_name_problem("a" * 256)
    assert "spaces" in attribute_name_problem("a b")
