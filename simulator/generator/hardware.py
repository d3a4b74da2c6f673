"""Racks, boxes (CBox/DBox or EBox), nodes, DTrays, drives, PSUs, fans, hosts, NICs and NIC ports.

Relations that hold by construction: every node's box exists; boxes sit in racks at non-overlapping units;
every drive belongs to a DBox (or EBox) and names the DNodes it is attached to; every PSU/fan names a real box;
every NIC and NIC port belongs to a real host; hosts are numbered independently of node ids (as on real
clusters, NOTES 5.1), so joins must go by hostname.
"""
import ipaddress

RACK_UNITS = 42
TOP_RESERVED = 4          # U39-U42 hold the switches
HEIGHT = {"cbox": 2, "dbox": 1, "ebox": 1}
CBOX_VENDOR = "supermicro_gen5_cbox, two dual-port NICs"
DBOX_VENDOR = "BlueField, SoC PCIe Bridge"
EBOX_VENDOR = "supermicro_gen6_ebox, two dual-port NICs"
SSDS_PER_DBOX = 22
NVRAMS_PER_DBOX = 8
SSDS_PER_EBOX = 9
NVRAMS_PER_EBOX = 2
SSD_SIZE = 15362991415296          # 15.36 TB QLC
NVRAM_SIZE = 1600321314816         # 1.6 TB SCM


def internal_ip(net, offset):
    """Internal networks 172.16.1.0/24 (ip1), 172.16.2.0/24 (ip2), 172.16.3.0/24 (ip): NOTES 5.2 addressing."""
    if not 1 <= offset <= 254:
        raise ValueError("internal address plan overflow (offset %d)" % offset)
    return "172.16.%d.%d" % (net, offset)


def node_offsets(n_cnodes, n_dnodes):
    """CNodes from .10; DNodes from .100 like the NOTES example when they fit, else right after the CNodes."""
    c = [10 + i for i in range(n_cnodes)]
    start = 100 if (n_cnodes <= 85 and n_dnodes <= 150) else 10 + n_cnodes
    return c, [start + j for j in range(n_dnodes)]


