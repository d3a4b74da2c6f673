#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_report
short_description: Render the as-built report of a VAST cluster from a snapshot (HTML, Markdown, JSON, CSV)
version_added: 0.1.0
description:
  - Renders the as-built report of one cluster from a snapshot written by M(vastops.asbuilt.vast_info) and,
    optionally, the findings written by M(vastops.asbuilt.vast_healthcheck).
  - C(report.html) is one self-contained file (inline CSS, inline SVG drawings, the logo as a data URI) and loads
    nothing from the network, so it opens on air-gapped sites and prints cleanly. C(report.md) mirrors it.
    C(report.json) is the same report as data (sections with their tables, figures and notes, the findings and
    the collection's meta); the complete records stay in the snapshot and the CSV inventories. The CSV inventories (C(nodes.csv), C(boxes.csv), C(drives.csv),
    C(switch_ports.csv), C(vips.csv), C(views.csv), C(viewpolicies.csv), C(quotas.csv), C(userquotas.csv),
    C(snapshots.csv), C(events.csv)) are complete lists; long HTML tables are capped by the detail level and point
    to them, and every other table the page shows only part of gets a CSV of its own (C(<resource>.csv)).
  - Sections (executive summary, cluster, capacity, hardware and racks, network, switches, logical configuration,
    security, data protection, monitoring, health findings, appendix) each take a detail level from 0 (left out)
    to 3 (everything). A section whose data was not collected says so, and why; one with nothing configured says
    that instead.
  - Everything is rendered in memory first, then each file is written atomically, so a failed render leaves the
    previous files untouched.
author:
  - vastops.asbuilt contributors (@vastops)
