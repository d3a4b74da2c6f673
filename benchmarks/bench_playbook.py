"""Benchmark 5: the ``asbuilt`` playbook end to end, one ``small`` cluster by role, and a fleet with forks 10.

``ansible-playbook vastops.asbuilt.asbuilt`` runs from this checkout (ANSIBLE_COLLECTIONS_PATH), each cluster an
inventory host with the local connection and its own simulator process (``small``, seed 7 + n). Per-role times
come from benchmarks/callback_plugins/bench_timing.py (profile_tasks style: a task lasts until the next one
starts, so the parts add up to the playbook's time); "startup" is ansible-playbook's own start before the first
task. The fleet run uses 20 clusters and forks 10 (BENCH_QUICK: 4 clusters, forks 2, the same ratio).
The single-cluster runs are shared with benchmark 3 (requests per report), which reads their request logs.
"""
import json
import os
import resource
import subprocess
import time

import common
from common import fmt, mmm, verdict

TARGET_RATIO = 3.0
RESERVE_S = 60          # what benchmark 6 needs after this one
SINGLE_BUDGET_S = 45
ROLE_ORDER = ("startup", "vastops.asbuilt.collect", "vastops.asbuilt.healthcheck", "vastops.asbuilt.report",
              "fleet index", "(play)")


def _inventory(path, sims, output_dir):
    hosts = {}
    for n, sim in enumerate(sims):
        creds = sim.creds("readonly")
        hosts["cluster%02d" % n] = {
            "ansible_connection": "local", "ansible_python_interpreter": common.PYTHON,
            "vast_host": creds["host"], "vast_username": creds["username"], "vast_password": creds["password"],
            "vast_ca_path": creds["ca_path"], "vast_validate_certs": True,
        }
    with open(path, "w") as handle:
        json.dump({"vast_clusters": {"hosts": hosts, "vars": {"asbuilt_output_dir": output_dir}}}, handle)


def run_playbook(ctx, sims, forks, tag):
    """One ``ansible-playbook vastops.asbuilt.asbuilt`` run; returns wall, per-role seconds, per-sim logs."""
    work = os.path.join(ctx["workdir"], "play-%s" % tag)
    os.makedirs(work, exist_ok=True)
    inventory = os.path.join(work, "inventory.json")
    timing = os.path.join(work, "timing.json")
    _inventory(inventory, sims, os.path.join(work, "output"))
    env = common.ansible_env(ctx["workdir"], {
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(common.HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timing", "BENCH_TIMING_OUT": timing,
    })
    marks = [(sim, sim.log_mark(), sim.cpu()) for sim in sims]
    cmd = [os.path.join(os.path.dirname(common.PYTHON), "ansible-playbook"), "-i", inventory, "-f", str(forks),
           "vastops.asbuilt.asbuilt"]
    started = time.time()
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=1200)
    wall = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError("ansible-playbook failed (%d): %s" % (proc.returncode, proc.stdout[-2000:]))
    time.sleep(0.05)
    with open(timing) as handle:
        tasks = json.load(handle)["tasks"]
    roles = {"startup": (tasks[0]["start"] - started) if tasks else wall}
    counts = {}
    for task in tasks:
        name = "fleet index" if task.get("play") == "Fleet index" else task["role"]
        roles[name] = roles.get(name, 0.0) + (task["end"] - task["start"])
        counts[name] = counts.get(name, 0) + 1
    logs = [sim.log_since(mark) for sim, mark, _ in marks]
    sim_cpu = sum((sim.cpu() or 0) - (cpu or 0) for sim, _, cpu in marks)
    return {"wall_s": wall, "cpu_s": cpu, "roles": roles, "task_counts": counts, "logs": logs, "sim_cpu_s": sim_cpu,
            "tasks": len(tasks)}


def single_cluster_runs(ctx):
    """The single-cluster runs shared by benchmarks 3 and 5 (made once per bench run)."""
    if "single_runs" not in ctx:
        sim = common.Sim(ctx["workdir"], "small", name="play-single").start()
        ctx["cleanup"].append(sim.stop)
        run_playbook(ctx, [sim], 1, "warmup")   # untimed: a fresh clone compiles the collection's .pyc files
        runs, started = [], time.monotonic()
        while common.keep_going(ctx, "playbook", started, len(runs), SINGLE_BUDGET_S):
            runs.append(run_playbook(ctx, [sim], 1, "single%d" % len(runs)))
        ctx["single_runs"] = runs
        sim.stop()
    return ctx["single_runs"]


