"""The report side of the third user review (findings 1-10 of issue 13: report wording and Markdown form).

Reuses the in-process `small` snapshot of test_report_fixes.py; each test names the finding it proves.
"""
import json
import re

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import asbuilt_util, fleet, report_md, versions
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import NOW, doc, render, section, small_doc  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.simulator]

RANGE = versions.supported_range_text()                  # "4.7 <= release < 6.0"


def _blocks(model, sid, kind):
    return [b for b in section(model, sid)["blocks"] if b.get("type") == kind]


def _headings(md):
    return [(len(m.group(1)), m.group(2)) for m in re.finditer(r"^(#{1,6}) (.*)$", md, re.M)]


# ---- 1: a chart drawn as a Markdown table has column headers ------------------------------------------------------
def test_chart_tables_have_column_headers(doc):
    files, model, _f = render(doc, options={"rows_detail": 5})      # the directory table is shorter than the chart
    md = files["report.md"]
    assert "| - | - |\n|---|---|" not in md
    assert "### Views by protocol\n\n| Protocol | Views |\n|---|---|\n| NFS | " in md
    assert "### Largest directories (usable capacity)\n\n| Directory | Used |\n|---|---|\n| /projects | " in md
    bars = _blocks(model, "capacity", "bars")[0]
    assert bars["columns"] == ["Directory", "Used"]


# ---- 2: Markdown does not print the largest directories twice --------------------------------------------------
def test_largest_directories_are_not_repeated_in_markdown(doc):
    files, model, _f = render(doc)
    md, html = files["report.md"], files["report.html"]
    assert "Largest directories" not in md
    table = next(b for b in section(model, "capacity")["blocks"] if b.get("title") == "Capacity by directory")
    bars = _blocks(model, "capacity", "bars")[0]
    assert [r[0] for r in table["rows"][:len(bars["items"])]] == [i[0] for i in bars["items"]]   # the same rows
    assert "### Capacity by directory\n\n| Directory | Usable |" in md
    assert "<h3>Largest directories (usable capacity)</h3>" in html and '<svg class="bars"' in html   # HTML: chart


# ---- 3: Markdown heading levels never skip one --------------------------------------------------------------------
def test_markdown_heading_levels_are_consecutive(doc):
    files, _model, findings = render(doc)
    assert findings["summary"]["failed"]
    heads = _headings(files["report.md"])
    for (before, _t1), (after, title) in zip(heads, heads[1:]):
        assert after <= before + 1, "%s jumps from level %d to %d" % (title, before, after)
    assert (3, "Findings") in heads and [h for h in heads if h[0] == 4]
    assert "<h3>Findings</h3>" in files["report.html"]


# ---- 4: Markdown text is escaped for Markdown, never HTML-escaped ------------------------------------------------
def test_markdown_escapes_for_markdown_not_html():
    assert report_md.md("VAST 6.1 is newer (%s)." % RANGE) == "VAST 6.1 is newer (4.7 <= release < 6.0)."
    assert report_md.md("<script>a & b</script>") == "\\<script>a & b\\</script>"
    assert report_md.md("&lt;b&gt; &#60;") == "\\&lt;b\\&gt; \\&#60;"
    assert report_md.md("> not a quote") == "\\> not a quote" and report_md.md("a|b_c*") == "a\\|b\\_c\\*"


def test_supported_range_reads_as_written_in_report_and_index(doc, tmp_path):
    warning = versions.check_supported(versions.VastVersion("6.1.0"), allow_newer=True)[0]
    doc["meta"].setdefault("session", {})["warnings"] = [warning]
    files, _model, _f = render(doc)
    assert "| Warning | VAST 6.1.0 is outside the supported range (%s)" % RANGE in files["report.md"]
    error = str(versions.UnsupportedVersion("VAST 4.6.0 is older than this collection supports (%s)." % RANGE))
    doc_ = fleet.fleet_document([{"name": "old", "dir": str(tmp_path / "old"),
                                  "error": "Read the cluster into the snapshot (failed): %s" % error}], str(tmp_path))
    index = fleet.render_md(doc_)
    assert "(%s)" % RANGE in index
    for text in (files["report.md"], index):
        assert "&lt;" not in text and "&gt;" not in text


# ---- 5: the detail level is said once, in the appendix, not under every section ----------------------------------
def test_sections_do_not_repeat_their_detail_level(doc):
    files, model, _f = render(doc)
    for name in ("report.md", "report.html"):
        assert "Detail level" not in files[name] and 'class="level"' not in files[name]
    levels = next(b for b in section(model, "appendix")["blocks"] if b.get("title") == "Report sections and detail levels")
    assert dict(levels["rows"])["Capacity"] == "2 (detail)" and len(levels["rows"]) == len(model["sections"])
    assert files["report.md"].count("| Capacity | 2 (detail) |") == 1


# ---- 6: the fleet index gives the reason of a failure, not the task that failed ------------------------------------
def test_fleet_failure_shows_the_reason_without_the_task_name(tmp_path):
    reason = "Cannot connect to 127.0.0.1:9: Connection refused. Hint: check host and port."
    doc_ = fleet.fleet_document([
        {"name": "c1", "dir": str(tmp_path / "c1"), "error": reason, "failed_task": "Read the cluster into the snapshot"},
        {"name": "c2", "dir": str(tmp_path / "c2"), "error": "Some new task: disk full", "failed_task": "Some new task"},
        {"name": "c3", "dir": str(tmp_path / "c3"), "error": "A local file operation failed: disk full"},
    ], str(tmp_path))
    rows = dict((r["name"], r) for r in doc_["clusters"])
    assert rows["c1"]["reason"] == rows["c1"]["error"] == reason                          # the playbook's form
    assert rows["c1"]["failed_task"] == "Read the cluster into the snapshot"             # fleet.json keeps it
    assert rows["c2"]["reason"] == "disk full" and rows["c2"]["error"] == "Some new task: disk full"   # joined
    assert rows["c3"]["reason"] == "A local file operation failed: disk full"            # no task name: kept whole
    md, html = fleet.render_md(doc_), fleet.render_html(doc_)
    for text in (md, html):
        assert "Read the cluster" not in text and "Some new task" not in text
    assert "FAILED in this run: %s; no earlier report" % report_md.md(reason[:-1]) in md     # no ".;"
    assert "FAILED in this run: disk full; no earlier report" in md


