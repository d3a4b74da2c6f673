"""Benchmark 6: adaptive concurrency against a cluster that answers 429 above N concurrent requests.

The simulator's admission limit (``--max-concurrent N``: 429 with Retry-After 1 while more than N API requests
are in flight) is set to 3 with 20 ms of latency; ``vast_info`` (``gather_subset: all``, ``dest``, default
``max_concurrency`` 8, run by Ansible) must still finish. The module's ``meta.session`` says how the limiter
moved (AIMD: halved on 429/503/timeouts, +1 after a run of healthy answers) and how many retries it made; the
simulator's log counts the 429s it sent. Profile ``medium`` (``small`` with BENCH_QUICK). A run without the
limit on the same simulator is the reference.
"""
import os
import time

import common
from common import fmt, mmm, verdict

LIMIT = 3
LATENCY_MS = 20
BUDGET_S = 45


def _run(ctx, sim):
    dest = os.path.join(ctx["workdir"], "adaptive.json.gz")
    with common.Measure(sim) as m:
        got = common.run_module(ctx["workdir"], sim, {"gather_subset": ["all"], "dest": dest})
    result = got["result"]
    meta = result.get("meta") or {}
    session = meta.get("session") or {}
    conc = session.get("concurrency") or {}
    return {"ok": not result.get("failed"), "msg": result.get("msg"), "wall_s": got["module"].get("wall_s"),
            "requests": len(m.log), "throttled": sum(1 for e in m.log if e.get("status") == 429),
            "retries": session.get("retries"), "retry_reasons": session.get("retry_reasons"),
            "errors": len(meta.get("errors") or {}), "concurrency": conc}


def run(ctx):
    profile = "small" if ctx["quick"] else "medium"
    sim = common.Sim(ctx["workdir"], profile, latency_ms=LATENCY_MS, name="adaptive").start()
    try:
        free, limited, started = [], [], time.monotonic()
        while common.keep_going(ctx, "adaptive", started, len(free), BUDGET_S / 3.0):
            free.append(_run(ctx, sim))
        sim.configure(max_concurrent=LIMIT)
        started = time.monotonic()
        while common.keep_going(ctx, "adaptive", started, len(limited), BUDGET_S * 2 / 3.0):
            limited.append(_run(ctx, sim))
    finally:
        sim.stop()
    rows = []
    for label, rs in (("no limit", free), ("429 above %d in flight" % LIMIT, limited)):
        last = rs[-1]["concurrency"]
        rows.append([label, "%d/%d" % (sum(r["ok"] and not r["errors"] for r in rs), len(rs)),
                     fmt(mmm([r["wall_s"] for r in rs])), fmt(mmm([r["requests"] for r in rs], 0), digits=0),
                     fmt(mmm([r["throttled"] for r in rs], 0), digits=0), fmt(mmm([r["retries"] for r in rs], 0), digits=0),
                     "%s -> %s (lowest %s)" % (last.get("max"), last.get("settled"), last.get("lowest")),
                     "%s/%s" % (last.get("decreases"), last.get("increases")), last.get("peak_in_flight")])
    history = limited[-1]["concurrency"].get("history") or []
    notes = ["concurrency history of the last limited run (seconds, limit, why): " +
             ", ".join("%s:%s %s" % (h[0], h[1], h[2]) for h in history[:14]) + (" ..." if len(history) > 14 else ""),
             "retry reasons (last limited run): %s" % (limited[-1]["retry_reasons"] or {}),
             "each 429 carries Retry-After: 1, which the client honours (plus jitter): throttling costs whole seconds"
             ] + common.trimmed_note(ctx, "adaptive")
    met = all(r["ok"] and not r["errors"] for r in limited)
    targets = [verdict(met, "the collection finished complete in %d/%d runs under the admission limit"
                       % (sum(r["ok"] and not r["errors"] for r in limited), len(limited)),
                       None if met else "; ".join(str(r["msg"]) for r in limited if not r["ok"]))]
    return {"title": "6. Adaptive concurrency (%s, %d ms, simulator answers 429 above %d in flight)"
                     % (profile, LATENCY_MS, LIMIT),
            "columns": ["simulator", "complete", "wall s", "requests", "429s", "retries", "limit max -> settled",
                        "down/up", "peak in flight"],
            "rows": rows, "notes": notes, "targets": targets,
            "data": {"profile": profile, "limit": LIMIT, "free": free, "limited": limited}}
