# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only access to a snapshot (schema 1, docs/DEVELOPING.md) for the local roles' modules.

``SnapshotView(doc)`` wraps the document; ``load_snapshot(path)`` reads a ``.json.gz`` or ``.json`` file.

The roles never see API responses: they ask for a resource by its catalogue name (``cnodes``, ``vippools``)
wherever the collector filed it (``vast_info[<subset>][<resource>]``) and get either its records or a clear
reason why there are none:

``records(name)``   list of records, or ``None`` when the resource was not collected
``state(name)``     ``(status, reason)``: ``ok``, ``unavailable`` (the cluster does not serve it), ``error``
                    (reading it failed) or ``not_collected`` (not requested in this run)
``require(*names)`` the records of each, or raises :class:`DataUnavailable` naming the first missing one
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import json
import zlib

SCHEMA_VERSION = 1
SNAPSHOT_KIND = "vastops.asbuilt.snapshot"


class SnapshotError(Exception):
    """The file is not a usable snapshot (unreadable, wrong kind, unknown schema, interrupted)."""


class DataUnavailable(Exception):
    """A resource a computation needs was not collected; ``reason`` says why (never a silent pass)."""

    def __init__(self, resource, reason):
        self.resource = resource
        self.reason = reason
        super(DataUnavailable, self).__init__("%s: %s" % (resource, reason))


def read_json_document(path):
    """Parse a JSON file, gzip-compressed when its name ends in ``.gz`` or it starts with the gzip magic."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except (EOFError, zlib.error) as exc:
        # gzip: "Compressed file ended before the end-of-stream marker was reached", or a damaged stream
        raise SnapshotError("%s is truncated or not a complete gzip file (%s): copy it again, or collect anew"
                            % (path, exc))
    except (IOError, OSError) as exc:
        raise SnapshotError("cannot read %s: %s" % (path, exc))
    except ValueError as exc:
        raise SnapshotError("%s is not valid JSON (truncated or not a snapshot?): %s" % (path, exc))


def load_snapshot(path):
    """A :class:`SnapshotView` of the snapshot file at *path* (validated)."""
    return SnapshotView(read_json_document(path), source=path)


#: Members of ``meta`` that readers use as objects (a corrupt or hand-edited snapshot must fail clearly).
_META_OBJECTS = ("cluster", "resources", "unavailable", "errors", "counts", "session", "options")


def _check_shape(doc, source):
    """SnapshotError when the document's containers are not what schema 1 says (values inside may vary)."""
    info = doc.get("vast_info")
    if info is not None and not isinstance(info, dict):
        raise SnapshotError("%s: vast_info is not an object: the snapshot is corrupt" % source)
    for subset, resources in (info or {}).items():
        if not isinstance(resources, dict):
            raise SnapshotError("%s: vast_info.%s is not an object: the snapshot is corrupt" % (source, subset))
        for name, records in resources.items():
            if isinstance(records, dict):   # an object resource written as the object itself: read as a list of one
                continue
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise SnapshotError("%s: vast_info.%s.%s is not a list of records: the snapshot is corrupt"
                                    % (source, subset, name))
    for key in _META_OBJECTS:
        if doc["meta"].get(key) is not None and not isinstance(doc["meta"][key], dict):
            raise SnapshotError("%s: meta.%s is not an object: the snapshot is corrupt" % (source, key))