def run(ctx):
    singles = single_cluster_runs(ctx)
    clusters, forks = (4, 2) if ctx["quick"] else (20, 10)
    sims = [common.Sim(ctx["workdir"], "small", seed=7 + n, name="fleet%02d" % n) for n in range(clusters)]
    try:
        for sim in sims:
            sim.start(wait=False)
        for sim in sims:
            sim.wait_ready()
        fleet_runs = [run_playbook(ctx, sims, forks, "fleet0")]
        # A second fleet run (~100 s of CPU) only when the whole bench stays within its 10-minute budget.
        if ctx["runs"] > 1 and time.monotonic() + fleet_runs[0]["wall_s"] + RESERVE_S < ctx["deadline"]:
            fleet_runs.append(run_playbook(ctx, sims, forks, "fleet1"))
    finally:
        for sim in sims:
            sim.stop()
    one = mmm([r["wall_s"] for r in singles])
    fleet = mmm([r["wall_s"] for r in fleet_runs])
    names = [n for n in ROLE_ORDER if any(n in r["roles"] for r in singles)]
    names += sorted(set(n for r in singles for n in r["roles"]) - set(names))
    rows = [["1 cluster: " + n.replace("vastops.asbuilt.", ""), fmt(mmm([r["roles"].get(n, 0.0) for r in singles])), "",
             singles[0]["task_counts"].get(n, "")] for n in names]
    one_cpu = mmm([r["cpu_s"] for r in singles])
    fleet_cpu = mmm([r["cpu_s"] for r in fleet_runs])
    rows.append(["1 cluster: total", fmt(one), fmt(one_cpu), singles[0]["tasks"]])
    rows.append(["%d clusters, forks %d: total%s" % (clusters, forks, " (1 run)" if len(fleet_runs) == 1 else ""),
                 fmt(fleet), fmt(fleet_cpu), fleet_runs[0]["tasks"]])
    ratio = fleet["median"] / one["median"]
    cores = os.cpu_count() or 1
    cpu_floor = fleet_cpu["median"] / cores
    rows.append(["ratio %d clusters / 1" % clusters, "%.2fx" % ratio, "%.2fx" % (fleet_cpu["median"] / one_cpu["median"]),
                 ""])
    notes = common.trimmed_note(ctx, "playbook") + ["role times add up to the total: each task lasts until the next one starts (profile_tasks style); "
             "startup = ansible-playbook before the first task; CPU = ansible-playbook and every process it started "
             "(forks, module processes)",
             "CPU floor of the fleet on this machine: %.1f s of CPU / %d cores = %.1f s = %.1fx one cluster's wall "
             "(%.1f s of CPU per cluster)" % (fleet_cpu["median"], cores, cpu_floor, cpu_floor / one["median"],
                                              fleet_cpu["median"] / clusters),
             "simulators' CPU (their own processes): %s s for 1 cluster, %s s for %d" % (
                 fmt(mmm([r["sim_cpu_s"] for r in singles])), fmt(mmm([r["sim_cpu_s"] for r in fleet_runs])), clusters)]
    if ctx["quick"]:
        notes.append("quick run: %d clusters with forks %d instead of 20 with forks 10" % (clusters, forks))
    met = ratio <= TARGET_RATIO
    targets = [verdict(met, "%d clusters take %.2fx the time of one (target <= %.1fx)" % (clusters, ratio, TARGET_RATIO),
                       None if met else "CPU on %d cores: %d clusters need %.0f s of CPU (Ansible's forks and "
                       "templating, module processes, report rendering), at least %.1f s of wall = %.1fx one cluster"
                       % (cores, clusters, fleet_cpu["median"], cpu_floor, cpu_floor / one["median"]))]
    for r in singles + fleet_runs:
        r.pop("logs", None)
    return {"title": "5. The asbuilt playbook end to end (small clusters)",
            "columns": ["part", "wall s", "CPU s", "tasks"], "rows": rows, "notes": notes, "targets": targets,
            "data": {"single": singles, "fleet": fleet_runs, "clusters": clusters, "forks": forks, "ratio": ratio}}
