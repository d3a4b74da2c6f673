# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalisers: one stable shape for every record, whatever the cluster sent.

Every record goes through :func:`normalise_record`:

1. top-level keys become canonical snake_case (``camelCase``/``dash-case`` -> ``camel_case``/``dash_case``; the
   API is already snake_case, so this is a guard) and aliases are renamed (``sn`` -> ``serial_number``, see
   ``compat.canonical_record``);
2. secret fields are removed (``compat.redact_record``: passwords, keys, token secrets);
3. volatile identifiers are dropped: ``url`` (the self link carries the host name and the API version the
   collection happened to use, so the same cluster read through another address or API version would differ);
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

from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import canonical_record, redact_record

#: Fields dropped from every record (see the module docstring).
VOLATILE_FIELDS = ("url",)

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


def sorted_keys(value):
    """A copy of *value* with every dict's keys sorted (lists keep their order)."""
    if isinstance(value, dict):
        return dict((k, sorted_keys(value[k])) for k in sorted(value, key=str))
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def _id_key(value):
    if value is None:
        return (2, 0, "")
    if isinstance(value, bool):
        return (1, 0, str(value))
    if isinstance(value, (int, float)):
        return (0, value, "")
    text = str(value)
    try:
        return (0, float(text), "") if text.strip() and text.strip().lstrip("-").replace(".", "", 1).isdigit() \
            else (1, 0, text)
    except ValueError:
        return (1, 0, text)


def sort_key(record):
    """Order of records: by ``id`` (numbers first, numerically; then strings; then none), then ``name``."""
    if not isinstance(record, dict):
        return ((3, 0, ""), "", canonical_json(record))
    name = record.get("name")
    return (_id_key(record.get("id")), "" if name is None else str(name),
            "" if record.get("id") is not None or name is not None else canonical_json(record))


def canonical_json(record):
    """The one serialisation used for files, sizes and checksums: sorted keys, compact, UTF-8 kept."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


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


def normalise_record(resource, record, normaliser="default"):
    """The normalised copy of one raw record of *resource* (a compat.Resource); see the module docstring."""
    if not isinstance(record, dict):
        record = {"value": record}
    out = {}
    for key, value in record.items():
        name = snake_case(key)
        if name in out and name != key:
            continue  # the canonical spelling, when also present, wins
        out[name] = value
    out = canonical_record(resource, out)
    out = redact_record(resource, out)
    for field in VOLATILE_FIELDS:
        out.pop(field, None)
    out = NORMALISERS.get(normaliser, _default)(out)
    return sorted_keys(out)


def project(record, fields):
    """*record* restricted to *fields* (a set/tuple; None keeps all).  ``id`` and ``name`` are always kept."""
    if not fields:
        return record
    return dict((k, v) for k, v in record.items() if k in fields or k in ("id", "name"))
