"""The report side of the second user test (findings M1-M3, m2-m10 and nits of issue 12).

Reuses the in-process `small` snapshot of test_report_fixes.py; each test names the finding it proves.
"""
import copy

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import NOW, doc, remove, render, section, small_doc  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.simulator]

NO_IDP = "No external identity provider is configured"


def _texts(sec):
    return " ".join(str(b.get("text") or "") for b in sec["blocks"])


# ---- M1: identity providers that could not be read are never reported as absent -------------------------------
def _without_providers(doc):
    for name in ("activedirectory", "ldaps", "nis"):
        doc["vast_info"]["security"][name] = []
    return doc


def test_no_provider_statement_when_every_type_was_read(doc):
    _files, model, _f = render(_without_providers(doc))
    assert NO_IDP in _texts(section(model, "security"))


def test_unreadable_provider_type_never_states_the_configuration(doc):
    remove(_without_providers(doc), "security", "activedirectory")
    files, model, _f = render(doc)
    text = _texts(section(model, "security"))
    assert NO_IDP not in text and NO_IDP not in files["report.md"]
    assert "Active Directory could not be read" in text
    assert "LDAP and NIS read: none configured" in text


def test_providers_not_collected_are_said_so(doc):
    for name in ("activedirectory", "ldaps", "nis"):
        doc["vast_info"]["security"].pop(name)
        doc["meta"]["resources"].pop("security.%s" % name, None)
    files, model, _f = render(doc)
    text = _texts(section(model, "security"))
    assert NO_IDP not in files["report.md"]
    assert "Active Directory and LDAP and NIS were not collected in this run" in text
    assert "no provider type was read" in text


def test_providers_read_are_listed_beside_the_unread_ones(doc):
    remove(doc, "security", "nis")
    _files, model, _f = render(doc)
    sec = section(model, "security")
    assert any(b.get("type") == "table" and "Account / servers" in b["columns"] for b in sec["blocks"])
    assert "NIS could not be read" in _texts(sec) and NO_IDP not in _texts(sec)


# ---- M3: a read error is not a pass of healthcheck_fail_on ------------------------------------------------------
def test_not_evaluated_rules_say_why_and_the_gate_fails_on_read_errors(doc):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
    from ansible_collections.vastops.asbuilt.plugins.modules.vast_healthcheck import gate_message
    remove(doc, "logical", "views", reason="Service unavailable (status 503)")
    doc["vast_info"]["switches"].pop("switches")
    doc["meta"]["resources"].pop("switches.switches", None)
    by_id = dict((r["id"], r) for r in evaluate(SnapshotView(doc))["results"])
    assert by_id["VAST-DP-001"]["cause"] == "read_error"
    assert by_id["VAST-SW-001"]["cause"] == "not_collected"
    assert by_id["VAST-CL-001"]["cause"] is None
    result = {"failed_rules": [], "not_evaluated": [dict((k, r[k]) for k in ("id", "title", "severity", "reason",
                                                                              "cause"))
                                                    for r in by_id.values() if r["status"] == "not_evaluated"]}
    msg = gate_message(result, "critical")
    assert "could not be read" in msg and "VAST-DP-001" in msg and "VAST-SW-001" in msg
    assert gate_message(result, "critical", fail_on_incomplete=False) is None
    assert gate_message(result, "never") is None
    result["not_evaluated"] = [r for r in result["not_evaluated"] if r["cause"] == "not_collected"]
    assert gate_message(result, "critical") is None


# ---- m2: the drift headline does not claim "the same configuration" over resources it did not compare ----------
def _drift(before, after):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import compare
    from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html, render_md
    result = compare(SnapshotView(before), SnapshotView(after))
    return result, render_md(result), render_html(result)


