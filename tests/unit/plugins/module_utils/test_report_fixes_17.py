"""The sixth user test (issue 17): a 500 on /views/* and malformed JSON on /cnodes/*.

1. the figures and charts of a section whose data could not be read say so in place (HTML, Markdown, fleet
   index), with the words of the executive summary ("could not be read" / "not collected");
2. the malformed-JSON reason is words ("was not valid JSON (cut off after N bytes)"), not the raw body cut
   mid-word; the raw excerpt stays in the data (meta.errors ``excerpt``);
3. nits: each bar chart's SVG title is its block's title; "Views by protocol" says a view can serve several
   protocols; VAST-CAP-003's observed text reads right for a pass. (Nit d, make simulator's inventory.json, is
   proved by tests/integration/roles/test_readme.py::test_trying_it_by_hand_with_make_simulator.)

The faulted snapshot is collected once per module from a `small` simulator with the user's faults injected.
"""
import copy
import re

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import fleet
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import shorten
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import (  # noqa: F401  (fixtures)
    collect_small, doc, not_collected, remove, render, section, small_doc, table,
)

pytestmark = [pytest.mark.simulator]

USER_FAULTS = [{"type": "status", "status": 500, "path": "/views/*"}, {"type": "malformed_json", "path": "/cnodes/*"}]


@pytest.fixture(scope="module")
def faulted_doc():
    return collect_small(faults=USER_FAULTS)


@pytest.fixture
def faulted(faulted_doc):
    return copy.deepcopy(faulted_doc)


def _cards(model, sid):
    return dict((c["label"], c) for b in section(model, sid)["blocks"] if b["type"] == "cards" for c in b["cards"])


def _md_section(md, title):
    start = re.search(r"^## \d+ %s$" % re.escape(title), md, re.M).end()
    end = md.find("\n## ", start)
    return md[start:end if end > 0 else len(md)]


def _html_section(html, sid):
    start = html.index('id="sec-%s"' % sid)
    end = html.find("<section", start)
    return html[start:end if end > 0 else len(html)]


# ---- 1: figures and charts say why their data is missing, in place ------------------------------------------------
def test_the_user_faults_leave_cnodes_and_views_unread(faulted):
    assert sorted(faulted["meta"]["errors"]) == ["hardware.cnodes", "logical.views"]


def test_hardware_figures_say_the_cnodes_could_not_be_read(faulted):
    files, model, _f = render(faulted)
    cards = _cards(model, "hardware")
    assert cards["CNodes"]["value"] == "could not be read" and cards["CNodes"]["tone"] == "warn"
    assert cards["DNodes"]["value"] == "4"
    assert "- **CNodes:** could not be read" in _md_section(files["report.md"], "Hardware and racks")
    html = _html_section(files["report.html"], "hardware")
    assert '<div class="label">CNodes</div><div class="value">could not be read</div>' in html


def test_logical_figures_and_the_protocol_chart_say_the_views_could_not_be_read(faulted):
    files, model, _f = render(faulted)
    assert _cards(model, "logical")["Views"]["value"] == "could not be read"
    blocks = section(model, "logical")["blocks"]
    assert not [b for b in blocks if b["type"] == "bars"]
    at = [i for i, b in enumerate(blocks) if b["type"] == "heading" and b["text"] == "Views by protocol"]
    assert at and blocks[at[0] + 1]["type"] == "note"
    assert blocks[at[0] + 1]["text"].startswith("Views by protocol: could not be read: The cluster answered 500")
    md = _md_section(files["report.md"], "Logical configuration")
    assert "- **Views:** could not be read" in md
    assert "### Views by protocol\n\n> Views by protocol: could not be read: " in md
    html = _html_section(files["report.html"], "logical")
    assert '<div class="label">Views</div><div class="value">could not be read</div>' in html
    assert "Views by protocol: could not be read" in html


def test_figures_left_out_by_the_run_say_not_collected(doc):
    for subset, name in (("hardware", "cnodes"), ("logical", "views"), ("protection", "protectedpaths")):
        not_collected(doc, subset, name)
    files, model, _f = render(doc)
    assert _cards(model, "hardware")["CNodes"]["value"] == "not collected"
    assert _cards(model, "hardware")["CNodes"]["tone"] == "muted"
    assert _cards(model, "logical")["Views"]["value"] == "not collected"
    assert _cards(model, "data_protection")["Protected paths"]["value"] == "not collected"
    assert "> Views by protocol: not collected in this run" in files["report.md"]


def test_protection_figures_are_never_a_silent_zero(doc):
    remove(doc, "protection", "nativereplicationremotetargets")
    _files, model, _f = render(doc)
    assert _cards(model, "data_protection")["Replication peers"]["value"] == "could not be read"


