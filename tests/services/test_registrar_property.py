"""Property: for any configuration check_config accepts, LiveKit (the sandbox, which enforces the
server's validation rules) accepts every request of the plan; registering twice keeps one set of
objects; unregister leaves nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from phonewizard.sandbox import SandboxServer

from tests.services.registrar_helpers import registrar, run

registrations = st.fixed_dictionaries(
    {
        "phone_number": st.sampled_from(["+14155550101", "+442071838750", "+919876543210"]),
        "provider": st.sampled_from(["twilio", "telnyx", "custom", "bandwidth"]),
        "enable_outbound": st.booleans(),
        "outbound_transport": st.sampled_from(["AUTO", "UDP", "TCP", "TLS"]),
        "media_encryption": st.sampled_from(["DISABLE", "ALLOW", "REQUIRE"]),
        "krisp_enabled": st.booleans(),
        "ringing_timeout_seconds": st.integers(1, 300),
        "max_call_duration_seconds": st.integers(60, 86400),
        "hide_phone_number": st.booleans(),
        "allowed_addresses": st.lists(st.sampled_from(["192.76.120.10", "64.16.250.0/24", "sip.example.net"]),
                                      unique=True, max_size=2),
        "custom_headers": st.dictionaries(st.sampled_from(["X-Customer", "X-Tier"]), st.text("abc123 ", max_size=8),
                                          max_size=2),
        "headers_to_attributes": st.dictionaries(st.sampled_from(["X-Region"]), st.just("region"), max_size=1),
        "dtmf_config": st.fixed_dictionaries({"dtmf_sequence": st.text("0123456789*#w", max_size=6)}),
    }
)
ADDRESSES = {"twilio": "acme.pstn.twilio.com", "telnyx": "sip.telnyx.com", "custom": "sip.example.net",
             "bandwidth": "realm1.abc123.auth.bandwidth.com"}


def test_every_valid_configuration_is_accepted_by_livekit():
    server = SandboxServer().start_in_thread()
    try:
        reg = registrar(server)

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        @given(registrations)
        def check(registration):
            registration = dict(registration)
            registration.update(auth_username="alice", auth_password="Sup3r-Secret-Pa55x",
                                outbound_address=ADDRESSES[registration["provider"]])
            if registration["phone_number"].startswith("+91"):
                registration["destination_country"] = "IN"
            report = check_config({"agent_name": "prop-agent",
                                   "livekit": {"url": server.url, "api_key": server.api_key},
                                   "registration": registration})
            assume(report.ok)
            p = plan(report.config)
            first = run(reg.apply(p))
            second = run(reg.apply(p))
            assert second.status == "updated" and second.dispatch_rule_id == first.dispatch_rule_id
            expected = {"inbound": 1, "outbound": 1 if registration["enable_outbound"] else 0, "rules": 1}
            assert server.counts() == expected
            removed = run(reg.unregister(p.phone_number)).removed
            assert len(removed) == sum(expected.values())
            assert server.counts() == {"inbound": 0, "outbound": 0, "rules": 0}

        check()
    finally:
        server.stop_thread()