def test_drift_headline_counts_resources_not_compared(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    before["vast_info"]["switches"].pop("switches")
    before["meta"]["resources"].pop("switches.switches", None)
    result, md, html = _drift(before, after)
    assert not result["summary"]["drift"] and "switches" in result["not_compared"]
    for text in (md, html):
        assert "describe the same configuration" not in text
        assert "No drift in what both snapshots hold; 1 resource not compared" in text


def test_drift_headline_unqualified_when_everything_was_compared(doc):
    _result, md, _html = _drift(copy.deepcopy(doc), copy.deepcopy(doc))
    assert "No configuration drift: the two snapshots describe the same configuration." in md


def test_drift_says_not_applicable_for_resources_of_a_later_release(doc):
    before, after = copy.deepcopy(doc), copy.deepcopy(doc)
    for d in (before, after):
        remove(d, "security", "apitokens", status="unavailable", reason="API tokens arrive in VAST 5.3")
    result, md, _html = _drift(before, after)
    assert result["not_compared"]["apitokens"] == "not applicable to this release (in both snapshots)"
    assert "unavailable" not in md and "No configuration drift" in md


# ---- m3: the executive summary and the Health section count the same rules ---------------------------------------
def test_summary_and_health_section_count_the_same_rules(doc):
    for d in (doc,):
        remove(d, "security", "apitokens", status="unavailable", reason="API tokens arrive in VAST 5.3")
    files, model, findings = render(doc)
    summ = findings["summary"]
    assert summ["not_applicable"] >= 1 and summ["not_evaluated"] == 0
    md = files["report.md"]
    assert "%d rules:" % summ["rules"] in md
    assert "The health check of %d rules (%d evaluated) found" % (summ["rules"], summ["rules"] - summ["not_applicable"]
                                                                  - summ["disabled"]) in md
    assert "The health check of %d rules found" % (summ["rules"] - summ["not_applicable"]) not in md


# ---- m4: a capped events list says so where it is shown -----------------------------------------------------------
def test_truncated_events_say_so_in_the_appendix_and_the_monitoring_section(doc):
    events = doc["vast_info"]["monitoring"]["events"]
    info = doc["meta"]["resources"]["monitoring.events"]
    info.update(count=len(events), total=5000, truncated=True)
    files, model, _f = render(doc)
    cut = "truncated: %d of 5000" % len(events)
    appendix = section(model, "appendix")
    row = next(r for r in next(b for b in appendix["blocks"] if b.get("title") == "Resources read")["rows"]
               if r[0] == "monitoring.events")
    assert row[2] == cut and "collect_events_max" in row[4]
    assert "events.csv, which is truncated: %d of 5000" % len(events) in _texts(appendix)
    assert "Events: the newest %s of the 5,000 events the cluster holds were read (collect_events_max)." % format(
        len(events), ",") in _texts(section(model, "monitoring"))
    assert cut in files["report.md"] and cut in files["report.html"]


def test_complete_events_are_not_called_truncated(doc):
    files, model, _f = render(doc)
    assert "truncated" not in _texts(section(model, "appendix")) + _texts(section(model, "monitoring"))


# ---- m5: a fleet index without any report does not read healthy --------------------------------------------------
def test_fleet_with_every_cluster_failed_counts_no_findings(tmp_path):
    from ansible_collections.vastops.asbuilt.plugins.module_utils import fleet
    doc_ = fleet.fleet_document([{"name": "c%d" % i, "dir": str(tmp_path / ("c%d" % i)), "error": "401"}
                                 for i in (1, 2)], str(tmp_path))
    html, md = fleet.render_html(doc_), fleet.render_md(doc_)
    for text in (html, md):
        assert "0 critical" not in text and "no cluster has a report" in text
    assert ">Critical<" not in html


def test_fleet_findings_say_which_clusters_they_cover(doc, tmp_path):
    import json as _json
    from ansible_collections.vastops.asbuilt.plugins.module_utils import fleet
    files, _model, _findings = render(doc)
    summary = dict(_json.loads(files["report.json"])["summary"], html=str(tmp_path / "c1" / "r" / "report.html"))
    doc_ = fleet.fleet_document([{"name": "c1", "summary": summary, "dir": str(tmp_path / "c1")},
                                 {"name": "c2", "dir": str(tmp_path / "c2"), "error": "401"}], str(tmp_path))
    md = fleet.render_md(doc_)
    assert "finding" in md and "in the reports of 1 of the 2 clusters" in md


# ---- m7: rule texts give this run's thresholds, not only their names --------------------------------------------
def test_rule_texts_carry_the_thresholds_of_the_run(doc):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
    by_id = dict((r["id"], r) for r in evaluate(SnapshotView(doc), thresholds={"licence_warning_days": 120},
                                                disabled=["VAST-CAP-002"])["results"])
    assert "more than 120 (licence_warning_days) days" in by_id["VAST-CL-002"]["checks"]
    assert "below 90 % (capacity_critical_percent)" in by_id["VAST-CAP-001"]["checks"]
    assert "below 80 % (capacity_warning_percent)" in by_id["VAST-CAP-002"]["checks"]    # disabled rules too
    assert not [r["id"] for r in by_id.values() if "`" in r["checks"]]


# ---- m9: no invented 42 U rack when the rack records are unreadable ---------------------------------------------
def test_rack_height_unknown_when_the_racks_cannot_be_read(doc):
    remove(doc, "hardware", "racks")
    files, model, _f = render(doc)
    blocks = [b for b in section(model, "hardware")["blocks"] if b.get("type") == "columns"]
    rack = blocks[0]["blocks"][0]
    assert rack["racks"] and not [r for r in rack["racks"] if r["height_known"]]
    assert not [r for r in rack["racks"] if r["units"] == 42]
    summary = dict((row[0], row[1]) for row in blocks[0]["blocks"][1]["rows"])
    assert summary["Height"] == "unknown (the rack records could not be read)" and summary["Units free"] == "unknown"
    assert "height unknown" in files["report.md"] and "42 units" not in files["report.md"]


def test_rack_height_from_the_rack_record(doc):
    _files, model, _f = render(doc)
    blocks = [b for b in section(model, "hardware")["blocks"] if b.get("type") == "columns"]
    summary = dict((row[0], row[1]) for row in blocks[0]["blocks"][1]["rows"])
    assert summary["Height"].endswith(" U") and summary["Units free"].endswith(" U")


# ---- m10: the resume banner is one sentence, without not-applicable resources or a degenerate time range -------
def _resumed(doc, at="2026-12-03T16:05:12Z"):
    doc["collected_at"] = "2026-12-03T16:30:00Z"
    doc["meta"]["elapsed_s"] = 0
    remove(doc, "security", "apitokens", status="unavailable", reason="API tokens arrive in VAST 5.3")
    doc["meta"]["resources"]["security.apitokens"].update(resumed=True, read_at="2026-12-03T15:00:00Z")
    doc["meta"]["resumed"] = ["hardware.cnodes", "hardware.ssds", "security.apitokens"]
    doc["meta"]["resumed_from"] = "2026-12-03T15:00:00Z"
    for key in ("hardware.cnodes", "hardware.ssds"):
        doc["meta"]["resources"][key].update(resumed=True, read_at=at)
    return doc


def test_resume_banner_is_one_sentence_without_not_applicable_resources(doc):
    files, model, _f = render(_resumed(doc))
    banners = [b for s in model["sections"] for b in s["blocks"] if b.get("type") == "banner"]
    assert len(banners) == 2
    for banner in banners:
        assert not banner["rows"] and not banner.get("title")
        assert banner["text"].count(". ") == 0 and banner["text"].endswith(".")
        assert "2 of the " in banner["text"] and "apitokens" not in banner["text"]
        assert "(read 2026-12-03 16:05 UTC)" in banner["text"]              # one time, not "16:05 to 16:05"
        assert "15:00" not in banner["text"]                                # the not-applicable resource's time
    md = files["report.md"]
    assert "> Part of this data was resumed from an earlier collection: 2 of the " in md
    assert "16:05 UTC to 2026-12-03 16:05 UTC" not in md + files["report.html"]
    assert "security.apitokens" not in [r["resource"] for r in model["resumed"]]
    resources = next(b for b in section(model, "appendix")["blocks"] if b.get("title") == "Resources read")
    status = dict((r[0], r[1]["badge"]) for r in resources["rows"])
    assert status["security.apitokens"].lower() == "not applicable" and status["hardware.cnodes"] == "Resumed"


def test_collected_range_is_one_time_when_start_and_end_agree(doc):
    doc["collected_at"], doc["meta"]["elapsed_s"] = "2026-12-03T16:30:00Z", 0
    doc["meta"]["resumed"], doc["meta"]["resumed_from"] = ["hardware.cnodes"], "2026-12-03T16:30:00Z"
    doc["meta"]["resources"]["hardware.cnodes"].update(resumed=True, read_at="2026-12-03T16:30:00Z")
    files, model, _f = render(doc)
    assert "2026-12-03 16:30 UTC (partly resumed from an earlier run)" in files["report.md"]
    assert "16:30 UTC to 2026-12-03 16:30 UTC" not in files["report.md"] + files["report.html"]
