"""Identity and security: Active Directory (with its LDAP), LDAP/NIS for bigger profiles, certificates,
encryption groups, managers (VMS users), roles, realms and pre-existing API tokens.

Never generated: passwords, bind passwords, private keys (the skeletons drop them, see models.SECRET_FIELDS).
"""
import datetime

from ..certs import data_certificate
from ..common import iso

REALMS = {
    "hardware": ["cbox", "cnode", "dbox", "dnode", "dtray", "ssd", "nvram", "switch", "port", "rack", "psu", "fan"],
    "logical": ["view", "viewpolicy", "quota", "tenant", "vippool", "s3policy", "qospolicy"],
    "security": ["manager", "role", "realm", "apitoken", "certificate", "ldap", "activedirectory", "nis"],
    "monitoring": ["alarm", "event", "monitor", "eventdefinition"],
    "settings": ["cluster", "vms", "callhomeconfig", "license"],
    "support": ["supportbundle", "vtask"],
    "data_protection": ["protectionpolicy", "protectedpath", "snapshot", "replicationtarget"],
}


def build(ctx):
    _identity(ctx)
    _certificates(ctx)
    ctx.add("encryptiongroups", [{"id": 1, "guid": ctx.guid(), "crn": "INTERNAL_ENCRYPTION_GROUP_CRN",
                                  "state": "ACTIVE"}])
    _rbac(ctx)


def _ldap(ctx, ident, urls, domain, tenant_id, ad=None):
    base = ",".join("dc=%s" % p for p in domain.split("."))
    return ctx.new(
        "Ldap", id=ident, guid=ctx.guid(), name=domain, title=domain, domain_name=domain, urls=urls,
        url=",".join(urls), port=389, binddn="cn=svc-vast,ou=service,%s" % base, searchbase=base,
        group_searchbase="", method="simple", state="CONNECTED", use_tls=False, use_ldaps=False,
        use_auto_discovery=ad is not None, use_posix=True, posix_primary_provider=ad is None,
        active_directory_id=ad, active_directory=domain if ad else "", is_vms_auth_provider=False,
        super_admin_groups=[], monitor_action="PING", query_groups_mode="COMPATIBLE",
        posix_attributes_source="JOINED_DOMAIN", tenant_id=tenant_id)


def _identity(ctx):
    domain = "corp.%s" % ctx.domain
    ad_ldap = _ldap(ctx, 1, ["ldap://192.0.2.10:389", "ldap://192.0.2.11:389"], domain, 1, ad=1)
    ldaps = [ad_ldap]
    nis = []
    if ctx.scale.tenants > 25 and len(ctx.tenant_names) > 2:
        ldaps.append(_ldap(ctx, 2, ["ldap://192.0.2.20:389"], "research.%s" % ctx.domain, 2))
        nis.append(ctx.new("NIS", id=1, guid=ctx.guid(), url=ctx.url("nis", 1), name="nis.%s" % ctx.domain,
                           title="nis.%s" % ctx.domain, domain_name="nis.%s" % ctx.domain,
                           servers=["192.0.2.30", "192.0.2.31"], ips=["192.0.2.30", "192.0.2.31"], hosts=[],
                           state="CONNECTED", posix_primary_provider=True, tenant_id=3))
        for tenant in ctx.data["tenants"]:
            if tenant["id"] == 2:
                tenant.update(ldap_provider_id=2, ldap_title=ldaps[1]["name"], posix_primary_provider="LDAP")
            if tenant["id"] == 3:
                tenant.update(nis_provider_id=1, nis_title=nis[0]["name"], posix_primary_provider="NIS")
    machine = ctx.prefix.upper()[:15]
    ad = ctx.new("ActiveDirectory", **ctx.common("activedirectory", 1, domain), domain_name=domain,
                 machine_account_name=machine, organizational_unit="OU=Storage,%s" % ",".join(
                     "DC=%s" % p for p in domain.split(".")), state="JOINED", enabled=True, smb_allowed=True,
                 ntlm_enabled=False, monitor_action="PING", ldap_id=1, ldap=ad_ldap, preferred_dc_list={},
                 ma_pwd_change_frequency="30d", scheduled_ma_pwd_change_enabled=True,
                 ma_pwd_update_time=ctx.ts(12 * 86400), tenant_id=1)
    ctx.add("activedirectory", [ad])
    for tenant in ctx.data["tenants"]:
        if tenant.get("ad_provider_id") == ad["id"]:
            tenant["ad_title"] = ad["title"]      # a tenant names its AD provider by the provider's title
    ctx.add("ldaps", ldaps)
    ctx.add("nis", nis)


def certificate_pair(ctx, name, days_left, ident):
    """(certificate PEM, CA PEM) for a data certificate expiring ``days_left`` days after the reference now."""
    seed = "%d:%s:%d" % (ctx.seed, name, ident)
    ca_seed = "%d:ca" % ctx.seed
    start = ctx.now - datetime.timedelta(days=300)
    ca = data_certificate(ca_seed, "%s internal CA" % ctx.cluster_name, start - datetime.timedelta(days=400),
                          ctx.now + datetime.timedelta(days=3000))
    cert = data_certificate(seed, "%s.%s" % (name, ctx.domain), start, ctx.now + datetime.timedelta(days=days_left),
                            issuer=(ca_seed, "%s internal CA" % ctx.cluster_name))
    return cert, ca


