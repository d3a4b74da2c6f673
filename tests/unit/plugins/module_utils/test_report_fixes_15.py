"""The fifth user test (issue 15): read errors worded as such, true advice in the banners, key figures that say why
they are missing, figures that add up, times with their zone, readable hardware states. Item 8 (the version probe
named in its error) is proved by test_probe_context.py.

Reuses the in-process `small` snapshot of test_report_fixes.py; each test names the finding it proves.
"""
import copy

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import (  # noqa: F401  (fixtures)
    doc, not_collected, remove, render, section, small_doc, table,
)

pytestmark = [pytest.mark.simulator]

READ_500 = "The cluster answered 500 Internal Server Error for /api/v7/views/"


def _texts(sec):
    return " ".join(str(b.get("text") or "") for b in sec["blocks"])


def _cards(model, sid="executive_summary"):
    return dict((c["label"], c) for b in section(model, sid)["blocks"] if b["type"] == "cards" for c in b["cards"])


def _views_500(doc):
    remove(doc, "logical", "views", reason=READ_500)
    doc["meta"]["errors"]["logical.views"].update(status=500, error="ApiError", transient=False)
    return doc


# ---- 1: "could not be read" (read_error) is never worded "not collected" ---------------------------------------
def test_read_error_is_worded_could_not_be_read_everywhere(doc):
    files, model, findings = render(_views_500(doc))
    summ = findings["summary"]
    assert summ["not_evaluated_causes"] == {"read_error": 1, "not_collected": 0}
    assert summ["detail"].endswith("; 1 not evaluated (data could not be read)")
    para = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "para")["text"]
    assert "because the data the other 1 need could not be read (see Health findings)" in para
    for name in ("report.md", "report.html"):
        assert "not collected" not in files[name], name
        assert "Rules not evaluated (data could not be read)" in files[name]


def test_data_left_out_by_the_run_is_worded_not_collected(doc):
    files, model, findings = render(not_collected(doc, "switches", "switches"))
    assert findings["summary"]["not_evaluated_causes"]["not_collected"] >= 1
    assert findings["summary"]["not_evaluated_causes"]["read_error"] == 0
    assert "not evaluated (data not collected)" in findings["summary"]["detail"]
    para = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "para")["text"]
    assert "need was not collected (see Health findings)" in para
    assert "Rules not evaluated (data not collected)" in files["report.md"]
    assert "could not be read" not in files["report.md"]


def test_both_causes_are_counted_apart(doc):
    files, model, findings = render(not_collected(_views_500(doc), "switches", "switches"))
    causes = findings["summary"]["not_evaluated_causes"]
    missing = findings["summary"]["not_evaluated"]
    assert causes["read_error"] == 1 and causes["not_collected"] == missing - 1
    assert "%d not evaluated (data of 1 could not be read, of %d not collected)" % (
        missing, missing - 1) in findings["summary"]["detail"]
    para = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "para")["text"]
    assert "could not be read (1) or was not collected (%d)" % (missing - 1) in para
    assert "Rules not evaluated (data could not be read or was not collected)" in files["report.md"]


def test_a_section_whose_data_could_not_be_read_is_flagged_so_in_the_contents(doc):
    remove(doc, "switches", "switches", reason="Service unavailable (status 503)")
    files, model, _f = render(doc)
    assert section(model, "switches")["flag"] == "could not be read"
    assert "[Switches](#6-switches) (could not be read)" in files["report.md"]
    assert '<span class="flag">could not be read</span>' in files["report.html"]


# ---- 2: the banner's advice is true for what the next run does ----------------------------------------------------
def _banner(model):
    return next(b for b in section(model, "executive_summary")["blocks"]
                if b["type"] == "banner" and b["title"] == "This report is incomplete")


def test_after_an_answered_error_the_banner_does_not_promise_a_resume(doc):
    _files, model, _f = render(_views_500(doc))
    text = _banner(model)["text"]
    assert text.endswith("Run the playbook again to read the missing resources.")
    assert "only what is missing" not in text and "collect_resume" not in text


