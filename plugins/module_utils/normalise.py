# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalisers: one stable shape for every record, whatever the cluster sent.

Every record goes through :func:`normalise_record`:

1. top-level keys become canonical snake_case (``camelCase``/``dash-case`` -> ``camel_case``/``dash_case``; the
   API is already snake_case, so this is a guard) and aliases are renamed (``sn`` -> ``serial_number``, the
   same mapping as ``compat.canonical_record``: when both spellings are present the canonical one wins);
2. secret fields are removed (the matrix's ``secret_fields``, as ``compat.redact_record`` does);
3. volatile identifiers are dropped: ``url`` (the self link carries the host name and the API version the
   collection happened to use, so the same cluster read through another address or API version would differ),
   at the top level and in nested objects (references to other objects carry their self link too);
4. the resource's normaliser (``NORMALISERS[entry.normaliser]``) runs;
5. keys are sorted, recursively, so the same state serialises to the same bytes.

Records are then sorted with :func:`sort_key`: by ``id`` (numbers before strings, numerically), then ``name``.

The normalisers never raise on odd payloads (missing fields, wrong types, nulls): a record that is not a dict
is wrapped as ``{"value": ...}`` so it is still reported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from itertools import compress


#: Fields dropped from every record (see the module docstring).
VOLATILE_FIELDS = ("url",)

_CONTAINERS = (dict, list)
_IS_CONTAINER = frozenset(_CONTAINERS).__contains__
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])([A-Z])")
_SNAKE_RE = re.compile(r"^[a-z0-9_]+$")


def snake_case(key):
    """``camelCase``, ``Dash-Case`` or ``with space`` -> ``camel_case``/``dash_case``/``with_space``."""
    if not isinstance(key, str):
        return str(key)
    if _SNAKE_RE.match(key):
        return key
    text = _CAMEL_RE.sub(r"_\1", key)
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return text or key


def _is_link(key, value):
    return key == "url" and isinstance(value, str) and "://" in value


def _clean(value, sort):
    """*value* without self links (``url`` keys holding a URL) at any depth, keys sorted when *sort*.

    Copy on write: without *sort*, a value with nothing to remove is returned as it is (no allocation; the raw
    record may be shared with the session's memo and is never modified).  Only the items that are containers
    are visited in Python (:func:`_containers` picks them in C).
    """
    if isinstance(value, dict):
        if sort:
            return dict((k, _clean(value[k], sort) if isinstance(value[k], _CONTAINERS) else value[k])
                        for k in sorted(value, key=str) if not _is_link(k, value[k]))
        out = None
        if "url" in value and _is_link("url", value["url"]):
            out = dict(value)
            del out["url"]
        for key in _containers(value, value.values()):
            item = value[key]
            if not item:
                continue
            new = _clean(item, False)
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out
    if isinstance(value, list):
        out = None
        for index in _containers(range(len(value)), value):
            item = value[index]
            if not item and not sort:
                continue
            new = _clean(item, sort)
            if new is not item:
                if out is None:
                    out = list(value)
                out[index] = new
        return value if out is None else out
    return value


def _containers(keys, values):
    """The keys (or indexes) whose values are exactly a dict or a list, selected without a Python loop."""
    return compress(keys, map(_IS_CONTAINER, map(type, values)))


