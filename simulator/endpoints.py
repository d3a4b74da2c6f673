"""Endpoints that are not plain collections: capacity, monitor queries, Prometheus text, health, login,
the API root and the OpenAPI document."""
import datetime

from .generator.context import RecordRandom
from .models import load_spec, models

TB10 = 10 ** 12


def capacity(state, params):
    """``GET /capacity/?path=/&type=usable`` in the shape of NOTES 5.7, aggregated from the views."""
    path = params.get("path") or "/"
    path = "/" + path.strip("/")
    agg = {}
    for view in state.collection("views").values():
        vpath = view.get("path") or ""
        if path != "/" and not (vpath == path or vpath.startswith(path + "/")):
            continue
        rest = vpath[len(path):].strip("/") if path != "/" else vpath.strip("/")
        if not rest:
            continue
        child = (path.rstrip("/") + "/" + rest.split("/")[0]) if path != "/" else "/" + rest.split("/")[0]
        logical = int(view.get("logical_capacity") or 0)
        physical = int(view.get("physical_capacity") or 0)
        a = agg.setdefault(child, [0, 0, 0])
        a[0] += physical
        a[1] += int(physical * 0.97)
        a[2] += logical
    _fit_to_cluster(state, agg)
    total = [sum(v[i] for v in agg.values()) for i in range(3)]
    now = state.context.now
    details = []
    for child in sorted(agg):
        data = agg[child]
        pct = round(100.0 * data[0] / total[0], 2) if total[0] else 0
        atime = (now - datetime.timedelta(days=len(child) % 9 + 1)).strftime("%Y-%m-%d %H:%M")
        details.append([child, {"data": data, "parent": path, "percent": pct, "average_atime": atime}])
    small = [d for d in details if d[1]["percent"] < 0.1]
    details = [d for d in details if d[1]["percent"] >= 0.1]
    # The real answer lists the asked-for path itself first, whole (NOTES 5.7: ["/", {"parent": "/", "percent":
    # 100}]): a client that adds up "details" counts everything twice unless it leaves that row out.
    parent = path.rsplit("/", 1)[0] or "/"
    atime = (now - datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    details.insert(0, [path, {"data": list(total), "parent": parent, "percent": 100, "average_atime": atime}])
    return {"keys": ["usable", "unique", "logical"], "sort_key": params.get("type") or "usable",
            "time": now.strftime("%Y-%m-%d %H:%M:%S"), "root_data": total, "details": details, "small_folders": small}


def _fit_to_cluster(state, agg):
    """Scale the directories to the cluster's logical use as it is now: the views are generated to add up to it,
    but a scenario (``capacity:30``) or an override may have changed the cluster's figures since."""
    clusters = list((state.collection("clusters") or {}).values())
    in_use = int((clusters[0] if clusters else {}).get("logical_space_in_use") or 0)
    held = sum(v[2] for v in agg.values())
    if not in_use or not held or abs(held - in_use) <= in_use // 1000:
        return
    factor = in_use / float(held)
    for values in agg.values():
        values[:] = [int(x * factor) for x in values]


def monitor_query(state, monitor, params):
    """MonitorData: rows of [timestamp, object_id, value...] over the time frame, relative to the data clock."""
    props = params.get("prop_list") or (monitor or {}).get("prop_list") or ["iops"]
    if isinstance(props, str):
        props = [props]
    frame = str(params.get("time_frame") or (monitor or {}).get("time_frame") or "2m")
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(frame[-1:], 60)
    try:
        seconds = int(float(frame[:-1] or 2) * unit)
    except ValueError:
        seconds = 120
    step = max(10, seconds // 30)
    object_type = params.get("object_type") or (monitor or {}).get("object_type") or "cluster"
    ids = [1]
    coll = state.collection(object_type + "s")
    if coll is not None and object_type != "cluster":
        ids = [r["id"] for r in list(coll.values())[:8]]
    now = state.context.now
    rows = []
    for t in range(seconds // step, 0, -1):
        stamp = (now - datetime.timedelta(seconds=t * step)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for oid in ids:
            rng = RecordRandom(state.context.seed * 1000003 + t * 7919 + oid * 104729)
            rows.append([stamp, oid] + [round(rng.uniform(100, 100000), 2) for _ in props])
    return {"prop_list": ["timestamp", "object_id"] + list(props), "data": rows, "object_ids": ids}


def _labels(**kw):
    return "{%s}" % ",".join('%s="%s"' % (k, str(v).replace('"', "'")) for k, v in kw.items())


def prometheus(state, kind):
    """Prometheus text exposition (``text/plain; version=0.0.4``) for /prometheusmetrics/<kind>."""
    cluster = next(iter(state.collection("clusters").values()))
    cname = cluster["name"]
    out = []

    def metric(name, help_text, samples):
        out.append("# HELP %s %s" % (name, help_text))
        out.append("# TYPE %s gauge" % name)
        out.extend("%s%s %s" % (name, labels, value) for labels, value in samples)

    if kind in ("", "all", "defrag", "vms_state"):
        metric("vast_cluster_info", "Cluster information",
               [(_labels(cluster=cname, sw_version=cluster["sw_version"], state=cluster["state"]), 1)])
        metric("vast_cluster_physical_space_in_use_percent", "Physical space in use (%)",
               [(_labels(cluster=cname), cluster["physical_space_in_use_percent"])])
    if kind in ("", "all", "devices"):
        for res, name in (("cnodes", "cnode"), ("dnodes", "dnode"), ("ssds", "ssd"), ("nvrams", "nvram")):
            metric("vast_%s_up" % name, "1 if the %s is active or healthy" % name,
                   [(_labels(cluster=cname, name=r["name"], state=r["state"]),
                     1 if r["state"] in ("ACTIVE", "HEALTHY") else 0) for r in state.collection(res).values()])
    if kind in ("all", "switches"):
        metric("vast_switch_port_up", "1 if the switch port is up",
               [(_labels(cluster=cname, switch=p["switch"].split(" ")[0], port=p["name"]),
                 1 if str(p["state"]).upper() in ("ACTIVE", "UP") else 0) for p in state.collection("ports").values()])
    if kind in ("all", "quotas"):
        metric("vast_quota_used_bytes", "Used capacity per quota",
               [(_labels(cluster=cname, path=q["path"]), q["used_capacity"]) for q in
                state.collection("quotas").values()])
    if kind in ("all", "views"):
        metric("vast_view_logical_bytes", "Logical capacity per view",
               [(_labels(cluster=cname, path=v["path"]), v["logical_capacity"]) for v in
                state.collection("views").values()])
    if kind in ("all", "users"):
        metric("vast_user_sessions", "Open sessions per VMS user",
               [(_labels(cluster=cname, user=m["username"]), 0) for m in state.collection("managers").values()])
    if kind == "alarms":
        metric("vast_alarms_open", "Open alarms per severity",
               [(_labels(cluster=cname, severity=s), sum(1 for a in state.collection("alarms").values()
                                                         if a["severity"] == s))
                for s in ("CRITICAL", "MAJOR", "MINOR", "INFO")])
    if not out:
        metric("vast_exporter_up", "Exporter is up", [(_labels(cluster=cname), 1)])
    return ("\n".join(out) + "\n").encode()


def health(state):
    value = state.singletons.get("health") or {"status": "ok"}
    return (503 if value.get("status") == "error" else 200), value


def api_root(routes, base):
    out = {}
    for res in routes.resources:
        if any(t.segments == (res,) and "GET" in t.methods for t in routes.templates.get((res, 1), ())):
            out[res] = "%s/%s/" % (base, res)
    return out


def openapi_document():
    return load_spec()


def skeleton_for(template_path):
    """A neutral answer for spec GET paths the simulator does not model: [] for arrays, else a skeleton."""
    schema = models().get_response_schema(template_path)
    if not schema:
        return {}
    if schema.get("type") == "array":
        return []
    return models().default_value(schema)


def login(state, user):
    for m in state.collection("managers").values():
        if m.get("username") == user:
            return m
    return {}

