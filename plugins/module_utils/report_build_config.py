# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report sections: network, switches, logical configuration (see report_model.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import human_bytes, plural, text
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import (
    badge, heading, kind_label, kv, missing_card, missing_chart, missing_word, natural_key, note, yes_no,
)


def _ranges(pool):
    ranges = pool.get("ip_ranges") or []
    out = ["%s - %s" % (r[0], r[1]) if isinstance(r, (list, tuple)) and len(r) == 2 else text(r) for r in ranges]
    return ", ".join(out) or pool.get("ranges_summary") or "-"


def _counter(records, key):
    out = {}
    for rec in records:
        value = rec.get(key)
        for v in (value if isinstance(value, list) else [value]):
            out[text(v)] = out.get(text(v), 0) + 1
    return out


# ---- network -------------------------------------------------------------------------------------------------
def network(b, sec):
    view = b.view
    settings = view.first("network_settings")
    blocks = sec["blocks"]
    if settings is None and view.records("vippools") is None:
        sec["status"], sec["note"] = "unavailable", "The network settings %s." % view.reason("network_settings")
        return
    if settings is not None:
        blocks.append(kv([
            ("Management VIPs", settings.get("management_vips")), ("DNS resolvers", settings.get("dns")),
            ("NTP servers", settings.get("ntp")), ("External gateways", settings.get("external_gateways")),
            ("External netmask", settings.get("ext_netmask")), ("Ethernet MTU", settings.get("eth_mtu")),
            ("InfiniBand MTU", settings.get("ib_mtu")), ("External interface", settings.get("auto_ports_ext_iface")),
            ("IPMI gateway / netmask", "%s / %s" % (text(settings.get("ipmi_gateway")), text(settings.get("ipmi_netmask")))),
            ("Back-to-back IPMI", yes_no(settings.get("b2b_ipmi")))], "Cluster network settings"))
    else:
        blocks.append(b.missing("network_settings", "Cluster network settings"))
    vips = view.records("vips")
    per_pool = {}
    for vip in vips or []:
        per_pool.setdefault(vip.get("vippool"), []).append(vip)

    unknown_vips = missing_word(view, "vips")          # the VIPs and CNodes columns say why they have no counts

    def pool_row(p):
        mine = per_pool.get(p.get("name"), [])
        cnodes = sorted(set(v.get("cnode") for v in mine if v.get("cnode")), key=natural_key)
        return [p.get("name"), p.get("role"), _ranges(p), "/%s" % p.get("subnet_cidr") if p.get("subnet_cidr") else "-",
                p.get("vlan") or "-", p.get("tenant_name"), p.get("domain_name"),
                len(mine) if vips is not None else unknown_vips, len(cnodes) if vips is not None else unknown_vips,
                yes_no(p.get("enabled"), good=True)]
    blocks += b.table("vippools", "VIP pools", ["Pool", "Role", "IP ranges", "Subnet", "VLAN", "Tenant", "DNS name",
                                                "VIPs", "CNodes", "Enabled"], pool_row, numeric=[7, 8],
                      empty="No VIP pool is configured: clients have no address to mount.")
    if b.level >= 2:
        dns = view.records("dns")
        if dns is None:
            blocks.append(b.missing("dns", "Built-in DNS server"))
        elif dns:
            d = dns[0]
            blocks.append(kv([("Enabled", yes_no(d.get("enabled"))), ("Domain suffix", d.get("domain_suffix")),
                              ("Listening VIP", d.get("vip")), ("TTL (s)", d.get("ttl")),
                              ("Network", d.get("net_type"))], "Built-in DNS server (delegated zone)"))
        blocks += b.table("bgpconfigs", "BGP (layer-3 VIPs)", ["Name", "Self ASN", "External ASN", "BFD", "VLAN"],
                          lambda r: [r.get("name"), r.get("self_asn"), r.get("external_asn"),
                                     yes_no(r.get("bfd_enabled")), r.get("vlan")],
                          empty="Not used: VIPs are announced at layer 2.")
        hosts = []
        for box in (settings or {}).get("boxes") or []:
            for host in box.get("hosts") or []:
                hosts.append((box.get("box_name"), host))
        if hosts:
            hosts.sort(key=lambda bh: natural_key(bh[1].get("hostname")))
            blocks.append(b.capped("node_addresses", "Node addresses",
                                   ["Hostname", "Box", "Type", "Management IP", "IPMI IP", "MTU"],
                                   [[h.get("hostname"), box, kind_label((h.get("vast_install_info") or {}).get("node_type")),
                                     h.get("mgmt_ip"), h.get("ipmi_ip"), h.get("nb_eth_mtu")] for box, h in hosts]))
    if b.level >= 3:
        blocks += b.table("vips", "VIPs", ["VIP", "Pool", "CNode", "Host"],
                          lambda v: [v.get("ip"), v.get("vippool"), v.get("cnode"), v.get("hostname")],
                          sort=lambda v: (natural_key(v.get("vippool")), natural_key(v.get("ip"))), csv="vips.csv")
        blocks += b.table("nics", "NICs", ["NIC", "Host", "Model", "Link", "Rate", "MTU", "Firmware", "Serial"],
                          lambda n: [n.get("name"), n.get("hostname") or n.get("host"), n.get("model"),
                                     badge(n.get("link_state") or n.get("state")), n.get("rate"), n.get("mtu"),
                                     n.get("fw_version"), n.get("serial_number")],
                          sort=lambda n: (natural_key(n.get("hostname")), natural_key(n.get("name"))))
    elif vips is not None and "vips.csv" in b.csv_written:
        blocks.append(note("%s listed in vips.csv." % ("The VIP is" if len(vips) == 1 else "The %d VIPs are" % len(vips))))


