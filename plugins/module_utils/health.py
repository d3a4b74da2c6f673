# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate the health rules (health_rules.py) on a snapshot: the findings document.

``evaluate(view, disabled=(), thresholds=None, now=None)`` returns::

    {"schema_version": 1, "kind": "vastops.asbuilt.findings", "cluster": {...}, "reference_time": "...",
     "summary": {"rules": 46, "failed": 3, "passed": 38, "not_evaluated": 1, "not_applicable": 2, "disabled": 2,
                 "enabled": 44, "evaluated": 41, "problem_text": "3 of 44 enabled rules found a problem (2 disabled)",
                 "by_severity": {"critical": 1, "major": 2, "minor": 0, "info": 0},
                 "worst": "critical", "verdict": "fail", "complete": false,
                 "not_evaluated_causes": {"read_error": 1, "not_collected": 0},
                 "headline": "3 findings", "detail": "1 critical, 2 major; 1 not evaluated (data could not be read)"},
     "thresholds": {...}, "results": [{"id", "title", "severity", "section", "status", "observed", "message",
                                       "items", "item_count", "reason", "checks", "why", "remediation", "params"}]}

``status`` is ``fail``, ``pass``, ``not_evaluated`` (the data it needs is missing: the read failed or it was
not asked for; ``reason`` says which data and why, ``cause`` is ``read_error`` (it could not be read) or
``not_collected`` (left out by collect_subsets); ``cause`` is null for the other statuses), ``not_applicable`` (the data does not exist on this cluster's
release: ``reason`` says so, e.g. "API tokens arrive in VAST 5.3") or ``disabled``. Results are in catalogue
order; the report sorts them for display.

