"""Crash safety: SIGKILL the whole ansible-playbook process group mid-collection (while the snapshot is being
written, part by part), while the snapshot file is assembled, and while the report is rendered.

After every kill: the previous run's snapshot and report are byte for byte intact, ``latest`` still points at
it, no file under a final name is partial (every snapshot validates, every report file parses), and a rerun
finishes the job; after a kill mid-collection the rerun resumes the interrupted run and reads only the resources
that were missing (simulator log).  The kill window is widened with simulator latency (no hook in the code).
"""
import csv
import hashlib
import json
import os
import signal
import threading
import time

import pytest

import fault_matrix
from rel_util import CANARY_PASSWORD, DATA_NOW, final_files, kill_tree
from roles_util import api_paths, env_for, host_vars, inventory, latest_run, read_json

from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import read_snapshot

pytestmark = [pytest.mark.reliability, pytest.mark.crash, pytest.mark.simulator, pytest.mark.integration]

CLUSTER = "crashy"


def _digests(directory):
    out = {}
    for path in final_files(directory):
        with open(path, "rb") as handle:
            out[os.path.relpath(path, directory)] = hashlib.sha256(handle.read()).hexdigest()
    return out


def _assert_sound(run_dir):
    """Every file under a final name is complete: snapshots validate, JSON parses, HTML/MD/CSV are whole."""
    for path in final_files(run_dir):
        name = os.path.basename(path)
        if name.endswith(".json.gz"):
            read_snapshot(path)
        elif name.endswith(".json"):
            with open(path, encoding="utf-8") as handle:
                json.load(handle)
        elif name.endswith(".html"):
            with open(path, encoding="utf-8") as handle:
                assert handle.read().rstrip().endswith("</html>"), path
        elif name.endswith(".csv"):
            with open(path, encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert rows and all(len(r) == len(rows[0]) for r in rows), path
        elif name == "report.md":
            with open(path, encoding="utf-8") as handle:
                assert "Appendix" in handle.read(), path


class Cluster:
    """One simulated cluster, its inventory and a playbook runner that can be killed at a chosen moment."""

    def __init__(self, make_sim, tmp_path, profile="small"):
        self.sim = make_sim(profile=profile, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
        self.tmp = str(tmp_path)
        self.out = os.path.join(self.tmp, "out")
        self.cluster_dir = os.path.join(self.out, CLUSTER)
        self.inv = inventory(self.tmp, {CLUSTER: host_vars(self.sim, vast_username="admin",
                                                           vast_password=CANARY_PASSWORD)},
                             asbuilt_output_dir=self.out)
        self.env = env_for(None, **fault_matrix.PLAYBOOK_ENV)

    def run(self, timeout=300):
        rc, stdout, stderr, timed_out = fault_matrix.run_playbook_bounded("vastops.asbuilt.asbuilt", self.inv,
                                                                         self.env, self.tmp, timeout)
        assert rc == 0 and not timed_out, "%s\n%s" % (stdout[-4000:], stderr[-2000:])
        return latest_run(self.out, CLUSTER)

    def run_and_kill(self, when, timeout=120, poll=0.002):
        """Run the playbook and SIGKILL its process group as soon as ``when()`` is true (checked every *poll* s,
        with the group stopped first so the state seen is the state killed).  Returns what ``when`` returned."""
        seen = {}

        def killer(proc):
            def watch():
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline and proc.poll() is None:
                    hit = when()
                    if hit:
                        frozen = kill_tree(proc.pid, freeze_only=True)
                        # what the stopped processes left behind (None: the moment passed before the freeze)
                        seen["state"] = when()
                        seen["hit"] = hit
                        seen["pids"] = len(frozen)
                        for pid in frozen:
                            os.kill(pid, signal.SIGKILL)
                        return
                    time.sleep(poll)
            thread = threading.Thread(target=watch, daemon=True)
            thread.start()
            seen["thread"] = thread

        rc, stdout, stderr, timed_out = fault_matrix.run_playbook_bounded(
            "vastops.asbuilt.asbuilt", self.inv, self.env, self.tmp, timeout + 60, on_start=killer)
        seen["thread"].join(10)
        assert "state" in seen, "the kill moment never came (rc %s):\n%s" % (rc, stdout[-3000:])
        assert rc == -signal.SIGKILL, rc
        assert seen["pids"] >= 2, "only ansible-playbook itself was running: nothing was killed mid-task"
        self.last_hit = seen["hit"]
        return seen["state"]


def _previous(cluster):
    first = cluster.run()
    return first, _digests(first), os.readlink(os.path.join(cluster.cluster_dir, "latest"))


def _check_previous_intact(cluster, first, digests, link):
    assert _digests(first) == digests, "the previous run's files changed"
    assert os.readlink(os.path.join(cluster.cluster_dir, "latest")) == link
    assert latest_run(cluster.out, CLUSTER) == first


def _walk(root, predicate):
    """Files under *root*, hidden directories included (a staging directory may be hidden), that match."""
    out = []
    for base, dirs, files in os.walk(root):
        out.extend(os.path.join(base, f) for f in files if predicate(os.path.join(base, f)))
    return sorted(out)


def _final_snapshots(cluster):
    return _walk(cluster.cluster_dir, lambda p: os.path.basename(p) == "snapshot.json.gz")


def _part_summaries(cluster):
    """Keys of the completed parts of an interrupted collection, wherever the run keeps them."""
    found = _walk(cluster.cluster_dir, lambda p: os.path.basename(os.path.dirname(p)) == "snapshot.json.gz.parts"
                  and p.endswith(".json") and not p.endswith("identity.json"))
    return sorted(os.path.basename(p)[:-len(".json")] for p in found)


def _assert_everything_sound(cluster):
    for base, dirs, files in os.walk(cluster.cluster_dir):
        dirs[:] = [d for d in dirs if not d.endswith(".parts")]
        if files:
            _assert_sound(base)


def test_kill_mid_collection_then_resume(rel_sims, tmp_path):
    cluster = Cluster(rel_sims, tmp_path)
    first, digests, link = _previous(cluster)
    snapshots_before = _final_snapshots(cluster)
    time.sleep(1.1)                                          # run directories are named by the second
    # every resource answers quickly except events, which hangs: the kill lands while parts are being written
    cluster.sim.add_fault({"type": "latency", "delay_ms": 30000, "path": "/events/*", "id": "slow-events"})

    def parts_written():
        done = _part_summaries(cluster)
        return done if len(done) >= 20 else None

    done_at_kill = cluster.run_and_kill(parts_written)
    _check_previous_intact(cluster, first, digests, link)
    assert _final_snapshots(cluster) == snapshots_before, "a killed collection left a snapshot under a final name"
    _assert_everything_sound(cluster)
    assert "monitoring.events" not in done_at_kill

    cluster.sim.clear_faults()
    cluster.sim.clear_log()
    resumed = cluster.run()
    assert resumed != first
    assert _part_summaries(cluster) == [], "the parts of the finished collection were left behind"
    _assert_everything_sound(cluster)
    doc = read_snapshot(os.path.join(resumed, "snapshot.json.gz"))
    assert doc["vast_info"] == read_json(os.path.join(first, "snapshot.json.gz"))["vast_info"]
    assert set(doc["meta"]["resumed"]) >= set(done_at_kill), "parts read before the kill were not reused"
    read_again = set(p.split("?")[0].rstrip("/") for p in api_paths(cluster.sim))
    resources = doc["meta"]["resources"]
    paths_done = set("/" + resources[k]["path"].strip("/") for k in done_at_kill
                     if resources.get(k, {}).get("path") and resources[k]["status"] == "ok")
    opened = {"/clusters", "/token", "/token/refresh", "/vms"}   # read by every session while connecting
    assert not (read_again & paths_done) - opened, "read again: %s" % sorted((read_again & paths_done) - opened)
    assert "/events" in read_again


@pytest.mark.slow
def test_kill_while_the_snapshot_file_is_assembled(rel_sims, tmp_path):
    """The final snapshot is assembled in a temporary file and renamed: a kill during assembly leaves no
    snapshot under a final name, and the parts for the rerun, which only assembles them."""
    cluster = Cluster(rel_sims, tmp_path, profile="medium")
    first, digests, link = _previous(cluster)
    caught = None
    for attempt in range(4):
        snapshots_before = _final_snapshots(cluster)
        time.sleep(1.1)

        def assembling():
            temps = _walk(cluster.cluster_dir, lambda p: os.path.basename(p).startswith(".snapshot.json.gz.")
                          and p.endswith(".tmp"))
            # the writability probe at the start makes such a file too: only count it once every part is in
            if temps and len(_part_summaries(cluster)) >= 40:
                return {"temps": temps, "final": _final_snapshots(cluster) != snapshots_before}
            return None

        state = cluster.run_and_kill(assembling, poll=0.0005)
        if state is None:       # renamed between the sighting and the freeze
            state = dict(cluster.last_hit, final=True)
        _check_previous_intact(cluster, first, digests, link)
        _assert_everything_sound(cluster)
        if not state["final"]:
            caught = state
            break
        # the rename won the race: the previous run stays the previous one; the new snapshot is whole; try again
    assert caught, "never caught the snapshot being assembled"
    assert _final_snapshots(cluster) == snapshots_before
    assert len(_part_summaries(cluster)) >= 40
    cluster.sim.clear_log()
    resumed = cluster.run()
    assert not _walk(cluster.cluster_dir, lambda p: os.path.basename(p).startswith(".snapshot.json.gz.")), \
        "the dead writer's temporary file stayed"
    doc = read_snapshot(os.path.join(resumed, "snapshot.json.gz"))
    assert doc["vast_info"] == read_json(os.path.join(first, "snapshot.json.gz"))["vast_info"]
    gets = [p for p in api_paths(cluster.sim) if not p.startswith(("/token", "/clusters", "/vms"))]
    assert len(gets) <= 2, "everything had been read: the rerun should only assemble (read %s)" % gets


REPORT_FILES = ("boxes.csv", "drives.csv", "nodes.csv", "report.html", "report.json", "report.md",
                "switch_ports.csv", "views.csv", "vips.csv")


@pytest.mark.slow
def test_kill_while_the_report_is_rendered(rel_sims, tmp_path):
    """Report files are written one by one, each atomically: a kill between two leaves whole files only, the
    previous report stays the latest, and a rerun writes a complete report."""
    cluster = Cluster(rel_sims, tmp_path)
    first, digests, link = _previous(cluster)
    caught = None
    for attempt in range(5):
        before = os.listdir(cluster.cluster_dir)
        time.sleep(1.1)

        def rendering():
            for name in set(os.listdir(cluster.cluster_dir)) - set(before):
                run = os.path.join(cluster.cluster_dir, name)
                if not os.path.isdir(run) or not os.path.exists(os.path.join(run, "findings.json")):
                    continue
                names = os.listdir(run)
                started = [n for n in names if n in REPORT_FILES or (n.startswith(".") and n.endswith(".tmp"))]
                if started:
                    return {"run": run, "names": sorted(names)}
            return None

        state = cluster.run_and_kill(rendering, poll=0.0005) or cluster.last_hit
        _check_previous_intact(cluster, first, digests, link)
        _assert_sound(state["run"])
        read_snapshot(os.path.join(state["run"], "snapshot.json.gz"))   # the collection itself had completed
        if not set(REPORT_FILES) <= set(state["names"]):
            caught = state
            break
        first = latest_run(cluster.out, CLUSTER)          # killed too late: that run is the previous one now
        digests, link = _digests(first), os.readlink(os.path.join(cluster.cluster_dir, "latest"))
    assert caught, "never caught the report half written"
    third = cluster.run()
    assert third not in (first, caught["run"])
    _assert_sound(third)
    assert set(REPORT_FILES) <= set(os.listdir(third))
