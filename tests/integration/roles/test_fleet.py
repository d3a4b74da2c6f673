"""A fleet inventory of three simulated clusters and one that does not answer: three reports, one index."""
import json
import os
import re

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_fleet_of_three_and_a_dead_one(sim_factory, tmp_path):
    sims = {"site-a": sim_factory(profile="tiny", seed=11, now=now_iso()),
            "site-b": sim_factory(profile="tiny", seed=12, now=now_iso(), state={"scenarios": ["healthy"]}),
            "site-c": sim_factory(profile="tiny", seed=13, ebox=True, now=now_iso())}
    hosts = dict((name, host_vars(sim)) for name, sim in sims.items())
    hosts["site-dead"] = dict(host_vars(sims["site-a"]), vast_host="127.0.0.1:9", vast_timeout=3)
    out = tmp_path / "out"
    inv = inventory(tmp_path, hosts, asbuilt_output_dir=str(out))
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sims["site-a"]))
    assert result.rc != 0                                  # one cluster has no report: the run says so
    assert "1 cluster(s) have no report: site-dead" in result.stdout
    for name in sims:
        assert os.path.isfile(os.path.join(latest_run(out, name), "report.html")), name
    index = open(out / "index.html", encoding="utf-8").read()
    for name in sims:
        link = "%s/%s/report.html" % (name, os.path.basename(latest_run(out, name)))
        assert 'href="%s"' % link in index
    assert re.search(r"site-dead</td><td colspan=\"5\"><span class=\"badge bad\">failed</span>", index)
    fleet = json.load(open(out / "fleet.json", encoding="utf-8"))
    assert fleet["totals"]["clusters"] == 4 and fleet["totals"]["reported"] == 3 and fleet["totals"]["failed"] == 1
    names = dict((c["name"], c) for c in fleet["clusters"])
    assert names["site-b"]["health"]["failed"] == 0
    assert names["site-a"]["cluster_name"] != names["site-b"]["cluster_name"]
    assert "Read the cluster into the snapshot" in names["site-dead"]["error"]
