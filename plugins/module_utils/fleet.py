# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet index: one page that links every cluster's latest report with its health summary.

``report_summary(view, findings, model)`` is what vast_report returns (and writes into report.json) for one
cluster. ``fleet_document(clusters, dest_dir)`` takes one entry per cluster of the inventory group: the summary of
the report this run wrote, or the error of this run, or neither (the cluster was not part of this run, e.g. a
``--limit``); for the last two it looks for the cluster's latest report on disk (``dir``: its runs' directory).
So the index lists every cluster with its latest report and says which were refreshed by this run, which
come from an earlier run (and when), and which failed in this run. ``render_html`` and ``render_md`` draw it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    human_bytes, iso, plural, release_text, round_percent, text, utcnow,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import verdict, verdict_tone
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_checks_hw import used_percent
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import run_dirs
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_md import md
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import (
    collected_text, display, missing_word, natural_key, resumed_resources,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import SECTIONS_BY_ID
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_style import stylesheet
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_svg import esc

SEVERITIES = ("critical", "major", "minor", "info")
TONE = {"critical": "bad", "major": "warn", "minor": "minor", "info": "info"}
STATUS_TEXT = {"refreshed": "refreshed by this run", "rerendered": "re-rendered from a snapshot by this run",
               "earlier": "from an earlier run", "failed": "failed in this run", "missing": "no report yet"}


def failure_reason(error, failed_task=None):
    """Why a cluster has no report, for the reader: the error message without the name of the task that failed
    ("<failed_task>: Cannot connect to ..." -> "Cannot connect to ..."). The as-built playbook gives the two
    apart (``asbuilt_failure`` and ``asbuilt_failed_task``); a caller may also give them joined."""
    error = text(error).strip() if error not in (None, "") else ""
    prefix = "%s: " % failed_task if failed_task else None
    if prefix and error.startswith(prefix) and error[len(prefix):].strip():
        return error[len(prefix):].strip()
    return error


# ---- one cluster's summary (vast_report) ---------------------------------------------------------------------
def health_summary(findings):
    """The findings summary with its verdict (older findings files lack it), or None without a health check."""
    if not findings:
        return None
    summary = dict(findings.get("summary") or {})
    summary.update(verdict(summary))
    return summary


def report_summary(view, findings, model):
    """Key figures of one report for the fleet index (vast_report returns it and writes it into report.json)."""
    cluster = view.first("clusters") or {}
    counts = dict((k, len(view.records(k))) for k in ("cnodes", "dnodes", "eboxes") if view.records(k) is not None)
    # why a node count is missing, in the report's words ("could not be read" / "not collected")
    nodes_missing = dict((k, missing_word(view, k)) for k in ("cnodes", "dnodes") if k not in counts)
    missing = [s for s in model["sections"] if s["status"] == "unavailable"]
    errors = view.meta.get("errors") or {}
    return {"cluster_name": view.cluster_name, "sw_version": view.cluster.get("sw_version"),
            "psnt": view.cluster.get("psnt"), "used_percent": round_percent(used_percent(cluster)) if cluster else None,
            "usable_bytes": cluster.get("usable_capacity_bytes"), "nodes": counts, "nodes_missing": nodes_missing,
            "collected_at": view.collected_at, "collected_text": collected_text(view), "generated_at": model.get("generated_at"),
            "health": health_summary(findings),
            "not_collected": [s["id"] for s in missing],
            "not_collected_titles": [s["title"] for s in missing],
            "resources_failed": sorted(errors), "resumed": [k for k, _t in resumed_resources(view)]}


# ---- the latest report of a cluster on disk ------------------------------------------------------------------
def _read_json(path):
    try:
        with open(path, "r") as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return None


def _summary_from_report(doc):
    """A summary from a report.json that predates the ``summary`` key."""
    cluster = doc.get("cluster") or {}
    findings = doc.get("findings")
    sections = doc.get("sections") or []
    missing = [s for s in sections if s.get("status") == "unavailable"]
    return {"cluster_name": cluster.get("name"), "sw_version": cluster.get("sw_version"), "psnt": cluster.get("psnt"),
            "used_percent": None, "usable_bytes": None, "nodes": {}, "collected_at": doc.get("collected_at"),
            "generated_at": doc.get("generated_at"), "health": health_summary(findings),
            "not_collected": [s.get("id") for s in missing], "not_collected_titles": [s.get("title") for s in missing]}


def latest_report(cluster_dir):
    """(run directory, summary) of the newest run of *cluster_dir* that holds a report, or (None, None).

    The ``latest`` pointer (latest.txt) comes first: it names the last run whose report was complete."""
    if not cluster_dir or not os.path.isdir(cluster_dir):
        return None, None
    names = list(reversed(run_dirs(cluster_dir)))
    try:
        with open(os.path.join(cluster_dir, "latest.txt"), "r") as handle:
            pointed = handle.read().strip()
        if pointed in names:
            names.remove(pointed)
            names.insert(0, pointed)
    except (IOError, OSError):
        pass
    for name in names:
        run = os.path.join(cluster_dir, name)
        if not os.path.isfile(os.path.join(run, "report.html")):
            continue
        doc = _read_json(os.path.join(run, "report.json")) or {}
        summary = doc.get("summary") if isinstance(doc.get("summary"), dict) else (
            _summary_from_report(doc) if doc else {"cluster_name": None, "collected_at": None})
        summary = dict(summary, html=os.path.join(run, "report.html"))
        return run, summary
    return None, None


# ---- the fleet document --------------------------------------------------------------------------------------
def fleet_document(clusters, dest_dir, title="VAST fleet"):
    entries = []
    totals = dict((s, 0) for s in SEVERITIES)
    totals.update(clusters=0, reported=0, refreshed=0, rerendered=0, earlier=0, failed=0, missing=0, incomplete=0,
                  not_checked=0)
    for entry in clusters or []:
        name = str(entry.get("name") or "?")
        summary = entry.get("summary") or {}
        error = entry.get("error") or ""
        failed_task = entry.get("failed_task") or None
        note = text(entry.get("note") or "").strip()
        if entry.get("busy"):
            # refused because another run holds the cluster's lease (it is collecting it right now): not a failure
            # of the cluster; its latest report is listed, with a note, and the other run will refresh it
            error, failed_task = "", None
            note = note or "being collected by another run (refused: lease held)"
        run_dir = None
        if summary:
            # an offline run (collect_offline) re-rendered an existing snapshot: the cluster was not read
            status = "rerendered" if entry.get("offline") else "refreshed"
        else:
            run_dir, found = latest_report(entry.get("dir"))
            summary = found or {}
            status = "failed" if error else ("earlier" if summary else "missing")
        report = entry.get("report") or summary.get("html")
        health = health_summary({"summary": summary["health"]}) if summary.get("health") else None
        row = {"name": name, "status": status, "status_text": STATUS_TEXT[status], "error": error, "note": note,
               "reason": failure_reason(error, failed_task) if error else "", "failed_task": failed_task,
               "cluster_name": summary.get("cluster_name"), "has_report": bool(summary),
               "link": os.path.relpath(report, dest_dir) if report else None,
               "run": os.path.basename(os.path.dirname(report)) if report else None,
               "sw_version": summary.get("sw_version"), "psnt": summary.get("psnt"),
               "used_percent": round_percent(summary.get("used_percent")), "usable_bytes": summary.get("usable_bytes"),
               "nodes": summary.get("nodes"), "nodes_missing": summary.get("nodes_missing") or {},
               "collected_at": summary.get("collected_at"),
               "collected_text": summary.get("collected_text"),
               "health": health, "not_collected": summary.get("not_collected") or [],
               "not_collected_titles": summary.get("not_collected_titles") or [
                   SECTIONS_BY_ID.get(s, {}).get("title", s) for s in summary.get("not_collected") or []],
               "resources_failed": summary.get("resources_failed") or [], "resumed": summary.get("resumed") or []}
        totals["clusters"] += 1
        totals[status] += 1
        if summary:
            totals["reported"] += 1
            if health is None:
                totals["not_checked"] += 1
            else:
                if health.get("verdict") == "incomplete" or health.get("not_evaluated"):
                    totals["incomplete"] += 1
                for sev in SEVERITIES:
                    totals[sev] += int((health.get("by_severity") or {}).get(sev) or 0)
        entries.append(row)
    entries.sort(key=lambda r: natural_key(r["name"]))
    return {"schema_version": 1, "kind": "vastops.asbuilt.fleet", "title": title, "generated_at": iso(utcnow()),
            "totals": totals, "clusters": entries}


# ---- rendering -----------------------------------------------------------------------------------------------
def reported_scope(totals):
    """Which clusters the findings totals cover: "in the reports of 2 of the 3 clusters" (all: "in 3 clusters")."""
    if totals["reported"] == totals["clusters"]:
        return "in %s" % plural(totals["clusters"], "cluster")
    return "in the reports of %d of the %s" % (totals["reported"], plural(totals["clusters"], "cluster"))


def health_text(health):
    """(headline, detail, tone) of a cluster's health for the index; "not checked" without a health check."""
    if not health:
        return "not checked", "the health check did not run", "muted"
    return health["headline"], health["detail"], verdict_tone(health)


def data_gaps(row):
    """What the cluster's report lacks, in words ("" when nothing): sections not collected, failed resources."""
    parts = []
    if row["not_collected_titles"]:
        parts.append("no data for %s" % ", ".join(row["not_collected_titles"]))
    if row["resources_failed"]:
        parts.append("%s could not be read" % plural(len(row["resources_failed"]), "resource"))
    if row["resumed"]:
        parts.append("%s reused from an earlier run" % plural(len(row["resumed"]), "resource"))
    return "; ".join(parts)


def _when(row):
    return row.get("collected_text") or display(row.get("collected_at"))


def capacity_text(row):
    """"57.5% of 518.0 TB" (the capacity used of the usable capacity), "-" when unknown."""
    if row.get("used_percent") is None:
        return "-"
    return "%.1f%% of %s" % (row["used_percent"], human_bytes(row.get("usable_bytes")))


def nodes_text(row):
    """"8 / 4": the CNodes and DNodes of the cluster; a count the report lacks says why, as in the report
    ("could not be read / 4", or "not collected" for both); "-" when an older summary does not say."""
    nodes, missing = row.get("nodes") or {}, row.get("nodes_missing") or {}
    parts = [text(nodes[k]) if nodes.get(k) is not None else missing.get(k) or "-" for k in ("cnodes", "dnodes")]
    if parts[0] == parts[1] and nodes.get("cnodes") is None and len(missing) == 2:
        return parts[0]
    return " / ".join(parts)


def failure_text(reason, last):
    """"FAILED in this run: <reason>; <last>" without a sentence stop before the semicolon ("(set tenant).;")."""
    reason = text(reason).strip().rstrip(".;,:").rstrip() if reason not in (None, "") else "no reason was given"
    return "FAILED in this run: %s; %s" % (reason, last)


def _snapshot_date(row):
    return display(row.get("collected_at")) if row.get("collected_at") else "an unknown date"


def _status_html(row):
    note = ('<br/><span class="more note">%s</span>' % esc(row["note"])) if row.get("note") else ""
    return _status_badge_html(row) + note


def _status_badge_html(row):
    if row["status"] == "refreshed":
        return '<span class="badge ok">this run</span>'
    if row["status"] == "rerendered":
        return ('<span class="badge muted">re-rendered by this run</span><br/><span class="more">from a snapshot '
                'of %s</span>' % esc(_snapshot_date(row)))
    if row["status"] == "earlier":
        return '<span class="badge muted">earlier run</span><br/><span class="more">%s</span>' % esc(row["run"] or "")
    if row["status"] == "failed":
        last = ('<br/><span class="more">last report: %s</span>' % esc(row["run"])) if row["has_report"] else \
            '<br/><span class="more">no earlier report</span>'
        return '<span class="badge bad">failed</span> %s%s' % (esc(row["reason"]), last)
    return '<span class="badge muted">no report yet</span><br/><span class="more">not part of this run</span>'


def render_html(doc, company=None, primary=None, accent=None):
    t = doc["totals"]
    rows = []
    for r in doc["clusters"]:
        name = esc(r["name"])
        link = '<a href="%s">%s</a>' % (esc(r["link"]), name) if r["link"] else name
        if not r["has_report"]:
            rows.append('<tr class="%s"><td>%s</td><td colspan="5">%s</td><td>%s</td></tr>' % (
                esc(r["status"]), link, '<span class="more">no report on disk</span>', _status_html(r)))
            continue
        headline, detail, tone = health_text(r["health"])
        gaps = data_gaps(r)
        health_cell = '<span class="badge %s">%s</span> <span class="more">%s</span>%s' % (
            esc(tone), esc(headline), esc(detail), ('<br/><span class="more gap">%s</span>' % esc(gaps)) if gaps else "")
        rows.append('<tr class="%s"><td>%s<br/><span class="more">%s</span></td><td>%s</td><td class="num">%s</td>'
                    '<td class="num">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
                        esc(r["status"]), link, esc(text(r.get("cluster_name"))),
                        esc(text(release_text(r["sw_version"]))), esc(capacity_text(r)), esc(nodes_text(r)),
                        health_cell, esc(_when(r)), _status_html(r)))
    parts = ["%d refreshed by this run" % t["refreshed"]]
    if t["rerendered"]:
        parts.append("%d re-rendered from a snapshot" % t["rerendered"])
    if t["earlier"]:
        parts.append("%d from an earlier run" % t["earlier"])
    if t["failed"]:
        parts.append("%d failed" % t["failed"])
    if t["missing"]:
        parts.append("%d without a report" % t["missing"])
    cards = [("Clusters", t["clusters"], ", ".join(parts), "bad" if t["failed"] else "info")]
    if t["reported"]:
        scope = reported_scope(t)
        cards += [(s.capitalize(), t[s], "%s %s" % (plural(t[s], "finding").split(" ", 1)[1], scope),
                   TONE[s] if t[s] else "ok") for s in SEVERITIES[:3]]
    else:
        cards.append(("Findings", "-", "no cluster has a report: nothing was checked", "muted"))
    if t["incomplete"] or t["not_checked"]:
        cards.append(("Health incomplete", t["incomplete"] + t["not_checked"],
                      "%d with rules not evaluated, %d not checked" % (t["incomplete"], t["not_checked"]), "warn"))
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           "<title>%s</title><style>%s</style></head><body>" % (esc(doc["title"]), stylesheet(primary, accent)),
           '<header class="cover"><div class="brand"><span>%s</span></div><h1>%s</h1><p class="subtitle">'
           "%s, generated %s</p></header>" % (
               esc(company or "As-built documentation"), esc(doc["title"]), esc(plural(t["clusters"], "cluster")),
               esc(display(doc["generated_at"]))),
           '<main><section class="section"><div class="cards">']
    for label, value, sub, tone in cards:
        out.append('<div class="card %s"><div class="label">%s</div><div class="value">%s</div><div class="sub">%s'
                   "</div></div>" % (tone, esc(label), esc(value), esc(sub)))
    out.append('</div><div class="tablewrap"><table class="data"><thead><tr><th>Cluster</th><th>VAST release</th>'
               '<th class="num">Capacity used</th><th class="num">CNodes / DNodes</th><th>Health</th>'
               "<th>Data collected</th><th>Report</th></tr></thead><tbody>%s</tbody></table></div>" % "".join(rows))
    out.append('<p class="more">Each cluster name links to its latest as-built report. "This run": the report was '
               'written by the run that wrote this index; "earlier run": the cluster was not part of this run (for '
               'example a limited run) and its latest report is shown; "failed": this run could not report on it '
               '(its last report, if any, is linked).</p></section></main></body></html>\n')
    return "".join(out)


