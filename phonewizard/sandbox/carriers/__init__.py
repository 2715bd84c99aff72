"""Local stand-ins for the carriers' REST APIs (Twilio, Telnyx): the subset phonewizard's carrier
set-up uses, with the carriers' validation and error bodies and fault switches. Tests drive the
real SDKs against them over HTTP; `phonewizard sandbox` runs them beside the LiveKit sandbox, and
the wizard's sandbox mode too. See docs/carrier-setup.md ("The stand-ins")."""

from .telnyx import TelnyxStandIn
from .twilio import TwilioStandIn

__all__ = ["TelnyxStandIn", "TwilioStandIn"]
