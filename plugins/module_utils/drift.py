# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare two snapshots of one cluster: what was added, removed and changed, per resource.

Records are matched by a stable identity (``guid``, else ``name``, else ``id``; see :data:`IDENTITY`), never
by position. Values that always move (capacity used, uptime, counters, timestamps) are ignored: see
:data:`VOLATILE_FIELDS` and :data:`VOLATILE_RESOURCES`, which the drift role documents and lets users extend.
Nested objects are compared field by field (``tenant.name``); lists are compared as a whole. Objects are shown
by :func:`display_name` ("sw-a / swp8": a name unique only within a parent carries the parent) and listed by parent,
then name, in natural order.

``compare(before, after, ignore_fields=..., ignore_resources=...)`` returns the drift document::

    {"schema_version": 1, "kind": "vastops.asbuilt.drift", "cluster": {...},
     "before": {"path", "run", "collected_at", "sw_version", "release", "vast_info_sha256"}, "after": {...},
     "same_cluster": true, "release": {"before": "5.3.1", "after": "5.3.1", "changed": false, "downgrade": false},
     "warnings": ["The two snapshots come from different clusters ..."], "notes": ["release changed 5.3.1 -> 5.4.0"],
     "summary": {"added": 1, "removed": 0, "changed": 2, "resources": 2, "drift": true},
     "resources": {"views": {"added": [{"key", "label"}], "removed": [], "changed": [{"key", "label",
                   "fields": [{"field", "before", "after"}]}]}},
     "not_compared": {"events": "ignored (volatile)", "snapshots": "collected only in the after snapshot"},
     "ignored": {"fields": [...], "resources": [...]}}

``warnings`` says what makes the comparison doubtful (snapshots of two clusters, a release downgrade; vast_drift
returns them as Ansible warnings); ``notes`` what a reader must know first (the release went up).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json
import os
import re

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    natural_key, release_of, release_text, same_cluster,
)

DRIFT_KIND = "vastops.asbuilt.drift"

#: Fields whose value moves on its own. Patterns (fnmatch) match a field path (``sync_time``, ``tenant.name``)
#: or ``resource.field`` (``vips.cnode``).
VOLATILE_FIELDS = (
    "uptime", "online_start_time", "*_time", "timestamp", "sync", "sync_state", "*heart_beat*", "last_login",
    "last_used", "last_updated", "last_operation_state", "last_ma_pwd_renewal_status*", "last_uploading_*",
    "last_user_quotas_update",
    "*space*", "*_in_use*", "free_*", "*used*", "*percent*", "*_tb", "drr", "drr_text", "*_drr_*",
    "iops", "*_iops", "bw", "*_bw", "bw_*", "*_bw_*", "latency", "*latency*", "*_mb", "md_*",
    "*progress*", "eta", "eta_sec", "fans.speed", "led_status", "failed_logins", "num_*", "count_views",
    "logical_capacity", "physical_capacity", "aggr_phys_estimation", "unique_phys_estimation", "logical_size",
    "physical_size", "inode_count", "bmc_state_reason", "leader_cnode", "mgmt_cnode", "mgmt_inner_vip_cnode",
    "vips.cnode", "vips.hostname", "vippools.active_cnode_ids", "vippools.active_interfaces",
    "quotas.state", "quotas.pretty_state", "quotas.time_to_block", "quotas.pretty_grace_period_expiration",
    "userquotas.state", "total_*", "*_capacity_bytes", "available_capacity",
    "*rebuild*", "raid_rebuild_progress", "space_left", "estimated_*", "schedule_miss",
)
#: Resources that are activity, not configuration.
VOLATILE_RESOURCES = ("events", "alarms", "snapshots", "capacity", "supportbundles", "health")
#: Identity fields per resource, in order of preference (default: guid, name, id).
IDENTITY = {"apitokens": ("id",), "network_settings": (), "capacity": (), "health": (), "pwd_settings": (),
            "quotas": ("guid", "path", "id"), "views": ("guid", "path", "id")}
