"""The report side of the user-test findings, on a `small` simulated cluster collected in-process.

Each test names the finding it proves (B1 resume banner, M2 verdicts, M3 fleet index, m4-m10, nits). The
snapshot is collected once per module; tests edit deep copies of it to build the case they need.
"""
import copy
import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import asbuilt_util, fleet, health, report_model
from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import Collector
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import compare
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html as drift_html
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_md as drift_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import point_latest
from ansible_collections.vastops.asbuilt.plugins.module_utils.report import render_files
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

pytestmark = [pytest.mark.simulator]

NOW = "2026-12-03T16:30:00Z"


def collect_small(**config):
    """The snapshot document of an in-process `small` simulator (seed 7, clock NOW) collected whole; *config*
    adds simulator settings (faults=[...])."""
    from simulator import Simulator, SimulatorConfig
    sim = Simulator(SimulatorConfig(port=0, profile="small", now=NOW, seed=7, **config)).start()
    try:
        params = {"host": sim.host, "username": "admin", "password": sim.users["admin"], "ca_path": sim.ca_path,
                  "retries": 1, "backoff": 0.01}
        with VastSession(params) as session:
            doc = Collector(session, gather_subset=["all"]).collect()
        return json.loads(json.dumps(doc, default=str))
    finally:
        sim.stop()


def not_collected(doc, subset, name):
    """*doc* as if the run had not asked for *subset*.*name* (collect_subsets)."""
    doc["vast_info"][subset].pop(name)
    doc["meta"]["resources"].pop("%s.%s" % (subset, name), None)
    return doc


@pytest.fixture(scope="module")
def small_doc():
    return collect_small()


@pytest.fixture
def doc(small_doc):
    return copy.deepcopy(small_doc)


def render(doc, findings=True, **kwargs):
    view = SnapshotView(doc)
    found = evaluate(view) if findings is True else findings
    files, model = render_files(view, found, **kwargs)
    return dict((k, v.decode("utf-8")) for k, v in files.items()), model, found


def xml(html):
    return ET.fromstring(html.split("\n", 1)[1])


def section(model, sid):
    return next(s for s in model["sections"] if s["id"] == sid)


def table(sec, title):
    return next(b for b in sec["blocks"] if b.get("type") == "table" and b.get("title") == title)


def remove(doc, subset, name, status="error", reason="Permission denied reading /api/v7/x/ (status 403)"):
    key = "%s.%s" % (subset, name)
    doc["vast_info"][subset].pop(name, None)
    doc["meta"]["resources"][key] = {"status": status, "reason": reason}
    if status == "error":
        doc["meta"].setdefault("errors", {})[key] = {"msg": reason, "status": 403}
    else:
        doc["meta"].setdefault("unavailable", {})[key] = reason


# ---- B1: resumed data is visible -----------------------------------------------------------------------------
def test_resumed_data_banner_and_collection_range(doc):
    doc["collected_at"] = "2026-12-03T16:30:00Z"
    doc["meta"]["elapsed_s"] = 90
    doc["meta"]["resumed"] = ["hardware.cnodes", "hardware.ssds"]
    doc["meta"]["resumed_from"] = "2026-12-03T16:05:12Z"
    doc["meta"]["resources"]["hardware.cnodes"].update(resumed=True, read_at="2026-12-03T16:05:12Z")
    doc["meta"]["resources"]["hardware.ssds"].update(resumed=True, read_at="2026-12-03T16:06:40Z")
    files, model, _f = render(doc, levels={"appendix": 1})
    html, md = files["report.html"], files["report.md"]
    for sid in ("executive_summary", "appendix"):
        banner = next(b for b in section(model, sid)["blocks"] if b["type"] == "banner")
        # m10 (issue 12): one sentence; the appendix's "Resources read" table lists the resumed resources
        assert not banner["rows"] and "2 of the " in banner["text"]
        assert "(read 2026-12-03 16:05 UTC to 2026-12-03 16:06 UTC)" in banner["text"]
    assert html.count('class="banner warn"') == 2
    assert "Part of this data was resumed from an earlier collection" in md
    # "Data collected" is the range from the earliest read to the end of the collection, on the cover and at a glance
    assert "2026-12-03 16:05 UTC to 2026-12-03 16:31 UTC (partly resumed from an earlier run)" in html
    at_a_glance = dict(next(b for b in section(model, "executive_summary")["blocks"]
                            if b["type"] == "kv" and b["title"] == "At a glance")["rows"])
    assert at_a_glance["Data collected"].startswith("2026-12-03 16:05 UTC to ")
    resources = table(section(model, "appendix"), "Resources read")
    status = dict((r[0], r[1]["badge"]) for r in resources["rows"])
    assert status["hardware.cnodes"] == "Resumed" and status["hardware.dnodes"] == "OK"
    report = json.loads(files["report.json"])
    assert report["summary"]["resumed"] == ["hardware.cnodes", "hardware.ssds"]


