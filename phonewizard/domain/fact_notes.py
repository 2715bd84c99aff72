"""Lines that say when a carrier fact was last checked, and against what (provider_facts.py).

The wizard shows `fact_note` next to the hint that uses a fact and `provider_fact_summary` where
the carrier is chosen; `validate` prints `stale_fact_lines`, the facts a configuration relies on
that were last checked more than 90 days ago (or never confirmed here), so the facts that drift are
the ones people see. Pure: `today` is passed in by the caller, never read here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from phonewizard.domain.provider_facts import CarrierFact, Topic, facts_for
from phonewizard.domain.registration_rules import DIGEST_KEY

if TYPE_CHECKING:
    from phonewizard.domain.registration import Registration

MAX_AGE_DAYS = 90
FACTS_DOC = "docs/carrier-facts.md"


def is_stale(fact: CarrierFact, today: date, max_age_days: int = MAX_AGE_DAYS) -> bool:
    """Older than `max_age_days`, or never confirmed against a source available to us."""
    checked = fact.checked.date
    return checked is None or (today - checked).days > max_age_days


def checked_phrase(fact: CarrierFact) -> str:
    """'last checked 2026-08-24 against <source title>' (or why there is no date)."""
    if fact.checked.date is None:
        return f"not yet confirmed against {fact.source.title} (taken from an audit report; re-check it)"
    return f"last checked {fact.checked.date.isoformat()} against {fact.source.title}"


def fact_note(provider: str, topic: Topic, today: date) -> str | None:
    """One hint line for the facts of `provider` about `topic`, or None when there are none.

    Sources checked on the same day share one clause; the unconfirmed and the oldest come first,
    because they are the ones to re-check."""
    facts = facts_for(provider, (topic,))
    if not facts:
        return None
    by_date: dict[date | None, list[str]] = {}
    for fact in facts:
        titles = by_date.setdefault(fact.checked.date, [])
        if fact.source.title not in titles:
            titles.append(fact.source.title)
    clauses = []
    for day in sorted(by_date, key=lambda d: d or date.min):
        titles = " and ".join(by_date[day])
        clauses.append(f"not yet confirmed against {titles}" if day is None
                       else f"last checked {day.isoformat()} against {titles}")
    text = "; ".join(clauses)
    text = text[0].upper() + text[1:]
    if any(f.checked.date is not None and is_stale(f, today) for f in facts):
        text += f" (over {MAX_AGE_DAYS} days ago: re-check before relying on it, {FACTS_DOC})"
    return text + "."


def provider_fact_summary(provider: str, today: date) -> str | None:
    """One line for where the carrier is chosen: the range of check dates and how many to re-check."""
    facts = facts_for(provider)
    dated = sorted(f.checked.date for f in facts if f.checked.date is not None)
    if not dated:
        return None
    span = dated[0].isoformat() if dated[0] == dated[-1] else f"{dated[0].isoformat()} to {dated[-1].isoformat()}"
    text = f"The {len(facts)} facts this wizard uses for this carrier were last checked {span}"
    stale = sum(1 for f in facts if is_stale(f, today))
    if stale:
        text += f"; {stale} need re-checking (older than {MAX_AGE_DAYS} days or unconfirmed)"
    return text + f". Each hint shows its own date and source; {FACTS_DOC} lists them all."


def relevant_topics(reg: "Registration") -> frozenset[Topic]:
    """The topics whose facts decide whether this configuration's calls arrive."""
    topics: set[Topic] = {"numbers", "steps"}
    if reg.provider == "livekit":
        topics.add("routing")
    if reg.allowed_addresses:
        topics.add("signalling")
    if reg.provider_config.get(DIGEST_KEY) is True:
        topics.add("digest")
    if reg.enable_outbound:
        topics.update(("outbound", "credentials"))
    if reg.transfer_config.cold_transfer_enabled or reg.transfer_config.warm_transfer_enabled:
        topics.add("transfer")
    return frozenset(topics)


def stale_fact_lines(reg: "Registration", today: date, max_age_days: int = MAX_AGE_DAYS) -> list[str]:
    """For `validate`: each fact this configuration relies on that is older than `max_age_days`
    (or unconfirmed), as '<claim>: last checked YYYY-MM-DD against <source> (<where>)'."""
    return [
        f"{fact.claim[:1].upper()}{fact.claim[1:]}: {checked_phrase(fact)} ({fact.source.where})"
        for fact in facts_for(reg.provider, relevant_topics(reg))
        if is_stale(fact, today, max_age_days)
    ]
