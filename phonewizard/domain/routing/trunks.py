"""Which inbound trunk takes a call: livekit/protocol ``sip/sip.go`` ``MatchTrunkDetailed``.

For each trunk, in the order LiveKit lists them: skip it when the caller is not in
``allowed_numbers`` (compared after ``NormalizeNumber``) or the source is not in
``allowed_addresses``; a trunk without ``numbers`` is a default trunk; a trunk whose ``numbers``
hold the called number (exactly or after normalisation) is specific. One specific trunk wins;
a second specific one is an error; otherwise one default trunk wins, two are an error; none
leaves the call without a trunk.

The Go options are kept as optional callbacks with Go's meaning: `filtered(trunk, reason)`
returning True keeps a trunk the filter would drop (``WithTrunkFiltered``), `conflict` is told
about the two trunks of an error (``WithTrunkConflict``). The doctor uses them to record why each
trunk was skipped; without them the behaviour is LiveKit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from livekit.protocol.sip import SIPInboundTrunkInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.routing.addresses import match_addr_masks
from phonewizard.domain.routing.rpc import SIPCall, TrunkConflictError, go_quote

# NormalizeNumber is pure and routing calls it for every number of every trunk on every pass;
# a cache keeps a verdict over 1,000 trunks within its time budget.
normalize = lru_cache(maxsize=65536)(normalize_number)


class TrunkFiltered(IntEnum):
    """``TrunkFilteredReason``."""

    INVALID = 0
    CALLING_NUMBER_DISALLOWED = 1
    CALLED_NUMBER_DISALLOWED = 2
    SOURCE_ADDRESS_DISALLOWED = 3


class TrunkConflict(IntEnum):
    """``TrunkConflictReason``."""

    DEFAULT = 0
    CALLED_NUMBER = 1
    CALLING_NUMBER = 2


class TrunkMatchType(IntEnum):
    """``TrunkMatchType``."""

    EMPTY = 0  # no trunks defined at all
    NONE = 1  # trunks exist, none matched
    DEFAULT = 2  # a trunk without numbers matched
    SPECIFIC = 3  # a trunk listing the called number matched


@dataclass(frozen=True)
class TrunkMatchResult:
    """``TrunkMatchResult``."""

    trunk: SIPInboundTrunkInfo | None
    match_type: TrunkMatchType
    default_trunk_count: int


FilteredFunc = Callable[[SIPInboundTrunkInfo, TrunkFiltered], bool]
ConflictFunc = Callable[[SIPInboundTrunkInfo, SIPInboundTrunkInfo, TrunkConflict], None]


def match_numbers(num: str, allowed: Sequence[str]) -> bool:
    """``matchNumbers``: `num` is in `allowed` exactly or after normalisation; empty allows all."""
    if not allowed:
        return True
    norm = normalize(num)
    return any(num == allow or norm == normalize(allow) for allow in allowed)


def lists_number(trunk: SIPInboundTrunkInfo, called: str, called_norm: str | None = None) -> bool:
    """Does the trunk's ``numbers`` hold `called`? The comparison of both
    ``ListSIPInboundTrunkRequest.Filter`` (livekit/sip.go) and the loop of ``MatchTrunkDetailed``:
    equal strings, or equal after ``NormalizeNumber``."""
    if called_norm is None:
        called_norm = normalize(called)
    for num in trunk.numbers:
        if num == called or normalize(num) == called_norm:
            return True
    return False


def select_inbound_trunks(
    trunks: Iterable[SIPInboundTrunkInfo], called: str
) -> list[SIPInboundTrunkInfo]:
    """``SelectSIPInboundTrunk`` (livekit/livekit ``pkg/service/ioservice_sip.go``): the list
    request filtered by the called number keeps trunks listing it and trunks without numbers."""
    called_norm = normalize(called)
    return [t for t in trunks if not t.numbers or lists_number(t, called, called_norm)]


def _drop(_trunk: SIPInboundTrunkInfo, _reason: TrunkFiltered) -> bool:
    return False


def _ignore(*_args: object) -> None:
    return None


def match_trunk_detailed(
    trunks: Iterable[SIPInboundTrunkInfo],
    call: SIPCall,
    *,
    filtered: FilteredFunc | None = None,
    conflict: ConflictFunc | None = None,
    allow_conflicts: bool = False,
) -> TrunkMatchResult:
    """``MatchTrunkDetailed``; raises TrunkConflictError where Go returns its twirp error."""
    filtered = filtered or _drop
    conflict = conflict or _ignore
    match_type = TrunkMatchType.EMPTY
    selected: SIPInboundTrunkInfo | None = None
    default: SIPInboundTrunkInfo | None = None
    default_prev: SIPInboundTrunkInfo | None = None
    default_count = 0
    called = call.to_user
    called_norm = normalize(called)
    for tr in trunks:
        match_type = TrunkMatchType.NONE  # trunks exist but none matched yet
        if not match_numbers(call.from_user, tr.allowed_numbers):
            if not filtered(tr, TrunkFiltered.CALLING_NUMBER_DISALLOWED):
                continue
        if not match_addr_masks(call.source_ip, call.from_host, tr.allowed_addresses):
            if not filtered(tr, TrunkFiltered.SOURCE_ADDRESS_DISALLOWED):
                continue
        if not tr.numbers:
            default_prev, default = default, tr  # default/wildcard trunk
            default_count += 1
            continue
        for num in tr.numbers:
            if num == called or normalize(num) == called_norm:
                if selected is not None:
                    conflict(selected, tr, TrunkConflict.CALLED_NUMBER)
                    if allow_conflicts:
                        continue  # unreachable in Go too: the first match returns below
                    raise TrunkConflictError(
                        "failed_precondition",
                        f"Multiple SIP Trunks matched for {go_quote(called)}",
                        (selected.sip_trunk_id, tr.sip_trunk_id),
                    )
                selected = tr
                if allow_conflicts:
                    return TrunkMatchResult(selected, TrunkMatchType.SPECIFIC, default_count)
                break  # a trunk matches at most once per call
            # Go reports every non-matching number, also those before a matching one.
            filtered(tr, TrunkFiltered.CALLED_NUMBER_DISALLOWED)
    if selected is not None:
        return TrunkMatchResult(selected, TrunkMatchType.SPECIFIC, default_count)
    if default_count > 1:
        assert default is not None and default_prev is not None
        conflict(default, default_prev, TrunkConflict.DEFAULT)
        if not allow_conflicts:
            raise TrunkConflictError(
                "failed_precondition",
                f"Multiple default SIP Trunks matched for {go_quote(called)}",
                (default_prev.sip_trunk_id, default.sip_trunk_id),
            )
    if default is not None:
        return TrunkMatchResult(default, TrunkMatchType.DEFAULT, default_count)
    return TrunkMatchResult(None, match_type, default_count)


def match_trunk(
    trunks: Iterable[SIPInboundTrunkInfo], call: SIPCall, **options: object
) -> SIPInboundTrunkInfo | None:
    """``MatchTrunkIter``: the matched trunk or None."""
    return match_trunk_detailed(trunks, call, **options).trunk  # type: ignore[arg-type]
