"""Scenario presets: named state overrides for the states an as-built health check cares about.

``healthy`` is a baseline in which none of the issue-6 health rules fires (the default data is realistic:
open MAJOR/CRITICAL alarms and a single management VIP, as real clusters have). Every other preset changes one
thing so that one rule fires; combine them, e.g. ``["healthy", "failed_ssd"]``. A preset may take an argument
after a colon: ``capacity:95``, ``licence_expiring:10``, ``certificate_expiring:5``.
"""
import datetime

from .common import iso
from .generator.cluster import apply_capacity
from .generator.security import certificate_pair
from .overrides import OverrideError


def _first(state, name, index=0):
    records = list(state.collection(name).values())
    if not records:
        raise OverrideError("scenario needs at least one record in %s" % name)
    return records[index]


def _days(state, days):
    return state.context.now + datetime.timedelta(days=float(days))


def healthy(state, arg):
    ctx = state.context
    return {"alarms": [{"match": {"severity__in": ["MAJOR", "CRITICAL"]}, "remove": True}],
            "network_settings": [{"set": {"management_vips": [ctx.mgmt_vip, ctx.mgmt(30, 41)]}}]}


def failed_ssd(state, arg):
    ssd = _first(state, "ssds", int(arg or 0))
    return {"ssds": [{"match": {"id": ssd["id"]}, "set": {"state": "FAILED", "fail_reason": "IO_ERROR",
                                                           "enabled": False}}]}


def failed_nvram(state, arg):
    nv = _first(state, "nvrams")
    return {"nvrams": [{"match": {"id": nv["id"]}, "set": {"state": "FAILED", "fail_reason": "IO_ERROR"}}]}


def degraded_raid(state, arg):
    return {"clusters": [{"match": {"id": 1}, "set": {"ssd_raid_state": arg or "DEGRADED",
                                                        "ssd_raid_rebuild_progress": 37}}]}


def node_inactive(state, arg):
    node = _first(state, "cnodes")
    return {"cnodes": [{"match": {"id": node["id"]}, "set": {"state": arg or "INACTIVE",
                                                               "display_state": arg or "INACTIVE"}}]}


def node_disabled(state, arg):
    node = _first(state, "dnodes")
    return {"dnodes": [{"match": {"id": node["id"]}, "set": {"enabled": False}}]}


def mixed_firmware(state, arg):
    node = _first(state, "cnodes", -1)
    return {"cnodes": [{"match": {"id": node["id"]}, "set": {"bios_version": node["bios_version"] + "-b",
                                                               "bmc_fw_version": "09.99.99"}}]}


def mixed_os(state, arg):
    node = _first(state, "cnodes", -1)
    return {"cnodes": [{"match": {"id": node["id"]}, "set": {"os_version": "12.0.0-1000001"}}]}


def capacity(state, arg):
    cluster = _first(state, "clusters")
    new = apply_capacity(cluster, state.meta["raw_bytes"], float(arg or 92))
    changed = {k: v for k, v in new.items() if v != cluster.get(k)}
    return {"clusters": [{"match": {"id": cluster["id"]}, "set": changed}]}


def _network(**values):
    return {"network_settings": [{"set": values}]}


def single_dns(state, arg):
    return _network(dns=["192.0.2.53"])


def no_dns(state, arg):
    return _network(dns=[])


def single_ntp(state, arg):
    return _network(ntp=["192.0.2.123"])


def no_ntp(state, arg):
    return _network(ntp=[])


def single_mgmt_vip(state, arg):
    return _network(management_vips=[state.context.mgmt_vip])


def one_switch(state, arg):
    switches = list(state.collection("switches").values())
    keep = switches[0]
    gone = [s["hostname"] for s in switches[1:]]
    return {"switches": [{"match": {"id__in": [s["id"] for s in switches[1:]]}, "remove": True}] if gone else [],
            "ports": [{"match": {"switch__startswith": h + " "}, "remove": True} for h in gone]
            + [{"match": {"switch__startswith": keep["hostname"] + " ", "model": "ipl"},
                "set": {"state": "INACTIVE", "connected_host": "", "connected_port": ""}}]}


