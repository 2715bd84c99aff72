"""SIP header rules mirror LiveKit's validateHeaders; custom headers must be X- headers."""

import pytest

from phonewizard.domain.sip_headers import (
    FORBIDDEN_HEADERS,
    attribute_name_problem,
    header_name_problem,
    header_token_problem,
    header_value_problem,
)


def test_valid_names():
    assert header_name_problem("X-Customer-Id", require_x=True) is None
    assert header_name_problem("x-lower", require_x=True) is None
    assert header_name_problem("P-Asserted-Identity", require_x=False) is None
    assert header_token_problem("X-a.b!%*_+`'~") is None


@pytest.mark.parametrize("name", sorted(FORBIDDEN_HEADERS))
def test_forbidden_names(name):
    assert "refuses" in header_name_problem(name.title(), require_x=False)


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
