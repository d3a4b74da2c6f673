"""The cluster and VMS objects, software versions, upgrade history, capacity figures and password settings.

Capacity adds up: raw = sum of SSD sizes; physical = 97 % of raw; usable = 79 % of physical (the ratio of the
NOTES example); the used figures follow one "percent used" knob (:func:`apply_capacity`), which the
``capacity`` scenario moves.
"""
import datetime
import math

from ..common import iso

TB10 = 10 ** 12


def versions(ctx):
    """Software version strings. 5 parts with a 20-digit last segment unless the quirk is off."""
    rng = ctx.rng
    nums = ctx.release.numbers
    base = "%d.%d.%d" % tuple((list(nums) + [0, 0])[:3])
    sp = rng.randint(1, 4)
    given = ctx.cfg.vast_version.split("-")[0]
    if len(given.split(".")) >= 4:
        sw = given
    elif ctx.cfg.quirks.get("long_build_segment", True):
        sw = "%s.%d.%d%s" % (base, sp, rng.randint(1, 9), ctx.digits(19))
    else:
        sw = "%s.%d" % (base, sp)
    ctx.base_version = base
    ctx.sp = sp
    ctx.sw_version = sw
    ctx.build = "release-%s-sp%d-%d" % (base, sp, rng.randint(1000000, 9999999))
    ctx.os_version = {kind: "12.%d.%d-%d" % (rng.randint(12, 16), rng.randint(10, 25), rng.randint(1700000, 1900000))
                      for kind in ("cnode", "dnode")}
    ctx.os_version["ebox"] = ctx.os_version["cnode"]


def lifetime_text(seconds):
    """Seconds to the VMS lifetime format ``[DD [HH:[MM:]]]ss`` (3600 -> "01:00:00", 86400 -> "1 00:00:00")."""
    seconds = float(seconds)
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if seconds != whole:  # sub-second lifetimes for tests: Django duration style "00:00:00.500000"
        text = "%02d:%02d:%09.6f" % (hours, minutes, secs + (seconds - whole))
    else:
        text = "%02d:%02d:%02d" % (hours, minutes, secs)
    return "%d %s" % (days, text) if days else text


