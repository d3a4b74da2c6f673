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
  runs_of:
    description:
      - With O(path), the directory of one cluster's runs that the snapshot is to join (an offline re-render files
        it there). RV(cluster_check) then says whether the snapshot is of the same cluster as the newest complete
        snapshot of that directory (by guid; by name when either has no guid).
    type: path
  expect_name:
    description:
      - With O(runs_of), when that directory has no earlier run to compare with, the name the inventory gives the
        cluster; a snapshot of a cluster with another name gives a warning (see O(expect_host)).
    type: str
  expect_host:
    description:
      - "With O(runs_of), when that directory has no earlier run, the VMS address the inventory gives the cluster.
        When known it is compared instead of O(expect_name) (a cluster's inventory name often differs from its own
        name): a snapshot read from another address gives a warning."
    type: str
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
    host:
      description: The VMS address the snapshot was read from.
      type: str
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
cluster_check:
  description:
    - With O(runs_of), whether the snapshot at O(path) is of the cluster of the runs in O(runs_of).
    - C(same) is true or false, or null when O(runs_of) holds no earlier complete snapshot; C(earlier) is the
      identity (C(name), C(guid), C(run), C(path), C(collected_at)) of the newest one; C(by) says what was compared
      (C(guid) or C(name)); C(warning) the warning given when there was nothing to compare with and the snapshot's
      name or address differs from O(expect_name) / O(expect_host).
  type: dict
  returned: when O(path) and O(runs_of) are set
  sample: {"same": false, "by": "guid", "earlier": {"name": "vast-prod-1", "guid": "9f0c...", "run": "20261203T163000Z",
           "path": "/srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz",
           "collected_at": "2026-12-03T16:30:00Z"}, "warning": null}
incomplete:
  description: The parts an interrupted or partly failed collection left for the next run to resume (in the
    cluster's staging directory C(.collecting/), or in a run directory written by an earlier version), or null.
  type: str
  returned: when O(cluster_dir) is set
  sample: /srv/asbuilt/vast-prod-1/.collecting/snapshot.json.gz.parts
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import same_cluster
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
            "resources": statuses, "errors": sorted((meta.get("errors") or {}).keys()), "host": meta.get("host")}


def _host_port(host):
    """('vms.example.com', '8443') from 'https://VMS.example.com:8443/' (port None when not given)."""
    host = str(host or "").strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):
        name, _sep, rest = host[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else None
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port or None
    return host, None


def same_host(one, other):
    """Whether two VMS addresses name one VMS: the same name, and the same port when both give one."""
    (name1, port1), (name2, port2) = _host_port(one), _host_port(other)
    return name1 == name2 and (port1 is None or port2 is None or port1 == port2)


def cluster_check(snapshot, runs_of, expect_name=None, expect_host=None):
    """Whether *snapshot* (:func:`describe`) is of the cluster of the runs in *runs_of* (see RV cluster_check)."""
    listing = list_runs(runs_of)
    mine = os.path.realpath(snapshot["path"])
    earlier_paths = [r["snapshot"] for r in listing["runs"] if r["snapshot"] and os.path.realpath(r["snapshot"]) != mine]
    check = {"same": None, "by": None, "earlier": None, "warning": None}
    for path in reversed(earlier_paths):
        try:
            other = describe(path)
        except SnapshotError:
            continue                    # an unreadable earlier snapshot says nothing: try the one before
        check["earlier"] = {"name": other["cluster"].get("name"), "guid": other["cluster"].get("guid"),
                            "run": os.path.basename(os.path.dirname(path)), "path": path,
                            "collected_at": other["collected_at"]}
        check["same"], check["by"] = same_cluster(snapshot["cluster"], other["cluster"])
        return check
    name = snapshot["cluster"].get("name")
    if expect_host and snapshot.get("host"):
        if not same_host(expect_host, snapshot["host"]):
            check["warning"] = ("%s was read from %s (cluster %s), not from %s, this inventory host's address: check "
                                "that it is this cluster's snapshot"
                                % (snapshot["path"], snapshot["host"], name or "of unknown name", expect_host))
    elif expect_name and name and str(name) != str(expect_name):
        check["warning"] = ("%s is a snapshot of the cluster %s, not %s (the inventory's name): check that it is "
                            "this cluster's snapshot" % (snapshot["path"], name, expect_name))
    return check


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
    module = AnsibleModule(argument_spec=dict(path=dict(type="path"), cluster_dir=dict(type="path"),
                                              runs_of=dict(type="path"), expect_name=dict(type="str"),
                                              expect_host=dict(type="str")),
                           required_one_of=[("path", "cluster_dir")], mutually_exclusive=[("path", "cluster_dir")],
                           required_by={"runs_of": "path", "expect_name": "runs_of", "expect_host": "runs_of"},
                           supports_check_mode=True)
    p = module.params
    if p["path"]:
        try:
            snapshot = describe(p["path"])
        except SnapshotError as exc:
            module.fail_json(msg=str(exc))
        result = dict(changed=False, snapshot=snapshot)
        if p["runs_of"]:
            result["cluster_check"] = cluster_check(snapshot, os.path.abspath(p["runs_of"]), p["expect_name"],
                                                    p["expect_host"])
            if result["cluster_check"]["warning"]:
                module.warn(result["cluster_check"]["warning"])
        module.exit_json(**result)
    module.exit_json(changed=False, **list_runs(os.path.abspath(module.params["cluster_dir"])))


if __name__ == "__main__":
    main()
