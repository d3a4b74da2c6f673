"""Benchmark 3: requests per report, from the simulator's request log of full ``asbuilt`` playbook runs.

The single-cluster runs of benchmark 5 (one ``small`` cluster, its own simulator): every request the playbook
sent, by method, and the repeated identical GETs (same method, path and query sent more than once in one
run). The token calls (``POST /api/token/``, refreshes) are not GETs and are excluded. Target: no repeat.
"""
import collections

import bench_playbook
from common import fmt, mmm, verdict


def analyse(entries):
    gets = collections.Counter()
    methods = collections.Counter()
    statuses = collections.Counter()
    for entry in entries:
        methods[entry["method"]] += 1
        statuses[str(entry.get("status"))] += 1
        if entry["method"] == "GET" and "/token/" not in entry["path"]:
            key = entry["path"] + ("?" + entry["query"] if entry.get("query") else "")
            gets[key] += 1
    repeats = dict((k, v) for k, v in gets.items() if v > 1)
    return {"requests": len(entries), "by_method": dict(methods), "by_status": dict(statuses),
            "distinct_gets": len(gets), "repeated_gets": sum(v - 1 for v in repeats.values()), "repeats": repeats,
            "bytes": sum(e.get("bytes") or 0 for e in entries)}


def run(ctx):
    runs = bench_playbook.single_cluster_runs(ctx)
    found = [analyse(r["logs"][0]) for r in runs]
    total = mmm([f["requests"] for f in found], 0)
    repeated = mmm([f["repeated_gets"] for f in found], 0)
    worst = max(found, key=lambda f: f["repeated_gets"])
    rows = [["requests (all methods)", fmt(total, digits=0)],
            ["  GET / POST", "%d / %d" % (worst["by_method"].get("GET", 0), worst["by_method"].get("POST", 0))],
            ["  by status", ", ".join("%s: %d" % kv for kv in sorted(worst["by_status"].items()))],
            ["distinct GETs", worst["distinct_gets"]],
            ["repeated identical GETs", fmt(repeated, digits=0)],
            ["MB received", "%.1f" % (worst["bytes"] / 1e6)]]
    notes = ["one full asbuilt run (collect, healthcheck, report, fleet index) against one small cluster; token "
             "calls excluded from the repeats"]
    for key, count in sorted(worst["repeats"].items(), key=lambda kv: -kv[1]):
        notes.append("repeated: %s sent %d times" % (key, count))
    met = repeated["max"] == 0
    targets = [verdict(met, "%s repeated identical GET(s) in a full asbuilt run (target 0)" % fmt(repeated, digits=0),
                       None if met else "the GETs listed above")]
    return {"title": "3. Requests per report (asbuilt playbook, one small cluster)",
            "columns": ["what", "per run"], "rows": rows, "notes": notes, "targets": targets,
            "data": {"runs": found}}
