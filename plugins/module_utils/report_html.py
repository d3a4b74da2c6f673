# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the report model (report_model.py) as one self-contained HTML page.

No template engine: every value goes through :func:`esc` on its way out, so escaping is not something a
template can forget. The markup is also well-formed XML (void elements closed, no named entities), which lets
tests parse it with ``xml.etree``. Nothing is loaded from anywhere: CSS and the optional sort script are
inline, drawings are inline SVG, the logo is a ``data:`` URI.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils import health, report_svg
from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import human_bytes, release_text
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import display
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_style import SORT_SCRIPT, stylesheet
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_svg import esc

STATUS_FLAG = {"unavailable": "not collected", "empty": "none"}
ITEMS_SHOWN = 25


def cell(value):
    if isinstance(value, dict) and "badge" in value:
        return '<span class="badge %s">%s</span>' % (esc(value.get("tone") or "muted"), esc(value["badge"]))
    return esc(display(value))


def _caption(title, level=3):
    return "<h%d>%s</h%d>" % (level, esc(title), level) if title else ""


def render_table(block, sortable=True):
    numeric = set(block.get("numeric") or ())
    head = "".join('<th%s scope="col">%s</th>' % (' class="num"' if i in numeric else "", esc(c))
                   for i, c in enumerate(block["columns"]))
    rows = []
    for row in block["rows"]:
        rows.append("<tr>%s</tr>" % "".join('<td%s>%s</td>' % (' class="num"' if i in numeric else "", cell(v))
                                            for i, v in enumerate(row)))
    cls = "data sortable" if sortable and len(block["rows"]) > 3 else "data"
    out = [_caption(block.get("title")),
           '<div class="tablewrap"><table class="%s"><thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>'
           % (cls, head, "".join(rows))]
    total, shown = block.get("total", len(block["rows"])), len(block["rows"])
    if total > shown:
        where = ("The full list is in <code>%s</code>." % esc(block["csv"])) if block.get("csv") else \
            (esc(block["more"]) + ".") if block.get("more") else "Raise the section's detail level to see more."
        out.append('<p class="more">Showing %d of %d. %s</p>' % (shown, total, where))
    elif block.get("csv"):
        out.append('<p class="more">Also in <code>%s</code>.</p>' % esc(block["csv"]))
    return "".join(out)


def render_kv(block):
    rows = "".join('<tr><th scope="row">%s</th><td>%s</td></tr>' % (esc(k), cell(v)) for k, v in block["rows"])
    return '%s<table class="data kv"><tbody>%s</tbody></table>' % (_caption(block.get("title")), rows)


def render_cards(block):
    out = ['<div class="cards">']
    for c in block["cards"]:
        out.append('<div class="card %s"><div class="label">%s</div><div class="value">%s</div>'
                   '<div class="sub">%s</div></div>' % (esc(c.get("tone") or "info"), esc(c["label"]), esc(c["value"]),
                                                        esc(c.get("sub") or "")))
    out.append("</div>")
    return "".join(out)


def render_rack(block):
    out = ['<div class="figure"><div class="racks">']
    for rack in block["racks"]:
        out.append(report_svg.rack(rack))
    out.append("</div>")
    kinds = sorted(set(b["kind"] for r in block["racks"] for b in r["boxes"]) | set(b["kind"] for b in block["unplaced"]))
    if kinds:
        collision = any(b.get("collision") for r in block["racks"] for b in r["boxes"])
        out.append(report_svg.legend(kinds, collision))
    out.append("</div>")
    if not block["racks"]:
        out.append('<p class="note">No rack is defined on this cluster.</p>')
    if block["unplaced"]:
        out.append('<p class="note missing">Not drawn, no rack position recorded: %s.</p>' % esc(", ".join(
            "%s %s" % (b["kind_label"], b["name"]) for b in block["unplaced"])))
    return "".join(out)


def _severity_badge(sev):
    tone = {"critical": "bad", "major": "warn", "minor": "minor", "info": "info"}.get(sev, "muted")
    return '<span class="badge %s">%s</span>' % (tone, esc(sev))


