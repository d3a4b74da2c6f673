"""Data protection: protection policies, protected paths, replication peers and S3 targets, streams, snapshots.

Every view lies under a protected path with a LOCAL policy (the per-tenant top-level directories), so a
default cluster has no unprotected view; replicated paths point at real peers through real policies.
"""
import datetime

from .logical import DEFAULT_TOPS, view_path

LOCAL_POLICIES = [("daily-local-7d", "daily", "24h", "7d"), ("hourly-local-2d", "hourly", "1h", "2d"),
                  ("weekly-local-8w", "weekly", "168h", "8w")]


def build(ctx):
    _peers(ctx)
    _policies(ctx)
    _protected_paths(ctx)
    _snapshots(ctx)
    ctx.add("replicationpolicies", [])
    ctx.add("replicationrestorepoints", [])
    ctx.add("globalsnapstreams", [])


def _peers(ctx):
    rng = ctx.rng
    peers = []
    pool = next((p for p in ctx.data["vippools"] if p["role"] == "REPLICATION"), None)
    for n in range(ctx.scale.replication_peers):
        name = "%s-dr-%02d" % (ctx.site, n + 1)
        first = 100 + 10 * n
        vips = ["192.0.2.%d" % (first + k) for k in range(4)]
        peers.append(ctx.new(
            "NativeReplicationRemoteTarget", id=n + 1, guid=ctx.guid(), url=ctx.url("nativereplicationremotetargets",
                                                                                    n + 1),
            name=name, peer_name=name, leading_vip=vips[0], remote_vip_range="%s-%s" % (vips[0], vips[-1]),
            remote_vips=vips, address_count=len(vips), pool=pool["name"] if pool else "",
            pool_id=str(pool["id"]) if pool else "", pool_name=pool["name"] if pool else "", state="CONNECTED",
            state_description="", health="HEALTHY", status="OK", sync_state="SYNCED", secure_mode="NONE",
            transport_mode="TCP", version=ctx.sw_version, remote_version=ctx.sw_version,
            space_left="%d TB" % rng.randint(50, 900), last_heart_beat=ctx.ts(rng.randint(5, 50)), mss=8960,
            created=ctx.ts(rng.randint(60, 400) * 86400), is_local=False))
    ctx.add("nativereplicationremotetargets", peers)
    targets = [ctx.new(
        "ReplicationTarget", id=1, guid=ctx.guid(), url=ctx.url("replicationtargets", 1), name="s3-archive",
        bucket_name="%s-archive" % ctx.site, http_protocol="https", type="AWS_S3", custom_bucket_url="",
        aws_region="us-east-1", aws_account_id="", aws_role="", proxies="", state="ACTIVE", state_description="",
        access_key="****************%s" % ctx.digits(4), created=ctx.ts(rng.randint(60, 400) * 86400))]
    ctx.add("replicationtargets", targets)


def _policies(ctx):
    rng = ctx.rng
    out = []
    start = (ctx.now - datetime.timedelta(days=300)).strftime("%Y-%m-%d 00:30:00")

    def policy(name, prefix, every, keep_local, keep_remote, clone_type, peer=None):
        ident = len(out) + 1
        frame = {"every": every, "start-at": start, "keep-local": keep_local, "keep-remote": keep_remote}
        rec = ctx.new("ProtectionPolicy", **ctx.common("protectionpolicies", ident, name), prefix=prefix,
                      frames=[frame], clone_type=clone_type,
                      pretty_schedules=["every %s start-at %s keep-local %s keep-remote %s" %
                                        (every, start, keep_local, keep_remote)],
                      indestructible=False, is_local=clone_type == "LOCAL", is_on_schedule=True,
                      native_replication_remote_target=peer["name"] if peer else "",
                      target_name=peer["name"] if peer else "", target_guid=peer["guid"] if peer else "",
                      target_object_id=peer["id"] if peer else 0, state="working", tenant_id=1,
                      tenant={"id": 1, "name": "default"}, sync_interval=3600 if peer else 0,
                      created=ctx.ts(rng.randint(200, 600) * 86400))
        out.append(rec)
        return rec
    for name, prefix, every, keep in LOCAL_POLICIES:
        policy(name, prefix, every, keep, "0", "LOCAL")
    for peer in ctx.data["nativereplicationremotetargets"]:
        policy("dr-%s-hourly" % peer["name"], "dr", "1h", "2d", "14d", "NATIVE_REPLICATION", peer)
    while len(out) < max(3, min(8, 2 + ctx.scale.tenants)):
        n = len(out) + 1
        policy("tenant-local-%d" % n, "t%d" % n, "12h", "3d", "0", "LOCAL")
    ctx.add("protectionpolicies", out)
    ctx.add("snapshotpolicies", [ctx.new(
        "SnapshotPolicy", **ctx.common("snapshotpolicies", 1, "legacy-home-hourly"), path="/home",
        schedule="periodic:3600", humanize_schedule="every 1 hour", prefix="legacy", max_created_snapshots=24,
        snapshot_expiration="1D", enabled=False, last_operation_state="SUCCESS", cluster=ctx.cluster_name)])


