"""What the user does next, at the carrier: the `instructions` and `inbound_addresses` parts of a
RegistrationResult. Pure.

`Instructions` is typed end to end (the result page and the CLI read its fields); its JSON is the
seed's shape plus one additive key: `{"summary": str, "steps": [{"text": str, "value": str | None}],
"if_it_does_not_ring": [str], "confirm_with_a_test_call": [str]}`. `value` is the exact thing to
paste (the result page puts a copy button next to it). The carrier steps come from the provider
catalog (`domain/providers.py`, which owns that knowledge); the summary, the agent-name step, the
troubleshooting list and the things only a real call can prove (call_confirmations.py) are added here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from phonewizard.domain import providers
from phonewizard.domain.call_confirmations import confirm_by_test_call
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.provider_steps import livekit_host


class InstructionStep(BaseModel):
    """One thing to do at the carrier; `value` is the exact string to paste, if there is one."""

    text: str
    value: str | None = None


class Instructions(BaseModel):
    """What the user does next (the seed response's `instructions`)."""

    summary: str = ""
    steps: list[InstructionStep] = Field(default_factory=list)
    if_it_does_not_ring: list[str] = Field(default_factory=list)
    confirm_with_a_test_call: list[str] = Field(default_factory=list)


def inbound_host(p: RegistrationPlan) -> str | None:
    """The LiveKit SIP host the carrier must send calls to (India region when India's rules
    require it), or None when the project's SIP URI is not known."""
    if not p.sip_uri or p.provider == "livekit":
        return None
    return livekit_host(p.sip_uri, p.registration)


def _steps(p: RegistrationPlan) -> list[InstructionStep]:
    steps = [InstructionStep(text=s.text, value=s.value)
             for s in providers.carrier_steps(p.sip_uri, p.registration)]
    steps.append(InstructionStep(text="Your agent must register with this agent_name:", value=p.agent_name))
    return steps


def build_instructions(p: RegistrationPlan) -> Instructions:
    label = providers.provider_info(p.provider).label
    if p.provider == "livekit":
        summary = (f"LiveKit number {p.phone_number} now rings agent “{p.agent_name}”. "
                   "Nothing needs to change at a carrier.")
    else:
        summary = (f"LiveKit is ready. Now, in {label}, send calls for {p.phone_number} to LiveKit "
                   f"as below; agent “{p.agent_name}” answers them.")
        if p.outbound is not None:
            summary += f" Outbound calls leave through {p.outbound.trunk.address}."
    return Instructions(summary=summary, steps=_steps(p), if_it_does_not_ring=_troubleshooting(p),
                        confirm_with_a_test_call=confirm_by_test_call(p))


def _troubleshooting(p: RegistrationPlan) -> list[str]:
    tips = [f"Check that your agent is running and registered as “{p.agent_name}”: with explicit "
            "dispatch an agent under any other name is never called."]
    if p.provider == "livekit":
        tips.append("Check in LiveKit Cloud → Telephony → Phone numbers that the number is active "
                    "and assigned to the phonewizard dispatch rule.")
        tips.append(f"Ringing with no answer: the dispatch rule only accepts calls whose called "
                    f"number is exactly {p.phone_number}. Open the call in LiveKit Cloud → Telephony "
                    "→ Calls; if the number shows in another form (without +, say), the rule's "
                    "filter did not match.")
        return tips
    tips.append(f"Check that the carrier sends the called number as {p.phone_number} (+E.164); "
                "LiveKit only accepts numbers listed on the inbound trunk.")
    if p.inbound is not None and p.inbound.trunk.allowed_addresses:
        tips.append("You restricted allowed addresses: make sure they include all of the "
                    "carrier's signalling IPs, or calls are refused.")
    if p.inbound is not None and p.inbound.trunk.auth_username:
        tips.append("Inbound digest authentication is on: the carrier must answer LiveKit's "
                    "challenge with the same username and password (Twilio cannot).")
    tips.append("Use TCP (;transport=tcp) at the carrier unless you enabled TLS on both sides.")
    tips.append("Look for the call in LiveKit Cloud → Telephony → Calls: no entry means it "
                "never reached LiveKit (carrier side); an entry means the trunk or rule refused it.")
    return tips
