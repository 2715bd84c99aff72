"""The benchmarks: `make bench` or `.venv/bin/python benchmarks/run.py [--runs N] [--record]`.

Each measurement runs in its own child process (offscreen Qt), several times; the table shows the
median beside its floor (the baseline it is compared with) and the ratio, and the script exits 1
when any target is missed or a benchmark could not run, so it can serve as a check.

  1 start-up     process start → first paint of the wizard's first page, against a bare PySide6
                 QWizard with one empty page started the same way           target ratio ≤ 1.3
                 (a LiveKit project configured; sandbox mode as an extra row; plus the time
                 until the deferred start-up work is done, for information)
  2 peak RSS     at that first paint, same baseline                          target ratio ≤ 1.3
                 (and, for information, settled: 1 s after the deferred start-up work)
  3 typing       per-keystroke cost of live validation, 1,000 QTest.keyClicks on the phone number
                 and on the outbound address field                           target p99 ≤ 2 ms
  4 registration wall time against the sandbox with 50 ms per request, in round trips: wall /
                 the wall of ONE request (a single ListSIPInboundTrunk, opened and timed the same
                 way, same sandbox, same run), conflict check included; floor 2  target ≤ 3
                 Also: sequential rounds counted from the sandbox's request log, and wall / 50 ms
  5 GUI gaps     longest gap between 10 ms QTimer ticks while 4 runs through the AsyncWorker
                                                                             target ≤ 50 ms
  6 bundle       size of dist/phonewizard/ and its `--selftest` wall time against the source
                 run (information, no target; skipped when dist/ is absent)
  7 doctor       one call-routing verdict over 1,000 inbound trunks and 1,000 dispatch rules
                 in memory (RoutingProject: the lists indexed once)           target p99 ≤ 20 ms
                 (and, for information: one-shot from the bare lists with the index built per
                 verdict, wall and CPU; a `phonewizard doctor` run after the read; the index
                 build alone; the first verdict of a process)
  8 inventory    a sandbox with 1,000 registrations (3,000 objects): read the project and build
                 its inventory (wall)                                        target ≤ 500 ms
                 LiveKit requests per read (read_project's count and the sandbox log)
                                                              target 4 (one List per object kind)
                 one round with 50 ms per request; rebuilding one entry's document (show --json)
                 and all 1,000 (information)
  9 safety       check_config per call (p99 ≤ 2 ms); hostile config paths refused in-process and
                 by `phonewizard validate` as a process (≤ 1 s); the sandbox's parallel latency,
                 stop with a hanging request, and a client's 0.5 s timeout (safety_bench.py)
 10 registrations the wizard's registrations page on that sandbox (in-process, sandbox mode):
   page          opening the page → its table filled with 1,000 rows (wall, information), and
                 the longest gap between 10 ms QTimer ticks meanwhile        target ≤ 50 ms
                 `show NUMBER --json` on it: LiveKit requests (sandbox log)
                                                              target 4 (one List per object kind)

--record also writes the table and the machine it ran on to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_support import ROOT, machine, median, percentile  # noqa: E402

PYTHON = sys.executable
BUNDLE = ROOT / "dist" / "phonewizard"
LATENCY = 0.05
NOTES_MARKER = "<!-- notes: kept by --record -->"


@dataclass
class Row:
    number: str
    name: str
    figure: str
    floor: str
    ratio: str
    target: str
    status: str  # "ok", "MISSED", "ERROR", "skip", "info"


class BenchError(RuntimeError):
    pass


def child(args: list[str], timeout: float = 300) -> dict:
    """Run a benchmark script in a fresh process and return its `BENCH <json>` line."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [PYTHON, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise BenchError(f"{' '.join(args)} exited {proc.returncode}: {tail}")


def bench_startup(runs: int) -> list[Row]:
    """Benchmarks 1 and 2; the measuring lives in startup_bench.py."""
    from startup_bench import startup_rows

    try:
        return [Row(*cells) for cells in startup_rows(runs, child, str(HERE / "startup_harness.py"))]
    except RuntimeError as exc:
        raise BenchError(str(exc)) from None


def bench_typing(keystrokes: int) -> list[Row]:
    result = child([str(HERE / "typing_bench.py"), str(keystrokes)])
    rows = []
    for field, samples in result["fields"].items():
        ms = [s * 1000 for s in samples]
        p50, p99 = percentile(ms, 50), percentile(ms, 99)
        rows.append(Row("3", f"typing: {field} ({len(ms)} keys)", f"p50 {p50:.2f} / p99 {p99:.2f} ms",
                        "—", "—", "p99 ≤ 2 ms", "ok" if p99 <= 2.0 else "MISSED"))
    for field, why in result.get("errors", {}).items():
        rows.append(Row("3", f"typing: {field}", f"could not run: {why}", "—", "—", "p99 ≤ 2 ms", "ERROR"))
    return rows