def build(ctx):
    s, rng, cfg = ctx.scale, ctx.rng, ctx.cfg
    ebox = cfg.ebox
    racks = _racks(ctx)
    # ---- box inventory and placement -------------------------------------------------------------------------
    if ebox:
        kinds = [("ebox", i) for i in range(s.eboxes)]
    else:
        kinds = [("cbox", i) for i in range(s.cboxes)] + [("dbox", i) for i in range(s.dboxes)]
    next_u = [1] * len(racks)
    placement = {}
    for kind, i in kinds:
        r = i % len(racks)
        unit = next_u[r]
        next_u[r] += HEIGHT[kind]
        if next_u[r] - 1 > RACK_UNITS - TOP_RESERVED:
            raise ValueError("rack %d overflows" % (r + 1))
        placement[(kind, i)] = (r, unit)
    ctx.rack_used_units = next_u

    n_c = s.eboxes if ebox else s.cboxes * s.cnodes_per_cbox
    n_d = s.eboxes if ebox else s.dboxes * 2
    c_off, d_off = node_offsets(n_c, n_d)

    cboxes, dboxes, eboxes, cnodes, dnodes, dtrays = [], [], [], [], [], []
    bios = {"cnode": rng.choice(("3.0c", "2.1a", "3.1")), "dnode": rng.choice(("1.4.2", "1.5.0"))}
    bmc = {"cnode": "01.%02d.%02d" % (rng.randint(0, 9), rng.randint(0, 30)),
           "dnode": "02.%02d.%02d" % (rng.randint(0, 9), rng.randint(0, 30))}
    cpld = {"cnode": "F%d" % rng.randint(1, 4), "dnode": "D%d" % rng.randint(1, 4)}
    ctx.firmware = {"bios": bios, "bmc": bmc, "cpld": cpld}

    def box_fields(kind, i, ident, name):
        r, unit = placement[(kind, i)]
        rack = racks[r]
        out = {"rack_id": rack["id"], "rack_name": rack["name"]}
        if cfg.quirks.get("rack_unit", True):
            out["index_in_rack"] = None
            out["rack_unit"] = "U%d" % unit
        else:
            out["index_in_rack"] = unit
        return out

    # ---- CBoxes + CNodes (or EBoxes + CNode/DNode pairs) ------------------------------------------------------
    cnode_id = dnode_id = 0
    if ebox:
        for i in range(s.eboxes):
            uid = "E%sX%s" % (ctx.digits(6), ctx.digits(7))
            name = "ebox-%s" % uid
            rec = ctx.new("EBox", **ctx.common("eboxes", i + 1, name), uid=uid, sn=uid, state="ACTIVE",
                          box_vendor=EBOX_VENDOR, arch_type="x86_64", drive_type="NVME", description=None,
                          subsystem=None, is_replace_possible=True, is_conclude_possible=False, led_status="OFF",
                          dtray="", **ctx.cluster_ref(), **ctx.sync())
            rec.update(box_fields("ebox", i, i + 1, name))
            eboxes.append(rec)
            cnode_id += 1
            cnodes.append(_cnode(ctx, cnode_id, c_off[i], rec, "ebox", 1, i))
            dnode_id += 1
            dnodes.append(_dnode(ctx, dnode_id, d_off[i], rec, "ebox", None, "virtual", True, i))
    else:
        for i in range(s.cboxes):
            uid = "S%sX%s" % (ctx.digits(6), ctx.digits(7))
            name = "cbox-%s" % uid
            rec = ctx.new("CBox", **ctx.common("cboxes", i + 1, name), uid=uid, state="UNKNOWN", description=None,
                          subsystem=None, **ctx.cluster_ref())
            rec.update(box_fields("cbox", i, i + 1, name))
            cboxes.append(rec)
            for j in range(s.cnodes_per_cbox):
                cnode_id += 1
                cnodes.append(_cnode(ctx, cnode_id, c_off[cnode_id - 1], rec, "cbox", j + 1, i))
        for i in range(s.dboxes):
            uid = "%d-%s" % (rng.randint(100, 999), ctx.digits(14))
            name = "dbox-%s" % uid
            rec = ctx.new("DBox", **ctx.common("dboxes", i + 1, name), uid=uid, state="ACTIVE",
                          hardware_type="ceres_v2", box_vendor=DBOX_VENDOR, arch_type="aarch64",
                          drive_type="ACTIVE_PASSIVE", description=None, subsystem=None, dtray="",
                          is_replace_possible=True, is_conclude_possible=False, is_migrate_source=False,
                          is_migrate_target=False, failure_domain="", **ctx.cluster_ref(), **ctx.sync())
            rec.update(box_fields("dbox", i, i + 1, name))
            dboxes.append(rec)
            for j, pos in enumerate(("left", "right")):
                dnode_id += 1
                tray_name = "dtray-%d-%s" % (i + 1, pos)
                dn = _dnode(ctx, dnode_id, d_off[dnode_id - 1], rec, "dbox", tray_name, pos, j == 0, i)
                dnodes.append(dn)
                tray = ctx.new("DTray", **ctx.common("dtrays", len(dtrays) + 1, tray_name), dbox=name,
                               dbox_id=rec["id"], position=pos, state="ACTIVE", enabled=True,
                               hardware_type="ceres_v2", serial_number="DT%s" % ctx.digits(10),
                               cpld_version=cpld["dnode"], mcu_state="UP", mcu_version="1.%d.%d" % (rng.randint(0, 9),
                                                                                                   rng.randint(0, 9)),
                               bmc_state="UP", bmc_fw_version=bmc["dnode"],
                               bmc_ip=ctx.mgmt(35, 10 + len(dtrays)),
                               pcie_switch_firmware_version="4.%d" % rng.randint(10, 40),
                               pcie_switch_mfg_version="B%d" % rng.randint(0, 3), led_status="OFF",
                               dnodes=[dn], cluster=ctx.cluster_name, sync="SYNCED")
                dtrays.append(tray)
    # mark the management / leader CNode
    mgmt = cnodes[min(1, len(cnodes) - 1)]
    mgmt["is_mgmt"] = True
    mgmt["is_leader"] = True
    ctx.mgmt_cnode = mgmt
    ctx.add("racks", racks)
    ctx.add("cboxes", cboxes)
    ctx.add("dboxes", dboxes)
    ctx.add("eboxes", eboxes)
    ctx.add("dtrays", dtrays)
    ctx.add("cnodes", cnodes)
    ctx.add("dnodes", dnodes)
    _drives(ctx)
    _psus_fans(ctx)
    _hosts_nics(ctx)
    _rack_pools(ctx)