def test_no_banner_without_resumed_data(doc):
    files, model, _f = render(doc)
    assert "class=\"banner" not in files["report.html"]
    assert "partly resumed" not in files["report.html"]


# ---- M2: verdicts count the rules that did not run ------------------------------------------------------------
def test_verdict_is_never_ok_with_rules_not_evaluated():
    summary = {"rules": 46, "failed": 0, "passed": 5, "not_evaluated": 41, "not_applicable": 0, "disabled": 0,
               "by_severity": {"critical": 0, "major": 0, "minor": 0, "info": 0}, "worst": "none"}
    v = health.verdict(summary)
    assert v["verdict"] == "incomplete" and v["headline"] == "INCOMPLETE"
    assert v["detail"] == "5 passed, 41 not evaluated (data not collected)"
    summary.update(failed=1, passed=4, by_severity={"critical": 0, "major": 1, "minor": 0, "info": 0}, worst="major")
    assert health.verdict(summary)["detail"] == "1 major; 41 not evaluated (data not collected)"
    summary.update(failed=0, passed=46, not_evaluated=0, by_severity={"critical": 0, "major": 0, "minor": 0, "info": 0})
    assert health.verdict(summary) == {"verdict": "ok", "complete": True, "headline": "OK",
                                       "detail": "all 46 rules passed"}


def test_incomplete_health_check_reads_incomplete_everywhere(doc):
    """A misspelt tenant: nearly everything failed to read, the 5 rules that ran passed."""
    for key in list(doc["meta"]["resources"]):
        subset, name = key.split(".", 1)
        if name not in ("clusters",) and subset != "min" and name in doc["vast_info"].get(subset, {}):
            remove(doc, subset, name)
    files, model, findings = render(doc)
    summ = findings["summary"]
    assert summ["not_evaluated"] > 30 and summ["failed"] == 0 and summ["verdict"] == "incomplete"
    card = next(c for b in section(model, "executive_summary")["blocks"] if b["type"] == "cards"
                for c in b["cards"] if c["label"] == "Health")
    assert card["value"] == "INCOMPLETE" and card["tone"] != "ok"
    causes = summ["not_evaluated_causes"]          # issue 15: read errors are not called "not collected"
    assert causes["read_error"] > 30
    assert card["sub"] == "%d passed, %d not evaluated (data of %d could not be read, of %d not collected)" % (
        summ["passed"], summ["not_evaluated"], causes["read_error"], causes["not_collected"])
    html = files["report.html"]
    assert "all %d rules passed" % summ["passed"] not in html and "<div class=\"value\">OK<" not in html
    assert '<p class="verdict warn"><strong>INCOMPLETE</strong>' in html           # above the health bar
    para = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "para")["text"]
    assert "The health check is incomplete: only %d of 46 rules could be evaluated" % summ["passed"] in para
    assert "nothing to report" not in para
    assert "**Health: INCOMPLETE**" in files["report.md"]
    # the fleet index: never green, says how many were not evaluated and which sections lack data
    summary = json.loads(files["report.json"])["summary"]
    doc_ = fleet.fleet_document([{"name": "c1", "summary": dict(summary, html="/o/c1/r/report.html")}], "/o")
    index, index_md = fleet.render_html(doc_), fleet.render_md(doc_)
    assert '<span class="badge warn">INCOMPLETE</span>' in index and "badge ok\">all" not in index
    assert "%d not evaluated" % summ["not_evaluated"] in index
    assert "no data for " in index and "Hardware and racks" in index
    assert "INCOMPLETE: %d passed, %d not evaluated" % (summ["passed"], summ["not_evaluated"]) in index_md
    assert doc_["totals"]["incomplete"] == 1