def test_after_no_answer_the_banner_says_when_only_the_missing_part_is_read(doc):
    remove(doc, "logical", "views", reason="no answer")
    doc["meta"]["errors"]["logical.views"].update(status=503, error="ApiError", transient=True)
    _files, model, _f = render(doc)
    assert "Run the playbook again to read the missing resources (with collect_resume, the default, a run within " \
           "collect_resume_max_age reads only those)." in _banner(model)["text"]


def test_the_banner_judges_older_snapshots_by_status(doc):
    remove(doc, "logical", "views", reason="no answer")
    doc["meta"]["errors"]["logical.views"]["status"] = 502           # no "transient" field (older snapshot)
    _files, model, _f = render(doc)
    assert "reads only those" in _banner(model)["text"]


def test_the_collector_records_whether_an_error_was_an_answer(sim_factory):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import Collector
    from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
    sim = sim_factory(profile="tiny", faults=[{"type": "status", "status": 500, "path": "/views/*"}])
    params = {"host": sim.host, "username": "admin", "password": sim.users["admin"], "ca_path": sim.ca_path,
              "retries": 0, "backoff": 0.01}
    with VastSession(params) as session:
        meta = Collector(session, gather_subset=["logical"]).collect()["meta"]
    assert meta["errors"]["logical.views"]["status"] == 500
    assert meta["errors"]["logical.views"]["transient"] is False


# ---- 3: the resume banner does not call a completed run interrupted ---------------------------------------------
def test_resume_banner_says_earlier_run(doc):
    doc["meta"]["resumed"] = ["hardware.cnodes"]
    doc["meta"]["resumed_from"] = "2026-12-03T16:05:12Z"
    doc["meta"]["resources"]["hardware.cnodes"].update(resumed=True, read_at="2026-12-03T16:05:12Z")
    files, model, _f = render(doc)
    banner = next(b for b in section(model, "executive_summary")["blocks"] if b["type"] == "banner")
    assert "come from an earlier run (read 2026-12-03 16:05 UTC)" in banner["text"]
    for name in ("report.md", "report.html"):
        assert "interrupted" not in files[name], name
        assert "(partly resumed from an earlier run)" in files[name]


# ---- 4: key figures say why they are missing ------------------------------------------------------------------------
def test_views_figure_and_tenant_counts_say_they_could_not_be_read(doc):
    files, model, _f = render(_views_500(doc))
    card = _cards(model)["Views"]
    assert card["value"] == "could not be read" and card["sub"] == "23 tenants" and card["tone"] == "warn"
    assert "- **Views:** could not be read (23 tenants)" in files["report.md"]
    tenants = table(section(model, "logical"), "Tenants")
    column = tenants["columns"].index("Views")
    assert set(r[column] for r in tenants["rows"]) == {"could not be read"}
    assert "| ? |" not in files["report.md"]


def test_node_figure_says_the_cnodes_could_not_be_read(doc):
    remove(doc, "hardware", "cnodes")
    files, model, _f = render(doc)
    card = _cards(model)["CNodes / DNodes"]
    assert card["value"] == "CNodes could not be read" and card["tone"] == "warn"
    assert card["sub"] == "2 CBoxes, 2 DBoxes; 4 DNodes"
    assert "- **CNodes / DNodes:** CNodes could not be read" in files["report.md"]


def test_figures_not_collected_say_so(doc):
    not_collected(doc, "logical", "views")
    not_collected(doc, "hardware", "cnodes")
    not_collected(doc, "hardware", "dnodes")
    _files, model, _f = render(doc)
    cards = _cards(model)
    assert cards["Views"]["value"] == "not collected" and cards["Views"]["tone"] == "muted"
    assert cards["CNodes / DNodes"]["value"] == "not collected"


# ---- 5: directory figures add up to no more than the cluster's, and the report says where each comes from -------
def test_top_level_directories_fit_in_the_cluster_totals(doc):
    view = SnapshotView(doc)
    cluster, cap = view.first("clusters"), view.first("capacity")
    keys = cap["keys"]
    children = [entry for entry in cap["details"] if entry[0] != "/"]          # "/" is the whole tree (NOTES 5.7)
    assert len(children) == len(cap["details"]) - 1
    sums = dict((k, sum(dict(zip(keys, entry[1]["data"]))[k] for entry in children)) for k in keys)
    used = cluster["usable_capacity_bytes"] - cluster["free_usable_capacity"]
    assert 0 < sums["usable"] <= used
    assert 0 < sums["logical"] <= cluster["logical_space_in_use"]
    assert sums["unique"] <= sums["usable"]


