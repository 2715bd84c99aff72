"""The SIP status explanations, per carrier: what each code means there and what to change, and the
fixes that only the call's own settings can add (encryption REQUIRE, region pinning, a wrong host)."""

from __future__ import annotations

import pytest

from phonewizard.domain.call_verdict import (
    CallContext,
    bridge_failure,
    bridge_verdict,
    failed_call,
    no_answer,
    outcome_for_status,
)
from phonewizard.domain.sip_status import GENERIC, carriers_with_own_entries, documented_codes, status_entry

US_CALLER, US_CALLEE = "+14155550100", "+14155550199"


def ctx(provider: str = "twilio", **changes) -> CallContext:
    base = dict(provider=provider, caller_id=US_CALLER, destination=US_CALLEE,
                trunk_address="my-trunk.pstn.twilio.com", media_encryption="ALLOW", destination_country="")
    base.update(changes)
    return CallContext(**base)


def everything(verdict) -> str:
    return " ".join([verdict.explanation, *verdict.what_to_change]).lower()


# ---- Twilio -----------------------------------------------------------------------------------

def test_twilio_403_names_the_termination_credential_list_and_the_caller_id():
    verdict = failed_call(403, "Forbidden", ctx("twilio"))
    text = everything(verdict)
    assert verdict.outcome == "failed"
    assert verdict.explanation.startswith("Twilio answered 403 Forbidden:")
    assert "credential list" in text and "termination" in text
    assert "caller id" in text and "twilio number" in text


def test_twilio_404_points_at_the_termination_uri():
    text = everything(failed_call(404, "Not Found", ctx("twilio")))
    assert "termination sip uri" in text and "pstn.twilio.com" in text


def test_twilio_404_with_a_host_that_is_not_twilios_says_so_first():
    verdict = failed_call(404, "Not Found", ctx("twilio", trunk_address="sip.telnyx.com"))
    assert "sip.telnyx.com is not a twilio termination host" in verdict.what_to_change[0].lower()
    verdict = failed_call(404, "Not Found", ctx("twilio", trunk_address="acme.pstn.twilio.com:5061"))
    assert not any("is not a twilio termination host" in f.lower() for f in verdict.what_to_change)


def test_twilio_488_with_require_is_encryption_the_carrier_does_not_offer():
    verdict = failed_call(488, "Not Acceptable Here", ctx("twilio", media_encryption="REQUIRE"))
    assert "requires encrypted media" in verdict.explanation.lower() and "offered none" in verdict.explanation
    assert "media_encryption to allow" in verdict.what_to_change[0].lower()
    assert "secure trunking" in everything(verdict)


def test_488_without_require_is_about_codecs_or_srtp_at_the_carrier():
    verdict = failed_call(488, "Not Acceptable Here", ctx("twilio", media_encryption="ALLOW"))
    assert "requires encrypted media" not in verdict.explanation.lower()
    assert "codec" in everything(verdict)


def test_twilio_603_mentions_the_fraud_and_regulatory_blocks():
    assert "32203" in everything(failed_call(603, "Decline", ctx("twilio")))


# ---- Telnyx, Vonage, Bandwidth, a custom carrier ------------------------------------------------

def test_telnyx_403_surfaces_the_d_code_and_the_outbound_voice_profile():
    verdict = failed_call(403, "Caller Origination Number is Invalid D35", ctx("telnyx", trunk_address="sip.telnyx.com"))
    assert verdict.explanation.startswith("Telnyx answered 403 Caller Origination Number is Invalid D35:")
    assert "code D35" in verdict.explanation
    text = everything(verdict)
    assert "outbound voice profile" in text and "x-telnyx-username" in text


def test_telnyx_404_is_an_inactive_connection_or_no_route():
    assert "sip connection" in everything(failed_call(404, "Not Found", ctx("telnyx")))


def test_vonage_403_is_user_key_secret_or_a_caller_id_not_on_the_account():
    text = everything(failed_call(403, "Forbidden", ctx("vonage")))
    assert "user key" in text and "vonage number" in text


