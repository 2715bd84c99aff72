"""Child process: one doctor verdict over 1,000 inbound trunks and 1,000 dispatch rules.

Usage: python benchmarks/routing_bench.py CALLS
The lists are built in memory first (as the doctor has them once fetched from LiveKit), then for
CALLS calls cycling through the kinds a user asks about (a number a trunk lists, with and without
a caller, with a source IP, without the + that Vonage drops; a number no trunk lists, Cloud 404;
a number whose rule asks for a PIN), three ways:
- lists: `diagnose(trunks, rules, call, url)` from the bare lists, its index built every time
  (what one `phonewizard doctor` run pays after fetching): wall and CPU seconds per verdict;
- project: `RoutingProject(trunks, rules, url)` built once, then `.diagnose(call)` per call
  (the wizard's dialog, the sandbox): wall seconds per verdict;
- build: building that index alone;
- cli: `app.doctor.snapshot_of(objects, url).diagnose(call)`, what `phonewizard doctor` pays
  after the read (the index, the carriers of hand-made trunks recognised, the verdict).
Also the very first verdict of the process (cold number caches). Prints one line `BENCH <json>`.
"""

from __future__ import annotations

import sys
import time

from bench_support import emit

TRUNKS = RULES = 1000
CLOUD = "wss://bench.livekit.cloud"


def project():
    from livekit.protocol.agent_dispatch import RoomAgentDispatch
    from livekit.protocol.room import RoomConfiguration
    from livekit.protocol.sip import (
        SIPDispatchRule,
        SIPDispatchRuleDirect,
        SIPDispatchRuleIndividual,
        SIPDispatchRuleInfo,
        SIPInboundTrunkInfo,
    )

    trunks, rules = [], []
    for i in range(TRUNKS):
        numbers = [f"+1415{i:07d}"] + ([f"+1628{i:07d}"] if i % 3 == 0 else [])
        t = SIPInboundTrunkInfo(sip_trunk_id=f"ST_{i:08d}", name=f"trunk {i}", numbers=numbers)
        if i % 4 == 0:
            t.allowed_addresses.extend(["54.172.60.0/30", "54.244.51.0/30", "sip.example.com"])
        if i % 5 == 0:
            t.allowed_numbers.extend([f"+1555{i:07d}", f"1555{i:07d}"])
        trunks.append(t)
    for i in range(RULES - 2):
        kind = (SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name=f"room{i}", pin="4321"))
                if i % 10 == 0 else
                SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix=f"agent{i}")))
        r = SIPDispatchRuleInfo(sip_dispatch_rule_id=f"SDR_{i:08d}", name=f"rule {i}", rule=kind,
                                trunk_ids=[f"ST_{i:08d}"],
                                room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name=f"agent{i}")]))
        if i % 7 == 0:
            r.numbers.append(f"+1415{i:07d}")
        rules.append(r)
    catch_all = SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="fallback"))
    rules.append(SIPDispatchRuleInfo(sip_dispatch_rule_id="SDR_catchall", rule=catch_all))
    rules.append(SIPDispatchRuleInfo(sip_dispatch_rule_id="SDR_vip", rule=catch_all, inbound_numbers=["+15550000001"]))
    return trunks, rules


def calls(n: int):
    from phonewizard.domain.routing import InboundCall

    kinds = []
    for k in range(n):
        i = (k * 37) % TRUNKS
        kinds.append([
            InboundCall(to=f"+1415{i:07d}"),
            InboundCall(to=f"+1415{i:07d}", caller=f"+1555{i:07d}", source_ip="54.172.60.1"),
            InboundCall(to=f"1415{i:07d}", caller="+15550000001"),
            InboundCall(to=f"+1999{i:07d}", source_ip="203.0.113.9"),
            InboundCall(to=f"+1415{(i // 10) * 10:07d}", pin="4321"),
        ][k % 5])
    return kinds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from phonewizard.domain.routing import RoutingProject, diagnose
    from phonewizard.domain.routing.store import IndexedStore

    trunks, rules = project()
    todo = calls(n)
    started = time.perf_counter()
    first = diagnose(trunks, rules, todo[0], CLOUD)
    cold = time.perf_counter() - started
    lists, lists_cpu, outcomes = [], [], {}
    for call in todo:
        started, cpu = time.perf_counter(), time.process_time()
        verdict = diagnose(trunks, rules, call, CLOUD)
        lists_cpu.append(time.process_time() - cpu)
        lists.append(time.perf_counter() - started)
        outcomes[verdict.outcome] = outcomes.get(verdict.outcome, 0) + 1
    routing = RoutingProject(trunks, rules, CLOUD)
    reused = []
    for call in todo:
        started = time.perf_counter()
        routing.diagnose(call)
        reused.append(time.perf_counter() - started)
    build = []
    for _ in range(min(n, 200)):
        started = time.perf_counter()
        IndexedStore(trunks, rules)
        build.append(time.perf_counter() - started)
    from phonewizard.app.doctor import snapshot_of
    from phonewizard.domain.livekit_objects import ProjectObjects

    objects = ProjectObjects(inbound=tuple(trunks), rules=tuple(rules))
    cli = []
    for call in todo[: min(n, 200)]:
        started = time.perf_counter()
        snapshot_of(objects, CLOUD).diagnose(call)
        cli.append(time.perf_counter() - started)
    emit({"lists": lists, "lists_cpu": lists_cpu, "project": reused, "build": build, "cli": cli, "cold": cold,
          "outcomes": outcomes, "first": first.outcome})


if __name__ == "__main__":
    main()