def test_index_says_not_checked_without_a_health_check(doc):
    files, _model, _f = render(doc, findings=None)
    summary = json.loads(files["report.json"])["summary"]
    assert summary["health"] is None
    doc_ = fleet.fleet_document([{"name": "c1", "summary": dict(summary, html="/o/c1/r/report.html")}], "/o")
    md = fleet.render_md(doc_)
    row = next(line for line in md.splitlines() if line.startswith("| [c1]"))
    assert "not checked" in row and "| OK" not in row
    assert '<span class="badge muted">not checked</span>' in fleet.render_html(doc_)


# ---- m10: not applicable is not "not evaluated" ---------------------------------------------------------------
def test_release_gaps_are_not_applicable(doc):
    remove(doc, "security", "apitokens", status="unavailable",
           reason="needs VAST 5.3 or later; the cluster runs 4.7.0.2.11661318609139099603")
    files, model, findings = render(doc)
    by_id = dict((r["id"], r) for r in findings["results"])
    for rule in ("VAST-SEC-003", "VAST-SEC-004"):
        assert by_id[rule]["status"] == "not_applicable"
        assert by_id[rule]["reason"] == "API tokens arrive in VAST 5.3 (this cluster runs 4.7.0)"
    summ = findings["summary"]
    assert summ["not_applicable"] == 2 and summ["not_evaluated"] == 0 and summ["complete"]
    assert "2 not applicable to this release" in summ["detail"]
    html = files["report.html"]
    assert "Rules not applicable to this release" in html and "could not be evaluated" not in html
    assert "lack of data" not in html
    assert "2 rules do not apply to this VAST release." in files["report.md"]


# ---- m4: switches ------------------------------------------------------------------------------------------
def test_switch_ports_count_nodes_not_peer_links(doc):
    files, model, _f = render(doc)
    sec = section(model, "switches")
    per_switch = table(sec, "Ports per switch")
    ports = doc["vast_info"]["switches"]["ports"]
    for row in per_switch["rows"]:
        mine = [p for p in ports if p["switch"].split(" ")[0] == row[0]]
        to_nodes = [p for p in mine if p.get("connected_host") and p.get("model") != "ipl"]
        assert row[3] == len(to_nodes) and row[4] == sum(1 for p in mine if p.get("model") == "ipl")
        assert row[5] == sum(1 for p in mine if not p.get("connected_host"))
        assert "x" in row[6] and not row[6].startswith("-") and " x -" not in row[6] and "- x" not in row[6]
    listed = table(sec, "Switch ports")
    assert all(r[2] in ("node", "inter-switch (IPL)") for r in listed["rows"])          # connected first, unused
    assert not any(r[3]["badge"] == "Inactive" for r in listed["rows"])                 # not red INACTIVE rows
    assert listed["total"] == sum(1 for p in ports if p.get("connected_host"))
    unused = [b for b in sec["blocks"] if b["type"] == "note" and "not connected" in b["text"]]
    assert unused and "swp13-swp30" in unused[0]["text"]
    from ansible_collections.vastops.asbuilt.plugins.module_utils.report_build_config import compact_names
    assert compact_names(["swp5", "swp6", "swp7", "swp9", "eth0"]) == "eth0, swp5-swp7, swp9"


