"""Benchmark 4: peak RSS of the module process as the cluster grows, with and without ``dest``.

The module runs as Ansible runs it (``ansible localhost -m vastops.asbuilt.vast_info``, ``gather_subset: all``)
with benchmarks/rss_python.py as ``ansible_python_interpreter``: that wrapper starts the real interpreter on
the AnsiballZ payload and reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` when it ends, the peak RSS of the
module process itself (ansible-core 2.19 runs the module inside the payload's process). The module's own
``meta.session.peak_rss_mb`` (its RUSAGE_SELF) is kept as a cross-check.

Profiles: ``huge`` (lazy, the simulator's largest) and ``huge_tenth`` (benchmarks/simlaunch.py: every bulk count
divided by 10); with BENCH_QUICK ``huge_tenth`` and ``huge_hundredth``. Without ``dest`` only the smaller one:
at ``huge`` the module refuses by design (its ``max_memory_mb`` guard, 512 MB, asks for ``dest``).
"""
import os
import time

import common
from common import fmt, mmm, verdict

TARGET_MB = 150
TARGET_GROWTH = 1.3
BUDGET_S = {"huge": 110}     # each run ~25 s on an idle machine; the smaller profiles take a few seconds


def _objects(sim):
    state = sim.admin("GET", "/_sim/state")
    counts = state.get("counts") or state.get("resources") or {}
    return sum(v for v in counts.values() if isinstance(v, int))


def _runs(ctx, sim, with_dest, runs, budget_s):
    out = []
    started = time.monotonic()
    while common.keep_going(dict(ctx, runs=runs), "memory", started, len(out), budget_s):
        n = len(out)
        args = {"gather_subset": ["all"]}
        if with_dest:
            args["dest"] = os.path.join(ctx["workdir"], "mem-%s.json.gz" % sim.profile)
        got = common.run_module(ctx["workdir"], sim, args)
        result = got["result"]
        if result.get("failed"):
            raise RuntimeError("vast_info failed on %s: %s" % (sim.profile, result.get("msg")))
        counts = result.get("counts") or (result.get("meta") or {}).get("counts") or {}
        records = sum(sum(v.values()) for v in counts.values())
        out.append({"maxrss_mb": got["module"].get("maxrss_mb"), "wall_s": got["module"].get("wall_s"),
                    "self_peak_rss_mb": ((result.get("meta") or {}).get("session") or {}).get("peak_rss_mb"),
                    "records": records, "snapshot_mb": (result.get("size_bytes") or 0) / 1e6})
        if with_dest and n == 0 and os.path.exists(args["dest"]):
            os.unlink(args["dest"])
    return out


def run(ctx):
    small, big = ("huge_hundredth", "huge_tenth") if ctx["quick"] else ("huge_tenth", "huge")
    runs = ctx["runs"]
    rows, data = [], {}
    for profile, with_dest in ((small, True), (big, True), (small, False)):
        sim = ctx.get("mem_sim_" + profile)
        if sim is None:
            sim = common.Sim(ctx["workdir"], profile, name="mem-" + profile).start()
            ctx["cleanup"].append(sim.stop)
            ctx["mem_sim_" + profile] = sim
        rs = _runs(ctx, sim, with_dest, runs if with_dest else max(1, runs - 1), BUDGET_S.get(profile, 60))
        s = {"maxrss_mb": mmm([r["maxrss_mb"] for r in rs], 1), "wall_s": mmm([r["wall_s"] for r in rs]),
             "self_peak_rss_mb": mmm([r["self_peak_rss_mb"] for r in rs], 1), "records": rs[0]["records"],
             "objects": _objects(sim), "snapshot_mb": rs[0]["snapshot_mb"]}
        key = "%s%s" % (profile, "" if with_dest else "_no_dest")
        data[key] = {"summary": s, "runs": rs}
        rows.append([profile, "dest" if with_dest else "no dest (in the result)", s["objects"], s["records"],
                     fmt(s["maxrss_mb"], digits=1), fmt(s["self_peak_rss_mb"], digits=1), fmt(s["wall_s"]),
                     "%.1f" % s["snapshot_mb"] if with_dest else "-"])
    for profile in (small, big):
        sim = ctx.pop("mem_sim_" + profile, None)
        if sim is not None:
            sim.stop()
    big_mb = data[big]["summary"]["maxrss_mb"]["median"]
    small_mb = data[small]["summary"]["maxrss_mb"]["median"]
    growth = big_mb / small_mb
    window = "the pages read ahead and in flight (max_concurrency + 2 pages of every streamed list, decoded)"
    targets = [
        verdict(big_mb <= TARGET_MB, "peak RSS %.1f MB at %s with dest (target <= %d MB%s)"
                % (big_mb, big, TARGET_MB, "; quick run: huge itself not measured" if ctx["quick"] else ""),
                None if big_mb <= TARGET_MB else window),
        verdict(growth <= TARGET_GROWTH, "%.2fx the RSS of the %s run for %.1fx the records (target <= %.1fx)"
                % (growth, small, data[big]["summary"]["records"] / float(data[small]["summary"]["records"]),
                   TARGET_GROWTH),
                None if growth <= TARGET_GROWTH else "%s: the smaller cluster's lists are too short to fill that "
                "window, so RSS still grows up to it and only then stays flat%s"
                % (window, " (the full run compares huge_tenth with huge)" if ctx["quick"] else "")),
    ]
    notes = ["objects = records the simulator holds (events included); records = what vast_info collected "
             "(the newest 10,000 events only, by default)",
             "RSS = peak of the module process (wrapper interpreter, RUSAGE_CHILDREN); self = the module's own "
             "meta.session.peak_rss_mb",
             "without dest the result travels through Ansible's JSON: %.1f MB at %s vs %.1f MB with dest"
             % (data[small + "_no_dest"]["summary"]["maxrss_mb"]["median"], small, small_mb)
             ] + common.trimmed_note(ctx, "memory")
    return {"title": "4. Peak RSS of the module process as the cluster grows",
            "columns": ["profile", "mode", "objects", "records", "peak RSS MB", "self MB", "wall s", "snapshot MB"],
            "rows": rows, "notes": notes, "targets": targets, "data": data}
