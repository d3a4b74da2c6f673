"""A fleet inventory of three simulated clusters and one that does not answer: three reports, one index. Then
limited runs (--limit): the index still lists every cluster with its latest report, says which this run
refreshed and which come from an earlier run, and calls a cluster failed only when this run failed for it."""
import json
import os
import re

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def _rows(out):
    fleet = json.load(open(out / "fleet.json", encoding="utf-8"))
    return fleet, dict((c["name"], c) for c in fleet["clusters"])


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
    assert "site-dead has no report: 'Read the cluster into the snapshot (failed)' failed" in result.stdout
    for name in sims:
        assert os.path.isfile(os.path.join(latest_run(out, name), "report.html")), name
    assert not os.path.exists(out / "site-dead")           # nothing was read: no directory left behind
    index = open(out / "index.html", encoding="utf-8").read()
    for name in sims:
        link = "%s/%s/report.html" % (name, os.path.basename(latest_run(out, name)))
        assert 'href="%s"' % link in index
    assert re.search(r"site-dead</td><td colspan=\"5\">.*?<span class=\"badge bad\">failed</span>", index)
    fleet, names = _rows(out)
    assert fleet["totals"]["clusters"] == 4 and fleet["totals"]["reported"] == 3 and fleet["totals"]["failed"] == 1
    assert fleet["totals"]["refreshed"] == 3
    assert names["site-b"]["health"]["failed"] == 0 and names["site-b"]["health"]["headline"] == "OK"
    assert names["site-a"]["cluster_name"] != names["site-b"]["cluster_name"]
    assert names["site-dead"]["failed_task"] == "Read the cluster into the snapshot (failed)"
    assert names["site-dead"]["reason"] == names["site-dead"]["error"] and "Read the cluster" not in index
    assert names["site-dead"]["reason"] in index.replace("&#x27;", "'").replace("&quot;", '"')


def test_limited_runs_keep_the_index_whole(sim_factory, tmp_path):
    """M3: --limit c1 still writes the index; c2 keeps its earlier report; nothing is called failed wrongly."""
    sims = {"c1": sim_factory(profile="tiny", seed=21, now=now_iso()),
            "c2": sim_factory(profile="tiny", seed=22, now=now_iso())}
    out = tmp_path / "out"
    inv = inventory(tmp_path, dict((n, host_vars(s)) for n, s in sims.items()), asbuilt_output_dir=str(out))
    env = env_for(sims["c1"])
    run_playbook("asbuilt", tmp_path, inv, env, label="full").check()
    c2_run = os.path.basename(latest_run(out, "c2"))
    c1_first = os.path.basename(latest_run(out, "c1"))

    for label, limit in (("limit-c1", "c1"), ("limit-c1-localhost", "c1,localhost")):
        before = os.path.getmtime(out / "index.html")
        result = run_playbook("asbuilt", tmp_path, inv, env, label=label, extra_args=["--limit", limit]).check()
        assert "Fleet index:" in result.stdout
        assert os.path.getmtime(out / "index.html") > before          # rewritten, never left stale
        fleet, rows = _rows(out)
        c1_now = os.path.basename(latest_run(out, "c1"))
        assert c1_now != c1_first
        assert rows["c1"]["status"] == "refreshed" and rows["c1"]["link"] == "c1/%s/report.html" % c1_now
        assert rows["c2"]["status"] == "earlier" and not rows["c2"]["error"]
        assert rows["c2"]["link"] == "c2/%s/report.html" % c2_run and rows["c2"]["run"] == c2_run
        assert fleet["totals"]["failed"] == 0 and fleet["totals"]["reported"] == 2
        index = open(out / "index.html", encoding="utf-8").read()
        assert 'href="c2/%s/report.html"' % c2_run in index and "earlier run" in index
        assert 'class="badge bad">failed' not in index
        md = open(out / "index.md", encoding="utf-8").read()
        assert "earlier run (%s)" % c2_run in md and "FAILED" not in md
        c1_first = c1_now

    # a limited run that fails for its cluster: failed in this run, its last report still linked
    hosts = {"c1": dict(host_vars(sims["c1"]), vast_host="127.0.0.1:9", vast_timeout=3), "c2": host_vars(sims["c2"])}
    inv = inventory(tmp_path, hosts, asbuilt_output_dir=str(out))
    result = run_playbook("asbuilt", tmp_path, inv, env, label="limit-c1-dead", extra_args=["--limit", "c1"])
    assert result.rc != 0
    fleet, rows = _rows(out)
    assert rows["c1"]["status"] == "failed" and rows["c1"]["link"] == "c1/%s/report.html" % c1_first
    assert rows["c2"]["status"] == "earlier"
    assert fleet["totals"]["failed"] == 1


def test_an_offline_re_render_is_not_listed_as_refreshed(sim_factory, tmp_path):
    """User test 15, item 7: a re-render from a snapshot (collect_offline / collect_snapshot) was listed as
    "refreshed by this run" as if the cluster had been read; it says re-rendered from a snapshot, and its date."""
    import json
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"c1": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="online").check()
    with open(str(out / "fleet.json"), encoding="utf-8") as handle:
        assert json.load(handle)["clusters"][0]["status"] == "refreshed"
    offline = run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={"collect_offline": True},
                           label="offline").check()
    with open(str(out / "fleet.json"), encoding="utf-8") as handle:
        doc = json.load(handle)
    row = doc["clusters"][0]
    assert row["status"] == "rerendered" and row["status_text"] == "re-rendered from a snapshot by this run"
    assert doc["totals"]["refreshed"] == 0 and doc["totals"]["rerendered"] == 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "re-rendered by this run" in html and "from a snapshot of" in html
    assert "re-rendered by this run from a snapshot of" in (out / "index.md").read_text(encoding="utf-8")
    assert "1 re-rendered from a snapshot" in offline.stdout
