"""A sandbox holding a realistic mix for the registrations page: phonewizard registrations that
are ok (a Twilio number, a LiveKit number), one left incomplete by an interrupted run, a set-up
made in LiveKit's dashboard (trunk and rule with a PIN), and a catch-all rule listed apart.
Everything is created over HTTP with the real clients (phonewizard's through the registrar, the
rest with livekit-api directly)."""

from __future__ import annotations

import asyncio

from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
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
from phonewizard.services.livekit_client import Connection, open_api
from phonewizard.services.registrar import Registrar

OK_NUMBER = "+14155550188"  # Twilio, inbound + outbound, made by phonewizard
LK_NUMBER = "+14155550100"  # the sandbox's LiveKit number, made by phonewizard
HALF_NUMBER = "+13125550177"  # an interrupted run: the inbound trunk without its rule
FOREIGN_NUMBER = "+16505550142"  # made in the dashboard
SIP_PASSWORD = "Twilio-Sip-Passw0rd-77"


def connect(sandbox) -> Connection:
    return Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=5)


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
    conn = connect(sandbox)
    registrar = Registrar(conn)

    async def go() -> dict[str, str]:
        await registrar.apply(plan(twilio_config(sandbox)))
        await registrar.apply(plan(config(sandbox, "receptionist", phone_number=LK_NUMBER, provider="livekit")))
        half = plan(config(sandbox, "sales-agent", phone_number=HALF_NUMBER, provider="custom"))
        async with open_api(conn, sip_admin=True) as api:
            await api.sip.create_inbound_trunk(half.inbound)  # the run stopped before the rule
            inbound = await api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(
                name="Dashboard: main line", numbers=[FOREIGN_NUMBER], krisp_enabled=True, metadata="set up by Ana")))
            outbound = await api.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=SIPOutboundTrunkInfo(
                name="Dashboard: calls out", address="sip.telnyx.com", numbers=[FOREIGN_NUMBER])))
            rule = await api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
                name="Main line to frontdesk", trunk_ids=[inbound.sip_trunk_id],
                rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call-", pin="4321")),
                room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name="frontdesk")]))))
            await api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
                name="Anything else", rule=SIPDispatchRule(
                    dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="overflow")))))
        return {"inbound": inbound.sip_trunk_id, "outbound": outbound.sip_trunk_id, "rule": rule.sip_dispatch_rule_id}

    return asyncio.run(go())
