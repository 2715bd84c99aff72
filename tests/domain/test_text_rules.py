"""Invisible and control characters are refused, never trimmed away (issue 12, point 5).

The rule is in phonewizard/domain/text_rules.py. These tests hold it to its word three ways: per
character class (with characters picked by hand, not taken from the code's own tables), per model
field (every text field the models have, found by walking them, so a new field without the rule
fails here), and for the one change still made (plain spaces at the ends).
"""

from __future__ import annotations

import copy
import typing
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.report import Problem, check_config
from phonewizard.domain.text_rules import describe, invisible_problem, is_refused

BASE: dict[str, Any] = {
    "format": "phonewizard/1",
    "agent_name": "sales-agent",
    "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123", "api_secret": "s3cret-value",
                "sip_uri": "sip:abc.sip.livekit.cloud"},
    "registration": {
        "phone_number": "+14155550101", "provider": "telnyx", "trunk_numbers": ["+14155550101"],
        "allowed_addresses": ["192.76.120.10"], "allowed_numbers": ["+14155550102"],
        "auth_username": "acme", "auth_password": "p4ssword-x", "enable_outbound": True,
        "outbound_address": "sip.telnyx.com", "outbound_numbers": ["+14155550101"],
        "outbound_transport": "TCP", "destination_country": "US", "media_encryption": "ALLOW",
        "custom_headers": {"X-Team": "sales"}, "headers_to_attributes": {"X-Team": "team"},
        "dtmf_config": {"dtmf_sequence": "123"},
        "transfer_config": {"allowed_destinations": ["tel:+14155550100"], "supervisor_phone": "+14155550103"},
    },
    "carrier_secret": "KEYdemo0123456789",  # the wizard's "Set up … for me" credential
}
# Fields deliberately outside the rule: `format` is matched exactly by the file reader, and
# metadata/provider_config are JSON data passed on byte for byte (text_rules.py says why).
EXEMPT = {"format", "registration.metadata", "registration.provider_config"}


def test_the_base_document_is_valid():
    report = check_config(BASE)
    assert report.ok, report.errors


# ---- per character ------------------------------------------------------------------------------

REFUSED = {
    "\u200f": "U+200F RIGHT-TO-LEFT MARK", "\u200e": "U+200E LEFT-TO-RIGHT MARK",
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE", "\u2066": "U+2066 LEFT-TO-RIGHT ISOLATE",
    "\u200b": "U+200B ZERO WIDTH SPACE", "\u200d": "U+200D ZERO WIDTH JOINER", "\u2060": "U+2060 WORD JOINER",
    "\ufeff": "U+FEFF ZERO WIDTH NO-BREAK SPACE", "\u00ad": "U+00AD SOFT HYPHEN",
    "\U000e0041": "U+E0041 TAG LATIN CAPITAL LETTER A",
    "\r": "U+000D CARRIAGE RETURN", "\n": "U+000A LINE FEED", "\t": "U+0009 CHARACTER TABULATION",
    "\x00": "U+0000 NULL", "\x1b": "U+001B ESCAPE", "\x7f": "U+007F DELETE", "\x85": "U+0085 NEXT LINE",
    "\x9b": "U+009B",
    "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR",
    "\u00a0": "U+00A0 NO-BREAK SPACE", "\u2009": "U+2009 THIN SPACE", "\u3000": "U+3000 IDEOGRAPHIC SPACE",
    "\ue000": "U+E000", "\u0378": "U+0378", "\ud800": "U+D800",
    "\u034f": "U+034F COMBINING GRAPHEME JOINER", "\u3164": "U+3164 HANGUL FILLER",
    "\u115f": "U+115F HANGUL CHOSEONG FILLER", "\ufe0f": "U+FE0F VARIATION SELECTOR-16",
    "\u180e": "U+180E MONGOLIAN VOWEL SEPARATOR", "\u2800": "U+2800 BRAILLE PATTERN BLANK",
}
ALLOWED = [" ", "a", "é", "e\u0301", "ß", "漢", "ا", "€", "😀", "-", "~", "\u00b7", "Ω"]


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_refused_characters_are_named_with_code_point_and_position(char):
    assert is_refused(char)
    assert describe(char) == REFUSED[char]
    problem = invisible_problem("ab" + char + "cd")
    assert problem is not None and f"{REFUSED[char]} at position 3" in problem


@pytest.mark.parametrize("text", ALLOWED)
def test_visible_text_is_left_alone(text):
    assert invisible_problem(f"x{text}y") is None


def test_the_first_refused_character_is_named_and_the_rest_counted():
    assert invisible_problem("a\u200bb\u200bc\n").endswith("(2 more such characters follow)")
    assert invisible_problem("a\u200bb\n").endswith("(1 more such character follows)")
    assert "position 2" in invisible_problem("a\u200bb")


# ---- per field: walk the models ------------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _text_slots(model: type[BaseModel], prefix: str = "") -> dict[str, str]:
    """dotted path → 'text' | 'secret' | 'list' | 'dict' for every field that holds text."""
    found: dict[str, str] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _unwrap(info.annotation)
        options = [_unwrap(a) for a in typing.get_args(annotation)] if typing.get_origin(annotation) in (
            typing.Union, __import__("types").UnionType) else [annotation]
        for option in options:
            origin = typing.get_origin(option)
            if isinstance(option, type) and issubclass(option, BaseModel):
                found.update(_text_slots(option, path + "."))
            elif option is str or origin is typing.Literal:
                found[path] = "text"
            elif option is SecretStr:
                found[path] = "secret"
            elif origin is list and _unwrap(typing.get_args(option)[0]) is str:
                found[path] = "list"
            elif origin is dict:
                found[path] = "dict"
    return found


