"""Tenants, view policies, views, quotas, user quotas, S3 and QoS policies, local users and groups.

Views, quotas and user quotas are bulk resources: each record is a pure function of its index and the core
(tenants, policies), so they can be generated lazily. The view -> policy -> tenant assignment and the view
paths are arithmetic (no randomness), which keeps ``count_views`` exact without materialising the views.
"""
from .context import FIRST_NAMES, PROJECT_WORDS

FLAVORS = ("NFS", "SMB", "MIXED_LAST_WINS", "S3_NATIVE")
PROTOCOLS = {"NFS": ["NFS"], "SMB": ["SMB"], "MIXED_LAST_WINS": ["NFS", "SMB"], "S3_NATIVE": ["S3"]}
DEFAULT_TOPS = ("projects", "home", "s3")
TB = 10 ** 12                 # VMS reports capacity in base 10 (vms.capacity_base_10)
GB = 1024 ** 3


def build_tenants(ctx):
    s, rng = ctx.scale, ctx.rng
    tenants = []
    names = {}
    for t in range(s.tenants):
        ident = t + 1
        name = "default" if t == 0 else "%s-%s" % (PROJECT_WORDS[(t * 5) % len(PROJECT_WORDS)], ident)
        names[ident] = name
        tenants.append(ctx.new(
            "Tenant", **ctx.common("tenants", ident, name), client_ip_ranges=[] if t == 0 else
            [["172.24.%d.1" % (t % 250), "172.24.%d.254" % (t % 250)]],
            client_ip_ranges_summary="" if t == 0 else "172.24.%d.[1-254]" % (t % 250),
            vippool_names=[], vippools=[], ad_provider_id=1 if t == 0 else None, ad_title="",
            ldap_provider_id=None, ldap_title="", nis_provider_id=None, nis_title="", local_provider_id=1,
            local_provider_title="local", local_provider={"id": 1, "name": "local"},
            posix_primary_provider="AD" if t == 0 else "LOCAL", login_name_primary_provider="AD" if t == 0 else
            "LOCAL", encryption_group="", encryption_group_state="", encryption_group_id=None, encryption_crn="",
            domain_name="" if t == 0 else "%s.%s" % (name, ctx.domain), is_nfsv42_supported=rng.random() < 0.3,
            smb_allowed=t == 0 or rng.random() < 0.5, require_smb_signing=False,
            capacity_rules={"soft_limit": 0, "hard_limit": 0, "soft_limit_inodes": 0, "hard_limit_inodes": 0,
                            "grace_period": "", "notify_soft_limit": False, "notify_hard_limit": False},
            qos={"static_limits": {}}, tenant_admins_group_name="", **ctx.sync()))
        # TruncatedQOS requires static_limits; give it the schema's neutral limits
        tenants[-1]["qos"] = ctx.models.default_value(ctx.models.schemas["TruncatedQOS"])
    ctx.add("tenants", tenants)
    ctx.tenant_names = names


def finish_tenants(ctx):
    pools_by_tenant = {}
    for pool in ctx.data["vippools"]:
        pools_by_tenant.setdefault(pool["tenant_id"], []).append(pool)
    for tenant in ctx.data["tenants"]:
        pools = pools_by_tenant.get(tenant["id"], [])
        tenant["vippool_names"] = [p["name"] for p in pools]
        tenant["vippools"] = [{"id": p["id"], "name": p["name"]} for p in pools]


def build(ctx):
    _viewpolicies(ctx)
    _views(ctx)
    _quotas(ctx)
    _userquotas(ctx)
    _s3_qos(ctx)
    _users_groups(ctx)


# ---- view policies ------------------------------------------------------------------------------------------
def _viewpolicies(ctx):
    s, rng = ctx.scale, ctx.rng
    n_t = len(ctx.tenant_names)
    policies = []
    for p in range(s.viewpolicies):
        ident = p + 1
        if p == 0:
            name, flavor, tenant = "default", "NFS", 1
        elif p == 1:
            name, flavor, tenant = "s3_default_policy", "S3_NATIVE", 1
        else:
            flavor = FLAVORS[p % len(FLAVORS)]
            tenant = 1 if p % 3 == 0 or n_t == 1 else 2 + p % (n_t - 1)
            name = "%s-%s-%d" % (flavor.lower().split("_")[0], PROJECT_WORDS[p % len(PROJECT_WORDS)], ident)
        nfs = flavor in ("NFS", "MIXED_LAST_WINS")
        smb = flavor in ("SMB", "MIXED_LAST_WINS")
        s3 = flavor == "S3_NATIVE"
        proto = [x for x, on in (("NFSv3", nfs), ("NFSv4.1", nfs), ("SMB", smb), ("S3", s3)) if on]
        policies.append(ctx.new(
            "ViewPolicy", **ctx.common("viewpolicies", ident, name), flavor=flavor, tenant_id=tenant,
            tenant_name=ctx.tenant_names[tenant], nfs_read_write=["*"] if nfs else [], nfs_read_only="",
            read_only=[], read_write=["*"], nfs_root_squash=[] if p % 4 else ["10.0.0.0/8"], nfs_all_squash=[],
            nfs_no_squash=[], smb_read_write=["*"] if smb else [], smb_read_only=[],
            s3_read_write=["*"] if s3 else [], s3_read_only=[], vip_pools=[], auth_source="RPC_AND_PROVIDERS"
            if p % 2 else "PROVIDERS", access_flavor="ALL", path_length="NPL", allowed_characters="NPL",
            use_32bit_fileid=False, nfs_posix_acl=p % 5 == 0, atime_frequency="3600",
            pretty_atime_frequency="1 hour", is_s3_default_policy=p == 1, protocols=proto,
            created=ctx.ts(rng.randint(30, 700) * 86400), count_views=0, **ctx.cluster_ref(), **ctx.sync()))
    ctx.add("viewpolicies", policies)
    counts = {}
    for i in range(s.views):
        pid = view_policy_index(ctx, i) + 1
        counts[pid] = counts.get(pid, 0) + 1
    for pol in policies:
        pol["count_views"] = counts.get(pol["id"], 0)


