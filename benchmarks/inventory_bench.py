"""Child process: reading a big project and building its inventory (issue "Registrations", Speed).

Usage: python benchmarks/inventory_bench.py RUNS [REGISTRATIONS]
One in-memory sandbox holds REGISTRATIONS (default 1,000) phonewizard registrations with outbound
calling — an inbound trunk, an outbound trunk and a dispatch rule each, 3,000 objects — spread
over the five carriers, plus the sandbox's two LiveKit numbers. They are planned with `plan()`
and put straight into the sandbox's store (the same messages the registrar would create, with
LiveKit-style IDs): seeding through 3,000 Create requests would only make the set-up slow, and
what is measured here is reading.

Per run, timed like the wizard's worker will run it (`asyncio.run` of a coroutine that opens and
closes its own clients): `read_project(conn)` over HTTP, then `build_inventory(objects)`; also the
rebuild of one entry's document (`entry.reverse(profile)`, what `show --json` adds) and, for
information, of all 1,000. The LiveKit requests are counted twice: by read_project itself
(`ProjectObjects.requests`) and in the sandbox's request log; one more read with 50 ms injected
per request shows from the log whether they went out together (sequential rounds).
Prints one line `BENCH <json>`.
"""

from __future__ import annotations

import asyncio
import sys
import time

from bench_support import big_project_main

LATENCY = 0.05

PROVIDERS = {
    "twilio": "acme.pstn.twilio.com",
    "telnyx": "sip.telnyx.com",
    "vonage": "acme-voice.sip-us.vonage.com",
    "bandwidth": "realm1.abc123.auth.bandwidth.com",
    "custom": "sip.example.net",
}


def seed(server, count: int) -> list[str]:
    from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

    from phonewizard.domain.plan import plan
    from phonewizard.domain.report import check_config
    from phonewizard.sandbox.ids import DISPATCH_RULE_PREFIX, TRUNK_PREFIX, new_id

    numbers = [f"+1415555{i:04d}" for i in range(count)]
    for i, number in enumerate(numbers):
        provider = list(PROVIDERS)[i % len(PROVIDERS)]
        report = check_config({"agent_name": f"agent-{i % 7}", "livekit": {"url": server.url, "api_key": server.api_key},
                               "registration": {"phone_number": number, "provider": provider, "enable_outbound": True,
                                                "outbound_address": PROVIDERS[provider], "auth_username": f"user{i}",
                                                "auth_password": "bench-Passw0rd-not-a-real-secret"}})
        if not report.ok:
            raise SystemExit(f"benchmark registration {number} is invalid: {report.errors}")
        p = plan(report.config)
        inbound, outbound, rule = SIPInboundTrunkInfo(), SIPOutboundTrunkInfo(), SIPDispatchRuleInfo()
        inbound.CopyFrom(p.inbound.trunk)
        inbound.sip_trunk_id = new_id(TRUNK_PREFIX)
        outbound.CopyFrom(p.outbound.trunk)
        outbound.sip_trunk_id = new_id(TRUNK_PREFIX)
        rule.CopyFrom(p.dispatch.dispatch_rule)
        rule.sip_dispatch_rule_id = new_id(DISPATCH_RULE_PREFIX)
        rule.trunk_ids.append(inbound.sip_trunk_id)
        rule.media.SetInParent()
        server.store.put("inbound", inbound.sip_trunk_id, inbound)
        server.store.put("outbound", outbound.sip_trunk_id, outbound)
        server.store.put("rules", rule.sip_dispatch_rule_id, rule)
    return numbers


def run(runs: int, count: int) -> dict:
    from phonewizard.domain.inventory import build_inventory
    from phonewizard.sandbox import SandboxServer
    from phonewizard.services.livekit_client import Connection
    from phonewizard.services.project_reader import read_project

    server = SandboxServer().start_in_thread()
    try:
        numbers = seed(server, count)
        conn = Connection(server.url, server.api_key, server.api_secret, timeout=60)
        profile = {"url": server.url, "api_key": server.api_key}
        out: dict = {"objects": sum(server.counts().values()), "read": [], "build": [], "reverse_one": [],
                     "requests": [], "logged": [], "rounds": [], "reverse_all": None, "states": None}
        for index in range(runs + 1):  # run 0 warms imports and caches up; not reported
            server.log.clear()
            started = time.perf_counter()
            objects = asyncio.run(read_project(conn))
            read = time.perf_counter() - started
            started = time.perf_counter()
            inventory = build_inventory(objects)
            build = time.perf_counter() - started
            entry = inventory.entry_for(numbers[index % len(numbers)])
            started = time.perf_counter()
            rebuilt = entry.reverse(profile)
            reverse_one = time.perf_counter() - started
            if not rebuilt.ok or rebuilt.notices:
                raise SystemExit(f"reverse of {entry.phone_number} was not exact: {rebuilt.notices} {rebuilt.problems}")
            if index == 0:
                continue
            out["read"].append(read)
            out["build"].append(build)
            out["reverse_one"].append(reverse_one)
            out["requests"].append(objects.requests)
            out["logged"].append(sorted(server.log.methods))
            out["rounds"].append(server.log.sequential_rounds())
        out["states"] = inventory.counts()
        # The sandbox answers at once and one request after another, so without latency the log
        # cannot show whether the four requests went out together: one more read with 50 ms per
        # request does (one round: ~50 ms of wall time, four rounds: ~200 ms).
        server.faults.latency = LATENCY
        server.log.clear()
        started = time.perf_counter()
        asyncio.run(read_project(conn))
        out["latency_wall"] = time.perf_counter() - started
        out["latency_rounds"] = server.log.sequential_rounds()
        out["latency"] = LATENCY
        server.faults.latency = 0
        started = time.perf_counter()
        for entry in inventory.entries:
            entry.reverse(profile)
        out["reverse_all"] = time.perf_counter() - started
        return out
    finally:
        server.stop_thread()


if __name__ == "__main__":
    sys.exit(big_project_main(run, ("phonewizard.domain.inventory", "phonewizard.services.project_reader"),
                              "inventory or project reader not importable"))
