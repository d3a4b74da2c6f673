# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate the health rules (health_rules.py) on a snapshot: the findings document.

``evaluate(view, disabled=(), thresholds=None, now=None)`` returns::

    {"schema_version": 1, "kind": "vastops.asbuilt.findings", "cluster": {...}, "reference_time": "...",
     "summary": {"rules": 45, "failed": 3, "passed": 40, "not_evaluated": 1, "disabled": 1,
                 "by_severity": {"critical": 1, "major": 2, "minor": 0, "info": 0}, "worst": "critical"},
     "thresholds": {...}, "results": [{"id", "title", "severity", "section", "status", "observed", "message",
                                       "items", "item_count", "reason", "checks", "why", "remediation", "params"}]}

``status`` is ``fail``, ``pass``, ``not_evaluated`` (``reason`` says which data was missing and why) or
``disabled``. Results are in catalogue order; the report sorts them for display.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils import health_checks_cfg, health_checks_hw
from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import iso, parse_time, utcnow
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import (
    RULES, RULES_BY_ID, SEVERITIES, default_params,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import DataUnavailable

FINDINGS_KIND = "vastops.asbuilt.findings"
FINDINGS_SCHEMA = 1
STATUS_ORDER = ("fail", "not_evaluated", "pass", "disabled")
DEFAULT_MAX_ITEMS = 200


class RuleConfigError(ValueError):
    """Unknown rule id or threshold name, or a threshold of the wrong type."""


def check_function(rule):
    for module in (health_checks_hw, health_checks_cfg):
        fn = getattr(module, rule["check"], None)
        if fn is not None:
            return fn
    raise RuleConfigError("rule %s: no check function %r" % (rule["id"], rule["check"]))


def resolve_thresholds(overrides):
    """Defaults updated with *overrides*; unknown names are an error (a typo must not silently do nothing)."""
    params = default_params()
    for key, value in (overrides or {}).items():
        if key not in params:
            raise RuleConfigError("unknown threshold %r; known: %s" % (key, ", ".join(sorted(params))))
        if value is None:
            continue
        default = params[key]
        try:
            params[key] = type(default)(value) if not isinstance(default, str) else str(value)
        except (TypeError, ValueError):
            raise RuleConfigError("threshold %s: %r is not a %s" % (key, value, type(default).__name__))
    return params


def check_rule_ids(ids):
    unknown = sorted(set(ids or ()) - set(RULES_BY_ID))
    if unknown:
        raise RuleConfigError("unknown rule id(s): %s" % ", ".join(unknown))


def resources_needed(disabled=()):
    """Sorted resource names the enabled rules read (for the collect role)."""
    check_rule_ids(disabled)
    out = set()
    for rule in RULES:
        if rule["id"] not in set(disabled or ()):
            out.update(rule["needs"])
    return sorted(out)


def _message(status, rule, items, observed, reason):
    if status == "fail":
        noun = "object" if len(items) == 1 else "objects"
        return "%d %s affected: %s" % (len(items), noun, "; ".join(
            "%s (%s)" % (i["object"], i["detail"]) for i in items[:3]) + ("; ..." if len(items) > 3 else ""))
    if status == "pass":
        return "OK: %s" % observed if observed else "OK"
    if status == "disabled":
        return "disabled by configuration"
    return "not evaluated (data unavailable: %s)" % reason


def evaluate_rule(rule, view, params, now, max_items=DEFAULT_MAX_ITEMS):
    fn = check_function(rule)
    mine = dict((k, params[k]) for k in rule["params"])
    items, observed, reason = [], None, None
    try:
        items, observed = fn(view, params, now)
        status = "fail" if items else "pass"
    except DataUnavailable as exc:
        status, reason = "not_evaluated", "%s %s" % (exc.resource, exc.reason)
    result = dict((k, rule[k]) for k in ("id", "title", "severity", "section", "checks", "why", "remediation"))
    result.update(status=status, observed=observed, reason=reason, params=mine, item_count=len(items),
                  items=items[:max_items], items_truncated=len(items) > max_items,
                  message=_message(status, rule, items, observed, reason))
    return result


def evaluate(view, disabled=(), thresholds=None, now=None, max_items=DEFAULT_MAX_ITEMS):
    """The findings document (see the module docstring). *now* defaults to the snapshot's collection time."""
    check_rule_ids(disabled)
    disabled = set(disabled or ())
    params = resolve_thresholds(thresholds)
    reference = parse_time(now) if now else (parse_time(view.collected_at) or utcnow())
    results = []
    for rule in RULES:
        if rule["id"] in disabled:
            result = dict((k, rule[k]) for k in ("id", "title", "severity", "section", "checks", "why",
                                                 "remediation"))
            result.update(status="disabled", observed=None, reason=None, items=[], item_count=0,
                          items_truncated=False, params=dict((k, params[k]) for k in rule["params"]),
                          message=_message("disabled", rule, [], None, None))
            results.append(result)
            continue
        results.append(evaluate_rule(rule, view, params, reference, max_items))
    return {"schema_version": FINDINGS_SCHEMA, "kind": FINDINGS_KIND,
            "cluster": dict((k, view.cluster.get(k)) for k in ("name", "guid", "psnt", "sw_version")),
            "snapshot_collected_at": view.collected_at, "reference_time": iso(reference),
            "thresholds": params, "summary": summarise(results), "results": results}


def summarise(results):
    by_severity = dict((s, 0) for s in SEVERITIES)
    counts = dict((s, 0) for s in STATUS_ORDER)
    for res in results:
        counts[res["status"]] += 1
        if res["status"] == "fail":
            by_severity[res["severity"]] += 1
    worst = next((s for s in SEVERITIES if by_severity[s]), "none")
    return {"rules": len(results), "failed": counts["fail"], "passed": counts["pass"],
            "not_evaluated": counts["not_evaluated"], "disabled": counts["disabled"],
            "by_severity": by_severity, "worst": worst}


def sorted_results(results):
    """Failures first (by severity), then not evaluated, passes and disabled rules; catalogue order within."""
    rank = dict((s, i) for i, s in enumerate(SEVERITIES))
    status_rank = dict((s, i) for i, s in enumerate(STATUS_ORDER))
    order = dict((r["id"], i) for i, r in enumerate(RULES))
    return sorted(results, key=lambda r: (status_rank.get(r["status"], 9), rank.get(r["severity"], 9),
                                          order.get(r["id"], 999), r["id"]))
