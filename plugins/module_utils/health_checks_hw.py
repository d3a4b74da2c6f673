# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Health checks of the cluster, capacity and hardware rules (see health_rules.py for what each checks).

Every check is ``check(view, params, now) -> (items, observed)``: *items* lists what is wrong (one dict per
object: ``object``, ``detail``; empty means the rule passes), *observed* says in a few words what was measured.
A check raises ``DataUnavailable`` when the data it needs is missing: the rule is then "not evaluated".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    days_between, parse_time, percent, placed_boxes, plural, unit_collisions,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import DataUnavailable

HEALTHY_DEVICE = ("HEALTHY", "ACTIVE", "OK")
QUOTA_BLOCKING = ("HARD_EXCEEDED", "INODE_HARD_EXCEEDED", "HARD_BOTH_EXCEEDED", "GRACE_EXPIRED", "FAILED")
NODE_KINDS = (("cnodes", "CNode"), ("dnodes", "DNode"))


def item(obj, detail):
    return {"object": str(obj), "detail": str(detail)}


def name_of(rec):
    """The name of a record for people: its id when it has no name, "unnamed" when it has no id either."""
    name = rec.get("name") or rec.get("hostname") or rec.get("title")
    if name:
        return name
    return str(rec["id"]) if rec.get("id") not in (None, "") else "unnamed"


def _upper(value):
    return str(value or "").strip().upper()


# ---- cluster -------------------------------------------------------------------------------------------------
def cluster_state(view, params, now):
    cluster = view.require_one("clusters")
    items = []
    if _upper(cluster.get("state")) != "ONLINE":
        items.append(item(name_of(cluster), "state %s" % (cluster.get("state") or "not reported")))
    if cluster.get("leader_state") not in (None, "") and _upper(cluster.get("leader_state")) != "UP":
        items.append(item(name_of(cluster), "management leader %s" % cluster.get("leader_state")))
    return items, "state %s" % (cluster.get("state") or "-")


def licence_expiry(view, params, now):
    licences = view.require("licenses")
    days = float(params["licence_warning_days"])
    items = []
    soonest = None
    for lic in licences:
        state = _upper(lic.get("state"))
        expires = parse_time(lic.get("expiration_date"))
        left = days_between(expires, now) if expires else None
        if left is not None and (soonest is None or left < soonest):
            soonest = left
        if state == "EXPIRED" or (left is not None and left < 0):
            items.append(item(name_of(lic), "expired on %s" % (lic.get("expiration_date") or "?")))
        elif left is not None and left < days:
            items.append(item(name_of(lic), "expires on %s (in %s)" % (lic.get("expiration_date"), plural(int(left), "day"))))
        elif state not in ("ACTIVE", ""):
            items.append(item(name_of(lic), "state %s" % lic.get("state")))
    if not licences:
        return [], "no licence reported"
    return items, ("earliest expiry in %s" % plural(int(soonest), "day")) if soonest is not None else "no expiry date"


# ---- capacity ------------------------------------------------------------------------------------------------
def used_percent(cluster):
    """Usable capacity in use, in percent (usable figures first, then physical, then logical)."""
    usable = cluster.get("usable_capacity_bytes")
    free = cluster.get("free_usable_capacity")
    if usable and free is not None:
        value = percent(float(usable) - float(free), usable)
        if value is not None:
            return value
    for key in ("physical_space_in_use_percent", "logical_space_in_use_percent"):
        if cluster.get(key) not in (None, ""):
            return float(cluster[key])
    return None


def _capacity(view):
    cluster = view.require_one("clusters")
    used = used_percent(cluster)
    if used is None:
        raise DataUnavailable("clusters", "the cluster record carries no capacity figures")
    return cluster, used


def capacity_critical(view, params, now):
    cluster, used = _capacity(view)
    limit = float(params["capacity_critical_percent"])
    items = [item(name_of(cluster), "%.1f%% used (critical at %g%%)" % (used, limit))] if used >= limit else []
    return items, "%.1f%% used" % used


def capacity_warning(view, params, now):
    cluster, used = _capacity(view)
    warn, crit = float(params["capacity_warning_percent"]), float(params["capacity_critical_percent"])
    items = [item(name_of(cluster), "%.1f%% used (warning at %g%%)" % (used, warn))] if warn <= used < crit else []
    return items, "%.1f%% used" % used


def quotas_exceeded(view, params, now):
    quotas = view.require("quotas")
    items = [item(q.get("path") or name_of(q), "state %s" % q.get("state")) for q in quotas
             if _upper(q.get("state")) in QUOTA_BLOCKING]
    soft = sum(1 for q in quotas if "SOFT" in _upper(q.get("state")))
    # the observed text reads right for a pass as for a failure: what the rule checks first, the soft limits
    # (which it does not report) after
    blocked = "%d at the hard limit, past their grace period or failed" % len(items) if items else \
        "none at the hard limit"
    return items, "%s, %s%s" % (plural(len(quotas), "quota"), blocked,
                                "; %d over their soft limit (grace period)" % soft if soft else "")


# ---- hardware ------------------------------------------------------------------------------------------------
def raid_states(view, params, now):
    cluster = view.require_one("clusters")
    items = []
    seen = 0
    for key, label in (("ssd_raid_state", "SSD RAID"), ("nvram_raid_state", "NVRAM RAID"),
                       ("memory_raid_state", "memory RAID")):
        if cluster.get(key) in (None, ""):
            continue
        seen += 1
        if _upper(cluster[key]) != "HEALTHY":
            progress = cluster.get(key.replace("_state", "_rebuild_progress"))
            extra = " (rebuild %s%%)" % progress if progress not in (None, "", 0) else ""
            items.append(item(label, "%s%s" % (cluster[key], extra)))
    if not seen:
        raise DataUnavailable("clusters", "the cluster record carries no RAID states")
    return items, "%s checked" % plural(seen, "RAID state")