def bench_registration(runs: int) -> list[Row]:
    direct = child([str(HERE / "registration_bench.py"), "direct", str(runs)])
    gui = child([str(HERE / "registration_bench.py"), "gui", str(runs)])
    wall, one_rt, warm_rt = median(direct["wall"]), median(direct["one_rt"]), median(direct["warm_rt"])
    # Each run's registration over the same run's single request; the median of those ratios.
    trips = median([w / u for w, u in zip(direct["wall"], direct["one_rt"])])
    rounds = max(direct["rounds"])
    return [
        Row("4", "registration, 50 ms/request, in round trips (1 RT = one request, same run)",
            f"{wall * 1000:.1f} ms = {trips:.2f} RT (1 RT = {one_rt * 1000:.1f} ms)",
            "2 RT", f"{trips / 2:.2f}", "≤ 3 RT", "ok" if trips <= 3.0 else "MISSED"),
        Row("4", "  sequential rounds (sandbox log) / requests / max in flight",
            f"{rounds} / {len(direct['methods'])} / {max(direct['max_concurrency'])}",
            "2 rounds", f"{rounds / 2:.2f}", "—", "info"),
        Row("4", "  wall / 50 ms injected; wall / one request on an open connection",
            f"{wall / LATENCY:.2f}; {wall / warm_rt:.2f} ({warm_rt * 1000:.1f} ms)", "—", "—", "—", "info"),
        Row("5", "longest GUI gap during registration", f"{median(gui['max_gap']) * 1000:.1f} ms",
            "10 ms (timer)", f"{median(gui['max_gap']) / 0.010:.2f}", "≤ 50 ms",
            "ok" if median(gui["max_gap"]) <= 0.050 else "MISSED"),
    ]


def bench_doctor(calls: int) -> list[Row]:
    result = child([str(HERE / "routing_bench.py"), str(calls)])
    ms = {k: [s * 1000 for s in result[k]] for k in ("lists", "lists_cpu", "project", "build", "cli")}
    p99 = percentile(ms["project"], 99)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(result["outcomes"].items()))

    def fig(key: str) -> str:
        return f"p50 {percentile(ms[key], 50):.2f} / p99 {percentile(ms[key], 99):.2f} ms"

    return [
        Row("7", f"doctor verdict, 1,000 trunks + 1,000 rules in memory ({len(ms['project'])} calls: {mix})",
            fig("project"), "—", "—", "p99 ≤ 20 ms", "ok" if p99 <= 20.0 else "MISSED"),
        Row("7", "  one-shot from the bare lists, index built per verdict (one CLI run): wall", fig("lists"),
            "—", "—", "—", "info"),
        Row("7", "  same, CPU time (wall minus waiting for the shared machine's other processes)",
            fig("lists_cpu"), "—", "—", "—", "info"),
        Row("7", "  `phonewizard doctor` after the read: snapshot (index, carriers recognised) + verdict",
            fig("cli"), "—", "—", "—", "info"),
        Row("7", "  index build alone; first verdict of a process (cold caches)",
            f"p50 {percentile(ms['build'], 50):.2f} ms; {result['cold'] * 1000:.2f} ms", "—", "—", "—", "info"),
    ]


def bench_inventory(runs: int) -> list[Row]:
    result = child([str(HERE / "inventory_bench.py"), str(runs)], timeout=600)
    if "skip" in result:
        return [Row("8", "inventory", f"skipped: {result['skip']}", "—", "—", "—", "skip")]
    read, build = median(result["read"]), median(result["build"])
    total = median([r + b for r, b in zip(result["read"], result["build"])])
    requests = max(result["requests"])
    logged = max(len(m) for m in result["logged"])
    one_per_kind = all(sorted(set(m)) == sorted(m) for m in result["logged"])
    rounds, latency = result["latency_rounds"], result["latency"]
    return [
        Row("8", f"inventory of {result['objects']:,} objects: read + build",
            f"{total * 1000:.0f} ms (read {read * 1000:.0f} + build {build * 1000:.0f})", "—", "—",
            "≤ 500 ms", "ok" if total <= 0.5 else "MISSED"),
        Row("8", "  LiveKit requests per read (counted / sandbox log)", f"{requests} / {logged}",
            "4 (one List per kind)", f"{requests / 4:.2f}", "4",
            "ok" if requests == 4 and logged == 4 and one_per_kind else "MISSED"),
        Row("8", "  sequential rounds with 50 ms per request; wall / 50 ms",
            f"{rounds}; {result['latency_wall'] / latency:.2f}", "1 round", f"{rounds:.2f}", "—", "info"),
        Row("8", "  rebuild one entry's document (show --json); all 1,000",
            f"{median(result['reverse_one']) * 1000:.1f} ms; {result['reverse_all']:.2f} s", "—", "—", "—", "info"),
    ]


