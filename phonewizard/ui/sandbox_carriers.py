"""The Twilio and Telnyx stand-ins of the wizard's sandbox mode, and the throwaway credentials it fills in.

With the sandbox on, "Set up Twilio / Telnyx for me" talks to local imitations of the carriers'
APIs (phonewizard/sandbox/carriers/) instead of Twilio and Telnyx, so the whole flow can be tried
offline: `CarrierStandIns.start()` runs both on free ports in their own threads beside the LiveKit
sandbox; the wizard points the carrier clients at them (`urls`) and fills the draft with their
credentials (`fill_draft`), which are never saved (the review page registers sandbox runs with
`save_secrets=False`). `adopt(number)` makes the stand-in accounts own the number being registered,
as a real account owns the number the user bought. The pages and the result say they are stand-ins.

Qt-free; the sandbox package (aiohttp) is imported only when the stand-ins start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, MutableMapping

if TYPE_CHECKING:
    from phonewizard.sandbox.carriers import TelnyxStandIn, TwilioStandIn

SECRET = "carrier_secret"
LABELS = {"twilio": "Twilio", "telnyx": "Telnyx"}


class CarrierStandIns:
    """Both stand-ins, started together; `stop()` ends both (idempotent)."""

    def __init__(self, twilio: TwilioStandIn, telnyx: TelnyxStandIn) -> None:
        self.twilio, self.telnyx = twilio, telnyx
        # An API key too, so "Sign in with an API key" can be tried offline as well.
        self.api_key, self.api_secret = twilio.add_api_key()

    @classmethod
    def start(cls, seed: int | None = None) -> "CarrierStandIns":
        """Both stand-ins on free ports (`seed`: the same IDs and keys every run, for screenshots)."""
        from phonewizard.sandbox.carriers import TelnyxStandIn, TwilioStandIn

        twilio = TwilioStandIn(seed=seed).start_in_thread()
        try:
            telnyx = TelnyxStandIn(seed=seed).start_in_thread()
        except BaseException:
            twilio.stop_thread()
            raise
        return cls(twilio, telnyx)

    def stop(self) -> None:
        self.twilio.stop_thread()
        self.telnyx.stop_thread()

    @property
    def urls(self) -> dict[str, str]:
        return {"twilio": self.twilio.url, "telnyx": self.telnyx.url}

    def credentials(self, carrier: str, api_key: bool = False) -> dict[str, str]:
        """The stand-in's account SID / API key SID / secret, keyed as the draft names them."""
        if carrier == "telnyx":
            return {SECRET: self.telnyx.api_key}
        if api_key:
            return {"account_sid": self.twilio.account_sid, "api_key": self.api_key, SECRET: self.api_secret}
        return {"account_sid": self.twilio.account_sid, SECRET: self.twilio.auth_token}

    def secrets(self) -> tuple[str, ...]:
        return self.twilio.auth_token, self.api_secret, self.telnyx.api_key

    def adopt(self, phone_number: str) -> None:
        """Make both stand-in accounts own `phone_number` (left where it is if they already do)."""
        for stand_in in (self.twilio, self.telnyx):
            with stand_in.lock:
                owned = any(n["phone_number"] == phone_number for n in stand_in.numbers.values())
            if not owned:
                stand_in.add_number(phone_number)

    # ---- the draft ---------------------------------------------------------------------------
    def fill_draft(self, draft: MutableMapping[str, Any]) -> bool:
        """When the draft asks for carrier set-up, put the stand-in's credentials in it (replacing
        a real account's: the sandbox cannot use them). True when something was filled."""
        section, carrier = _section(draft)
        if section is None:
            return False
        values = self.credentials(carrier, api_key=bool(section.get("api_key")))
        draft[SECRET] = values.pop(SECRET)
        section.update(values)
        return True

    def clear_draft(self, draft: MutableMapping[str, Any]) -> None:
        """Sandbox off: remove the stand-ins' credentials the draft still holds (not the user's)."""
        if draft.get(SECRET) in self.secrets():
            draft.pop(SECRET, None)
        section, _ = _section(draft)
        if section is not None:
            for key, value in (("account_sid", self.twilio.account_sid), ("api_key", self.api_key)):
                if section.get(key) == value:
                    section.pop(key)


def _section(draft: MutableMapping[str, Any]) -> tuple[dict | None, str]:
    """The draft's carrier_setup as a dict to edit in place (a bare `true` becomes {}), and the carrier."""
    registration = draft.get("registration")
    if not isinstance(registration, dict) or registration.get("provider") not in LABELS:
        return None, ""
    config = registration.get("provider_config")
    if not isinstance(config, dict) or config.get("carrier_setup") in (None, False):
        return None, ""
    section = config["carrier_setup"]
    if section is True:
        section = config["carrier_setup"] = {}
    if not isinstance(section, dict) or section.get("enabled", True) is False:
        return None, ""
    return section, registration["provider"]
