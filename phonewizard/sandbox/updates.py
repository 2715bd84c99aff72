"""Update requests: their validation and the field-update ("update") / "replace" actions.

Mirrors ``Update*Request.ValidateResult`` and the ``Apply`` methods in livekit/protocol
``livekit/sip.go`` and ``ListUpdate`` in ``livekit/types.go``. The request checks raise
``ValidationFailure`` (the service wraps them as invalid_argument); a failure found only after a
field update was applied is returned by LiveKit unwrapped, so ``apply_*`` raise ``PlainError``
(unknown/500) unless the check itself carries a code.
"""

from __future__ import annotations

from livekit.protocol import sip as sip_pb

from .errors import PlainError, invalid
from .validation import (
    ValidationFailure,
    check_dispatch_rule,
    check_inbound_trunk,
    check_list_update,
    check_media,
    check_outbound_trunk,
)


def _check_update_request(req, id_field: str, noun: str, check_info, list_fields) -> None:
    """Update{SIPInboundTrunk,SIPOutboundTrunk,SIPDispatchRule}Request.Validate: the same steps in
    livekit/sip.go for trunks and rules, with `noun` ("trunk", "rule") in the messages."""
    object_id = getattr(req, id_field)
    if object_id == "":
        raise ValidationFailure(f"{noun} id must be set")
    action = req.WhichOneof("action")
    if action is None:
        raise ValidationFailure("missing or unsupported update action")
    if action == "replace":
        if getattr(req.replace, id_field) not in ("", object_id):
            raise ValidationFailure(f"{noun} id in the info must be empty or match the id in the update")
        check_info(req.replace)
        return
    for name in list_fields:
        if req.update.HasField(name):
            check_list_update(getattr(req.update, name))
    check_media(req.update)


def check_inbound_update_request(req: sip_pb.UpdateSIPInboundTrunkRequest) -> None:
    _check_update_request(req, "sip_trunk_id", "trunk", check_inbound_trunk,
                          ("numbers", "allowed_addresses", "allowed_numbers"))


def check_outbound_update_request(req: sip_pb.UpdateSIPOutboundTrunkRequest) -> None:
    _check_update_request(req, "sip_trunk_id", "trunk", check_outbound_trunk, ("numbers",))


def check_rule_update_request(req: sip_pb.UpdateSIPDispatchRuleRequest) -> None:
    _check_update_request(req, "sip_dispatch_rule_id", "rule", check_dispatch_rule, ("trunk_ids",))


def apply_list_update(dst, update) -> None:
    """applyListUpdate: clear, or set, or remove-then-add (keeping order, no duplicates)."""
    if update.clear:
        del dst[:]
        return
    if len(update.set):
        dst[:] = list(update.set)
        return
    items = list(dst)
    for value in update.remove:
        if value in items:
            items.remove(value)
    for value in update.add:
        if value not in items:
            items.append(value)
    dst[:] = items


def upgrade_media(info) -> None:
    """Upgrade(): always materialise ``media``; copy a non-DISABLE legacy encryption into it."""
    media = info.media  # reading a sub-message does not set it; SetInParent does
    info.media.SetInParent()
    if not media.HasField("encryption") and info.media_encryption != sip_pb.SIP_MEDIA_ENCRYPT_DISABLE:
        info.media.encryption = info.media_encryption


def _update_media(info, diff) -> None:
    """updateMediaConfig: replace media wholesale, then keep the legacy field in sync."""
    if diff.HasField("media"):
        info.media.CopyFrom(diff.media)
    if diff.HasField("media_encryption"):
        info.media_encryption = diff.media_encryption
    upgrade_media(info)
    info.media_encryption = info.media.encryption if info.media.HasField("encryption") else 0


def _copy_optional(info, diff, names) -> None:
    for name in names:
        if diff.HasField(name):
            setattr(info, name, getattr(diff, name))


def _revalidate(check, info) -> None:
    try:
        check(info)
    except ValidationFailure as e:
        # psrpc errors keep their InvalidArgument code through LiveKit's twirp error hook.
        if e.psrpc:
            raise invalid(e.msg) from None
        raise PlainError(e.msg) from None


def _replace_or_copy(current, req, id_field: str):
    """(the replacement with the stored ID, None) for the "replace" action; else (a copy of
    ``current`` to apply the field update to, the update)."""
    val = type(current)()
    if req.WhichOneof("action") == "replace":
        val.CopyFrom(req.replace)
        setattr(val, id_field, getattr(current, id_field))
        return val, None
    val.CopyFrom(current)
    return val, req.update


def apply_inbound(current: sip_pb.SIPInboundTrunkInfo, req: sip_pb.UpdateSIPInboundTrunkRequest):
    """Return the updated copy of ``current``; the stored object is never touched here."""
    val, diff = _replace_or_copy(current, req, "sip_trunk_id")
    if diff is None:
        return val
    for name in ("numbers", "allowed_addresses", "allowed_numbers"):
        if diff.HasField(name):
            apply_list_update(getattr(val, name), getattr(diff, name))
    _copy_optional(val, diff, ("auth_username", "auth_password", "auth_realm", "name", "metadata"))
    _update_media(val, diff)
    _revalidate(check_inbound_trunk, val)
    return val


def apply_outbound(current: sip_pb.SIPOutboundTrunkInfo, req: sip_pb.UpdateSIPOutboundTrunkRequest):
    val, diff = _replace_or_copy(current, req, "sip_trunk_id")
    if diff is None:
        return val
    _copy_optional(val, diff, ("address", "transport", "destination_country"))
    if diff.HasField("numbers"):
        apply_list_update(val.numbers, diff.numbers)
    _copy_optional(val, diff, ("auth_username", "auth_password", "name", "metadata", "from_host"))
    _update_media(val, diff)
    _revalidate(check_outbound_trunk, val)
    return val


def apply_rule(current: sip_pb.SIPDispatchRuleInfo, req: sip_pb.UpdateSIPDispatchRuleRequest):
    val, diff = _replace_or_copy(current, req, "sip_dispatch_rule_id")
    if diff is None:
        return val
    if diff.HasField("trunk_ids"):
        apply_list_update(val.trunk_ids, diff.trunk_ids)
    if diff.HasField("rule"):
        val.rule.CopyFrom(diff.rule)
    _copy_optional(val, diff, ("name", "metadata"))
    # applyMapDiff: an empty value deletes the key.
    for key, value in diff.attributes.items():
        if value:
            val.attributes[key] = value
        elif key in val.attributes:
            del val.attributes[key]
    _update_media(val, diff)
    _revalidate(check_dispatch_rule, val)
    return val
