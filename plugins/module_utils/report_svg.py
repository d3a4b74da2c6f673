# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inline SVG drawings for the HTML report: rack elevation, capacity, bar charts, health summary.

Every function returns SVG markup as a string; every text that comes from the cluster is escaped here.
No external reference of any kind (fonts, images, links) is emitted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
from html import escape

KIND_COLOUR = {"C": "#1f6fb2", "D": "#2e8b57", "E": "#7b3fa0"}
TONE_COLOUR = {"ok": "#2e7d32", "warn": "#e07b00", "bad": "#c62828", "info": "#1565c0", "minor": "#c79a00",
               "muted": "#8a949e"}
SEVERITY_COLOUR = {"critical": "#c62828", "major": "#e07b00", "minor": "#c79a00", "info": "#1565c0"}
UNIT_H = 16
RACK_W = 320
GUTTER = 30


def esc(value):
    return escape("" if value is None else str(value), quote=True)


def _fit(label, width_px, font_px=10):
    """Cut *label* so it fits in *width_px* at roughly 0.6 em per character."""
    room = max(3, int(width_px / (font_px * 0.6)))
    label = str(label)
    return label if len(label) <= room else label[: room - 1] + "\u2026"


def rack(rack_info):
    """One rack: units numbered bottom-up, every box drawn at its unit, coloured and lettered by kind."""
    units = int(rack_info["units"])
    top = 34
    height = top + units * UNIT_H + 12
    inner_x = GUTTER
    inner_w = RACK_W - GUTTER - 8
    title = "Rack %s%s" % (rack_info["name"], (", row %s" % rack_info["row"]) if rack_info.get("row") else "")
    out = ['<svg class="rack" role="img" width="%d" height="%d" '
           'viewBox="0 0 %d %d"><title>%s</title>' % (RACK_W, height, RACK_W, height, esc(
               title if rack_info.get("height_known", True) else title + " (height unknown, drawn up to the highest box)")),
           '<text x="%d" y="18" class="rack-title">%s</text>' % (RACK_W // 2, esc(_fit(title, RACK_W - 10, 13))),
           '<rect x="%d" y="%d" width="%d" height="%d" class="rack-frame"/>' % (inner_x - 4, top - 4, inner_w + 8,
                                                                                units * UNIT_H + 8)]
    for u in range(1, units + 1):
        y = top + (units - u) * UNIT_H
        out.append('<rect x="%d" y="%d" width="%d" height="%d" class="unit%s"/>' % (
            inner_x, y, inner_w, UNIT_H, " odd" if u % 2 else ""))
        out.append('<text x="%d" y="%d" class="unit-no">%d</text>' % (inner_x - 7, y + UNIT_H - 4, u))
    for box in rack_info["boxes"]:
        u, h = int(box["unit"]), int(box["height"])
        y = top + (units - (u + h - 1)) * UNIT_H + 1
        bh = h * UNIT_H - 2
        colour = KIND_COLOUR.get(box["kind"], "#555")
        cls = "box collision" if box.get("collision") else "box"
        span = "U%d" % u if h == 1 else "U%d-%d" % (u, u + h - 1)
        out.append('<g class="%s" data-unit="%d" data-name="%s"><title>%s %s at %s%s</title>' % (
            cls, u, esc(box["name"]), esc(box["kind_label"]), esc(box["name"]), span,
            " (rack unit also claimed by another box)" if box.get("collision") else ""))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"/>' % (inner_x + 2, y, inner_w - 4, bh,
                                                                                      colour))
        ty = y + bh / 2.0 + 3.5
        out.append('<rect x="%d" y="%.1f" width="14" height="11" rx="2" class="kind-chip"/>' % (inner_x + 5, ty - 9))
        out.append('<text x="%d" y="%.1f" class="kind-letter">%s</text>' % (inner_x + 12, ty - 0.5, esc(box["kind"])))
        out.append('<text x="%d" y="%.1f" class="box-label">%s</text>' % (
            inner_x + 24, ty, esc(_fit(box["name"], inner_w - 72))))
        out.append('<text x="%d" y="%.1f" class="box-unit">%s</text></g>' % (inner_x + inner_w - 6, ty, span))
    out.append("</svg>")
    return "".join(out)