def bench_safety(runs: int) -> list[Row]:
    r = child([str(HERE / "safety_bench.py"), str(runs)])
    ms = [x * 1000 for x in r["validation"]]
    mean = sum(ms) / len(ms)
    worst_in, proc = max(r["hostile_in_process"]), median(r["hostile_process"])
    parallel, stop, timeout = max(r["parallel_latencies"]), max(r["stop"]), max(r["client_timeout"])
    return [
        Row("9", "check_config, full configuration (1000 calls): mean (p50 / p99)", f"{mean:.2f} ms "
            f"({percentile(ms, 50):.2f} / {percentile(ms, 99):.2f})", "—", "—", "mean ≤ 2 ms",
            "ok" if mean <= 2.0 else "MISSED"),
        Row("9", "hostile config path refused in-process (FIFO, /dev/zero, /dev/urandom, 100k deep), worst",
            f"{worst_in * 1000:.1f} ms", "—", "—", "≤ 1 s", "ok" if worst_in <= 1.0 else "MISSED"),
        Row("9", "  same, `phonewizard validate` as a process (start-up included), median",
            f"{proc * 1000:.0f} ms", "—", "—", "≤ 1 s", "ok" if proc <= 1.0 else "MISSED"),
        Row("9", "sandbox: 4 parallel requests at 0.4 s latency, in latencies (worst)", f"{parallel:.2f}",
            "1.00", f"{parallel:.2f}", "< 1.5", "ok" if parallel < 1.5 else "MISSED"),
        Row("9", "sandbox stop_thread with a request hanging in a timeout fault (worst)", f"{stop * 1000:.0f} ms",
            "—", "—", "≤ 1 s", "ok" if stop <= 1.0 else "MISSED"),
        Row("9", "client with a 0.5 s timeout against a server that never answers (worst)",
            f"{timeout * 1000:.0f} ms", "500 ms", f"{timeout / 0.5:.2f}", "≤ 1 s", "ok" if timeout <= 1.0 else "MISSED"),
    ]


def bench_registrations_page(runs: int) -> list[Row]:
    result = child([str(HERE / "registrations_page_bench.py"), str(runs)], timeout=600)
    if "skip" in result:
        return [Row("10", "registrations page", f"skipped: {result['skip']}", "—", "—", "—", "skip")]
    gap, wall = median(result["max_gap"]), median(result["wall"])
    requests = [len(r) for r in result["show_requests"]]
    one_per_kind = all(len(set(r)) == len(r) == 4 for r in result["show_requests"])
    return [
        Row("10", f"registrations page, {result['objects']:,} objects: longest GUI gap, opening → table filled",
            f"{gap * 1000:.1f} ms (worst run {max(result['max_gap']) * 1000:.1f} ms)", "10 ms (timer)",
            f"{gap / 0.010:.2f}", "≤ 50 ms", "ok" if gap <= 0.050 else "MISSED"),
        Row("10", "  opening the page → 1,000 rows in the table (wall)", f"{wall * 1000:.0f} ms", "—", "—", "—", "info"),
        Row("10", "  `show --json` on that project: LiveKit requests (sandbox log); wall",
            f"{max(requests)} ({', '.join(sorted(set(result['show_requests'][0])))}); "
            f"{median(result['show_wall']) * 1000:.0f} ms",
            "4 (one List per kind)", f"{max(requests) / 4:.2f}", "4", "ok" if one_per_kind else "MISSED"),
    ]


def wall_of(cmd: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stdout.strip()[-300:]}")
    return elapsed