def view_policy_index(ctx, i):
    n = ctx.scale.viewpolicies
    if i % 3 == 0 or n < 3:
        return 0
    return 1 + (i * 7919) % (n - 1)


def view_tops(ctx, tenant_id):
    return DEFAULT_TOPS if tenant_id == 1 else (ctx.tenant_names[tenant_id],)


def view_path(ctx, i):
    """Path of view i: /<top>/<word>-<n>; the top level is per tenant (and what protected paths cover)."""
    pol = ctx.data["viewpolicies"][view_policy_index(ctx, i)]
    tops = view_tops(ctx, pol["tenant_id"])
    if pol["flavor"] == "S3_NATIVE" and pol["tenant_id"] == 1:
        top = "s3"
    else:
        top = tops[i % len(tops)] if pol["tenant_id"] != 1 else DEFAULT_TOPS[i % 2]
    return "/%s/%s-%d" % (top, PROJECT_WORDS[(i * 31) % len(PROJECT_WORDS)], i + 1), pol


def view_logical(ctx, i):
    """Logical bytes in view i: the cluster's logical use spread over the views, so that they add up to it and
    never more (as on a real cluster, where the directories hold the data the cluster counts as in use).

    Views come in pairs that share one draw: 1 + d for the first, 1 - d for the second, so every pair holds twice
    the mean whatever d is and a record stays a pure function of its index (lazy profiles); an odd last view holds
    the mean (whole bytes: the sum is the cluster's figure, less the remainder of dividing it by the views)."""
    n = max(1, ctx.scale.views)
    mean = int(ctx.cap["logical_space_in_use"]) // n
    if i == n - 1 and n % 2:
        return mean
    first = int(mean * (1 + ctx.record_rng("views-capacity", i // 2).uniform(-0.8, 0.8)))
    return first if i % 2 == 0 else 2 * mean - first


def _views(ctx):
    s = ctx.scale
    drr = ctx.cap["drr"]

    def view(i):
        rng = ctx.record_rng("views", i)
        path, pol = view_path(ctx, i)
        word = path.rsplit("/", 1)[1]
        flavor = pol["flavor"]
        protocols = list(PROTOCOLS[flavor])
        if flavor == "NFS" and i % 4 == 1:
            protocols.append("NFS4")
        logical = view_logical(ctx, i)
        return ctx.new(
            "View", **ctx.common("views", i + 1, "view-%d" % (i + 1), rng=rng, title=path), path=path,
            alias="/%s" % word if "NFS" in protocols else "", protocols=protocols, policy=pol["name"],
            policy_id=pol["id"], tenant_id=pol["tenant_id"], tenant_name=pol["tenant_name"],
            share=word if "SMB" in protocols else "", bucket=word if "S3" in protocols else "",
            bucket_owner="%s" % FIRST_NAMES[i % len(FIRST_NAMES)] if "S3" in protocols else "",
            qos_policy=None, qos_policy_id=None, logical_capacity=logical,
            # at most logical / drr: the views' usable bytes add up to no more than the cluster's usable in use
            physical_capacity=int(logical / drr * rng.uniform(0.9, 1.0)), locking=False, s3_versioning=False,
            is_seamless=False, nfs_interop_flags="BOTH_NFS3_AND_NFS4_INTEROP_DISABLED", directory=True,
            create_dir="true", created=ctx.ts(rng.randint(1, 700) * 86400 + rng.randint(0, 86399), rng),
            **ctx.cluster_ref(), **ctx.sync(rng))
    ctx.bulk["views"] = (s.views, view)


# ---- quotas ---------------------------------------------------------------------------------------------------
def quota_path(ctx, i):
    n = ctx.scale.views
    path, pol = view_path(ctx, i % n)
    if i >= n:
        path = "%s/sub-%d" % (path, i // n)
    return path, pol


def _quotas(ctx):
    s = ctx.scale

    def quota(i):
        rng = ctx.record_rng("quotas", i)
        path, pol = quota_path(ctx, i)
        used = view_logical(ctx, i % s.views)
        if i >= s.views:  # a sub-directory quota: part of its view
            used = int(used * rng.uniform(0.05, 0.3))
        hard = max(GB, -(-int(used / rng.uniform(0.3, 0.97)) // GB) * GB)
        soft = int(hard * 0.9) if i % 2 else None
        state = "SOFT_EXCEEDED" if soft is not None and used > soft else "OK"
        inodes = rng.randint(100, 5000000)
        return ctx.new(
            "Quota", **ctx.common("quotas", i + 1, "%s-quota" % path.strip("/").replace("/", "-"), rng=rng),
            path=path, state=state, pretty_state=state.replace("_", " ").title(), soft_limit=soft,
            hard_limit=hard, soft_limit_inodes=0, hard_limit_inodes=0, grace_period="90m" if soft else None,
            pretty_grace_period="1:30:00" if soft else None, used_capacity=used, used_effective_capacity=used,
            used_capacity_tb=round(used / TB, 3), used_effective_capacity_tb=round(used / TB, 3),
            used_limited_capacity=used, used_inodes=inodes, percent_capacity=int(100 * used / hard),
            percent_inodes=0, is_user_quota=i % 10 == 0, enable_alarms=i % 3 == 0, num_exceeded_users=0,
            num_blocked_users=0, tenant_id=pol["tenant_id"], tenant_name=pol["tenant_name"], sync_state="SYNCED",
            default_email="", **ctx.cluster_ref())
    ctx.bulk["quotas"] = (s.quotas, quota)


def _userquotas(ctx):
    s = ctx.scale

    def userquota(i):
        rng = ctx.record_rng("userquotas", i)
        path, pol = quota_path(ctx, (i * 10) % max(1, s.quotas))
        user = "%s%d" % (FIRST_NAMES[i % len(FIRST_NAMES)], i // len(FIRST_NAMES))
        uid = 10000 + i
        hard = rng.randint(10, 2000) * GB
        used = int(hard * rng.uniform(0, 0.9))
        return ctx.new(
            "UserQuota", id=i + 1, guid=ctx.guid(rng), name=user, path=path, identifier=str(uid),
            identifier_type="uid", entity_identifier="uid:%d" % uid,
            entity={"name": user, "identifier": str(uid), "identifier_type": "uid", "is_group": False,
                    "email": "%s@%s" % (user, ctx.domain), "vast_id": uid},
            hard_limit=hard, soft_limit=int(hard * 0.8), hard_limit_inodes=0, soft_limit_inodes=0,
            grace_period="1d", used_capacity=used, used_inodes=rng.randint(10, 100000),
            percent_capacity=int(100 * used / hard), percent_inodes=0, state="OK", is_accountable=True,
            time_to_block="", quota_system_id=(i * 10) % max(1, s.quotas) + 1, url=ctx.url("userquotas", i + 1))
    ctx.bulk["userquotas"] = (s.userquotas, userquota)


# ---- S3 and QoS policies, local users/groups -----------------------------------------------------------------
def _s3_qos(ctx):
    s = ctx.scale
    s3 = []
    for p in range(s.s3policies):
        name = ("read-only-buckets", "full-access", "backup-writer", "analytics-read")[p % 4] + \
            ("" if p < 4 else "-%d" % p)
        doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], ' \
              '"Resource": ["arn:aws:s3:::bucket-%d/*"]}]}' % p
        s3.append(ctx.new("S3Policy", **ctx.common("s3policies", p + 1, name), policy=doc,
                          users=[FIRST_NAMES[p % len(FIRST_NAMES)]], groups=[], enabled=True, tenant_id=1,
                          tenant_name="default", is_replicated=False))
    ctx.add("s3policies", s3)
    qos = []
    for q in range(s.qospolicies):
        name = ("gold", "silver", "bronze", "backup", "tenant-cap")[q % 5] + ("" if q < 5 else "-%d" % q)
        rec = ctx.new("QOSPolicy", **ctx.common("qospolicies", q + 1, name), mode="STATIC", policy_type="VIEW",
                      limit_by="BW_IOPS", is_default=False, is_gold=q == 0, tenant_id=1, tenant_name="default",
                      io_size_bytes=65536, use_total_limits=False)
        rec.pop("title", None)
        qos.append(rec)
    ctx.add("qospolicies", qos)


def _users_groups(ctx):
    groups, users = [], []
    for g, name in enumerate(("engineering", "finance", "render", "backup-ops")):
        groups.append(ctx.new("Group", **ctx.common("groups", g + 1, name), gid=5000 + g, sid="",
                              local_provider={"id": 1, "name": "local"}, s3_policies=[], s3_policies_ids=[]))
    for u, first in enumerate(FIRST_NAMES[:10]):
        users.append(ctx.new("User", **ctx.common("users", u + 1, first), uid=10000 + u,
                             leading_gid=5000 + u % 4, gids=[5000 + u % 4], local=True, allow_create_bucket=u % 2 == 0,
                             allow_delete_bucket=False, s3_superuser=False, access_keys=[]))
    ctx.add("groups", groups)
    ctx.add("users", users)
    ctx.add("localproviders", [ctx.new("LocalProvider", id=1, name="local", description="Local users and groups",
                                       managed_by=["SUPER_ADMIN"])])
