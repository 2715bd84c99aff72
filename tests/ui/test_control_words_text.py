"""ui/control_words.py without widgets: every message the one model gives for input a person can
make in the wizard reads, once reworded, without a config-file field name, and keeps its meaning."""

from __future__ import annotations

import re

import pytest

from phonewizard.app.drafts import new_draft
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.report import check_config
from phonewizard.ui.control_words import CONTROLS, control_name, reword


def file_field_names() -> set[str]:
    """Every field name of the model with an underscore (the ones that read as code)."""
    names, stack, seen = set(), [PhoneWizardConfig], set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            for part in (info.annotation, *getattr(info.annotation, "__args__", ())):
                if isinstance(part, type) and hasattr(part, "model_fields"):
                    stack.append(part)
    return {n for n in names if "_" in n}


def draft(**registration) -> dict:
    base = new_draft()
    base.update(agent_name="support-agent")
    base["livekit"].update(url="wss://demo.livekit.cloud", api_key="APIdemo", api_secret="s" * 40)
    base["registration"].update({"phone_number": "+14155550123", "provider": "twilio", **registration})
    return base


def _insecure() -> dict:
    d = draft()
    d["livekit"]["url"] = "http://livekit.example.com:7880"
    return d


def _no_provider() -> dict:
    d = draft()
    del d["registration"]["provider"]
    return d


# What a person can produce on the pages (a provider left unchosen, boxes ticked or not, text typed).
GUI_STATES = {
    "empty": new_draft(),
    "no provider": _no_provider(),
    "insecure url": _insecure(),
    "digest without credentials": draft(provider="telnyx", provider_config={"inbound_digest_auth": True}),
    "digest on twilio": draft(provider_config={"inbound_digest_auth": True}, auth_username="u",
                              auth_password="Passw0rd-Long-1"),
    "password without username": draft(provider="custom", auth_password="Passw0rd-Long-1"),
    "username without password": draft(provider="custom", auth_username="u"),
    "warm transfer without outbound": draft(transfer_config={"warm_transfer_enabled": True,
                                                             "supervisor_phone": "tel:+14155550100"}),
    "pasted address": draft(provider="custom", enable_outbound=True, outbound_address="sip:sip.example.com;transport=tcp"),
    "pasted TLS, TCP chosen": draft(provider="custom", enable_outbound=True, outbound_transport="TCP",
                                    outbound_address="sips:sip.example.com"),
    "indian number": draft(provider="custom", phone_number="+918035736839"),
    "vonage outbound": draft(provider="vonage", enable_outbound=True, outbound_address="acme.sip-eu.vonage.com"),
    "cloud allowed addresses": draft(allowed_addresses=["54.172.60.0/30"]),
}
# Not file fields: the agent's own code (WorkerOptions) and LiveKit's objects call them this.
ALLOWED = {"agent_name in WorkerOptions"}


@pytest.mark.parametrize("state", GUI_STATES, ids=str)
def test_no_message_names_a_file_field(state):
    report = check_config(GUI_STATES[state])
    names = file_field_names()
    for problem in [*report.errors, *report.warnings]:
        text = reword(problem.message)
        for keep in ALLOWED:
            text = text.replace(keep, "")
        found = sorted(n for n in names if re.search(rf"(?<![\w“]){n}(?!\w)", text))
        assert not found, f"{problem.field}: {text!r} names {found}"


def test_the_words_fit_the_control():
    insecure = check_config(GUI_STATES["insecure url"]).errors[0].message
    assert "tick “Allow an unencrypted connection (ws:// or http://) to this server”" in reword(insecure)
    [provider] = [p for p in check_config(GUI_STATES["no provider"]).errors if p.field == "registration.provider"]
    assert reword(provider.message) == "required: choose where your phone number is from"
    warm = next(p for p in check_config(GUI_STATES["warm transfer without outbound"]).errors)
    assert "tick “Let the agent place outbound calls from this number” (Outbound calls page)" in reword(warm.message)


def test_messages_without_file_fields_are_left_alone():
    for text in ("is not a valid URL; e.g. wss://my-project.livekit.cloud", "required: enter a value",
                 "required: enter the agent name your agent registers with (agent_name in WorkerOptions)"):
        assert reword(text) == text


def test_control_names():
    assert control_name("registration.outbound_transport") == "“Transport”"
    assert control_name("registration.metadata") is None
    assert all(c.kind in ("tick", "choose", "field") for c in CONTROLS.values())
