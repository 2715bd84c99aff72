"""The ``livekit.SIP`` methods, in the order and with the checks of livekit-server
``pkg/service/sip.go``: request validation → conflict check against the stored objects → store.

Every handler takes the decoded request message and returns the response message; failures are
raised as ``TwirpError`` (or ``PlainError`` for LiveKit's unwrapped errors). Handlers never await,
so each one runs atomically on the server loop.
"""

from __future__ import annotations

from livekit.protocol import sip as sip_pb

from . import updates
from .conflicts import check_rules, check_trunks
from .errors import RULE_NOT_FOUND, invalid, not_found
from .ids import DISPATCH_RULE_PREFIX, TRUNK_PREFIX, new_id, normalize_number
from .store import Store
from .validation import ValidationFailure, check_dispatch_rule, check_inbound_trunk, check_outbound_trunk

TRUNK_NOT_FOUND = "requested sip trunk does not exist"


def _validated(check, *args) -> None:
    """Request validation errors become invalid_argument with LiveKit's message."""
    try:
        check(*args)
    except ValidationFailure as e:
        raise invalid(e.msg) from None


def _check_create_trunk(req, check_info) -> None:
    if not req.HasField("trunk"):
        raise ValidationFailure("missing trunk")
    if req.trunk.sip_trunk_id != "":
        raise ValidationFailure("trunk id must not be set")
    check_info(req.trunk)


def _page(items: list, page) -> list:
    """Pagination.Filter: only IDs after ``after_id``; the server walks all pages, so no limit."""
    if page.after_id:
        return [i for i in items if _id_of(i) > page.after_id]
    return items


def _id_of(item) -> str:
    return getattr(item, "sip_trunk_id", "") or getattr(item, "sip_dispatch_rule_id", "")