def legend(kinds, collision=False):
    """The key of the rack drawing, one entry per line (it sits under a rack); the "unit claimed twice" entry only
    when a box is drawn that way."""
    names = {"C": "CBox (compute)", "D": "DBox (storage)", "E": "EBox (compute + storage)"}
    entries = [(KIND_COLOUR[k], k, names[k]) for k in kinds] + ([(None, "", "unit claimed twice")] if collision else [])
    h = 20 * len(entries)
    out = ['<svg class="legend" role="img" width="%d" height="%d" viewBox="0 0 %d %d"><title>Legend</title>'
           % (RACK_W, h, RACK_W, h)]
    for i, (colour, letter, label) in enumerate(entries):
        y = i * 20 + 3
        if colour:
            out.append('<rect x="%d" y="%d" width="14" height="14" rx="2" fill="%s"/>' % (GUTTER, y, colour))
            out.append('<text x="%d" y="%d" class="kind-letter-l">%s</text>' % (GUTTER + 7, y + 11, letter))
        else:
            out.append('<rect x="%d" y="%d" width="14" height="14" rx="2" class="legend-collision"/>' % (GUTTER, y))
        out.append('<text x="%d" y="%d" class="legend-text">%s</text>' % (GUTTER + 22, y + 12, esc(label)))
    out.append("</svg>")
    return "".join(out)


def _arc(cx, cy, r, start, end):
    large = 1 if end - start > 0.5 else 0
    a0, a1 = 2 * math.pi * start - math.pi / 2, 2 * math.pi * end - math.pi / 2
    return "M %.2f %.2f A %d %d 0 %d 1 %.2f %.2f" % (
        cx + r * math.cos(a0), cy + r * math.sin(a0), r, r, large, cx + r * math.cos(a1), cy + r * math.sin(a1))


def capacity(figs, human):
    """Donut of usable capacity used, then bars for usable, physical and logical with the thresholds marked."""
    used = max(0.0, min(100.0, float(figs["used_percent"])))
    tone = "bad" if used >= figs["critical"] else "warn" if used >= figs["warning"] else "ok"
    colour = TONE_COLOUR[tone]
    w, h = 680, 180
    out = ['<svg class="capacity" role="img" width="%d" height="%d" '
           'viewBox="0 0 %d %d"><title>Usable capacity %.1f%% used</title>' % (w, h, w, h, used)]
    cx, cy, r = 90, 90, 62
    out.append('<circle cx="%d" cy="%d" r="%d" class="donut-free"/>' % (cx, cy, r))
    if used >= 99.95:
        out.append('<circle cx="%d" cy="%d" r="%d" fill="none" stroke="%s" stroke-width="20"/>' % (cx, cy, r, colour))
    elif used > 0:
        out.append('<path d="%s" fill="none" stroke="%s" stroke-width="20"/>' % (_arc(cx, cy, r, 0, used / 100.0), colour))
    out.append('<text x="%d" y="%d" class="donut-value">%.1f%%</text>' % (cx, cy + 6, used))
    out.append('<text x="%d" y="%d" class="donut-label">usable used</text>' % (cx, cy + 24))
    x0, bw = 200, 450
    rows = [("Usable", figs.get("usable_used"), figs.get("usable"), True,
             (figs.get("usable_used_text"), figs.get("usable_text"))),
            ("Physical", figs.get("physical_used"), figs.get("physical"), False, None),
            ("Logical", figs.get("logical_used"), figs.get("logical"), False, None)]
    y = 22
    for label, part, whole, marks, texts in rows:
        if not whole:
            continue
        frac = max(0.0, min(1.0, float(part or 0) / float(whole)))
        part_text, whole_text = texts if texts and texts[0] else (human(part), human(whole))
        out.append('<text x="%d" y="%d" class="bar-label">%s</text>' % (x0, y, esc(label)))
        out.append('<text x="%d" y="%d" class="bar-value">%s of %s (%.1f%%)</text>' % (
            x0 + bw, y, esc(part_text), esc(whole_text), 100 * frac))
        out.append('<rect x="%d" y="%d" width="%d" height="16" rx="3" class="bar-bg"/>' % (x0, y + 6, bw))
        out.append('<rect x="%d" y="%d" width="%.1f" height="16" rx="3" fill="%s"/>' % (
            x0, y + 6, bw * frac, colour if marks else "#5c7a99"))
        if marks:
            for pct, cls in ((figs["warning"], "mark-warn"), (figs["critical"], "mark-crit")):
                mx = x0 + bw * float(pct) / 100.0
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="%s"/>' % (mx, y + 2, mx, y + 26, cls))
        y += 52
    out.append('<text x="%d" y="%d" class="bar-note">Dashed lines: warning (%g%%) and critical (%g%%) thresholds. '
               'Data reduction %s.</text></svg>' % (
                   x0, min(y, h - 6), figs["warning"], figs["critical"], esc(figs.get("drr") or "-")))
    return "".join(out)


