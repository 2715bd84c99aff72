"""The wizard's page order, decided without widgets (domain/navigation.py)."""

import pytest

from phonewizard.domain.navigation import PageId, first_page, is_shown, next_page, provider_of


def path(draft):
    """Every page the user visits, by following next_page from the first page."""
    pages = [PageId.LIVEKIT]
    while (following := next_page(pages[-1], draft)) is not None:
        pages.append(following)
    return pages


def draft(provider=None):
    registration = {"phone_number": "+14155550101"}
    if provider is not None:
        registration["provider"] = provider
    return {"agent_name": "a", "livekit": {}, "registration": registration}


@pytest.mark.parametrize("provider", ["twilio", "vonage", "telnyx", "bandwidth", "custom", None])
def test_carriers_visit_every_page_in_order(provider):
    assert path(draft(provider)) == list(PageId)


def test_livekit_numbers_skip_inbound_and_outbound():
    d = draft("livekit")
    assert next_page(PageId.NUMBER, d) is PageId.CALL_HANDLING
    assert PageId.INBOUND not in path(d) and PageId.OUTBOUND not in path(d)
    assert not is_shown(PageId.INBOUND, d) and is_shown(PageId.NUMBER, d)


def test_livekit_path_still_ends_with_review_then_result():
    assert path(draft("livekit"))[-3:] == [PageId.BEHAVIOUR, PageId.REVIEW, PageId.RESULT]


def test_result_is_the_last_page():
    assert next_page(PageId.RESULT, draft("twilio")) is None
    assert next_page(PageId.REVIEW, draft("twilio")) is PageId.RESULT


def test_changing_the_provider_changes_the_route():
    d = draft("twilio")
    assert next_page(PageId.NUMBER, d) is PageId.INBOUND
    d["registration"]["provider"] = "livekit"
    assert next_page(PageId.NUMBER, d) is PageId.CALL_HANDLING


def test_accepts_plain_int_ids_as_qwizard_passes_them():
    assert next_page(int(PageId.AGENT), draft("twilio")) is PageId.NUMBER


@pytest.mark.parametrize(
    "bad", [{}, {"registration": None}, {"registration": []}, {"registration": {"provider": 5}},
            {"registration": {"provider": ""}}],
)
def test_malformed_drafts_mean_no_provider_yet(bad):
    assert provider_of(bad) is None
    assert path(bad) == list(PageId)


def test_unknown_page_id_is_an_error():
    with pytest.raises(ValueError):
        next_page(42, draft("twilio"))


def test_the_registrations_page_follows_the_project_page_and_leads_to_the_agent():
    assert next_page(PageId.LIVEKIT, draft("twilio")) is PageId.REGISTRATIONS
    assert next_page(PageId.REGISTRATIONS, draft("livekit")) is PageId.AGENT
    assert path(draft())[:3] == [PageId.LIVEKIT, PageId.REGISTRATIONS, PageId.AGENT]


def test_the_wizard_opens_on_the_registrations_when_a_profile_was_saved():
    assert first_page(profile_saved=True) is PageId.REGISTRATIONS
    assert first_page(profile_saved=False) is PageId.LIVEKIT


def test_page_ids_keep_their_values():
    assert [int(p) for p in PageId] == [0, 9, 1, 2, 3, 4, 5, 6, 7, 8]
