"""The example files agree with the provider catalog (domain/providers.py): an example "limited to
Twilio's signalling IPs" (docs/cli.md) lists every range the wizard's "Add Twilio's published
signalling ranges" button adds, and no example would refuse a call from a published address."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest

from phonewizard.domain.providers import PROVIDERS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DOCS = Path(__file__).resolve().parent.parent / "docs"


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def test_the_twilio_example_lists_exactly_the_ranges_the_button_adds():
    registration = json.loads((EXAMPLES / "twilio.json").read_text())["registration"]
    assert registration["allowed_addresses"] == list(PROVIDERS["twilio"].signalling_ranges)
    assert "limited to Twilio's signalling IPs" in (DOCS / "cli.md").read_text()


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_every_published_address_is_allowed(path):
    registration = json.loads(path.read_text())["registration"]
    published = PROVIDERS[registration["provider"]].signalling_ranges
    allowed = [ipaddress.ip_network(a, strict=False) for a in registration.get("allowed_addresses", [])]
    if not published or not allowed:
        return  # nothing published (custom, LiveKit numbers), or the example does not restrict callers
    missing = [r for r in published if not any(ipaddress.ip_network(r).subnet_of(net) for net in allowed)]
    assert not missing, f"{path.name} would refuse calls from {registration['provider']}'s {missing}"


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_no_example_draws_a_doctor_warning(path):
    """The doctor's offline checks (app/doctor.py) see nothing wrong with an example: one that
    lists two of a carrier's eight ranges is warned about, so the examples must list them all."""
    from phonewizard.app.doctor import offline_checks
    from phonewizard.app.documents import open_config
    from phonewizard.domain.plan import plan

    config = open_config(path, {}, store=None).config
    assert [f.code for f in offline_checks(plan(config), config.livekit.url).warnings] == []