options:
  snapshot:
    description: Path of the snapshot file (C(.json.gz) or C(.json)).
    type: path
    required: true
  findings:
    description: Path of the findings file of M(vastops.asbuilt.vast_healthcheck). Without it the report says the
      health check did not run.
    type: path
  dest:
    description: Directory to write the report files into (created if missing, with its parents).
    type: path
    required: true
  formats:
    description: Which files to write.
    type: list
    elements: str
    choices: [html, md, json, csv]
    default: [html, md, json, csv]
  sections:
    description:
      - Detail level per section, 0 (off) to 3 (everything); sections not named keep their default.
      - "Sections and defaults: V(executive_summary) 1, V(cluster) 2, V(capacity) 2, V(hardware) 2, V(network) 2,
        V(switches) 2, V(logical) 2, V(security) 2, V(data_protection) 2, V(monitoring) 2, V(health) 2,
        V(appendix) 1."
    type: dict
    default: {}
  title:
    description: Title on the cover.
    type: str
    default: As-built report
  subtitle:
    description: Line under the title (default the cluster name and VAST version).
    type: str
  company:
    description: Company the report is prepared for, shown on the cover.
    type: str
  author:
    description: Author shown on the cover.
    type: str
  logo:
    description: PNG, JPEG, GIF, WebP or SVG file embedded on the cover (as a data URI; at most 512 KB).
    type: path
  colors:
    description: Branding colours as C(#rrggbb).
    type: dict
    suboptions:
      primary:
        description: Cover, headings and section numbers.
        type: str
      accent:
        description: Accent line, cards and bars.
        type: str
  rows_detail:
    description: Rows shown per table at detail level 2 (the CSV files and level 3 list more).
    type: int
    default: 50
  rows_full:
    description: Rows shown per table at detail level 3.
    type: int
    default: 5000
  update_latest:
    description:
      - Point C(<parent of dest>/latest) (a relative symbolic link, and C(latest.txt)) at O(dest) once every file
        is written.
      - "C(latest) names the run with the newest data: when it points to a run whose data was collected after
        O(snapshot)'s (an older snapshot re-rendered offline), it is left alone, with a warning, and
        RV(latest_kept) names that run."
    type: bool
    default: false
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_info
  - module: vastops.asbuilt.vast_healthcheck
"""

EXAMPLES = r"""
- name: Render the report of one snapshot
  vastops.asbuilt.vast_report:
    snapshot: /srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz
    findings: /srv/asbuilt/vast-prod-1/20261203T163000Z/findings.json
    dest: /srv/asbuilt/vast-prod-1/20261203T163000Z
    company: Example Corp
    author: Storage team
    sections:
      hardware: 3
      monitoring: 0
    update_latest: true
  register: report

- name: Where is it
  ansible.builtin.debug:
    msg: "{{ report.html }}"
"""

RETURN = r"""
files:
  description: Every file written (or that would be written in check mode).
  type: list
  elements: str
  returned: always
  sample: [/srv/asbuilt/vast-prod-1/20261203T163000Z/report.html]
html:
  description: The HTML report, when rendered.
  type: str
  returned: when V(html) is in O(formats)
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z/report.html
markdown:
  description: The Markdown report, when rendered.
  type: str
  returned: when V(md) is in O(formats)
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z/report.md
csv:
  description: The CSV inventories written (only those whose data was collected).
  type: list
  elements: str
  returned: always
  sample: [/srv/asbuilt/vast-prod-1/20261203T163000Z/nodes.csv]
sections:
  description: Each section rendered, with its level and status (C(ok), C(empty) or C(unavailable)) and why.
  type: list
  elements: dict
  returned: always
  sample: [{"id": "switches", "title": "Switches", "level": 2, "status": "unavailable",
            "note": "The switches not collected in this run."}]
summary:
  description:
    - Key figures for a fleet index (see M(vastops.asbuilt.vast_fleet_report)); also written into C(report.json)
      (key C(summary)) so that a later, limited run can list this report in the index.
    - C(health) is the findings summary with its verdict (C(headline), C(detail)), or null without a health
      check; C(not_collected) lists the sections whose data was not collected, C(resources_failed) the resources
      that could not be read, C(resumed) those reused from an interrupted collection.
    - C(nodes_missing) says why a node count is absent from C(nodes) (C(cnodes) or C(dnodes) -> C(could not be
      read), C(not collected) or C(not available)); the fleet index shows those words in place of the count.
  type: dict
  returned: always
  sample: {"cluster_name": "vast-lab-01", "sw_version": "5.3.1.1.12345678901234567890", "used_percent": 63.0,
           "usable_bytes": 517997054147818, "nodes": {"cnodes": 8, "dnodes": 4}, "nodes_missing": {},
           "collected_at": "2026-12-03T16:30:00Z",
           "collected_text": "2026-12-03 16:30 UTC",
           "health": {"failed": 2, "not_evaluated": 0, "by_severity": {"critical": 1, "major": 1, "minor": 0, "info": 0},
                      "verdict": "fail", "headline": "2 findings", "detail": "1 critical, 1 major"},
           "not_collected": [], "not_collected_titles": [], "resources_failed": [], "resumed": [],
           "html": /srv/asbuilt/vast-prod-1/20261203T163000Z/report.html}
latest:
  description: The C(latest) link updated.
  type: str
  returned: when O(update_latest=true)
  sample: /srv/asbuilt/vast-prod-1/latest
latest_kept:
  description: The run C(latest) still points to because its data is newer than O(snapshot)'s (then O(dest) did
    not become the latest), with when its data was collected.
  type: dict
  returned: when O(update_latest=true) and C(latest) was left alone for newer data
  sample: {"run": "20261204T163000Z", "collected_at": "2026-12-04T16:30:00Z"}
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import parse_time
from ansible_collections.vastops.asbuilt.plugins.module_utils.fleet import report_summary
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import atomic_write, make_dirs
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import point_latest
from ansible_collections.vastops.asbuilt.plugins.module_utils.report import FORMATS, render_files
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import SectionConfigError
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import (
    SnapshotError, load_snapshot, read_json_document,
)

ARGUMENT_SPEC = dict(
    snapshot=dict(type="path", required=True),
    findings=dict(type="path"),
    dest=dict(type="path", required=True),
    formats=dict(type="list", elements="str", choices=list(FORMATS), default=list(FORMATS)),
    sections=dict(type="dict", default={}),
    title=dict(type="str", default="As-built report"),
    subtitle=dict(type="str"),
    company=dict(type="str"),
    author=dict(type="str"),
    logo=dict(type="path"),
    colors=dict(type="dict", options=dict(primary=dict(type="str"), accent=dict(type="str"))),
    rows_detail=dict(type="int", default=50),
    rows_full=dict(type="int", default=5000),
    update_latest=dict(type="bool", default=False),
)


def summary_of(view, findings, model, html):
    summary = report_summary(view, findings, model)
    summary["html"] = html
    return summary