def test_bandwidth_403_is_the_realms_sip_credentials():
    text = everything(failed_call(403, "Forbidden", ctx("bandwidth")))
    assert "realm" in text


def test_a_custom_carrier_gets_the_general_meaning():
    verdict = failed_call(403, "Forbidden", ctx("custom", trunk_address="sip.example.net"))
    assert verdict.explanation.startswith("The carrier answered 403 Forbidden:")
    assert "credentials" in everything(verdict)


@pytest.mark.parametrize("provider", carriers_with_own_entries())
def test_every_carrier_column_says_more_than_the_generic_one(provider):
    own = [c for c in documented_codes() + [603] if status_entry(c, provider) != status_entry(c, GENERIC)]
    assert own, f"{provider} has a column but no entry of its own"


@pytest.mark.parametrize("code", documented_codes())
def test_every_documented_code_says_what_it_means(code):
    entry = status_entry(code, GENERIC)
    assert entry.meaning
    assert entry.fixes or code == 487  # a cancelled INVITE needs no fix


# ---- outcomes and context ---------------------------------------------------------------------

@pytest.mark.parametrize("code, outcome", [(408, "no_answer"), (480, "no_answer"), (486, "failed"),
                                           (403, "failed"), (503, "failed"), (603, "failed")])
def test_408_and_480_are_no_answer_the_rest_failed(code, outcome):
    assert outcome_for_status(code) == outcome
    assert failed_call(code, "", ctx()).outcome == outcome


def test_486_is_busy_and_503_the_carrier_or_its_region():
    assert "busy" in everything(failed_call(486, "Busy Here", ctx("telnyx")))
    assert "region" in everything(failed_call(503, "Service Unavailable", ctx("twilio")))


def test_403_to_india_without_destination_country_asks_for_region_pinning_first():
    verdict = failed_call(403, "Forbidden", ctx("custom", destination="+919876543210"))
    assert verdict.what_to_change[0].startswith('set destination_country "in"')
    pinned = failed_call(403, "Forbidden", ctx("custom", destination="+919876543210", destination_country="in"))
    assert not any("destination_country" in f for f in pinned.what_to_change[:1])


def test_403_domestic_anchored_terms_asks_for_region_pinning_anywhere():
    verdict = failed_call(403, "Domestic Anchored Terms Not Met", ctx("custom"))
    assert "destination_country" in verdict.what_to_change[0]


@pytest.mark.parametrize("code", [418, 555, 699])
def test_codes_outside_the_table_are_explained_by_their_class(code):
    verdict = failed_call(code, "", ctx("custom"))
    assert str(code) in verdict.explanation


def test_no_answer_names_the_ringing_timeout():
    verdict = no_answer(30, ctx())
    assert verdict.outcome == "no_answer" and "30 seconds" in verdict.explanation


@pytest.mark.parametrize("message, kind", [
    ("twirp error unknown: sip request timed out", "no_answer"),
    ("twirp error unknown: transaction failed to complete (0 intermediate responses)", "no_response"),
    ("twirp error unknown: max auth retry attempts reached for SIP invite", "auth"),
    ("sip server required auth, but no username or password was provided", "auth"),
    ("lookup sip.example.invalid: no such host", "dns"),
    ("no common codec", "media"),
    ("twirp error unknown: requested sip trunk does not exist", None),
    ("missing room name", None),
])
def test_bridge_failures_are_told_apart_from_refusals(message, kind):
    assert bridge_failure(message) == kind


def test_bridge_verdicts_say_what_to_change():
    context = ctx("custom", trunk_address="sip.example.net")
    assert "sip.example.net" in bridge_verdict("no_response", "transaction failed", context, 30).explanation
    assert "auth_username" in everything(bridge_verdict("auth", "max auth retry", context, 30))
    assert bridge_verdict("no_answer", "sip request timed out", context, 12).outcome == "no_answer"
    assert "does not resolve" in bridge_verdict("dns", "no such host", context, 30).explanation
