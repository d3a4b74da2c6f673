# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Caches: the in-run memo of identical GETs (single-flight) and the optional on-disk cache.

:class:`MemoCache` - within one session, an identical GET (same path and query) is sent once: a second caller
gets the stored answer, and a caller that arrives while the first request is in flight waits for it instead of
sending its own (single-flight).  Only answers up to ``max_entry_bytes`` are kept (pages of huge lists are not
held, so memory stays bounded); NotFound answers are kept too (a missing endpoint is asked about once).

:class:`DiskCache` - optional, for offline re-rendering and resumed collections.  A private directory (0700)
of JSON files (0600), one per answer, keyed by cluster guid, software version, API version, path and query;
written atomically (temporary file + rename, safe with parallel processes); an unreadable or corrupt file is
a miss (and removed), never an error; entries older than the TTL are misses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import hashlib
import json
import os
import tempfile
import threading
import time

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import NotFound

_FORMAT = 1


def query_key(params):
    """A canonical, hashable form of a query dict (list values keep their order)."""
    if not params:
        return ()
    items = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, (list, tuple)):
            value = tuple(str(v) for v in value)
        elif value is not None:
            value = str(value)
        items.append((str(key), value))
    return tuple(items)


class _Flight:
    __slots__ = ("event", "value", "error", "size")

    def __init__(self):
        self.event = threading.Event()
        self.value = None
        self.error = None
        self.size = 0


class MemoCache:
    """Single-flight memo of GET answers for one session."""

    def __init__(self, stats=None, max_entry_bytes=1 << 20, max_total_bytes=64 << 20):
        self._lock = threading.Lock()
        self._done = {}
        self._flying = {}
        self._total = 0
        self.stats = stats
        self.max_entry_bytes = max_entry_bytes
        self.max_total_bytes = max_total_bytes

    def get_or_fetch(self, key, fetch, keep=True):
        """Return the answer for *key*, calling ``fetch()`` (-> (value, size)) at most once at a time.

        With *keep* false the answer is shared with callers already waiting but not stored afterwards.
        """
        with self._lock:
            done = self._done.get(key)
            if done is not None:
                self._count("memo_hits")
                return self._unwrap(done)
            flight = self._flying.get(key)
            leader = flight is None
            if leader:
                flight = self._flying[key] = _Flight()
        if not leader:
            self._count("singleflight_waits")
            flight.event.wait()
            return self._unwrap(flight)
        try:
            value, size = fetch()
            flight.value, flight.size = value, size
        except NotFound as exc:
            flight.error = exc
        except Exception as exc:
            flight.error = exc
            with self._lock:
                self._flying.pop(key, None)
            flight.event.set()
            raise
        with self._lock:
            self._flying.pop(key, None)
            if keep and flight.size <= self.max_entry_bytes and self._total + flight.size <= self.max_total_bytes:
                self._done[key] = flight
                self._total += flight.size
        flight.event.set()
        return self._unwrap(flight)

    def _count(self, name):
        if self.stats is not None:
            self.stats.incr(name)

    @staticmethod
    def _unwrap(flight):
        if flight.error is not None:
            raise flight.error
        return flight.value

    def put(self, key, value, size=0):
        """Store an answer obtained elsewhere (e.g. the version probe)."""
        flight = _Flight()
        flight.value, flight.size = value, size
        flight.event.set()
        with self._lock:
            if key not in self._done:
                self._done[key] = flight
                self._total += size

    def __contains__(self, key):
        with self._lock:
            return key in self._done

    def clear(self):
        with self._lock:
            self._done.clear()
            self._total = 0


class DiskCache:
    """Private on-disk cache of GET answers (see the module docstring)."""

    def __init__(self, directory, ttl, stats=None, clock=time.time):
        self.directory = os.path.abspath(directory)
        self.ttl = ttl
        self.stats = stats
        self._clock = clock
        self.scope = None
        try:
            os.makedirs(self.directory, mode=0o700)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
        os.chmod(self.directory, 0o700)

    def set_scope(self, guid, sw_version, api_version, principal=None, tenant=None):
        """Bind the cache to one cluster identity, reader and tenant: entries of other clusters, versions, users
        or tenants (who may see other objects) are never read."""
        self.scope = "%s|%s|%s" % (guid or "-", sw_version or "-", api_version or "-")
        if principal or tenant:
            self.scope += "|%s|%s" % (principal or "-", tenant or "-")

    def _file(self, path, params):
        text = json.dumps([self.scope, path, query_key(params)], sort_keys=True)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return os.path.join(self.directory, digest[:2], digest + ".json"), text

    def get(self, path, params):
        """(True, answer) on a fresh hit, (False, None) otherwise."""
        if self.scope is None:
            return False, None
        filename, text = self._file(path, params)
        try:
            with open(filename, "r") as handle:
                entry = json.load(handle)
            if not isinstance(entry, dict) or entry.get("format") != _FORMAT or entry.get("key") != text:
                raise ValueError("not a cache entry")
            age = self._clock() - float(entry["created"])
        except (IOError, OSError):
            return False, None
        except (ValueError, KeyError, TypeError):
            self._corrupt(filename)
            return False, None
        if self.ttl and (age > self.ttl or age < -60):
            return False, None
        if self.stats is not None:
            self.stats.incr("disk_hits")
        return True, entry.get("body")

    def _corrupt(self, filename):
        if self.stats is not None:
            self.stats.incr("disk_corrupt")
        try:
            os.unlink(filename)
        except OSError:
            pass

    def put(self, path, params, body):
        """Write an answer atomically; failures to write are ignored (the cache is an optimisation)."""
        if self.scope is None:
            return False
        filename, text = self._file(path, params)
        folder = os.path.dirname(filename)
        tmp = None
        try:
            if not os.path.isdir(folder):
                try:
                    os.makedirs(folder, mode=0o700)
                except OSError as exc:
                    if exc.errno != errno.EEXIST:
                        raise
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
            with os.fdopen(fd, "w") as handle:
                json.dump({"format": _FORMAT, "key": text, "created": self._clock(), "body": body}, handle,
                          separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, filename)
            tmp = None
        except (IOError, OSError, TypeError, ValueError):
            return False
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        if self.stats is not None:
            self.stats.incr("disk_writes")
        return True
