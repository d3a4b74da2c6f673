#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_drift
short_description: Compare two snapshots of a VAST cluster and report the configuration drift
version_added: 0.1.0
description:
  - Compares two snapshots written by M(vastops.asbuilt.vast_info) and lists, per resource, what was added,
    removed and changed (field by field).
  - Records are matched by a stable identity (C(guid), else C(name), else C(id)), never by position, so a record
    renamed keeps its history and a record deleted and re-created shows as removed and added.
  - Values that always move are ignored (capacity used, uptime, counters, performance figures, timestamps, the
    CNode a VIP currently sits on, ...), as are activity resources (events, alarms, snapshots, capacity, support
    bundles). Both lists can be replaced or extended (O(ignore_fields), O(ignore_resources)).
  - A resource collected in only one of the two snapshots is listed as not compared, never as all added or removed;
    one that the release of the other snapshot does not serve is listed as not applicable to that release.
  - Snapshots of two different clusters (their C(guid) differs or, without a guid, their name) are still compared,
    with a warning, which C(drift.md), C(drift.html) and C(drift.json) repeat at the top. A change of the software
    release between the snapshots is said at the top too, and a downgrade is also a warning.
author:
  - vastops.asbuilt contributors (@vastops)
options:
  before:
    description: The older snapshot file.
    type: path
    required: true
  after:
    description: The newer snapshot file.
    type: path
    required: true
  dest:
    description: Directory to write C(drift.json), C(drift.md) and C(drift.html) into (created if missing).
    type: path
  formats:
    description: Which files to write into O(dest).
    type: list
    elements: str
    choices: [json, md, html]
    default: [json, md, html]
  ignore_fields:
    description:
      - Field patterns (shell-style, C(fnmatch)) whose changes are ignored. A pattern matches a field path
        (C(sync_time), C(tenant.name)), its last component, or C(resource.field) (C(vips.cnode)).
      - Defaults to the built-in list of volatile fields (returned in RV(ignored)); the drift role lists it.
    type: list
    elements: str
  ignore_fields_extra:
    description: More patterns, added to O(ignore_fields) (or to the built-in list).
    type: list
    elements: str
    default: []
  ignore_resources:
    description:
      - Resources not compared at all. Defaults to the activity resources (events, alarms, snapshots, capacity,
        supportbundles, health).
    type: list
    elements: str
  colors:
    description: Branding colours of the HTML page as C(#rrggbb).
    type: dict
    suboptions:
      primary:
        description: Cover and headings.
        type: str
      accent:
        description: Accent line.
        type: str
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_snapshot_info
"""

EXAMPLES = r"""
- name: Compare two snapshots
  vastops.asbuilt.vast_drift:
    before: /srv/asbuilt/vast-prod-1/20261202T163000Z/snapshot.json.gz
    after: /srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz
    dest: /srv/asbuilt/vast-prod-1/20261203T163000Z
    ignore_fields_extra: [views.qos_policy]
  register: drift

- name: Fail the pipeline when the configuration moved
  ansible.builtin.assert:
    that: not drift.summary.drift
    fail_msg: "{{ drift.summary.changed }} objects changed"
"""

RETURN = r"""
summary:
  description: Counts of the drift.
  type: dict
  returned: always
  sample: {"added": 1, "removed": 0, "changed": 2, "resources": 2, "drift": true}
resources:
  description: Per resource with drift, the keys added and removed and the changed objects with their fields.
  type: dict
  returned: always
  sample: {"switches": {"added": [], "removed": [], "changed": [{"key": "guid=c27b...", "label": "sw-a",
           "fields": [{"field": "fw_version", "before": "5.11.1", "after": "5.12.0"}]}]}}
not_compared:
  description: Resources not compared, with the reason.
  type: dict
  returned: always
  sample: {"events": "ignored (activity, not configuration)"}
same_cluster:
  description: Whether both snapshots come from one cluster (same C(guid), or same name when a guid is missing).
  type: bool
  returned: always
  sample: true
release:
  description: The software release (major.minor.patch) of each snapshot, whether it changed and whether it went down.
  type: dict
  returned: always
  sample: {"before": "5.3.1", "after": "4.7.0", "changed": true, "downgrade": true}
notes:
  description: What the drift files say first, besides the warnings (the release change).
  type: list
  elements: str
  returned: always
  sample: ["release changed 5.3.1 -> 5.4.0"]
ignored:
  description: The field patterns and resources that were ignored.
  type: dict
  returned: always
  sample: {"fields": ["uptime", "*_time"], "resources": ["events"]}
files:
  description:
    - The files written (or, in check mode, that would be written; nothing is written then).
    - C(changed) is true when one of them is new or its content differs, in check mode too.
  type: list
  elements: str
  returned: always
  sample: [/srv/asbuilt/vast-prod-1/20261203T163000Z/drift.md]
changed_files:
  description:
    - The files of RV(files) that are new or whose content differs (in check mode, that would be); the others
      already hold the same content and are left as they are.
  type: list
  elements: str
  returned: always
  sample: [/srv/asbuilt/vast-prod-1/20261203T163000Z/drift.html]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import VOLATILE_FIELDS, VOLATILE_RESOURCES, compare
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html, render_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    atomic_write, directory_problem, make_dirs, os_error_text,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotError, load_snapshot

ARGUMENT_SPEC = dict(
    before=dict(type="path", required=True),
    after=dict(type="path", required=True),
    dest=dict(type="path"),
    formats=dict(type="list", elements="str", choices=["json", "md", "html"], default=["json", "md", "html"]),
    ignore_fields=dict(type="list", elements="str"),
    ignore_fields_extra=dict(type="list", elements="str", default=[]),
    ignore_resources=dict(type="list", elements="str"),
    colors=dict(type="dict", options=dict(primary=dict(type="str"), accent=dict(type="str"))),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    fields = list(VOLATILE_FIELDS if p["ignore_fields"] is None else p["ignore_fields"]) + list(p["ignore_fields_extra"])
    resources = list(VOLATILE_RESOURCES if p["ignore_resources"] is None else p["ignore_resources"])
    colours = p["colors"] or {}
    try:
        doc = compare(load_snapshot(p["before"]), load_snapshot(p["after"]), fields, resources)
        files = {"drift.json": json_bytes(doc)}
        if "md" in p["formats"]:
            files["drift.md"] = render_md(doc).encode("utf-8")
        if "html" in p["formats"]:
            files["drift.html"] = render_html(doc, colours.get("primary"), colours.get("accent")).encode("utf-8")
        if "json" not in p["formats"]:
            del files["drift.json"]
    except (SnapshotError, ValueError) as exc:
        module.fail_json(msg="cannot compare the snapshots: %s" % exc)
    except Exception as exc:  # pylint: disable=broad-except  # a clear failure instead of a traceback
        module.fail_json(msg="cannot compare %s with %s: one of them holds data of an unexpected shape (%s: %s)."
                         % (p["before"], p["after"], type(exc).__name__, exc), error=type(exc).__name__)
    for warning in doc["warnings"]:
        module.warn(warning)
    result = dict(changed=False, summary=doc["summary"], resources=doc["resources"], not_compared=doc["not_compared"],
                  ignored=doc["ignored"], same_cluster=doc["same_cluster"], release=doc["release"], notes=doc["notes"],
                  files=[], changed_files=[])
    if p["dest"]:
        dest = os.path.abspath(p["dest"])
        try:
            if not module.check_mode and not os.path.isdir(dest):
                make_dirs(dest)                 # 0750 like every output directory, whatever the umask
            for name in sorted(files):
                path = os.path.join(dest, name)
                result["files"].append(path)
                if _differs(path, files[name]):
                    result["changed"] = True
                    result["changed_files"].append(path)
                if not module.check_mode:
                    atomic_write(path, files[name])
        except (IOError, OSError) as exc:
            problem = directory_problem(dest) or os_error_text(exc)
            module.fail_json(msg="cannot write the drift files into %s: %s." % (dest, problem))
    module.exit_json(**result)


def _differs(path, data):
    """True when writing *data* would change *path* (it is missing, unreadable or holds something else)."""
    try:
        with open(path, "rb") as handle:
            return handle.read() != data
    except (IOError, OSError):
        return True


if __name__ == "__main__":
    main()
