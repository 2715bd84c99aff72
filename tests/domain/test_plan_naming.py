"""naming: room prefixes, object names and the ownership marker."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, strategies as st

from phonewizard.domain.naming import Marker, marker_metadata, object_name, parse_marker, room_pattern, room_prefix


@pytest.mark.parametrize("agent,prefix", [
    ("my-agent", "my-agent"),
    ("Support_Bot.v2", "support-bot-v2"),
    ("--x--", "x"),
    ("___", "agent"),
    ("a" * 50, "a" * 32),
])
def test_room_prefix_is_a_safe_slug(agent, prefix):
    assert room_prefix(agent) == prefix


def test_room_pattern_and_names():
    assert room_pattern("bot") == "bot_<caller number>_<random>"
    assert object_name("inbound", "+14155550101", "bot") == "phonewizard +14155550101 → bot"
    assert "(outbound)" in object_name("outbound", "+14155550101", "bot")


def test_marker_round_trip():
    text = marker_metadata("+14155550101", "bot", "inbound", "twilio")
    assert json.loads(text) == {"managed_by": "phonewizard", "phone_number": "+14155550101",
                                "agent_name": "bot", "role": "inbound", "provider": "twilio"}
    assert parse_marker(text) == Marker("+14155550101", "bot", "inbound", "twilio")


@pytest.mark.parametrize("metadata", [
    None, "", "free text", "[1,2]", '{"managed_by": "someone-else", "phone_number": "+1", "agent_name": "a", "role": "inbound"}',
    '{"managed_by": "phonewizard", "agent_name": "a", "role": "inbound"}',
    '{"managed_by": "phonewizard", "phone_number": "+1", "agent_name": "a", "role": "boss"}',
    '{"managed_by": "phonewizard", "phone_number": 5, "agent_name": "a", "role": "inbound"}',
])
def test_anything_else_is_not_ours(metadata):
    assert parse_marker(metadata) is None


_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@given(st.text(max_size=80))
def test_any_agent_name_gives_a_slug_of_at_most_32_characters(agent):
    prefix = room_prefix(agent)
    assert _SLUG.match(prefix) and len(prefix) <= 32


@given(st.text(min_size=1, max_size=20), st.text(max_size=40), st.sampled_from(["inbound", "outbound", "dispatch"]))
def test_marker_survives_any_text(phone, agent, role):
    assert parse_marker(marker_metadata(phone, agent, role)) == Marker(phone, agent, role)
