"""The catalog's sources and check dates, and the lines the wizard and `validate` show from them."""

from datetime import date, timedelta

from phonewizard.domain.fact_notes import (
    fact_note,
    is_stale,
    provider_fact_summary,
    relevant_topics,
    stale_fact_lines,
)
from phonewizard.domain.provider_facts import ALL, FACTS, facts_for
from phonewizard.domain.providers import PROVIDERS
from tests.domain.validation_samples import check

RECHECKED = date(2026, 11, 30)
JUST_AFTER = date(2026, 12, 1)


def test_every_fact_has_a_source_and_a_known_check():
    keys = [f.key for f in FACTS]
    assert len(keys) == len(set(keys))
    for fact in FACTS:
        assert fact.source.title and fact.source.where and fact.claim
        assert set(fact.providers) <= set(ALL) and fact.topics
        if fact.checked.how == "unconfirmed":
            assert fact.checked.date is None
        else:
            # Dates are the day a source was read here, or the reference file's date for it.
            assert fact.checked.date in (RECHECKED, date(2026, 8, 24))


def test_every_provider_of_the_catalog_has_dated_facts():
    for provider_id, info in PROVIDERS.items():
        assert info.facts == facts_for(provider_id)
        assert any(f.checked.date for f in info.facts), provider_id


def test_staleness_is_measured_from_the_date_passed_in():
    twilio_ips = next(f for f in FACTS if f.key == "twilio.signalling")
    assert twilio_ips.checked.date == date(2026, 8, 24)
    assert not is_stale(twilio_ips, date(2026, 8, 24) + timedelta(days=90))
    assert is_stale(twilio_ips, date(2026, 8, 24) + timedelta(days=91))
    unconfirmed = next(f for f in FACTS if f.key == "bandwidth.signalling")
    assert is_stale(unconfirmed, date(2026, 8, 24))


def test_fact_note_names_date_and_source_and_flags_old_ones():
    note = fact_note("twilio", "signalling", JUST_AFTER)
    assert note.startswith(
        "Last checked 2026-08-24 against LiveKit, “Inbound trunk” and Twilio, “IP Addresses for Elastic SIP "
        "Trunking Services”"
    )
    assert "over 90 days ago" in note
    fresh = fact_note("twilio", "signalling", date(2026, 9, 1))
    assert "over 90 days" not in fresh
    # Telnyx's three address pages were all read on the same day: one clause.
    telnyx = fact_note("telnyx", "signalling", JUST_AFTER)
    assert telnyx.count("last checked") + telnyx.count("Last checked") == 2  # Telnyx pages + LiveKit's
    assert "Failover and Retries" in telnyx and "SRV Records" in telnyx
    assert fact_note("livekit", "signalling", JUST_AFTER) is None


def test_unconfirmed_facts_come_first_and_say_so():
    note = fact_note("bandwidth", "signalling", JUST_AFTER)
    assert note.startswith("Not yet confirmed against Bandwidth App, Account › Trunk Group Configurations")


def test_summary_for_the_provider_choice():
    summary = provider_fact_summary("twilio", JUST_AFTER)
    assert "last checked 2026-08-24 to 2026-11-30" in summary and "need re-checking" in summary
    assert "docs/carrier-facts.md" in summary
    stale = sum(is_stale(f, JUST_AFTER) for f in facts_for("twilio"))
    assert f"The {len(facts_for('twilio'))} facts" in summary and f"; {stale} need re-checking" in summary
    assert "need re-checking" not in provider_fact_summary("custom", date(2026, 9, 1))


def test_relevant_topics_follow_the_configuration():
    plain = check().config.registration
    assert relevant_topics(plain) == {"numbers", "steps"}
    busy = check(
        enable_outbound=True, outbound_address="mytrunk.pstn.twilio.com", auth_username="u",
        auth_password="Abcdefghij12", allowed_addresses=["54.172.60.0/30"],
        transfer_config={"cold_transfer_enabled": True},
    ).config.registration
    assert relevant_topics(busy) >= {"signalling", "outbound", "credentials", "transfer"}


def test_stale_lines_for_validate():
    reg = check(allowed_addresses=["54.172.60.0/30"]).config.registration
    lines = stale_fact_lines(reg, JUST_AFTER)
    assert any(
        line.startswith("Twilio signals from eight published /30 ranges: last checked 2026-08-24 against Twilio")
        and line.endswith("(https://www.twilio.com/docs/sip-trunking/ip-addresses)")
        for line in lines
    )
    # Facts read again on 2026-11-30 are not listed until they are 90 days old.
    assert not any("2026-11-30" in line for line in lines)
    assert any("2026-11-30" in line for line in stale_fact_lines(reg, date(2027, 3, 1)))
    # Without allowed addresses the signalling facts do not matter to this file.
    assert not any("signals from" in line for line in stale_fact_lines(check().config.registration, JUST_AFTER))


def test_the_docs_page_lists_every_fact_with_its_date():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "carrier-facts.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in page.splitlines() if line.startswith("| `")}
    assert set(rows) == {f.key for f in FACTS}
    for fact in FACTS:
        expected = fact.checked.date.isoformat() if fact.checked.date else "not confirmed"
        assert expected in rows[fact.key].split("|")[-2], fact.key
