"""The failures a carrier set-up ends with, as types both front ends match with isinstance.

Light (no SDK import), like services/errors.py for LiveKit. Every `str(e)` is a complete sentence
for the user that names the carrier and never contains a credential or the SIP password.

* `CarrierUnreachable` — no usable answer (DNS, refused, TLS, timeout, 5xx, not the carrier's API);
* `CarrierAuthFailed`  — the Account SID and token (API key and secret) or the API key were refused;
* `CarrierRefused`     — the carrier answered and said no (taken domain, weak password, …);
* `CarrierConflict`    — a refusal of ours: the number or a name is in the way, nothing was changed;
* `CarrierPartialRollback` — the set-up failed and undoing it failed too: what remains is listed;
* `CarrierCleanupIncomplete` — `unregister --carrier` could not remove everything (a CarrierPartialRollback).

`translated_call` awaits one SDK request under a timeout and raises its failure as one of these, by
the carrier's own translation (telnyx_client.telnyx_error, twilio_client.twilio_error).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence


class CarrierError(Exception):
    """Base of every carrier failure shown to a user. `carrier` is "Twilio" or "Telnyx"."""

    def __init__(self, carrier: str, message: str) -> None:
        self.carrier = carrier
        super().__init__(message)


class CarrierUnreachable(CarrierError):
    pass


class CarrierAuthFailed(CarrierError):
    pass


class CarrierRefused(CarrierError):
    """`code` is the carrier's own error code ("21248" at Twilio, "10015" at Telnyx) when it gave one,
    or ours ("no_trunk", "number_not_owned", "not_found"); `status` the HTTP status; `pointer` the
    request field the carrier names (Telnyx's `source.pointer`, e.g. "/user_name")."""

    def __init__(self, carrier: str, message: str, *, code: str | None = None, status: int = 400,
                 pointer: str | None = None) -> None:
        self.code = code
        self.status = status
        self.pointer = pointer
        super().__init__(carrier, message)


class CarrierConflict(CarrierRefused):
    """Something at the carrier is in the way (the number on another trunk, a name taken);
    found by the check before anything was changed. `kinds` says what, one per reason:
    "number_elsewhere" (on another trunk or connection) or "domain_held" (another trunk has it)."""

    def __init__(self, carrier: str, reasons: Sequence[str], kinds: Sequence[str] = ()) -> None:
        self.reasons = list(reasons)
        self.kinds = list(kinds)
        super().__init__(carrier, f"{carrier} is not ready for this number: {'; '.join(self.reasons)}. "
                                  "Nothing was changed at the carrier or in LiveKit.", code="conflict", status=409)


class CarrierPartialRollback(CarrierError):
    """The set-up failed and undoing it did not finish: `remaining` lists what is left, in words."""

    def __init__(self, carrier: str, phone_number: str, remaining: Sequence[str], cause: BaseException | None) -> None:
        self.phone_number = phone_number
        self.remaining = list(remaining)
        self.cause = cause
        first = f"Setting up {phone_number} at {carrier} failed ({cause})" if cause else \
            f"Setting up {phone_number} at {carrier} failed"
        super().__init__(carrier, f"{first} and undoing it did not finish. Left at {carrier}: "
                                  f"{', '.join(self.remaining)}. Remove them in the {carrier} console (their names "
                                  "start with “phonewizard”), or register again: the next run reuses or replaces them.")


class CarrierCleanupIncomplete(CarrierPartialRollback):
    """Some of phonewizard's objects at the carrier could not be removed: `remaining` lists them.
    A CarrierPartialRollback, so the front ends treat it alike: something is left (exit 1)."""

    def __init__(self, carrier: str, phone_number: str, removed: Sequence[str], remaining: Sequence[str],
                 cause: BaseException | None) -> None:
        self.phone_number, self.remaining, self.cause, self.removed = phone_number, list(remaining), cause, list(removed)
        done = f" Removed: {', '.join(self.removed)}." if self.removed else ""
        why = f" ({cause})" if cause is not None else ""
        CarrierError.__init__(self, carrier, (
            f"Removing phonewizard's set-up of {phone_number} at {carrier} did not finish{why}.{done} "
            f"Still at {carrier}: {', '.join(self.remaining)}. LiveKit's objects were not removed: run the same "
            "command again to finish."))


async def translated_call(awaitable: Any, timeout: float,
                          translate: Callable[[BaseException], CarrierError | None]) -> Any:
    """Await one SDK call under `timeout`; a failure `translate` turns into a CarrierError is raised
    as that, anything else as it was."""
    import asyncio  # here, not atop: app/errors imports this module on the wizard's pre-paint path

    try:
        return await asyncio.wait_for(awaitable, timeout)
    except Exception as exc:
        mapped = translate(exc)
        if mapped is None or mapped is exc:
            raise
        raise mapped from None  # the SDK's exception repeats the request URL; ours says it all