# ---- 7: an empty value reads as words, never as a Python None / True / False ---------------------------------------
def test_nothing_configured_reads_as_words(doc):
    files, model, _f = render(doc)
    md, html = files["report.md"], files["report.html"]
    assert doc["vast_info"]["protection"]["globalsnapstreams"] == []
    notes = [b["text"] for b in section(model, "data_protection")["blocks"] if b.get("type") == "note"]
    assert "No global snapshot clone is configured." in notes
    for text in (md, re.sub(r"<[^>]+>", " ", html)):
        assert not re.search(r"\bNone\b(?! configured)", text) and not re.search(r"\b(True|False)\b", text)


def test_health_details_never_print_none(doc):
    hw = doc["vast_info"]["hardware"]
    hw["ssds"][0].pop("state", None)
    hw["ssds"][0]["name"] = hw["ssds"][0]["title"] = hw["ssds"][0]["hostname"] = None
    hw["ssds"][0].pop("id", None)
    protection = doc["vast_info"]["protection"]
    protection["nativereplicationremotetargets"][0]["state"] = None
    protection["nativereplicationremotetargets"][0]["health"] = None
    protection["replicationtargets"][0]["state"] = None
    results = dict((r["id"], r) for r in evaluate(SnapshotView(doc))["results"])
    details = [i["object"] + " " + i["detail"] for rid in ("VAST-HW-002", "VAST-DP-002", "VAST-DP-004")
               for i in results[rid]["items"]]
    assert details and not [d for d in details if "None" in d]
    assert "unnamed state not reported, in %s" % hw["ssds"][0]["dbox"] in details
    assert any("state not reported, health not reported" in d for d in details)


# ---- 8: the replication lag finding gives the time as the report does, and days beyond 48 hours -------------------
def _lagging(doc, hours):
    doc["collected_at"] = NOW                                    # the time the rules judge ages against
    path = next(p for p in doc["vast_info"]["protection"]["protectedpaths"] if not p.get("is_local", True))
    when = asbuilt_util.parse_time(NOW) - __import__("datetime").timedelta(hours=hours, minutes=-2)
    path["last_restore_point_time"] = when.strftime("%Y-%m-%dT%H:%M:%S.123456Z")
    return path["name"]


def test_replication_lag_says_the_time_and_age_like_the_report(doc):
    name = _lagging(doc, 791)
    files, _model, findings = render(doc)
    lag = next(r for r in findings["results"] if r["id"] == "VAST-DP-003")
    detail = dict((i["object"], i["detail"]) for i in lag["items"])[name]
    assert detail == "last restore point 2026-10-31 17:32 UTC (33 days ago)"
    assert "hours ago" not in files["report.md"] and "T17:32" not in files["report.md"]
    assert "Dates were judged against 2026-12-03 16:30 UTC (the collection time)." in files["report.html"]


def test_replication_lag_of_up_to_two_days_in_hours(doc):
    name = _lagging(doc, 30)
    lag = next(r for r in evaluate(SnapshotView(doc))["results"] if r["id"] == "VAST-DP-003")
    assert dict((i["object"], i["detail"]) for i in lag["items"])[name].endswith("UTC (30 hours ago)")
    assert [asbuilt_util.age_text(h * 3600) for h in (0.5, 1, 48, 49, 791)] == [
        "30 minutes ago", "1 hour ago", "48 hours ago", "2 days ago", "33 days ago"]


# ---- 9: retention and schedules read the same way everywhere --------------------------------------------------------
def test_retention_reads_the_same_everywhere(doc):
    files, model, _f = render(doc)
    md = files["report.md"]
    assert "| legacy-home-hourly | /home | every 1 hour | 1 day | No |" in md
    assert "| daily-local-7d | LOCAL | every 24 hours, keep 7 days local |" in md
    assert "every 1 hour, keep 2 days local, 14 days remote" in md
    assert " 1D " not in md and "keep 7d" not in md
    assert [asbuilt_util.period_text(v) for v in ("1D", "7d", "1h", "8w", "1M", "30m", "1y", "weird", None)] == [
        "1 day", "7 days", "1 hour", "8 weeks", "1 month", "30 minutes", "1 year", "weird", "-"]


# ---- 10: percentages in the JSON outputs are rounded --------------------------------------------------------------
def test_percentages_in_json_outputs_are_rounded(doc, tmp_path):
    files, model, _f = render(doc)
    report = json.loads(files["report.json"])
    assert report["summary"]["used_percent"] == 57.5
    capacity = next(b for b in report["sections"] if b["id"] == "capacity")["blocks"][0]
    assert capacity["type"] == "capacity" and capacity["figures"]["used_percent"] == 57.5
    older = dict(report["summary"], used_percent=57.49999999999993, html=str(tmp_path / "c1" / "r" / "report.html"))
    index = json_bytes(fleet.fleet_document([{"name": "c1", "summary": older}], str(tmp_path))).decode("utf-8")
    assert '"used_percent": 57.5,' in index and "57.4999" not in index
    assert not re.findall(r'"\w*percent\w*": -?\d+\.\d{3,}', files["report.json"] + index)