def _collected_at(run_dir):
    """When the data of the run *run_dir* was collected (its report.json, else its snapshot), or None."""
    try:
        doc = read_json_document(os.path.join(run_dir, "report.json"))
        value = doc.get("collected_at") or (doc.get("summary") or {}).get("collected_at")
        if value:
            return value
    except Exception:  # pylint: disable=broad-except  # no or an unreadable report: ask the snapshot
        pass
    try:
        return load_snapshot(os.path.join(run_dir, "snapshot.json.gz")).collected_at
    except Exception:  # pylint: disable=broad-except  # nothing to compare with: the new report wins
        return None


def newer_latest(parent, current, collected_at):
    """``{"run", "collected_at"}`` when the run *current* (what ``latest`` points to) holds data collected after
    *collected_at*, else None: ``latest`` names the newest data, never an older snapshot re-rendered later."""
    if not current or os.sep in current or not os.path.isdir(os.path.join(parent, current)):
        return None
    theirs = _collected_at(os.path.join(parent, current))
    mine_t, theirs_t = parse_time(collected_at), parse_time(theirs)
    if mine_t is None or theirs_t is None or theirs_t <= mine_t:
        return None
    return {"run": current, "collected_at": theirs}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    if p["rows_detail"] < 1 or p["rows_full"] < 1:
        module.fail_json(msg="rows_detail and rows_full must be at least 1")
    try:
        view = load_snapshot(p["snapshot"])
        findings = read_json_document(p["findings"]) if p["findings"] else None
        if findings is not None and findings.get("kind") != "vastops.asbuilt.findings":
            module.fail_json(msg="%s is not a findings file of vast_healthcheck" % p["findings"])
        logo = None
        if p["logo"]:
            with open(p["logo"], "rb") as handle:
                logo = handle.read()
        options = dict(title=p["title"], subtitle=p["subtitle"], company=p["company"], author=p["author"],
                       rows_detail=p["rows_detail"], rows_full=p["rows_full"])
        files, model = render_files(view, findings, levels=p["sections"], formats=p["formats"], options=options,
                                    colours=p["colors"] or {}, logo=logo)
    except (SnapshotError, SectionConfigError, ValueError, IOError, OSError) as exc:
        module.fail_json(msg="cannot render the report: %s" % exc)
    except Exception as exc:  # pylint: disable=broad-except  # a clear failure instead of a traceback
        module.fail_json(msg="cannot render the report from %s: it holds data of an unexpected shape (%s: %s)."
                         % (p["snapshot"], type(exc).__name__, exc), error=type(exc).__name__)
    dest = os.path.abspath(p["dest"])
    written, changed = [], False
    try:
        if not module.check_mode and not os.path.isdir(dest):
            make_dirs(dest)
        for name in sorted(files):
            path = os.path.join(dest, name)
            written.append(path)
            try:
                with open(path, "rb") as handle:
                    if handle.read() == files[name]:
                        continue
            except (IOError, OSError):
                pass
            changed = True
            if not module.check_mode:
                atomic_write(path, files[name])
    except (IOError, OSError) as exc:
        module.fail_json(msg="cannot write the report into %s: %s" % (dest, exc), files=written)
    html = os.path.join(dest, "report.html") if "report.html" in files else None
    result = dict(changed=changed, files=written, csv=[f for f in written if f.endswith(".csv")],
                  sections=[dict((k, s[k]) for k in ("id", "title", "level", "status", "note")) for s in model["sections"]],
                  summary=summary_of(view, findings, model, html))
    if html:
        result["html"] = html
    if "report.md" in files:
        result["markdown"] = os.path.join(dest, "report.md")
    if p["update_latest"]:
        parent = os.path.dirname(dest)
        link = os.path.join(parent, "latest")
        try:
            current = os.readlink(link)
        except OSError:
            current = None
        if current is None:
            try:
                with open(os.path.join(parent, "latest.txt"), "r") as handle:
                    current = handle.read().strip() or None
            except (IOError, OSError):
                current = None
        kept = newer_latest(parent, current, view.collected_at) if current != os.path.basename(dest) else None
        if kept:
            result["latest"] = link
            result["latest_kept"] = kept
            module.warn("%s holds data collected at %s, older than that of %s (collected at %s): it is rendered "
                        "there, and %s still points to %s, the newest data." % (
                            dest, view.collected_at, kept["run"], kept["collected_at"], link, kept["run"]))
            module.exit_json(**result)
        if current != os.path.basename(dest) and not module.check_mode:
            try:
                point_latest(parent, dest)
            except (IOError, OSError) as exc:
                module.fail_json(msg="cannot update %s: %s" % (link, exc), **result)
        result["latest"] = link
        result["changed"] = result["changed"] or current != os.path.basename(dest)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
