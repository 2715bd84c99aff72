"""The reverse mapping is exact for what phonewizard made: plan(config(reverse(objects(plan(c)))))
sends the same requests as plan(c), for valid registrations of every provider.

How passwords are compared: the reverse never reads a password (documents hold no secrets), so
before planning again the test puts the original SIP password back into the rebuilt document
(where the document has a username, as the wizard's keyring lookup would), and then compares the
requests exactly, passwords included. Everything else must match without help.

The second property pins down "the document equals what was registered": the rebuilt document is
the registered one with only the settings that never reach LiveKit reset to their defaults (the
username when no trunk carries it, the outbound settings while outbound is off, provider_config
beyond inbound digest auth, and for a LiveKit number everything trunk-related); for an Indian
number without outbound the destination country comes back as IN, the one value India's rule takes.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings

from phonewizard.domain.config_document import config_to_document
from phonewizard.domain.plan import plan
from phonewizard.domain.registration_rules import DIGEST_KEY
from phonewizard.domain.report import check_config
from phonewizard.domain.reverse import reverse

from tests.domain.registration_strategies import PASSWORD, PROVIDERS, configs, stored_objects

ROUND_TRIP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.filter_too_much])
TRUNK_FIELDS = ("trunk_numbers", "allowed_addresses", "allowed_numbers", "auth_username", "media_encryption",
                "ringing_timeout_seconds", "max_call_duration_seconds", "custom_headers", "headers_to_attributes")
OUTBOUND_FIELDS = ("enable_outbound", "outbound_address", "outbound_numbers", "outbound_transport", "destination_country")


def requests_of(p):
    return (p.phone_number, p.agent_name, p.provider, p.room_prefix, p.attach_number, p.sip_uri,
            p.inbound, p.outbound, p.dispatch)


def with_password(document: dict) -> dict:
    document = copy.deepcopy(document)
    if document["registration"].get("auth_username"):
        document["registration"]["auth_password"] = PASSWORD
    return document


def effective_document(config) -> dict:
    """The registered document with the settings that never reach LiveKit back at their defaults."""
    doc = config_to_document(config)
    reg, r = doc["registration"], config.registration
    digest = bool(r.provider_config.get(DIGEST_KEY)) and r.provider != "livekit"
    reg["provider_config"] = {DIGEST_KEY: True} if digest else {}
    if r.provider == "livekit":
        for name in TRUNK_FIELDS + OUTBOUND_FIELDS:
            reg.pop(name, None)
    elif not r.enable_outbound:
        for name in OUTBOUND_FIELDS:
            reg.pop(name, None)
        if not digest:
            reg.pop("auth_username", None)
    report = check_config(doc, secrets_elsewhere=True)
    if not report.ok and [p.field for p in report.errors] == ["registration.destination_country"]:
        reg["destination_country"] = "IN"  # the only value India's rule accepts (see reverse.py)
        report = check_config(doc, secrets_elsewhere=True)
    assert report.ok, report.errors
    return config_to_document(report.config)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_planning_the_reverse_gives_the_same_requests(provider):
    _for_every_config(provider, _check_same_requests)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_document_is_the_registered_one_minus_what_never_reaches_livekit(provider):
    _for_every_config(provider, _check_same_document)


def _for_every_config(provider: str, check_one) -> None:
    """`check_one` on every configuration of `provider` that hypothesis draws."""
    @ROUND_TRIP
    @given(configs(provider))
    def check(data):
        check_one(data)
    check()


def _check_same_requests(data):
    report = check_config(data)
    assume(report.ok)
    first = plan(report.config)
    rebuilt = reverse(stored_objects(first), report.config.livekit)
    assert rebuilt.origin == "phonewizard"
    assert rebuilt.notices == () and rebuilt.problems == ()
    again = check_config(with_password(rebuilt.document))
    assert again.ok, again.errors
    assert requests_of(plan(again.config)) == requests_of(first)


def _check_same_document(data):
    report = check_config(data)
    assume(report.ok)
    rebuilt = reverse(stored_objects(plan(report.config)), report.config.livekit)
    assert rebuilt.document == effective_document(report.config)
    assert "auth_password" not in rebuilt.document["registration"]
    assert "api_secret" not in rebuilt.document["livekit"]


def test_a_canonical_registration_comes_back_unchanged():
    data = {"agent_name": "my-agent", "livekit": {"url": "wss://x.livekit.cloud", "api_key": "APIxyz"},
            "registration": {"phone_number": "+14155550101", "provider": "twilio", "enable_outbound": True,
                             "outbound_address": "acme.pstn.twilio.com", "auth_username": "alice",
                             "auth_password": PASSWORD, "custom_headers": {"X-Tier": "gold"},
                             "dtmf_config": {"dtmf_sequence": "*12w3"}, "metadata": {"crm": "42"}}}
    config = check_config(data).config
    rebuilt = reverse(stored_objects(plan(config)), config.livekit)
    assert rebuilt.document == config_to_document(config)
    assert rebuilt.to_json()["notices"] == []