DEFAULT_IDENTITY = ("guid", "name", "id")
LABEL_FIELDS = ("name", "path", "title", "username", "ip", "id")
#: Resources whose names are unique only within a parent (both switches of a pair have a ``swp8``, every node an
#: ``ens1f0``, every box a ``PSU1``): the fields naming the parent, in order of preference. Such a record is shown
#: as "<parent> / <name>" ("sw-a / swp8"). ``title`` means the words of the record's title other than its name
#: (a NIC port record carries only ``host_id``; its title is "<host> <name>").
PARENT_FIELDS = {"ports": ("switch",), "nics": ("hostname", "host", "title"), "nicports": ("hostname", "host", "title"),
                 "fans": ("box",), "psus": ("box",), "dtrays": ("dbox",), "ssds": ("dbox",), "nvrams": ("dbox",)}


def _identity(resource, record, index, single):
    for field in IDENTITY.get(resource, DEFAULT_IDENTITY):
        value = record.get(field)
        if value not in (None, ""):
            return "%s=%s" % (field, value)
    return "(the %s object)" % resource if single else "#%d" % index


def run_name(source):
    """The run directory of a snapshot file: the real one when the path goes through the cluster's ``latest``
    link (``<cluster>/latest/snapshot.json.gz`` -> "20261203T163005Z"), or the name ``latest.txt`` gives where the
    link could not be made."""
    if not source:
        return None
    directory = os.path.dirname(os.path.realpath(source))
    name = os.path.basename(directory)
    if name == "latest":
        try:
            with open(os.path.join(os.path.dirname(directory), "latest.txt"), "r") as handle:
                name = handle.read().strip() or name
        except (IOError, OSError):
            pass
    return name


def _sw_version(view):
    return view.cluster.get("sw_version") or view.meta.get("sw_version")


def _side(view):
    """What the drift report says about one snapshot: its file, run directory, collection time and version."""
    source = view.source
    return {"path": source, "run": run_name(source), "collected_at": view.collected_at,
            "sw_version": _sw_version(view), "release": release_text(_sw_version(view)),
            "vast_info_sha256": view.meta.get("vast_info_sha256")}


def _cluster_text(cluster):
    name, guid = cluster.get("name") or "an unnamed cluster", cluster.get("guid")
    return "%s (guid %s)" % (name, guid) if guid else name


def cluster_mismatch(before, after):
    """Why the two snapshots are not of one cluster (their guids differ or, without a guid, their names), or None."""
    old, new = before.cluster, after.cluster
    same, by = same_cluster(old, new)
    if same is None and bool(old.get("guid")) != bool(new.get("guid")) and old.get("name") != new.get("name"):
        same = False                # one records a guid, the other not even the same name (or none): not one cluster
    if same is not False:
        return None
    if by == "guid":
        why = "their guids differ%s" % (", although both are named %s" % old.get("name")
                                        if old.get("name") and old.get("name") == new.get("name") else "")
    elif old.get("guid") or new.get("guid"):
        why = "their names differ and only one snapshot records a guid"
    else:
        why = "their names differ and neither snapshot records a guid"
    return ("The two snapshots come from different clusters (%s): before %s, after %s. The drift below compares "
            "two clusters, not one cluster over time." % (why, _cluster_text(old), _cluster_text(new)))


def release_change(before, after):
    """{"before", "after", "changed", "downgrade"} of the two snapshots' releases ("5.3.1")."""
    old, new = _sw_version(before), _sw_version(after)
    out = {"before": release_text(old), "after": release_text(new), "changed": False, "downgrade": False}
    if out["before"] and out["after"] and out["before"] != out["after"]:
        out["changed"] = True
        old_release, new_release = release_of(old), release_of(new)
        out["downgrade"] = bool(old_release and new_release and new_release < old_release)
    return out