def render_verdict(summ):
    """The health verdict in words, above the bar: "INCOMPLETE: 5 passed, 41 not evaluated (...)"."""
    v = dict(summ)
    v.update(health.verdict(summ))
    return '<p class="verdict %s"><strong>%s</strong> \u2014 %s</p>' % (
        esc(health.verdict_tone(v)), esc(v["headline"]), esc(v["detail"]))


def render_health(block):
    summ = block["summary"]
    out = [render_verdict(summ), '<div class="figure">', report_svg.health(summ), "</div>", '<div class="sevcounts">']
    for sev in ("critical", "major", "minor", "info"):
        out.append('<span class="badge %s">%d %s</span>' % (
            {"critical": "bad", "major": "warn", "minor": "minor", "info": "info"}[sev], summ["by_severity"][sev], sev))
    out.append('<span class="badge ok">%d passed</span>' % summ["passed"])
    if summ["not_evaluated"]:
        out.append('<span class="badge warn">%d not evaluated</span>' % summ["not_evaluated"])
    if summ.get("not_applicable"):
        out.append('<span class="badge muted">%d not applicable</span>' % summ["not_applicable"])
    if summ["disabled"]:
        out.append('<span class="badge muted">%d disabled</span>' % summ["disabled"])
    out.append("</div>")
    if block.get("mode") != "full":
        return "".join(out)
    results = block["results"]
    failing = [r for r in results if r["status"] == "fail"]
    if not failing:
        out.append('<p class="note">No rule found a problem.</p>')
    else:
        out.append(_caption("Findings"))
    for r in failing:
        out.append('<div class="finding %s" id="rule-%s"><h4>%s <code>%s</code> %s</h4>' % (
            esc(r["severity"]), esc(r["id"]), _severity_badge(r["severity"]), esc(r["id"]), esc(r["title"])))
        out.append('<p class="msg">%s</p><dl><dt>What is checked</dt><dd>%s</dd><dt>Why it matters</dt><dd>%s</dd>'
                   '<dt>Remediation</dt><dd>%s</dd></dl>' % (
                       esc(r["message"]), esc(r["checks"]), esc(r["why"]), esc(r["remediation"])))
        if block.get("items") and r["items"]:
            shown = r["items"][:ITEMS_SHOWN]
            out.append(render_table({"columns": ["Object", "Detail"], "rows": [[i["object"], i["detail"]] for i in shown],
                                     "total": r["item_count"], "numeric": [],
                                     "more": "every affected object is listed in findings.json"}, sortable=False))
        out.append("</div>")
    others = [r for r in results if r["status"] == "not_evaluated"]
    if others:
        why = health.not_evaluated_words([r.get("cause") for r in others])
        out.append(render_table({"title": "Rules not evaluated (%s)" % why, "columns": ["Rule", "Title", "Why"],
                                 "rows": [[r["id"], r["title"], r["reason"]] for r in others], "numeric": [],
                                 "total": len(others)}))
    na = [r for r in results if r["status"] == "not_applicable"]
    if na:
        out.append(render_table({"title": "Rules not applicable to this release", "columns": ["Rule", "Title", "Why"],
                                 "rows": [[r["id"], r["title"], r["reason"]] for r in na], "numeric": [],
                                 "total": len(na)}))
    passed = [r for r in results if r["status"] == "pass"]
    if passed:
        out.append(render_table({"title": "Rules passed", "columns": ["Rule", "Severity", "Check", "Observed"],
                                 "rows": [[r["id"], {"badge": r["severity"], "tone": "muted"},
                                           r.get("check_title") or r["title"],
                                           r.get("observed")] for r in passed], "numeric": [], "total": len(passed)}))
    disabled = [r for r in results if r["status"] == "disabled"]
    if disabled:
        out.append('<p class="note">Disabled by configuration: %s.</p>' % esc(", ".join(r["id"] for r in disabled)))
    if block.get("reference_time"):
        out.append('<p class="more">Dates were judged against %s (the collection time).</p>' % esc(
            display(block["reference_time"])))
    return "".join(out)


def render_banner(block):
    title = ('<p class="banner-title">%s</p>' % esc(block["title"])) if block.get("title") else ""
    tone = esc(block.get("tone") or "warn")
    out = ['<div class="banner %s" role="note">%s<p>%s</p>' % (tone, title, esc(block["text"]))]
    if block.get("rows"):
        out.append(render_table({"columns": block["columns"], "rows": block["rows"], "total": len(block["rows"]),
                                 "numeric": []}, sortable=False))
    out.append("</div>")
    return "".join(out)