def _certificates(ctx):
    certs = []
    for ident, (name, days) in enumerate((("vms", 430), ("s3-gateway", 400), ("replication-mtls", 365)), 1):
        cert, ca = certificate_pair(ctx, name, days, ident)
        certs.append({"id": ident, "name": name, "state": "ACTIVE", "created": ctx.ts(300 * 86400),
                      "certificate": cert, "ca_certificate": ca, "url": ctx.url("certificates", ident)})
    ctx.add("certificates", certs)
    ctx.vms_certificate = certs[0]["certificate"]


def _rbac(ctx):
    realms = []
    for ident, (name, types) in enumerate(sorted(REALMS.items()), 1):
        realms.append({"id": ident, "guid": ctx.guid(), "name": name, "object_types": types, "tenant_id": 1,
                       "tenant": {"id": 1, "name": "default"}})
    ctx.add("realms", realms)
    perms_all = ["%s_%s" % (verb, realm) for realm in sorted(REALMS) for verb in ("view", "create", "edit", "delete")]
    perms_view = ["view_%s" % realm for realm in sorted(REALMS)]
    tenant_perms = ["%s_logical" % verb for verb in ("view", "create", "edit", "delete")]
    role_defs = [("Admin", True, perms_all), ("ReadOnly", False, perms_view), ("TenantAdmin", False, tenant_perms),
                 ("Support", False, perms_view + ["create_support"])]
    roles = []
    for ident, (name, admin, perms) in enumerate(role_defs, 1):
        roles.append(ctx.new("Role", id=ident, guid=ctx.guid(), name=name, is_admin=admin, is_default=ident <= 3,
                             permissions=perms, ldap_groups=[], tenants=[1], tenant_names="default", managers=[],
                             tenant_id=1, tenant={"id": 1, "name": "default"}))
    ta_tenant = _tenant_admin_tenant(ctx)
    managers_def = [("admin", "SUPER_ADMIN", 1, 1, "Cluster", "Admin"),
                    ("readonly", "SUPER_ADMIN", 2, 1, "Read", "Only"),
                    ("tenantadmin", "TENANT_ADMIN", 3, ta_tenant["id"], "Tenant", "Admin"),
                    ("ops-%s" % ctx.site, "SUPER_ADMIN", 1, 1, "Ops", ctx.site.title()),
                    ("support", "SUPER_ADMIN", 4, 1, "Vendor", "Support")]
    managers = []
    for ident, (user, kind, role_id, tenant_id, first, last) in enumerate(managers_def, 1):
        role = roles[role_id - 1]
        role["managers"] = role["managers"] + [{"id": ident, "username": user}]
        tenant = next(t for t in ctx.data["tenants"] if t["id"] == tenant_id)
        managers.append(ctx.new(
            "Manager", id=ident, guid=ctx.guid(), username=user, first_name=first, last_name=last,
            full_name="%s %s" % (first, last), user_type=kind, is_active=True, is_default=user == "admin",
            is_temporary_password=False, failed_logins=0, last_login=ctx.ts(ctx.rng.randint(600, 9 * 86400)),
            password_expiration=iso(ctx.now + datetime.timedelta(days=ctx.rng.randint(30, 170))),
            password_expiration_disabled=user == "admin", roles={str(role["id"]): role["name"]},
            permissions={}, object_permissions={}, tenant_id=tenant_id,
            tenant={"id": tenant_id, "name": tenant["name"]}, url=ctx.url("managers", ident)))
    ctx.add("roles", roles)
    ctx.add("managers", managers)
    ctx.tenant_admin_tenant = ta_tenant
    tokens = []
    if ctx.release.api_tokens:
        for owner, name, age, life in (("admin", "grafana-exporter", 40, 180),
                                       ("readonly", "ansible-readonly", 10, 90)):
            created = ctx.now - datetime.timedelta(days=age, hours=ctx.rng.randint(0, 23))
            prefix = "".join(ctx.rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                             for _ in range(8))
            tokens.append({"id": "%s.%040x" % (prefix, ctx.rng.getrandbits(160)), "name": name,
                           "owner": owner, "created": iso(created),
                           "expiry_date": iso(created + datetime.timedelta(days=life)),
                           "last_used": iso(ctx.now - datetime.timedelta(hours=ctx.rng.randint(1, 30))),
                           "revoked": False, "revocation_time": None})
    ctx.add("apitokens", tokens)


def _tenant_admin_tenant(ctx):
    wanted = ctx.cfg.tenant_admin_tenant
    tenants = ctx.data["tenants"]
    if wanted:
        for t in tenants:
            if t["name"] == wanted:
                return t
        raise ValueError("tenant_admin_tenant %r is not a generated tenant (%s)" % (
            wanted, ", ".join(t["name"] for t in tenants[:5])))
    return tenants[1] if len(tenants) > 1 else tenants[0]
