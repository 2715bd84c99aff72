"""Wizard page ids and the pure next-page decision, tested without widgets.

The Qt wizard only renders this: each page's `nextId()` delegates to `next_page`, and pages are
registered with `setPage(PageId.X, page)`, never by `addPage` order (reference/aesthetics.md §3).
The registrations page follows the LiveKit project page and is where the wizard opens when a
profile was saved (`first_page`); its Next is "New registration", into the agent page.
The draft is the wizard's one dict in the config-file shape (DESIGN.md "Conventions").
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Mapping


class PageId(IntEnum):
    """Page ids in display order (the order of definition). The values are QWizard page ids; do
    not renumber (a page added later takes the next free value, wherever it is shown)."""

    LIVEKIT = 0
    REGISTRATIONS = 9  # what the project holds, by number: edit, adopt, remove, or start a new one
    AGENT = 1
    NUMBER = 2
    INBOUND = 3
    OUTBOUND = 4
    CALL_HANDLING = 5
    BEHAVIOUR = 6
    REVIEW = 7
    RESULT = 8


_ORDER: tuple[PageId, ...] = tuple(PageId)

# LiveKit Phone Numbers need only a dispatch rule: there is no inbound trunk to protect and
# outbound is not offered for them (DESIGN.md, "Mapping seed fields to LiveKit").
_SKIPPED_FOR_PROVIDER: dict[str, frozenset[PageId]] = {
    "livekit": frozenset({PageId.INBOUND, PageId.OUTBOUND}),
}


def provider_of(draft: Mapping[str, Any]) -> str | None:
    """The provider chosen in the draft, or None while none is chosen yet."""
    registration = draft.get("registration")
    if not isinstance(registration, Mapping):
        return None
    provider = registration.get("provider")
    return provider if isinstance(provider, str) and provider else None


def skipped_pages(draft: Mapping[str, Any]) -> frozenset[PageId]:
    """Pages that do not apply to this draft (their fields are not asked for)."""
    return _SKIPPED_FOR_PROVIDER.get(provider_of(draft) or "", frozenset())


def is_shown(page: PageId, draft: Mapping[str, Any]) -> bool:
    return page not in skipped_pages(draft)


def next_page(current: PageId | int, draft: Mapping[str, Any]) -> PageId | None:
    """The page after `current` for this draft, or None when `current` is the last page."""
    skipped = skipped_pages(draft)
    index = _ORDER.index(PageId(current))
    for candidate in _ORDER[index + 1 :]:
        if candidate not in skipped:
            return candidate
    return None


def first_page(profile_saved: bool) -> PageId:
    """Where the wizard opens once start-up has loaded the draft: with a saved profile the project
    is known, so its registrations; otherwise the project page (the registrations follow it, and
    Back from them leads to it either way)."""
    return PageId.REGISTRATIONS if profile_saved else PageId.LIVEKIT