# ---- switches ------------------------------------------------------------------------------------------------
def switches(b, sec):
    view = b.view
    recs = view.records("switches")
    if recs is None:
        sec["status"], sec["note"] = "unavailable", "The switches %s." % view.reason("switches")
        return
    if not recs:
        sec["status"], sec["note"] = "empty", "The cluster knows no switch (switches are not registered in VMS)."
        return
    blocks = sec["blocks"]
    blocks += b.table("switches", "Switches", ["Switch", "Model", "Type", "Firmware", "Management IP", "State", "MTU",
                                               "Pair", "Peer", "Serial"],
                      lambda s: [s.get("name"), s.get("model"), s.get("switch_type"), s.get("fw_version"),
                                 s.get("mgmt_ip") or s.get("ip"), badge(s.get("state")), s.get("mtu"),
                                 s.get("pair_id"), s.get("peer_switch"), s.get("serial_number")])
    if b.level < 2:
        return
    ports = view.records("ports")
    if ports is None:
        blocks.append(b.missing("ports", "Switch ports"))
        return
    switch_names = set()
    for s in recs:
        switch_names.update(text(s.get(k)) for k in ("name", "hostname", "title") if s.get(k))
    summary = {}
    for port in ports:
        sw = _switch_of(port)
        s = summary.setdefault(sw, {"ports": 0, "up": 0, "speeds": {}, "nodes": 0, "peer": 0, "unused": 0})
        s["ports"] += 1
        kind = port_kind(port, switch_names)
        if str(port.get("state") or "").upper() in ("UP", "ACTIVE"):
            s["up"] += 1
        s[{"node": "nodes", "peer": "peer", "unused": "unused"}[kind]] += 1
        if kind != "unused" and port.get("speed") not in (None, ""):
            s["speeds"][text(port.get("speed"))] = s["speeds"].get(text(port.get("speed")), 0) + 1
    blocks.append({"type": "table", "title": "Ports per switch", "total": len(summary), "csv": None,
                   "numeric": [1, 2, 3, 4, 5],
                   "columns": ["Switch", "Ports", "Up", "To nodes", "Inter-switch (IPL)", "Unused", "Speeds in use"],
                   "rows": [[sw, s["ports"], s["up"], s["nodes"], s["peer"], s["unused"],
                             ", ".join("%d x %s" % (v, k) for k, v in sorted(s["speeds"].items(), key=lambda kv_: (
                                 -kv_[1], natural_key(kv_[0])))) or "-"]
                            for sw, s in sorted(summary.items(), key=lambda kv_: natural_key(kv_[0]))]})

    def port_row(p):
        kind = port_kind(p, switch_names)
        if kind == "unused":
            return [_switch_of(p), p.get("name"), badge("unused", "muted"), badge("no link", "muted"), "-", "-", "-", "-"]
        return [_switch_of(p), p.get("name"), "inter-switch (IPL)" if kind == "peer" else "node",
                badge(p.get("state")), p.get("speed") or "-", p.get("mtu") if str(p.get("mtu") or "0") != "0" else "-",
                p.get("connected_host"), p.get("connected_port")]
    order = {"node": 0, "peer": 1, "unused": 2}
    blocks += b.table("ports", "Switch ports", ["Switch", "Port", "Role", "State", "Speed", "MTU", "Connected to",
                                                "Remote port"], port_row,
                      where=None if b.level >= 3 else (lambda p: port_kind(p, switch_names) != "unused"),
                      sort=lambda p: (order[port_kind(p, switch_names)], natural_key(p.get("switch")),
                                      natural_key(p.get("name"))), csv="switch_ports.csv",
                      empty="No port of these switches is connected.")
    unused = [p for p in ports if port_kind(p, switch_names) == "unused"]
    if unused and b.level < 3:
        per_switch = {}
        for p in unused:
            per_switch.setdefault(_switch_of(p), []).append(p.get("name"))
        blocks.append(note("%s not connected (no link, not listed above): %s. Every port is in switch_ports.csv." % (
            "1 port is" if len(unused) == 1 else "%d ports are" % len(unused),
            "; ".join("%s %s" % (sw, compact_names(names))
                      for sw, names in sorted(per_switch.items(), key=lambda kv_: natural_key(kv_[0]))))))


