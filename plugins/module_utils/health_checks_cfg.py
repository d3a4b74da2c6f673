# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Health checks of the network, switch, security, data protection and monitoring rules.

Same contract as health_checks_hw.py: ``check(view, params, now) -> (items, observed)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    age_text, certificate_not_after, days_between, iso, parse_time, plural, time_text,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_checks_hw import item, name_of
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import DataUnavailable


def _upper(value):
    return str(value or "").strip().upper()


def _listed(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v not in (None, "")]


def _settings(view, key):
    settings = view.require_one("network_settings")
    if key not in settings:
        raise DataUnavailable("network_settings", "the network settings do not report %s" % key)
    return settings, _listed(settings.get(key))


# ---- network -------------------------------------------------------------------------------------------------
def dns_missing(view, params, now):
    _s, servers = _settings(view, "dns")
    return ([] if servers else [item("network settings", "no DNS resolver")]), plural(len(servers), "DNS resolver")


def dns_single(view, params, now):
    _s, servers = _settings(view, "dns")
    need = int(params["min_dns_servers"])
    bad = 0 < len(servers) < need
    return ([item("network settings", "DNS: %s only" % ", ".join(servers))] if bad else []), \
        plural(len(servers), "DNS resolver")


def ntp_missing(view, params, now):
    _s, servers = _settings(view, "ntp")
    return ([] if servers else [item("network settings", "no NTP server")]), plural(len(servers), "NTP server")


def ntp_single(view, params, now):
    _s, servers = _settings(view, "ntp")
    need = int(params["min_ntp_servers"])
    bad = 0 < len(servers) < need
    return ([item("network settings", "NTP: %s only" % ", ".join(servers))] if bad else []), \
        plural(len(servers), "NTP server")


def mgmt_vip_single(view, params, now):
    _s, vips = _settings(view, "management_vips")
    items = [item("network settings", "management VIPs: %s" % (", ".join(vips) or "none"))] if len(vips) < 2 else []
    return items, plural(len(vips), "management VIP")


def _pool_vips(view):
    pools, vips = view.require("vippools", "vips")
    by_pool = {}
    for vip in vips:
        by_pool.setdefault(vip.get("vippool"), []).append(vip)
    return pools, by_pool


def vippool_empty(view, params, now):
    pools, by_pool = _pool_vips(view)
    items = []
    for pool in pools:
        if pool.get("enabled") is False:
            continue
        if not by_pool.get(pool.get("name")) and not pool.get("ip_ranges"):
            items.append(item(name_of(pool), "no IP range and no VIP"))
        elif not by_pool.get(pool.get("name")):
            items.append(item(name_of(pool), "no VIP allocated"))
    return items, plural(len(pools), "VIP pool")


def vippool_one_cnode(view, params, now):
    pools, by_pool = _pool_vips(view)
    items = []
    for pool in pools:
        vips = by_pool.get(pool.get("name")) or []
        if pool.get("enabled") is False or not vips:
            continue
        cnodes = sorted(set(v.get("cnode") for v in vips if v.get("cnode")))
        if len(cnodes) < 2:
            items.append(item(name_of(pool), "%s all on %s" % (plural(len(vips), "VIP"), ", ".join(cnodes) or "no CNode")))
    return items, plural(len(pools), "VIP pool")


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def mtu_mismatch(view, params, now):
    settings = view.require_one("network_settings")
    switches = view.require("switches")
    mtu = _int(settings.get("eth_mtu"))
    if mtu is None:
        raise DataUnavailable("network_settings", "the network settings do not report the Ethernet MTU")
    items = []
    for sw in switches:
        sw_mtu = _int(sw.get("mtu"))
        if sw_mtu and sw_mtu < mtu:
            items.append(item(name_of(sw), "switch MTU %d < cluster MTU %d" % (sw_mtu, mtu)))
    return items, "cluster MTU %d, %s" % (mtu, plural(len(switches), "switch", "switches"))


# ---- switches ------------------------------------------------------------------------------------------------
def switch_count(view, params, now):
    switches = view.require("switches")
    need = int(params["min_switches"])
    known = ", ".join(name_of(s) for s in switches) or "none"
    items = [item("fabric", "%s known: %s" % (plural(len(switches), "switch", "switches"), known))] if len(switches) < need else []
    return items, plural(len(switches), "switch", "switches")


def switch_fw_mismatch(view, params, now):
    switches = view.require("switches")
    groups = {}
    for sw in switches:
        key = str(sw.get("pair_id") or "") or "all"
        groups.setdefault(key, []).append(sw)
    items = []
    for key, members in sorted(groups.items()):
        versions = sorted(set(str(s.get("fw_version") or "?") for s in members))
        if len(versions) > 1:
            label = "pair %s" % key if key != "all" else "switches"
            items.append(item(label, "; ".join("%s %s" % (name_of(s), s.get("fw_version") or "?") for s in members)))
    return items, plural(len(groups), "switch group")


