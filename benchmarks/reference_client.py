"""A minimal sequential reference client: how a common VAST script (or a vastpy user) reads a cluster.

Plain ``requests``, one ``Session`` (keep-alive), Basic auth on every request, one request after another: for
each resource path, GET it; a bare JSON list is the whole answer, an envelope (``{count, next, results}``) is
followed through its ``next`` links until the end, or until ``limit`` records for lists read only in part
(the newest events). The records are kept per path and written to one JSON file at the end, as such scripts
do. No concurrency, no retries, no normalisation.

``plan_from_log(entries)`` derives what to read from the simulator's log of a collection run: the same paths
with the same first-page query (``page_size``, ``fields``, filters), so both clients read the same data.
"""
import json

import requests


def plan_from_log(entries, events_max=10000):
    """[(path, params, limit)] from a collection's request log: one item per list it read (first pages only)."""
    plan, seen = [], set()
    for entry in entries:
        path, query = entry["path"], entry.get("query") or ""
        if entry["method"] != "GET" or entry.get("status") != 200 or "/token/" in path:
            continue
        params = [tuple(kv.split("=", 1)) if "=" in kv else (kv, "") for kv in query.split("&") if kv]
        if any(k == "page" for k, _ in params):
            continue                      # later pages: the reference follows next links instead
        key = (path, tuple(params))
        if key in seen or path in seen:
            continue
        seen.add(key)
        seen.add(path)
        limit = events_max if path.rstrip("/").endswith("/events") else None
        plan.append((path, dict(params), limit))
    return plan


def read_all(base_url, username, password, ca_path, plan, out_path=None, timeout=60):
    """Read every item of *plan* sequentially; returns {"requests", "bytes", "records"}."""
    session = requests.Session()
    session.trust_env = False               # REQUESTS_CA_BUNDLE would override verify (requests#3829)
    session.auth = (username, password)
    session.headers["Accept"] = "application/json"
    data, requests_sent, nbytes = {}, 0, 0
    try:
        for path, params, limit in plan:
            records = []
            url, query = base_url + path, params
            while url:
                answer = session.get(url, params=query, verify=ca_path, timeout=timeout)
                answer.raise_for_status()
                requests_sent += 1
                nbytes += len(answer.content)
                body = answer.json()
                if isinstance(body, dict) and isinstance(body.get("results"), list):
                    records.extend(body["results"])
                    url, query = body.get("next"), None
                else:
                    records.extend(body if isinstance(body, list) else [body])
                    url = None
                if limit is not None and len(records) >= limit:
                    records = records[:limit]
                    break
            data[path] = records
        if out_path:
            with open(out_path, "w") as handle:
                handle.write(json.dumps(data))   # json.dumps uses the C encoder; json.dump would not
    finally:
        session.close()
    return {"requests": requests_sent, "bytes": nbytes, "records": sum(len(v) for v in data.values())}