def _switch_of(port):
    return text(port.get("switch")).split(" ", 1)[0]


def port_kind(port, switch_names=()):
    """``node`` (cabled to a CNode, DNode or EBox), ``peer`` (the IPL/MLAG link to the other switch of the pair,
    by role or because its far end is a switch) or ``unused`` (nothing connected)."""
    role = text(port.get("model") or port.get("role")).lower()
    host = port.get("connected_host")
    if role in ("ipl", "peer", "mlag", "isl", "peerlink", "peer-link") or (host and text(host) in switch_names):
        return "peer"
    if host:
        return "node"
    return "unused"


def compact_names(names):
    """"swp5-swp30, swp33" from port names that share a prefix and count up."""
    parsed = []
    for name in names:
        name = text(name)
        head = name.rstrip("0123456789")
        tail = name[len(head):]
        parsed.append((head, int(tail) if tail else None, name))
    parsed.sort(key=lambda p: (p[0], -1 if p[1] is None else p[1]))
    out, run = [], []

    def flush():
        if run:
            out.append(run[0][2] if len(run) == 1 else "%s-%s" % (run[0][2], run[-1][2]))
    for item in parsed:
        if run and item[1] is not None and run[-1][0] == item[0] and run[-1][1] is not None and item[1] == run[-1][1] + 1:
            run.append(item)
            continue
        flush()
        run = [item]
    flush()
    return ", ".join(out)