def _protected_paths(ctx):
    rng = ctx.rng
    policies = ctx.data["protectionpolicies"]
    local = [p for p in policies if p["clone_type"] == "LOCAL"]
    remote = [p for p in policies if p["clone_type"] != "LOCAL"]
    tops = ["/%s" % t for t in DEFAULT_TOPS] + ["/%s" % ctx.tenant_names[t] for t in sorted(ctx.tenant_names)
                                                 if t != 1]
    paths, streams = [], []

    def add(source, policy, tenant_id, peer=None, target_dir=""):
        ident = len(paths) + 1
        name = source.strip("/").replace("/", "-") + ("-to-%s" % peer["name"] if peer else "-local")
        rec = ctx.new(
            "ProtectedPath", id=ident, guid=ctx.guid(), url=ctx.url("protectedpaths", ident), name=name,
            source_dir=source, target_exported_dir=target_dir, protection_policy_id=str(policy["id"]),
            protection_policy_name=policy["name"], enabled=True,
            state="Active" if peer else "LOCAL_ACTIVE", health="HEALTHY", role="SOURCE" if peer else "",
            capabilities="ASYNC_REPLICATION" if peer else "", is_local=peer is None,
            peer_cluster_name=peer["name"] if peer else "", remote_tenant_name="default" if peer else "",
            replication_target_name=peer["name"] if peer else "",
            last_restore_point_time=ctx.ts(rng.randint(60, 900)) if peer else "",
            last_snapshot_creation_time=ctx.ts(rng.randint(60, 3600)), sync_interval=3600 if peer else 0,
            logical_size=rng.randint(1, 500) * 1024 ** 4, physical_size=rng.randint(1, 300) * 1024 ** 4,
            tenant_id=tenant_id, tenant_name=ctx.tenant_names[tenant_id], internal=False, failover=False)
        paths.append(rec)
        if peer:
            streams.append(ctx.new(
                "ReplicationStream", id=len(streams) + 1, guid=ctx.guid(), name="%s-stream" % name, enabled=True,
                protected_path_id=ident, protected_path_guid=rec["guid"], remote_target_id=peer["id"],
                remote_target_name=peer["name"], protection_policy=policy["name"], source_dir=source,
                role="SOURCE", state="INCREMENTAL_SYNC", bw=rng.randint(100, 4000) * 1024 ** 2,
                priority_number=len(streams) + 1, priority_score=1.0, remote_tenant_name="default",
                remote_tenant_guid=ctx.guid()))
    for k, top in enumerate(tops):
        tenant_id = 1 if k < len(DEFAULT_TOPS) else sorted(ctx.tenant_names)[k - len(DEFAULT_TOPS) + 1]
        add(top, local[k % len(local)], tenant_id)
    peers = ctx.data["nativereplicationremotetargets"]
    for n, peer in enumerate(peers):
        policy = next(p for p in remote if p["target_name"] == peer["name"])
        for j in range(2):
            path, pol = view_path(ctx, (n * 2 + j) * 3 % max(1, ctx.scale.views))
            add(path, policy, pol["tenant_id"], peer, "/dr%s" % path)
    ctx.add("protectedpaths", paths)
    ctx.add("replicationstreams", streams)


def _snapshots(ctx):
    local_paths = [p for p in ctx.data["protectedpaths"] if p["is_local"]]
    policies = {str(p["id"]): p for p in ctx.data["protectionpolicies"]}
    n_paths = len(local_paths)

    def snapshot(i):
        rng = ctx.record_rng("snapshots", i)
        pp = local_paths[i % n_paths]
        pol = policies[pp["protection_policy_id"]]
        age_hours = (i // n_paths) * (1 if pol["prefix"] == "hourly" else 24) + 1
        created = ctx.now - datetime.timedelta(hours=age_hours, minutes=30)
        keep = pol["frames"][0]["keep-local"]
        days = {"d": 1, "w": 7}.get(keep[-1], 1) * int(keep[:-1])
        stamp = created.strftime("%Y-%m-%d_%H_%M")
        return ctx.new(
            "Snapshot", **ctx.common("snapshots", i + 1, "%s_%s" % (pol["prefix"], stamp), rng=rng),
            path=pp["source_dir"] + "/", created=created.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            expiration_time=(created + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            state="SUCCEED", locked=False, indestructible=False, protection_policy=pol["name"],
            protection_policy_id=pol["id"], policy=None, policy_id=None, tenant_id=pp["tenant_id"],
            tenant_name=pp["tenant_name"], type="PROTECTION", cluster=ctx.cluster_name,
            aggr_phys_estimation=rng.randint(1, 100) * 1024 ** 3, unique_phys_estimation=rng.randint(0, 10) * 1024 ** 3)
    ctx.bulk["snapshots"] = (ctx.scale.snapshots, snapshot)
