"""A sandbox holding a realistic mix for the registrations page: phonewizard registrations that
are ok (a Twilio number, a LiveKit number), one left incomplete by an interrupted run, a set-up
made in LiveKit's dashboard (trunk and rule with a PIN), and a catch-all rule listed apart.
Everything is created over HTTP with the real clients (phonewizard's through the registrar, the
rest with livekit-api directly)."""

from __future__ import annotations

import asyncio

from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.services.registrar import Registrar
from tests.services.registrar_helpers import connect, dashboard_rule, hand_made

OK_NUMBER = "+14155550188"  # Twilio, inbound + outbound, made by phonewizard
LK_NUMBER = "+14155550100"  # the sandbox's LiveKit number, made by phonewizard
HALF_NUMBER = "+13125550177"  # an interrupted run: the inbound trunk without its rule
FOREIGN_NUMBER = "+16505550142"  # made in the dashboard
SIP_PASSWORD = "Twilio-Sip-Passw0rd-77"


def config(sandbox, agent: str, **registration) -> PhoneWizardConfig:
    return PhoneWizardConfig.model_validate({
        "agent_name": agent,
        "livekit": {"url": sandbox.url, "api_key": sandbox.api_key, "sip_uri": sandbox.sip_uri},
        "registration": registration})


def twilio_config(sandbox, **changes) -> PhoneWizardConfig:
    registration = {"phone_number": OK_NUMBER, "provider": "twilio", "enable_outbound": True,
                    "outbound_address": "acme-support.pstn.twilio.com", "auth_username": "acme-livekit",
                    "auth_password": SIP_PASSWORD, **changes}
    return config(sandbox, "support-agent", **registration)


def seed_mix(sandbox) -> dict[str, str]:
    """Create the mix; returns the IDs of the dashboard set-up ("inbound", "outbound", "rule")."""
    registrar = Registrar(connect(sandbox))

    async def ours() -> None:
        await registrar.apply(plan(twilio_config(sandbox)))
        await registrar.apply(plan(config(sandbox, "receptionist", phone_number=LK_NUMBER, provider="livekit")))

    asyncio.run(ours())
    half = plan(config(sandbox, "sales-agent", phone_number=HALF_NUMBER, provider="custom"))
    _half, inbound, outbound, rule, _catch_all = hand_made(
        sandbox,
        half.inbound,  # the run stopped before the rule
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(
            name="Dashboard: main line", numbers=[FOREIGN_NUMBER], krisp_enabled=True, metadata="set up by Ana")),
        CreateSIPOutboundTrunkRequest(trunk=SIPOutboundTrunkInfo(
            name="Dashboard: calls out", address="sip.telnyx.com", numbers=[FOREIGN_NUMBER])),
        lambda ids: dashboard_rule(ids[1], name="Main line to frontdesk", pin="4321", agent="frontdesk"),
        CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
            name="Anything else", rule=SIPDispatchRule(
                dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="overflow")))))
    return {"inbound": inbound, "outbound": outbound, "rule": rule}
