# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the report model (report_model.py) as Markdown: the same sections and blocks as the HTML page.

Drawings become text (the rack elevation a list of units per rack, capacity a table of figures, a bar chart a
two-column table, or nothing when a table of the section holds the same data). Text is escaped for Markdown,
never HTML-escaped: pipes, backslashes, emphasis and link characters and line breaks, and the ``<`` or ``&``
that would start an HTML tag or an entity get a backslash; "4.7 <= release < 6.0" stays as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.vastops.asbuilt.plugins.module_utils import health
from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import human_bytes, release_text
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import display

ITEMS_SHOWN = 25
# "<" before a letter, "/", "!" or "?" opens an HTML tag, comment or autolink; "&" before "name;" or "#123;" an
# entity. Elsewhere ("4.7 <= release < 6.0", "R&D") both are plain text in Markdown and stay readable.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md(value):
    """Text for Markdown: escaped for Markdown (backslashes), on one line."""
    if isinstance(value, dict) and "badge" in value:
        value = value["badge"]
    out = display(value)
    for old, new in (("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("_", "\\_"), ("`", "\\`"), ("[", "\\["),
                     ("]", "\\]")):
        out = out.replace(old, new)
    out = _ENTITY.sub("\\\\&", _TAG_START.sub("\\\\<", out))
    out = " ".join(out.split())
    return ("\\" + out) if out.startswith(">") else out     # a ">" opening a line would start a quote


def table(columns, rows):
    lines = ["| %s |" % " | ".join(md(c) for c in columns), "|%s|" % "|".join(["---"] * len(columns))]
    lines += ["| %s |" % " | ".join(md(v) for v in row) for row in rows]
    return "\n".join(lines)


def render_table(block):
    out = []
    if block.get("title"):
        out.append("### %s\n" % md(block["title"]))
    out.append(table(block["columns"], block["rows"]))
    total, shown = block.get("total", len(block["rows"])), len(block["rows"])
    if total > shown:
        where = ("The full list is in `%s`." % block["csv"]) if block.get("csv") else \
            (md(block["more"]) + ".") if block.get("more") else "Raise the section's detail level to see more."
        out.append("\n_Showing %d of %d. %s_" % (shown, total, where))
    elif block.get("csv"):
        out.append("\n_Also in `%s`._" % block["csv"])
    return "\n".join(out)


def render_health(block):
    summ = dict(block["summary"])
    summ.update(health.verdict(summ))
    sev = summ["by_severity"]
    out = ["**Health: %s** \u2014 %s." % (md(summ["headline"]), md(summ["detail"])),
           "", "%s: %s; %d passed%s%s." % (    # the enabled rules; the disabled ones are counted apart
               health.rules_text(summ), ", ".join("%d %s" % (sev[s], s) for s in ("critical", "major", "minor", "info")),
               summ["passed"], (", %d not evaluated" % summ["not_evaluated"]) if summ["not_evaluated"] else "",
               (", %d not applicable" % summ["not_applicable"]) if summ.get("not_applicable") else "")]
    if block.get("mode") != "full":
        return "\n".join(out)
    failing = [r for r in block["results"] if r["status"] == "fail"]
    if not failing:
        out.append("\nNo rule found a problem.")
    else:
        out.append("\n### Findings")
    for r in failing:
        out.append("\n#### %s %s: %s\n" % (r["severity"].upper(), r["id"], md(r["title"])))
        out.append("%s\n" % md(r["message"]))
        out.append("- **What is checked:** %s\n- **Why it matters:** %s\n- **Remediation:** %s" % (
            md(r["checks"]), md(r["why"]), md(r["remediation"])))
        if block.get("items") and r["items"]:
            out.append("")
            out.append(render_table({"columns": ["Object", "Detail"], "total": r["item_count"],
                                     "rows": [[i["object"], i["detail"]] for i in r["items"][:ITEMS_SHOWN]],
                                     "more": "every affected object is listed in findings.json"}))
    others = [r for r in block["results"] if r["status"] == "not_evaluated"]
    if others:
        out.append("\n### Rules not evaluated (%s)\n" % health.not_evaluated_words([r.get("cause") for r in others]))
        out.append(table(["Rule", "Title", "Why"], [[r["id"], r["title"], r["reason"]] for r in others]))
    na = [r for r in block["results"] if r["status"] == "not_applicable"]
    if na:
        out.append("\n### Rules not applicable to this release\n")
        out.append(table(["Rule", "Title", "Why"], [[r["id"], r["title"], r["reason"]] for r in na]))
    passed = [r for r in block["results"] if r["status"] == "pass"]
    if passed:
        out.append("\n### Rules passed\n")
        out.append(table(["Rule", "Severity", "Check", "Observed"],
                         [[r["id"], r["severity"], r.get("check_title") or r["title"], r.get("observed")] for r in passed]))
    disabled = [r for r in block["results"] if r["status"] == "disabled"]
    if disabled:
        out.append("\nDisabled by configuration: %s." % ", ".join(r["id"] for r in disabled))
    return "\n".join(out)


def render_rack(block):
    out = []
    for rack in block["racks"]:
        size = ("%d units" % rack["units"]) if rack.get("height_known", True) else "height unknown"
        out.append("**Rack %s** (%s)\n" % (md(rack["name"]), size))
        rows = []
        for box in sorted(rack["boxes"], key=lambda b: -b["unit"]):
            span = "U%d" % box["unit"] if box["height"] == 1 else "U%d-U%d" % (box["unit"], box["unit"] + box["height"] - 1)
            rows.append([span, box["kind_label"], box["name"], "unit claimed twice" if box.get("collision") else ""])
        out.append(table(["Units", "Type", "Box", "Note"], rows) if rows else "_No box in this rack._")
        out.append("")
    if not block["racks"]:
        out.append("_No rack is defined on this cluster._")
    if block["unplaced"]:
        out.append("_Not placed, no rack position recorded: %s._" % md(", ".join(
            "%s %s" % (b["kind_label"], b["name"]) for b in block["unplaced"])))
    return "\n".join(out)


def render_banner(block):
    title = ("**%s.** " % md(block["title"])) if block.get("title") else ""
    out = ["> %s%s" % (title, md(block["text"]))]
    if block.get("rows"):
        out += ["", table(block["columns"], block["rows"])]
    return "\n".join(out)


def render_block(block):
    kind = block["type"]
    if kind == "banner":
        return render_banner(block)
    if kind == "table":
        return render_table(block)
    if kind == "kv":
        head = ("### %s\n\n" % md(block["title"])) if block.get("title") else ""
        return head + table(["Setting", "Value"], block["rows"])
    if kind == "cards":
        return "\n".join("- **%s:** %s%s" % (md(c["label"]), md(c["value"]), (" (%s)" % md(c["sub"])) if c.get("sub") else "")
                         for c in block["cards"])
    if kind == "note":
        return "> %s" % md(block["text"])
    if kind == "heading":
        return "### %s" % md(block["text"])
    if kind == "para":
        return md(block["text"])
    if kind == "rack":
        return render_rack(block)
    if kind == "capacity":
        f = block["figures"]
        return table(["Capacity", "In use", "Total"], [
            ["Usable (%.1f%% used)" % f["used_percent"], f.get("usable_used_text") or human_bytes(f.get("usable_used")),
             f.get("usable_text") or human_bytes(f.get("usable"))],
            ["Physical", human_bytes(f.get("physical_used")), human_bytes(f.get("physical"))],
            ["Logical", human_bytes(f.get("logical_used")), human_bytes(f.get("logical"))]])
    if kind == "bars":
        head = ("### %s\n\n" % md(block["title"])) if block.get("title") else ""
        return head + table(block.get("columns") or ["Item", "Value"], [[i[0], i[2]] for i in block["items"]])
    if kind == "health":
        return render_health(block)
    if kind == "columns":
        return "\n\n".join(render_block(inner) for inner in block["blocks"])
    raise ValueError("unknown report block %r" % kind)


def render(model):
    cluster = model.get("cluster") or {}
    out = ["# %s: %s\n" % (md(model["title"]), md(model["cluster_name"]))]
    facts = [("Prepared for", model.get("company")), ("Author", model.get("author")),
             ("Cluster", model["cluster_name"]), ("VAST release", release_text(cluster.get("sw_version"))),
             ("PSNT", cluster.get("psnt")), ("Data collected", model.get("collected_text") or model.get("collected_at")),
             ("Report generated", model.get("generated_at"))]
    out.append("\n".join("- **%s:** %s" % (k, md(v)) for k, v in facts if v))
    out.append("\n## Contents\n")
    for sec in model["sections"]:
        flag = (" (%s)" % sec["flag"]) if sec.get("flag") else \
            {"unavailable": " (not collected)", "empty": " (none)"}.get(sec["status"], "")
        out.append("%d. [%s](#%s)%s" % (sec["number"], md(sec["title"]), anchor(sec), flag))
    for sec in model["sections"]:
        # the detail level of every section is listed once, in the appendix
        out.append("\n## %d %s\n" % (sec["number"], md(sec["title"])))
        if sec.get("note"):
            out.append("> %s\n" % md(sec["note"]))
        for block in sec["blocks"]:
            if not repeated_elsewhere(block, sec["blocks"]):
                out.append(render_block(block))
                out.append("")
    out.append("\n---\n_Generated by the vastops.asbuilt Ansible collection on %s._\n" % md(model.get("generated_at")))
    return "\n".join(out)


def repeated_elsewhere(block, blocks):
    """True for a chart whose data a table of the same section shows in full (``same_as``): drawn in HTML, it
    would only print the same rows twice in Markdown."""
    if block.get("type") != "bars" or not block.get("same_as"):
        return False
    return any(b.get("type") == "table" and b.get("title") == block["same_as"] and len(b["rows"]) >= len(block["items"])
               for b in blocks)


def anchor(sec):
    """GitHub-style anchor of a section heading ("## 3 Capacity" -> "3-capacity")."""
    words = ("%d %s" % (sec["number"], sec["title"])).lower()
    return "".join(c for c in words.replace(" ", "-") if c.isalnum() or c == "-")
