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
``bars``     title, items [[label, value, text]]     a horizontal bar chart; ``columns`` [label, text] head its
                                                     Markdown table, ``same_as`` names a table of the section
                                                     that holds the same data (Markdown then shows that only)
``health``   summary, results                        the health summary / findings
``banner``   title, text, tone, rows                 a message the reader must not miss (resumed data)

Cell values are plain values or ``{"badge": text, "tone": ok|warn|bad|muted|info}``. The renderers escape
everything: names come from the cluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    iso, natural_key, parse_time, text, utcnow,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import TRANSIENT_STATUSES, shorten
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_csv import INVENTORY_OF
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import LEVEL_NAMES, SECTIONS, normalise_levels

OK_STATES = ("ACTIVE", "HEALTHY", "OK", "ONLINE", "CONNECTED", "JOINED", "UP", "SYNCED", "WORKING", "LOCAL_ACTIVE",
             "SUCCEED", "SUCCESS", "CREATED", "DONE", "ENABLED", "INCREMENTAL_SYNC", "RUNNING")
BAD_STATES = ("FAILED", "ERROR", "DOWN", "OFFLINE", "EXPIRED", "DEGRADED", "INACTIVE", "DISCONNECTED", "FAILURE",
              "NOT_A_MEMBER", "CRITICAL", "UNREACHABLE", "ABSENT")
MUTED_STATES = ("UNKNOWN", "N/A", "NONE")
DEFAULT_OPTIONS = {"rows_detail": 50, "rows_full": 5000, "title": "As-built report", "company": "", "author": "",
                   "subtitle": ""}


_STATE_WORD = re.compile(r"^[A-Za-z][A-Za-z_]*$")
ACRONYMS = {"ok": "OK", "n/a": "N/A", "ad": "AD", "ldap": "LDAP", "nfs": "NFS", "smb": "SMB", "s3": "S3"}


def state_label(value):
    """How a state reads in the report, whatever case the API used: "LOCAL_ACTIVE" -> "Local active",
    "ACTIVE" and "Active" -> "Active", "ok" -> "OK". Anything that is not one word (counts, sentences) is kept."""
    label = text(value)
    if not _STATE_WORD.match(label):
        return label
    words = label.replace("_", " ").lower().split()
    words = [ACRONYMS.get(w, w) for w in words]
    first = words[0]
    words[0] = first if first in ACRONYMS.values() else first[:1].upper() + first[1:]
    return " ".join(words)


def badge(value, tone=None):
    label = text(value)
    if tone is None:
        upper = label.upper()
        tone = "ok" if upper in OK_STATES else "bad" if upper in BAD_STATES else "muted" if label == "-" or \
            upper in MUTED_STATES else "warn"
    return {"badge": state_label(label), "tone": tone}


KIND_LABELS = {"cnode": "CNode", "dnode": "DNode", "cbox": "CBox", "dbox": "DBox", "ebox": "EBox", "dtray": "DTray",
               "ssd": "SSD", "nvram": "NVRAM", "psu": "PSU", "nic": "NIC", "vip": "VIP", "vippool": "VIP pool",
               "qospolicy": "QoS policy", "s3policy": "S3 policy", "bgpconfig": "BGP config"}


def kind_label(value):
    """Object kinds as VAST writes them in its documentation: "Cnode", "cnode" and "CNODE" -> "CNode"."""
    if value in (None, ""):
        return value
    key = str(value).strip().lower().replace(" ", "").replace("_", "")
    return KIND_LABELS.get(key, value)


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


def resumed_resources(view):
    """[(subset.resource, read_at or None)] of the resources this snapshot took from an earlier run (interrupted,
    or completed without an answer for some resource) (``meta.resumed``, ``meta.resources[key].resumed`` /
    ``read_at``), sorted by key. Resources that are not applicable (not served by this release, status ``unavailable``) are left out: nothing was resumed."""
    meta = view.meta
    resources = meta.get("resources") or {}
    keys = set(k for k in (meta.get("resumed") or []) if isinstance(k, str))
    keys.update(k for k, v in resources.items() if isinstance(v, dict) and v.get("resumed"))
    keys = [k for k in keys if (resources.get(k) or {}).get("status") != "unavailable"]
    return [(k, (resources.get(k) or {}).get("read_at")) for k in sorted(keys)]


def _resumed_times(view, resumed):
    """The parsed read times of the resumed resources; meta.resumed_from only when none of them has one."""
    times = [parse_time(t) for _k, t in resumed if t]
    times = [t for t in times if t is not None]
    if not times:
        times = [t for t in [parse_time(view.meta.get("resumed_from"))] if t is not None]
    return times


