"""The live state of a simulated cluster: one :class:`Collection` per resource plus singletons.

Concurrency model: records are never mutated in place. A write builds a new record (and a new key->record
map for the collection) under the state lock and swaps the reference; readers take the current map and iterate
it without locks. Every write bumps the collection's ``version``, which invalidates its serialised caches.
"""
import copy
import threading
from collections import OrderedDict

from .common import dumpb, fill_url
from .models import models

# Lists whose default order is newest first (NOTES 8: events page 1 starts at the highest id).
NEWEST_FIRST = frozenset({"events", "alarms"})


class Collection:
    """Records of one resource, keyed by ``str(id)`` in insertion order; optionally generated lazily."""

    def __init__(self, name, schema=None, records=(), lazy=None):
        self.name = name
        self.schema = schema
        self.reverse = name in NEWEST_FIRST
        self._map = OrderedDict((str(r["id"]), r) for r in records)
        self._lazy = lazy                 # (count, factory) for huge profiles
        self._overlay = {}                # lazy: key -> record (changed/added) or None (deleted)
        self.version = 0
        self._keys = None
        self.fragments = {}
        self._next_id = None

    # ---- reading -------------------------------------------------------------------------------------------
    @property
    def lazy(self):
        return self._lazy is not None

    def __len__(self):
        if not self._lazy:
            return len(self._map)
        count = self._lazy[0]
        removed = sum(1 for k, v in self._overlay.items() if v is None and k.isdigit() and 1 <= int(k) <= count)
        added = sum(1 for k, v in self._overlay.items() if v is not None and not (k.isdigit() and
                                                                                  1 <= int(k) <= count))
        return count - removed + added

    def get(self, key):
        key = str(key)
        if not self._lazy:
            return self._map.get(key)
        if key in self._overlay:
            return self._overlay[key]
        if key.isdigit() and 1 <= int(key) <= self._lazy[0]:
            return self._lazy[1](int(key) - 1)
        return None

    def keys(self):
        """Keys in default list order (cached until the next write)."""
        cached = self._keys
        version = self.version
        if cached is not None and cached[0] == version:
            return cached[1]
        if not self._lazy:
            keys = list(self._map)
        else:
            count = self._lazy[0]
            keys = [str(i) for i in range(1, count + 1) if self._overlay.get(str(i), 1) is not None]
            keys += [k for k, v in self._overlay.items() if v is not None and not (k.isdigit() and
                                                                                  1 <= int(k) <= count)]
        if self.reverse:
            keys.reverse()
        if self.version == version:  # a concurrent write makes this result one-off, never cached
            self._keys = (version, keys)
        return keys

    def values(self):
        """Records in default list order (a consistent snapshot for eager collections)."""
        if not self._lazy:
            records = list(self._map.values())
            if self.reverse:
                records.reverse()
            return records
        return (self.get(k) for k in self.keys())

    def page(self, offset, limit):
        if not self._lazy or self._overlay:
            keys = self.keys()[offset:offset + limit]
            return [self.get(k) for k in keys]
        count, factory = self._lazy
        idx = range(offset, min(offset + limit, count))
        return [factory(count - 1 - i if self.reverse else i) for i in idx]

    def known_fields(self):
        """Field names a filter may use: the schema's properties plus those of the first records."""
        cached = getattr(self, "_known", None)
        if cached is not None and cached[0] == self.version:
            return cached[1]
        names = set(models().properties(self.schema)) if self.schema else set()
        for key in self.keys()[:5]:
            record = self.get(key)
            if record:
                names.update(record)
        self._known = (self.version, names)
        return names

    def next_id(self):
        """Next free integer id (ids of string-keyed collections such as apitokens are not integers)."""
        if self._next_id is None:
            ints = [int(k) for k in (self._map if not self._lazy else self._overlay) if k.isdigit()]
            top = max(ints) if ints else 0
            if self._lazy:
                top = max(top, self._lazy[0])
            self._next_id = top + 1
        value = self._next_id
        self._next_id += 1
        return value

    # ---- writing (caller holds the state lock) -----------------------------------------------------------------
    def _changed(self):
        self.version += 1
        self._keys = None
        self.fragments = {}

    def put(self, record):
        key = str(record["id"])
        if self._lazy:
            overlay = dict(self._overlay)
            overlay[key] = record
            self._overlay = overlay
        else:
            new = OrderedDict(self._map)
            new[key] = record
            self._map = new
        self._changed()

    def put_many(self, records):
        if self._lazy:
            overlay = dict(self._overlay)
            for r in records:
                overlay[str(r["id"])] = r
            self._overlay = overlay
        else:
            new = OrderedDict(self._map)
            for r in records:
                new[str(r["id"])] = r
            self._map = new
        self._changed()

    def delete(self, key):
        key = str(key)
        if self.get(key) is None:
            return False
        if self._lazy:
            overlay = dict(self._overlay)
            overlay[key] = None
            self._overlay = overlay
        else:
            new = OrderedDict(self._map)
            del new[key]
            self._map = new
        self._changed()
        return True

    # ---- serialisation caches ---------------------------------------------------------------------------------
    def fragment(self, record):
        """JSON bytes of one record (self links still as the placeholder), cached per key. A cache entry
        remembers the record object it was made from, so a reader racing a write never serves stale bytes."""
        frags = self.fragments
        key = str(record.get("id"))
        hit = frags.get(key)
        if hit is not None and hit[0] is record:
            return hit[1]
        data = dumpb(record)
        if not self._lazy:
            frags[key] = (record, data)
        return data

    def list_body(self):
        """The unfiltered list body (placeholder links), joined from the cached per-record fragments; the
        filled answer is cached by State.filled_list_body, so only one copy of a big list stays in memory."""
        return b"[" + b",".join(self.fragment(r) for r in self.values()) + b"]"


class State:
    """All collections and singletons of one simulated cluster."""

    def __init__(self, generated, catalog_names=(), schemas=None):
        schemas = schemas or {}
        self.lock = threading.RLock()
        self.meta = dict(generated.meta)
        self.context = generated.context
        self.collections = {}
        for name in sorted(set(catalog_names) | set(generated.data) | set(generated.bulk)):
            lazy = generated.bulk.get(name)
            records = generated.data.get(name, []) if lazy is None else ()
            self.collections[name] = Collection(name, schemas.get(name), records, lazy)
        self.singletons = copy.deepcopy(generated.singletons)
        self.singleton_versions = {k: 0 for k in self.singletons}
        self.generation = 0
        self._final = OrderedDict()      # (name, version, prefix) -> bytes, small LRU of filled bodies
        self._final_bytes = 0
        self.cache_budget = 64 * 1024 * 1024

    def collection(self, name):
        return self.collections.get(name)

    def touch(self, name=None):
        self.generation += 1
        if name in self.singleton_versions:
            self.singleton_versions[name] += 1

    def filled_list_body(self, coll, prefix):
        """Unfiltered list body with real self links, cached per (collection version, prefix)."""
        key = (coll.name, coll.version, prefix)
        with self.lock:
            body = self._final.get(key)
            if body is not None:
                self._final.move_to_end(key)
                return body
        body = fill_url(coll.list_body(), prefix)
        if coll.lazy:
            return body
        with self.lock:
            self._final[key] = body
            self._final_bytes += len(body)
            while self._final_bytes > self.cache_budget and len(self._final) > 1:
                _, old = self._final.popitem(last=False)
                self._final_bytes -= len(old)
        return body

    def counts(self):
        return {name: len(coll) for name, coll in self.collections.items()}
