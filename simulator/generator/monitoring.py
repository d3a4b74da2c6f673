"""Alarms (every severity), events (bulk, newest last by id, spread over 30 days), event definitions and the
alert-routing config, licences, call-home, support bundles, monitors and webhooks.

Every alarm and event names an object that exists (a node, drive, switch, VIP pool or view).
"""
import bisect
import datetime

from ..common import iso

EVENT_DEFS = [
    ("CNodeStateChange", "cnode", "state", "MAJOR"), ("DNodeStateChange", "dnode", "state", "MAJOR"),
    ("SSDFailed", "ssd", "state", "CRITICAL"), ("SSDWearLevel", "ssd", "endurance", "MAJOR"),
    ("NVRAMFailed", "nvram", "state", "CRITICAL"), ("SwitchPortFlap", "switch", "port_state", "MINOR"),
    ("PSUFailure", "psu", "state", "MAJOR"), ("FanSpeedLow", "fan", "speed", "MINOR"),
    ("DNodeHighTemperature", "dnode", "temperature", "CRITICAL"), ("ClockOffset", "cnode", "ntp_offset", "MINOR"),
    ("CapacityUsageHigh", "cluster", "capacity", "MAJOR"), ("VipMoved", "vippool", "vip", "INFO"),
    ("UserLogin", "manager", "login", "INFO"), ("ObjectModified", "cnode", "config", "INFO"),
    ("BMCUnreachable", "cnode", "bmc_state", "MINOR"), ("DriveInserted", "ssd", "insertion", "INFO"),
]
# Open alarms of the default cluster: about things the API state does not otherwise show (temperature, wear,
# clock offset, logins), so they never contradict a record (no "SSD failed" alarm on a HEALTHY drive).
ALARMS = [("CRITICAL", "DNodeHighTemperature", "dnode", "DNode {name} temperature {value}C exceeds the critical "
                                                       "threshold (85C)"),
          ("MAJOR", "SSDWearLevel", "ssd", "SSD {name} endurance used {value}%"),
          ("MINOR", "ClockOffset", "cnode", "CNode {name} clock offset {value} ms from the NTP servers"),
          ("INFO", "UserLogin", "manager", "Manager {name} logged in from 192.0.2.{value}")]
# Event history: (definition, object kind, severity, message). Problems in the past have cleared since.
EVENTS = [("UserLogin", "manager", "Info", "Manager {name} logged in from 192.0.2.{value}", 30),
          ("ObjectModified", "cnode", "Info", "CNode {name} configuration updated", 15),
          ("VipMoved", "vippool", "Info", "A VIP of pool {name} moved to another CNode", 12),
          ("DriveInserted", "ssd", "Info", "SSD {name} detected", 6),
          ("CNodeStateChange", "cnode", "Info", "CNode {name} state changed to ACTIVE", 10),
          ("DNodeStateChange", "dnode", "Info", "DNode {name} state changed to ACTIVE", 8),
          ("ClockOffset", "cnode", "Minor", "CNode {name} clock offset {value} ms from the NTP servers", 5),
          ("SwitchPortFlap", "switch", "Minor", "Switch {name} port swp{value} link flapped", 4),
          ("FanSpeedLow", "fan", "Minor", "Fan {name} speed below the recommended range", 3),
          ("PSUFailure", "psu", "Major", "{name} input power lost, now restored", 2),
          ("SSDWearLevel", "ssd", "Major", "SSD {name} endurance used {value}%", 2),
          ("CNodeStateChange", "cnode", "Major", "CNode {name} state changed to INACTIVE", 1),
          ("DNodeHighTemperature", "dnode", "Critical", "DNode {name} temperature {value}C exceeded the critical "
                                                        "threshold (85C)", 1),
          ("SSDFailed", "ssd", "Critical", "SSD {name} failed and was replaced", 1)]


def build(ctx):
    _definitions(ctx)
    targets = _targets(ctx)
    _alarms(ctx, targets)
    _events(ctx, targets)
    _licences_callhome(ctx)
    _support_monitors(ctx)