def lifetime_seconds(text):
    """Inverse of :func:`lifetime_text`; accepts "ss", "MM:ss", "HH:MM:ss" and "DD HH:MM:ss"."""
    text = str(text).strip()
    days = 0
    if " " in text:
        d, text = text.split(None, 1)
        days = int(d)
    parts = [float(p) for p in text.split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return days * 86400 + seconds


def capacity_fields(raw_bytes, percent, drr):
    physical = int(raw_bytes * 0.97)
    usable = int(physical * 0.79)
    phys_used = int(physical * percent / 100.0)
    usable_used = int(usable * percent / 100.0)
    logical = int(usable * drr)
    logical_used = int(usable_used * drr)
    return {
        "physical_space": physical, "physical_space_tb": round(physical / TB10, 3),
        "physical_space_in_use": phys_used, "physical_space_in_use_tb": round(phys_used / TB10, 3),
        "physical_space_in_use_percent": round(percent, 2),
        "free_physical_space": float(physical - phys_used),
        "free_physical_space_tb": round((physical - phys_used) / TB10, 3),
        "usable_capacity_bytes": usable, "usable_capacity_tb": round(usable / TB10, 3),
        "free_usable_capacity": usable - usable_used,
        "free_usable_capacity_tb": round((usable - usable_used) / TB10, 3),
        "logical_space": logical, "logical_space_tb": round(logical / TB10, 3),
        "logical_space_in_use": logical_used, "logical_space_in_use_tb": round(logical_used / TB10, 3),
        "logical_space_in_use_percent": round(percent, 2),
        "free_logical_space": float(logical - logical_used),
        "free_logical_space_tb": round((logical - logical_used) / TB10, 3),
        "drr": drr, "drr_text": "%.1f:1" % drr,
    }


def apply_capacity(cluster, raw_bytes, percent, drr=None):
    """Return the cluster record with every capacity figure recomputed for ``percent`` used."""
    return {**cluster, **capacity_fields(raw_bytes, percent, drr if drr is not None else cluster.get("drr") or 1.6)}


def plan_capacity(ctx):
    """Capacity of the cluster, decided right after the hardware so views and quotas can add up to it."""
    rng = ctx.rng
    raw = sum(s["size"] for s in ctx.data["ssds"])
    ctx.raw_bytes = raw
    ctx.cap = capacity_fields(raw, round(rng.uniform(55, 72), 2), round(rng.uniform(1.3, 2.4), 1))
    ctx.licence_tb = int(math.ceil(ctx.cap["usable_capacity_tb"] * 1.5 / 100.0) * 100)


def build(ctx):
    rng = ctx.rng
    cfg = ctx.cfg
    cap = ctx.cap
    mgmt = ctx.mgmt_cnode
    inner_cnode = ctx.data["cnodes"][0]
    deployed = ctx.now - datetime.timedelta(days=rng.randint(120, 600), seconds=rng.randint(0, 86399))
    online = ctx.now - datetime.timedelta(days=rng.randint(3, 60), seconds=rng.randint(0, 86399),
                                          microseconds=rng.randint(0, 999999))
    up = ctx.now - online
    uptime = "%d days, %d:%02d:%02d.%06d" % (up.days, up.seconds // 3600, up.seconds // 60 % 60, up.seconds % 60,
                                             up.microseconds)
    fields = dict(
        name=ctx.cluster_name, title=ctx.cluster_name, id=1, guid=ctx.cluster_guid, url=ctx.url("clusters", 1),
        state="ONLINE", enabled=True, sw_version=ctx.sw_version, build=ctx.build, system_name=ctx.cluster_name,
        mgmt_vip=ctx.mgmt_vip, ip=ctx.mgmt_vip, uptime=uptime, online_start_time=iso(online),
        deployment_time=iso(deployed), leader_state="UP", leader_cnode=mgmt["name"], mgmt_cnode=mgmt["name"],
        mgmt_inner_vip="172.16.4.40", mgmt_inner_vip_cnode=inner_cnode["name"], ssd_raid_state="HEALTHY",
        nvram_raid_state="HEALTHY", memory_raid_state="HEALTHY", mio_raid_state="HEALTHY", rio_nvram_state="HEALTHY",
        wb_raid_layout="DATA_6_PARITY_2", is_wb_raid_enabled=True, enable_similarity=True, enable_encryption=True,
        allow_encryption=False, encryption_type="INTERNAL", ekm_address="", ekm_port=5696, secondary_ekm_port=5696,
        ekm_servers="", dbox_ha_support=False, enable_rack_level_resiliency=False, **cap,
        used_handles_percent=round(rng.uniform(0.5, 8), 1), used_handles_count=rng.randint(10000, 900000),
        max_handles_count=30000000, expansion_state="", upgrade_state="DONE", upgrade_phase="",
        md_usage_health="HEALTHY", remaining_stripes_health="HEALTHY", vast_audit_log_state="NONE",
        protocols=["NFSv3", "NFSv4.1", "SMB", "S3"], enable_smb=True, enable_s3=True, enable_dr=False,
        enable_trash=False, cnode_cores=sum(c["cores"] for c in ctx.data["cnodes"]), ebox=cfg.ebox,
        iops=rng.randint(20000, 900000), rd_iops=rng.randint(10000, 500000), wr_iops=rng.randint(5000, 300000),
        bw=rng.randint(10 ** 9, 10 ** 11), rd_bw_mb=round(rng.uniform(500, 40000), 1), wr_bw_mb=rng.randint(100, 20000),
        latency=rng.randint(200, 900), rd_latency_ms=1, wr_latency_ms=1, latency_ms=1, raid_drives_can_fail=2,
        auto_logout_timeout=1800, default_others_share_level_perm="READ")
    if ctx.release.psnt:
        fields["psnt"] = "PSNT-%06X" % rng.randint(0, 0xFFFFFF)
    if ctx.release.oas55:
        fields.update(block_ipmi=False, cloud_provider="", ekm_domain="", max_cluster_read_bw_mb=0,
                      max_number_mtls_certs_per_ca=0, max_performance_metrics={}, supported_drives=[],
                      use_tenant_all_snapshots=False)
    cluster = ctx.new("Cluster", **fields)
    if not ctx.release.psnt:
        cluster.pop("psnt", None)  # 5.3+ only (NOTES 1.3)
    ctx.add("clusters", [cluster])
    usage = round(100.0 * cap["usable_capacity_tb"] / ctx.licence_tb, 2)
    vms = dict(
        id=1, name=ctx.cluster_name, title=ctx.cluster_name, guid=ctx.guid(), url=ctx.url("vms", 1),
        sw_version=ctx.sw_version, build=ctx.build, state="ACTIVE", degraded_reason="", mgmt_vip=ctx.mgmt_vip,
        mgmt_ip=mgmt["mgmt_ip"], mgmt_cnode=mgmt["name"], mgmt_inner_vip="172.16.4.40",
        mgmt_inner_vip_cnode=inner_cnode["name"], ip=mgmt["ip"], ip1=mgmt["ip1"], ip2=mgmt["ip2"],
        mgmt_vip_ipv6="", capacity_base_10=True, performance_base_10=True, capacity_usable=True,
        max_api_tokens_per_user=cfg.max_api_tokens_per_user,
        access_token_lifetime=lifetime_text(cfg.access_token_lifetime),
        refresh_token_lifetime=lifetime_text(cfg.refresh_token_lifetime), auto_logout_timeout=1800,
        min_tls_version="1.2", ssl_port=443, ipv6_support=False, disable_mgmt_ha=False, disable_vms_metrics=False,
        total_active_capacity=float(ctx.licence_tb), total_remaining_capacity=round(ctx.licence_tb -
                                                                                   cap["usable_capacity_tb"], 3),
        total_usage_capacity_percentage=usage, login_banner="", ssl_certificate=ctx.vms_certificate,
        created=iso(deployed), min_pwd_length=8, min_qos_supported=True, tabular_support="")
    if ctx.release.oas55:
        vms.update(enable_idle_timeout=False, mgmt_data_interface="", mgmt_data_netmask="", mgmt_data_vip="",
                   mgmt_data_vip_vlan=0)
    ctx.add("vms", [ctx.new("Vms", **vms)])
    ctx.singletons["pwd_settings"] = ctx.new(
        "VmsPwdParams", max_failed_login_attempts=5, max_failed_login_attempts_enabled=True, min_pwd_length=8,
        pwd_change_timeout="1", pwd_change_timeout_enabled=False, pwd_expiration_timeout="180",
        pwd_expiration_timeout_enabled=True, pwd_history_no_reuse_count=5, pwd_history_no_reuse_count_enabled=True,
        pwd_requires_lowercase=True, pwd_requires_numeric=True, pwd_requires_special_chars=False,
        pwd_requires_uppercase=True, tmp_pwd_expiration_timeout="1")
    _history(ctx, deployed)


def _history(ctx, deployed):
    nums = ctx.release.numbers
    steps = []
    major, minor, patch = (list(nums) + [0, 0])[:3]
    if patch > 0:
        steps.append("%d.%d.0" % (major, minor))
    if minor > 0:
        steps.append("%d.%d.%d" % (major, minor - 1, 2))
    steps = list(reversed(steps))
    total = len(steps) + 1
    span = (ctx.now - deployed).days
    out = []
    for k, version in enumerate(steps + [ctx.base_version]):
        when = deployed + datetime.timedelta(days=span * k // total)
        current = version == ctx.base_version
        sys_version = ctx.sw_version if current else "%s.1.%d%s" % (version, ctx.rng.randint(1, 9), ctx.digits(19))
        out.append(ctx.new(
            "Version", id=k + 1, guid=ctx.guid(), name="%s-sp%d" % (version, ctx.sp if current else 1), title=version,
            sys_version=sys_version, os_version=ctx.os_version["cnode"], build=ctx.build if current else
            "release-%s-sp1-%d" % (version, ctx.rng.randint(1000000, 9999999)), status="success",
            created=iso(when), cluster=ctx.cluster_name, carriers_fw_version="1.0.%d" % k, enable_dr=False,
            url=ctx.url("versions", k + 1)))
    ctx.add("versions", list(reversed(out)))
