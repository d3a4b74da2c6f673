"""Switches and their ports (cabled to real node NICs), VIP pools and VIPs, the VAST DNS server and the
cluster-wide ``network_settings`` (resolvers, NTP, management VIPs, MTUs, per-host install info).

Cabling: each node has two internal NIC ports, port 0 to leaf "a" and port 1 to leaf "b" of the leaf pair that
serves its rack. Leaf pairs are joined by two IPL ports; with spines, every leaf has one uplink per spine.
Ports carry ``connected_host``/``connected_port`` (a simulator extension: the real API is not known to expose
cabling; a collector must treat them as optional).
"""
import ipaddress

from .context import PROJECT_WORDS

RESOLVERS = ["192.0.2.53", "192.0.2.54"]
NTP_SERVERS = ["192.0.2.123", "192.0.2.124"]
MTU = 9216
# Client-facing VIP ranges: the documentation networks first, then private space for big clusters.
VIP_BLOCKS = [("198.51.100.10", 240), ("203.0.113.10", 180)] + [("172.%d.0.10" % (20 + k), 4000) for k in range(8)]


def build(ctx):
    _switches(ctx)
    _vippools(ctx)
    _dns(ctx)
    _network_settings(ctx)
    ctx.add("bgpconfigs", [])
    ctx.add("subnetmanager", [])


def _switch(ctx, ident, name, model, pair_id, peer, rack):
    rng = ctx.rng
    return ctx.new("Switch", **ctx.common("switches", ident, name), hostname=name, display_name=name, model=model,
                   sn="MT%dX%s" % (rng.randint(2000, 2599), ctx.digits(5)), fw_version=ctx.switch_fw,
                   switch_type="cumulus", mgmt_ip=ctx.mgmt(30, 10 + ident), ip=ctx.mgmt(30, 10 + ident),
                   ipv6="", mgmt_gateway=ctx.mgmt(255, 254), mgmt_subnet=16, state="OK", role="",
                   configured=True, install=False, mtu=MTU, pair_id=pair_id, peer_switch=peer, switch_id=ident,
                   configuration_file="", username="", **ctx.cluster_ref(string_id=True))


