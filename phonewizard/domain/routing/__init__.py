"""LiveKit's inbound call routing, ported from its Go source, and the call-routing doctor on top.

The port, one module per Go area (each function names the Go function it reproduces):

- `addresses`  livekit/protocol sip/sip.go: isValidMask, matchAddrMask(s)
- `trunks`     sip/sip.go: matchNumbers, MatchTrunkDetailed; livekit/sip.go ListSIPInboundTrunkRequest.Filter
- `rules`      sip/sip.go: DispatchRulePriority, hasHigherPriority, DispatchRuleValidator, MatchDispatchRuleIter
- `evaluate`   sip/sip.go: EvaluateDispatchRule (room, participant, agents, PIN)
- `ioservice`  livekit/livekit pkg/service/ioservice_sip.go: EvaluateSIPDispatchRules, GetSIPTrunkAuthentication
- `bridge`     livekit/sip pkg/service/psrpc.go, pkg/sip/inbound.go: what the carrier receives

The doctor: `diagnose` (a `Verdict` for one call), `simulate_call` (a concrete call for the
sandbox), `check_project` and `check_plan` (`Finding`s that need no call). Pure: no I/O.
"""

from phonewizard.domain.routing.call import InboundCall, is_cloud_url
from phonewizard.domain.routing.diagnose import RoutingProject, diagnose
from phonewizard.domain.routing.finding import Finding
from phonewizard.domain.routing.plan_checks import check_plan, project_after_register
from phonewizard.domain.routing.project_checks import check_project
from phonewizard.domain.routing.simulate import RoutedCall, simulate_call
from phonewizard.domain.routing.verdict import Considered, Hop, Verdict

__all__ = [
    "Considered", "Finding", "Hop", "InboundCall", "RoutedCall", "RoutingProject", "Verdict", "check_plan",
    "check_project", "diagnose", "is_cloud_url", "project_after_register", "simulate_call",
]