def test_capacity_by_directory_states_the_sampling_caveat(doc):
    files, model, _f = render(doc, levels={"capacity": 2})
    text = _texts(section(model, "capacity"))
    when = SnapshotView(doc).first("capacity")["time"]            # "2026-12-03 16:30:00", UTC without a zone
    assert "The directory figures are VMS's capacity estimate of %s UTC, the cluster figures above are current: the " \
           "two can differ slightly." % when[:16] in text


# ---- 6: the average access time carries its zone like every other time ------------------------------------------
def test_average_access_time_says_utc(doc):
    files, model, _f = render(doc, levels={"capacity": 2})
    rows = table(section(model, "capacity"), "Capacity by directory")["rows"]
    assert rows and all(str(r[4]).endswith("Z") for r in rows if r[4] not in (None, "-"))
    md = files["report.md"].split("### Capacity by directory", 1)[1].split("\n\n", 2)[1]
    md_rows = [line for line in md.splitlines() if line.startswith("| /")]
    assert md_rows and all(line.rstrip(" |").endswith("UTC") for line in md_rows)


# ---- 7: hardware states as readable summaries ----------------------------------------------------------------------
def test_psu_and_fan_states_read_as_summaries(doc):
    files, model, _f = render(doc, levels={"hardware": 2})
    sec = section(model, "hardware")
    kvs = dict((b["title"], dict((r[0], r[1]) for r in b["rows"])) for b in sec["blocks"] if b.get("type") == "kv")
    assert kvs["Power supplies"]["State"] == {"badge": "8 healthy", "tone": "ok"}
    assert kvs["Fans"]["State"] == {"badge": "20 OK", "tone": "ok"}
    assert "State HEALTHY" not in files["report.md"] and "State OK" not in files["report.md"]


def test_a_failed_psu_is_counted_apart(doc):
    psus = doc["vast_info"]["hardware"]["psus"]
    psus[0]["state"] = "FAILED"
    _files, model, _f = render(doc, levels={"hardware": 2})
    kv_ = next(b for b in section(model, "hardware")["blocks"] if b.get("title") == "Power supplies")
    state = dict((r[0], r[1]) for r in kv_["rows"])["State"]
    assert state == {"badge": "%d healthy, 1 failed" % (len(psus) - 1), "tone": "bad"}


def test_evaluate_keeps_the_cause_of_each_rule(doc):
    by_id = dict((r["id"], r) for r in evaluate(SnapshotView(_views_500(copy.deepcopy(doc))))["results"])
    assert by_id["VAST-DP-001"]["cause"] == "read_error"
    assert by_id["VAST-DP-001"]["message"].startswith("not evaluated: views could not be read: ")


# ---- the root row of the directory breakdown (NOTES 5.7: "/" first, its own parent, 100 percent) ---------------
def test_the_whole_tree_row_is_the_total_not_the_largest_directory(doc):
    files, model, _f = render(doc, levels={"capacity": 3})
    sec = section(model, "capacity")
    rows = table(sec, "Capacity by directory")["rows"]
    assert rows[-1][0] == "/ (total)" and all(r[0] != "/" for r in rows)
    assert rows[:-1] and all(r[0].startswith("/") and r[0] != "/ (total)" for r in rows[:-1])
    bars = [blk for blk in sec["blocks"] if blk.get("type") == "bars"][0]
    assert all(item[0] not in ("/", "/ (total)") for item in bars["items"])
    assert bars["items"][0][1] == 1.0                                       # the largest directory, not the tree
    assert "| / (total) |" in files["report.md"]


# ---- the sub-lines of the key figures never show a bare "?" ----------------------------------------------------
def test_counts_of_unread_resources_say_unknown_not_question_mark(doc):
    remove(doc, "logical", "tenants")
    remove(doc, "hardware", "cboxes")
    files, model, _f = render(_views_500(doc))
    cards = _cards(model)
    assert cards["Views"]["sub"] == "tenants unknown"
    assert cards["CNodes / DNodes"]["sub"].startswith("CBoxes unknown, 2 DBoxes")
    assert "? tenants" not in files["report.md"] and "? CBoxes" not in files["report.md"]
