# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CSV inventories: nodes, boxes, drives, switch ports, VIPs, views, view policies, quotas, user quotas,
snapshots, events (complete lists, never capped).

``inventories(view)`` returns ``{file name: csv text}`` for every inventory whose data was collected; an
inventory whose resources were not collected is left out (the report says so). ``table_csv(columns, rows)``
writes any other table of the report whose page shows only part of it (every capped table points to a CSV). Cells that a spreadsheet would
run as a formula (starting with = + - @, tab or carriage return) are prefixed with a quote (OWASP CSV injection).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import natural_key, rack_unit

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ";".join("%s=%s" % (k, v) for k, v in sorted(value.items()))
    value = str(value)
    if value.startswith(FORMULA_START) and not _is_number(value):
        value = "'" + value
    return value


def _is_number(value):
    try:
        float(value)
        return True
    except ValueError:
        return False


def to_csv(columns, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c[0] for c in columns])
    for row in rows:
        writer.writerow([safe(row.get(c[1]) if isinstance(c[1], str) else c[1](row)) for c in columns])
    return buf.getvalue()


NODE_COLUMNS = [("kind", "_kind"), ("name", "name"), ("hostname", "hostname"), ("id", "id"), ("guid", "guid"),
                ("box", lambda r: r.get("cbox") or r.get("dbox") or r.get("ebox") or r.get("box")),
                ("state", "state"), ("enabled", "enabled"), ("mgmt_ip", "mgmt_ip"), ("ipmi_ip", "ipmi_ip"),
                ("data_ip", "ip"), ("ip1", "ip1"), ("ip2", "ip2"), ("os_version", "os_version"), ("build", "build"),
                ("bios_version", "bios_version"), ("bmc_fw_version", "bmc_fw_version"), ("cpld", "cpld"),
                ("serial_number", "serial_number"), ("position", "position"), ("cores", "cores")]
BOX_COLUMNS = [("kind", "_kind"), ("name", "name"), ("id", "id"), ("guid", "guid"), ("uid", "uid"),
               ("serial_number", "serial_number"), ("state", "state"), ("rack", "rack_name"),
               ("rack_unit", rack_unit), ("hardware_type", "hardware_type"), ("box_vendor", "box_vendor"),
               ("arch_type", "arch_type")]
DRIVE_COLUMNS = [("kind", "_kind"), ("name", "name"), ("id", "id"), ("box", lambda r: r.get("dbox") or r.get("ebox")),
                 ("slot", "slot"), ("state", "state"), ("fail_reason", "fail_reason"), ("enabled", "enabled"),
                 ("model", "model"), ("size_bytes", "size"), ("space_in_use_bytes", "space_in_use"),
                 ("fw_version", "fw_version"), ("serial_number", "serial_number"),
                 ("attached_dnodes", "attached_dnode_names")]
PORT_COLUMNS = [("switch", lambda r: str(r.get("switch") or "").split(" ", 1)[0]), ("port", "name"), ("id", "id"),
                ("role", "model"), ("state", "state"), ("speed", "speed"), ("mtu", "mtu"),
                ("connected_host", "connected_host"), ("connected_port", "connected_port"),
                ("fw_version", "fw_version"), ("switch_serial", "serial_number")]
VIP_COLUMNS = [("ip", "ip"), ("pool", "vippool"), ("cnode", "cnode"), ("hostname", "hostname"), ("name", "name"),
               ("id", "id")]
VIEW_COLUMNS = [("path", "path"), ("name", "name"), ("id", "id"), ("guid", "guid"), ("protocols", "protocols"),
                ("policy", "policy"), ("tenant", "tenant_name"), ("alias", "alias"), ("share", "share"),
                ("bucket", "bucket"), ("bucket_owner", "bucket_owner"), ("qos_policy", "qos_policy"),
                ("logical_capacity_bytes", "logical_capacity"), ("physical_capacity_bytes", "physical_capacity"),
                ("created", "created")]

VIEWPOLICY_COLUMNS = [("name", "name"), ("id", "id"), ("guid", "guid"), ("flavor", "flavor"), ("tenant", "tenant_name"),
                      ("auth_source", "auth_source"), ("protocols", "protocols"), ("nfs_read_write", "nfs_read_write"),
                      ("nfs_read_only", "nfs_read_only"), ("nfs_root_squash", "nfs_root_squash"),
                      ("nfs_all_squash", "nfs_all_squash"), ("nfs_no_squash", "nfs_no_squash"),
                      ("smb_read_write", "smb_read_write"), ("smb_read_only", "smb_read_only"),
                      ("s3_read_write", "s3_read_write"), ("s3_read_only", "s3_read_only"),
                      ("vip_pools", "vip_pools"), ("views", "count_views"), ("created", "created")]