def switch_fw_mismatch(state, arg):
    sw = _first(state, "switches", 1)
    return {"switches": [{"match": {"id": sw["id"]}, "set": {"fw_version": arg or "5.4.0"}}],
            "ports": [{"match": {"switch__startswith": sw["hostname"] + " "}, "set": {"fw_version": arg or "5.4.0"}}]}


def mtu_mismatch(state, arg):
    sw = _first(state, "switches")
    mtu = int(arg or 1500)
    return {"switches": [{"match": {"id": sw["id"]}, "set": {"mtu": mtu}}],
            "ports": [{"match": {"switch__startswith": sw["hostname"] + " ", "mtu__in": ["9216"]},
                       "set": {"mtu": str(mtu)}}]}


def vippool_without_vips(state, arg):
    pool = _first(state, "vippools", -1)
    return {"vippools": [{"match": {"id": pool["id"]}, "set": {
        "ip_ranges": [], "start_ip": "", "end_ip": "", "ranges_summary": "", "active_interfaces": 0,
        "active_cnode_ids": [], "title": ""}}],
        "vips": [{"match": {"vippool": pool["name"]}, "remove": True}]}


def vips_on_one_cnode(state, arg):
    pool = _first(state, "vippools")
    node = _first(state, "cnodes")
    return {"vippools": [{"match": {"id": pool["id"]}, "set": {"active_cnode_ids": [node["id"]]}}],
            "vips": [{"match": {"vippool": pool["name"]}, "set": {"cnode": node["name"],
                                                                   "hostname": node["hostname"]}}]}


def encryption_off(state, arg):
    return {"clusters": [{"match": {"id": 1}, "set": {"enable_encryption": False}}]}


def tls_1_1(state, arg):
    return {"vms": [{"match": {"id": 1}, "set": {"min_tls_version": arg or "1.1"}}]}


def apitokens_no_expiry(state, arg):
    if not state.context.release.api_tokens:
        raise OverrideError("API tokens exist only on VAST 5.3 and later")
    tok = _first(state, "apitokens")
    return {"apitokens": [{"match": {"id": tok["id"]}, "set": {"expiry_date": None}}]}


def apitokens_near_limit(state, arg):
    if not state.context.release.api_tokens:
        raise OverrideError("API tokens exist only on VAST 5.3 and later")
    limit = int(_first(state, "vms")["max_api_tokens_per_user"])
    owner = arg or "admin"
    have = sum(1 for t in state.collection("apitokens").values() if t["owner"] == owner and not t["revoked"])
    ctx = state.context
    adds = []
    for n in range(max(0, limit - 1 - have)):
        created = ctx.now - datetime.timedelta(days=n + 1)
        adds.append({"id": "nearlim%d.%s" % (n, "0" * 40), "name": "%s_api_token_%d" % (owner, n), "owner": owner,
                     "created": iso(created), "expiry_date": iso(created + datetime.timedelta(days=30)),
                     "last_used": None, "revoked": False, "revocation_time": None})
    return {"apitokens": [{"add": adds}]} if adds else {}


def critical_alarms(state, arg):
    node = _first(state, "dnodes")
    when = iso(state.context.now - datetime.timedelta(minutes=42))
    return {"alarms": [{"add": {
        "severity": (arg or "CRITICAL").upper(), "alarm_message": "DNodeStateChange on dnode %s" % node["name"],
        "event_name": "DNodeStateChange", "event_type": "THRESHOLD", "event_definition": "DNodeStateChange",
        "object_type": "dnode", "object_id": node["id"], "object_name": node["name"], "object_guid": node["guid"],
        "rel_obj_class": "host", "rel_obj_id": str(node["id"]), "acknowledged": False, "timestamp": when,
        "last_updated": when, "metadata": {}, "cluster": state.meta["cluster_name"]}}]}


def callhome_disabled(state, arg):
    return {"callhomeconfigs": [{"set": {"log_enabled": False, "bundle_enabled": False, "cloud_enabled": False}}]}