class SipService:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- inbound trunks ------------------------------------------------------------------
    def CreateSIPInboundTrunk(self, req: sip_pb.CreateSIPInboundTrunkRequest):
        _validated(_check_create_trunk, req, check_inbound_trunk)
        info = sip_pb.SIPInboundTrunkInfo()
        info.CopyFrom(req.trunk)
        with self.store.lock:
            # LiveKit checks the stored trunks that share a number with the new one (wildcard
            # trunks always match), then the new one, whose empty ID prints as "<new>".
            check_trunks(self._inbound_sharing(info.numbers) + [info])
            info.sip_trunk_id = new_id(TRUNK_PREFIX)
            self.store.put("inbound", info.sip_trunk_id, info)
        return info

    def UpdateSIPInboundTrunk(self, req: sip_pb.UpdateSIPInboundTrunkRequest):
        _validated(updates.check_inbound_update_request, req)

        def no_conflict(info) -> None:
            # The updated trunk replaces its old self, so it never conflicts with itself. As in
            # LiveKit, the stored trunks are filtered by the NEW numbers while the filter sees the
            # OLD version: a trunk moved onto another trunk's number is not caught (OSS quirk).
            check_trunks([info if t.sip_trunk_id == req.sip_trunk_id else t for t in self._inbound_sharing(info.numbers)])

        return self._update("inbound", req.sip_trunk_id, TRUNK_NOT_FOUND, lambda c: updates.apply_inbound(c, req),
                            no_conflict)

    def _update(self, kind: str, object_id: str, missing: str, apply, check=None):
        """The stored object, updated by `apply` and stored again, all under the store's lock;
        not_found(`missing`) when there is none; `check` (a conflict check) may refuse the result."""
        with self.store.lock:
            current = self.store.get(kind, object_id)
            if current is None:
                raise not_found(missing)
            info = apply(current)
            if check is not None:
                check(info)
            self.store.put(kind, object_id, info)
        return info

    def _inbound_sharing(self, numbers) -> list:
        flt = sip_pb.ListSIPInboundTrunkRequest(numbers=numbers)
        return [t for t in self.store.list("inbound") if _inbound_matches(flt, t)]

    def _rules_for_trunks(self, trunk_ids) -> list:
        flt = sip_pb.ListSIPDispatchRuleRequest(trunk_ids=trunk_ids)
        return [r for r in self.store.list("rules") if _rule_matches(flt, r)]

    def GetSIPInboundTrunk(self, req: sip_pb.GetSIPInboundTrunkRequest):
        return sip_pb.GetSIPInboundTrunkResponse(trunk=self._get_trunk("inbound", req.sip_trunk_id))

    def GetSIPOutboundTrunk(self, req: sip_pb.GetSIPOutboundTrunkRequest):
        return sip_pb.GetSIPOutboundTrunkResponse(trunk=self._get_trunk("outbound", req.sip_trunk_id))

    def _get_trunk(self, kind: str, trunk_id: str):
        if trunk_id == "":
            raise invalid("trunk ID is required")
        trunk = self.store.get(kind, trunk_id)
        if trunk is None:
            raise not_found(TRUNK_NOT_FOUND)
        return trunk

    def ListSIPInboundTrunk(self, req: sip_pb.ListSIPInboundTrunkRequest):
        items = [t for t in self.store.list("inbound") if _inbound_matches(req, t)]
        return sip_pb.ListSIPInboundTrunkResponse(items=_page(items, req.page))

    # ---- outbound trunks -----------------------------------------------------------------
    def CreateSIPOutboundTrunk(self, req: sip_pb.CreateSIPOutboundTrunkRequest):
        _validated(_check_create_trunk, req, check_outbound_trunk)
        info = sip_pb.SIPOutboundTrunkInfo()
        info.CopyFrom(req.trunk)
        # "No additional validation needed for outbound": no conflict check on LiveKit either.
        info.sip_trunk_id = new_id(TRUNK_PREFIX)
        self.store.put("outbound", info.sip_trunk_id, info)
        return info

    def UpdateSIPOutboundTrunk(self, req: sip_pb.UpdateSIPOutboundTrunkRequest):
        _validated(updates.check_outbound_update_request, req)
        return self._update("outbound", req.sip_trunk_id, TRUNK_NOT_FOUND, lambda c: updates.apply_outbound(c, req))

    def ListSIPOutboundTrunk(self, req: sip_pb.ListSIPOutboundTrunkRequest):
        items = [t for t in self.store.list("outbound") if _outbound_matches(req, t)]
        return sip_pb.ListSIPOutboundTrunkResponse(items=_page(items, req.page))

    def ListSIPTrunk(self, req: sip_pb.ListSIPTrunkRequest):
        """Deprecated, still served by LiveKit (and used by older clients): every trunk as the
        legacy ``SIPTrunkInfo`` (``AsTrunkInfo`` in livekit/protocol ``livekit/sip.go``), inbound
        and outbound together, sorted by ID, ``page.after_id`` and ``page.limit`` applied."""
        items = [_inbound_as_trunk_info(t) for t in self.store.list("inbound")]
        items += [_outbound_as_trunk_info(t) for t in self.store.list("outbound")]
        items = sorted(_page(items, req.page), key=lambda t: t.sip_trunk_id)
        if req.page.limit > 0:
            items = items[: req.page.limit]
        return sip_pb.ListSIPTrunkResponse(items=items)

    def DeleteSIPTrunk(self, req: sip_pb.DeleteSIPTrunkRequest):
        if req.sip_trunk_id == "":
            raise invalid("trunk ID is required")
        # OSS deletes with HDEL on both hashes: an unknown ID is not an error.
        with self.store.lock:
            self.store.delete("inbound", req.sip_trunk_id)
            self.store.delete("outbound", req.sip_trunk_id)
        return sip_pb.SIPTrunkInfo(sip_trunk_id=req.sip_trunk_id)

    # ---- dispatch rules ------------------------------------------------------------------
    def CreateSIPDispatchRule(self, req: sip_pb.CreateSIPDispatchRuleRequest):
        if req.HasField("dispatch_rule"):
            updates.upgrade_media(req.dispatch_rule)
            if req.dispatch_rule.sip_dispatch_rule_id != "":
                raise invalid("rule id must not be set")
            info = sip_pb.SIPDispatchRuleInfo()
            info.CopyFrom(req.dispatch_rule)
        else:
            info = _legacy_rule(req)
        _validated(check_dispatch_rule, info)
        info.sip_dispatch_rule_id = ""
        with self.store.lock:
            # LiveKit filters the stored rules by the LEGACY top-level trunk_ids (empty with the
            # dispatch_rule wrapper, so all rules are checked).
            check_rules(self._rules_for_trunks(req.trunk_ids) + [info])
            info.sip_dispatch_rule_id = new_id(DISPATCH_RULE_PREFIX)
            self.store.put("rules", info.sip_dispatch_rule_id, info)
        return info

    def UpdateSIPDispatchRule(self, req: sip_pb.UpdateSIPDispatchRuleRequest):
        _validated(updates.check_rule_update_request, req)

        def no_conflict(info) -> None:  # the same filter-by-new, replace-old quirk as for inbound trunks
            stored = self._rules_for_trunks(info.trunk_ids)
            check_rules([info if r.sip_dispatch_rule_id == req.sip_dispatch_rule_id else r for r in stored])

        return self._update("rules", req.sip_dispatch_rule_id, RULE_NOT_FOUND, lambda c: updates.apply_rule(c, req),
                            no_conflict)

    def ListSIPDispatchRule(self, req: sip_pb.ListSIPDispatchRuleRequest):
        items = [r for r in self.store.list("rules") if _rule_matches(req, r)]
        return sip_pb.ListSIPDispatchRuleResponse(items=_page(items, req.page))

    def DeleteSIPDispatchRule(self, req: sip_pb.DeleteSIPDispatchRuleRequest):
        if req.sip_dispatch_rule_id == "":
            raise invalid("dispatch rule ID is required")
        with self.store.lock:
            info = self.store.get("rules", req.sip_dispatch_rule_id)
            if info is None:
                raise not_found(RULE_NOT_FOUND)
            self.store.delete("rules", req.sip_dispatch_rule_id)
        return info