def _devices_failed(view, name):
    devices = view.require(name)
    items = []
    for dev in devices:
        state = _upper(dev.get("state"))
        if state not in HEALTHY_DEVICE:
            reason = dev.get("fail_reason")
            extra = " (%s)" % reason if reason not in (None, "", "NONE") else ""
            where = dev.get("dbox") or dev.get("box") or ""
            place = (", in %s" % where) if where else ""
            items.append(item(name_of(dev), "state %s%s%s" % (dev.get("state") or "not reported", extra, place)))
        elif dev.get("enabled") is False:
            items.append(item(name_of(dev), "disabled"))
    return items, plural(len(devices), "device")


def ssds_failed(view, params, now):
    return _devices_failed(view, "ssds")


def nvrams_failed(view, params, now):
    return _devices_failed(view, "nvrams")


def psus_failed(view, params, now):
    return _devices_failed(view, "psus")


def fans_failed(view, params, now):
    return _devices_failed(view, "fans")


def _nodes(view):
    return [(label, view.require(kind)) for kind, label in NODE_KINDS]


def nodes_not_active(view, params, now):
    items, total = [], 0
    for label, nodes in _nodes(view):
        total += len(nodes)
        for node in nodes:
            if _upper(node.get("state")) != "ACTIVE":
                items.append(item(name_of(node), "%s state %s" % (label, node.get("state") or "not reported")))
    return items, plural(total, "node")


def nodes_disabled(view, params, now):
    items, total = [], 0
    for label, nodes in _nodes(view):
        total += len(nodes)
        items.extend(item(name_of(n), "%s disabled" % label) for n in nodes if n.get("enabled") is False)
    return items, plural(total, "node")


def _majority(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _mixed(view, field, what):
    items, groups = [], 0
    reported = False
    for label, nodes in _nodes(view):
        values = [(n, n.get(field)) for n in nodes if n.get(field) not in (None, "")]
        if not values:
            continue
        reported = True
        groups += 1
        common = _majority([v for _n, v in values])
        for node, value in values:
            if value != common:
                items.append(item(name_of(node), "%s %s %s (most %ss: %s)" % (label, what, value, label, common)))
    if not reported:
        raise DataUnavailable("cnodes", "the nodes do not report their %s" % what)
    return items, "%s compared" % plural(groups, "node kind")


def mixed_os(view, params, now):
    return _mixed(view, "os_version", "OS")


def mixed_bios(view, params, now):
    return _mixed(view, "bios_version", "BIOS")


def mixed_bmc(view, params, now):
    return _mixed(view, "bmc_fw_version", "BMC firmware")


def mixed_build(view, params, now):
    nodes = [n for _label, group in _nodes(view) for n in group]
    values = [(n, n.get("build")) for n in nodes if n.get("build")]
    if not values:
        raise DataUnavailable("cnodes", "the nodes do not report their software build")
    common = _majority([v for _n, v in values])
    items = [item(name_of(n), "build %s (cluster: %s)" % (v, common)) for n, v in values if v != common]
    return items, "build %s" % common


def mixed_drive_firmware(view, params, now):
    ssds = view.require("ssds")
    by_model = {}
    for ssd in ssds:
        if ssd.get("fw_version"):
            by_model.setdefault(ssd.get("model") or "?", []).append(ssd)
    items = []
    for model, drives in sorted(by_model.items()):
        common = _majority([d["fw_version"] for d in drives])
        items.extend(item(name_of(d), "model %s firmware %s (others: %s)" % (model, d["fw_version"], common))
                     for d in drives if d["fw_version"] != common)
    return items, plural(len(by_model), "drive model")


def boxes_not_active(view, params, now):
    items, counted = [], []
    for kind, label in (("dboxes", "DBox"), ("eboxes", "EBox")):
        boxes = view.require(kind)
        if boxes:
            counted.append("%d %s%s" % (len(boxes), label, "" if len(boxes) == 1 else "es"))
        items.extend(item(name_of(b), "%s state %s" % (label, b.get("state") or "not reported")) for b in boxes
                     if _upper(b.get("state")) != "ACTIVE")
    cboxes = view.records("cboxes") or []
    note = ("; CBoxes not checked (VMS reports them UNKNOWN while their CNodes are ACTIVE: VAST-HW-004 checks "
            "the CNodes)") if cboxes else ""
    return items, "%s checked%s" % (" and ".join(counted) or "no DBox or EBox", note)


def _placed(view):
    cboxes, dboxes, eboxes = view.require("cboxes", "dboxes", "eboxes")
    return placed_boxes({"cboxes": cboxes, "dboxes": dboxes, "eboxes": eboxes})


def rack_collisions(view, params, now):
    placed = _placed(view)
    items = [item("%s U%d" % (rack, unit), "claimed by %s" % ", ".join(names))
             for rack, unit, names in unit_collisions(placed)]
    return items, "%s placed" % plural(sum(1 for p in placed if p[3] is not None), "box", "boxes")


def boxes_without_position(view, params, now):
    placed = _placed(view)
    items = []
    for kind, box, rack, unit, _height in placed:
        if rack is None or unit is None:
            missing = "rack" if rack is None else "rack unit"
            items.append(item(name_of(box), "no %s" % missing))
    return items, plural(len(placed), "box", "boxes")
