"""Helpers of the role and playbook tests: simulators with a real clock, inventories, ansible-playbook runs.

``run_playbook(name, tmp_path, inventory, ...)`` runs ``ansible-playbook vastops.asbuilt.<name>`` (or a playbook
file) with this checkout on the collections path and returns a :class:`Run` (rc, stdout, stderr). Credentials
travel in ``VAST_*`` environment variables, never on the command line or in the inventory.
``snapshot_of(sim)`` collects a simulator in-process (session + collector) into a SnapshotView, for the tests
that only need data (the health rules).
"""
import datetime
import gzip
import json
import os
import subprocess
import sys

from ansible_env import BIN, COLLECTIONS, REPO, ansible_env  # noqa: F401 (used by the tests)
PLAYBOOK_TIMEOUT = 240


def now_iso():
    """The simulators' clock: now, so that dates in the data read like a real cluster's."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def env_for(sim=None, user="readonly", password=None, **extra):
    """Environment for ansible-playbook: quick retries, 8 forks, and the credentials of *user* of *sim*.

    *extra* (environment variables) overrides any of these, ANSIBLE_FORKS included."""
    vast = {"VAST_RETRIES": "2", "VAST_BACKOFF": "0.01", "VAST_TIMEOUT": "10"}
    if sim is not None:
        vast.update({"VAST_USERNAME": user, "VAST_PASSWORD": password if password is not None else sim.users[user]})
    return ansible_env(vast, **dict({"ANSIBLE_FORKS": "8"}, **extra))


def host_vars(sim, **more):
    out = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "vast_host": sim.host,
           "vast_ca_path": sim.ca_path}
    out.update(more)
    return out


def inventory(tmp_path, hosts, **group_vars):
    """Write an inventory of cluster hosts ({name: host vars}) in vast_clusters; returns its path."""
    doc = {"vast_clusters": {"hosts": hosts, "vars": group_vars}}
    path = os.path.join(str(tmp_path), "inventory.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=1)
    return path


class Run:
    def __init__(self, proc, log_path):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.log_path = log_path

    def check(self):
        assert self.rc == 0, "ansible-playbook failed (rc %s)\n%s\n%s" % (self.rc, self.stdout[-6000:], self.stderr[-3000:])
        return self

    def __repr__(self):
        return "Run(rc=%s)" % self.rc


def run_playbook(name, tmp_path, inventory_path, env, extra_vars=None, verbosity=0, label="run", extra_args=(),
                 cwd=None):
    """*cwd*: the directory ansible-playbook is started in (default *tmp_path*)."""
    playbook = name if os.sep in name else "vastops.asbuilt.%s" % name
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", inventory_path, playbook] + list(extra_args)
    if extra_vars:
        path = os.path.join(str(tmp_path), "%s-extra-vars.json" % label)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(extra_vars, handle)
        cmd += ["-e", "@" + path]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT,
                          cwd=str(cwd or tmp_path))
    log_path = os.path.join(str(tmp_path), "%s.log" % label)
    with open(log_path, "w", encoding="utf-8") as handle:
        handle.write(proc.stdout + "\n" + proc.stderr)
    return Run(proc, log_path)


def read_json(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def latest_run(output_dir, cluster):
    return os.path.realpath(os.path.join(str(output_dir), cluster, "latest"))


def api_paths(sim):
    """The resource paths the simulator was asked for (without /api/vN), in order."""
    out = []
    for entry in sim.request_log():
        path = entry.get("path") or ""
        parts = path.split("/")
        if len(parts) > 3 and parts[1] == "api" and parts[2].startswith("v"):
            path = "/" + "/".join(parts[3:])
        elif len(parts) > 2 and parts[1] == "api":
            path = "/" + "/".join(parts[2:])
        out.append(path)
    return out


def snapshot_of(sim, gather_subset=("all",), user="admin"):
    """Collect *sim* in-process into a SnapshotView (no Ansible): the data the roles would see."""
    from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import Collector
    from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
    from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView
    params = {"host": sim.host, "username": user, "password": sim.users[user], "ca_path": sim.ca_path,
              "retries": 1, "backoff": 0.01}
    with VastSession(params) as session:
        doc = Collector(session, gather_subset=list(gather_subset)).collect()
    return SnapshotView(json.loads(json.dumps(doc, default=str)))
