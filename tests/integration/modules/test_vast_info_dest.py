"""vast_info with dest through ansible-playbook: a killed run leaves no snapshot, and resume reads only the rest."""
import os
import signal
import subprocess
import time

import pytest
import yaml

from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot
from playbook_util import BIN, only_reads, run_tasks, sim_env

pytestmark = [pytest.mark.integration, pytest.mark.simulator, pytest.mark.crash]


def _descendants(pid):
    """Every process below *pid* (the module runs in its own process group under ansible-playbook)."""
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (IOError, OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _kill_tree(pid):
    for target in [pid] + _descendants(pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass


def _wait_for(predicate, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_killed_collection_leaves_no_snapshot_and_resume_reads_only_the_rest(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "snapshot.json.gz"
    dest.write_bytes(b"the previous snapshot")
    parts = out / "snapshot.json.gz.parts"
    sim.add_fault({"type": "latency", "delay_ms": 20000, "path": "/views/*"})
    task = {"vastops.asbuilt.vast_info": {"gather_subset": ["all"], "dest": str(dest), "resume": True}}
    playbook = tmp_path / "collect.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]))
    proc = subprocess.Popen([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                             str(playbook)], env=sim_env(sim), cwd=str(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        done = lambda: parts.is_dir() and "hardware.cnodes.json" in os.listdir(str(parts)) and \
            "monitoring.events.json" in os.listdir(str(parts))  # noqa: E731
        assert _wait_for(done), "the collection did not get going"
        _kill_tree(proc.pid)  # like a crash of the execution node: no cleanup runs
    finally:
        proc.wait(timeout=60)
    # the previous snapshot is intact and nothing else took its name
    assert dest.read_bytes() == b"the previous snapshot"
    kept = set(n[:-len(".json")] for n in os.listdir(str(parts)) if n.endswith(".json") and n != "identity.json")
    assert "logical.views" not in kept and {"hardware.cnodes", "monitoring.events"} <= kept
    sim.clear_faults()
    sim.clear_log()
    run = run_tasks(sim, tmp_path, [task])
    result = run.results[0]
    assert result and not result.get("failed"), run
    assert set(result["meta"]["resumed"]) == kept
    # the snapshot says which record-sets are older than collected_at, and from when
    meta = result["meta"]
    assert all(meta["resources"][k]["resumed"] is True for k in kept)
    assert not any(meta["resources"][k].get("resumed") for k in meta["resources"] if k not in kept)
    assert meta["resumed_from"] == min(meta["resources"][k]["read_at"] for k in kept) <= result["collected_at"]
    read = set(e["path"].split("/")[3] for e in sim.request_log()
               if e["method"] == "GET" and "/clusters/" not in e["path"])
    assert "views" in read and "cnodes" not in read and "events" not in read
    document = snapshot.read_snapshot(str(dest))
    assert len(document["vast_info"]["logical"]["views"]) == len(sim.records("views"))
    assert not parts.exists()
    assert sorted(os.listdir(str(out))) == ["snapshot.json.gz"]  # the killed run's temporary files are gone
    assert only_reads(sim) == []


def test_snapshot_file_shape_and_idempotence(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    tasks = [{"vastops.asbuilt.vast_info": {"gather_subset": ["all"], "dest": str(tmp_path / name)}}
             for name in ("one.json.gz", "two.json.gz")]
    tasks.append(dict(tasks[0], check_mode=True))
    tasks[2] = {"vastops.asbuilt.vast_info": {"gather_subset": ["min"], "dest": str(tmp_path / "check.json.gz")},
                "check_mode": True}
    run = run_tasks(sim, tmp_path, tasks)
    one, two, check = run.results
    for result in (one, two, check):
        assert result and not result.get("failed") and result["changed"] is False, result
        assert "vast_info" not in result and result["schema_version"] == 1
    first = snapshot.read_snapshot(one["dest"])
    second = snapshot.read_snapshot(two["dest"])
    assert first["vast_info"] == second["vast_info"]
    assert first["meta"]["vast_info_sha256"] == second["meta"]["vast_info_sha256"]
    with open(one["dest"], "rb") as handle:
        raw = handle.read()
    assert snapshot.file_sha256(one["dest"]) == one["sha256"] and len(raw) == one["size_bytes"]
    assert oct(os.stat(one["dest"]).st_mode & 0o777) == "0o640"
    assert first["meta"]["counts"] == one["counts"] == one["meta"]["counts"]
    assert snapshot.read_snapshot(check["dest"])["vast_info"]["min"]["clusters"]
    assert sorted(os.listdir(str(tmp_path / "play-results.json").rsplit("/", 1)[0])) == sorted(
        ["one.json.gz", "two.json.gz", "check.json.gz", "play.yml", "play-results.json"])
