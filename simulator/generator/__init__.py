"""Deterministic generation of one consistent cluster from a profile and a seed.

``generate(config)`` returns a :class:`Generated`: eager records per resource, bulk factories for the big
resources (materialised unless the profile is lazy), singletons and a few facts the server needs. Same config,
same bytes: only ``random.Random(seed)`` and the configured reference "now" feed the data.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple

from . import cluster, hardware, logical, monitoring, network, protection, security
from .context import Context


@dataclass
class Generated:
    data: Dict[str, List[dict]]
    bulk: Dict[str, Tuple[int, Callable[[int], dict]]]
    singletons: Dict[str, Any]
    meta: Dict[str, Any] = field(default_factory=dict)
    context: Any = None


def generate(config):
    ctx = Context(config)
    cluster.versions(ctx)
    ctx.mgmt_vip = ctx.mgmt(30, 40)
    hardware.build(ctx)
    cluster.plan_capacity(ctx)
    logical.build_tenants(ctx)
    network.build(ctx)
    logical.finish_tenants(ctx)
    logical.build(ctx)
    protection.build(ctx)
    security.build(ctx)
    cluster.build(ctx)
    monitoring.build(ctx)
    bulk = dict(ctx.bulk)
    lazy = ctx.scale.lazy if config.lazy is None else config.lazy
    if not lazy:
        for name, (count, factory) in ctx.bulk.items():
            ctx.data[name] = [factory(i) for i in range(count)]
        bulk = {}
    meta = {
        "cluster_name": ctx.cluster_name, "cluster_guid": ctx.cluster_guid, "domain": ctx.domain,
        "raw_bytes": ctx.raw_bytes, "sw_version": ctx.sw_version, "build": ctx.build, "mgmt_vip": ctx.mgmt_vip,
        "tenant_admin_tenant": {"id": ctx.tenant_admin_tenant["id"], "name": ctx.tenant_admin_tenant["name"]},
        "seed": ctx.seed, "now": ctx.now,
    }
    return Generated(data=ctx.data, bulk=bulk, singletons=ctx.singletons, meta=meta, context=ctx)
