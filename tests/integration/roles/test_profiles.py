"""The as-built and health-check playbooks on other clusters: sections at level 0 (request log), an EBox cluster,
VAST 4.7 with Basic authentication only, and the quick health check."""
import os
import xml.etree.ElementTree as ET

import pytest

from roles_util import api_paths, env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

OFF = {"switches": 0, "logical": 0, "data_protection": 0, "monitoring": 0}


def _html(rundir):
    with open(os.path.join(rundir, "report.html"), encoding="utf-8") as handle:
        text = handle.read()
    return text, ET.fromstring(text.split("\n", 1)[1])


def test_sections_at_level_zero_cost_no_request(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"tiny": host_vars(sim)}, asbuilt_output_dir=str(out), asbuilt_sections=OFF,
                    asbuilt_healthcheck=False)
    run_playbook("asbuilt", tmp_path, inv, env_for(sim)).check()
    paths = api_paths(sim)
    assert any(p.startswith("/cnodes") for p in paths)
    for prefix in ("/switches", "/ports", "/views", "/viewpolicies", "/quotas", "/tenants", "/protectionpolicies",
                   "/snapshots", "/alarms", "/events", "/callhomeconfigs"):
        assert not any(p.startswith(prefix) for p in paths), "%s was read for a section at level 0" % prefix
    rundir = latest_run(out, "tiny")
    text, root = _html(rundir)
    ids = set(s.get("id") for s in root.iter("section"))
    assert not ids & {"sec-switches", "sec-logical", "sec-data_protection", "sec-monitoring"}
    assert {"sec-hardware", "sec-health"} <= ids
    assert "The health check did not run for this report." in text   # explained, not an empty section
    assert not os.path.exists(os.path.join(rundir, "findings.json"))
    assert not os.path.exists(os.path.join(rundir, "views.csv"))   # not collected: no empty inventory either


def test_ebox_cluster(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", ebox=True, now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"ebox": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim)).check()
    rundir = latest_run(out, "ebox")
    text, root = _html(rundir)
    eboxes = sim.records("eboxes")
    assert eboxes and not sim.records("cboxes")
    drawn = dict((g.get("data-name"), g.get("data-unit")) for g in root.iter("g") if g.get("data-name"))
    assert set(drawn) == set(b["name"] for b in eboxes)
    assert set(t.text for t in root.iter("text") if t.get("class") == "kind-letter") == {"E"}
    assert "This cluster has no DTrays (EBox architecture)." in text
    report = read_json(os.path.join(rundir, "report.json"))
    hardware = next(s for s in report["sections"] if s["id"] == "hardware")
    cards = dict((c["label"], c["value"]) for blk in hardware["blocks"] if blk["type"] == "cards" for c in blk["cards"])
    assert cards["EBoxes"] == str(len(eboxes)) and cards["CNodes"] == str(len(sim.records("cnodes")))
    assert "CBoxes" not in cards


def test_vast_47_basic_auth_only(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="4.7", jwt_enabled=False, now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"old": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim)).check()
    rundir = latest_run(out, "old")
    snap = read_json(os.path.join(rundir, "snapshot.json.gz"))
    assert snap["meta"]["auth_method"] == "basic"
    assert snap["meta"]["sw_version"].startswith("4.7")
    findings = read_json(os.path.join(rundir, "findings.json"))
    not_applicable = dict((r["id"], r["reason"]) for r in findings["results"] if r["status"] == "not_applicable")
    assert set(not_applicable) == {"VAST-SEC-003", "VAST-SEC-004"}
    assert not_applicable["VAST-SEC-003"] == "API tokens arrive in VAST 5.3 (this cluster runs 4.7.0)"
    assert findings["summary"]["not_evaluated"] == 0 and findings["summary"]["complete"]   # m10: not incomplete
    text, _root = _html(rundir)
    assert "API tokens: not available on this cluster" in text
    assert "Rules not applicable to this release" in text and "lack of data" not in text
    fleet = read_json(os.path.join(str(out), "fleet.json"))
    health = fleet["clusters"][0]["health"]
    assert health["not_applicable"] == 2 and "2 not applicable to this release" in health["detail"]
    assert all(p.startswith("/api/v") or p.startswith("/api/") for p in (e["path"] for e in sim.request_log()))
    assert not any(e["path"].endswith("/token/") for e in sim.request_log() if e["status"] == 200)


def test_healthcheck_playbook_fails_on_major(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso(), state={"scenarios": ["healthy", "failed_ssd"]})
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"hc": host_vars(sim)}, asbuilt_output_dir=str(out))
    result = run_playbook("healthcheck", tmp_path, inv, env_for(sim), extra_vars={"healthcheck_fail_on": "major"})
    assert result.rc != 0
    assert "VAST-HW-002" in result.stdout
    runs = [d for d in os.listdir(out / "hc") if d[0].isdigit()]
    assert len(runs) == 1
    rundir = out / "hc" / runs[0]
    findings = read_json(rundir / "findings.json")
    assert [r["id"] for r in findings["results"] if r["status"] == "fail"] == ["VAST-HW-002"]
    assert not (rundir / "report.html").exists()
