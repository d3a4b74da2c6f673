# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render every requested report file in memory: ``render_files(view, findings, ...) -> {name: bytes}``.

Everything is rendered before anything is written, so a failure cannot leave half a report behind; the
caller writes the files atomically (atomic_files.atomic_write).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible_collections.vastops.asbuilt.plugins.module_utils import (
    report_build_config, report_build_infra, report_build_ops, report_csv, report_html, report_md,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.fleet import report_summary
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import build_report

FORMATS = ("html", "md", "json", "csv")
BUILDERS = {
    "executive_summary": report_build_infra.executive_summary, "cluster": report_build_infra.cluster,
    "capacity": report_build_infra.capacity, "hardware": report_build_infra.hardware,
    "network": report_build_config.network, "switches": report_build_config.switches,
    "logical": report_build_config.logical, "security": report_build_ops.security,
    "data_protection": report_build_ops.data_protection, "monitoring": report_build_ops.monitoring,
    "health": report_build_ops.health, "appendix": report_build_ops.appendix,
}
LOGO_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
              (b"RIFF", "image/webp"))
MAX_LOGO_BYTES = 512 * 1024


def logo_data_uri(data):
    """A ``data:`` URI for logo bytes (PNG, JPEG, GIF, WebP or SVG); ValueError for anything else."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError("the logo is %d bytes; keep it under %d KB" % (len(data), MAX_LOGO_BYTES // 1024))
    mime = next((m for magic, m in LOGO_TYPES if data.startswith(magic)), None)
    if mime is None and b"<svg" in data[:2048]:
        mime = "image/svg+xml"
    if mime is None:
        raise ValueError("the logo must be a PNG, JPEG, GIF, WebP or SVG file")
    return "data:%s;base64,%s" % (mime, base64.b64encode(data).decode("ascii"))


def report_json(view, findings, model):
    """The report as data: every section with its blocks (the same tables, figures and notes as the HTML and
    Markdown pages), the findings and the collection's meta. The complete records are in the snapshot (schema 1)
    and the CSV inventories; they are not copied here (a large cluster's would be hundreds of megabytes).
    ``summary`` holds the key figures the fleet index shows (it reads them from here for clusters that were not
    part of the run that writes the index)."""
    return {"schema_version": 1, "kind": "vastops.asbuilt.report",
            "summary": report_summary(view, findings, model),
            "title": model["title"], "subtitle": model["subtitle"], "company": model["company"],
            "author": model["author"], "generated_at": model["generated_at"], "collected_at": view.collected_at,
            "collected_text": model.get("collected_text"), "resumed": model.get("resumed") or [],
            "cluster": view.cluster, "levels": model["levels"], "sections": model["sections"],
            "csv_files": model["csv_files"], "snapshot": "snapshot.json.gz", "findings": findings,
            "meta": view.meta}


def render_files(view, findings, levels=None, formats=FORMATS, options=None, colours=None, logo=None):
    """{file name: bytes} for the requested formats (report.html, report.md, report.json, <inventory>.csv)."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError("unknown report format(s): %s" % ", ".join(unknown))
    colours = colours or {}
    files = {}
    csvs = report_csv.inventories(view) if "csv" in formats else {}
    opts = dict(options or {})
    opts["csv_files"] = sorted(csvs)
    opts["csv_enabled"] = "csv" in formats
    model = build_report(view, findings, opts, levels, BUILDERS)
    for name, (columns, rows) in sorted(model.pop("csv_extra", {}).items()):
        csvs[name] = report_csv.table_csv(columns, rows)
    if "html" in formats:
        files["report.html"] = report_html.render(model, colours.get("primary"), colours.get("accent"),
                                                  logo_data_uri(logo) if logo else None).encode("utf-8")
    if "md" in formats:
        files["report.md"] = report_md.render(model).encode("utf-8")
    if "json" in formats:
        files["report.json"] = json_bytes(report_json(view, findings, model))
    for name, body in csvs.items():
        files[name] = body.encode("utf-8")
    return files, model