def render_md(doc):
    t = doc["totals"]
    lines = ["| Cluster | VAST release | Capacity used | CNodes / DNodes | Health | Data collected | Report |",
             "|---|---|---|---|---|---|---|"]
    for r in doc["clusters"]:
        name = "[%s](%s)" % (md(r["name"]), r["link"].replace(" ", "%20")) if r["link"] else md(r["name"])
        if r.get("cluster_name") and r["cluster_name"] != r["name"]:
            name += " (%s)" % md(r["cluster_name"])        # as index.html shows it under the link
        last = ("last report %s" % text(r["run"])) if r["has_report"] else "no earlier report"
        status = {"refreshed": "this run", "rerendered": "re-rendered by this run from a snapshot of %s"
                  % _snapshot_date(r), "earlier": "earlier run (%s)" % (r["run"] or "-"),
                  "failed": failure_text(r["reason"], last), "missing": "no report yet"}[r["status"]]
        if r.get("note"):
            status += "; %s" % r["note"]
        if not r["has_report"]:
            cells = ["-", "-", "-", "-", "-", status]
        else:
            headline, detail, _tone = health_text(r["health"])
            gaps = data_gaps(r)
            cells = [release_text(r["sw_version"]), capacity_text(r), nodes_text(r),
                     "%s: %s%s" % (headline, detail, (" (%s)" % gaps) if gaps else ""), _when(r), status]
        lines.append("| %s | %s |" % (name, " | ".join(md(c) for c in cells)))
    counts = ["%d refreshed by this run" % t["refreshed"]]
    for key, label in (("rerendered", "re-rendered from a snapshot"), ("earlier", "from an earlier run"),
                       ("failed", "failed"), ("missing", "without a report")):
        if t[key]:
            counts.append("%d %s" % (t[key], label))
    if t["reported"]:
        findings = "%s %s" % (", ".join(plural(t[s], "%s finding" % s) for s in SEVERITIES[:3]), reported_scope(t))
    else:
        findings = "no cluster has a report, so there are no findings to count (nothing was checked)"
    incomplete = (" Health incomplete for %s (rules not evaluated or no health check)." % plural(
        t["incomplete"] + t["not_checked"], "cluster")) if (t["incomplete"] or t["not_checked"]) else ""
    return "# %s\n\n%s (%s); %s.%s\n\n%s\n" % (
        md(doc["title"]), plural(t["clusters"], "cluster"), ", ".join(counts), findings, incomplete,
        "\n".join(lines))