SLOTS = _text_slots(PhoneWizardConfig)


def test_every_text_field_is_covered_here():
    """A new text field must either follow the rule (and get a sample in BASE) or be exempted
    here with a reason; it cannot slip past unnoticed."""
    assert set(SLOTS) - EXEMPT == {p for p in SLOTS if p not in EXEMPT and _get(BASE, p) is not None}
    assert EXEMPT <= set(SLOTS)
    assert len(SLOTS) - len(EXEMPT) >= 22, sorted(SLOTS)


def _get(document: dict, path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(document: dict, path: str, value: Any) -> dict:
    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = document
    for part in parents:
        node = node[part]
    node[last] = value
    return document


def _cases() -> list[tuple[str, str, Any, str, str]]:
    """(id, path, new value, expected problem field, expected message start)."""
    cases = []
    for path, kind in sorted(SLOTS.items()):
        if path in EXEMPT:
            continue
        sample = _get(BASE, path)
        if kind in ("text", "secret"):
            cases.append((path, path, "\u200f" + sample, path, "has U+200F RIGHT-TO-LEFT MARK at position 1"))
        elif kind == "list":
            cases.append((path, path, ["\u200f" + sample[0]], f"{path}.0", "has U+200F RIGHT-TO-LEFT MARK at position 1"))
        else:
            (key, value), = sample.items()
            cases.append((path + "[name]", path, {key + "\r\n": value}, f"{path}.{key}\r\n",
                          f"the name has U+000D CARRIAGE RETURN at position {len(key) + 1}"))
            cases.append((path + "[value]", path, {key: value + "\u2028"}, f"{path}.{key}",
                          f"has U+2028 LINE SEPARATOR at position {len(value) + 1}"))
    return cases


@pytest.mark.parametrize(("path", "value", "field", "message"), [c[1:] for c in _cases()],
                         ids=[c[0] for c in _cases()])
def test_every_text_field_refuses_invisible_characters_by_name(path, value, field, message):
    report = check_config(_set(BASE, path, value))
    assert not report.ok and report.config is None
    assert any(p.field == field and p.message.startswith(message) for p in report.errors), report.errors
    secret = _get(BASE, path)
    if SLOTS[path] == "secret":
        assert not any(secret in p.message for p in report.errors)  # a secret is never repeated


# ---- what used to be trimmed silently ------------------------------------------------------------

@pytest.mark.parametrize("value", ["sales\r\n", "\r\nsales", "sales\t", "\u2028", "sales\u00a0", "\u200fsales"])
def test_header_values_and_agent_names_are_not_trimmed_but_refused(value):
    headers = check_config(_set(BASE, "registration.custom_headers", {"X-Team": value}))
    assert [p.field for p in headers.errors] == ["registration.custom_headers.X-Team"]
    agent = check_config(_set(BASE, "agent_name", value.replace("sales", "sales-agent")))
    assert [p.field for p in agent.errors] == ["agent_name"]
    assert "U+" in agent.errors[0].message


def test_a_value_of_only_a_line_separator_is_not_turned_into_an_empty_value():
    report = check_config(_set(BASE, "registration.custom_headers", {"X-Team": "\u2028"}))
    assert report.errors == [Problem("registration.custom_headers.X-Team",
                                     "has U+2028 LINE SEPARATOR at position 1, a line break: the text must be "
                                     "one line; delete it")]


def test_a_right_to_left_mark_before_the_plus_is_named_not_blamed_on_the_plus():
    report = check_config(_set(BASE, "registration.phone_number", "\u200f+14155550101"))
    assert [str(p) for p in report.errors] == [
        "registration.phone_number: has U+200F RIGHT-TO-LEFT MARK at position 1, an invisible character: "
        "delete it (retype the value if you cannot see it)"]


def test_plain_spaces_at_the_ends_are_the_only_change():
    document = _set(BASE, "registration.custom_headers", {" X-Team ": " sales desk "})
    document = _set(document, "agent_name", " sales-agent ")
    document = _set(document, "registration.auth_username", " acme ")
    document = _set(document, "registration.metadata", {" key ": " value\n "})
    config = check_config(document).config
    assert config is not None
    assert config.registration.custom_headers == {"X-Team": "sales desk"}
    assert config.agent_name == "sales-agent" and config.registration.auth_username == "acme"
    assert config.registration.metadata == {" key ": " value\n "}  # JSON data: passed on as written


def test_secrets_are_checked_but_never_trimmed():
    config = check_config(_set(BASE, "registration.auth_password", " pass word ")).config
    assert config is not None and config.registration.auth_password.get_secret_value() == " pass word "
    refused = check_config(_set(BASE, "livekit.api_secret", "s3cret-value\n"))
    assert [p.field for p in refused.errors] == ["livekit.api_secret"]
    assert "U+000A LINE FEED at position 13" in refused.errors[0].message