# ---- m5: identity providers ----------------------------------------------------------------------------------
def test_identity_providers_name_the_tenant_and_ldap_servers(doc):
    _files, model, _f = render(doc)
    sec = section(model, "security")
    idp = next(b for b in sec["blocks"] if b.get("type") == "table" and "Account / servers" in b["columns"])
    tenants = dict((t["id"], t["name"]) for t in doc["vast_info"]["logical"]["tenants"])
    for ldap in doc["vast_info"]["security"]["ldaps"]:
        row = next(r for r in idp["rows"] if r[0] == "LDAP")
        assert row[2] == ", ".join(ldap["urls"]) and row[4] == tenants[ldap["tenant_id"]]
    assert not any(r[4] in (1, "1") for r in idp["rows"])


# ---- m6: rule text agrees with the tables ---------------------------------------------------------------------
def test_rule_texts_agree_with_the_tables(doc):
    _files, model, findings = render(doc)
    by_id = dict((r["id"], r) for r in findings["results"])
    certs = doc["vast_info"]["security"]["certificates"]
    assert by_id["VAST-SEC-005"]["observed"].startswith(
        "%d certificates (and their %d CA certificates)" % (len(certs), len(certs)))
    assert "CBoxes not checked" in by_id["VAST-HW-013"]["observed"]
    boxes = next(b for b in section(model, "hardware")["blocks"] if b.get("type") == "note" and "CBox" in b["text"])
    assert "UNKNOWN" in boxes["text"] and "CNodes" in boxes["text"]
    crit = [a for a in doc["vast_info"]["monitoring"]["alarms"] if a["severity"] == "CRITICAL"]
    objects = sorted(set(a["object_name"] for a in crit))
    mon = by_id["VAST-MON-001"]
    assert [i["object"] for i in mon["items"]] == objects                 # one item per object, never twice
    assert mon["message"].startswith("%d object" % len(objects))
    if len(objects) < len(crit):
        assert "%d alarms:" % len(crit) in mon["items"][0]["detail"]


# ---- m9: every capped table points to a CSV ------------------------------------------------------------------
def test_every_capped_table_points_to_a_csv(doc):
    files, model, _f = render(doc, levels={"logical": 3, "data_protection": 3, "monitoring": 3, "network": 3},
                              options={"rows_full": 20})
    capped = [b for s in model["sections"] for b in s["blocks"] if b.get("type") == "table"
              and b.get("total", 0) > len(b["rows"]) and b.get("more") is None]
    assert capped
    for block in capped:
        assert block["csv"] and block["csv"] in files, block["title"]
        rows = list(csv.reader(io.StringIO(files[block["csv"]])))
        assert len(rows) - 1 >= block["total"], block["title"]
    for name in ("quotas.csv", "viewpolicies.csv"):
        assert name in files
    html = files["report.html"]
    assert "Raise the section's detail level" not in html
    assert "The full list is in <code>quotas.csv</code>." in html


def test_quotas_capped_at_level_two_point_to_quotas_csv(doc):
    files, model, _f = render(doc)
    quotas = table(section(model, "logical"), "Quotas")
    assert quotas["total"] == len(doc["vast_info"]["logical"]["quotas"]) > len(quotas["rows"])
    assert quotas["csv"] == "quotas.csv"
    assert len(files["quotas.csv"].splitlines()) == quotas["total"] + 1
    policies = table(section(model, "logical"), "View policies")
    assert policies["csv"] == "viewpolicies.csv"


