"""Where each thing phonewizard configured at a carrier is seen in that carrier's web console.

The result page links every configured item to its console page and `register --json` lists the
same address (`configured[].link`). Only list pages are linked: they are stable and published in
the carriers' own guides, while per-object addresses are not documented; the item's ID (shown next
to the link) finds it there. Against a stand-in there is no console: no links.
"""

from __future__ import annotations

TWILIO_TRUNKS = "https://console.twilio.com/us1/develop/sip-trunking/trunks"
TWILIO_NUMBERS = "https://console.twilio.com/us1/develop/phone-numbers/manage/incoming"
TELNYX_CONNECTIONS = "https://portal.telnyx.com/#/app/connections"
TELNYX_NUMBERS = "https://portal.telnyx.com/#/app/numbers/my-numbers"
TELNYX_PROFILES = "https://portal.telnyx.com/#/app/outbound-profiles"

_PAGES = {
    "twilio": {"phone number": TWILIO_NUMBERS},
    "telnyx": {"phone number": TELNYX_NUMBERS, "outbound voice profile": TELNYX_PROFILES},
}
_DEFAULT = {"twilio": TWILIO_TRUNKS, "telnyx": TELNYX_CONNECTIONS}


def console_page(carrier: str, what: str) -> str:
    """The console page showing a configured item (`what` as in ConfiguredItem: "SIP trunk", …)."""
    return _PAGES[carrier].get(what, _DEFAULT[carrier])