def collection_window(view):
    """(start, end) ISO times of the data when part of it was resumed (start = the earliest read), else None."""
    resumed = resumed_resources(view)
    if not resumed:
        return None
    times = _resumed_times(view, resumed)
    start = min(times) if times else None
    end = parse_time(view.collected_at)
    try:
        if end is not None and view.meta.get("elapsed_s") is not None:
            end = end + datetime.timedelta(seconds=float(view.meta["elapsed_s"]))
    except (TypeError, ValueError):
        pass
    return iso(start) if start else None, iso(end) if end else view.collected_at


def time_range(start, end):
    """"2026-12-03 16:05 UTC to 2026-12-03 16:31 UTC"; one time when both read the same ("16:05 to 16:05")."""
    first, last = display(start), display(end)
    return first if first == last else "%s to %s" % (first, last)


def collected_text(view):
    """"Data collected" for people: one time, or the range from the earliest resumed read to the end."""
    window = collection_window(view)
    if window is None:
        return display(view.collected_at)
    start, end = window
    if not start:
        return "%s (part of the data was read by an earlier run; when is not recorded)" % display(end)
    return "%s (partly resumed from an earlier run)" % time_range(start, end)


def resume_banner(view):
    """The one-sentence banner a report with resumed data opens with (executive summary and appendix); None
    otherwise. The appendix's "Resources read" table names the resumed resources and when each was read."""
    resumed = resumed_resources(view)
    if not resumed:
        return None
    resources = view.meta.get("resources") or {}
    total = len([k for k, v in resources.items() if not (isinstance(v, dict) and v.get("status") == "unavailable")])
    total = max(total, len(resumed))
    times = _resumed_times(view, resumed)
    when = ("read %s" % time_range(iso(min(times)), iso(max(times)))) if times else "read earlier (time not recorded)"
    return {"type": "banner", "tone": "warn", "title": None,
            "text": "Part of this data was resumed from an earlier collection: %s of the %d resources in this report "
                    "come from an earlier run (%s), the rest from this run of %s." % (
                        len(resumed), total, when, display(view.collected_at)),
            "columns": [], "rows": []}


def incomplete_banner(view):
    """The banner a report opens with when resources could not be read (it must never look complete); or None."""
    errors = view.meta.get("errors") or {}
    if not isinstance(errors, dict) or not errors:
        return None
    total = len(view.meta.get("resources") or {}) or len(errors)
    rows = []
    resources = view.meta.get("resources") or {}
    for key in sorted(errors):
        err = errors[key]
        msg = err.get("msg") if isinstance(err, dict) else err
        # the short reason (the error's message without its url and hint, which the appendix's Errors table gives)
        short = (resources.get(key) or {}).get("reason") if isinstance(resources.get(key), dict) else None
        msg = short or msg
        status = err.get("status") if isinstance(err, dict) else None
        why = shorten(text(msg), 240) if msg else "read failed"       # never cut mid-word
        rows.append([key, "%s%s" % (why, " (HTTP %s)" % status if status and str(status) not in why else "")])
    advice = "Run the playbook again to read the missing resources."
    if any(_no_answer(err) for err in errors.values()):
        # vast_info keeps the parts of this run only then (for want of an answer); see its resume option
        advice = "Run the playbook again to read the missing resources (with collect_resume, the default, a run " \
                 "within collect_resume_max_age reads only those)."
    return {"type": "banner", "tone": "warn", "title": "This report is incomplete",
            "text": "%d of the %d resources could not be read, so the sections and health rules that need them say "
                    "so instead of showing data. %s" % (len(errors), total, advice),
            "columns": ["Resource", "Why it could not be read"], "rows": rows}


NO_ANSWER_ERRORS = ("ConnectionFailed", "CircuitOpen", "RequestTimeout", "DeadlineExceeded")


def _no_answer(err):
    """Whether a read failed for want of an answer (errors.is_transient), after which vast_info keeps this run's
    parts for a resumed rerun; snapshots older than the ``transient`` field are judged by status and class."""
    if not isinstance(err, dict):
        return False
    if "transient" in err:
        return bool(err["transient"])
    try:
        status = int(err.get("status") or 0)
    except (TypeError, ValueError):
        status = 0
    return status in TRANSIENT_STATUSES or err.get("error") in NO_ANSWER_ERRORS


def missing_word(view, name):
    """Why resource *name* has no records, in two or three words for a cell or a card: "could not be read" (the
    read failed), "not collected" (the run did not ask for it) or "not available" (not served by this release)."""
    state = view.state(name)[0]
    return {"error": "could not be read", "unavailable": "not available"}.get(state, "not collected")


KIND_NAMES = {"cnodes": "CNodes", "dnodes": "DNodes", "views": "views"}


