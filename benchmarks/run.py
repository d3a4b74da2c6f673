#!/usr/bin/env python3
"""``make bench``: run the six benchmarks, print their tables, write everything as JSON.

    python benchmarks/run.py [--only 1,4] [--runs N] [--quick]

BENCH_QUICK=1 (or --quick) runs fewer repetitions on smaller profiles (all six tables, under 2 minutes);
BENCH_RUNS=N overrides the number of repetitions; BENCH_TMPDIR puts the scratch directory elsewhere.
Results: benchmarks/results/bench-<UTC time>.json and latest.json (git-ignored): machine (CPU model, cores,
RAM), Python and ansible-core versions, git commit, profiles, seed, every run and the tables.
Exit status 1 when a benchmark could not run (a target that is not met is reported, not an error).
"""
import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

BENCHMARKS = (
    ("collect", "bench_collect"),
    ("reference", "bench_reference"),
    ("requests", "bench_requests"),
    ("memory", "bench_memory"),
    ("playbook", "bench_playbook"),
    ("adaptive", "bench_adaptive"),
)
SEED = 7


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma list of benchmark numbers (1-6) or names")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "0")) or None)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    args = parser.parse_args(argv)
    wanted = set(x.strip() for x in args.only.split(",") if x.strip())
    started = time.monotonic()
    ctx = {
        "quick": args.quick,
        "runs": args.runs or (1 if args.quick else 3),
        "seed": SEED,
        "collect_profile": "medium" if args.quick else "large",
        "workdir": common.make_workdir(),
        "cleanup": [],
        "results": {},
        "trimmed": {},
        "deadline": started + (110 if args.quick else 570),   # budget: 2 / 10 minutes (a benchmark may trim runs)
    }
    common.collections_path()   # .cache/collections/ansible_collections/vastops/asbuilt -> this checkout
    machine = common.machine_info()
    print("vastops.asbuilt benchmarks (%s): %s, %d cores, %s GB RAM; Python %s, ansible-core %s; commit %s%s; "
          "load average %.1f" % ("quick" if args.quick else "full", machine["cpu_model"], machine["cores"],
                                 machine["ram_gb"], machine["python"], machine["ansible_core"],
                                 (machine["git_commit"] or "?")[:10], " (modified tree)" if machine["git_dirty"] else "",
                                 machine["loadavg_start"][0]))
    print("each figure: median (min-max) of %d run(s); simulator seed %d, in its own process" % (ctx["runs"], SEED))
    failed = []
    try:
        for number, (name, module_name) in enumerate(BENCHMARKS, 1):
            if wanted and str(number) not in wanted and name not in wanted:
                continue
            t0 = time.monotonic()
            load = os.getloadavg()[0]
            try:
                module = __import__(module_name)
                out = module.run(ctx)
            except Exception as exc:  # pylint: disable=broad-except  # report and go on with the others
                failed.append(name)
                print("\n%d. %s: could not run: %s" % (number, name, exc))
                traceback.print_exc()
                ctx["results"][name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
                continue
            out["seconds"] = round(time.monotonic() - t0, 1)
            out["loadavg_start"] = load
            ctx["results"][name] = out
            print("\n%s  [%.0f s, load average %.1f at start]" % (out["title"], out["seconds"], load))
            if load > (os.cpu_count() or 1):
                out.setdefault("notes", []).append(
                    "the machine was busy when this started (load average %.1f on %d cores): other processes "
                    "shared the CPU, so times are slower and noisier than on an idle machine" % (load, os.cpu_count()))
            print(common.table(out["columns"], out["rows"]))
            for note in out.get("notes", []):
                print("  - " + note)
            for target in out.get("targets", []):
                print("  * " + target)
            sys.stdout.flush()
    finally:
        for stop in reversed(ctx["cleanup"]):
            try:
                stop()
            except Exception:  # pylint: disable=broad-except
                pass
        common.remove(ctx["workdir"])
    total = time.monotonic() - started
    machine["loadavg_end"] = os.getloadavg()
    doc = {"machine": machine, "quick": args.quick, "runs": ctx["runs"], "seed": SEED,
           "profiles": {"collect": ctx["collect_profile"]}, "seconds": round(total, 1), "failed": failed,
           "benchmarks": ctx["results"]}
    results_dir = os.path.join(common.HERE, "results")
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "bench-%s%s.json" % (time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
                                                          "-quick" if args.quick else ""))
    for target in (path, os.path.join(results_dir, "latest%s.json" % ("-quick" if args.quick else ""))):
        with open(target, "w") as handle:
            json.dump(doc, handle, indent=1, default=str)
    print("\nbench: %d benchmark(s) in %.0f s (%s); results in %s" % (
        len(ctx["results"]), total, "%d could not run: %s" % (len(failed), ", ".join(failed)) if failed else "all ran",
        os.path.relpath(path, common.REPO)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
