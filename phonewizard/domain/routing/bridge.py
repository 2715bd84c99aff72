"""What the carrier receives: livekit/sip ``pkg/service/psrpc.go`` and ``pkg/sip/inbound.go``.

``processInvite`` asks for the trunk's credentials (``GetAuthCredentials``): an RPC error →
``503 Try again later``; LiveKit Cloud's NO_TRUNK_FOUND → ``404 No trunk found``; a trunk with a
username *and* a password → a digest challenge (``407`` with ``Proxy-Authenticate`` on the
first INVITE, ``401`` for wrong credentials); otherwise, also without any trunk on a self-hosted
server, the call goes on. ``handleInvite`` sends ``180 Ringing`` and asks for the dispatch
(``DispatchCall``): an RPC error → ``503 Try again later``; DROP → nothing more at all (the
carrier keeps ringing, LiveKit logs "flood"); REQUEST_PIN → the call is answered and the caller
types a PIN and ``#`` (``pinPrompt``): a second dispatch with that PIN (``#`` alone = no-PIN
mode) accepts, or the caller hears "wrong PIN" and LiveKit hangs up; ACCEPT → answered, into the
room.

LiveKit Cloud's server is closed source. It answers a call that matched no trunk with
NO_TRUNK_FOUND (observed: livekit/sip#583, #592; reference/routing-and-calls.md §2). It routes
its own Phone Numbers without a trunk, to the rules the number is attached to; how exactly is
not public, so `livekit_number_rules` models it as a call without a trunk offered only those rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo

from phonewizard.domain.routing.evaluate import DispatchResponse, DispatchResult, new_random_suffix
from phonewizard.domain.routing.ioservice import (
    TrunkOptions,
    evaluate_sip_dispatch_rules,
    get_sip_trunk_authentication,
)
from phonewizard.domain.routing.rpc import DispatchRequest, RoutingError, SIPCall
from phonewizard.domain.routing.rules import RuleSkipped
from phonewizard.domain.routing.store import ListStore
from phonewizard.domain.routing.trunks import TrunkConflict, TrunkFiltered


class Observer:
    """Callbacks into the routing. This default watches nothing and changes nothing; the doctor
    subclasses it to record why each trunk and rule was passed over."""

    def trunk_filtered(self, trunk: SIPInboundTrunkInfo, reason: TrunkFiltered) -> bool:
        return False

    def trunk_conflict(self, t1: SIPInboundTrunkInfo, t2: SIPInboundTrunkInfo, reason: TrunkConflict) -> None:
        return None

    def dispatch_pass(self, number: int) -> None:
        """A dispatch evaluation starts: 1 on the INVITE, 2 after the caller typed a PIN."""

    def rule_skipped(self, rule: SIPDispatchRuleInfo, reason: RuleSkipped) -> bool:
        return False

    def rule_conflict(self, r1: SIPDispatchRuleInfo, r2: SIPDispatchRuleInfo) -> None:
        return None


class Stage(Enum):
    """Where the call's handling ended."""

    AUTH = "auth"  # processInvite: trunk and credentials
    DISPATCH = "dispatch"  # handleInvite: the first dispatch
    PIN = "pin"  # pinPrompt: the dispatch after the PIN


@dataclass(frozen=True)
class InviteOutcome:
    """How LiveKit answers one INVITE, and what it decided on the way."""

    stage: Stage
    sip_status: int | None  # final response code; 200 = answered; None = no final response
    sip_reason: str
    trunk: SIPInboundTrunkInfo | None = None
    rule: SIPDispatchRuleInfo | None = None
    dispatch: DispatchResponse | None = None  # the last dispatch decision
    auth_required: bool = False  # a digest challenge precedes everything after the auth stage
    pin_requested: bool = False
    error: RoutingError | None = None  # the RPC error behind a 503 (or behind a failed PIN check)

    @property
    def accepted(self) -> bool:
        return self.dispatch is not None and self.dispatch.result is DispatchResult.ACCEPT and bool(
            self.dispatch.room_name)

    @property
    def dropped(self) -> bool:
        return self.dispatch is not None and self.dispatch.result is DispatchResult.DROP


