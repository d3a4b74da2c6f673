"""The fourth user review (issue 14: drift between clusters and releases, and report nits A-H).

Reuses the in-process `small` snapshot of test_report_fixes.py; each test names the finding it proves. The playbook
side of A (vast_drift's [WARNING]) is proved by tests/integration/roles/test_drift_clusters.py.
"""
import copy
import json
import os
import re

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import asbuilt_util, compat, fleet
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import compare
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html, render_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import RULES
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes, point_latest
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView, load_snapshot

from test_report_fixes import doc, remove, render, section, small_doc, table  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.simulator]

BUILD = "5.3.1.2.11661318609139099603"          # the small profile's sw_version


def _drift(before, after):
    result = compare(SnapshotView(before), SnapshotView(after))
    return result, render_md(result), render_html(result), json_bytes(result).decode("utf-8")


def _set_cluster(doc, **fields):
    for subset in doc["vast_info"].values():
        for rec in subset.get("clusters") or []:
            rec.update(fields)
    for key in ("guid", "name"):
        if key in fields:
            doc["meta"]["cluster"][key] = fields[key]
    if "sw_version" in fields:
        doc["meta"]["sw_version"] = fields["sw_version"]


def _texts(sec):
    return " ".join(str(b.get("text") or "") for b in sec["blocks"])


