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
from typing import NamedTuple


class Control(NamedTuple):
    words: str  # as on the screen: a tick box's text, a row's label, a group's title
    kind: str  # "tick" (a check box), "choose" (radio buttons, a list), "field" (typed)
    page: str  # where it is, for messages shown on another page


CONTROLS: dict[str, Control] = {
    "livekit.allow_insecure_transport": Control(
        "Allow an unencrypted connection (ws:// or http://) to this server", "tick", "LiveKit project"),
    "livekit.url": Control("LiveKit URL", "field", "LiveKit project"),
    "livekit.api_key": Control("API key", "field", "LiveKit project"),
    "livekit.api_secret": Control("API secret", "field", "LiveKit project"),
    "livekit.sip_uri": Control("SIP URI", "field", "LiveKit project"),
    "agent_name": Control("Agent name", "field", "Agent and carrier"),
    "registration.provider": Control("carrier", "choose", "Agent and carrier"),
    "registration.phone_number": Control("Phone number", "field", "Phone number"),
    "registration.allowed_addresses": Control("Allowed addresses", "field", "Inbound calls"),
    "registration.provider_config.inbound_digest_auth": Control(
        "Require SIP digest authentication on inbound calls", "tick", "Inbound calls"),
    "registration.enable_outbound": Control(
        "Let the agent place outbound calls from this number", "tick", "Outbound calls"),
    "registration.outbound_address": Control("Final host", "field", "Outbound calls"),
    "registration.outbound_transport": Control("Transport", "choose", "Outbound calls"),
    "registration.auth_username": Control("Username", "field", "Outbound calls"),
    "registration.auth_password": Control("Password", "field", "Outbound calls"),
    "registration.destination_country": Control("Destination country", "field", "Outbound calls"),
}

# Whole phrases that need more than a name swapped (the message is otherwise kept as it is).
_PHRASES: dict[str, str] = {
    "required: enter the provider: livekit, twilio, vonage, telnyx, bandwidth or custom":
        "required: choose your carrier above",
}
# Names that are not file fields: the agent's own code calls it agent_name (WorkerOptions).
_KEEP = ("agent_name in WorkerOptions",)
_VERB = re.compile(r"\b(?:set|turn on|enable)\s+$")


def control_name(path: str) -> str | None:
    """“Transport” for `registration.outbound_transport`; None for a field without a control."""
    control = CONTROLS.get(path)
    return f"“{control.words}”" if control else None


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
