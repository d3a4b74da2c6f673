#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_healthcheck
short_description: Evaluate the VAST health rules on a snapshot and write the findings
version_added: 0.1.0
description:
  - Reads a snapshot written by M(vastops.asbuilt.vast_info) (schema 1) and evaluates the collection's health
    rules on it (RAID and device states, node states and version consistency, capacity thresholds, DNS, NTP,
    VIPs, switches, MTU, encryption, TLS, API tokens, certificates, alarms, call-home, data protection,
    replication, licences and rack positions).
  - Every rule is data (id, title, severity, section, what is checked, why it matters, remediation, thresholds).
    A rule whose data was not collected (the read failed, or was not asked for) is reported C(not_evaluated)
    with the reason, never as a pass. A rule whose data does not exist on the cluster's release (API tokens
    before VAST 5.3) is C(not_applicable), with the reason.
  - The summary carries a verdict that is never "OK" while a rule was not evaluated (C(verdict) V(ok),
    V(fail) or V(incomplete), and C(headline) / C(detail) in words).
  - Never contacts a cluster. Optionally writes the findings as JSON to O(dest).
author:
  - vastops.asbuilt contributors (@vastops)
options:
  snapshot:
    description: Path of the snapshot file (C(.json.gz) or C(.json)).
    type: path
    required: true
  dest:
    description:
      - Write the findings document here (JSON), atomically. The directory must exist.
      - Left unchanged (and C(changed=false)) when the findings are the same as the file's.
    type: path
  disabled_rules:
    description: Rule ids not to evaluate (reported as C(disabled)). An unknown id fails the task.
    type: list
    elements: str
    default: []
  thresholds:
    description:
      - "Threshold overrides by name, for example C({capacity_warning_percent: 75, licence_warning_days: 120}).
        An unknown name fails the task and lists the known ones. See RV(rules) for each rule's thresholds."
    type: dict
    default: {}
  reference_time:
    description:
      - The time dates are judged against (licence and certificate expiry, replication lag), ISO 8601.
      - Defaults to the snapshot's collection time, so evaluating the same snapshot twice gives the same findings.
    type: str
  max_items:
    description: Most affected objects listed per rule (the count is always complete).
    type: int
    default: 200
  fail_on:
    description:
      - Fail the task (after writing O(dest)) when a rule of this severity or a worse one fails.
      - V(never) only reports.
      - With O(fail_on_incomplete), also fail when a rule could not be evaluated because its data could not be read.
    type: str
    choices: [never, critical, major, minor, info]
    default: never
  fail_on_incomplete:
    description:
      - When O(fail_on) is not V(never), also fail when any rule could not be evaluated because the data it needs
        could not be read (a read error recorded in the snapshot), so that a gate never passes with rules unchecked.
      - Rules not evaluated because their data was not asked for (C(collect_subsets)) do not fail the task; the
        message names them.
    type: bool
    default: true
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_info
  - module: vastops.asbuilt.vast_report
"""

EXAMPLES = r"""
- name: Evaluate the health rules on a snapshot
  vastops.asbuilt.vast_healthcheck:
    snapshot: /srv/asbuilt/vast-prod-1/latest/snapshot.json.gz
    dest: /srv/asbuilt/vast-prod-1/latest/findings.json
    disabled_rules: [VAST-NET-005]
    thresholds:
      capacity_warning_percent: 75
      capacity_critical_percent: 85
  register: health

- name: Show the failed rules
  ansible.builtin.debug:
    msg: "{{ health.failed_rules | map(attribute='id') | list }}"

- name: Fail a pipeline on critical findings
  vastops.asbuilt.vast_healthcheck:
    snapshot: /srv/asbuilt/vast-prod-1/latest/snapshot.json.gz
    fail_on: critical
"""

RETURN = r"""
summary:
  description:
    - Counts of the evaluation. C(rules) counts every rule, C(disabled) those disabled by O(disabled_rules) and
      C(enabled) the others; C(failed), C(passed), C(not_evaluated) and C(not_applicable) share out the enabled ones.
    - C(problem_text) says it in words, "2 of 46 rules found a problem", or with rules disabled "2 of 45 enabled
      rules found a problem (1 disabled)".
  type: dict
  returned: always
  sample: {"rules": 46, "failed": 2, "passed": 41, "not_evaluated": 1, "not_applicable": 2, "disabled": 0,
           "enabled": 46, "evaluated": 43, "problem_text": "2 of 46 rules found a problem",
           "by_severity": {"critical": 1, "major": 1, "minor": 0, "info": 0}, "worst": "critical",
           "verdict": "fail", "complete": false, "headline": "2 findings",
           "detail": "1 critical, 1 major; 1 not evaluated (data not collected); 2 not applicable to this release"}
failed_rules:
  description: The rules that found a problem, worst first.
  type: list
  elements: dict
  returned: always
  sample: [{"id": "VAST-MON-001", "severity": "critical", "title": "Critical alarms open", "item_count": 2,
            "message": "2 objects affected: ..."}]