def sorted_keys(value):
    """A copy of *value* with every dict's keys sorted (lists keep their order; scalars are shared)."""
    if isinstance(value, dict):
        return dict((k, sorted_keys(value[k]) if isinstance(value[k], (dict, list)) else value[k])
                    for k in sorted(value, key=str))
    if isinstance(value, list):
        return [sorted_keys(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def _id_key(value):
    """(rank, number, text): numbers (and numeric strings) by value, then other strings, booleans, none."""
    if value is None:
        return (3, 0, "")
    if isinstance(value, bool):
        return (2, 0, str(value))
    if isinstance(value, (int, float)):
        return (0, value, "")
    text = str(value)
    stripped = text.strip()
    if stripped and stripped.lstrip("-").replace(".", "", 1).isdigit():
        try:
            return (0, float(stripped), text)
        except ValueError:
            pass
    return (1, 0, text)


def sort_key(record):
    """Order of records: by ``id`` (numbers first, numerically; then strings; then none), then ``name``.

    Records with the same id and name keep the order they came in (sorts are stable).
    """
    if not isinstance(record, dict):
        return ((3, 0, ""), "", canonical_json(record))
    name = record.get("name")
    return (_id_key(record.get("id")), "" if name is None else str(name),
            "" if record.get("id") is not None or name is not None else canonical_json(record))


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json(record):
    """The one serialisation used for files, sizes and checksums: sorted keys, compact, UTF-8 kept."""
    return _ENCODER.encode(record)


# -- per-resource normalisers ------------------------------------------------------------------------------------
def _default(record):
    return record


def _capacity(record):
    """``capacity`` answers ``details``/``small_folders`` as ``[path, {...}]`` pairs: keep them, sorted by path
    so the order does not depend on the cluster's sort key."""
    for key in ("details", "small_folders"):
        value = record.get(key)
        if isinstance(value, list):
            try:
                record[key] = sorted(value, key=lambda pair: str(pair[0]) if isinstance(pair, list) and pair else "")
            except (TypeError, IndexError):
                pass
    return record


NORMALISERS = {
    "default": _default,
    "capacity": _capacity,
}


_KEYMAPS = {}
_PLANS_MAX = 512    # key layouts remembered per resource (records of one resource share a handful of layouts)


def _keymap(resource):
    """Per resource: (resource, raw key -> (output key, is_alias) or False (dropped), secret fields, plans);
    filled as keys are met.  A plan is what a key layout (the tuple of a record's keys) needs: see :func:`_plan`."""
    keymap = _KEYMAPS.get(resource.name)
    if keymap is None or keymap[0] is not resource:
        keymap = _KEYMAPS[resource.name] = (resource, {}, frozenset(resource.secret_fields), {})
    return keymap


def _translate(resource, keymap, key):
    entry = keymap[1].get(key)
    if entry is None:
        name = snake_case(key)
        canonical = resource.aliases.get(name)
        if canonical is not None:
            name = canonical
        if name in keymap[2] or key in keymap[2] or name in VOLATILE_FIELDS:
            entry = False
        else:
            entry = (name, name != key)
        keymap[1][key] = entry
    return entry


def _plan(resource, keymap, layout):
    """(keys to remove, [(raw key, canonical name), ...] to rename in record order) for one key layout."""
    plan = keymap[3].get(layout)
    if plan is None:
        drops, renames = [], []
        for key in layout:
            entry = _translate(resource, keymap, key)
            if entry is False:
                drops.append(key)
            elif entry[1]:
                drops.append(key)
                renames.append((key, entry[0]))
        plan = (tuple(drops), tuple(renames))
        if len(keymap[3]) < _PLANS_MAX:
            keymap[3][layout] = plan
    return plan


def normalise_record(resource, record, normaliser="default", sort=True):
    """The normalised form of one raw record of *resource* (a compat.Resource); see the module docstring.

    This runs for every record of a cluster (hundreds of thousands), so it works per key layout: the keys to
    drop or rename are worked out once per resource and layout (:func:`_plan`), the record is copied in C
    (``dict(record)``) only when something changes, and nested values are cleaned copy on write.  With
    ``sort=False`` keys keep the cluster's order (for writers that sort while serialising, see
    :func:`canonical_json`) and a record that needs no change is returned as it is: the raw record may be shared
    with the session's memo, so neither it nor the result may be modified in place.
    """
    if not isinstance(record, dict):
        record = {"value": record}
    drops, renames = _plan(resource, _keymap(resource), tuple(record))
    out = None
    if drops:
        out = dict(record)
        for key in drops:
            del out[key]
    source = record if out is None else out
    changes = None
    for key in _containers(source, source.values()):
        value = source[key]
        if not value:
            continue
        new = _clean(value, False)
        if new is not value:
            if changes is None:
                changes = []
            changes.append((key, new))
    if changes:
        if out is None:
            out = dict(record)
        for key, new in changes:
            out[key] = new
    if out is None:
        out = record
    # an alias or another spelling: the canonical spelling, when also present, wins (and the first one met)
    for key, name in renames:
        if name not in out:
            value = record[key]
            out[name] = _clean(value, False) if value.__class__ in _CONTAINERS else value
    function = NORMALISERS.get(normaliser, _default)
    if function is not _default:
        out = function(dict(out) if out is record else out)
    if sort:
        return sorted_keys(out)
    return out


def project(record, fields):
    """*record* restricted to *fields* (a set/tuple; None keeps all).  ``id`` and ``name`` are always kept."""
    if not fields:
        return record
    return dict((k, v) for k, v in record.items() if k in fields or k in ("id", "name"))