def switch_state(view, params, now):
    switches = view.require("switches")
    items = [item(name_of(s), "state %s" % (s.get("state") or "not reported")) for s in switches
             if _upper(s.get("state")) not in ("OK", "ACTIVE", "HEALTHY")]
    return items, plural(len(switches), "switch", "switches")


# ---- security ------------------------------------------------------------------------------------------------
def encryption_off(view, params, now):
    cluster = view.require_one("clusters")
    if "enable_encryption" not in cluster:
        raise DataUnavailable("clusters", "the cluster record does not report encryption")
    on = bool(cluster.get("enable_encryption"))
    return ([] if on else [item(name_of(cluster), "encryption at rest disabled")]), \
        ("encryption on (%s)" % (cluster.get("encryption_type") or "?")) if on else "encryption off"


def _version_tuple(text):
    out = []
    for part in str(text).replace("TLSv", "").replace("TLS", "").strip().split("."):
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out)


def tls_minimum(view, params, now):
    vms = view.require_one("vms")
    value = vms.get("min_tls_version")
    if value in (None, ""):
        raise DataUnavailable("vms", "VMS does not report its minimum TLS version")
    need = str(params["min_tls_version"])
    items = [item("VMS", "minimum TLS %s (expected %s or later)" % (value, need))] \
        if _version_tuple(value) < _version_tuple(need) else []
    return items, "minimum TLS %s" % value


def _active_tokens(tokens, now):
    out = []
    for tok in tokens:
        if tok.get("revoked"):
            continue
        expires = parse_time(tok.get("expiry_date"))
        if expires is not None and expires <= now:
            continue
        out.append(tok)
    return out


def apitokens_no_expiry(view, params, now):
    tokens = _active_tokens(view.require("apitokens"), now)
    items = [item(tok.get("name") or "token", "owner %s, no expiry date" % (tok.get("owner") or "?"))
             for tok in tokens if not tok.get("expiry_date")]
    return items, plural(len(tokens), "active token")


def apitokens_near_limit(view, params, now):
    tokens = _active_tokens(view.require("apitokens"), now)
    vms = view.require_one("vms")
    limit = _int(vms.get("max_api_tokens_per_user")) or 5
    margin = int(params["apitoken_limit_margin"])
    per_owner = {}
    for tok in tokens:
        per_owner[tok.get("owner") or "?"] = per_owner.get(tok.get("owner") or "?", 0) + 1
    items = [item(owner, "%d of %d API tokens in use" % (count, limit))
             for owner, count in sorted(per_owner.items()) if count >= limit - margin]
    return items, "limit %d per user, at most %d used" % (limit, max(per_owner.values() or [0]))


def certificate_expiry(view, params, now):
    certs = view.require("certificates")
    days = float(params["certificate_warning_days"])
    items, soonest = [], None
    read = {"certificate": 0, "ca_certificate": 0}
    for cert in certs:
        for field, label in (("certificate", ""), ("ca_certificate", " (its CA)")):
            expires = certificate_not_after(cert.get(field))
            if expires is None:
                continue
            read[field] += 1
            left = days_between(expires, now)
            soonest = left if soonest is None else min(soonest, left)
            if left < 0:
                items.append(item(name_of(cert) + label, "expired on %s" % iso(expires)[:10]))
            elif left < days:
                items.append(item(name_of(cert) + label, "expires on %s (in %s)" % (iso(expires)[:10], plural(int(left), "day"))))
    if certs and not read["certificate"] + read["ca_certificate"]:
        raise DataUnavailable("certificates", "no certificate could be read (no PEM in the records)")
    if not certs:
        return items, "none installed"
    # The rule reads each certificate and the CA that signed it: count them apart, as the report's table lists
    # the certificates only.
    what = plural(read["certificate"], "certificate")
    if read["ca_certificate"]:
        what += " (and their %s)" % plural(read["ca_certificate"], "CA certificate")
    return items, "%s, earliest expiry in %s" % (what, plural(int(soonest), "day"))


def ad_not_joined(view, params, now):
    ads = view.require("activedirectory")
    items = [item(name_of(ad), "state %s" % (ad.get("state") or "not reported")) for ad in ads
             if ad.get("enabled", True) and _upper(ad.get("state")) != "JOINED"]
    return items, plural(len(ads), "domain") if ads else "not configured"


def ldap_not_connected(view, params, now):
    ldaps = view.require("ldaps")
    items = [item(name_of(ld), "state %s" % (ld.get("state") or "not reported")) for ld in ldaps
             if _upper(ld.get("state")) != "CONNECTED"]
    return items, plural(len(ldaps), "LDAP configuration") if ldaps else "not configured"