QUOTA_COLUMNS = [("path", "path"), ("name", "name"), ("id", "id"), ("guid", "guid"), ("state", "state"),
                 ("soft_limit_bytes", "soft_limit"), ("hard_limit_bytes", "hard_limit"),
                 ("used_bytes", "used_capacity"), ("soft_limit_inodes", "soft_limit_inodes"),
                 ("hard_limit_inodes", "hard_limit_inodes"), ("used_inodes", "used_inodes"),
                 ("grace_period", "grace_period"), ("tenant", "tenant_name")]
USERQUOTA_COLUMNS = [("name", lambda r: r.get("name") or r.get("entity_identifier")), ("path", "path"), ("id", "id"),
                     ("identifier_type", "identifier_type"), ("identifier", "identifier"), ("state", "state"),
                     ("soft_limit_bytes", "soft_limit"), ("hard_limit_bytes", "hard_limit"),
                     ("used_bytes", "used_capacity"), ("used_inodes", "used_inodes")]
SNAPSHOT_COLUMNS = [("name", "name"), ("path", "path"), ("id", "id"), ("guid", "guid"),
                    ("policy", lambda r: r.get("protection_policy") or r.get("policy")), ("created", "created"),
                    ("expires", "expiration_time"), ("locked", "locked"), ("indestructible", "indestructible"),
                    ("state", "state"), ("tenant", "tenant_name")]
EVENT_COLUMNS = [("timestamp", "timestamp"), ("severity", "severity"), ("object_type", "object_type"),
                 ("object_name", "object_name"), ("event", lambda r: r.get("event_message") or r.get("event_name")),
                 ("event_type", "event_type"), ("id", "id")]


def _tagged(view, pairs):
    """Records of several resources, each tagged with its kind; None when none of them was collected."""
    out, any_collected = [], False
    for name, kind in pairs:
        recs = view.records(name)
        if recs is None:
            continue
        any_collected = True
        for rec in recs:
            tagged = dict(rec)
            tagged["_kind"] = kind
            out.append(tagged)
    return out if any_collected else None


INVENTORIES = [
    ("nodes.csv", NODE_COLUMNS, (("cnodes", "cnode"), ("dnodes", "dnode")), "name"),
    ("boxes.csv", BOX_COLUMNS, (("cboxes", "cbox"), ("dboxes", "dbox"), ("eboxes", "ebox")), "name"),
    ("drives.csv", DRIVE_COLUMNS, (("ssds", "ssd"), ("nvrams", "nvram")), "name"),
    ("switch_ports.csv", PORT_COLUMNS, (("ports", "port"),), "switch"),
    ("vips.csv", VIP_COLUMNS, (("vips", "vip"),), "ip"),
    ("views.csv", VIEW_COLUMNS, (("views", "view"),), "path"),
    ("viewpolicies.csv", VIEWPOLICY_COLUMNS, (("viewpolicies", "viewpolicy"),), "name"),
    ("quotas.csv", QUOTA_COLUMNS, (("quotas", "quota"),), "path"),
    ("userquotas.csv", USERQUOTA_COLUMNS, (("userquotas", "userquota"),), "path"),
    ("snapshots.csv", SNAPSHOT_COLUMNS, (("snapshots", "snapshot"),), "created"),
    ("events.csv", EVENT_COLUMNS, (("events", "event"),), "timestamp"),
]
# resource -> the inventory that lists it completely (the report's capped tables point there)
INVENTORY_OF = dict((name, filename) for filename, _c, pairs, _k in INVENTORIES for name, _kind in pairs)


def inventories(view):
    out = {}
    for filename, columns, pairs, sort_key in INVENTORIES:
        rows = _tagged(view, pairs)
        if rows is None:
            continue
        rows.sort(key=lambda r: (r["_kind"], natural_key(r.get(sort_key)), natural_key(r.get("name"))))
        out[filename] = to_csv(columns, rows)
    return out


def cell_text(value):
    """A report cell (plain value or badge) as CSV text."""
    if isinstance(value, dict) and "badge" in value:
        value = value["badge"]
    return value


def table_csv(columns, rows):
    """CSV of a report table (its columns, every row), for tables with no inventory of their own."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe(c) for c in columns])
    for row in rows:
        writer.writerow([safe(cell_text(v)) for v in row])
    return buf.getvalue()
