"""Benchmark 2: the collection against a sequential reference client (benchmarks/reference_client.py).

Same simulator process and profile as benchmark 1, 20 ms of injected latency. The reference reads the same
lists with the same first-page queries (taken from the collection's own request log), one request after
another, following ``next`` links, and writes what it read to one JSON file. The collection's figure is the
module process's wall time from benchmark 1 (same run); the speed-up is reference / collection.
"""
import os
import time

import bench_collect
import common
from common import Measure, fmt, mmm, verdict
from reference_client import plan_from_log, read_all

TARGET_SPEEDUP = 6.0
LATENCY_MS = 20
BUDGET_S = 60


def run(ctx):
    sim = bench_collect.large_sim(ctx)
    collect = ctx["results"].get("collect")
    if not collect or "collect_log" not in ctx:
        raise RuntimeError("benchmark 1 must run first (its 20 ms collection is the comparison)")
    plan = plan_from_log(ctx["collect_log"])   # the lists the collection read, with the same first-page queries
    creds = sim.creds()
    out = os.path.join(ctx["workdir"], "reference.json")
    sim.configure(latency_ms=LATENCY_MS)
    runs = []
    started = time.monotonic()
    try:
        while common.keep_going(ctx, "reference", started, len(runs), BUDGET_S):
            with Measure(sim) as m:
                got = read_all(sim.info["base_url"], creds["username"], creds["password"], creds["ca_path"], plan, out)
            runs.append({"wall_s": m.wall, "cpu_s": m.cpu, "sim_cpu_s": m.sim_cpu, "requests": got["requests"],
                         "bytes": got["bytes"], "records": got["records"]})
    finally:
        sim.configure(latency_ms=0)
    ref = {"wall_s": mmm([r["wall_s"] for r in runs]), "cpu_s": mmm([r["cpu_s"] for r in runs]),
           "requests": mmm([r["requests"] for r in runs], 0), "mb": mmm([r["bytes"] / 1e6 for r in runs], 1),
           "sim_cpu_s": mmm([r["sim_cpu_s"] for r in runs])}
    col = collect["data"]["summary"]["module_20"]
    speedups = mmm([r["wall_s"] / col["wall_s"]["median"] for r in runs], 1)
    speedup = ref["wall_s"]["median"] / col["wall_s"]["median"]
    waiting = ref["requests"]["median"] * LATENCY_MS / 1000.0
    rows = [["reference client (sequential), 20 ms", fmt(ref["wall_s"]), fmt(ref["cpu_s"]), fmt(ref["requests"], digits=0),
             fmt(ref["mb"], digits=1), "1.0x"],
            ["vast_info (benchmark 1), 20 ms", fmt(col["wall_s"]), fmt(col["cpu_s"]), fmt(col["requests"], digits=0),
             fmt(col["mb"], digits=1), fmt(speedups, "x", 1)]]
    notes = ["the reference waits %d requests x %d ms = %.1f s in total; the rest of its time is its own CPU (JSON "
             "decoding, writing the file: %s s) and the server" % (ref["requests"]["median"], LATENCY_MS, waiting,
                                                                    fmt(ref["cpu_s"])),
             "the reference does less work per record than vast_info: no normalising, no sorting, no canonical JSON, "
             "no gzip, no checksums"] + common.trimmed_note(ctx, "reference")
    met = speedup >= TARGET_SPEEDUP
    targets = [verdict(met, "vast_info is %.1fx faster than the sequential reference at 20 ms (target >= %.0fx)"
                       % (speedup, TARGET_SPEEDUP),
                       None if met else _limit(collect["data"]["summary"]["module_0"]["wall_s"]["median"],
                                               ref["wall_s"]["median"], waiting))]
    return {"title": "2. Against a sequential reference client (%s, %d ms)" % (ctx["collect_profile"], LATENCY_MS),
            "columns": ["client", "wall s", "CPU s", "requests", "MB", "speed-up"],
            "rows": rows, "notes": notes, "targets": targets,
            "data": {"reference": ref, "runs": runs, "plan": [[p, q, lim] for p, q, lim in plan],
                     "speedup": speedup, "collection_20ms": col}}


def _limit(floor_s, reference_s, waiting_s):
    """What keeps the speed-up below the target, in words: even with no latency at all the collection takes
    *floor_s* (its CPU), so against the reference's *reference_s* it can be at most reference_s / floor_s faster,
    however well the waits (*waiting_s* in all for the reference) are overlapped."""
    return ("CPU, not latency: with no latency at all the collection still takes %.2f s (its own CPU), so against "
            "the reference's %.2f s (of which it waits %.1f s) it can be at most %.1fx faster, however well it "
            "overlaps the waits" % (floor_s, reference_s, waiting_s, reference_s / floor_s if floor_s else 0.0))
