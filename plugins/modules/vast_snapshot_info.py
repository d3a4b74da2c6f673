#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_snapshot_info
short_description: Describe a VAST snapshot file, or list the collection runs of a cluster
version_added: 0.1.0
description:
  - With O(path), reads and validates one snapshot written by M(vastops.asbuilt.vast_info) (schema 1) and returns
    what it holds (cluster, versions, collection time, what was collected, unavailable and failed resources),
    without the data itself.
  - With O(cluster_dir), lists the run directories the as-built roles keep for one cluster
    (C(<output_dir>/<cluster>/<UTC timestamp>/)) and says which hold a complete snapshot and which a report, and
    where the parts of an interrupted collection wait to be resumed. The roles use it for offline re-rendering and
    for comparing the latest two snapshots.
  - Never contacts a cluster and never writes.
author:
  - vastops.asbuilt contributors (@vastops)
options:
  path:
    description: A snapshot file (C(.json.gz) or C(.json)).
    type: path
  cluster_dir:
    description: The directory of one cluster's runs (C(<output_dir>/<cluster>)). A missing directory has no runs.
    type: path
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_info
  - module: vastops.asbuilt.vast_drift
"""

EXAMPLES = r"""
- name: Describe a snapshot
  vastops.asbuilt.vast_snapshot_info:
    path: /srv/asbuilt/vast-prod-1/latest/snapshot.json.gz
  register: snap

- name: Find the latest two complete snapshots of a cluster
  vastops.asbuilt.vast_snapshot_info:
    cluster_dir: /srv/asbuilt/vast-prod-1
  register: runs

- name: Compare them
  vastops.asbuilt.vast_drift:
    before: "{{ runs.previous }}"
    after: "{{ runs.latest }}"
  when: runs.previous is not none
"""

RETURN = r"""
snapshot:
  description: What the snapshot at O(path) holds (not the data).
  type: dict
  returned: when O(path) is set
  contains:
    path:
      description: Absolute path of the file.
      type: str
    collected_at:
      description: When it was collected (UTC).
      type: str
    cluster:
      description: Identity of the cluster (name, guid, psnt, sw_version).
      type: dict
    api_version:
      description: API version the collection used.
      type: str
    subsets_requested:
      description: Subsets that were requested.
      type: list
      elements: str
    resources:
      description: Number of resources per status (C(ok), C(unavailable), C(error)).
      type: dict
    errors:
      description: The resources that failed to read (C(subset.resource)).
      type: list
      elements: str
  sample: {"path": "/srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz", "collected_at": "2026-12-03T16:30:00Z",
           "cluster": {"name": "vast-prod-1"}, "api_version": "v7", "subsets_requested": ["cluster", "hardware"],
           "resources": {"ok": 20, "unavailable": 1, "error": 0}, "errors": []}
runs:
  description: The run directories of O(cluster_dir), oldest first.
  type: list
  elements: dict
  returned: when O(cluster_dir) is set
  sample: [{"name": "20261203T163000Z", "path": "/srv/asbuilt/vast-prod-1/20261203T163000Z",
            "snapshot": "/srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz", "parts": false,
            "report": true, "findings": true}]
latest:
  description: The newest complete snapshot of O(cluster_dir), or null.
  type: str
  returned: when O(cluster_dir) is set
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz
previous:
  description: The complete snapshot before RV(latest), or null.
  type: str
  returned: when O(cluster_dir) is set
  sample: /srv/asbuilt/vast-prod-1/20261202T163000Z/snapshot.json.gz
incomplete:
  description: The parts an interrupted or partly failed collection left for the next run to resume (in the
    cluster's staging directory C(.collecting/), or in a run directory written by an earlier version), or null.
  type: str
  returned: when O(cluster_dir) is set
  sample: /srv/asbuilt/vast-prod-1/.collecting/snapshot.json.gz.parts
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import run_dirs, staged_parts
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotError, load_snapshot

SNAPSHOT = "snapshot.json.gz"


def describe(path):
    view = load_snapshot(path)
    meta = view.meta
    statuses = {"ok": 0, "unavailable": 0, "error": 0}
    for info in (meta.get("resources") or {}).values():
        status = (info or {}).get("status")
        if status in statuses:
            statuses[status] += 1
    cluster = view.cluster
    return {"path": os.path.abspath(path), "collected_at": view.collected_at,
            "schema_version": view.doc.get("schema_version"),
            "cluster": dict((k, cluster.get(k)) for k in ("name", "guid", "psnt", "sw_version")),
            "api_version": meta.get("api_version"), "subsets_requested": meta.get("subsets_requested") or [],
            "resources": statuses, "errors": sorted((meta.get("errors") or {}).keys())}


def list_runs(cluster_dir):
    runs = []
    for name in run_dirs(cluster_dir):
        path = os.path.join(cluster_dir, name)
        snap = os.path.join(path, SNAPSHOT)
        runs.append({"name": name, "path": path, "snapshot": snap if os.path.isfile(snap) else None,
                     "parts": os.path.isdir(snap + ".parts"), "report": os.path.isfile(os.path.join(path, "report.html")),
                     "findings": os.path.isfile(os.path.join(path, "findings.json"))})
    complete = [r["snapshot"] for r in runs if r["snapshot"]]
    incomplete = [os.path.join(r["path"], SNAPSHOT + ".parts") for r in runs if r["parts"]]
    staged = staged_parts(cluster_dir)
    return {"runs": runs, "latest": complete[-1] if complete else None,
            "previous": complete[-2] if len(complete) > 1 else None,
            "incomplete": staged or (incomplete[-1] if incomplete else None)}


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type="path"), cluster_dir=dict(type="path")),
                           required_one_of=[("path", "cluster_dir")], mutually_exclusive=[("path", "cluster_dir")],
                           supports_check_mode=True)
    if module.params["path"]:
        try:
            module.exit_json(changed=False, snapshot=describe(module.params["path"]))
        except SnapshotError as exc:
            module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **list_runs(os.path.abspath(module.params["cluster_dir"])))


if __name__ == "__main__":
    main()