# ---- m7: directory names ---------------------------------------------------------------------------------------
def test_cluster_directory_names():
    assert asbuilt_util.dir_name("vast-prod-1") == "vast-prod-1" and asbuilt_util.dir_name("lab_2.x") == "lab_2.x"
    tokyo, osaka = asbuilt_util.dir_name("東京-vast"), asbuilt_util.dir_name("大阪-vast")
    assert tokyo != osaka and re.match(r"^vast-[0-9a-f]{8}$", tokyo)
    evil = asbuilt_util.dir_name("../evil/Tälon lab#1")
    assert re.match(r"^evil_Talon_lab_1-[0-9a-f]{8}$", evil) and "/" not in evil
    for name in (".hidden", "..", ".", "", "index.html", "-x", "a b", "a_b "):
        out = asbuilt_util.dir_name(name)
        assert out and not out.startswith((".", "-")) and "/" not in out and out not in ("index.html", "..")
    name = asbuilt_util.dir_name
    assert name("a b") != name("a_b") and name("a b") == name("a b")           # distinct and stable


# ---- nits -------------------------------------------------------------------------------------------------------
def test_capacity_figures_add_up_and_round_alike(doc):
    files, model, _f = render(doc)
    card = next(c for b in section(model, "executive_summary")["blocks"] if b["type"] == "cards"
                for c in b["cards"] if c["label"] == "Usable capacity")
    total = float(card["value"].split()[0])
    pct, free = re.match(r"^([\d.]+)% used, ([\d.]+) TB free$", card["sub"]).groups()
    kv = dict(next(b for b in section(model, "capacity")["blocks"] if b["type"] == "kv")["rows"])
    used = float(kv["Usable in use"].split()[0])
    assert round(used + float(free), 1) == total
    para = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "para")["text"]
    assert "%s%% of it in use" % pct in para
    assert "%s%%" % pct in files["report.html"].split('class="donut-value">', 1)[1][:10]
    assert asbuilt_util.human_bytes_split(517997054147818, 297800000000000 + 49000000000) == ("518.0 TB", "297.8 TB", "220.2 TB")


def test_words_read_naturally(doc):
    assert asbuilt_util.plural(1, "cluster") == "1 cluster" and asbuilt_util.plural(2, "box", "boxes") == "2 boxes"
    assert asbuilt_util.human_duration("1 00:00:00") == "1 day" and asbuilt_util.human_duration("01:00:00") == "1 hour"
    assert asbuilt_util.human_duration("00:15:00") == "15 minutes" and asbuilt_util.human_duration("2 03:00:00") == "2 days 3 hours"
    assert report_model.state_label("LOCAL_ACTIVE") == "Local active" and report_model.state_label("ACTIVE") == report_model.state_label("Active")
    assert report_model.badge("ok", "ok")["badge"] == "OK" and report_model.badge("3 rules")["badge"] == "3 rules"
    assert report_model.kind_label("Cnode") == "CNode" and report_model.kind_label("dnode") == "DNode"
    doc["vast_info"]["logical"]["tenants"] = doc["vast_info"]["logical"]["tenants"][:1]
    doc["vast_info"]["network"]["network_settings"][0]["management_vips"] = ["10.0.0.1"]
    doc["vast_info"]["switches"]["switches"] = doc["vast_info"]["switches"]["switches"][:1]
    files, model, findings = render(doc)
    one_many = re.compile(r"\b1 (switches|DNS resolvers|NTP servers|management VIPs|VIP pools|nodes|devices|"
                          r"quotas|views|peers|targets|boxes|recipients|domains|alarms|objects|days|tenants)\b")
    for result in findings["results"]:
        assert not one_many.search("%s %s" % (result["observed"], result["message"])), result["id"]
    html = files["report.html"]
    assert "1 tenants" not in html and "1 tenant<" in html
    assert "1 00:00:00" not in html and "1 hour / 1 day" in html
    assert ">Cnode<" not in html and ">Dnode<" not in html
    badges = set(re.findall(r'<span class="badge [a-z]+">([^<]*)</span>', html))
    assert "LOCAL_ACTIVE" not in badges and "ACTIVE" not in badges and "Active" in badges


