"""Every setting of a valid configuration in plain words, grouped the way the pages ask for them.

No Qt here: the review page renders the groups, and tests read them directly. Secrets are never
shown, only whether one is set.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.providers import provider_info

if TYPE_CHECKING:
    # domain/plan imports livekit-protocol: the review page builds a plan only when needed.
    from phonewizard.domain.plan import RegistrationPlan

Group = tuple[str, list[tuple[str, str]]]

ENCRYPTION_WORDS = {
    "ALLOW": "used when the carrier offers it",
    "DISABLE": "off",
    "REQUIRE": "required (calls without SRTP fail)",
}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _list(values: list[str], empty: str = "none") -> str:
    return ", ".join(values) if values else empty


def _map(values: dict[str, str]) -> str:
    return ", ".join(f"{k} → {v}" for k, v in values.items()) if values else "none"


def duration_words(seconds: int) -> str:
    """3660 → '1 h 1 min'; 90 → '1 min 30 s': a duration a person reads at a glance."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{secs} s" if secs else ""]
    return " ".join(p for p in parts if p) or "0 s"


def _secret(value: object, absent: str, sandbox: bool) -> str:
    """Whether a secret is set, and where Register puts it (the review page skips the keyring in
    sandbox mode: the sandbox's throwaway key does not belong there)."""
    if not value:
        return absent
    return "set (sandbox: not saved)" if sandbox else "set (saved to your system keyring on Register)"


def _carrier_setup_rows(config: PhoneWizardConfig, sandbox: bool) -> list[tuple[str, str]]:
    """"Set up Twilio / Telnyx for me": who sets the carrier up, with which account and credential."""
    from phonewizard.domain.carrier_options import setup_options

    options = setup_options(config.registration)
    if options is None:
        return [("Carrier set-up", "you, with the steps shown after Register")] if config.registration.provider in (
            "twilio", "telnyx", "vonage", "bandwidth", "custom") else []
    label = "Twilio" if options.carrier == "twilio" else "Telnyx"
    rows = [("Carrier set-up", f"by phonewizard, through the {label} stand-in" if sandbox else
             f"by phonewizard, through {label}'s API")]
    if options.carrier == "twilio":
        rows.append(("Twilio account", options.account_sid or "not set"))
        if options.api_key:
            rows.append(("Twilio API key", options.api_key))
    credential = {"twilio": "API key secret" if options.api_key else "Auth Token", "telnyx": "API key"}[options.carrier]
    rows.append((f"{label} {credential}", _secret(config.carrier_secret, "not set", sandbox)))
    if options.move_number:
        rows.append(("If the number is elsewhere", "moved here"))
    return rows


def settings_groups(config: PhoneWizardConfig, *, sandbox: bool = False) -> list[Group]:
    reg = config.registration
    external = reg.provider != "livekit"
    groups: list[Group] = [
        ("LiveKit project", [
            ("Server", config.livekit.url),
            ("API key", config.livekit.api_key),
            ("API secret", _secret(config.livekit.api_secret, "not set", sandbox)),
        ]),
        ("Agent and number", [
            ("Agent name", config.agent_name),
            ("Phone number", reg.phone_number),
            ("Carrier", provider_info(reg.provider).label),
            *_carrier_setup_rows(config, sandbox),
        ]),
    ]
    if external:
        groups.append(("Incoming calls", [
            ("Numbers on the trunk", _list(reg.trunk_numbers)),
            ("Callers allowed", _list(reg.allowed_numbers, "anyone")),
            ("Carrier addresses allowed", _list(reg.allowed_addresses, "any")),
        ]))
        outbound: list[tuple[str, str]] = [("Outbound calling", "on" if reg.enable_outbound else "off")]
        if reg.enable_outbound:
            outbound += [
                ("Termination host", reg.outbound_address or ""),
                ("Transport", reg.outbound_transport),
                ("Caller ID numbers", _list(reg.outbound_numbers)),
            ]
        outbound += [
            ("SIP username", reg.auth_username or "none"),
            ("SIP password", _secret(reg.auth_password, "none", sandbox)),
            ("Destination country", reg.destination_country or "not pinned"),
        ]
        groups.append(("Outgoing calls", outbound))
    groups.append(("Call handling", [
        ("Media encryption", ENCRYPTION_WORDS.get(reg.media_encryption, reg.media_encryption)),
        ("Krisp noise cancellation", _yes(reg.krisp_enabled)),
        ("Ringing timeout", f"{reg.ringing_timeout_seconds} s"),
        ("Maximum call duration", duration_words(reg.max_call_duration_seconds)),
        ("Hide the caller's number", _yes(reg.hide_phone_number)),
        ("Custom SIP headers", _map(reg.custom_headers)),
        ("Header → attribute", _map(reg.headers_to_attributes)),
    ]))
    dtmf, transfer, features = reg.dtmf_config, reg.transfer_config, reg.agent_features
    groups.append(("Agent behaviour", [
        ("Navigate phone menus", _yes(dtmf.auto_navigate_ivr)),
        ("Detect phone menus", _yes(dtmf.ivr_detection)),
        ("DTMF sequence", dtmf.dtmf_sequence or "none"),
        ("DTMF timeout", f"{dtmf.dtmf_timeout} s"),
        ("Transfer destinations", _list(transfer.allowed_destinations)),
        ("Cold / warm transfer", f"{_yes(transfer.cold_transfer_enabled)} / {_yes(transfer.warm_transfer_enabled)}"),
        ("Confirm before transfer", _yes(transfer.requires_confirmation)),
        ("Supervisor", transfer.supervisor_phone or "none"),
        ("Recording", _yes(features.recording_enabled)),
        ("Transcription", _yes(features.transcription_enabled)),
        ("Sentiment analysis", _yes(features.sentiment_analysis)),
        ("Call screening", _yes(features.call_screening)),
        ("Metadata", json.dumps(reg.metadata, ensure_ascii=False) if reg.metadata else "none"),
    ]))
    return groups


def _group_html(title: str, rows: list[tuple[str, str]]) -> str:
    from phonewizard.ui.widgets.tones import tone_color  # readable on dark themes too

    hint = tone_color("hint")
    parts = [f"<h4 style='margin:6px 0 2px 0'>{html.escape(title)}</h4><table cellspacing='0' cellpadding='1'>"]
    for label, value in rows:
        parts.append(
            f"<tr><td style='color:{hint}; padding-right:14px'>{html.escape(label)}</td>"
            f"<td>{html.escape(str(value))}</td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def groups_html(groups: list[Group]) -> str:
    """The groups in two columns (QLabel rich text): connection and numbers on the left, call
    handling and behaviour on the right, so the whole summary fits without scrolling."""
    split = next((i for i, (title, _rows) in enumerate(groups) if title == "Call handling"), len(groups))
    left = "".join(_group_html(t, r) for t, r in groups[:split])
    right = "".join(_group_html(t, r) for t, r in groups[split:])
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td valign='top' width='50%' style='padding-right:18px'>{left}</td>"
        f"<td valign='top' width='50%'>{right}</td></tr></table>"
    )


def plan_json_text(plan: RegistrationPlan) -> str:
    """The plan's requests, secrets masked by plan.to_json(), as indented JSON."""
    data: dict[str, Any] = plan.to_json()
    return json.dumps(data, indent=2, ensure_ascii=False)
