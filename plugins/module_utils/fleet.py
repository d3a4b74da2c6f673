# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet index: one page that links every cluster's report with its health summary.

``fleet_document(clusters, dest_dir)`` normalises the per-cluster entries the playbook passes (each the
``summary`` vast_report returned, or an error) into ``{"clusters": [...], "totals": {...}}`` with links relative
to *dest_dir*; ``render_html`` and ``render_md`` draw it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import human_bytes, iso, text, utcnow
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_md import md
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import display, natural_key
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_style import stylesheet
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_svg import esc

SEVERITIES = ("critical", "major", "minor", "info")
TONE = {"critical": "bad", "major": "warn", "minor": "minor", "info": "info"}


def fleet_document(clusters, dest_dir, title="VAST fleet"):
    entries = []
    totals = dict((s, 0) for s in SEVERITIES)
    totals.update(clusters=0, reported=0, failed=0)
    for entry in clusters or []:
        name = str(entry.get("name") or "?")
        summary = entry.get("summary") or {}
        report = entry.get("report") or summary.get("html")
        row = {"name": name, "cluster_name": summary.get("cluster_name"), "status": "ok" if summary else "failed",
               "error": entry.get("error") or ("" if summary else "no report: the run failed for this cluster "
                                                                  "(see the playbook output)"),
               "link": os.path.relpath(report, dest_dir) if report else None,
               "sw_version": summary.get("sw_version"), "psnt": summary.get("psnt"),
               "used_percent": summary.get("used_percent"), "usable_bytes": summary.get("usable_bytes"),
               "nodes": summary.get("nodes"), "collected_at": summary.get("collected_at"),
               "health": summary.get("health"), "not_collected": summary.get("not_collected") or []}
        totals["clusters"] += 1
        if summary:
            totals["reported"] += 1
            for sev in SEVERITIES:
                totals[sev] += int(((row["health"] or {}).get("by_severity") or {}).get(sev) or 0)
        else:
            totals["failed"] += 1
        entries.append(row)
    entries.sort(key=lambda r: natural_key(r["name"]))
    return {"schema_version": 1, "kind": "vastops.asbuilt.fleet", "title": title, "generated_at": iso(utcnow()),
            "totals": totals, "clusters": entries}


def _health_cell(health):
    if not health:
        return '<span class="badge muted">not checked</span>'
    sev = health.get("by_severity") or {}
    chips = ['<span class="badge %s">%d %s</span>' % (TONE[s], sev.get(s, 0), s) for s in SEVERITIES if sev.get(s)]
    return " ".join(chips) or '<span class="badge ok">all %d rules passed</span>' % int(health.get("passed") or 0)


def render_html(doc, company=None, primary=None, accent=None):
    t = doc["totals"]
    rows = []
    for r in doc["clusters"]:
        name = esc(r["name"])
        link = '<a href="%s">%s</a>' % (esc(r["link"]), name) if r["link"] else name
        if r["status"] != "ok":
            rows.append('<tr><td>%s</td><td colspan="5"><span class="badge bad">failed</span> %s</td></tr>' % (
                link, esc(r["error"])))
            continue
        nodes = r.get("nodes") or {}
        rows.append("<tr><td>%s<br/><span class=\"more\">%s</span></td><td>%s</td><td class=\"num\">%s</td>"
                    "<td class=\"num\">%s</td><td>%s</td><td>%s</td></tr>" % (
                        link, esc(text(r.get("cluster_name"))), esc(text(r["sw_version"])),
                        esc("%.1f%% of %s" % (r["used_percent"], human_bytes(r["usable_bytes"]))
                            if r["used_percent"] is not None else "-"),
                        esc("%s / %s" % (text(nodes.get("cnodes")), text(nodes.get("dnodes")))),
                        _health_cell(r["health"]), esc(display(r["collected_at"]))))
    cards = [("Clusters", t["clusters"], "%d reported, %d failed" % (t["reported"], t["failed"]),
              "bad" if t["failed"] else "info")]
    cards += [(s.capitalize(), t[s], "findings", TONE[s] if t[s] else "ok") for s in SEVERITIES[:3]]
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           "<title>%s</title><style>%s</style></head><body>" % (esc(doc["title"]), stylesheet(primary, accent)),
           '<header class="cover"><div class="brand"><span>%s</span></div><h1>%s</h1><p class="subtitle">'
           "%d cluster%s, generated %s</p></header>" % (
               esc(company or "As-built documentation"), esc(doc["title"]), t["clusters"],
               "" if t["clusters"] == 1 else "s", esc(display(doc["generated_at"]))),
           '<main><section class="section"><div class="cards">']
    for label, value, sub, tone in cards:
        out.append('<div class="card %s"><div class="label">%s</div><div class="value">%s</div><div class="sub">%s'
                   "</div></div>" % (tone, esc(label), esc(value), esc(sub)))
    out.append('</div><div class="tablewrap"><table class="data"><thead><tr><th>Cluster</th><th>VAST version</th>'
               '<th class="num">Capacity used</th><th class="num">CNodes / DNodes</th><th>Health findings</th>'
               "<th>Data collected</th></tr></thead><tbody>%s</tbody></table></div>" % "".join(rows))
    out.append('<p class="more">Each cluster name links to its as-built report.</p></section></main></body></html>\n')
    return "".join(out)


def render_md(doc):
    t = doc["totals"]
    lines = ["| Cluster | VAST version | Capacity used | Health findings | Data collected |", "|---|---|---|---|---|"]
    for r in doc["clusters"]:
        name = "[%s](%s)" % (md(r["name"]), r["link"].replace(" ", "%20")) if r["link"] else md(r["name"])
        if r["status"] != "ok":
            cells = ["failed: %s" % r["error"], "", "", ""]
        else:
            sev = (r["health"] or {}).get("by_severity") or {}
            cells = [r["sw_version"], "%.1f%%" % r["used_percent"] if r["used_percent"] is not None else "-",
                     ", ".join("%d %s" % (sev[s], s) for s in SEVERITIES if sev.get(s)) or "OK", r["collected_at"]]
        lines.append("| %s | %s |" % (name, " | ".join(md(c) for c in cells)))
    return "# %s\n\n%d clusters (%d reported, %d failed); %d critical, %d major, %d minor findings.\n\n%s\n" % (
        md(doc["title"]), t["clusters"], t["reported"], t["failed"], t["critical"], t["major"], t["minor"],
        "\n".join(lines))