# ---- data protection -----------------------------------------------------------------------------------------
def _norm(path):
    path = "/" + str(path or "").strip("/")
    return path


def views_unprotected(view, params, now):
    views, paths = view.require("views", "protectedpaths")
    protected = set(_norm(p.get("source_dir")) for p in paths if p.get("enabled", True) and p.get("source_dir"))
    items = []
    for v in views:
        path = _norm(v.get("path"))
        probe = path
        covered = False
        while True:
            if probe in protected:
                covered = True
                break
            if probe == "/":
                break
            probe = probe.rsplit("/", 1)[0] or "/"
        if not covered:
            items.append(item(path, "view %s (%s) under no protected path" % (name_of(v), ", ".join(
                v.get("protocols") or []) or "no protocol")))
    return items, "%s, %s" % (plural(len(views), "view"), plural(len(protected), "protected path"))


def replication_peers(view, params, now):
    peers = view.require("nativereplicationremotetargets")
    items = []
    for peer in peers:
        state, health = _upper(peer.get("state")), _upper(peer.get("health"))
        if state != "CONNECTED" or health not in ("", "HEALTHY", "OK"):
            why = peer.get("state_description") or ""
            items.append(item(name_of(peer), "state %s, health %s%s" % (
                peer.get("state") or "not reported", peer.get("health") or "not reported", (" (%s)" % why) if why else "")))
    return items, plural(len(peers), "peer") if peers else "no replication peer"


def replication_lag(view, params, now):
    paths = view.require("protectedpaths")
    hours = float(params["replication_lag_hours"])
    items, remote = [], 0
    for pp in paths:
        if pp.get("is_local", True) or pp.get("enabled") is False:
            continue
        remote += 1
        last = parse_time(pp.get("last_restore_point_time"))
        if last is None:
            items.append(item(name_of(pp), "no restore point yet"))
            continue
        age = (now - last).total_seconds()
        if age > hours * 3600.0:
            items.append(item(name_of(pp), "last restore point %s (%s)" % (time_text(last), age_text(age))))
    return items, plural(remote, "replicated path")


def s3_targets(view, params, now):
    targets = view.require("replicationtargets")
    items = [item(name_of(t), "state %s%s" % (t.get("state") or "not reported", (" (%s)" % t["state_description"])
                                              if t.get("state_description") else ""))
             for t in targets if _upper(t.get("state")) not in ("ACTIVE", "OK", "HEALTHY")]
    return items, plural(len(targets), "target") if targets else "no S3 target"


# ---- monitoring ----------------------------------------------------------------------------------------------
def _alarms(view, severity):
    """One item per object with open alarms of *severity* (an object with two alarms is one object, two alarms)."""
    alarms = view.require("alarms")
    hits = [a for a in alarms if _upper(a.get("severity")) == severity]
    per_object = {}
    for a in hits:
        obj = a.get("object_name") or a.get("object_type") or "cluster"
        per_object.setdefault(obj, []).append("%s%s" % (a.get("alarm_message") or a.get("event_name") or "alarm",
                                                        " (acknowledged)" if a.get("acknowledged") else ""))
    items = []
    for obj in sorted(per_object):
        messages = per_object[obj]
        detail = messages[0] if len(messages) == 1 else "%d alarms: %s" % (len(messages), "; ".join(messages))
        items.append(item(obj, detail))
    return items, "%s, %d %s on %s" % (plural(len(alarms), "alarm"), len(hits), severity.lower(),
                                       plural(len(per_object), "object"))


def alarms_critical(view, params, now):
    return _alarms(view, "CRITICAL")


def alarms_major(view, params, now):
    return _alarms(view, "MAJOR")


def callhome_disabled(view, params, now):
    configs = view.require("callhomeconfigs")
    if not configs:
        return [item("call-home", "not configured")], "not configured"
    cfg = configs[0]
    on = [k for k in ("log_enabled", "bundle_enabled", "cloud_enabled") if cfg.get(k)]
    return ([] if on else [item("call-home", "logs, bundles and cloud upload all disabled")]), \
        ("enabled: %s" % ", ".join(k.replace("_enabled", "") for k in on)) if on else "disabled"


def alert_routing(view, params, now):
    configs = view.require("eventdefinitionconfigs")
    cfg = configs[0] if configs else {}
    syslog = _listed(cfg.get("syslog_host"))
    mail = _listed(cfg.get("email_recipients"))
    items = [] if (syslog or mail) else [item("notifications", "no syslog host and no e-mail recipient")]
    return items, "syslog: %s; e-mail: %s" % (", ".join(syslog) or "none", plural(len(mail), "recipient"))