not_evaluated:
  description: The rules that could not be evaluated because their data was not collected, with the reason and
    its C(cause) (V(read_error) when the data could not be read, V(not_collected) when it was not asked for).
  type: list
  elements: dict
  returned: always
  sample: [{"id": "VAST-SW-001", "title": "Fewer than two switches", "severity": "major", "cause": "read_error",
            "reason": "switches could not be read: Permission denied reading /api/v7/switches/ (HTTP 403)"}]
not_applicable:
  description: The rules that do not apply to the cluster's release, with the reason.
  type: list
  elements: dict
  returned: always
  sample: [{"id": "VAST-SEC-004", "title": "API tokens near the per-user limit",
            "reason": "API tokens arrive in VAST 5.3 (this cluster runs 4.7.0)"}]
rules:
  description: The rule catalogue as evaluated (id, title, severity, section, status, thresholds).
  type: list
  elements: dict
  returned: always
  sample: [{"id": "VAST-CAP-001", "title": "Capacity above the critical threshold", "severity": "critical",
            "section": "capacity", "status": "pass", "params": {"capacity_critical_percent": 90}}]
findings_file:
  description: The findings file written (or that would be written in check mode).
  type: str
  returned: when O(dest) is set
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z/findings.json
reference_time:
  description: The time dates were judged against.
  type: str
  returned: always
  sample: "2026-12-03T16:30:00Z"
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.health import RuleConfigError, evaluate, sorted_results
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import SEVERITIES
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    atomic_write, directory_problem, os_error_text)
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import json_bytes
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotError, load_snapshot

ARGUMENT_SPEC = dict(
    snapshot=dict(type="path", required=True),
    dest=dict(type="path"),
    disabled_rules=dict(type="list", elements="str", default=[]),
    thresholds=dict(type="dict", default={}),
    reference_time=dict(type="str"),
    max_items=dict(type="int", default=200),
    fail_on=dict(type="str", default="never", choices=["never"] + list(SEVERITIES)),
    fail_on_incomplete=dict(type="bool", default=True),
)


def write_if_changed(module, path, data):
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except (IOError, OSError):
        pass
    if not module.check_mode:
        atomic_write(path, data)
    return True


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        view = load_snapshot(params["snapshot"])
        findings = evaluate(view, disabled=params["disabled_rules"], thresholds=params["thresholds"],
                            now=params["reference_time"], max_items=params["max_items"])
    except (SnapshotError, RuleConfigError) as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # pylint: disable=broad-except  # a clear failure instead of a traceback
        module.fail_json(msg="cannot evaluate the health rules on %s: it holds data of an unexpected shape (%s: %s)."
                         % (params["snapshot"], type(exc).__name__, exc), error=type(exc).__name__)
    result = dict(changed=False, summary=findings["summary"], reference_time=findings["reference_time"])
    ordered = sorted_results(findings["results"])
    keys = ("id", "severity", "title", "section", "item_count", "message")
    result["failed_rules"] = [dict((k, r[k]) for k in keys) for r in ordered if r["status"] == "fail"]
    result["not_evaluated"] = [dict((k, r[k]) for k in ("id", "title", "severity", "reason", "cause"))
                               for r in ordered if r["status"] == "not_evaluated"]
    result["not_applicable"] = [dict((k, r[k]) for k in ("id", "title", "severity", "reason"))
                                for r in ordered if r["status"] == "not_applicable"]
    result["rules"] = [dict((k, r[k]) for k in ("id", "title", "severity", "section", "status", "params"))
                       for r in findings["results"]]
    if params["dest"]:
        dest = os.path.abspath(params["dest"])
        problem = directory_problem(os.path.dirname(dest))
        if problem:
            module.fail_json(msg="dest: %s, so %s cannot be written" % (problem, dest))
        try:
            result["changed"] = write_if_changed(module, dest, json_bytes(findings))
        except (IOError, OSError) as exc:
            module.fail_json(msg="cannot write %s: %s" % (dest, os_error_text(exc)))
        result["findings_file"] = dest
    msg = gate_message(result, params["fail_on"], params["fail_on_incomplete"])
    if msg:
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)


def gate_message(result, fail_on, fail_on_incomplete=True):
    """Why the gate O(fail_on) fails (None when it passes): failed rules at that severity or worse and, with
    *fail_on_incomplete*, rules whose data could not be read; rules whose data was not asked for are named only."""
    if fail_on == "never":
        return None
    worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
    hits = [r for r in result["failed_rules"] if r["severity"] in worst]
    unread = [r for r in result["not_evaluated"] if r.get("cause") == "read_error"] if fail_on_incomplete else []
    if not hits and not unread:
        return None
    parts = []
    if hits:
        parts.append("%d health rule(s) of severity %s or worse failed: %s" % (
            len(hits), fail_on, ", ".join("%s %s" % (r["id"], r["title"]) for r in hits)))
    if unread:
        parts.append("%d health rule(s) could not be evaluated because their data could not be read "
                     "(fail_on_incomplete): %s" % (len(unread), ", ".join(r["id"] for r in unread)))
    skipped = [r for r in result["not_evaluated"] if r.get("cause") != "read_error"]
    if skipped:
        parts.append("%d not evaluated because their data was not collected: %s" % (
            len(skipped), ", ".join(r["id"] for r in skipped)))
    return "; ".join(parts)


if __name__ == "__main__":
    main()
