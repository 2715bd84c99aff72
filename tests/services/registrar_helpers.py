"""Shared helpers for the registrar tests: configs, plans, a connection to the sandbox, and ways
to create "foreign" objects (made by someone else, as in the dashboard or with `lk`) with the real
livekit-api client."""

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
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.services.livekit_client import Connection, open_api
from phonewizard.services.registrar import Registrar

PHONE = "+14155550101"
LK_PHONE = "+14155550100"  # one of the sandbox's "purchased" LiveKit numbers
PASSWORD = "Sup3r-Secret-Pa55"


def config(agent: str = "my-agent", **registration) -> PhoneWizardConfig:
    reg = {"phone_number": PHONE, "provider": "telnyx", "auth_username": "alice",
           "auth_password": PASSWORD, "enable_outbound": True, "outbound_address": "sip.telnyx.com"}
    reg.update(registration)
    return PhoneWizardConfig.model_validate(
        {"agent_name": agent, "livekit": {"url": "http://127.0.0.1:1", "api_key": "devkey"},
         "registration": reg})


def make_plan(agent: str = "my-agent", **registration) -> RegistrationPlan:
    return plan(config(agent, **registration))


def connect(sandbox, timeout: float = 5.0) -> Connection:
    return Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=timeout)


def registrar(sandbox, timeout: float = 5.0) -> Registrar:
    return Registrar(connect(sandbox, timeout))


def run(coro):
    return asyncio.run(coro)


def foreign_inbound_trunk(sandbox, numbers=(PHONE,), metadata: str = "") -> str:
    async def go() -> str:
        async with open_api(connect(sandbox)) as api:
            info = await api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(
                trunk=SIPInboundTrunkInfo(name="hand-made", numbers=list(numbers), metadata=metadata)))
            return info.sip_trunk_id
    return run(go())


def foreign_outbound_trunk(sandbox, numbers=(PHONE,), metadata: str = "") -> str:
    async def go() -> str:
        async with open_api(connect(sandbox)) as api:
            info = await api.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(
                trunk=SIPOutboundTrunkInfo(name="hand-made outbound", address="sip.example.com",
                                           numbers=list(numbers), metadata=metadata)))
            return info.sip_trunk_id
    return run(go())


def foreign_rule(sandbox, *, trunk_ids=(), numbers=()) -> str:
    async def go() -> str:
        async with open_api(connect(sandbox)) as api:
            info = await api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(
                dispatch_rule=SIPDispatchRuleInfo(
                    name="hand-made rule", trunk_ids=list(trunk_ids), numbers=list(numbers),
                    rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")))))
            return info.sip_dispatch_rule_id
    return run(go())


def hand_made(sandbox, *requests) -> list[str]:
    """Send creation requests exactly as given (the dashboard's way): no phonewizard code builds
    them. A callable in `requests` is given the IDs made so far and returns the next request.
    The IDs, in order."""
    async def go():
        ids = []
        async with open_api(connect(sandbox)) as api:
            for req in requests:
                if callable(req):
                    req = req(ids)
                if isinstance(req, CreateSIPInboundTrunkRequest):
                    ids.append((await api.sip.create_inbound_trunk(req)).sip_trunk_id)
                elif isinstance(req, CreateSIPOutboundTrunkRequest):
                    ids.append((await api.sip.create_outbound_trunk(req)).sip_trunk_id)
                else:
                    ids.append((await api.sip.create_dispatch_rule(req)).sip_dispatch_rule_id)
        return ids
    return run(go())


def hand_made_objects(sandbox, *objects: SIPInboundTrunkInfo | SIPDispatchRuleInfo) -> list[str]:
    """`hand_made` for inbound trunks and dispatch rules given as the objects themselves."""
    return hand_made(sandbox, *(CreateSIPInboundTrunkRequest(trunk=obj) if isinstance(obj, SIPInboundTrunkInfo)
                                else CreateSIPDispatchRuleRequest(dispatch_rule=obj) for obj in objects))


def dashboard_rule(trunk_id: str, *, name: str, pin: str, agent: str) -> CreateSIPDispatchRuleRequest:
    """A dispatch rule as LiveKit's dashboard makes one: each call of `trunk_id` into its own
    `call-` room, behind a PIN, with `agent` dispatched."""
    return CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name=name, trunk_ids=[trunk_id],
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call-", pin=pin)),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name=agent)])))


def sip_calls(sandbox) -> list[str]:
    """Logged methods, without the PhoneNumberService ones."""
    return [m for m in sandbox.log.methods if "Phone" not in m]