class SnapshotView:
    """See the module docstring."""

    def __init__(self, doc, source=None):
        if not isinstance(doc, dict):
            raise SnapshotError("%s: a snapshot is a JSON object" % (source or "snapshot"))
        if "schema_version" not in doc and doc.get("kind") is None:
            raise SnapshotError("%s is not a vastops.asbuilt snapshot (no schema field): give a snapshot.json.gz "
                                "written by vast_info or the collect role" % (source or "snapshot"))
        if doc.get("kind") not in (None, SNAPSHOT_KIND):
            raise SnapshotError("%s: kind %r is not a snapshot" % (source or "snapshot", doc.get("kind")))
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise SnapshotError("%s: snapshot schema %r is not supported (this collection reads schema %d)"
                                % (source or "snapshot", doc.get("schema_version"), SCHEMA_VERSION))
        if not isinstance(doc.get("meta"), dict):
            raise SnapshotError("%s: the snapshot has no meta section: the collection was interrupted"
                                % (source or "snapshot"))
        _check_shape(doc, source or "snapshot")
        self.doc = doc
        self.source = source
        self.meta = doc["meta"]
        self._index = {}
        for subset, resources in sorted((doc.get("vast_info") or {}).items()):
            if not isinstance(resources, dict):
                continue
            for name, records in resources.items():
                if isinstance(records, dict):
                    records = [records]
                if isinstance(records, list):
                    self._index.setdefault(name, (subset, records))
        self._status = {}
        for key, info in (self.meta.get("resources") or {}).items():
            name = key.split(".", 1)[-1]
            if isinstance(info, dict):
                self._status.setdefault(name, []).append(info)
        self._unavailable = dict((k.split(".", 1)[-1], v) for k, v in (self.meta.get("unavailable") or {}).items())
        self._errors = dict((k.split(".", 1)[-1], v) for k, v in (self.meta.get("errors") or {}).items())

    # ---- identity ------------------------------------------------------------------------------------------
    @property
    def cluster(self):
        cluster = dict(self.meta.get("cluster") or {})
        first = self.first("clusters") or {}
        for key in ("id", "guid", "name", "psnt", "sw_version", "build"):
            if not cluster.get(key) and first.get(key) is not None:
                cluster[key] = first.get(key)
        return cluster

    @property
    def cluster_name(self):
        return self.cluster.get("name") or self.meta.get("host") or "cluster"

    @property
    def collected_at(self):
        return self.doc.get("collected_at")

    def resource_names(self):
        return sorted(self._index)

    # ---- data ----------------------------------------------------------------------------------------------
    def records(self, name):
        """The records of resource *name* (a list, maybe empty), or None when it was not collected."""
        found = self._index.get(name)
        return None if found is None else found[1]

    def first(self, name):
        recs = self.records(name)
        return recs[0] if recs else None

    def state(self, name):
        """(status, reason) of resource *name*; see the module docstring."""
        if name in self._index:
            return "ok", None
        if name in self._errors:
            err = self._errors[name]
            msg = err.get("msg") if isinstance(err, dict) else str(err)
            # the short reason of meta.resources (the message without the url and hint that meta.errors adds for
            # the appendix) reads better in a sentence
            short = [i.get("reason") for i in self._status.get(name, ()) if i.get("status") == "error" and i.get("reason")]
            msg = short[0] if short else msg
            status = err.get("status") if isinstance(err, dict) else None
            if status and ("status %s" % status) not in (msg or "") and ("HTTP %s" % status) not in (msg or ""):
                return "error", "%s (HTTP %s)" % (msg, status)
            return "error", msg or "read failed"
        if name in self._unavailable:
            return "unavailable", str(self._unavailable[name] or "not served by this cluster")
        for info in self._status.get(name, ()):
            status = info.get("status")
            if status in ("unavailable", "error"):
                return status, str(info.get("reason") or info.get("msg") or status)
        return "not_collected", "not collected in this run"

    def reason(self, name):
        status, why = self.state(name)
        if status == "ok":
            return None
        if status == "unavailable":
            return "not available on this cluster: %s" % why
        if status == "error":
            return "could not be read: %s" % why
        return "not collected in this run (the sections chosen did not ask for it)"

    def require(self, *names):
        """Records of every resource in *names* (a list, or one list when one name); DataUnavailable otherwise."""
        out = []
        for name in names:
            recs = self.records(name)
            if recs is None:
                raise DataUnavailable(name, self.reason(name))
            out.append(recs)
        return out[0] if len(names) == 1 else out

    def require_one(self, name):
        """The first record of an object resource (clusters, vms, network_settings); DataUnavailable if none."""
        recs = self.require(name)
        if not recs:
            raise DataUnavailable(name, "the cluster returned no %s record" % name)
        return recs[0]