def _racks(ctx):
    out = []
    for r in range(ctx.scale.racks):
        name = "rack-%02d" % (r + 1)
        out.append(ctx.new("Rack", **ctx.common("racks", r + 1, name), row="A", number_of_units=RACK_UNITS,
                           description="", total_capacity=0, available_capacity=0))
    return out


def _node_common(ctx, kind, ident, offset, rng):
    ip = internal_ip(3, offset)
    third = 31 if kind == "cnode" else 33
    return {
        "name": "%s-%s" % (kind, ip.split(".", 2)[2].replace(".", "-")),
        "ip": ip, "ip1": internal_ip(1, offset), "ip2": internal_ip(2, offset),
        "mgmt_ip": ctx.mgmt(third, offset), "ipmi_ip": ctx.mgmt(third + 1, offset),
        "state": "ACTIVE", "enabled": True, "build": ctx.build, "os_version": ctx.os_version[kind],
        "bios_version": ctx.firmware["bios"][kind], "bmc_fw_version": ctx.firmware["bmc"][kind],
        "cpld": ctx.firmware["cpld"][kind], "bmc_state": "UP", "bmc_state_reason": "", "led_status": "OFF",
        "index_in_rack": None,
    }


def _cnode(ctx, ident, offset, box, box_type, slot, box_index):
    rng = ctx.rng
    base = _node_common(ctx, "cnode", ident, offset, rng)
    name = base.pop("name")
    hostname = "%s-%s%d-cn-%d" % (ctx.prefix, "eb" if box_type == "ebox" else "cb", box_index + 1, slot)
    rec = ctx.new("CNode", **ctx.common("cnodes", ident, name), **base, hostname=hostname, display_name=name,
                  display_state="ACTIVE", sn=box["uid"] if box_type == "ebox" else "S%sX%s" % (ctx.digits(6),
                                                                                             ctx.digits(7)),
                  box_vendor=EBOX_VENDOR if box_type == "ebox" else CBOX_VENDOR, cores=rng.choice((32, 48)),
                  position="left" if slot % 2 else "right", vms_preferred=False, turbo_boost=False, is_mgmt=False,
                  data_rdma_port=4000, data_tcp_port=4001, platform_rdma_port=4100, platform_tcp_port=4101,
                  **ctx.cluster_ref(), **ctx.sync())
    if box_type == "ebox":
        rec.update(cbox=None, cbox_id=None, box_id=box["id"], box_type="ebox", ebox_id=box["id"], ebox=box["name"])
    else:
        rec.update(cbox=box["name"], cbox_id=box["id"], box_id=box["id"], box_type="cbox", ebox_id=None)
    rec["is_leader"] = False
    return rec