def _switches(ctx):
    s, rng = ctx.scale, ctx.rng
    ctx.switch_fw = rng.choice(("5.9.1", "5.10.0", "5.11.1"))
    switches, leaves = [], []
    for p in range(s.leaf_pairs):
        a = "%s-sw%02da" % (ctx.prefix, p + 1)
        b = "%s-sw%02db" % (ctx.prefix, p + 1)
        sa = _switch(ctx, len(switches) + 1, a, "MSN3700-VS2FC", str(p + 1), b, p)
        sb = _switch(ctx, len(switches) + 2, b, "MSN3700-VS2FC", str(p + 1), a, p)
        switches += [sa, sb]
        leaves.append((sa, sb))
    spines = []
    for k in range(s.spines):
        name = "%s-spine%02d" % (ctx.prefix, k + 1)
        peer = "%s-spine%02d" % (ctx.prefix, 2 - k) if s.spines == 2 else ""
        sp = _switch(ctx, len(switches) + 1, name, "MSN4600-VS2FC", "spine", peer, 0)
        switches.append(sp)
        spines.append(sp)
    ctx.add("switches", switches)
    ctx.leaf_pairs = leaves

    ports_by_switch = {sw["id"]: {} for sw in switches}

    def connect(sw, number, role, host, port, speed="200G"):
        if number in ports_by_switch[sw["id"]]:
            raise ValueError("port collision on %s swp%d" % (sw["name"], number))
        ports_by_switch[sw["id"]][number] = (role, host, port, speed)

    # nodes -> leaf pair of their rack
    nodes = [("cnode", c) for c in ctx.data["cnodes"]] + [("dnode", d) for d in ctx.data["dnodes"]]
    box_rack = {}
    for kind in ("cboxes", "dboxes", "eboxes"):
        for box in ctx.data[kind]:
            box_rack[(kind[:-2], box["id"])] = box["rack_id"]
    next_port = [1] * len(leaves)
    for kind, node in nodes:
        box_kind = "ebox" if ctx.cfg.ebox else ("cbox" if kind == "cnode" else "dbox")
        pair = (box_rack[(box_kind, node["box_id"])] - 1) % len(leaves)
        number = next_port[pair]
        next_port[pair] += 1
        nics = ctx.node_nics[(kind, node["id"])]
        for side in (0, 1):
            connect(leaves[pair][side], number, "host", node["hostname"], nics[side]["name"])
    last = s.leaf_ports
    for sa, sb in leaves:
        for n in (last - 1, last):
            connect(sa, n, "ipl", sb["hostname"], "swp%d" % n, "400G")
            connect(sb, n, "ipl", sa["hostname"], "swp%d" % n, "400G")
    for k, sp in enumerate(spines):
        for li, (sa, sb) in enumerate(leaves):
            for side, leaf in enumerate((sa, sb)):
                leaf_port = last - 2 - k
                spine_port = 2 * li + side + 1
                connect(leaf, leaf_port, "uplink", sp["hostname"], "swp%d" % spine_port, "400G")
                connect(sp, spine_port, "uplink", leaf["hostname"], "swp%d" % leaf_port, "400G")
    for n, used in enumerate(next_port):
        if used - 1 > last - 2 - len(spines):
            raise ValueError("leaf pair %d has too few ports" % (n + 1))

    mixed = ctx.cfg.quirks.get("mixed_case_port_states")
    ports = []
    for sw in switches:
        count = 32 if sw in spines else s.leaf_ports
        for n in range(1, count + 1):
            role, host, port, speed = ports_by_switch[sw["id"]].get(n, ("", "", "", ""))
            up = bool(role)
            state = ("up" if up else "down") if mixed else ("ACTIVE" if up else "INACTIVE")
            name = "swp%d" % n
            ports.append(ctx.new("Port", **ctx.common("ports", len(ports) + 1, name,
                                                     title="%s %s" % (sw["hostname"], name)),
                                 display_name=name, switch="%s (%s)" % (sw["hostname"], sw["sn"]), state=state,
                                 speed=speed, mtu=str(MTU) if up else "0", model=role, sn=sw["sn"],
                                 fw_version=sw["fw_version"], connected_host=host, connected_port=port,
                                 **ctx.cluster_ref()))
    ctx.add("ports", ports)


class _VipAllocator:
    def __init__(self):
        self.block = 0
        self.used = 0

    def take(self, count):
        while True:
            start, size = VIP_BLOCKS[self.block]
            if self.used + count <= size:
                first = ipaddress.IPv4Address(start) + self.used
                self.used += count
                return [str(first + i) for i in range(count)]
            self.block += 1
            self.used = 0


