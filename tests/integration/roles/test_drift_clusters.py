"""Drift between snapshots of two different clusters on two releases (issue 14, finding A): the play warns.

The snapshots are collected in-process (no as-built run needed) and handed to the drift playbook as drift_before and
drift_after; the newer one is read through its cluster's ``latest`` link (finding B).
"""
import gzip
import json
import os
import sys

import pytest

from roles_util import env_for, inventory, now_iso, read_json, run_playbook, snapshot_of

from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import point_latest

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def _write(doc, cluster_dir, run):
    path = os.path.join(cluster_dir, run, "snapshot.json.gz")
    os.makedirs(os.path.dirname(path))
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(doc, handle)
    return path


def test_drift_of_two_clusters_and_a_downgrade_warns(sim_factory, tmp_path):
    new = sim_factory(profile="tiny", seed=41, now=now_iso())
    old = sim_factory(profile="tiny", seed=42, vast_version="4.7", now=now_iso())
    out = tmp_path / "out" / "dc1"
    before = _write(snapshot_of(new).doc, str(out), "20261202T100000Z")
    _write(snapshot_of(old).doc, str(out), "20261203T100000Z")
    point_latest(str(out), str(out / "20261203T100000Z"))
    inv = inventory(tmp_path, {"dc1": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
                    asbuilt_output_dir=str(tmp_path / "out"))
    run = run_playbook("drift", tmp_path, inv, env_for(), extra_vars={
        "drift_before": before, "drift_after": str(out / "latest" / "snapshot.json.gz")}).check()
    said = run.stdout + run.stderr
    assert "[WARNING]: The two snapshots come from different clusters (their guids differ)" in said
    assert "[WARNING]: release changed 5.3.1 -> 4.7.0 (a downgrade" in said
    doc = read_json(out / "20261203T100000Z" / "drift.json")
    assert doc["same_cluster"] is False and doc["release"]["downgrade"] is True and len(doc["warnings"]) == 2
    assert doc["after"]["run"] == "20261203T100000Z"
    assert doc["not_compared"]["apitokens"] == "not applicable to the after snapshot's release"
    md = open(out / "20261203T100000Z" / "drift.md", encoding="utf-8").read()
    head = md.split("\n## ")[0]
    assert "> **Warning:** The two snapshots come from different clusters" in head
    assert "> **Warning:** Release changed 5.3.1 -> 4.7.0 (a downgrade" in head
    assert "**After:** run 20261203T100000Z, collected " in md and "run latest" not in md
    assert "collected only in the before snapshot" not in md
    html = open(out / "20261203T100000Z" / "drift.html", encoding="utf-8").read()
    assert '<p class="note warn">The two snapshots come from different clusters' in html