def _dnode(ctx, ident, offset, box, box_type, tray, position, primary, box_index):
    base = _node_common(ctx, "dnode", ident, offset, ctx.rng)
    name = base.pop("name")
    hostname = "%s-%s%d-dn-%d" % (ctx.prefix, "eb" if box_type == "ebox" else "db", box_index + 1,
                                  1 if primary else 2)
    rec = ctx.new("DNode", **ctx.common("dnodes", ident, name), **base, hostname=hostname, display_name=name,
                  sn="C%d-%s" % (ctx.rng.randint(10, 19), ctx.digits(14)), position=position, is_primary=primary,
                  arch_type="x86_64" if box_type == "ebox" else "aarch64", data_rdma_port=4000,
                  data_tcp_port=4001, platform_rdma_port=4100, platform_tcp_port=4101, box_rdma_port=4200,
                  **ctx.cluster_ref(), **ctx.sync())
    if box_type == "ebox":
        rec.update(dbox=None, dbox_id=None, dtray=None, ebox=box["name"], ebox_id=box["id"], box_id=box["id"],
                   box_type="ebox")
    else:
        rec.update(dbox=box["name"], dbox_id=box["id"], dtray=tray, ebox=None, ebox_id=None, box_id=box["id"],
                   box_type="dbox")
    return rec


def _drives(ctx):
    rng = ctx.rng
    ssds, nvrams = [], []
    ssd_fw, nv_fw = "5CV1%04d" % rng.randint(0, 9999), "E2010%03d" % rng.randint(0, 999)
    boxes = ctx.data["eboxes"] if ctx.cfg.ebox else ctx.data["dboxes"]
    per_ssd = SSDS_PER_EBOX if ctx.cfg.ebox else SSDS_PER_DBOX
    per_nv = NVRAMS_PER_EBOX if ctx.cfg.ebox else NVRAMS_PER_DBOX
    for b, box in enumerate(boxes):
        key = "ebox_id" if ctx.cfg.ebox else "dbox_id"
        attached = ",".join(d["name"] for d in ctx.data["dnodes"] if d.get(key) == box["id"])
        where = {"dbox": None, "dbox_id": None, "ebox": box["name"], "ebox_id": box["id"]} if ctx.cfg.ebox else \
            {"dbox": box["name"], "dbox_id": box["id"]}
        for slot in range(1, per_ssd + 1):
            name = "ssd-%d-%d" % (b + 1, slot)
            ssds.append(ctx.new(
                "SSD", **ctx.common("ssds", len(ssds) + 1, name), display_name=name, sn="PHAB%s" % ctx.digits(9),
                model="SSDPF2NV153TZ", fw_version=ssd_fw, size=SSD_SIZE,
                space_in_use=int(SSD_SIZE * rng.uniform(0.55, 0.8)), state="HEALTHY", fail_reason="NONE",
                slot=slot, carrier=(slot - 1) // 2, index_in_carrier=(slot - 1) % 2, shelf="N/A",
                attached_dnode_names=attached, enabled=True, dnode1_attached=True, dnode2_attached=True,
                led_status="OFF", insertion_time=ctx.ts(rng.randint(200, 400) * 86400),
                carrier_serial="CR%s" % ctx.digits(8), carrier_hw_version="2", carrier_sw_version="1.0.%d" % (b % 10),
                arch_type="", **where, **ctx.cluster_ref()))
        for slot in range(1, per_nv + 1):
            name = "nvram-%d-%d" % (b + 1, slot)
            nvrams.append(ctx.new(
                "NVRAM", **ctx.common("nvrams", len(nvrams) + 1, name), display_name=name,
                sn="PHFT%s" % ctx.digits(9), model="SSDPF21Q016TB", fw_version=nv_fw, size=NVRAM_SIZE,
                space_in_use=int(NVRAM_SIZE * rng.uniform(0.3, 0.6)), state="HEALTHY", fail_reason="NONE",
                slot=per_ssd + slot, carrier=0, shelf="FRONT", attached_dnode_names=attached, enabled=True,
                dnode1_attached=True, dnode2_attached=True, is_remote=False, phase_out=False, led_status="OFF",
                insertion_time=ctx.ts(rng.randint(200, 400) * 86400), arch_type="", **where, **ctx.cluster_ref()))
    ctx.add("ssds", ssds)
    ctx.add("nvrams", nvrams)


