#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_fleet_report
short_description: Write the fleet index page that links every cluster's as-built report
version_added: 0.1.0
description:
  - Writes C(index.html) (self-contained, like the reports), C(index.md) and C(fleet.json) into O(dest), one row
    per cluster with its VAST version, capacity used, node counts, health verdict (never "OK" while rules were not
    evaluated, with the sections that lack data) and data collection time, linked to its latest report.
  - Takes, per cluster, the RV(vastops.asbuilt.vast_report#module:summary) that M(vastops.asbuilt.vast_report)
    returned in this run (the cluster is marked as refreshed by this run), or the error of this run (marked
    failed), or neither (the cluster was not part of this run, for example with C(--limit)). Without a summary
    the cluster's latest report on disk is found under O(clusters[].dir) and shown with its date, so a limited
    run never leaves stale or wrongly failed rows in the index.
author:
  - vastops.asbuilt contributors (@vastops)
options:
  dest:
    description: Directory to write the index into (created if missing); links to reports are relative to it.
    type: path
    required: true
  clusters:
    description: One entry per cluster.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The cluster's inventory name.
        type: str
        required: true
      summary:
        description: The C(summary) returned by M(vastops.asbuilt.vast_report); omit it for a cluster whose run failed.
        type: dict
      offline:
        description: The report in O(clusters[].summary) was re-rendered from an existing snapshot (the collect role's
          offline mode), not from a new collection; the index says so, with the date of the snapshot.
        type: bool
        default: false
      report:
        description: Path of the cluster's C(report.html) (default the one in O(clusters[].summary)).
        type: path
      dir:
        description: The directory of the cluster's runs (C(<output_dir>/<cluster>)), searched for its latest report
          when O(clusters[].summary) is not given.
        type: path
      error:
        description:
          - Why this run wrote no report for the cluster (the cluster is listed as failed in this run; its last
            report, if any, is still linked).
          - "The index shows the error message only: an error written as C(<task name>: <message>) loses the task
            name when O(clusters[].failed_task) names it. C(fleet.json) keeps the error as given (C(error)), the
            message (C(reason)) and O(clusters[].failed_task)."
        type: str
      failed_task:
        description: The name of the task that failed (kept in C(fleet.json); the as-built playbook gives it).
        type: str
      busy:
        description: "This run was refused because another run holds the cluster's lease (it is collecting the
          cluster right now). The cluster is then not counted as failed; it is listed with its latest report and a
          note (O(clusters[].note), by default C(being collected by another run (refused: lease held)))."
        type: bool
        default: false
      note:
        description: A remark shown with the cluster's status (for example that an older snapshot was re-rendered
          and C(latest) kept the newer report).
        type: str
  title:
    description: Title of the page.
    type: str
    default: VAST fleet as-built reports
  company:
    description: Company name shown on the cover.
    type: str
  colors:
    description: Branding colours as C(#rrggbb).
    type: dict
    suboptions:
      primary:
        description: Cover and headings.
        type: str
      accent:
        description: Accent line and cards.
        type: str
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_report
"""

EXAMPLES = r"""
- name: Write the fleet index
  vastops.asbuilt.vast_fleet_report:
    dest: /srv/asbuilt
    clusters:
      - name: vast-prod-1
        summary: "{{ hostvars['vast-prod-1'].report_result.summary }}"
      - name: vast-prod-2
        error: the cluster did not answer
        dir: /srv/asbuilt/vast-prod-2
      - name: vast-dr-1            # not part of this run: its latest report on disk is listed
        dir: /srv/asbuilt/vast-dr-1
"""

RETURN = r"""
index:
  description: The HTML index written.
  type: str
  returned: always
  sample: /srv/asbuilt/index.html
totals:
  description: Clusters; those with a report (C(reported)), refreshed by this run, re-rendered from a snapshot by this
    run (C(rerendered)), from an earlier run, failed in this run, without any report (C(missing)); health incomplete
    or not checked; findings by severity.
  type: dict
  returned: always
  sample: {"clusters": 3, "reported": 3, "refreshed": 2, "rerendered": 0, "earlier": 1, "failed": 0, "missing": 0, "incomplete": 0,
           "not_checked": 0, "critical": 1, "major": 4, "minor": 2, "info": 0}
files:
  description: The files written.
  type: list
  elements: str
  returned: always
  sample: [/srv/asbuilt/index.html, /srv/asbuilt/index.md, /srv/asbuilt/fleet.json]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.fleet import fleet_document, render_html, render_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    atomic_write, directory_problem, make_dirs, os_error_text,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes

ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    clusters=dict(type="list", elements="dict", required=True, options=dict(
        name=dict(type="str", required=True), summary=dict(type="dict"), offline=dict(type="bool", default=False),
        report=dict(type="path"),
        dir=dict(type="path"), error=dict(type="str"), failed_task=dict(type="str"),
        busy=dict(type="bool", default=False), note=dict(type="str"))),
    title=dict(type="str", default="VAST fleet as-built reports"),
    company=dict(type="str"),
    colors=dict(type="dict", options=dict(primary=dict(type="str"), accent=dict(type="str"))),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    dest = os.path.abspath(p["dest"])
    colours = p["colors"] or {}
    try:
        doc = fleet_document(p["clusters"], dest, p["title"])
        files = {"index.html": render_html(doc, p["company"], colours.get("primary"), colours.get("accent")),
                 "index.md": render_md(doc), "fleet.json": json_bytes(doc)}
    except ValueError as exc:
        module.fail_json(msg="cannot render the fleet index: %s" % exc)
    written = []
    try:
        if not module.check_mode and not os.path.isdir(dest):
            make_dirs(dest)
        for name in sorted(files):
            written.append(os.path.join(dest, name))
            if not module.check_mode:
                atomic_write(written[-1], files[name])
    except (IOError, OSError) as exc:
        problem = directory_problem(dest) or os_error_text(exc)
        module.fail_json(msg="cannot write the fleet index into %s: %s. Choose another output directory (the "
                             "playbooks' asbuilt_output_dir, or report_fleet_dir)%s."
                             % (dest, problem, ", on a file system mounted read-write" if "read-only file system"
                                in problem else " or fix the permissions"))
    module.exit_json(changed=True, index=os.path.join(dest, "index.html"), totals=doc["totals"], files=written)


if __name__ == "__main__":
    main()
