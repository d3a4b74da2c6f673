# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report sections: security, data protection, monitoring, health findings, appendix (see report_model.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    certificate_not_after, human_bytes, human_duration, iso, number_text, period_text, release_text, text,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import sorted_results
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import check_title
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_build_infra import SEVERITY_TONE
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import (
    badge, display, heading, kind_label, kv, missing_card, note, resume_banner, resumed_resources, yes_no,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import LEVEL_NAMES, SECTIONS


# ---- security ------------------------------------------------------------------------------------------------
def security(b, sec):
    view = b.view
    cluster, vms = view.first("clusters"), view.first("vms")
    blocks = sec["blocks"]
    if cluster is None and vms is None and view.records("activedirectory") is None:
        sec["status"], sec["note"] = "unavailable", "The security settings %s." % view.reason("clusters")
        return
    rows = []
    if cluster is not None:
        rows += [("Encryption at rest", yes_no(cluster.get("enable_encryption"), good=True)),
                 ("Encryption type", cluster.get("encryption_type")),
                 ("External key manager", cluster.get("ekm_address") or "none"),
                 ("Secondary key manager", cluster.get("secondary_ekm_address") or "none")]
    if vms is not None:
        rows += [("Minimum TLS version", vms.get("min_tls_version")),
                 ("Minimum password length", vms.get("min_pwd_length")),
                 ("Access / refresh token lifetime", "%s / %s" % (
                     text(human_duration(vms.get("access_token_lifetime"))),
                     text(human_duration(vms.get("refresh_token_lifetime"))))),
                 ("Idle logout (s)", vms.get("auto_logout_timeout"))]
    if rows:
        blocks.append(kv(rows, "Encryption and access"))
    blocks += _identity_providers(b)
    if b.level < 2:
        return

    def cert_row(c):
        expires = certificate_not_after(c.get("certificate"))
        return [c.get("name"), badge(c.get("state")), iso(expires)[:10] if expires else "-", c.get("created")]
    blocks += b.table("certificates", "Certificates", ["Certificate", "State", "Expires", "Installed"], cert_row,
                      empty="No certificate is installed.")
    blocks += b.table("managers", "VMS users",
                      ["User", "Type", "Active", "Roles", "Last login", "Password expires", "Tenant"],
                      lambda m: [m.get("username"), m.get("user_type"), yes_no(m.get("is_active")),
                                 ", ".join(str(v) for v in (m.get("roles") or {}).values())
                                 if isinstance(m.get("roles"), dict) else m.get("roles"),
                                 m.get("last_login"), "never" if m.get("password_expiration_disabled")
                                 else m.get("password_expiration"), (m.get("tenant") or {}).get("name")],
                      sort=lambda m: text(m.get("username")))
    blocks += b.table("roles", "Roles", ["Role", "Admin", "Permissions", "LDAP groups", "Tenants"],
                      lambda r: [r.get("name"), yes_no(r.get("is_admin")), len(r.get("permissions") or []),
                                 r.get("ldap_groups"), r.get("tenant_names")], numeric=[2])
    blocks += b.table("apitokens", "API tokens", ["Token name", "Owner", "Created", "Expires", "Last used", "Revoked"],
                      lambda t: [t.get("name"), t.get("owner"), t.get("created"), t.get("expiry_date") or
                                 badge("never", "warn"), t.get("last_used"), yes_no(t.get("revoked"))],
                      sort=lambda t: (text(t.get("owner")), text(t.get("name"))), empty="No API token exists.")
    if b.level >= 3:
        blocks += b.table("realms", "Realms", ["Realm", "Object types"],
                          lambda r: [r.get("name"), r.get("object_types")])
        blocks += b.table("encryptiongroups", "Encryption groups", ["CRN", "State"],
                          lambda r: [r.get("crn"), badge(r.get("state"))], sort=lambda r: text(r.get("crn")))


def _identity_providers(b):
    """The identity providers: a table of those read, and a statement about the configuration only when every
    provider type was read (a type that could not be read or was not collected may hold providers)."""
    view = b.view
    providers, read, unread = [], [], []
    tenant_names = dict((t.get("id"), t.get("name")) for t in view.records("tenants") or [] if t.get("id") is not None)
    for name, kind in (("activedirectory", "Active Directory"), ("ldaps", "LDAP"), ("nis", "NIS")):
        recs = view.records(name)
        if recs is None:
            if view.state(name)[0] == "unavailable":      # the release has no such provider: none can exist
                continue
            unread.append((name, kind))
            continue
        read.append(kind)
        for r in recs:
            where = r.get("domain_name") or r.get("name")
            providers.append([kind, where, _provider_detail(r), badge(r.get("state")), _tenant_of(r, tenant_names)])
    blocks = [heading("Identity providers")]
    if providers:
        blocks.append({"type": "table", "title": None,
                       "columns": ["Type", "Domain", "Account / servers", "State", "Tenant"],
                       "rows": providers, "total": len(providers), "csv": None, "numeric": []})
    if not unread:
        if not providers:
            blocks.append(note("No external identity provider is configured: only local users exist."))
        return blocks
    not_collected = [kind for name, kind in unread if view.state(name)[0] == "not_collected"]
    failed = [kind for name, kind in unread if view.state(name)[0] != "not_collected"]
    parts = []
    if failed:
        parts.append("%s could not be read" % " and ".join(failed))
    if not_collected:
        verb = "was" if len(not_collected) == 1 else "were"
        parts.append("%s %s not collected in this run" % (" and ".join(not_collected), verb))
    if read:
        known = ("%s read: %s listed above" % (" and ".join(read), _count(len(providers), "provider"))
                 if providers else "%s read: none configured" % " and ".join(read))
    else:
        known = "no provider type was read"
    blocks.append(note("The identity providers are not known in full: %s (%s), so whether only local users exist "
                       "cannot be said." % ("; ".join(parts), known), "missing"))
    for name, kind in unread:
        blocks.append(b.missing(name, kind))
    return blocks


def _mib(value):
    """Bytes of a figure in MiB (the collection's peak memory), None when there is none."""
    try:
        return float(value) * 1024 * 1024 if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _count(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def _listed(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value if v not in (None, "")]


def _provider_detail(rec):
    """Account or servers of an identity provider: the AD machine account, LDAP URLs (``urls`` list, or ``url``
    as a comma list on some releases), NIS servers."""
    if rec.get("machine_account_name"):
        return rec["machine_account_name"]
    servers = _listed(rec.get("urls")) or _listed(rec.get("url")) or _listed(rec.get("servers")) or \
        _listed(rec.get("ips"))
    return ", ".join(servers) or "-"


def _tenant_of(rec, names):
    """The tenant's name (the records carry ``tenant_id``; the tenants resource names it)."""
    if rec.get("tenant_name"):
        return rec["tenant_name"]
    tenant = rec.get("tenant")
    if isinstance(tenant, dict) and tenant.get("name"):
        return tenant["name"]
    tid = rec.get("tenant_id")
    if tid in (None, ""):
        return "-"
    for key in (tid, str(tid)) + ((int(tid),) if str(tid).isdigit() else ()):
        if key in names:
            return names[key]
    return "tenant %s" % tid


# ---- data protection -----------------------------------------------------------------------------------------
def _frames(policy):
    """Schedule and retention of a protection policy in words, like every period of the report: "every 1 hour,
    keep 2 days local, 14 days remote" (VAST writes "every 1h, keep-local 2d, keep-remote 14d")."""
    frames = policy.get("frames") or []
    return "; ".join("every %s, keep %s local%s" % (period_text(f.get("every")), period_text(f.get("keep-local")),
                                                    (", %s remote" % period_text(f["keep-remote"]))
                                                    if f.get("keep-remote") not in (None, "", "0") else "")
                     for f in frames) or text(policy.get("pretty_schedules"))


def data_protection(b, sec):
    view = b.view
    if view.records("protectionpolicies") is None and view.records("protectedpaths") is None:
        sec["status"], sec["note"] = "unavailable", "The protection settings %s." % view.reason("protectionpolicies")
        return
    blocks = sec["blocks"]
    paths = view.records("protectedpaths") or []
    local = sum(1 for p in paths if p.get("is_local", True))
    cards = []
    for name, label in (("protectionpolicies", "Protection policies"), ("protectedpaths", "Protected paths"),
                        ("nativereplicationremotetargets", "Replication peers")):
        recs = view.records(name)
        if recs is None:                        # never a silent 0: the figure says why it is missing
            cards.append(missing_card(view, label, [name]))
            continue
        sub = "%d local, %d replicated" % (local, len(paths) - local) if name == "protectedpaths" else ""
        cards.append({"label": label, "value": str(len(recs)), "sub": sub, "tone": "info"})
    blocks.append({"type": "cards", "cards": cards})
    blocks += b.table("protectionpolicies", "Protection policies", ["Policy", "Type", "Schedule and retention",
                                                                    "Target", "Indestructible", "Tenant"],
                      lambda p: [p.get("name"), p.get("clone_type"), _frames(p), p.get("target_name") or "-",
                                 yes_no(p.get("indestructible")), (p.get("tenant") or {}).get("name")
                                 or p.get("tenant_id")], empty="No protection policy: no view has scheduled snapshots.")
    blocks += b.table("nativereplicationremotetargets", "Replication peers",
                      ["Peer", "Leading VIP", "State", "Health", "Local pool", "Peer release", "Space left"],
                      lambda r: [r.get("name"), r.get("leading_vip"), badge(r.get("state")), badge(r.get("health")),
                                 r.get("pool_name"), release_text(r.get("remote_version")),
                                 human_bytes(r.get("space_left"))],
                      empty="No native replication peer is configured.")
    blocks += b.table("replicationtargets", "S3 replication targets", ["Target", "Type", "Bucket", "Region", "State"],
                      lambda r: [r.get("name"), r.get("type"), r.get("bucket_name"), r.get("aws_region"),
                                 badge(r.get("state"))], empty="No S3 replication target is configured.")
    if b.level < 2:
        return
    blocks += b.table("protectedpaths", "Protected paths", ["Name", "Source", "Policy", "Target", "State", "Health",
                                                            "Last restore point"],
                      lambda p: [p.get("name"), p.get("source_dir"), p.get("protection_policy_name"),
                                 p.get("peer_cluster_name") or "local", badge(p.get("state")), badge(p.get("health")),
                                 p.get("last_restore_point_time") or "-"], sort=lambda p: text(p.get("source_dir")))
    blocks += b.table("replicationstreams", "Replication streams", ["Stream", "Source", "Peer", "State", "Role"],
                      lambda r: [r.get("name"), r.get("source_dir"), r.get("remote_target_name"), badge(r.get("state")),
                                 r.get("role")], empty="No replication stream.")
    blocks += b.table("snapshotpolicies", "Legacy snapshot policies", ["Policy", "Path", "Schedule", "Keep", "Enabled"],
                      lambda p: [p.get("name"), p.get("path"), p.get("humanize_schedule") or p.get("schedule"),
                                 period_text(p.get("snapshot_expiration")), yes_no(p.get("enabled"))],
                      empty="No legacy snapshot policy is configured.")
    blocks += b.table("globalsnapstreams", "Global snapshot clones", ["Name", "Source", "Target path", "State"],
                      lambda g: [g.get("name"), g.get("source_path"), g.get("loanee_root_path"), badge(g.get("state"))],
                      empty="No global snapshot clone is configured.")
    if b.level >= 3:
        blocks += b.table("snapshots", "Snapshots", ["Snapshot", "Path", "Policy", "Created", "Expires", "Locked"],
                          lambda s: [s.get("name"), s.get("path"), s.get("protection_policy") or s.get("policy"),
                                     s.get("created"), s.get("expiration_time"), yes_no(s.get("locked"))],
                          sort=lambda s: text(s.get("created")))


# ---- monitoring ----------------------------------------------------------------------------------------------
SEVERITY_RANK = {"CRITICAL": 0, "MAJOR": 1, "MINOR": 2, "INFO": 3}


def monitoring(b, sec):
    view = b.view
    if view.records("alarms") is None and view.records("callhomeconfigs") is None:
        sec["status"], sec["note"] = "unavailable", "The monitoring settings %s." % view.reason("alarms")
        return
    blocks = sec["blocks"]
    blocks += b.table("alarms", "Open alarms", ["Severity", "Object", "Alarm", "Since", "Acknowledged"],
                      lambda a: [badge(text(a.get("severity")).lower(), SEVERITY_TONE.get(text(a.get("severity")).lower(),
                                                                                          "info")),
                                 "%s %s" % (text(kind_label(a.get("object_type"))), text(a.get("object_name"))),
                                 a.get("alarm_message"), a.get("timestamp"), yes_no(a.get("acknowledged"))],
                      sort=lambda a: (SEVERITY_RANK.get(text(a.get("severity")).upper(), 9), text(a.get("timestamp"))),
                      empty="No alarm is open.")
    call = view.records("callhomeconfigs")
    if call is None:
        blocks.append(b.missing("callhomeconfigs", "Call-home"))
    elif call:
        c = call[0]
        blocks.append(kv([("Customer", c.get("customer")), ("Site", c.get("site")), ("Location", c.get("location")),
                          ("Logs", yes_no(c.get("log_enabled"), good=True)), ("Support bundles", yes_no(c.get("bundle_enabled"), good=True)),
                          ("Cloud (Uplink)", yes_no(c.get("cloud_enabled"), good=True)),
                          ("Proxy", c.get("proxy_host") or "none"), ("Verify TLS", yes_no(c.get("verify_ssl"), good=True))],
                         "Call-home"))
    else:
        blocks.append(note("Call-home is not configured.", "warn"))
    notif = view.records("eventdefinitionconfigs")
    if notif is None:
        blocks.append(b.missing("eventdefinitionconfigs", "Notifications"))
    elif notif:
        n = notif[0]
        blocks.append(kv([("Syslog hosts", ", ".join(_listed(n.get("syslog_host"))) or "none"),
                          ("Syslog port / protocol", "%s / %s" % (text(n.get("syslog_port")), text(n.get("syslog_protocol")))),
                          ("Audit to syslog", ", ".join(k for k, f in (("VMS", "syslog_vms_audit"), ("shell", "syslog_shell_audit"),
                                                                       ("IPMI", "syslog_ipmi_audit")) if n.get(f)) or "none"),
                          ("SMTP server", "%s:%s" % (text(n.get("smtp_host")), text(n.get("smtp_port")))
                           if n.get("smtp_host") else "none"),
                          ("Alert e-mail to", ", ".join(_listed(n.get("email_recipients"))) or "none"),
                          ("Audit log retention (days)", n.get("audit_logs_retention"))], "Notifications"))
    if b.level < 2:
        return
    blocks += b.table("supportbundles", "Support bundles", ["Bundle", "Level", "State", "Size", "Created"],
                      lambda s: [s.get("name"), s.get("level"), badge(s.get("state")), human_bytes(s.get("bundle_size")),
                                 s.get("created")], sort=lambda s: text(s.get("created")), empty="No support bundle.")
    blocks += b.table("monitors", "Monitors", ["Monitor", "Object type", "Type", "Time frame", "Properties"],
                      lambda m: [m.get("name"), kind_label(m.get("object_type")), m.get("monitor_type"), m.get("time_frame"),
                                 len(m.get("prop_list") or [])], numeric=[4])
    events = view.records("events")
    if b.level >= 3:
        if events is None:
            blocks.append(b.missing("events", "Events"))
        else:
            blocks += b.table("events", "Recent events", ["Time", "Severity", "Object", "Event"],
                              lambda e: [e.get("timestamp"), e.get("severity"),
                                         "%s %s" % (text(kind_label(e.get("object_type"))), text(e.get("object_name"))),
                                         e.get("event_message") or e.get("event_name")],
                              sort=lambda e: [-ord(c) for c in text(e.get("timestamp"))])
    capped = truncation(view, "events")
    if events is not None and capped and (b.level >= 3 or "events.csv" in b.csv_written):
        read = number_text(capped_count(view, "events"))
        held = " events.csv lists those %s." % read if "events.csv" in b.csv_written else ""
        blocks.append(note("Events: the newest %s of the %s events the cluster holds were read (collect_events_max).%s"
                           % (read, number_text(capped_total(view, "events")), held), "missing"))


def _resource_info(view, name):
    return next((v for k, v in (view.meta.get("resources") or {}).items() if k.rsplit(".", 1)[-1] == name
                 and isinstance(v, dict)), None) or {}


def capped_count(view, name):
    recs = view.records(name)
    return len(recs) if recs is not None else int(_resource_info(view, name).get("count") or 0)


def capped_total(view, name):
    return _resource_info(view, name).get("total")


def truncation(view, name):
    """"100 of 5000" when the collection read only the newest records of *name* (events_max), else None."""
    info = _resource_info(view, name)
    if not (info.get("truncated") and info.get("total")):
        return None
    return "%s of %s" % (info.get("count") if info.get("count") is not None else capped_count(view, name),
                         info["total"])


# ---- health findings -----------------------------------------------------------------------------------------
def health(b, sec):
    if not b.findings:
        sec["status"], sec["note"] = "unavailable", "The health check did not run for this report."
        return
    results = sorted_results(b.findings["results"])
    shown = [dict(r, check_title=check_title(r)) if r["status"] == "pass" else r for r in results
             if r["status"] in ("fail", "not_evaluated")
             or (b.level >= 2 and r["status"] in ("pass", "not_applicable")) or (b.level >= 3)]
    sec["blocks"].append({"type": "health", "summary": b.findings["summary"], "results": shown, "mode": "full",
                          "items": b.level >= 2, "reference_time": b.findings.get("reference_time")})


# ---- appendix ------------------------------------------------------------------------------------------------
def appendix(b, sec):
    meta = b.view.meta
    banner = resume_banner(b.view)
    if banner:
        sec["blocks"].append(banner)
    session = meta.get("session") or {}
    latency = session.get("latency_ms") or session.get("latency") or {}
    rows = [("VMS host", meta.get("host")), ("API version", meta.get("api_version")),
            ("VAST release", release_text(meta.get("sw_version"))), ("Authentication", meta.get("auth_method")),
            ("Collected at", b.options.get("collected_text") or b.view.collected_at),
            ("Collection time (s)", meta.get("elapsed_s")),
            ("Collection version", b.view.doc.get("collection_version")),
            ("Requests", session.get("requests")), ("Pages", session.get("pages")),
            ("Retries", "%s%s" % (text(session.get("retries")), (" (%s)" % text(session.get("retry_reasons")))
                                  if session.get("retry_reasons") else "")),
            ("Logins / token refreshes", "%s / %s" % (text(session.get("token_logins")), text(
                session.get("token_refreshes") if session.get("token_refreshes") is not None else session.get("refreshes")))),
            ("Bytes received", human_bytes(session.get("bytes_received") or session.get("bytes"))),
            ("Peak memory", human_bytes(_mib(session.get("peak_rss_mb"))))]
    if isinstance(latency, dict) and latency:
        rows.append(("Latency (ms)", ", ".join("%s %s" % (k, text(v)) for k, v in sorted(latency.items()))))
    rows.append(("Subsets requested", meta.get("subsets_requested")))
    for warning in session.get("warnings") or []:
        rows.append(("Warning", warning))
    sec["blocks"].append(kv(rows, "Collection"))
    resources = meta.get("resources") or {}
    resumed = dict(resumed_resources(b.view))
    table = []
    for key in sorted(resources):
        info = resources[key] or {}
        status = info.get("status")
        label = "resumed" if status == "ok" and key in resumed else "not applicable" if status == "unavailable" \
            else status
        read_at = info.get("read_at") or (None if key in resumed else b.view.collected_at)
        cut = status == "ok" and info.get("truncated") and info.get("total")
        count = "-" if status != "ok" else ("truncated: %s of %s" % (text(info.get("count")), text(info["total"]))
                                            if cut else info.get("count"))
        reason = info.get("reason") or ("only the newest %s were read (collect_events_max)" % text(info.get("count"))
                                        if cut else "-")
        table.append([key, badge(label, "ok" if status == "ok" and key not in resumed else "bad"
                                 if status == "error" else "muted" if status == "unavailable" else "warn"),
                      count, display(read_at) if status == "ok" and read_at else "-", reason])
    if table:
        sec["blocks"].append({"type": "table", "title": "Resources read",
                              "columns": ["Resource", "Status", "Records", "Read at", "Reason"],
                              "rows": table, "total": len(table), "csv": None, "numeric": [2]})
    errors = meta.get("errors") or {}
    if errors:
        sec["blocks"].append({"type": "table", "title": "Errors", "columns": ["Resource", "Error", "HTTP status"],
                              "rows": [[k, (v or {}).get("msg") if isinstance(v, dict) else v,
                                        (v or {}).get("status") if isinstance(v, dict) else "-"]
                                       for k, v in sorted(errors.items())], "total": len(errors), "csv": None,
                              "numeric": []})
    else:
        sec["blocks"].append(note("No resource failed to read."))
    sec["blocks"].append(kv([(s["title"], "%d (%s)" % (b.levels[s["id"]], LEVEL_NAMES[b.levels[s["id"]]]))
                             for s in SECTIONS], "Report sections and detail levels"))
    if b.csv_written:
        capped = truncation(b.view, "events") if "events.csv" in b.csv_written else None
        sec["blocks"].append(note("Inventories written next to this report: %s.%s" % (
            ", ".join(sorted(b.csv_written)),
            " They list every record read, except events.csv, which is truncated: %s (collect_events_max)." % capped
            if capped else "")))
