"""What the user does next, at the carrier: the `instructions` and `supported_providers` parts of
a RegistrationResult. Pure.

Shape: `{"summary": str, "steps": [{"text": str, "value": str | None}], "if_it_does_not_ring":
[str]}`. `value` is the thing to copy (the result page puts a copy button next to it). Carrier
specific steps come from the provider catalog (`domain/providers.py`) when it offers them; the
generic steps below always apply.
"""

from __future__ import annotations

from typing import Any

from phonewizard.domain.plan import RegistrationPlan

PROVIDER_LABELS = {
    "livekit": "LiveKit Phone Numbers",
    "twilio": "Twilio Elastic SIP Trunking",
    "vonage": "Vonage SIP Trunking",
    "telnyx": "Telnyx",
    "bandwidth": "Bandwidth",
    "custom": "Another SIP carrier",
}
# Seed: "Vonage: sip-us.vonage.com - Twilio: pstn.twilio.com - Telnyx: sip.telnyx.com" (these are
# suffixes for Twilio/Vonage: the real host carries the user's trunk name, providers.md §0).
DEFAULT_OUTBOUND = {
    "twilio": "<your-trunk>.pstn.twilio.com",
    "vonage": "<your-trunk-domain>.sip-us.vonage.com",
    "telnyx": "sip.telnyx.com",
    "bandwidth": "<realm>.<hash>.auth.bandwidth.com",
}


def _catalog_steps(provider: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """Carrier steps from the provider catalog, if it has them (it is written separately)."""
    try:
        from phonewizard.domain import providers
    except ImportError:
        return []
    getter = getattr(providers, "carrier_steps", None)
    if not callable(getter):
        return []
    try:
        raw = getter(provider, **values)
    except TypeError:
        try:
            raw = getter(provider)
        except Exception:
            return []
    except Exception:
        return []
    steps: list[dict[str, Any]] = []
    for item in raw or []:
        if isinstance(item, str):
            steps.append({"text": item, "value": None})
        elif isinstance(item, dict) and "text" in item:
            steps.append({"text": str(item["text"]), "value": item.get("value")})
        elif hasattr(item, "text"):
            steps.append({"text": str(item.text), "value": getattr(item, "value", None)})
    return steps


def build_instructions(p: RegistrationPlan, domain: str | None) -> dict[str, Any]:
    label = PROVIDER_LABELS.get(p.provider, p.provider)
    steps: list[dict[str, Any]] = []
    if p.provider == "livekit":
        summary = (f"LiveKit number {p.phone_number} now rings agent “{p.agent_name}”. "
                   "Nothing needs to change at a carrier.")
    else:
        uri = f"sip:{domain};transport=tcp" if domain else None
        summary = (f"In {label}, send calls for {p.phone_number} to LiveKit; agent "
                   f"“{p.agent_name}” answers them.")
        steps.append({
            "text": "Origination / inbound SIP URI to enter at your carrier",
            "value": uri or "your project's SIP URI (LiveKit Cloud → Settings → Project → SIP URI)",
        })
        values = {"sip_uri": uri or "", "sip_domain": domain or "", "phone_number": p.phone_number}
        steps.extend(_catalog_steps(p.provider, values))
        if p.outbound is not None:
            t = p.outbound.trunk
            steps.append({"text": "Outbound (termination) address LiveKit dials", "value": t.address})
            if t.auth_username:
                steps.append({"text": "Credential username the carrier must accept "
                                      "(password as entered in the wizard)", "value": t.auth_username})
    steps.append({"text": "Your agent must register with this agent_name", "value": p.agent_name})
    return {
        "summary": summary,
        "steps": steps,
        "if_it_does_not_ring": _troubleshooting(p),
    }


def _troubleshooting(p: RegistrationPlan) -> list[str]:
    tips = [f"Check that your agent is running and registered as “{p.agent_name}”: with explicit "
            "dispatch an agent under any other name is never called."]
    if p.provider == "livekit":
        tips.append("Check in LiveKit Cloud → Telephony → Phone numbers that the number is active "
                    "and assigned to the phonewizard dispatch rule.")
    else:
        tips.append(f"Check that the carrier sends the called number as {p.phone_number} (+E.164); "
                    "LiveKit only accepts numbers listed on the inbound trunk.")
        if p.inbound is not None and p.inbound.trunk.allowed_addresses:
            tips.append("You restricted allowed addresses: make sure they include all of the "
                        "carrier's signalling IPs, or calls are refused.")
        tips.append("Use TCP (;transport=tcp) at the carrier unless you enabled TLS on both sides.")
        tips.append("Look for the call in LiveKit Cloud → Telephony → Calls: no entry means it "
                    "never reached LiveKit (carrier side); an entry means the trunk or rule refused it.")
    return tips


def supported_providers() -> list[dict[str, Any]]:
    return [
        {"name": name, "label": label, "default_outbound_address": DEFAULT_OUTBOUND.get(name)}
        for name, label in PROVIDER_LABELS.items()
    ]