def unprotected_views(state, arg):
    count = int(arg or 3)
    ctx = state.context
    adds = []
    for n in range(count):
        path = "/scratch/unprotected-%d" % (n + 1)
        adds.append({"name": "scratch-%d" % (n + 1), "title": path, "path": path, "alias": "", "protocols": ["NFS"],
                     "policy": "default", "policy_id": 1, "tenant_id": 1, "tenant_name": "default",
                     "qos_policy": None, "qos_policy_id": None, "created": iso(ctx.now - datetime.timedelta(days=2)),
                     "logical_capacity": 0, "physical_capacity": 0, "sync": "SYNCED",
                     "sync_time": iso(ctx.now)})
    return {"views": [{"add": adds}]}


def replication_target_error(state, arg):
    peer = _first(state, "nativereplicationremotetargets")
    return {"nativereplicationremotetargets": [{"match": {"id": peer["id"]}, "set": {
        "state": "ERROR", "health": "ERROR", "status": "DISCONNECTED",
        "state_description": "Peer unreachable", "last_heart_beat": iso(state.context.now -
                                                                       datetime.timedelta(hours=6))}}]}


def s3_target_error(state, arg):
    return {"replicationtargets": [{"index": 0, "set": {"state": "ERROR", "state_description": "403 Forbidden"}}]}


def replication_lagging(state, arg):
    hours = float(arg or 48)
    when = iso(state.context.now - datetime.timedelta(hours=hours))
    return {"protectedpaths": [{"match": {"is_local": False}, "index": 0, "set": {
        "last_restore_point_time": when, "health": "DEGRADED"}}]}


def licence_expiring(state, arg):
    when = _days(state, arg or 30).strftime("%Y-%m-%d")
    return {"licenses": [{"index": 0, "set": {"expiration_date": when}}]}


def licence_expired(state, arg):
    when = _days(state, -float(arg or 5)).strftime("%Y-%m-%d")
    return {"licenses": [{"index": 0, "set": {"expiration_date": when, "state": "EXPIRED"}}]}


def certificate_expiring(state, arg):
    cert = _first(state, "certificates")
    pem, _ca = certificate_pair(state.context, cert["name"], float(arg or 20), cert["id"])
    return {"certificates": [{"match": {"id": cert["id"]}, "set": {"certificate": pem}}]}


def _box_unit_field(box):
    return "rack_unit" if "rack_unit" in box else "index_in_rack"


def rack_unit_collision(state, arg):
    kinds = ("eboxes",) if len(state.collection("eboxes")) else ("cboxes", "dboxes")
    boxes = [(k, b) for k in kinds for b in state.collection(k).values()]
    (k1, first), (k2, second) = boxes[0], boxes[1]
    field = _box_unit_field(first)
    return {k2: [{"match": {"id": second["id"]}, "set": {"rack_id": first["rack_id"], "rack_name": first["rack_name"],
                                                          field: first[field]}}]}


def box_without_rack_position(state, arg):
    kind = "eboxes" if len(state.collection("eboxes")) else "dboxes"
    box = _first(state, kind, -1)
    return {kind: [{"match": {"id": box["id"]}, "set": {"index_in_rack": None, "rack_unit": None}}]}


def psu_failed(state, arg):
    psu = _first(state, "psus")
    return {"psus": [{"match": {"id": psu["id"]}, "set": {"state": "failed"}}]}


SCENARIOS = {name: fn for name, fn in globals().items() if callable(fn) and not name.startswith("_") and
             fn.__module__ == __name__ and name not in ("iso",)}


def run(state, spec):
    """Overrides for scenario ``name[:arg]``."""
    name, _, arg = str(spec).partition(":")
    name = name.strip().replace("-", "_")
    aliases = {"license_expiring": "licence_expiring", "license_expired": "licence_expired",
               "min_tls_1_1": "tls_1_1", "node_not_active": "node_inactive"}
    fn = SCENARIOS.get(aliases.get(name, name))
    if fn is None:
        raise OverrideError("unknown scenario %r (known: %s)" % (name, ", ".join(sorted(SCENARIOS))))
    return fn(state, arg or None)