def _options(observer: Observer) -> TrunkOptions:
    return TrunkOptions(filtered=observer.trunk_filtered, conflict=observer.trunk_conflict)


def answer_invite(
    store: ListStore,
    call: SIPCall,
    *,
    cloud: bool,
    pin: str | None = None,
    observer: Observer | None = None,
    random_suffix: Callable[[], str] = new_random_suffix,
    livekit_number_rules: Sequence[str] | None = None,
) -> InviteOutcome:
    """One INVITE from start to the point where LiveKit has answered, rejected or dropped it.
    `pin` is what the caller would type at the prompt (None: the caller types nothing)."""
    observer = observer or Observer()
    options = _options(observer)
    if livekit_number_rules is not None:
        # A LiveKit Phone Number on Cloud: no trunk, only the rules attached to the number.
        attached = set(livekit_number_rules)
        store = ListStore([], [r for r in store.rules if r.sip_dispatch_rule_id in attached])
    try:  # GetAuthCredentials
        trunk, auth = get_sip_trunk_authentication(store, call, options)
    except RoutingError as e:
        return InviteOutcome(Stage.AUTH, 503, "Try again later", error=e)
    if trunk is None and cloud and livekit_number_rules is None:
        return InviteOutcome(Stage.AUTH, 404, "No trunk found")
    auth_required = bool(auth.username and auth.password)  # AuthPassword; AuthAccept otherwise

    def dispatch(number: int, sent_pin: str, no_pin: bool) -> InviteOutcome | tuple:
        observer.dispatch_pass(number)
        req = DispatchRequest(call, sip_trunk_id=auth.sip_trunk_id, pin=sent_pin, no_pin=no_pin)
        try:  # DispatchCall
            return evaluate_sip_dispatch_rules(
                store, req, trunk_options=options, rule_skipped=observer.rule_skipped,
                rule_conflict=observer.rule_conflict, random_suffix=random_suffix)
        except RoutingError as e:  # DispatchServiceUnavailable
            stage = Stage.DISPATCH if number == 1 else Stage.PIN
            status = 503 if number == 1 else 200  # after the PIN prompt the call is already answered
            reason = "Try again later" if number == 1 else "OK, then hung up: dispatch evaluation failed"
            return InviteOutcome(stage, status, reason, trunk=trunk, auth_required=auth_required,
                                 pin_requested=number == 2, error=e)

    first = dispatch(1, "", False)
    if isinstance(first, InviteOutcome):
        return first
    trunk, rule, response = first
    common = {"trunk": trunk, "auth_required": auth_required}
    if response.result is DispatchResult.DROP:
        return InviteOutcome(Stage.DISPATCH, None, "", dispatch=response, **common)
    if response.result is DispatchResult.ACCEPT:
        return InviteOutcome(Stage.DISPATCH, 200, "OK", rule=rule, dispatch=response, **common)
    # REQUEST_PIN: answered, the caller is asked for the PIN.
    if pin is None:
        return InviteOutcome(Stage.DISPATCH, 200, "OK, then asks for a PIN", rule=rule,
                             dispatch=response, pin_requested=True, **common)
    asking = rule
    second = dispatch(2, pin, pin == "")
    if isinstance(second, InviteOutcome):
        return second
    trunk, rule, response = second
    common["trunk"] = trunk
    if response.result is not DispatchResult.ACCEPT or not response.room_name:
        # The rule named is the one that asked for the PIN; no rule took the PIN typed.
        return InviteOutcome(Stage.PIN, 200, "OK, then 'wrong PIN' and hang up", rule=rule or asking,
                             dispatch=response, pin_requested=True, **common)
    return InviteOutcome(Stage.PIN, 200, "OK", rule=rule, dispatch=response, pin_requested=True, **common)
