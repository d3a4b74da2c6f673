"""A collection that could not read everything is finished by the next run, which reads only what is missing,
in a run directory of its own (the first run's report stays as it was, for history and drift); its report says
which data was reused and when it was read. Meanwhile the report says which data could not be collected instead
of showing an empty section. A run that fails before reading anything leaves no directory behind."""
import os
import re

import pytest

from roles_util import api_paths, env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def _runs(out, cluster):
    return sorted(d for d in os.listdir(os.path.join(str(out), cluster)) if d[0].isdigit())


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
    staged = os.path.join(str(out), "flaky", ".collecting", "snapshot.json.gz.parts")
    assert os.path.isdir(staged)                               # kept for the next run, outside any run directory
    html = open(os.path.join(first, "report.html"), encoding="utf-8").read()
    first_html = html
    assert "The switches could not be read" in html
    assert "Views: could not be read" in html
    findings = read_json(os.path.join(first, "findings.json"))
    by_id = dict((r["id"], r) for r in findings["results"])
    assert by_id["VAST-SW-001"]["status"] == "not_evaluated" and "could not be read" in by_id["VAST-SW-001"]["reason"]

    sim.clear_faults()
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="resume").check()
    second = latest_run(out, "flaky")
    assert second != first and _runs(out, "flaky") == sorted(os.path.basename(p) for p in (first, second))
    assert open(os.path.join(first, "report.html"), encoding="utf-8").read() == first_html   # history untouched
    assert not os.path.exists(staged)
    snap = read_json(os.path.join(second, "snapshot.json.gz"))
    assert not snap["meta"].get("errors")
    assert len(snap["vast_info"]["logical"]["views"]) == len(sim.records("views"))
    read = set(p.split("?")[0].rstrip("/") for p in api_paths(sim))
    assert {"/views", "/switches"} <= read
    for done in ("/cnodes", "/ssds", "/vippools", "/tenants", "/protectionpolicies", "/ports"):
        assert done not in read, "%s was read again" % done
    resumed = snap["meta"]["resumed"]
    assert "hardware.cnodes" in resumed and "logical.views" not in resumed
    html = open(os.path.join(second, "report.html"), encoding="utf-8").read()
    assert "could not be read" not in html
    # the banner (executive summary and appendix) names the reused resources and when they were read
    assert html.count('class="banner warn"') == 2
    assert "Part of this data was resumed from an earlier collection" in html
    assert "<td>hardware.cnodes</td>" in html
    first_read = snap["meta"]["resources"]["hardware.cnodes"].get("read_at") or snap["meta"].get("resumed_from")
    assert first_read, "the snapshot says when the resumed data was read"
    collected = re.search(r"<dt>Data collected</dt><dd>([^<]*)</dd>", html).group(1)
    # a range from the earliest resumed read to the end; one time when both fall in the same minute (m10)
    span = re.match(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)(?: to (\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC))? \(partly resumed",
                    collected)
    assert span, collected
    assert span.group(1) != span.group(2)
    assert collected.startswith(first_read.replace("T", " ")[:16])
    # drift sees two runs: the history is kept
    drift = run_playbook("drift", tmp_path, inv, env_for(sim), label="drift").check()
    assert "added" in drift.stdout


def test_resume_max_age_limits_what_is_reused(sim_factory, tmp_path):
    """collect_resume_max_age reaches vast_info: with 0, parts left by an interrupted run are never reused."""
    sim = sim_factory(profile="tiny", now=now_iso())
    sim.add_fault({"type": "status", "status": 503, "path": "/views/*"})
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"aged": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="first").check()
    assert os.path.isdir(os.path.join(str(out), "aged", ".collecting", "snapshot.json.gz.parts"))
    sim.clear_faults()
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="fresh", extra_vars={"collect_resume_max_age": 0}).check()
    read = set(p.split("?")[0].rstrip("/") for p in api_paths(sim))
    assert {"/views", "/cnodes", "/ssds"} <= read                      # everything read again
    rundir = latest_run(out, "aged")
    snap = read_json(os.path.join(rundir, "snapshot.json.gz"))
    assert not snap["meta"].get("resumed")
    assert "Part of this data was resumed" not in open(os.path.join(rundir, "report.html"), encoding="utf-8").read()


def test_failed_run_leaves_no_empty_directory(sim_factory, tmp_path):
    """m3: a wrong password fails the run before anything is read: no run directory, no staging directory."""
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"locked": host_vars(sim)}, asbuilt_output_dir=str(out))
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim, password="wrong-password"), label="wrong")
    assert result.rc != 0 and "locked has no report" in result.stdout
    assert not os.path.exists(out / "locked"), os.listdir(out / "locked")
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="right").check()
    assert _runs(out, "locked") == [os.path.basename(latest_run(out, "locked"))]


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
            found = list((out / "killed").glob(".collecting/snapshot.json.gz.parts")) if (out / "killed").exists() else []
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
    assert parts.parent.name == ".collecting"                   # the parts wait in the staging directory
    assert not [d for d in os.listdir(out / "killed") if d[0].isdigit()]    # no run directory for a killed run
    assert not os.path.exists(os.path.join(str(parts.parent), "snapshot.json.gz"))  # never a partial snapshot

    sim.clear_faults()
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="after-kill").check()
    rundir = latest_run(out, "killed")
    assert os.path.dirname(rundir) == str(out / "killed") and os.path.basename(rundir)[0].isdigit()
    read = set(p.split("?")[0].rstrip("/") for p in api_paths(sim))
    assert "/views" in read
    assert "/cnodes" not in read and "/ssds" not in read
    snap = read_json(os.path.join(rundir, "snapshot.json.gz"))
    assert snap["meta"].get("resumed")
    assert len(snap["vast_info"]["logical"]["views"]) == len(sim.records("views"))
    assert "Part of this data was resumed" in open(os.path.join(rundir, "report.html"), encoding="utf-8").read()
