# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report model: one renderer-neutral description of the report that HTML and Markdown both render.

``build_report(view, findings, options)`` returns::

    {"title", "subtitle", "company", "author", "generated_at", "cluster": {...},
     "sections": [{"id", "number", "title", "level", "status", "note", "blocks": [block, ...]}]}

``status`` is ``ok``, ``empty`` (collected, nothing configured: ``note`` says so) or ``unavailable`` (not
collected or not served: ``note`` says why). Blocks (``type`` and fields):

``kv``       title, rows [[label, value]]            a two-column table of settings
``table``    title, columns, rows, total, csv, numeric  rows capped by the detail level; ``total`` counts all
``cards``    cards [{label, value, sub, tone}]       key figures
``note``     text, tone (info / warn / missing)      a sentence instead of data
``heading``  text                                    a sub-heading
``para``     text                                    a paragraph of prose (the executive summary's narrative)
``rack``     racks [...], unplaced [...]             drawn as SVG (HTML) or listed (Markdown)
``capacity`` figures {...}                           drawn as SVG (HTML) or listed (Markdown)
``bars``     title, items [[label, value, text]]     a horizontal bar chart
``health``   summary, results                        the health summary / findings

Cell values are plain values or ``{"badge": text, "tone": ok|warn|bad|muted|info}``. The renderers escape
everything: names come from the cluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import iso, text, utcnow
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import LEVEL_NAMES, SECTIONS, normalise_levels

OK_STATES = ("ACTIVE", "HEALTHY", "OK", "ONLINE", "CONNECTED", "JOINED", "UP", "SYNCED", "WORKING", "LOCAL_ACTIVE",
             "SUCCEED", "SUCCESS", "CREATED", "DONE", "ENABLED", "INCREMENTAL_SYNC", "RUNNING")
BAD_STATES = ("FAILED", "ERROR", "DOWN", "OFFLINE", "EXPIRED", "DEGRADED", "INACTIVE", "DISCONNECTED", "FAILURE",
              "NOT_A_MEMBER", "CRITICAL", "UNREACHABLE", "ABSENT")
MUTED_STATES = ("UNKNOWN", "N/A", "NONE")
DEFAULT_OPTIONS = {"rows_detail": 50, "rows_full": 5000, "title": "As-built report", "company": "", "author": "",
                   "subtitle": ""}


def badge(value, tone=None):
    label = text(value)
    if tone is None:
        upper = label.upper()
        tone = "ok" if upper in OK_STATES else "bad" if upper in BAD_STATES else "muted" if label == "-" or \
            upper in MUTED_STATES else "warn"
    return {"badge": label, "tone": tone}


def yes_no(value, good=None):
    """A yes/no badge: green when it is the good answer, amber when not, neutral when neither is better."""
    if value is None or value == "":
        return "-"
    if good is None:
        return badge("yes" if value else "no", "muted")
    return badge("yes" if value else "no", "ok" if bool(value) == good else "warn")


_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:?00)?$")


def display(value):
    """Text of a cell for people: ISO timestamps shortened to "YYYY-MM-DD HH:MM UTC", the rest as text()."""
    if isinstance(value, str):
        match = _ISO.match(value.strip())
        if match:
            return "%s %s%s" % (match.group(1), match.group(2), " UTC" if match.group(3) else "")
    return text(value)


def natural_key(value):
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text(value))]


def kv(rows, title=None):
    return {"type": "kv", "title": title, "rows": [[label, value] for label, value in rows]}


def note(message, tone="info"):
    return {"type": "note", "text": message, "tone": tone}


def heading(message):
    return {"type": "heading", "text": message}


class Builder:
    """What every section builder gets: the view, the findings, the section's level and the options."""

    def __init__(self, view, findings, options, levels):
        self.view = view
        self.findings = findings
        self.options = options
        self.levels = levels
        self.level = 0
        self.csv_written = set(options.get("csv_files") or ())

    def cap(self):
        return int(self.options["rows_full"] if self.level >= 3 else self.options["rows_detail"])

    def records(self, name):
        return self.view.records(name)

    def missing(self, name, what=None):
        """A note block saying why *name* is absent."""
        return note("%s: %s." % (what or name, self.view.reason(name)), "missing")

    def table(self, name, title, columns, row_fn, sort=None, csv=None, numeric=(), empty=None, cap=True, where=None):
        """A table of resource *name* (or a note when not collected / empty); rows capped by the level."""
        recs = self.records(name)
        if recs is None:
            return [heading(title), self.missing(name, title)] if title else [self.missing(name)]
        if where is not None:
            recs = [r for r in recs if where(r)]
        if not recs:
            return [heading(title), note(empty or "None configured.")] if title else [note(empty or "None.")]
        ordered = sorted(recs, key=sort or (lambda r: natural_key(r.get("name") or r.get("id"))))
        limit = self.cap() if cap else len(ordered)
        rows = [row_fn(r) for r in ordered[:limit]]
        block = {"type": "table", "title": title, "columns": list(columns), "rows": rows, "total": len(ordered),
                 "csv": csv if csv in self.csv_written else None, "numeric": list(numeric)}
        return [block]

    def all_fields(self, record, title):
        """Level 3: every scalar field of a record, as a settings table."""
        rows = [[k, v] for k, v in sorted(record.items()) if not isinstance(v, (dict, list)) and k not in ("url",)]
        rows += [[k, text(v)] for k, v in sorted(record.items()) if isinstance(v, list) and len(text(v)) < 300]
        return kv(rows, title)


def build_report(view, findings, options=None, levels=None, builders=None):
    """The report model (see the module docstring); *builders* maps section id to a function(builder)."""
    opts = dict(DEFAULT_OPTIONS)
    opts.update(dict((k, v) for k, v in (options or {}).items() if v is not None))
    levels = normalise_levels(levels)
    b = Builder(view, findings, opts, levels)
    sections = []
    number = 0
    for spec in SECTIONS:
        level = levels[spec["id"]]
        if level == 0:
            continue
        number += 1
        b.level = level
        section = {"id": spec["id"], "number": number, "title": spec["title"], "level": level,
                   "level_name": LEVEL_NAMES[level], "status": "ok", "note": None, "blocks": []}
        fn = (builders or {}).get(spec["id"])
        if fn is not None:
            fn(b, section)
        sections.append(section)
    cluster = view.cluster
    return {"title": opts["title"], "subtitle": opts.get("subtitle") or "", "company": opts.get("company") or "",
            "author": opts.get("author") or "", "generated_at": iso(utcnow()), "collected_at": view.collected_at,
            "cluster": cluster, "cluster_name": view.cluster_name, "levels": levels, "sections": sections,
            "csv_files": sorted(b.csv_written)}
