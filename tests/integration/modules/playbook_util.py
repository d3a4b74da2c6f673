"""Run real ``ansible-playbook`` against a simulator and read back what each task returned.

``run_tasks(sim, tmp_path, tasks)`` writes a one-play playbook on localhost whose tasks are *tasks* (dicts, as in
YAML). Every task is registered as ``r<N>`` with ``ignore_errors: true`` (so failures are results too), and the
results are written to ``<tmp>/<name>-results.json`` by a last task. It returns a :class:`PlayRun` with ``results`` (list of dicts, one per
task), ``stdout``/``stderr`` and the return code. The connection options come from ``VAST_*`` environment
variables (host, admin user, password, the simulator's CA), so tasks only carry the options under test.
"""
import json
import os
import subprocess

import yaml

from ansible_env import BIN, REPO, ansible_env  # noqa: F401 (REPO: used by the tests)
PLAYBOOK_TIMEOUT = 300


def sim_env(sim, user="admin", password=None, **extra):
    """Environment for ansible-playbook: collections path, quiet config, and the VAST_* connection variables."""
    vast = {}
    if sim is not None:
        vast = {"VAST_HOST": sim.host, "VAST_USERNAME": user,
                "VAST_PASSWORD": password if password is not None else sim.users[user],
                "VAST_CA_PATH": sim.ca_path, "VAST_BACKOFF": "0.01", "VAST_BACKOFF_MAX": "0.05",
                "VAST_RETRIES": "2", "VAST_TIMEOUT": "10"}
    return ansible_env(vast, **extra)


class PlayRun:
    def __init__(self, proc, results, playbook):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results
        self.playbook = playbook

    def __repr__(self):
        return "PlayRun(rc=%s)\n%s\n%s" % (self.rc, self.stdout[-4000:], self.stderr[-2000:])


def run_playbook(path, env, args=(), timeout=PLAYBOOK_TIMEOUT, cwd=None):
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local"] + list(args) + [path]
    return subprocess.run(cmd, env=env, cwd=cwd or os.path.dirname(path), capture_output=True, text=True,
                          timeout=timeout)


def run_tasks(sim, tmp_path, tasks, env=None, args=(), play_extra=None, name="play"):
    """Run *tasks* in one play; returns a PlayRun whose ``results`` are the registered results in order.

    Every task is registered as ``r<N>`` with ``ignore_errors: true``; one last task writes them all to a JSON
    file (a task that did not run gives None).
    """
    out_path = os.path.join(str(tmp_path), name + "-results.json")
    body = []
    names = []
    for index, task in enumerate(tasks):
        task = dict(task)
        task.setdefault("register", "r%d" % index)
        task.setdefault("ignore_errors", True)
        names.append(task["register"])
        body.append(task)
    body.append({"name": "save the results", "ansible.builtin.copy": {
        "content": "{{ [%s] | to_json }}" % ", ".join("%s | default(None)" % n for n in names),
        "dest": out_path, "mode": "0600"}, "check_mode": False})
    play = {"hosts": "localhost", "gather_facts": False, "tasks": body}
    play.update(play_extra or {})
    path = os.path.join(str(tmp_path), name + ".yml")
    with open(path, "w") as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    proc = run_playbook(path, env if env is not None else sim_env(sim), args=args)
    results = [None] * len(tasks)
    if os.path.exists(out_path):
        with open(out_path) as handle:
            results = json.load(handle)
    return PlayRun(proc, results, path)


def only_reads(sim):
    """The simulator's log shows only GETs and the JWT token calls."""
    bad = [e for e in sim.request_log()
           if not (e["method"] == "GET" or (e["method"] == "POST" and e["path"].rstrip("/").endswith(
               ("/api/token", "/api/token/refresh", "/api/v1/token", "/api/v1/token/refresh"))))]
    return bad