def _all_boxes(ctx):
    for kind in ("cboxes", "dboxes", "eboxes"):
        for box in ctx.data[kind]:
            yield kind[:-2], box


def _psus_fans(ctx):
    rng = ctx.rng
    psus, fans = [], []
    for kind, box in _all_boxes(ctx):
        ids = {"cbox_id": box["id"] if kind == "cbox" else None, "dbox_id": box["id"] if kind == "dbox" else None}
        ref = {"box": box["name"], "box_id": box["id"], "box_uid": box["uid"], **ids}
        for n, loc in enumerate(("left", "right"), start=1):
            name = "PSU%d" % n
            psus.append(ctx.new("PSU", **ctx.common("psus", len(psus) + 1, name,
                                                   title="%s %s %s" % (name, box["name"], loc)),
                                display_name=name, location=loc, model="PWS-2K08A-1R" if kind != "dbox" else
                                "DPS-1600AB", sn="P%s" % ctx.digits(11), fw_version="1.%d" % rng.randint(0, 9),
                                state="HEALTHY", **ref, **ctx.cluster_ref()))
        for n in range(1, (4 if kind == "cbox" else 6) + 1):
            name = "FAN%d" % n
            fans.append(ctx.new("Fan", **ctx.common("fans", len(fans) + 1, name, title="%s %s" % (name, box["name"])),
                                display_name=name, index=n, location="front", speed=rng.randint(9800, 12600),
                                state="OK", model="FAN-0206L4", sn="F%s" % ctx.digits(9), internal=kind == "dbox",
                                cnode=None, dnode=None, psu=None, fw_version="", **ref, **ctx.cluster_ref()))
    ctx.add("psus", psus)
    ctx.add("fans", fans)


def _mac(rng):
    return "b8:ce:f6:%02x:%02x:%02x" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))


