"""The three SIP object kinds phonewizard manages, as requests: list them all, name their IDs,
delete one, put one back as it was, create one again. Shared by the registrar, its rollback, the
race rule and crash recovery."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable

from livekit.api import LiveKitAPI
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    DeleteSIPDispatchRuleRequest,
    DeleteSIPTrunkRequest,
    ListSIPDispatchRuleRequest,
    ListSIPInboundTrunkRequest,
    ListSIPOutboundTrunkRequest,
)

from phonewizard.services.livekit_client import Connection, within

KINDS = ("inbound", "outbound", "dispatch")  # the order of list_all's three lists


async def list_all(api: LiveKitAPI, conn: Connection) -> tuple[list, list, list]:
    """Inbound trunks, outbound trunks and dispatch rules, in one concurrent round trip."""
    async def all_three() -> list:
        return await asyncio.gather(
            api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest()),
            api.sip.list_outbound_trunk(ListSIPOutboundTrunkRequest()),
            api.sip.list_dispatch_rule(ListSIPDispatchRuleRequest()),
        )

    # A coroutine, not the gather itself: wait_for cancels a bare gather future on a cancel or
    # timeout without ever reading its CancelledError, which asyncio then prints with a traceback
    # ("_GatheringFuture exception was never retrieved"); inside a task it is read.
    a, b, c = await within(conn, all_three())
    return list(a.items), list(b.items), list(c.items)


def object_id(kind: str, obj: Any) -> str:
    """The ID of a trunk (kind inbound/outbound) or dispatch rule (kind dispatch)."""
    return obj.sip_dispatch_rule_id if kind == "dispatch" else obj.sip_trunk_id


def delete_request(api: LiveKitAPI, kind: str, oid: str) -> Awaitable[Any]:
    """The request that deletes one dispatch rule (kind "dispatch") or trunk (any other kind)."""
    if kind == "dispatch":
        return api.sip.delete_dispatch_rule(DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=oid))
    return api.sip.delete_trunk(DeleteSIPTrunkRequest(sip_trunk_id=oid))


def update_request(api: LiveKitAPI, kind: str, oid: str, info: Any) -> Awaitable[Any]:
    """The request that replaces object `oid` of this kind with `info` (a rollback's restore)."""
    if kind == "inbound":
        return api.sip.update_inbound_trunk(oid, info)
    if kind == "outbound":
        return api.sip.update_outbound_trunk(oid, info)
    return api.sip.update_dispatch_rule(oid, info)


def create_again_request(api: LiveKitAPI, kind: str, info: Any) -> Awaitable[Any]:
    """The request that creates a deleted object again from `info`; its ID is cleared (in place):
    LiveKit gives the new object a new one."""
    if kind == "dispatch":
        info.ClearField("sip_dispatch_rule_id")
        return api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=info))
    info.ClearField("sip_trunk_id")
    if kind == "inbound":
        return api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=info))
    return api.sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=info))
