"""`RegistrationResult`: the seed API's response shape (plus `inbound_trunk_id`), built from a plan
and the IDs LiveKit assigned. Pure; never holds a secret.

Field names are the seed's ("Register Phone Number" response) so the CLI's `--json` output and the
result page speak the same language as the hosted API the wizard reproduces.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field

from phonewizard.domain.instructions import Instructions, build_instructions, inbound_host
from phonewizard.domain.plan import MASK, RegistrationPlan
from phonewizard.domain.providers import supported_providers
from phonewizard.domain.sip_addresses import sip_domain

_SECRETISH = re.compile(r"pass|secret|token|credential|api_?key|auth_?key", re.IGNORECASE)


class RegistrationResult(BaseModel):
    agent_id: str  # the agent name: this desktop product has no separate agent IDs
    phone_number: str
    provider: str
    sip_uri: str | None = None
    dispatch_rule_id: str
    outbound_enabled: bool
    status: Literal["active", "updated"]
    created_at: str
    instructions: Instructions = Field(default_factory=Instructions)
    outbound_trunk_id: str | None = None
    outbound_address: str | None = None
    provider_config: dict[str, Any] = Field(default_factory=dict)
    room_pattern: str
    livekit_sip_domain: str | None = None
    inbound_addresses: list[str] = Field(default_factory=list)
    supported_providers: list[dict[str, Any]] = Field(default_factory=list)
    inbound_trunk_id: str | None = None


def mask_secrets(value: Any) -> Any:
    """provider_config is free-form; any key that looks like a credential is masked."""
    if isinstance(value, dict):
        return {
            k: (MASK if isinstance(k, str) and _SECRETISH.search(k) and v else mask_secrets(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def result_template(p: RegistrationPlan) -> RegistrationResult:
    """Everything of the result that the plan alone decides (instructions, providers, addresses):
    the costly part. The registrar builds it while its first requests are in flight, so it costs
    no wall time; `complete_result` then only fills in what LiveKit answered."""
    host = inbound_host(p)
    return RegistrationResult(
        agent_id=p.agent_name,
        phone_number=p.phone_number,
        provider=p.provider,
        sip_uri=p.sip_uri,
        dispatch_rule_id="",
        outbound_enabled=p.outbound is not None,
        status="active",
        created_at="",
        instructions=build_instructions(p),
        outbound_address=p.outbound_address,
        provider_config=mask_secrets(p.registration.provider_config),
        room_pattern=p.room_pattern,
        livekit_sip_domain=sip_domain(p.sip_uri),
        inbound_addresses=[host] if host else [],
        supported_providers=supported_providers(),
    )


def complete_result(
    template: RegistrationResult,
    *,
    inbound_trunk_id: str | None,
    outbound_trunk_id: str | None,
    dispatch_rule_id: str,
    updated: bool,
    created_at: str | None = None,
) -> RegistrationResult:
    """The template with LiveKit's IDs, the status and the time. A shallow copy (a deep one costs
    twenty times more): the result shares the template's nested dicts, so use a template once."""
    return template.model_copy(update={
        "dispatch_rule_id": dispatch_rule_id,
        "outbound_enabled": outbound_trunk_id is not None,
        "status": "updated" if updated else "active",
        "created_at": created_at or now_iso(),
        "outbound_trunk_id": outbound_trunk_id,
        "inbound_trunk_id": inbound_trunk_id,
    })