def release_change_text(release):
    """"release changed 5.3.1 -> 4.7.0 (a downgrade)", or None when it did not change."""
    if not release.get("changed"):
        return None
    return "release changed %s -> %s%s" % (
        release["before"], release["after"], " (a downgrade: the after snapshot runs an older release than the "
                                             "before snapshot)" if release.get("downgrade") else "")


def _label(record, key):
    """How a record is named in the drift report: its name, with its path when it has one (a view is known by
    its path: "drift-view (/drift/new-view)")."""
    for field in LABEL_FIELDS:
        if record.get(field) not in (None, ""):
            label = str(record[field])
            path = record.get("path")
            if field != "path" and path not in (None, "") and str(path) != label:
                label = "%s (%s)" % (label, path)
            return label
    return key


def _parent(resource, record, name):
    """The name of the record's parent (its switch, host or box) for the resources of :data:`PARENT_FIELDS`, or
    None. A switch reference "sw-a (MT2130X61068)" gives "sw-a"."""
    for field in PARENT_FIELDS.get(resource, ()):
        value = record.get(field)
        if field == "title":
            words = str(value or "").split()
            value = " ".join(w for w in words if w != name) if name in words else None
        if value in (None, "") or isinstance(value, (dict, list)):
            continue
        return re.sub(r"\s+\([^()]*\)$", "", str(value).strip()) or None
    return None


def display_name(resource, record, key=None):
    """How a record is named in drift.md, drift.html and drift.json (``label``): its name (see :func:`_label`),
    preceded by its parent where the name alone is not unique ("sw-a / swp8", "node-1 / ens1f0")."""
    return display_parts(resource, record, key)[1]


def display_parts(resource, record, key=None):
    """(sort key, display name) of a record: records are listed by parent, then name, in natural order (swp2
    before swp10), then by identity."""
    name = _label(record, key)
    parent = _parent(resource, record, name)
    label = "%s / %s" % (parent, name) if parent else name
    return (natural_key(parent or ""), natural_key(name), str(key)), label


def flatten(record, prefix=""):
    out = {}
    for key, value in record.items():
        path = prefix + str(key)
        if isinstance(value, dict) and value:
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


class Ignore:
    """Matches field paths against the ignore patterns (``field`` or ``resource.field``, fnmatch)."""

    def __init__(self, patterns):
        self.patterns = tuple(str(p) for p in patterns)
        self._cache = {}

    def __call__(self, resource, path):
        key = (resource, path)
        if key not in self._cache:
            last = path.rsplit(".", 1)[-1]
            full = "%s.%s" % (resource, path)
            self._cache[key] = any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(last, p) or
                                   fnmatch.fnmatchcase(full, p) for p in self.patterns)
        return self._cache[key]


def _canon(value):
    return json.dumps(value, sort_keys=True, default=str)


def _index(resource, records):
    single = len(records) == 1
    out = {}
    for i, rec in enumerate(records):
        key = _identity(resource, rec, i, single)
        while key in out:                      # duplicate identities: keep both, in order
            key += "'"
        out[key] = rec
    return out


def _tenant(record):
    tenant = record.get("tenant_name")
    return None if tenant in (None, "") or isinstance(tenant, (dict, list)) else str(tenant)


def _sorted(resource, entries, records):
    """The entries [(key, record, extra)] as {"key", "label", ...extra} sorted by parent, then name (natural
    order). A display name that several records of the resource share is qualified with the tenant when that
    tells them apart (a quota path in two tenants: "q (/p) [tenant t1]"), else with the id."""
    names = {}
    for key, record in records.items():
        names.setdefault(display_name(resource, record, key), []).append(record)
    out = []
    for key, record, extra in entries:
        order, label = display_parts(resource, record, key)
        sharing = names.get(label, ())
        if len(sharing) > 1:
            tenants = [_tenant(r) for r in sharing]
            if _tenant(record) and len(set(tenants)) == len(tenants):
                label = "%s [tenant %s]" % (label, _tenant(record))
            else:
                label = "%s [id %s]" % (label, record.get("id") if record.get("id") not in (None, "") else key)
        out.append((order, dict({"key": key, "label": label}, **extra)))
    return [entry for _order, entry in sorted(out, key=lambda pair: pair[0])]


