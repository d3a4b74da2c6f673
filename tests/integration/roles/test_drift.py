"""Drift between snapshots of one cluster: none for the same state, exactly the changes made otherwise."""
import json
import os

import pytest

from roles_util import env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_drift(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"dc1": host_vars(sim)}, asbuilt_output_dir=str(out))
    env = env_for(sim)
    run_playbook("asbuilt", tmp_path, inv, env, label="first").check()
    same = run_playbook("drift", tmp_path, inv, env, label="same", extra_vars={"drift_collect": True}).check()
    assert "0 added, 0 removed, 0 changed" in same.stdout
    runs = sorted(d for d in os.listdir(out / "dc1") if d[0].isdigit())
    assert len(runs) == 2
    doc = json.load(open(out / "dc1" / runs[-1] / "drift.json", encoding="utf-8"))
    assert doc["summary"] == {"added": 0, "removed": 0, "changed": 0, "resources": 0, "drift": False}

    switch = sim.records("switches")[0]
    pool = sim.records("vippools")[-1]
    sim.mutate({"switches": [{"match": {"id": switch["id"]}, "set": {"fw_version": "9.9.9"}}],
                "views": [{"add": {"path": "/drift/new-view", "name": "drift-view", "policy_id": 1,
                                   "protocols": ["NFS"], "tenant_id": 1, "tenant_name": "default"}}],
                "vippools": [{"match": {"id": pool["id"]}, "remove": True}],
                "network_settings": [{"set": {"ntp": ["192.0.2.200"]}}]})
    moved = run_playbook("drift", tmp_path, inv, env, label="moved",
                         extra_vars={"drift_collect": True, "drift_fail_on_change": True})
    assert moved.rc != 0 and "Configuration drift on dc1" in moved.stdout
    runs = sorted(d for d in os.listdir(out / "dc1") if d[0].isdigit())
    doc = json.load(open(out / "dc1" / runs[-1] / "drift.json", encoding="utf-8"))
    res = doc["resources"]
    assert set(res) == {"network_settings", "switches", "vippools", "views"}
    assert [c["fields"] for c in res["switches"]["changed"]] == [
        [{"field": "fw_version", "before": switch["fw_version"], "after": "9.9.9"}]]
    assert [c["label"] for c in res["switches"]["changed"]] == [switch["name"]]
    assert [i["label"] for i in res["views"]["added"]] == ["drift-view (/drift/new-view)"]
    assert not res["views"]["changed"]
    assert [i["label"] for i in res["vippools"]["removed"]] == [pool["name"]]
    assert [f["field"] for c in res["network_settings"]["changed"] for f in c["fields"]] == ["ntp"]
    assert doc["summary"] == {"added": 1, "removed": 1, "changed": 2, "resources": 4, "drift": True}
    md = open(out / "dc1" / runs[-1] / "drift.md", encoding="utf-8").read()
    assert "9.9.9" in md and "drift-view (/drift/new-view)" in md
    assert "**Before:** run %s, collected " % runs[-2] in md and "**After:** run %s, collected " % runs[-1] in md
    assert os.path.isfile(out / "dc1" / runs[-1] / "drift.html")
