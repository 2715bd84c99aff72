"""LiveKit server's side of an inbound call: livekit/livekit ``pkg/service/ioservice_sip.go``.

The SIP bridge asks the server twice per INVITE: ``GetSIPTrunkAuthentication`` (which trunk, and
must the carrier authenticate?) and ``EvaluateSIPDispatchRules`` (which rule and room). Both run
``matchSIPTrunk`` over the trunks listed for the called number; the rules are listed for the
matched trunk (`store.py`). No rule matched → DROP.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.addresses import parse_addr
from phonewizard.domain.routing.evaluate import (
    DispatchResponse,
    DispatchResult,
    evaluate_dispatch_rule,
    new_random_suffix,
)
from phonewizard.domain.routing.rpc import (
    DispatchRequest,
    NoDispatchMatchedError,
    RoutingError,
    SIPCall,
)
from phonewizard.domain.routing.rules import SkippedFunc, match_dispatch_rule
from phonewizard.domain.routing.store import ListStore
from phonewizard.domain.routing.trunks import ConflictFunc, FilteredFunc, match_trunk


@dataclass(frozen=True)
class TrunkOptions:
    """The doctor's callbacks for trunk matching (see trunks.py); all optional."""

    filtered: FilteredFunc | None = None
    conflict: ConflictFunc | None = None


@dataclass(frozen=True)
class AuthResponse:
    """``rpc.GetSIPTrunkAuthenticationResponse`` (open-source server: no error codes, no drop)."""

    sip_trunk_id: str = ""
    username: str = ""
    password: str = ""
    realm: str = ""


def _check_source_ip(call: SIPCall) -> None:
    # Both RPCs refuse a source address that is set but does not parse (InvalidArgument).
    if call.source_ip and parse_addr(call.source_ip) is None:
        raise RoutingError("invalid_argument", f"ParseAddr({call.source_ip!r}): unable to parse IP")


def match_sip_trunk(
    store: ListStore,
    trunk_id: str,
    call: SIPCall,
    options: TrunkOptions = TrunkOptions(),
) -> SIPInboundTrunkInfo | None:
    """``matchSIPTrunk``: with a trunk ID, that trunk alone is tried first (a best-effort
    shortcut that returns whatever it matched, None included); otherwise the listed trunks."""
    kwargs = {"filtered": options.filtered, "conflict": options.conflict}
    if trunk_id:
        loaded = store.load_trunk(trunk_id)
        if loaded is not None:
            try:
                return match_trunk([loaded], call, **kwargs)
            except RoutingError:
                pass  # fall through to the full list, as Go does on an error
    return match_trunk(store.inbound_trunks(call.to_user), call, **kwargs)


def get_sip_trunk_authentication(
    store: ListStore, call: SIPCall, options: TrunkOptions = TrunkOptions()
) -> tuple[SIPInboundTrunkInfo | None, AuthResponse]:
    """``GetSIPTrunkAuthentication``: the matched trunk and its credentials (``InboundTrunkAuthPrompt``);
    an empty response when no trunk matched. Raises RoutingError on a trunk conflict."""
    _check_source_ip(call)
    trunk = match_sip_trunk(store, "", call, options)
    if trunk is None:
        return None, AuthResponse()
    return trunk, AuthResponse(trunk.sip_trunk_id, trunk.auth_username, trunk.auth_password, trunk.auth_realm)


def evaluate_sip_dispatch_rules(
    store: ListStore,
    req: DispatchRequest,
    *,
    trunk_options: TrunkOptions = TrunkOptions(),
    rule_skipped: SkippedFunc | None = None,
    rule_conflict: Callable[[SIPDispatchRuleInfo, SIPDispatchRuleInfo], None] | None = None,
    random_suffix: Callable[[], str] = new_random_suffix,
) -> tuple[SIPInboundTrunkInfo | None, SIPDispatchRuleInfo | None, DispatchResponse]:
    """``EvaluateSIPDispatchRules``: (trunk, rule, response). No rule matched → DROP; a trunk or
    rule conflict, or an invalid rule, raises RoutingError."""
    _check_source_ip(req.call)
    trunk = match_sip_trunk(store, req.sip_trunk_id, req.call, trunk_options)
    trunk_id = trunk.sip_trunk_id if trunk is not None else ""
    candidates = store.dispatch_rules(trunk_id)
    try:
        best = match_dispatch_rule(trunk, candidates, req, skipped=rule_skipped, conflict=rule_conflict)
    except NoDispatchMatchedError:
        return trunk, None, DispatchResponse(DispatchResult.DROP, sip_trunk_id=trunk_id)
    response = evaluate_dispatch_rule(trunk, best, req, random_suffix=random_suffix)
    return trunk, best, replace(response, sip_trunk_id=trunk_id)  # resp.SipTrunkId = trunkID