The summary's ``verdict`` is ``fail`` (a rule found a problem), ``incomplete`` (nothing failed, but at least
one rule was not evaluated: never shown as OK) or ``ok`` (every applicable rule ran and passed); ``headline``
and ``detail`` say it in words for the report card, the fleet index and the playbook output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.vastops.asbuilt.plugins.module_utils import health_checks_cfg, health_checks_hw
from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import iso, parse_time, release_text, utcnow
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import (
    RULES, RULES_BY_ID, SEVERITIES, default_params,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import DataUnavailable

FINDINGS_KIND = "vastops.asbuilt.findings"
FINDINGS_SCHEMA = 1
STATUS_ORDER = ("fail", "not_evaluated", "not_applicable", "pass", "disabled")
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
        if key.endswith("_percent") and not 0 <= params[key] <= 100:
            raise RuleConfigError("threshold %s: %r is not a percentage from 0 to 100" % (key, value))
        if key.endswith("_days") and params[key] < 0:
            raise RuleConfigError("threshold %s: %r is negative" % (key, value))
    # a warning set at or above its critical level could never report anything (a critical level set alone below
    # the default warning only makes the warning rule quiet, which is what was asked)
    for warning in sorted(k for k in (overrides or {}) if "_warning_" in k and overrides[k] is not None):
        critical = warning.replace("_warning_", "_critical_")
        if critical in params and warning.endswith("_percent") and params[warning] >= params[critical]:
            raise RuleConfigError("threshold %s (%s) must be below %s (%s)" % (
                warning, _number(params[warning]), critical, _number(params[critical])))
    return params


def _number(value):
    return ("%d" % value) if float(value).is_integer() else ("%s" % value)


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
    if status == "not_applicable":
        return "not applicable: %s" % reason
    # the reason names the resource and says whether it could not be read or was not collected
    return "not evaluated: %s" % reason


# Why a rule was not evaluated, in words: its data could not be read (the cluster was asked and the read failed)
# or was not collected (the run did not ask for it: collect_subsets / the sections chosen).
CAUSE_WORDS = {"read_error": "data could not be read", "not_collected": "data not collected",
               None: "data not collected"}


def not_evaluated_words(causes):
    """"data could not be read", "data not collected" or both, for the causes (a dict cause -> count, or a list
    of causes) of the rules not evaluated."""
    if isinstance(causes, dict):
        causes = [c for c, n in causes.items() if n]
    causes = set(causes or ()) or set([None])
    if "read_error" in causes and causes - set(["read_error"]):
        return "data could not be read or was not collected"
    return CAUSE_WORDS.get(sorted(causes, key=str)[0], CAUSE_WORDS[None])


# Resource names as people read them, for "not applicable" reasons: (label, plural).
RESOURCE_LABELS = {
    "apitokens": ("API tokens", True), "tlscertificates": ("TLS certificates", True),
    "health": ("the cluster health endpoint", False), "eboxes": ("EBoxes", True), "dtrays": ("DTrays", True),
    "certificates": ("certificates", True), "encryptiongroups": ("encryption groups", True),
    "globalsnapstreams": ("global snapshot clones", True), "bgpconfigs": ("BGP settings", True),
    "subnetmanager": ("the subnet manager", False), "qospolicies": ("QoS policies", True),
    "s3policies": ("S3 policies", True), "realms": ("realms", True), "nicports": ("NIC ports", True),
}
_NEEDS = re.compile(r"needs VAST (\S+) or later; the cluster runs (\S+)")
_REMOVED = re.compile(r"removed in VAST (\S+); the cluster runs (\S+)")


def resource_label(name):
    return RESOURCE_LABELS.get(name, (name, True))


def not_applicable_reason(resource, why):
    """'API tokens arrive in VAST 5.3 (this cluster runs 4.7.0)' from the collector's unavailable reason."""
    label, plural = resource_label(resource)
    match = _NEEDS.search(str(why or ""))
    if match:
        return "%s %s in VAST %s (this cluster runs %s)" % (
            label[0].upper() + label[1:], "arrive" if plural else "arrives", match.group(1), release_text(match.group(2)))
    match = _REMOVED.search(str(why or ""))
    if match:
        return "%s %s removed in VAST %s (this cluster runs %s)" % (
            label[0].upper() + label[1:], "were" if plural else "was", match.group(1), release_text(match.group(2)))
    return "%s %s not served by this cluster (%s)" % (
        label[0].upper() + label[1:], "are" if plural else "is", why or "no reason given")


def evaluate_rule(rule, view, params, now, max_items=DEFAULT_MAX_ITEMS):
    fn = check_function(rule)
    mine = dict((k, params[k]) for k in rule["params"])
    items, observed, reason, cause = [], None, None, None
    try:
        items, observed = fn(view, params, now)
        status = "fail" if items else "pass"
    except DataUnavailable as exc:
        state, why = view.state(exc.resource)
        if state == "unavailable":
            status, reason = "not_applicable", not_applicable_reason(exc.resource, why)
        else:
            status, reason = "not_evaluated", "%s %s" % (exc.resource, exc.reason)
            cause = "read_error" if state == "error" else "not_collected"
    result = _described(rule, params)
    result.update(status=status, observed=observed, reason=reason, cause=cause, params=mine, item_count=len(items),
                  items=items[:max_items], items_truncated=len(items) > max_items,
                  message=_message(status, rule, items, observed, reason))
    return result


_PARAM_REF = re.compile(r"`([a-z_]+)`")


def _described(rule, params):
    """The rule's descriptive fields, its ``checks`` text with the thresholds of this run in it: "below 80 %
    (capacity_warning_percent)" rather than the bare name, so a reader sees the value and how to change it."""
    result = dict((k, rule[k]) for k in ("id", "title", "severity", "section", "why", "remediation"))

    def value(match):
        name = match.group(1)
        if name not in params:
            return match.group(0)
        unit = " %" if name.endswith("_percent") else ""
        return "%s%s (%s)" % (params[name], unit, name)

    result["checks"] = _PARAM_REF.sub(value, rule["checks"])
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
            result = _described(rule, params)
            result.update(status="disabled", observed=None, reason=None, cause=None, items=[], item_count=0,
                          items_truncated=False, params=dict((k, params[k]) for k in rule["params"]),
                          message=_message("disabled", rule, [], None, None))
            results.append(result)
            continue
        results.append(evaluate_rule(rule, view, params, reference, max_items))
    return {"schema_version": FINDINGS_SCHEMA, "kind": FINDINGS_KIND,
            "cluster": dict((k, view.cluster.get(k)) for k in ("name", "guid", "psnt", "sw_version")),
            "snapshot_collected_at": view.collected_at, "reference_time": iso(reference),
            "thresholds": params, "summary": summarise(results), "results": results}


def _plural(n, word, plural=None):
    return "%d %s" % (n, word if n == 1 else (plural or word + "s"))


def rule_counts(summary):
    """(enabled, disabled) rules of a findings summary: the counts of a summary leave the disabled rules out
    ("3 of 45 enabled rules found a problem (1 disabled)"), as they were not asked for."""
    rules, disabled = int(summary.get("rules") or 0), int(summary.get("disabled") or 0)
    return rules - disabled, disabled


def rules_text(summary):
    """"46 rules", or "45 enabled rules (1 disabled)" when rules were disabled."""
    enabled, disabled = rule_counts(summary)
    if not disabled:
        return _plural(enabled, "rule")
    return "%s (%d disabled)" % (_plural(enabled, "enabled rule"), disabled)


def problem_text(summary):
    """"3 of 46 rules found a problem", or "3 of 45 enabled rules found a problem (1 disabled)"."""
    enabled, disabled = rule_counts(summary)
    failed = int(summary.get("failed") or 0)
    text = "%d of %s found a problem" % (failed, _plural(enabled, "enabled rule" if disabled else "rule"))
    return text + (" (%d disabled)" % disabled if disabled else "")


def summarise(results):
    by_severity = dict((s, 0) for s in SEVERITIES)
    counts = dict((s, 0) for s in STATUS_ORDER)
    for res in results:
        counts[res["status"]] += 1
        if res["status"] == "fail":
            by_severity[res["severity"]] += 1
    worst = next((s for s in SEVERITIES if by_severity[s]), "none")
    causes = {"read_error": 0, "not_collected": 0}
    for res in results:
        if res["status"] == "not_evaluated":
            key = "read_error" if res.get("cause") == "read_error" else "not_collected"
            causes[key] += 1
    summary = {"rules": len(results), "failed": counts["fail"], "passed": counts["pass"],
               "not_evaluated": counts["not_evaluated"], "not_evaluated_causes": causes,
               "not_applicable": counts["not_applicable"],
               "disabled": counts["disabled"], "evaluated": counts["fail"] + counts["pass"],
               "by_severity": by_severity, "worst": worst}
    summary["enabled"] = rule_counts(summary)[0]
    summary["problem_text"] = problem_text(summary)
    summary.update(verdict(summary))
    return summary


def verdict(summary):
    """{verdict, complete, headline, detail} of a findings summary (older findings files lack these fields).

    Never "OK" while a rule was not evaluated: "INCOMPLETE: 5 passed, 41 not evaluated (data could not be read)";
    the words say whether the data could not be read or was not collected (``not_evaluated_causes``; a summary
    without it, from an older findings file, says "data not collected").
    """
    failed, passed = int(summary.get("failed") or 0), int(summary.get("passed") or 0)
    missing, na = int(summary.get("not_evaluated") or 0), int(summary.get("not_applicable") or 0)
    disabled = int(summary.get("disabled") or 0)
    sev = summary.get("by_severity") or {}
    extra = []
    if missing:
        causes = summary.get("not_evaluated_causes")
        if isinstance(causes, dict) and causes.get("read_error") and causes.get("not_collected"):
            extra.append("%d not evaluated (data of %d could not be read, of %d not collected)" % (
                missing, causes["read_error"], causes["not_collected"]))
        else:
            extra.append("%d not evaluated (%s)" % (missing, not_evaluated_words(causes)))
    if na:
        extra.append("%d not applicable to this release" % na)
    if disabled:
        extra.append("%d disabled" % disabled)
    if failed:
        found = ", ".join("%d %s" % (sev.get(s, 0), s) for s in SEVERITIES if sev.get(s))
        return {"verdict": "fail", "complete": not missing, "headline": _plural(failed, "finding"),
                "detail": "; ".join([found] + extra)}
    if missing:
        return {"verdict": "incomplete", "complete": False, "headline": "INCOMPLETE",
                "detail": ", ".join(["%d passed" % passed] + extra)}
    if not passed:
        return {"verdict": "incomplete", "complete": False, "headline": "NOT CHECKED",
                "detail": ", ".join(["no rule was evaluated"] + extra)}
    detail = "all %s passed" % _plural(passed, "rule") if passed > 1 else "the only rule evaluated passed"
    return {"verdict": "ok", "complete": True, "headline": "OK", "detail": "; ".join([detail] + extra)}


def verdict_tone(summary):
    """Report tone of a summary's verdict: severity colour on failure, amber when incomplete, green when OK."""
    v = summary.get("verdict") or verdict(summary)["verdict"]
    if v == "fail":
        return {"critical": "bad", "major": "warn", "minor": "minor", "info": "info"}.get(summary.get("worst"), "warn")
    return "ok" if v == "ok" else "warn"


def sorted_results(results):
    """Failures first (by severity), then not evaluated, not applicable, passes and disabled rules; catalogue
    order within."""
    rank = dict((s, i) for i, s in enumerate(SEVERITIES))
    status_rank = dict((s, i) for i, s in enumerate(STATUS_ORDER))
    order = dict((r["id"], i) for i, r in enumerate(RULES))
    return sorted(results, key=lambda r: (status_rank.get(r["status"], 9), rank.get(r["severity"], 9),
                                          order.get(r["id"], 999), r["id"]))