def bars(items, width=680, title=None):
    """Horizontal bars: items are [label, fraction 0-1, value text]; *title* (the block's) is the chart's
    accessible name and hover text."""
    row = 22
    h = row * len(items) + 6
    out = ['<svg class="bars" role="img" width="%d" height="%d" '
           'viewBox="0 0 %d %d"><title>%s</title>' % (width, h, width, h, esc(title or "Bar chart"))]
    label_w, value_w = 200, 110
    bw = width - label_w - value_w - 10
    for i, (label, frac, value) in enumerate(items):
        y = i * row + 4
        frac = max(0.0, min(1.0, float(frac or 0)))
        out.append('<text x="%d" y="%d" class="bar-label-r">%s</text>' % (label_w - 8, y + 13, esc(_fit(label, label_w - 10, 11))))
        out.append('<rect x="%d" y="%d" width="%d" height="14" rx="2" class="bar-bg"/>' % (label_w, y + 2, bw))
        out.append('<rect x="%d" y="%d" width="%.1f" height="14" rx="2" class="bar-fill"/>' % (
            label_w, y + 2, max(1.0, bw * frac)))
        out.append('<text x="%d" y="%d" class="bar-value-l">%s</text>' % (label_w + bw + 8, y + 13, esc(value)))
    out.append("</svg>")
    return "".join(out)


def health(summary, width=680):
    """One stacked bar: failed rules by severity, then passed, not evaluated (hatched amber: data missing),
    not applicable and disabled rules (the coloured counts printed under it are the legend)."""
    sev = summary["by_severity"]
    parts = [(sev[s], SEVERITY_COLOUR[s], "%d %s" % (sev[s], s)) for s in ("critical", "major", "minor", "info")]
    na = int(summary.get("not_applicable") or 0)
    parts += [(summary["passed"], "#2e7d32", "%d passed" % summary["passed"]),
              (summary["not_evaluated"], "#f0b35a", "%d not evaluated" % summary["not_evaluated"]),
              (na, "#b8c1ca", "%d not applicable" % na),
              (summary["disabled"], "#d5dade", "%d disabled" % summary["disabled"])]
    total = float(sum(p[0] for p in parts)) or 1.0
    h = 18
    enabled, disabled = int(summary["rules"]) - int(summary["disabled"] or 0), int(summary["disabled"] or 0)
    heading = ("%d enabled rules (%d disabled)" % (enabled, disabled)) if disabled else "%d rules" % enabled
    out = ['<svg class="healthbar" role="img" width="%d" height="%d" viewBox="0 0 %d %d"><title>%s: %s</title>'
           % (width, h, width, h, esc(heading), esc(", ".join(p[2] for p in parts[:-1] if p[0])))]
    x = 0.0
    for value, colour, label in parts:
        if not value:
            continue
        seg = width * value / total
        out.append('<rect x="%.1f" y="0" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>' % (
            x, seg, h, colour, esc(label)))
        x += seg
    out.append("</svg>")
    return "".join(out)