def render_block(block):
    kind = block["type"]
    if kind == "banner":
        return render_banner(block)
    if kind == "table":
        return render_table(block)
    if kind == "kv":
        return render_kv(block)
    if kind == "cards":
        return render_cards(block)
    if kind == "note":
        return '<p class="note %s">%s</p>' % (esc(block.get("tone") or "info"), esc(block["text"]))
    if kind == "heading":
        return _caption(block["text"])
    if kind == "para":
        return '<p class="lead">%s</p>' % esc(block["text"])
    if kind == "rack":
        return render_rack(block)
    if kind == "capacity":
        return '<div class="figure">%s</div>' % report_svg.capacity(block["figures"], human_bytes)
    if kind == "bars":
        chart = report_svg.bars(block["items"], title=block.get("title"))
        return '%s<div class="figure">%s</div>' % (_caption(block.get("title")), chart)
    if kind == "health":
        return render_health(block)
    if kind == "columns":
        return '<div class="columns">%s</div>' % "".join('<div class="col">%s</div>' % render_block(inner)
                                                         for inner in block["blocks"])
    raise ValueError("unknown report block %r" % kind)


def render(model, primary=None, accent=None, logo_data_uri=None):
    """The whole page as a string."""
    css = stylesheet(primary, accent)
    cluster = model.get("cluster") or {}
    title = model["title"]
    version = (" \u2014 VAST %s" % release_text(cluster["sw_version"])) if cluster.get("sw_version") else ""
    subtitle = model.get("subtitle") or "%s%s" % (model["cluster_name"], version)
    meta = [("Cluster", model["cluster_name"]), ("PSNT", cluster.get("psnt")),
            ("Data collected", model.get("collected_text") or model.get("collected_at")),
            ("Report generated", model.get("generated_at"))]
    if model.get("company"):
        meta.insert(0, ("Prepared for", model["company"]))
    if model.get("author"):
        meta.append(("Author", model["author"]))
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           '<meta name="generator" content="vastops.asbuilt"/>',
           "<title>%s \u2014 %s</title><style>%s</style></head><body>" % (esc(title), esc(model["cluster_name"]), css),
           '<header class="cover"><div class="brand">']
    if logo_data_uri:
        out.append('<img src="%s" alt="%s"/>' % (esc(logo_data_uri), esc(model.get("company") or "logo")))
    out.append("<span>%s</span></div>" % esc(model.get("company") or "As-built documentation"))
    out.append('<h1>%s</h1><p class="subtitle">%s</p><dl>%s</dl></header>' % (
        esc(title), esc(subtitle), "".join("<dt>%s</dt><dd>%s</dd>" % (esc(k), esc(display(v))) for k, v in meta)))
    out.append('<div class="layout"><nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>')
    for sec in model["sections"]:
        flag = sec.get("flag") or STATUS_FLAG.get(sec["status"], "")
        out.append('<li><a href="#sec-%s"><span class="n">%d</span><span>%s</span>%s</a></li>' % (
            esc(sec["id"]), sec["number"], esc(sec["title"]),
            ('<span class="flag">%s</span>' % esc(flag)) if flag else ""))
    out.append("</ol></nav><main>")
    for sec in model["sections"]:
        # the detail level of every section is listed once, in the appendix
        out.append('<section class="section" id="sec-%s"><h2><span class="num">%d</span>%s</h2>' % (
            esc(sec["id"]), sec["number"], esc(sec["title"])))
        if sec.get("note"):
            tone = "missing" if sec["status"] == "unavailable" else "info"
            out.append('<p class="note %s">%s</p>' % (tone, esc(sec["note"])))
        for block in sec["blocks"]:
            out.append(render_block(block))
        out.append("</section>")
    out.append('</main></div><footer>Generated by the vastops.asbuilt Ansible collection on %s from data collected '
               'on %s. This document is self-contained: it loads nothing from the network.</footer>' % (
                   esc(display(model.get("generated_at"))),
                   esc(model.get("collected_text") or display(model.get("collected_at")))))
    out.append('<script>%s</script></body></html>\n' % SORT_SCRIPT)
    return "".join(out)