def _hosts_nics(ctx):
    """One Host per node (DNodes first, so host ids never equal node ids), two internal NIC ports per node."""
    rng = ctx.rng
    hosts, nics, nicports = [], [], []
    nodes = [("dnode", d) for d in ctx.data["dnodes"]] + [("cnode", c) for c in ctx.data["cnodes"]]
    ctx.node_nics, ctx.node_host, ctx.install_info = {}, {}, {}
    nic_fw = "28.%d.%d" % (rng.randint(36, 41), rng.randint(1000, 2000))
    for kind, node in nodes:
        hid = len(hosts) + 1
        ctx.node_host[(kind, node["id"])] = hid
        box_name = node.get("cbox") or node.get("dbox") or node.get("ebox")
        box_uid = box_name.split("-", 1)[1]
        ebox = ctx.cfg.ebox
        info = {"node_type": "Cnode" if kind == "cnode" else "Dnode", "box_name": box_name, "box_uid": box_uid,
                "box_vendor": EBOX_VENDOR if ebox else (CBOX_VENDOR if kind == "cnode" else DBOX_VENDOR),
                "hostname": node["hostname"], "ip": node["mgmt_ip"], "vast_os": ctx.os_version[kind],
                "is_vms_host": node is ctx.mgmt_cnode, "net_type": "eth",
                "position": node.get("position", "left"), "is_ceres": kind == "dnode" and not ebox,
                "is_ceres_v2": kind == "dnode" and not ebox, "single_nic": False,
                "tpm_boot_dev_encryption_supported": False, "tpm_boot_dev_encryption_enabled": False}
        ctx.install_info[(kind, node["id"])] = info
        hosts.append(ctx.new("Host", **ctx.common("hosts", hid, node["hostname"]), hostname=node["hostname"],
                             node_type=kind, ip=node["ip"], ip1=node["ip1"], ip2=node["ip2"], sn=node["sn"],
                             os_version=node["os_version"], build=ctx.build, sw_version=ctx.sw_version,
                             state="ACTIVE", install_state="DONE", net_type="eth", single_nic=False,
                             dbox_uid=box_uid if kind == "dnode" else "", vast_install_info=info,
                             system_name=ctx.cluster_name, upgrade_state="DONE", **ctx.cluster_ref()))
        names = ("ens1f0np0", "ens1f1np1") if kind == "cnode" else ("enP1p3s0f0", "enP1p3s0f1")
        model = "MT2910 ConnectX-7" if kind == "cnode" else "MT42822 BlueField-2"
        node_nics = []
        for p, iface in enumerate(names):
            mac = _mac(rng)
            nic = ctx.new("NIC", **ctx.common("nics", len(nics) + 1, iface, title="%s %s" % (node["hostname"],
                                                                                            iface)),
                          display_name=iface, host=node["hostname"], host_id=hid, hostname=node["hostname"],
                          node_id=node["id"], cbox_id=node.get("cbox_id") if kind == "cnode" else None,
                          dbox_id=node.get("dbox_id") if kind == "dnode" else None, model=model,
                          sn="MT%s" % ctx.digits(10), fw_version=nic_fw, state="up", link_state="up",
                          link_type="ETH", mtu=9216, port="1/%d" % (p + 1), rate="200G", rate_number=200000,
                          address=mac, ipv6_address="", vippool_ids=[], nic_location={}, **ctx.cluster_ref())
            nics.append(nic)
            node_nics.append(nic)
            nicports.append(ctx.new("NICPort", **ctx.common("nicports", len(nicports) + 1, iface,
                                                           title="%s %s" % (node["hostname"], iface)),
                                    display_name=iface, interface=iface, host_id=hid, address=mac, enabled=True,
                                    external=False, port_membership="LEFT" if p == 0 else "RIGHT", state="up",
                                    model=model, fw_version=nic_fw, sn=nic["sn"], **ctx.cluster_ref()))
        ctx.node_nics[(kind, node["id"])] = node_nics
    ctx.add("hosts", hosts)
    ctx.add("nics", nics)
    ctx.add("nicports", nicports)


def _rack_pools(ctx):
    """Per-rack address pools and capacity figures, from the nodes and drives placed in each rack."""
    by_rack = {}
    for kind in ("cboxes", "dboxes", "eboxes"):
        for box in ctx.data[kind]:
            by_rack.setdefault(box["rack_id"], []).append((kind, box))
    node_box = {}
    for c in ctx.data["cnodes"]:
        node_box.setdefault(("cnode", c["box_id"]), []).append(c)
    for d in ctx.data["dnodes"]:
        node_box.setdefault(("dnode", d["box_id"]), []).append(d)
    drives_by_box = {}
    for ssd in ctx.data["ssds"]:
        key = ssd.get("dbox_id") or ssd.get("ebox_id")
        drives_by_box[key] = drives_by_box.get(key, 0) + ssd["size"]
    for rack in ctx.data["racks"]:
        cn, dn, total = [], [], 0
        for kind, box in by_rack.get(rack["id"], []):
            cn += node_box.get(("cnode", box["id"]), []) if kind != "dboxes" else []
            dn += node_box.get(("dnode", box["id"]), []) if kind != "cboxes" else []
            if kind != "cboxes":
                total += drives_by_box.get(box["id"], 0)

        def pool(nodes, key):
            if not nodes:
                return []
            addrs = sorted(ipaddress.IPv4Address(n[key]) for n in nodes)
            return [[str(addrs[0]), str(addrs[-1])]]
        rack.update(cnode_ip_pool=pool(cn, "ip"), dnode_ip_pool=pool(dn, "ip"),
                    cnode_ipmi_pool=pool(cn, "ipmi_ip"), dnode_ipmi_pool=pool(dn, "ipmi_ip"),
                    total_capacity=total, available_capacity=int(total * 0.3))