def _definitions(ctx):
    defs = []
    for ident, (name, obj, prop, sev) in enumerate(EVENT_DEFS, 1):
        defs.append(ctx.new("EventDefinition", id=ident, name=name, object_type=obj, property=prop, severity=sev,
                            enabled=True, alarm_only=False, cooldown=300, raise_at_count=1,
                            email_recipients=[], webhooks=[], user_modified=False, event_type="THRESHOLD",
                            event_message="%s on {object_name}" % name, trigger_on="", trigger_off=""))
    ctx.add("eventdefinitions", defs)
    ctx.add("eventdefinitionconfigs", [ctx.new(
        "EventDefinitionConfig", id=1, smtp_host="smtp.%s" % ctx.domain, smtp_port=587, smtp_user="vast-alerts",
        smtp_use_tls=True, email_sender="vast@%s" % ctx.domain, email_recipients=["storage-team@%s" % ctx.domain],
        email_subject="VAST alert", syslog_host="192.0.2.60,192.0.2.61", syslog_port=514, syslog_protocol="UDP",
        syslog_vms_audit=True, syslog_shell_audit=True, syslog_ipmi_audit=False, audit_logs_retention=90,
        critical_value="critical", major_value="major", minor_value="minor", info_value="info")])
    ctx.add("webhooks", [])


def _targets(ctx):
    """Per object kind, the (object_type, id, name, guid) tuples events and alarms may point at."""
    out = {}
    for kind, key in (("cnode", "cnodes"), ("dnode", "dnodes"), ("ssd", "ssds"), ("nvram", "nvrams"),
                      ("switch", "switches"), ("vippool", "vippools"), ("psu", "psus"), ("fan", "fans"),
                      ("manager", "managers")):
        out[kind] = [(kind, rec["id"], rec.get("name") or rec.get("username"), rec.get("guid", ""))
                     for rec in ctx.data[key][:200]]
    return out


def _alarms(ctx, targets):
    rng = ctx.rng
    alarms = []
    for n in range(ctx.scale.alarms):
        severity, name, kind, text = ALARMS[n % 4] if n < 8 else ALARMS[rng.choice((1, 2, 2, 3, 3, 3))]
        kind_, oid, oname, oguid = rng.choice(targets[kind])
        value = {"CRITICAL": rng.randint(86, 95), "MAJOR": rng.randint(85, 97), "MINOR": rng.randint(120, 900),
                 "INFO": rng.randint(2, 250)}[severity]
        when = ctx.now - datetime.timedelta(hours=rng.randint(1, 24 * 20), seconds=rng.randint(0, 3599))
        alarms.append(ctx.new(
            "Alarm", id=1000 + n + 1, severity=severity, alarm_message=text.format(name=oname, value=value),
            event_name=name, event_type="THRESHOLD", event_definition=name, event="", object_type=kind,
            object_id=oid, object_name=oname, object_guid=oguid,
            rel_obj_class="host" if kind in ("cnode", "dnode") else None,
            rel_obj_id=str(oid) if kind in ("cnode", "dnode") else None, acknowledged=False,
            timestamp=iso(when), last_updated=iso(when + datetime.timedelta(minutes=rng.randint(0, 90))),
            metadata={}, cluster=ctx.cluster_name))
    ctx.add("alarms", alarms)


def _events(ctx, targets):
    n = ctx.scale.events
    span = 30 * 86400.0
    cumulative, total = [], 0
    for entry in EVENTS:
        total += entry[4]
        cumulative.append(total)
    origins = {"UserLogin": "USER", "ObjectModified": "USER"}

    def event(i):
        rng = ctx.record_rng("events", i)
        name, kind, severity, text, _w = EVENTS[bisect.bisect_right(cumulative, rng.random() * total)]
        pool = targets[kind]
        _k, oid, oname, oguid = pool[int(rng.random() * len(pool))]
        when = ctx.now - datetime.timedelta(seconds=span * (n - i) / n, microseconds=rng.randint(0, 999999))
        return ctx.new(
            "Event", id=i + 1, guid=ctx.guid(rng), event_name=name,
            event_type="OBJECT_STATE" if severity != "Info" else "OBJECT_MODIFIED",
            event_message=text.format(name=oname, value=rng.randint(2, 250)),
            event_origin=origins.get(name, "VMS"), event_definition=name, severity=severity, object_type=kind,
            object_id=oid, object_name=oname, object_guid=oguid, timestamp=iso(when), metadata={},
            cluster=ctx.cluster_name)
    ctx.bulk["events"] = (n, event)