def _vippools(ctx):
    s, rng = ctx.scale, ctx.rng
    cnodes = ctx.data["cnodes"]
    tenants = ctx.tenant_names  # id -> name (core tenants exist before pools)
    alloc = _VipAllocator()
    pools, vips = [], []
    for p in range(s.vippools):
        ident = p + 1
        if p == 0:
            role, members, all_nodes = "PROTOCOLS", cnodes, True
        elif p == 1 and s.replication_peers:
            role, members, all_nodes = "REPLICATION", cnodes[: max(2, len(cnodes) // 4)], False
        else:
            role, all_nodes = "PROTOCOLS", False
            half = max(2, len(cnodes) // 2)
            start = (p * 3) % max(1, len(cnodes) - half + 1)
            members = cnodes[start:start + half]
        per_node = 2 if role == "PROTOCOLS" else 1
        count = min(len(members) * per_node, 64)
        ips = alloc.take(count)
        tenant_id = 1 if (p < 2 or len(tenants) < 2) else 2 + (p - 2) % (len(tenants) - 1)
        word = PROJECT_WORDS[p % len(PROJECT_WORDS)]
        name = ("protocols-%s" % word) if role == "PROTOCOLS" else "replication-pool"
        active = [members[i % len(members)]["id"] for i in range(count)]
        rec = ctx.new("VIPPool", **ctx.common("vippools", ident, name, title="%s - %s" % (ips[0], ips[-1])),
                      start_ip=ips[0], end_ip=ips[-1], ip_ranges=[[ips[0], ips[-1]]],
                      ranges_summary=_summary(ips), subnet_cidr=24 if ips[0].startswith(("198.", "203.")) else 16,
                      subnet_cidr_ipv6=None, gw_ip="", gw_ipv6="", vlan=0, role=role, port_membership="ALL",
                      enabled=True, active_interfaces=count,
                      cnode_ids=[] if all_nodes else [c["id"] for c in members],
                      active_cnode_ids=sorted(set(active)),
                      cnodes=[] if all_nodes else [c["name"] for c in members], tenant_id=tenant_id,
                      tenant_name=tenants[tenant_id], domain_name="pool-%s" % word, vms_preferred=False,
                      enable_l3=False, vast_asn=0, peer_asn=0, bgp_config_id=None, bgp_config_guid=None,
                      bgp_config_name=None, enable_weighted_balancing=False, kafka_view_id=None, state="",
                      **ctx.cluster_ref(), **ctx.sync())
        if ctx.release.oas55:
            rec.update(client_monitoring_ips=[], vip_allocation="BALANCED")
        pools.append(rec)
        for i, ip in enumerate(ips):
            node = members[i % len(members)]
            vips.append(ctx.new("VIP", **ctx.common("vips", len(vips) + 1, "%s-%d" % (name, i + 1), title=ip),
                                ip=ip, vippool=name, cnode=node["name"], hostname=node["hostname"],
                                cluster=ctx.cluster_name))
        for node in members:
            for nic in ctx.node_nics[("cnode", node["id"])]:
                nic["vippool_ids"] = nic["vippool_ids"] + [ident]
    ctx.add("vippools", pools)
    ctx.add("vips", vips)


def _summary(ips):
    head = ips[0].rsplit(".", 1)[0]
    if ips[-1].startswith(head + "."):
        return "%s.[%s-%s]" % (head, ips[0].rsplit(".", 1)[1], ips[-1].rsplit(".", 1)[1])
    return "%s-%s" % (ips[0], ips[-1])


def _dns(ctx):
    ctx.add("dns", [ctx.new("DNS", **ctx.common("dns", 1, "vast-dns"), vip=ctx.mgmt(30, 53), vip_subnet_cidr=16,
                            vip_gateway=ctx.mgmt(255, 254), vip_vlan=0, vip_ipv6="", vip_ipv6_gateway="",
                            domain_suffix=ctx.domain, ttl=60, enabled=True, net_type="NORTHBOUND", cnode_ids=[],
                            cnodes=[], enable_l3=False, bgp_config_id=None, invalid_name_response="NXDOMAIN",
                            invalid_type_response="NODATA", **ctx.sync())])


def _network_settings(ctx):
    boxes = []
    kinds = ("eboxes",) if ctx.cfg.ebox else ("cboxes", "dboxes")
    for kind in kinds:
        for box in ctx.data[kind]:
            hosts = []
            for node_kind, key in (("cnode", "cnodes"), ("dnode", "dnodes")):
                for node in ctx.data[key]:
                    if node.get("box_id") != box["id"] or node.get("box_type") != kind[:-2]:
                        continue
                    hosts.append({"id": ctx.node_host[(node_kind, node["id"])], "hostname": node["hostname"],
                                  "mgmt_ip": node["mgmt_ip"], "ipmi_ip": node["ipmi_ip"], "nb_eth_mtu": MTU,
                                  "nb_ib_mtu": 2044, "vast_install_info": ctx.install_info[(node_kind, node["id"])]})
            boxes.append({"box_name": box["name"], "hosts": hosts})
    ctx.singletons["network_settings"] = {
        "management_vips": [ctx.mgmt_vip], "external_gateways": [ctx.mgmt(255, 254)],
        "dns": list(RESOLVERS), "ntp": list(NTP_SERVERS), "ext_netmask": "255.255.0.0",
        "auto_ports_ext_iface": "outband", "b2b_ipmi": False, "eth_mtu": MTU, "ib_mtu": 2044,
        "ipmi_gateway": ctx.mgmt(255, 254), "ipmi_netmask": "255.255.0.0", "boxes": boxes,
    }
