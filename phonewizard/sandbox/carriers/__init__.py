"""Local stand-ins for the carriers' REST APIs (Twilio, Telnyx): the subset phonewizard's carrier
set-up uses, with the carriers' validation and error bodies and fault switches. Tests drive the
real SDKs against them over HTTP; `phonewizard sandbox` and the wizard's sandbox mode run them
beside the LiveKit sandbox. See docs/carrier-setup.md ("The stand-ins")."""


from .twilio import TwilioStandIn

__all__ = ["TwilioStandIn"]