def licence_record(ctx, ident, days_left, state="ACTIVE"):
    end = ctx.now + datetime.timedelta(days=days_left)
    start = end - datetime.timedelta(days=36 * 30)
    return ctx.new("License", id=ident, guid=ctx.guid(), name="VAST Data capacity licence %d" % ident,
                   license_key="XXXX-XXXX-XXXX-%s" % ctx.digits(4), state=state, start_date=start.strftime("%Y-%m-%d"),
                   period="36", expiration_date=end.strftime("%Y-%m-%d"),
                   capacity="%d TB" % ctx.licence_tb, cpu_cores="Unlimited", accelerated_cpu_cores="0",
                   url=ctx.url("licenses", ident))


def _licences_callhome(ctx):
    ctx.add("licenses", [licence_record(ctx, 1, 700 + ctx.rng.randint(0, 300))])
    ctx.add("callhomeconfigs", [ctx.new(
        "CallhomeConfig", id=1, customer="Example Corp", site=ctx.site.title(), location="Building A, hall 2",
        customer_id="CUST-%s" % ctx.digits(6), log_enabled=True, log_interval=3600, bundle_enabled=True,
        bundle_interval=86400, cloud_enabled=True, cloud_registered=True, cloud_subdomain=ctx.site,
        support_channel=True, obfuscated=False, upload_via_vms=True, proxy_scheme="", proxy_host="",
        proxy_port="", proxy_username="", verify_ssl=True, callhome_upload_destination="Mars", aws_s3_ak="",
        aws_s3_bucket_name="", compress_method="zstd", max_upload_bandwidth=0, max_upload_concurrency=4)])


def _support_monitors(ctx):
    rng = ctx.rng
    bundles = []
    for ident, (level, days) in enumerate((("small", 3), ("medium", 45), ("large", 120)), 1):
        created = ctx.now - datetime.timedelta(days=days, hours=rng.randint(0, 20))
        bundles.append(ctx.new(
            "SupportBundle", id=ident, guid=ctx.guid(), name="bundle-%s-%s" % (level, created.strftime("%Y%m%d")),
            state="CREATED", created=iso(created), level=level, preset=level,
            bundle_size="%d MB" % rng.randint(80, 4000),
            bundle_url="", obfuscated=ident == 2, cnodes_only=False, dnodes_only=False,
            start_time=iso(created - datetime.timedelta(hours=6)), end_time=iso(created), url=ctx.url("supportbundles",
                                                                                                      ident),
            cluster=ctx.cluster_name, cluster_id=1))
    ctx.add("supportbundles", bundles)
    monitors = []
    for ident, (name, obj, props) in enumerate((
            ("Cluster performance", "cluster", ["iops", "rd_bw", "wr_bw", "latency"]),
            ("CNode CPU", "cnode", ["cpu_utilization"]), ("SSD endurance", "ssd", ["endurance"]),
            ("Replication RPO", "replicationstream", ["rpo_seconds"]),
            ("NFS ops", "cluster", ["ProtoMetrics,proto_name=NFSv3,iops"]),
            ("S3 ops", "cluster", ["ProtoMetrics,proto_name=S3,iops"])), 1):
        monitors.append(ctx.new("Monitor", id=ident, name=name, object_type=obj, monitor_type="predefined",
                                prop_list=props, time_frame="2m", granularity="seconds", aggregation="avg",
                                object_ids={}, exclude_patterns=[], limit=0))
    ctx.add("monitors", monitors)