# ---- A: drift between two clusters, and between two releases -----------------------------------------------------
def test_drift_of_two_clusters_sharing_a_name_warns_everywhere(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    _set_cluster(after, guid="00000000-1111-2222-3333-444444444444")           # same name, another cluster
    result, md, html, js = _drift(before, after)
    assert result["same_cluster"] is False
    assert len(result["warnings"]) == 1
    warning = result["warnings"][0]
    assert warning.startswith("The two snapshots come from different clusters (their guids differ, although both "
                              "are named talon-lab-07)")
    assert "00000000-1111-2222-3333-444444444444" in warning
    assert "> **Warning:** The two snapshots come from different clusters" in md
    assert '<p class="note warn">The two snapshots come from different clusters' in html
    assert json.loads(js)["warnings"] == result["warnings"]


def test_drift_of_two_clusters_without_guid_compares_names(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    for d in (before, after):
        _set_cluster(d, guid=None)
    assert _drift(before, after)[0]["same_cluster"] is True                  # same name, no guid: one cluster
    _set_cluster(after, name="other-cluster")
    result, md, _html, _js = _drift(before, after)
    assert result["same_cluster"] is False
    assert "their names differ and neither snapshot records a guid" in result["warnings"][0]
    assert "before talon-lab-07, after other-cluster" in md


def test_drift_of_one_cluster_has_no_warning(doc):
    result, md, html, _js = _drift(copy.deepcopy(doc), copy.deepcopy(doc))
    assert result["same_cluster"] and result["warnings"] == [] and result["notes"] == []
    assert not result["release"]["changed"]
    for text in (md, html):
        assert "different clusters" not in text and "release changed" not in text.lower()


def test_drift_says_a_release_change_at_the_top_and_flags_a_downgrade(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    _set_cluster(after, sw_version="4.7.0.1.12345678901234567890")
    remove(after, "security", "apitokens", status="unavailable",
           reason="needs VAST 5.3 or later; the cluster runs 4.7.0")
    result, md, html, _js = _drift(before, after)
    assert result["release"] == {"before": "5.3.1", "after": "4.7.0", "changed": True, "downgrade": True}
    downgrade = ("release changed 5.3.1 -> 4.7.0 (a downgrade: the after snapshot runs an older release than the "
                 "before snapshot)")
    assert result["warnings"] == [downgrade] and result["notes"] == []
    # at the top: before the headline and every resource
    head = md.split("\n## ")[0].split("\n**")[0]
    assert "> **Warning:** Release changed 5.3.1 -> 4.7.0 (a downgrade: " in head
    assert '<p class="note warn">Release changed 5.3.1 -&gt; 4.7.0 (a downgrade: ' in html
    assert html.index("Release changed") < html.index("<h3>")
    # a resource the after snapshot's release does not serve is not "collected only in the before snapshot"
    assert result["not_compared"]["apitokens"] == "not applicable to the after snapshot's release"
    assert "collected only in the before snapshot" not in md
    assert "apitokens" not in render_md(result).split("**")[2]            # not counted as a gap in the headline


def test_drift_upgrade_is_a_note_not_a_warning(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    _set_cluster(after, sw_version="5.4.0.1.12345678901234567890")
    result, md, _html, _js = _drift(before, after)
    assert result["notes"] == ["release changed 5.3.1 -> 5.4.0"] and result["warnings"] == []
    head = md.split("\n## ")[0]                                          # the lines above the first resource
    assert "VAST 5.3.1" in head and "VAST 5.4.0" in head and BUILD not in head
    assert "> Release changed 5.3.1 -" in head and "downgrade" not in head and "Warning" not in head


# ---- B: a snapshot read through the cluster's `latest` link names its real run ------------------------------------
def test_drift_names_the_real_run_behind_latest(doc, tmp_path):
    cluster_dir = tmp_path / "talon-lab-07"
    runs = ("20261202T163000Z", "20261203T163005Z")
    for run in runs:
        (cluster_dir / run).mkdir(parents=True)
        (cluster_dir / run / "snapshot.json").write_text(json.dumps(doc))
    point_latest(str(cluster_dir), str(cluster_dir / runs[1]))
    before = load_snapshot(str(cluster_dir / runs[0] / "snapshot.json"))
    after = load_snapshot(str(cluster_dir / "latest" / "snapshot.json"))
    result = compare(before, after)
    assert result["after"]["run"] == runs[1] and result["before"]["run"] == runs[0]
    md = render_md(result)
    assert "**After:** run %s, collected" % runs[1] in md and "run latest" not in md
    # where no link could be made (latest is a plain directory), latest.txt names the run
    os.unlink(str(cluster_dir / "latest"))
    (cluster_dir / "latest").mkdir()
    (cluster_dir / "latest" / "snapshot.json").write_text(json.dumps(doc))
    assert compare(before, load_snapshot(str(cluster_dir / "latest" / "snapshot.json")))["after"]["run"] == runs[1]


# ---- C: the tenant and the identity providers name the AD domain alike -------------------------------------------
def test_tenant_names_its_ad_provider_by_the_providers_title(doc):
    ad = doc["vast_info"]["security"]["activedirectory"][0]
    tenant = next(t for t in doc["vast_info"]["logical"]["tenants"] if t.get("ad_provider_id") == ad["id"])
    assert tenant["ad_title"] == ad["title"] == ad["domain_name"] == "corp.talon.example.com"
    files, _model, _f = render(doc)
    md = files["report.md"]
    assert "| default | AD corp.talon.example.com |" in md
    assert "| Active Directory | corp.talon.example.com |" in md
    assert "AD talon.example.com" not in md


# ---- D: passed rules say what was checked, in positive words ------------------------------------------------------
def test_passed_rules_read_as_passes(doc):
    assert all(r.get("check_title") for r in RULES) and len(set(r["check_title"] for r in RULES)) == len(RULES)
    files, model, findings = render(doc)
    md, html = files["report.md"], files["report.html"]
    by_id = dict((r["id"], r) for r in findings["results"])
    assert by_id["VAST-CL-001"]["status"] == "pass" and by_id["VAST-MON-001"]["status"] == "fail"
    assert "### Rules passed\n\n| Rule | Severity | Check | Observed |" in md
    assert "| VAST-CL-001 | critical | Cluster ONLINE, leader UP | state ONLINE |" in md
    assert "| VAST-CL-001 | critical | Cluster not ONLINE |" not in md
    assert "Cluster not ONLINE" not in html
    assert "<td>Cluster ONLINE, leader UP</td>" in html
    # failed rules keep their problem title
    assert "#### CRITICAL VAST-MON-001: Critical alarms open" in md
    assert "| Critical | VAST-MON-001 | Critical alarms open |" in md


# ---- E: sizes in one format, lists with ", " ----------------------------------------------------------------------
def test_sizes_use_the_report_formatter_and_lists_a_comma_and_space(doc):
    assert asbuilt_util.human_bytes("320 TB") == "320.0 TB" and asbuilt_util.human_bytes("3152 MB") == "3.2 GB"
    assert asbuilt_util.human_bytes("1.5 TiB") == "1.6 TB" and asbuilt_util.human_bytes("Unlimited") == "Unlimited"
    files, model, _f = render(doc)
    md = files["report.md"]
    peers = table(section(model, "data_protection"), "Replication peers")
    records = doc["vast_info"]["protection"]["nativereplicationremotetargets"]
    assert [r[-1] for r in peers["rows"]] == [asbuilt_util.human_bytes(r["space_left"]) for r in records]
    assert all(re.match(r"^\d+\.\d (TB|GB)$", r[-1]) for r in peers["rows"])
    bundles = table(section(model, "monitoring"), "Support bundles")
    sizes = [r[3] for r in bundles["rows"]]
    assert sizes and all(re.match(r"^\d+\.\d (MB|GB)$", s) for s in sizes), sizes
    assert not re.search(r"\| \d+ (TB|MB|GB) \|", md)
    assert "| Syslog hosts | 192.0.2.60, 192.0.2.61 |" in md


# ---- F: the events line is one sentence ---------------------------------------------------------------------------
def test_truncated_events_read_as_one_sentence(doc):
    events = doc["vast_info"]["monitoring"]["events"]
    del events[100:]
    doc["meta"]["resources"]["monitoring.events"].update(count=100, total=5000, truncated=True)
    files, model, _f = render(doc)
    text = _texts(section(model, "monitoring"))
    assert ("Events: the newest 100 of the 5,000 events the cluster holds were read (collect_events_max). "
            "events.csv lists those 100.") in text
    assert "Events: truncated:" not in text and "):" not in text


# ---- G: the Markdown fleet index has the columns and figures of the HTML one --------------------------------------
def test_fleet_markdown_has_the_html_columns_and_clean_failure_cells(doc, tmp_path):
    files, _model, _f = render(doc)
    summary = json.loads(files["report.json"])["summary"]
    run = tmp_path / "c2" / "20261202T110000Z"
    run.mkdir(parents=True)
    for name in ("report.html", "report.json"):
        (run / name).write_text(files[name])
    reason = "the tenant 'nope' is not known to the cluster (set tenant)."
    doc_ = fleet.fleet_document([{"name": "c1", "summary": dict(summary, html=str(tmp_path / "c1/r/report.html"))},
                                 {"name": "c2", "dir": str(tmp_path / "c2"), "error": reason}], str(tmp_path))
    md, html = fleet.render_md(doc_), fleet.render_html(doc_)
    assert "| Cluster | VAST release | Capacity used | CNodes / DNodes | Health | Data collected | Report |" in md
    assert "<th>VAST release</th>" in html and "<th class=\"num\">CNodes / DNodes</th>" in html
    c1 = next(line for line in md.splitlines() if line.startswith("| [c1]"))
    assert "| 5.3.1 | 57.5% of 518.0 TB | 8 / 4 |" in c1
    assert ">57.5% of 518.0 TB<" in html and ">8 / 4<" in html and ">5.3.1<" in html
    assert "(talon-lab-07)" in c1                                        # the cluster's own name, as in index.html
    assert "(set tenant); last report 20261202T110000Z" in md
    assert ".;" not in md
    for text in (md, html):
        assert BUILD not in text


# ---- H: the release in prose and summaries, the full build once -------------------------------------------------
def test_release_in_prose_and_the_build_once(doc):
    files, model, _f = render(doc)
    md, html = files["report.md"], files["report.html"]
    assert "- **VAST release:** 5.3.1\n" in md
    assert "talon-lab-07 \u2014 VAST 5.3.1</p>" in html
    glance = dict(next(b for b in section(model, "executive_summary")["blocks"]
                       if b["type"] == "kv" and b["title"] == "At a glance")["rows"])
    assert glance["VAST release"] == "5.3.1" and "Software version" not in glance
    identity = dict(next(b for b in section(model, "cluster")["blocks"] if b.get("title") == "Identity and state")["rows"])
    assert identity["Software build"] == BUILD
    assert identity["Release"] == "5.3.1 (release-5.3.1-sp2-1781527)"
    collection = dict(next(b for b in section(model, "appendix")["blocks"] if b.get("title") == "Collection")["rows"])
    assert collection["VAST release"] == "5.3.1"
    assert md.count(BUILD) == 1 and html.count(BUILD) == 1
    assert "| Software build | %s |" % BUILD in md


def test_release_messages_name_the_release():
    resource = compat.Resource("health", "health/", kind="object", min_release="5.4")
    assert resource.availability(BUILD) == (False, "needs VAST 5.4 or later; the cluster runs 5.3.1")
    assert asbuilt_util.release_text(BUILD) == "5.3.1" and asbuilt_util.release_text("5.3") == "5.3.0"
