"""State overrides: patch, add and remove records after generation (start-up) or at run time (mutations).

Format (JSON or a dict)::

    {"scenarios": ["healthy", "capacity:92"],          # optional presets, applied first (see scenarios.py)
     "ssds":     [{"match": {"id": 3}, "set": {"state": "FAILED", "fail_reason": "IO_ERROR"}}],
     "switches": [{"match": {"name__endswith": "b"}, "remove": true}],
     "views":    [{"add": {"path": "/scratch/tmp", "policy_id": 1}}],
     "network_settings": [{"set": {"ntp": ["192.0.2.123"]}}]}

Resources may also be nested under ``"resources"``. Operations per resource, in order:

* ``{"match": {...}, "set": {...}, "unset": [...], "limit": n, "index": k}``: patch matching records (match
  uses the list-filter lookups, e.g. ``name__startswith``; no match = all records; ``index`` picks the k-th
  matching record, negative from the end; dotted keys in ``set`` patch nested objects).
* ``{"add": {...} | [...]}``: add records; a missing id gets the next free one, missing fields come from the
  OpenAPI skeleton of the resource, so added records still validate.
* ``{"match": {...}, "remove": true}`` or ``{"remove": {match}}``: delete matching records.

Singletons (``network_settings``, ``pwd_settings``) take ``set``/``unset`` only. Relations are *not* repaired:
overrides are how a test breaks them on purpose.
"""
import copy
import json
import zlib

from .common import URL_PH
from .filters import compile_match
from .models import SECRET_FIELDS, models

RESERVED = ("scenarios", "resources")


class OverrideError(ValueError):
    pass


def load(value):
    """Accept a dict, a JSON string or a path to a JSON file."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    text = str(value)
    if text.lstrip().startswith("{"):
        return json.loads(text)
    with open(text, encoding="utf-8") as fh:
        return json.load(fh)


def _set_path(record, dotted, value):
    parts = dotted.split(".")
    if len(parts) == 1:
        record[dotted] = copy.deepcopy(value)
        return
    head = record.get(parts[0])
    head = dict(head) if isinstance(head, dict) else {}
    record[parts[0]] = head
    _set_path(head, ".".join(parts[1:]), value)


def patched(record, sets=None, unset=()):
    new = dict(record)
    for key, value in (sets or {}).items():
        if key.split(".")[0] in SECRET_FIELDS:
            continue
        _set_path(new, key, value)
    for key in unset or ():
        new.pop(key, None)
    return new


def complete(state, name, record):
    """Fill an added record: id, guid, self link, name/title and every schema field it lacks."""
    coll = state.collection(name)
    rec = {k: v for k, v in record.items() if k not in SECRET_FIELDS}
    if "id" not in rec:
        rec["id"] = coll.next_id()
    base = models().skeleton(coll.schema) if coll.schema else {}
    ctx = state.context
    if "guid" not in rec:
        rec["guid"] = ctx.guid(ctx.record_rng("added:" + name, zlib.crc32(str(rec["id"]).encode())))
    rec.setdefault("url", "%s/%s/%s%s" % (URL_PH, name, rec["id"], "/" if ctx.release.self_link_slash else ""))
    if "name" in base and "name" not in rec:
        rec["name"] = "%s-%s" % (name.rstrip("s"), rec["id"])
    if "title" in base and "title" not in rec:
        rec["title"] = rec.get("name", str(rec["id"]))
    for key in ("cluster", "cluster_id"):
        if key in base and key not in rec:
            rec[key] = state.meta["cluster_name"] if key == "cluster" else 1
    out = dict(base)
    out.update(rec)
    return out


def _ops_by_resource(overrides):
    res = {}
    for key, ops in overrides.items():
        if key in RESERVED:
            continue
        res[key] = ops
    for key, ops in (overrides.get("resources") or {}).items():
        res.setdefault(key, [])
        res[key] = list(res[key]) + list(ops)
    return res


def apply(state, overrides, scenario_runner=None):
    """Apply overrides to ``state`` under its lock. Returns a summary {resource: {"matched", "added", ...}}."""
    overrides = load(overrides)
    summary = {}
    with state.lock:
        for scenario in overrides.get("scenarios") or ():
            if scenario_runner is None:
                raise OverrideError("scenarios are not available here")
            sub = scenario_runner(state, scenario)
            for res, counts in apply(state, sub).items():
                summary.setdefault("scenario:" + scenario, {})[res] = counts
        for name, ops in _ops_by_resource(overrides).items():
            if isinstance(ops, dict):
                ops = [ops]
            summary[name] = _apply_resource(state, name, ops)
    return summary


def _apply_resource(state, name, ops):
    counts = {"matched": 0, "changed": 0, "added": 0, "removed": 0}
    if name in state.singletons:
        for op in ops:
            value = patched(state.singletons[name], op.get("set"), op.get("unset"))
            state.singletons[name] = value
            counts["changed"] += 1
        state.touch(name)
        return counts
    coll = state.collection(name)
    if coll is None:
        raise OverrideError("unknown resource %r" % name)
    for op in ops:
        if not isinstance(op, dict):
            raise OverrideError("%s: each operation must be an object, got %r" % (name, op))
        if "add" in op:
            items = op["add"] if isinstance(op["add"], list) else [op["add"]]
            records = [complete(state, name, item) for item in items]
            coll.put_many(records)
            counts["added"] += len(records)
            continue
        remove = op.get("remove")
        match = op.get("match")
        if isinstance(remove, dict):
            match, remove = remove, True
        pred = compile_match(match)
        targets = [r for r in coll.values() if pred(r)]
        if "index" in op:
            try:
                targets = [targets[int(op["index"])]]
            except IndexError:
                targets = []
        if op.get("limit") is not None:
            targets = targets[: int(op["limit"])]
        counts["matched"] += len(targets)
        if remove:
            for rec in targets:
                coll.delete(rec["id"])
            counts["removed"] += len(targets)
        elif "set" in op or "unset" in op:
            coll.put_many([patched(r, op.get("set"), op.get("unset")) for r in targets])
            counts["changed"] += len(targets)
        else:
            raise OverrideError("%s: operation needs set/unset, add or remove: %r" % (name, op))
    state.touch(name)
    return counts