def test_rack_legend_names_collisions_only_when_there_are_some(doc):
    files, _model, _f = render(doc)
    assert "unit claimed twice" not in files["report.html"]
    boxes = doc["vast_info"]["hardware"]["dboxes"]
    boxes[1]["rack_unit"] = boxes[0]["rack_unit"]
    boxes[1]["rack_name"] = boxes[0]["rack_name"]
    files, _model, _f = render(doc)
    assert "unit claimed twice" in files["report.html"]


def test_drift_names_runs_and_views(doc, tmp_path):
    before = copy.deepcopy(doc)
    after = copy.deepcopy(doc)
    before["collected_at"], after["collected_at"] = "2026-12-03T16:30:05Z", "2026-12-03T16:30:48Z"
    view = dict(after["vast_info"]["logical"]["views"][0], guid="new-guid", id=999999, name="drift-view",
                path="/drift/new-view")
    after["vast_info"]["logical"]["views"].append(view)
    paths = []
    for name, d in (("20261203T163005Z", before), ("20261203T163048Z", after)):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "snapshot.json"
        path.write_text(json.dumps(d))
        paths.append(str(path))
    from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import load_snapshot
    result = compare(load_snapshot(paths[0]), load_snapshot(paths[1]))
    assert [i["label"] for i in result["resources"]["views"]["added"]] == ["drift-view (/drift/new-view)"]
    html, md = drift_html(result), drift_md(result)
    for text in (html, md):
        assert "run 20261203T163005Z, collected 2026-12-03 16:30:05 UTC" in text
        assert "run 20261203T163048Z, collected 2026-12-03 16:30:48 UTC" in text


# ---- M3: the fleet index lists the latest report of every cluster --------------------------------------------
def test_fleet_lists_latest_reports_and_failures_of_this_run_only(doc, tmp_path):
    out = tmp_path / "out"
    files, _model, findings = render(doc)
    summaries = {}
    for name, run in (("c1", "20261201T100000Z"), ("c2", "20261202T110000Z")):
        rundir = out / name / run
        rundir.mkdir(parents=True)
        for fname in ("report.html", "report.json"):
            (rundir / fname).write_text(files[fname])
        point_latest(str(out / name), str(rundir))
        summaries[name] = dict(json.loads(files["report.json"])["summary"], html=str(rundir / "report.html"))
    doc_ = fleet.fleet_document([
        {"name": "c1", "summary": summaries["c1"], "dir": str(out / "c1")},          # refreshed by this run
        {"name": "c2", "dir": str(out / "c2")},                                     # not part of this run
        {"name": "c3", "dir": str(out / "c3"), "error": "Read the cluster: 401"},   # failed, no earlier report
        {"name": "c4", "dir": str(out / "c4")},                                     # never reported, not in run
        {"name": "c5", "dir": str(out / "c2"), "error": "timeout"},                 # failed, has an old report
    ], str(out))
    rows = dict((r["name"], r) for r in doc_["clusters"])
    assert [rows[n]["status"] for n in ("c1", "c2", "c3", "c4", "c5")] == [
        "refreshed", "earlier", "failed", "missing", "failed"]
    assert rows["c2"]["link"] == "c2/20261202T110000Z/report.html" and rows["c2"]["run"] == "20261202T110000Z"
    assert rows["c5"]["link"] == "c2/20261202T110000Z/report.html"
    t = doc_["totals"]
    assert (t["clusters"], t["reported"], t["refreshed"], t["earlier"], t["failed"], t["missing"]) == (5, 3, 1, 1, 2, 1)
    html, md = fleet.render_html(doc_), fleet.render_md(doc_)
    assert "earlier run" in html and "20261202T110000Z" in html
    assert "c4</td>" in html and "no report yet" in html
    assert "FAILED in this run: timeout; last report 20261202T110000Z" in md
    assert "5 clusters (1 refreshed by this run, 1 from an earlier run, 2 failed, 1 without a report)" in md
    assert "1 clusters" not in md and "1 findings" not in html and "1 findings" not in md
    assert not os.path.exists(out / "c4")
