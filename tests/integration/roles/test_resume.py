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