def _legacy_rule(req: sip_pb.CreateSIPDispatchRuleRequest) -> sip_pb.SIPDispatchRuleInfo:
    """CreateSIPDispatchRuleRequest.DispatchRuleInfo() for the deprecated top-level fields."""
    info = sip_pb.SIPDispatchRuleInfo(
        trunk_ids=req.trunk_ids,
        inbound_numbers=req.inbound_numbers,
        hide_phone_number=req.hide_phone_number,
        name=req.name,
        metadata=req.metadata,
        attributes=dict(req.attributes),
        room_preset=req.room_preset,
    )
    if req.HasField("rule"):
        info.rule.CopyFrom(req.rule)
    if req.HasField("room_config"):
        info.room_config.CopyFrom(req.room_config)
    return info


def _inbound_as_trunk_info(t: sip_pb.SIPInboundTrunkInfo) -> sip_pb.SIPTrunkInfo:
    return sip_pb.SIPTrunkInfo(
        sip_trunk_id=t.sip_trunk_id, kind=sip_pb.SIPTrunkInfo.TRUNK_INBOUND, name=t.name,
        metadata=t.metadata, outbound_number=t.numbers[0] if t.numbers else "",
        inbound_addresses=t.allowed_addresses, inbound_numbers=t.allowed_numbers,
        inbound_username=t.auth_username, inbound_password=t.auth_password,
    )


def _outbound_as_trunk_info(t: sip_pb.SIPOutboundTrunkInfo) -> sip_pb.SIPTrunkInfo:
    return sip_pb.SIPTrunkInfo(
        sip_trunk_id=t.sip_trunk_id, kind=sip_pb.SIPTrunkInfo.TRUNK_OUTBOUND, name=t.name,
        metadata=t.metadata, outbound_address=t.address, transport=t.transport,
        outbound_number=t.numbers[0] if t.numbers else "",
        outbound_username=t.auth_username, outbound_password=t.auth_password,
    )


def _inbound_matches(req, info) -> bool:
    """ListSIPInboundTrunkRequest.Filter: IDs exact; numbers normalised; wildcard trunks always."""
    if req.trunk_ids and info.sip_trunk_id not in req.trunk_ids:
        return False
    if req.numbers and info.numbers:
        wanted = set(req.numbers) | {normalize_number(n) for n in req.numbers}
        return any(n in wanted or normalize_number(n) in wanted for n in info.numbers)
    return True


def _outbound_matches(req, info) -> bool:
    """ListSIPOutboundTrunkRequest.Filter: numbers compared as exact strings."""
    if req.trunk_ids and info.sip_trunk_id not in req.trunk_ids:
        return False
    if req.numbers and info.numbers:
        return any(n in req.numbers for n in info.numbers)
    return True


def _rule_matches(req, info) -> bool:
    """ListSIPDispatchRuleRequest.Filter: rule IDs exact; trunk filter keeps catch-all rules."""
    if req.dispatch_rule_ids and info.sip_dispatch_rule_id not in req.dispatch_rule_ids:
        return False
    if req.trunk_ids and info.trunk_ids:
        return any(t in req.trunk_ids for t in info.trunk_ids)
    return True