def bench_bundle(runs: int) -> list[Row]:
    exe = BUNDLE / "phonewizard"
    if not exe.exists():
        return [Row("6", "packaged build", "skipped: dist/phonewizard/ is absent (run `make build`)",
                    "—", "—", "—", "skip")]
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    frozen = [wall_of([str(exe), "--selftest"]) for _ in range(runs)]
    source = [wall_of([PYTHON, "-m", "phonewizard", "--selftest"]) for _ in range(runs)]
    return [
        Row("6", "bundle size (dist/phonewizard/)", f"{size / 1024 / 1024:.0f} MiB", "—", "—", "—", "info"),
        Row("6", "bundle --selftest wall time", f"{median(frozen) * 1000:.0f} ms",
            f"{median(source) * 1000:.0f} ms (source)", f"{median(frozen) / median(source):.2f}", "—", "info"),
    ]


def table(rows: list[Row]) -> str:
    head = ["#", "benchmark", "figure (median)", "floor / baseline", "ratio", "target", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.number, r.name, r.figure, r.floor, r.ratio, r.target, r.status]
        # Error text may hold newlines or pipes; keep each row one valid Markdown table line.
        cells = [" ".join(c.split()).replace("|", "/") for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


BENCH_ROWS = {"startup": ("1", "2"), "typing": ("3",), "registration": ("4", "5"), "bundle": ("6",),
              "doctor": ("7",), "inventory": ("8",), "safety": ("9",), "registrations": ("10",)}


def merged_rows(old: str, rows: list[Row], only: list[str]) -> list[Row]:
    """`--only X --record`: the rows of the benchmarks that ran replace theirs; every other row is
    kept as the previous recording wrote it (so re-recording one benchmark keeps the rest)."""
    replaced = {n for name in only for n in BENCH_ROWS[name]}
    kept = []
    for line in old.split(NOTES_MARKER)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or len(cells) != 7 or cells[0] == "#":
            continue
        if cells[0] in replaced or (cells[0] == "-" and cells[1] in only):
            continue
        kept.append(Row(*cells))
    order = {n: i for i, n in enumerate(n for names in BENCH_ROWS.values() for n in names)}
    return sorted(kept + rows, key=lambda r: order.get(r.number, len(order)))


def record(rows: list[Row], args: argparse.Namespace) -> None:
    facts = machine()
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    partial = ""
    if args.only:
        rows = merged_rows(old, rows, args.only)
        partial = (f" (only {', '.join(args.only)} re-measured; the other rows are kept from the "
                   "previous recording)")
    text = [
        "# Benchmark results",
        "",
        "Produced by `.venv/bin/python benchmarks/run.py --record` (or `make bench` without writing); "
        f"{args.runs} runs per start-up/registration figure, {args.keys} keystrokes per field. "
        "Offscreen Qt (`QT_QPA_PLATFORM=offscreen`).",
        "",
        f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}{partial} on:",
        "",
        *[f"- {k}: {v}" for k, v in facts.items()],
        f"- load average when recording: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(the machine is shared; p99 figures move with it)",
        "",
        table(rows),
        "",
    ]
    # Hand-written analysis below the marker survives a re-record.
    notes = old[old.index(NOTES_MARKER):] if NOTES_MARKER in old else NOTES_MARKER + "\n"
    path.write_text("\n".join(text) + "\n" + notes, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per start-up/registration figure")
    parser.add_argument("--keys", type=int, default=1000, help="keystrokes per typing field")
    parser.add_argument("--calls", type=int, default=1000, help="calls for the doctor benchmark")
    parser.add_argument("--only", choices=list(BENCH_ROWS), action="append")
    parser.add_argument("--record", action="store_true", help="write benchmarks/RESULTS.md")
    args = parser.parse_args(argv)

    benches = {
        "startup": lambda: bench_startup(args.runs),
        "typing": lambda: bench_typing(args.keys),
        "registration": lambda: bench_registration(args.runs),
        "bundle": lambda: bench_bundle(min(args.runs, 3)),
        "doctor": lambda: bench_doctor(args.calls),
        "inventory": lambda: bench_inventory(args.runs),
        "safety": lambda: bench_safety(min(args.runs, 3)),
        "registrations": lambda: bench_registrations_page(args.runs),
    }
    rows: list[Row] = []
    for name, bench in benches.items():
        if args.only and name not in args.only:
            continue
        print(f"bench: {name}…", file=sys.stderr, flush=True)
        try:
            rows.extend(bench())
        except (BenchError, subprocess.TimeoutExpired, KeyError, ValueError) as exc:
            rows.append(Row("-", name, f"could not run: {exc}", "—", "—", "—", "ERROR"))
    print(table(rows))
    bad = [r for r in rows if r.status in ("MISSED", "ERROR")]
    if args.record:
        record(rows, args)
        print(f"bench: wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
    if bad:
        print(f"bench: {len(bad)} target(s) missed or not measured", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