def test_fleet_index_says_the_cnodes_could_not_be_read(faulted, tmp_path):
    files, model, findings = render(faulted)
    summary = fleet.report_summary(SnapshotView(faulted), findings, model)
    assert summary["nodes"].get("dnodes") == 4 and "cnodes" not in summary["nodes"] and summary["nodes_missing"] == {"cnodes": "could not be read"}
    doc_ = fleet.fleet_document([{"name": "c1", "summary": dict(summary, html=str(tmp_path / "report.html")),
                                  "dir": str(tmp_path)}], str(tmp_path))
    html, md = fleet.render_html(doc_), fleet.render_md(doc_)
    assert "could not be read / 4" in html and "could not be read / 4" in md
    assert "- / 4" not in html and "- / 4" not in md


def test_fleet_index_both_counts_not_collected_and_older_summaries():
    assert fleet.nodes_text({"nodes": {}, "nodes_missing": {"cnodes": "not collected",
                                                             "dnodes": "not collected"}}) == "not collected"
    assert fleet.nodes_text({"nodes": {"cnodes": 8, "dnodes": 4}}) == "8 / 4"
    assert fleet.nodes_text({"nodes": {"cnodes": 0}, "nodes_missing": {"dnodes": "not collected"}}) == \
        "0 / not collected"
    assert fleet.nodes_text({"nodes": {}}) == "- / -"                   # an older summary does not say why


# ---- 2: the malformed-JSON reason is words; the raw excerpt stays in the data -----------------------------------
def test_the_malformed_json_error_is_worded_at_the_source(faulted):
    err = faulted["meta"]["errors"]["hardware.cnodes"]
    assert re.match(r"The answer to /api/v7/cnodes/ \(status 200\) was not valid JSON \(cut off after [\d,]+ of "
                    r"[\d,]+ bytes\)\.", err["msg"]), err["msg"]
    assert '{"count"' not in err["msg"] and err["error"] == "ProtocolError"
    assert err["excerpt"].startswith('{"count":8,')                 # the raw start, as data only
    assert faulted["meta"]["resources"]["hardware.cnodes"]["reason"].endswith("bytes).")


def test_the_report_shows_the_reason_in_words(faulted):
    files, model, _f = render(faulted)
    banner = next(b for b in section(model, "executive_summary")["blocks"]
                  if b["type"] == "banner" and b["title"] == "This report is incomplete")
    rows = dict(banner["rows"])
    assert rows["hardware.cnodes"].startswith("The answer to /api/v7/cnodes/ (status 200) was not valid JSON (cut off")
    assert "Hint:" not in rows["hardware.cnodes"] and "url:" not in rows["hardware.cnodes"]
    for name in ("report.md", "report.html"):
        assert '"count":8' not in files[name] and "&quot;count&quot;:8" not in files[name], name
        assert "cnode-3-..." not in files[name], name


def test_prose_is_never_cut_mid_word():
    words = "The answer to /api/v7/cnodes/ was not valid JSON because a proxy rewrote it " * 6
    short = shorten(words, 100)
    assert len(short) <= 104 and short.endswith(" ...")
    assert words.startswith(short[:-4]) and words[len(short) - 4] == " "
    assert shorten("short enough", 100) == "short enough"


# ---- 3: nits ------------------------------------------------------------------------------------------------------
def test_every_bar_chart_is_named_after_its_block(doc):
    files, model, _f = render(doc, levels={"capacity": 2})
    titles = re.findall(r'<svg class="bars"[^>]*><title>([^<]*)</title>', files["report.html"])
    assert "Views by protocol" in titles and "Largest directories (usable capacity)" in titles
    assert "Bar chart" not in titles


def test_views_by_protocol_says_a_view_can_serve_several(doc):
    files, model, _f = render(doc)
    blocks = section(model, "logical")["blocks"]
    at = next(i for i, b in enumerate(blocks) if b["type"] == "bars" and b["title"] == "Views by protocol")
    assert blocks[at + 1] == {"type": "note", "tone": "info",
                              "text": "A view can serve several protocols, so the bars add up to more than the "
                                      "329 views."}
    assert "> A view can serve several protocols" in files["report.md"]


def test_quota_rule_observed_text_reads_right_for_a_pass_and_a_failure(doc):
    by_id = dict((r["id"], r) for r in evaluate(SnapshotView(doc))["results"])
    rule = by_id["VAST-CAP-003"]
    assert rule["status"] == "pass"
    assert re.match(r"^400 quotas, none at the hard limit; \d+ over their soft limit \(grace period\)$",
                    rule["observed"]), rule["observed"]
    doc["vast_info"]["logical"]["quotas"][0]["state"] = "HARD_EXCEEDED"
    rule = dict((r["id"], r) for r in evaluate(SnapshotView(doc))["results"])["VAST-CAP-003"]
    assert rule["status"] == "fail"
    assert rule["observed"].startswith("400 quotas, 1 at the hard limit, past their grace period or failed")
