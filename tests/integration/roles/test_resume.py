"""A collection that could not read everything is finished by the next run, which reads only what is missing;
meanwhile the report says which data could not be collected instead of showing an empty section."""
import os

import pytest

from roles_util import api_paths, env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_resume_reads_only_what_was_missing(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    sim.add_fault({"type": "status", "status": 503, "path": "/views/*"})
    sim.add_fault({"type": "status", "status": 503, "path": "/switches/*"})
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"flaky": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="first").check()
    first = latest_run(out, "flaky")
    snap = read_json(os.path.join(first, "snapshot.json.gz"))
    assert set(snap["meta"]["errors"]) == {"logical.views", "switches.switches"}
    assert os.path.isdir(os.path.join(first, "snapshot.json.gz.parts"))
    html = open(os.path.join(first, "report.html"), encoding="utf-8").read()
    assert "The switches could not be read" in html
    assert "Views: could not be read" in html
    findings = read_json(os.path.join(first, "findings.json"))
    by_id = dict((r["id"], r) for r in findings["results"])
    assert by_id["VAST-SW-001"]["status"] == "not_evaluated" and "could not be read" in by_id["VAST-SW-001"]["reason"]

    sim.clear_faults()
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="resume").check()
    assert latest_run(out, "flaky") == first                 # the same run, finished
    assert not os.path.exists(os.path.join(first, "snapshot.json.gz.parts"))
    snap = read_json(os.path.join(first, "snapshot.json.gz"))
    assert not snap["meta"].get("errors")
    assert len(snap["vast_info"]["logical"]["views"]) == len(sim.records("views"))
    read = set(p.split("?")[0].rstrip("/") for p in api_paths(sim))
    assert {"/views", "/switches"} <= read
    for done in ("/cnodes", "/ssds", "/vippools", "/tenants", "/protectionpolicies", "/ports"):
        assert done not in read, "%s was read again" % done
    html = open(os.path.join(first, "report.html"), encoding="utf-8").read()
    assert "could not be read" not in html


def _kill_processes_mentioning(marker):
    """SIGKILL the processes whose command line contains *marker* (a path unique to this test)."""
    import signal
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                cmdline = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def test_killed_collection_is_finished_by_the_next_run(sim_factory, tmp_path):
    """ansible-playbook killed while vast_info still waits for the views: the next run reads only the views."""
    import signal
    import subprocess
    import time

    from roles_util import BIN

    sim = sim_factory(profile="tiny", now=now_iso())
    sim.add_fault({"type": "latency", "delay_ms": 20000, "path": "/views/*"})
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"killed": host_vars(sim)}, asbuilt_output_dir=str(out))
    remote_tmp = str(tmp_path / "remote-tmp")      # marks the module processes of this run, and only them
    proc = subprocess.Popen([os.path.join(BIN, "ansible-playbook"), "-i", inv, "vastops.asbuilt.asbuilt"],
                            env=env_for(sim, ANSIBLE_REMOTE_TEMP=remote_tmp), cwd=str(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    parts = None
    deadline = time.time() + 90
    try:
        while time.time() < deadline:
            found = list((out / "killed").glob("*/snapshot.json.gz.parts")) if (out / "killed").exists() else []
            names = set(p.name for p in found[0].iterdir()) if found else set()
            if {"hardware.cnodes.json.gz", "hardware.ssds.json.gz"} <= names:
                parts = found[0]
                break
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _kill_processes_mentioning(remote_tmp)   # the module runs in its own session: interrupt it too
    assert parts is not None, "the collection never wrote a part"
    rundir = str(parts.parent)
    assert not os.path.exists(os.path.join(rundir, "snapshot.json.gz"))     # never a partial file under its name
    assert not os.path.exists(os.path.join(rundir, "report.html"))

    sim.clear_faults()
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="after-kill").check()
    assert latest_run(out, "killed") == rundir
    read = set(p.split("?")[0].rstrip("/") for p in api_paths(sim))
    assert "/views" in read
    assert "/cnodes" not in read and "/ssds" not in read
    snap = read_json(os.path.join(rundir, "snapshot.json.gz"))
    assert snap["meta"].get("resumed")
    assert len(snap["vast_info"]["logical"]["views"]) == len(sim.records("views"))
