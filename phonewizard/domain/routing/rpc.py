"""The request values LiveKit's routing reads, and the errors it raises.

Mirrors the few fields of livekit/protocol ``rpc`` that the routing functions use
(``rpc.SIPCall``, ``rpc.EvaluateSIPDispatchRulesRequest``) and the error values of
``sip/sip.go`` (twirp errors, ``ErrNoDispatchMatched``). LiveKit fills them from the INVITE:
the called number is the To-header user, the caller the From-header user, the source IP the
packet's sender (livekit/sip ``pkg/service/psrpc.go`` ``DispatchCall``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SIPCall:
    """``rpc.SIPCall``: what routing reads of one INVITE. Empty strings are Go's zero values."""

    to_user: str  # Call.To.User: the called number exactly as the carrier sent it
    from_user: str = ""  # Call.From.User: the caller
    from_host: str = ""  # Call.From.Host: matched against host names in allowed_addresses
    source_ip: str = ""  # Call.SourceIp: the address the INVITE came from
    to_host: str = ""
    call_id: str = ""  # Call.LkCallId, "SCL_…": becomes the participant's sip.callID attribute


@dataclass(frozen=True)
class DispatchRequest:
    """``rpc.EvaluateSIPDispatchRulesRequest`` as the bridge sends it (``DispatchCall``)."""

    call: SIPCall
    sip_trunk_id: str = ""  # the trunk the auth step matched ("" when none)
    pin: str = ""  # digits typed at the PIN prompt
    no_pin: bool = False  # the caller pressed # without typing a PIN

    @property
    def calling_number(self) -> str:
        return self.call.from_user

    @property
    def called_number(self) -> str:
        return self.call.to_user


class RoutingError(Exception):
    """A twirp/psrpc error raised by LiveKit's routing: the bridge answers the INVITE with
    ``503 Try again later`` (livekit/sip ``pkg/sip/inbound.go`` ``processInvite``, ``handleInvite``).

    `code` is the twirp code LiveKit uses; `object_ids` names the objects at fault."""

    def __init__(self, code: str, message: str, object_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.object_ids = object_ids


class TrunkConflictError(RoutingError):
    """``Multiple SIP Trunks matched`` / ``Multiple default SIP Trunks matched`` (FailedPrecondition)."""


class DispatchRuleConflictError(RoutingError):
    """Two rules share a (pin, trunk, inbound number, number) key (``DispatchRuleValidator.Validate``)."""


class InvalidDispatchRuleError(RoutingError):
    """``unsupported SIP Dispatch Rule: <nil>``: a rule whose `rule` oneof is unset (``GetPinAndRoom``)."""


class NoDispatchMatchedError(RoutingError):
    """``ErrNoDispatchMatched`` (sip/sip.go): ``EvaluateSIPDispatchRules`` turns it into DROP."""

    def __init__(self, *, no_rules: bool, no_trunks: bool, called_number: str) -> None:
        # ErrNoDispatchMatched.Error()
        if no_rules:
            message = "No SIP Dispatch Rules defined"
        elif no_trunks:
            message = f"No SIP Trunk or Dispatch Rules matched for {go_quote(called_number)}"
        else:
            message = f"No SIP Dispatch Rules matched for {go_quote(called_number)}"
        super().__init__("failed_precondition", message)
        self.no_rules = no_rules
        self.no_trunks = no_trunks
        self.called_number = called_number


def go_quote(value: str) -> str:
    """Go's ``%q`` for the printable strings routing messages contain."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