def compare_resource(resource, before, after, ignore):
    old, new = _index(resource, before), _index(resource, after)
    added = [(key, new[key], {}) for key in set(new) - set(old)]
    removed = [(key, old[key], {}) for key in set(old) - set(new)]
    changed = []
    for key in set(old) & set(new):
        a, b = flatten(old[key]), flatten(new[key])
        fields = []
        for path in sorted(set(a) | set(b)):
            if ignore(resource, path):
                continue
            if _canon(a.get(path)) != _canon(b.get(path)):
                fields.append({"field": path, "before": a.get(path), "after": b.get(path)})
        if fields:
            changed.append((key, new[key], {"fields": fields}))
    records = dict(old)
    records.update(new)
    return {"added": _sorted(resource, added, records), "removed": _sorted(resource, removed, records),
            "changed": _sorted(resource, changed, records)}


STATE_WORDS = {"ok": "read", "error": "could not be read", "unavailable": "not applicable to this release",
               "not_collected": "not collected"}


def not_compared_gaps(doc):
    """The resources of a drift document that were not compared for want of data in one snapshot (not those
    ignored on purpose, nor those that exist in neither snapshot's release)."""
    return sorted(name for name, why in (doc.get("not_compared") or {}).items()
                  if not str(why).startswith("ignored") and not str(why).startswith("not applicable"))


def compare(before, after, ignore_fields=VOLATILE_FIELDS, ignore_resources=VOLATILE_RESOURCES):
    """The drift document between two SnapshotViews (see the module docstring)."""
    ignore = Ignore(ignore_fields)
    skip = set(ignore_resources or ())
    resources, not_compared = {}, {}
    totals = {"added": 0, "removed": 0, "changed": 0}
    for name in sorted(set(before.resource_names()) | set(after.resource_names())):
        if name in skip:
            not_compared[name] = "ignored (activity, not configuration)"
            continue
        old, new = before.records(name), after.records(name)
        if old is None or new is None:
            missing, side = (before, "before") if old is None else (after, "after")
            if missing.state(name)[0] == "unavailable":
                not_compared[name] = "not applicable to the %s snapshot's release" % side
            else:
                not_compared[name] = "collected only in the %s snapshot" % ("after" if old is None else "before")
            continue
        result = compare_resource(name, old, new, ignore)
        if any(result.values()):
            resources[name] = result
            for kind in totals:
                totals[kind] += len(result[kind])
    for name in sorted(set(before._status) | set(after._status)):  # pylint: disable=protected-access
        if name not in not_compared and name not in resources and (before.records(name) is None or
                                                                   after.records(name) is None):
            states = (before.state(name)[0], after.state(name)[0])
            if states == ("unavailable", "unavailable"):
                not_compared.setdefault(name, "not applicable to this release (in both snapshots)")
            elif states != ("not_collected", "not_collected"):
                not_compared.setdefault(name, "before: %s, after: %s" % tuple(STATE_WORDS.get(s, s) for s in states))
    summary = dict(totals)
    summary["resources"] = len(resources)
    summary["drift"] = bool(resources)
    cluster = after.cluster
    mismatch = cluster_mismatch(before, after)
    release = release_change(before, after)
    warnings = [mismatch] if mismatch else []
    notes = [release_change_text(release)] if release["changed"] else []
    if release["downgrade"]:                    # a downgrade is a warning (and said once)
        warnings, notes = warnings + notes, []
    return {"schema_version": 1, "kind": DRIFT_KIND,
            "cluster": dict((k, cluster.get(k)) for k in ("name", "guid", "psnt")),
            "before": _side(before), "after": _side(after),
            "same_cluster": mismatch is None, "release": release, "warnings": warnings, "notes": notes,
            "summary": summary, "resources": resources, "not_compared": not_compared,
            "ignored": {"fields": list(ignore.patterns), "resources": sorted(skip)}}
