"""The wizard's words for a problem: the controls a person sees, not the config file's field names.

One model validates everything (domain/report.check_config), and its messages are written for
both places; where one names a file field ("set allow_insecure_transport", "enter the provider:
livekit, twilio, …"), the wizard shows it through `reword`, which puts the control's own words in
(a tick box's text, a row's label) and says "tick" or "choose" where the file would say "set".
Validation is not forked: the same Problem, only its wording for the screen.

`CONTROLS` maps a field path to the words on its control; tests/ui/test_control_words.py checks
every entry against the widget on its page, so a relabelled control cannot leave a stale name
here, and walks the pages with invalid input to check no message names a file field.
Qt-free and imported before the first paint: plain Python only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


class Control(NamedTuple):
    words: str  # as on the screen: a tick box's text, a row's label, a group's title
    kind: str  # "tick" (a check box), "choose" (radio buttons, a list), "field" (typed)
    page: str  # where it is, for messages shown on another page


_P1, _P2, _P3, _P4 = "LiveKit project", "Agent and carrier", "Phone number", "Inbound calls"
_P5, _P6, _P7 = "Outbound calls", "Call handling", "Agent behaviour"
_TRANSFER, _DTMF = "registration.transfer_config", "registration.dtmf_config"
CONTROLS: dict[str, Control] = {
    "livekit.allow_insecure_transport": Control(
        "Allow an unencrypted connection (ws:// or http://) to this server", "tick", _P1),
    "livekit.url": Control("LiveKit URL", "field", _P1),
    "livekit.api_key": Control("API key", "field", _P1),
    "livekit.api_secret": Control("API secret", "field", _P1),
    "livekit.sip_uri": Control("SIP URI", "field", _P1),
    "agent_name": Control("Agent name", "field", _P2),
    "registration.provider": Control("Phone number from", "choose", _P2),
    "registration.phone_number": Control("Phone number", "field", _P3),
    "registration.trunk_numbers": Control("Extra trunk numbers", "field", _P3),
    "registration.allowed_numbers": Control("Allowed callers", "field", _P3),
    "registration.allowed_addresses": Control("Allowed addresses", "field", _P4),
    "registration.provider_config.inbound_digest_auth": Control(
        "Require SIP digest authentication on inbound calls", "tick", _P4),
    "registration.enable_outbound": Control("Let the agent place outbound calls from this number", "tick", _P5),
    "registration.outbound_address": Control("Final host", "field", _P5),
    "registration.outbound_transport": Control("Transport", "choose", _P5),
    "registration.outbound_numbers": Control("Caller ID numbers", "field", _P5),
    "registration.auth_username": Control("Username", "field", _P5),
    "registration.auth_password": Control("Password", "field", _P5),
    "registration.destination_country": Control("Destination country", "field", _P5),
    "registration.media_encryption": Control("Media encryption", "choose", _P6),
    "registration.krisp_enabled": Control("Krisp noise cancellation on the caller's audio", "tick", _P6),
    "registration.ringing_timeout_seconds": Control("Ringing timeout", "field", _P6),
    "registration.max_call_duration_seconds": Control("Maximum call duration", "field", _P6),
    "registration.hide_phone_number": Control("Hide the caller's number from the agent (privacy)", "tick", _P6),
    "registration.custom_headers": Control("Custom headers", "field", _P6),
    "registration.headers_to_attributes": Control("Header → attribute", "field", _P6),
    f"{_DTMF}.dtmf_sequence": Control("DTMF sequence", "field", _P7),
    f"{_DTMF}.dtmf_timeout": Control("DTMF timeout", "field", _P7),
    f"{_TRANSFER}.allowed_destinations": Control("Allowed destinations", "field", _P7),
    f"{_TRANSFER}.supervisor_phone": Control("Supervisor", "field", _P7),
    f"{_TRANSFER}.cold_transfer_enabled": Control("Cold transfer (hand the caller over and leave)", "tick", _P7),
    f"{_TRANSFER}.warm_transfer_enabled": Control("Warm transfer (introduce the caller first)", "tick", _P7),
}

# Whole phrases that need more than a name swapped (the message is otherwise kept as it is).
_PHRASES: dict[str, str] = {
    "required: enter the provider: livekit, twilio, vonage, telnyx, bandwidth or custom":
        "required: choose where your phone number is from",
}
# Names that are not file fields: the agent's own code calls it agent_name (WorkerOptions).
_KEEP = ("agent_name in WorkerOptions",)
_VERB = re.compile(r"\b(?:set|turn on|enable)\s+$")


def control_name(path: str) -> str | None:
    """“Transport” for `registration.outbound_transport`; None for a field without a control."""
    control = CONTROLS.get(path)
    return f"“{control.words}”" if control else None


def where_to_fix(path: str) -> str:
    """“Password” on the Outbound calls page, for a problem shown away from its field; the dotted
    path for a field without a control (a hand-written file's extra key: it is fixed in the file)."""
    control = CONTROLS.get(path)
    return f"“{control.words}” on the {control.page} page" if control else path


@lru_cache(maxsize=512)  # the same few messages come back on every keystroke
def reword(message: str) -> str:
    """`message` with every file field it names replaced by the words on its control."""
    text = _PHRASES.get(message, message)
    kept = {f"\x00{i}\x00": phrase for i, phrase in enumerate(_KEEP) if phrase in text}
    for marker, phrase in kept.items():
        text = text.replace(phrase, marker)
    # Longest names first, so provider_config.inbound_digest_auth is not read as a bare name.
    for name, control in sorted(_names(), key=lambda item: len(item[0]), reverse=True):
        text = _replace(text, name, control)
    for marker, phrase in kept.items():
        text = text.replace(marker, phrase)
    return text


def _names() -> list[tuple[str, Control]]:
    """Each control under the names a message may use for it: the path without its section
    (`provider_config.inbound_digest_auth`) and the last part (`outbound_transport`), where the
    last part is a file name (has `_`; "url" or "provider" are ordinary words too)."""
    names = []
    for path, control in CONTROLS.items():
        parts = path.split(".")
        names.append((".".join(parts[1:]) if len(parts) > 2 else path, control))
        if "_" in parts[-1]:
            names.append((parts[-1], control))
    return names


def _replace(text: str, name: str, control: Control) -> str:
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])")
    out, last = [], 0
    for match in pattern.finditer(text):
        before = text[last:match.start()]
        verb = _VERB.search(before)
        quoted = f"“{control.words}”"
        if verb and control.kind == "tick":
            before = before[:verb.start()] + "tick "
        out.append(before + quoted)
        last = match.end()
    out.append(text[last:])
    return "".join(out)