def missing_card(view, label, names, sub=""):
    """A key-figure card for resources that are missing (executive summary, section figures): the figure says why
    in place - "could not be read" / "not collected" (missing_word) - instead of disappearing. A card of one
    figure ("Views", "CNodes") gives the word alone; a card of several ("CNodes / DNodes") names the one
    missing when they differ ("CNodes could not be read")."""
    words = [missing_word(view, n) for n in names]
    if len(set(words)) == 1 and (len(names) > 1 or " / " not in label):
        value = words[0]
    else:
        value = "; ".join("%s %s" % (KIND_NAMES.get(n, n), w) for n, w in zip(names, words))
    return {"label": label, "value": value, "sub": sub,
            "tone": "warn" if "could not be read" in value else "muted"}


def missing_chart(view, name, title):
    """In place of a chart whose data is missing: its title and why ("Views by protocol: could not be read:
    ..."), the same words a table of that resource gives."""
    return [heading(title), note("%s: %s." % (title, view.reason(name)), "missing")]


def section_flag(note_text):
    """The contents-list flag of a section without data, from its note (built on SnapshotView.reason): "could
    not be read" when the cluster was asked and the read failed, "not collected" when the run did not ask."""
    note_text = note_text or ""
    if "could not be read" in note_text:
        return "could not be read"
    if "not available on this cluster" in note_text:
        return "not available"
    return "not collected"


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
        self.csv_enabled = bool(options.get("csv_enabled", bool(self.csv_written)))
        self.csv_extra = {}     # file name -> (columns, rows) of capped tables that have no inventory

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
            return [heading(title), note(empty or "None configured.")] if title else [note(empty or "None configured.")]
        ordered = sorted(recs, key=sort or (lambda r: natural_key(r.get("name") or r.get("id"))))
        limit = self.cap() if cap else len(ordered)
        rows = [row_fn(r) for r in ordered[:limit]]
        if csv is None and INVENTORY_OF.get(name) in self.csv_written:
            csv = INVENTORY_OF[name]
        if csv not in self.csv_written:
            csv = None
        if csv is None and len(ordered) > limit:
            csv = self.extra_csv(name, columns, rows + [row_fn(r) for r in ordered[limit:]])
        block = {"type": "table", "title": title, "columns": list(columns), "rows": rows, "total": len(ordered),
                 "csv": csv, "numeric": list(numeric)}
        return [block]

    def extra_csv(self, name, columns, all_rows):
        """Register the CSV of a capped table without an inventory of its own; returns its file name (or None
        when CSV files are not written)."""
        if not self.csv_enabled:
            return None
        filename = "%s.csv" % "".join(c if c.isalnum() or c in "-_" else "_" for c in str(name).lower())
        self.csv_extra[filename] = (list(columns), all_rows)
        return filename

    def capped(self, name, title, columns, all_rows, numeric=()):
        """A table of ready-made rows, capped by the level (with a CSV of every row when capped)."""
        limit = self.cap()
        block = {"type": "table", "title": title, "columns": list(columns), "rows": all_rows[:limit],
                 "total": len(all_rows), "csv": None, "numeric": list(numeric)}
        if len(all_rows) > limit:
            block["csv"] = self.extra_csv(name, columns, all_rows)
        return block

    def all_fields(self, record, title):
        """Level 3: every scalar field of a record, as a settings table."""
        rows = [[k, v] for k, v in sorted(record.items()) if not isinstance(v, (dict, list)) and k not in ("url",)]
        rows += [[k, text(v)] for k, v in sorted(record.items()) if isinstance(v, list) and len(text(v)) < 300]
        return kv(rows, title)


def build_report(view, findings, options=None, levels=None, builders=None):
    """The report model (see the module docstring); *builders* maps section id to a function(builder)."""
    opts = dict(DEFAULT_OPTIONS)
    opts.update(dict((k, v) for k, v in (options or {}).items() if v is not None))
    opts["collected_text"] = collected_text(view)
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
        if section["status"] == "unavailable" and not section.get("flag"):
            section["flag"] = section_flag(section.get("note"))
        sections.append(section)
    cluster = view.cluster
    return {"title": opts["title"], "subtitle": opts.get("subtitle") or "", "company": opts.get("company") or "",
            "author": opts.get("author") or "", "generated_at": iso(utcnow()), "collected_at": view.collected_at,
            "collected_text": opts["collected_text"], "collection_window": collection_window(view),
            "resumed": [{"resource": k, "read_at": t} for k, t in resumed_resources(view)],
            "cluster": cluster, "cluster_name": view.cluster_name, "levels": levels, "sections": sections,
            "csv_files": sorted(b.csv_written | set(b.csv_extra)), "csv_extra": b.csv_extra}
