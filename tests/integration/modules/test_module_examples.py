"""The modules' EXAMPLES run against the simulator; ansible-doc renders every module; the three-task playbook."""
import ast
import os
import re
import subprocess

import pytest
import yaml

from playbook_util import BIN, REPO, only_reads, run_playbook, sim_env

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

MODULES = ("vast_info", "vast_facts", "vast_session")


def examples(name):
    with open(os.path.join(REPO, "plugins", "modules", name + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "EXAMPLES":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no EXAMPLES in %s" % name)


def test_examples_run(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    plays = []
    for name in MODULES:
        plays.append({"name": "EXAMPLES of %s" % name, "hosts": "localhost", "gather_facts": False,
                      "vars": {"vast_host": sim.host, "vast_username": "admin", "vast_password": sim.users["admin"],
                               "snapshot_dir": str(snapshots)},
                      "tasks": examples(name)})
    path = tmp_path / "examples.yml"
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    env = sim_env(sim, VAST_USERNAME=None, VAST_PASSWORD=None)  # the examples give the credentials themselves
    proc = run_playbook(str(path), env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    recap = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0", proc.stdout)
    assert recap and int(recap.group(2)) == 0, proc.stdout[-3000:]
    assert os.path.exists(str(snapshots / "snapshot.json.gz"))
    assert sim.users["admin"] not in proc.stdout
    assert only_reads(sim) == []


@pytest.mark.parametrize("name", MODULES)
def test_ansible_doc_renders(name):
    env = sim_env(None)
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "vastops.asbuilt.%s" % name], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stderr and "WARNING" not in proc.stderr, proc.stderr
    for needle in ("OPTIONS", "ATTRIBUTES", "EXAMPLES", "RETURN VALUES", "check_mode", "host"):
        assert needle in proc.stdout, needle


def test_three_task_playbook_prints_sensible_data(sim_factory):
    sim = sim_factory(profile="small", vast_version="5.3.1")
    proc = run_playbook(os.path.join(os.path.dirname(os.path.abspath(__file__)), "three_tasks.yml"), sim_env(sim))
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    out = proc.stdout
    cluster = sim.records("clusters")[0]
    assert cluster["name"] in out and cluster["psnt"] in out and "auth jwt" in out
    assert "%d CNodes" % len(sim.records("cnodes")) in out
    assert "%d views" % len(sim.records("views")) in out
    assert "not served here: health, tlscertificates" in out
    assert "1 logins" not in out and "0 logins" in out  # the session's tokens were reused
    assert len([e for e in sim.request_log() if e["method"] == "POST"]) == 1
    assert only_reads(sim) == []