# ---- logical -------------------------------------------------------------------------------------------------
def logical(b, sec):
    view = b.view
    views, tenants, policies = view.records("views"), view.records("tenants"), view.records("viewpolicies")
    if views is None and tenants is None:
        sec["status"], sec["note"] = "unavailable", "The logical configuration %s." % view.reason("views")
        return
    blocks = sec["blocks"]
    cards = []
    for name, label in (("tenants", "Tenants"), ("views", "Views"), ("viewpolicies", "View policies"),
                        ("quotas", "Quotas"), ("s3policies", "S3 policies"), ("qospolicies", "QoS policies")):
        if view.records(name) is not None:
            cards.append({"label": label, "value": str(len(view.records(name))), "sub": "", "tone": "info"})
        elif view.state(name)[0] != "unavailable":         # says why in place unless this release lacks it
            cards.append(missing_card(view, label, [name]))
    blocks.append({"type": "cards", "cards": cards})
    if views is None:
        blocks += missing_chart(view, "views", "Views by protocol")
    else:
        protocols = _counter(views, "protocols")
        if protocols:
            blocks.append({"type": "bars", "title": "Views by protocol", "columns": ["Protocol", "Views"],
                           "items": [[k, v / float(max(protocols.values())), plural(v, "view")]
                                     for k, v in sorted(protocols.items(), key=lambda kv_: -kv_[1])]})
            if sum(protocols.values()) > len(views):
                # the bars add up to more than the views: say why, or the reader suspects a miscount
                blocks.append(note("A view can serve several protocols, so the bars add up to more than the %s."
                                   % plural(len(views), "view")))
        else:
            blocks.append(note("No view is defined."))
    per_tenant_views = _counter(views or [], "tenant_name")
    unknown_views = missing_word(view, "views")       # the Views column says why it has no counts

    def tenant_row(t):
        providers = [p for p in (t.get("ad_title") and "AD %s" % t["ad_title"], t.get("ldap_title") and
                                 "LDAP %s" % t["ldap_title"], t.get("nis_title") and "NIS %s" % t["nis_title"]) if p]
        return [t.get("name"), ", ".join(providers) or "local only", t.get("posix_primary_provider"),
                t.get("vippool_names") or "-", per_tenant_views.get(text(t.get("name")), 0) if views is not None else
                unknown_views,
                yes_no(t.get("smb_allowed")), t.get("encryption_group") or "-"]
    blocks += b.table("tenants", "Tenants", ["Tenant", "Identity providers", "POSIX primary", "VIP pools", "Views",
                                             "SMB", "Encryption group"], tenant_row, numeric=[4],
                      sort=lambda t: (t.get("id") != 1, natural_key(t.get("name"))))
    if b.level < 2:
        if views is not None and "views.csv" in b.csv_written:
            blocks.append(note("%s listed in views.csv." % ("The view is" if len(views) == 1 else "The %d views are" % len(views))))
        return
    blocks += b.table("viewpolicies", "View policies", ["Policy", "Flavor", "Tenant", "Auth source", "NFS read-write",
                                                        "Root squash", "Views"],
                      lambda p: [p.get("name"), p.get("flavor"), p.get("tenant_name"), p.get("auth_source"),
                                 p.get("nfs_read_write"), p.get("nfs_root_squash"), p.get("count_views")], numeric=[6])
    blocks += b.table("views", "Views", ["Path", "Name", "Protocols", "Policy", "Tenant", "Share / bucket / alias",
                                         "QoS"],
                      lambda v: [v.get("path"), v.get("name"), v.get("protocols"), v.get("policy"), v.get("tenant_name"),
                                 v.get("share") or v.get("bucket") or v.get("alias") or "-", v.get("qos_policy") or "-"],
                      sort=lambda v: natural_key(v.get("path")), csv="views.csv")
    blocks += b.table("quotas", "Quotas", ["Path", "State", "Soft limit", "Hard limit", "Used", "Tenant"],
                      lambda q: [q.get("path"), badge(q.get("state")), human_bytes(q.get("soft_limit")),
                                 human_bytes(q.get("hard_limit")), human_bytes(q.get("used_capacity")),
                                 q.get("tenant_name")], sort=lambda q: natural_key(q.get("path")), numeric=[2, 3, 4])
    blocks += b.table("qospolicies", "QoS policies", ["Policy", "Mode", "Type", "Limit by", "Tenant"],
                      lambda q: [q.get("name"), q.get("mode"), q.get("policy_type"), q.get("limit_by"),
                                 q.get("tenant_name")])
    blocks += b.table("s3policies", "S3 policies", ["Policy", "Enabled", "Users", "Groups", "Tenant"],
                      lambda p: [p.get("name"), yes_no(p.get("enabled")), p.get("users"), p.get("groups"),
                                 p.get("tenant_name")])
    if b.level >= 3:
        blocks += b.table("userquotas", "User and group quotas", ["Name", "Path", "State", "Hard limit", "Used"],
                          lambda q: [q.get("name") or q.get("entity_identifier"), q.get("path"), badge(q.get("state")),
                                     human_bytes(q.get("hard_limit")), human_bytes(q.get("used_capacity"))])
    if not tenants and not views:
        blocks.append(heading("Nothing configured"))
        blocks.append(note("No tenant and no view is defined on this cluster."))
