# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a drift document (drift.py) as Markdown and as a self-contained HTML page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import parse_time, release_text
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import not_compared_gaps
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_md import md, table
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import display
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_style import stylesheet
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_svg import esc

MAX_VALUE = 160


def value_text(value):
    if value is None:
        return "(absent)"
    out = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return out if len(out) <= MAX_VALUE else out[: MAX_VALUE - 1] + "\u2026"


def full_time(value):
    """"2026-12-03 16:30:05 UTC": to the second, as two runs a minute apart must read differently."""
    parsed = parse_time(value)
    return parsed.strftime("%Y-%m-%d %H:%M:%S UTC") if parsed else display(value)


def side_text(side):
    """"run 20261203T163005Z, collected 2026-12-03 16:30:05 UTC, VAST 5.3.1" for one snapshot (the release; the
    full build string is in drift.json)."""
    parts = []
    if side.get("run"):
        parts.append("run %s" % side["run"])
    parts.append("collected %s" % full_time(side.get("collected_at")))
    release = side.get("release") or release_text(side.get("sw_version"))
    if release:
        parts.append("VAST %s" % release)
    return ", ".join(parts)


def _sentence(value):
    value = value[0].upper() + value[1:]
    return value if value.endswith(".") else value + "."


def top_notes(doc):
    """What a reader must know before the drift itself, as (tone, sentence): the warnings (snapshots of two
    clusters, a release downgrade), then the notes (the release changed). Older drift documents hold neither, only
    ``same_cluster``."""
    warnings = list(doc.get("warnings") or [])
    if not warnings and not doc.get("same_cluster", True):
        warnings.append("The two snapshots come from different clusters (their guids differ).")
    return [("warn", _sentence(w)) for w in warnings] + [("info", _sentence(n)) for n in doc.get("notes") or []]


def _headline(doc):
    s = doc["summary"]
    gaps = not_compared_gaps(doc)
    gap_text = "%d resource%s not compared (held by only one snapshot, listed under Not compared)" % (
        len(gaps), "" if len(gaps) == 1 else "s")
    if not s["drift"]:
        if gaps:
            return "No drift in what both snapshots hold; %s." % gap_text
        return "No configuration drift: the two snapshots describe the same configuration."
    return "%d added, %d removed, %d changed, in %d resource type%s%s." % (
        s["added"], s["removed"], s["changed"], s["resources"], "" if s["resources"] == 1 else "s",
        "; %s" % gap_text if gaps else "")


def render_md(doc):
    out = ["# Configuration drift: %s\n" % md(doc["cluster"].get("name") or "cluster"),
           "- **Before:** %s" % md(side_text(doc["before"])),
           "- **After:** %s" % md(side_text(doc["after"]))]
    for tone, sentence in top_notes(doc):
        out += ["", "> %s%s" % ("**Warning:** " if tone == "warn" else "", md(sentence))]
    out += ["", "**%s**" % md(_headline(doc))]
    for name, res in sorted(doc["resources"].items()):
        out.append("\n## %s\n" % md(name))
        if res["added"]:
            out.append("Added: %s\n" % ", ".join(md(i["label"]) for i in res["added"]))
        if res["removed"]:
            out.append("Removed: %s\n" % ", ".join(md(i["label"]) for i in res["removed"]))
        rows = [[c["label"], f["field"], value_text(f["before"]), value_text(f["after"])]
                for c in res["changed"] for f in c["fields"]]
        if rows:
            out.append(table(["Object", "Field", "Before", "After"], rows))
    if doc["not_compared"]:
        out.append("\n## Not compared\n")
        out.append(table(["Resource", "Why"], sorted(doc["not_compared"].items())))
    out.append("\n_Ignored fields (values that move on their own): %s._\n" % md(", ".join(doc["ignored"]["fields"])))
    return "\n".join(out)


def render_html(doc, primary=None, accent=None):
    cluster = doc["cluster"].get("name") or "cluster"
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           "<title>Configuration drift \u2014 %s</title><style>%s</style></head><body>" % (
               esc(cluster), stylesheet(primary, accent)),
           '<header class="cover"><div class="brand"><span>Configuration drift</span></div><h1>%s</h1>' % esc(cluster),
           "<dl><dt>Before</dt><dd>%s</dd><dt>After</dt><dd>%s</dd></dl></header>" % (
               esc(side_text(doc["before"])), esc(side_text(doc["after"]))),
           '<main><section class="section"><h2>Summary</h2>']
    for tone, sentence in top_notes(doc):
        out.append('<p class="note %s">%s</p>' % (tone, esc(sentence)))
    out.append('<p class="note %s">%s</p>' % ("warn" if doc["summary"]["drift"] else "info", esc(_headline(doc))))
    for name, res in sorted(doc["resources"].items()):
        out.append("<h3>%s</h3>" % esc(name))
        if res["added"]:
            out.append('<p><span class="badge ok">added</span> %s</p>' % esc(", ".join(i["label"] for i in res["added"])))
        if res["removed"]:
            out.append('<p><span class="badge bad">removed</span> %s</p>' % esc(", ".join(
                i["label"] for i in res["removed"])))
        rows = "".join("<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>" % (
            esc(c["label"]), esc(f["field"]), esc(value_text(f["before"])), esc(value_text(f["after"])))
            for c in res["changed"] for f in c["fields"])
        if rows:
            out.append('<div class="tablewrap"><table class="data"><thead><tr><th>Object</th><th>Field</th>'
                       '<th>Before</th><th>After</th></tr></thead><tbody>%s</tbody></table></div>' % rows)
    if doc["not_compared"]:
        out.append("<h3>Not compared</h3><table class=\"data kv\"><tbody>%s</tbody></table>" % "".join(
            "<tr><th>%s</th><td>%s</td></tr>" % (esc(k), esc(v)) for k, v in sorted(doc["not_compared"].items())))
    out.append('<p class="more">Ignored fields (values that move on their own): %s.</p></section></main>'
               "</body></html>\n" % esc(", ".join(doc["ignored"]["fields"])))
    return "".join(out)
