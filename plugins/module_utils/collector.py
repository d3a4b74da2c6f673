# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collector: reads the catalogue's subsets through an open VastSession into one deterministic document.

    collector = Collector(session, gather_subset=["all", "!monitoring"], fields={...}, filters={...})
    document = collector.collect()                       # in memory: schema-1 document (vast_info + meta)
    result = collector.collect_to_file("/x/snap.json.gz", resume=True)   # streamed into a snapshot file

Planning: the requested subsets' entries (``catalogue.py``) are grouped into *reads*: one per matrix resource
and query (an entry's fixed params plus the user's ``filters``).  ``clusters`` requested by ``min`` and by
``cluster`` is one read; each entry projects its own copy.  Nothing is ever read twice in one run (and the
session memoises identical GETs anyway: ``clusters`` was read while connecting and costs nothing).

Running: reads run concurrently through ``session.run_parallel`` (heavy ones first: they are the longest
chains), and each paged list fetches its pages in parallel (the session's page pool).  Every record is
normalised (``normalise.py``) and handed to a *sink*: in memory (bounded by ``max_memory_mb``), or a part file
per resource (``snapshot.PartWriter``) that is assembled into the snapshot at the end.

Failures: a resource the cluster does not serve is ``unavailable`` (with the reason); another error of one
resource is ``error`` (in ``meta.errors`` and a warning) unless ``fail_on_error``.  Errors after which nothing
can be read (authentication, circuit open, deadline) stop the collection (:func:`session.is_fatal`).

When: every ``meta.resources`` item has ``read_at`` (ISO UTC, when its read started).  With ``resume``, the
resources taken from the parts of an earlier run keep the ``read_at`` of that run and say ``resumed: true``;
``meta.resumed`` lists them and ``meta.resumed_from`` is the earliest of their times.  Parts older than
``resume_max_age`` are never reused.  Failed resources are never taken from parts: they are read again.

Keeping the parts (``collect_to_file`` with ``resume``): a run that stops before the snapshot is written keeps
them.  A run that writes its snapshot removes them, unless it was *interrupted*: some resource could not be
read because the cluster gave no real answer (``errors.is_transient``: connection refused or dropped, timeout,
429/502/503/504 after every retry) - a rerun then finishes just those.  A resource the cluster answered with an
error (permission denied, a 500, a malformed answer) does not keep them: it would fail the same way again, so
the next run reads everything afresh instead of serving the same old parts again and again.

``events`` is read as its newest ``events_max`` records (by id): the first page says how many there are and in
which order the cluster lists them (newest first on VMS; oldest first is handled too), then exactly the pages
that hold the newest N are read in parallel.  0 reads every event; filters (``timestamp__gte`` for a time
window) apply first.  ``meta.resources`` says how many the cluster holds (``total``) and whether the list was
cut (``truncated``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import hashlib
import json
import os
import threading
import time

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import directory_problem
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    NotFound, ResourceUnavailable, VastError, is_transient,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import (
    canonical_json, normalise_record, project, sort_key,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import DEFAULT_PAGE_SIZE, split_page, split_url
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import is_fatal
from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot as snap

DEFAULT_MAX_MEMORY_MB = 512
#: Parts of an earlier run older than this (seconds) are never reused (vast_info's resume_max_age).
DEFAULT_RESUME_MAX_AGE = 3600
#: Page size of paged lists when the result is returned (fewer requests) ...
MEMORY_PAGE_SIZE = 1000
#: ... and when it is streamed into a file: what the process holds grows with the pages being decoded at once
#: (about max_concurrency of them), so smaller pages keep a huge cluster's collection well under 150 MB.
FILE_PAGE_SIZE = 500
#: In-memory size estimate = JSON size x this (Python objects ~4x, plus the JSON copy the module returns; measured).
MEMORY_FACTOR = 5
MAX_PAGE_SIZE = 10000
_COST_ORDER = {"heavy": 0, "paged": 1, "cheap": 2}


class CollectionError(VastError):
    """The collection as a whole failed (strictness, memory guard, destination problems)."""

    kind = "collection"


class MemoryLimitExceeded(CollectionError):
    """The records held in memory would pass ``max_memory_mb``."""

    kind = "memory"


# -- option parsing --------------------------------------------------------------------------------------------
def _field_list(option, key, value):
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) and v for v in value):
        raise catalogue.SubsetError("%s.%s must be a non-empty list of field names, got %r" % (option, key, value))
    return tuple(v.strip() for v in value)


def _filter_value(option, key, name, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                                for v in value):
        return ",".join(str(v) for v in value)
    raise catalogue.SubsetError("%s.%s.%s must be a string, number, boolean or list of them, got %r"
                                % (option, key, name, value))


def _resolve_key(option, key, subsets, allow_resource=True, allow_subset=True):
    """Entries addressed by an option key: ``subset``, ``subset.resource`` or ``resource``."""
    requested = ", ".join(subsets)
    if "." in key:
        subset, resource = key.split(".", 1)
        if subset not in catalogue.SUBSETS:
            raise catalogue.SubsetError("%s: %r names an unknown subset %r; valid: %s"
                                        % (option, key, subset, ", ".join(catalogue.SUBSET_NAMES)))
        if subset not in subsets:
            raise catalogue.SubsetError("%s: %r is for subset %s, which gather_subset does not request "
                                        "(requested: %s)" % (option, key, subset, requested))
        try:
            return [catalogue.SUBSETS[subset].entry(resource)]
        except KeyError:
            raise catalogue.SubsetError("%s: subset %s has no resource %r; its resources: %s" % (
                option, subset, resource, ", ".join(catalogue.SUBSETS[subset].resources)))
    if allow_subset and key in catalogue.SUBSETS:
        if key not in subsets:
            raise catalogue.SubsetError("%s: %r is a subset that gather_subset does not request (requested: %s)"
                                        % (option, key, requested))
        return list(catalogue.SUBSETS[key].entries)
    if allow_resource:
        found = [e for e in catalogue.entries_for(subsets) if e.name == key]
        if found:
            return found
        everywhere = [s.name for s in catalogue.SUBSETS.values() if key in s.resources]
        if everywhere:
            raise catalogue.SubsetError("%s: resource %r belongs to subset %s, which gather_subset does not "
                                        "request (requested: %s)" % (option, key, "/".join(everywhere), requested))
    raise catalogue.SubsetError("%s: %r is neither a requested subset nor one of their resources (requested "
                                "subsets: %s; write subset.resource, e.g. logical.views)" % (option, key, requested))


class Read:
    """One request stream: a matrix resource with its query, feeding one or more catalogue entries."""

    def __init__(self, name, params):
        self.name = name
        self.params = params
        self.entries = []
        self.outputs = {}   # entry key -> output fields (None = all)
        self.newest = None  # read only the newest N records
        self.total = None   # how many the cluster holds (newest-N reads)

    @property
    def resource(self):
        return self.entries[0].resource

    @property
    def cost(self):
        return min((e.cost for e in self.entries), key=lambda c: _COST_ORDER[c])

    @property
    def key(self):
        query = "&".join("%s=%s" % kv for kv in sorted(self.params.items()))
        return self.name + ("?" + query if query else "")

    def api_fields(self):
        """Fields to ask the API for (None = all): only for paged lists whose every entry projects."""
        resource = self.resource
        if resource.kind != "list" or self.cost == "cheap" or any(f is None for f in self.outputs.values()):
            return None
        wanted = set(["id", "name"])
        for fields in self.outputs.values():
            wanted.update(fields)
        for alias, canonical in resource.aliases.items():
            if canonical in wanted:
                wanted.add(alias)
        return sorted(wanted)


def _utc_now():
    return snap.utc_now()


# -- sinks -----------------------------------------------------------------------------------------------------
class _MemoryBudget:
    def __init__(self, max_mb):
        self.limit = int(max_mb * 1024 * 1024) if max_mb else 0
        self.used = 0
        self._lock = threading.Lock()

    def charge(self, nbytes, where):
        if not self.limit:
            return
        with self._lock:
            self.used += nbytes * MEMORY_FACTOR
            over = self.used > self.limit
        if over:
            raise MemoryLimitExceeded(
                "The data read so far (estimated %d MB in memory, while reading %s) passes max_memory_mb=%d."
                % (self.used // (1024 * 1024), where, self.limit // (1024 * 1024)),
                hint="Set dest to stream the result into a snapshot file (memory stays bounded), raise "
                     "max_memory_mb, or read fewer subsets (gather_subset) or fields.")


class _MemoryWriter:
    def __init__(self, key, budget):
        self.key = key
        self.records = []
        self.budget = budget
        self._sha = hashlib.sha256()
        self._last = None
        self._sorted = True
        self._bytes = 0

    def add(self, record):
        line = canonical_json(record).encode("utf-8")
        self.budget.charge(len(line) + 2, self.key)
        key = sort_key(record)
        if self._last is not None and key < self._last:
            self._sorted = False
        self._last = key
        if self._sorted:
            self._sha.update(line)
            self._sha.update(b"\n")
        self._bytes += len(line) + 2
        self.records.append(record)

    def finish(self):
        if not self._sorted:
            self.records.sort(key=sort_key)
            digest = snap.records_digest(self.records)[0]
        else:
            digest = self._sha.hexdigest()
        return {"count": len(self.records), "sha256": digest, "data_bytes": self._bytes}

    def abort(self):
        self.records = []


class MemorySink:
    """Holds records in memory (bounded by a budget) for the module's result."""

    sorts_keys = True   # records are returned as they are: their keys must be sorted already

    def __init__(self, max_memory_mb):
        self.budget = _MemoryBudget(max_memory_mb)
        self.writers = {}

    def done(self):
        return {}

    def open(self, entry):
        writer = _MemoryWriter(entry.key, self.budget)
        self.writers[entry.key] = writer
        return writer

    def completed(self, entry, summary):
        pass

    def unavailable(self, entry, summary):
        pass

    def records(self, key):
        return self.writers[key].records


class FileSink:
    """Streams each resource into a part file of a :class:`snapshot.PartStore`."""

    sorts_keys = False  # canonical_json sorts keys while it serialises

    def __init__(self, store):
        self.store = store
        self._done = {}

    def bind(self, identity):
        self.store.bind(identity)
        self._done = self.store.completed() if self.store.resume else {}
        return self._done

    def done(self):
        return dict(self._done)

    def open(self, entry):
        return self.store.writer(entry.key)

    def completed(self, entry, summary):
        self.store.record(entry.key, summary)

    def unavailable(self, entry, summary):
        if self.store.resume:
            self.store.record(entry.key, summary)


# -- the collector ---------------------------------------------------------------------------------------------
class Collector:
    """See the module docstring."""

    def __init__(self, session, gather_subset=None, fields=None, filters=None, page_size=None,
                 events_max=catalogue.EVENTS_MAX, max_memory_mb=DEFAULT_MAX_MEMORY_MB,
                 fail_on_error=False):
        self.session = session
        self.requested = list(gather_subset) if gather_subset is not None else ["min"]
        self.subsets = catalogue.resolve_subsets(self.requested)
        self.entries = catalogue.entries_for(self.subsets)
        if page_size is not None and not 1 <= int(page_size) <= MAX_PAGE_SIZE:
            raise catalogue.SubsetError("max_records must be between 1 and %d (it is the page size, not a cap), "
                                        "got %r" % (MAX_PAGE_SIZE, page_size))
        self.page_size = int(page_size) if page_size else None
        if events_max is None:
            events_max = catalogue.EVENTS_MAX
        if int(events_max) < 0:
            raise catalogue.SubsetError("events_max must be 0 (every event) or how many of the newest events to "
                                        "read, got %r" % events_max)
        self.events_max = int(events_max)
        self.max_memory_mb = max_memory_mb
        self.fail_on_error = bool(fail_on_error)
        self.fields = self._parse_fields(fields)
        self.filters = self._parse_filters(filters)
        self.reads = self._plan()
        self.warnings = []
        self.results = collections.OrderedDict()   # entry key -> result dict
        self.resumed = []
        self.started = None

    # -- planning ----------------------------------------------------------------------------------------------
    def _parse_fields(self, fields):
        if fields is None:
            return {}
        if not isinstance(fields, dict):
            raise catalogue.SubsetError("fields must be a dictionary of subset (or subset.resource) to a list of "
                                        "field names, got %r" % (fields,))
        out = {}
        # subset-wide keys first, then subset.resource keys override them
        for key in sorted(fields, key=lambda k: ("." in str(k), str(k))):
            names = _field_list("fields", key, fields[key])
            for entry in _resolve_key("fields", str(key), self.subsets, allow_resource=False):
                out[entry.key] = names
        return out

    def _parse_filters(self, filters):
        if filters is None:
            return {}
        if not isinstance(filters, dict):
            raise catalogue.SubsetError("filters must be a dictionary of resource (or subset.resource) to a "
                                        "dictionary of API filters, got %r" % (filters,))
        out = {}
        for key in sorted(filters, key=lambda k: ("." in str(k), str(k))):
            value = filters[key]
            if not isinstance(value, dict) or not value:
                raise catalogue.SubsetError("filters.%s must be a non-empty dictionary of API filters (for example "
                                            "{tenant_id: 1} or {name__startswith: prod}), got %r" % (key, value))
            query = {}
            for name, item in value.items():
                if not isinstance(name, str) or not name or name in ("page", "page_size", "fields", "format"):
                    raise catalogue.SubsetError("filters.%s: %r is not a filter name (page, page_size, fields and "
                                                "format are set by the module)" % (key, name))
                query[name] = _filter_value("filters", key, name, item)
            for entry in _resolve_key("filters", str(key), self.subsets, allow_subset=False):
                merged = dict(out.get(entry.key, {}))
                merged.update(query)
                out[entry.key] = merged
        return out

    def _plan(self):
        reads = collections.OrderedDict()
        for entry in self.entries:
            params = dict(entry.params)
            params.update(self.filters.get(entry.key, {}))
            newest = self.events_max if entry.newest is not None and self.events_max else None
            read_key = (entry.name, tuple(sorted(params.items())), newest)
            read = reads.get(read_key)
            if read is None:
                read = reads[read_key] = Read(entry.name, params)
                read.newest = newest
            read.entries.append(entry)
            read.outputs[entry.key] = self.fields.get(entry.key, entry.keep)
        return sorted(reads.values(), key=lambda r: _COST_ORDER[r.cost])

    def request_digest(self):
        """A digest of what is asked (subsets, fields, filters, events_max): part of the resume identity."""
        data = {"subsets": self.subsets, "fields": dict((k, list(v)) for k, v in self.fields.items()),
                "filters": self.filters, "events_max": self.events_max}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()

    # -- reading -----------------------------------------------------------------------------------------------
    def _read_newest(self, read, params, api_fields):
        """The newest ``read.newest`` records of a paged list (see the module docstring); sets ``read.total``."""
        session = self.session
        limit = read.newest
        path = session.resource_path(read.name)
        query = dict(read.resource.params)
        query.update(params)
        if api_fields:
            query["fields"] = ",".join(api_fields)
        size = min(self.page_size or DEFAULT_PAGE_SIZE, limit)
        try:
            first = split_page(session.get(path, dict(query, page_size=size), cache=False))
        except NotFound as exc:
            raise ResourceUnavailable(read.name, "the cluster (VAST %s, API %s) answered 404 for %s: endpoint not "
                                                 "served" % (session.sw_version.short if session.sw_version else "?",
                                                             session.api_version, exc.url or path),
                                      url=exc.url, status=404)
        records = list(first.records)
        read.total = first.count if first.count is not None else len(records)
        if first.next_url and first.records and read.total > len(records):
            per_page = len(first.records)
            pages = -(-read.total // per_page)
            keys = [sort_key(r) for r in first.records if isinstance(r, dict)]
            descending = len(keys) < 2 or keys[0] >= keys[-1]
            if descending:
                wanted = list(range(2, min(pages, -(-limit // per_page)) + 1))
            else:
                start = max(1, (read.total - limit) // per_page + 1)
                wanted = [n for n in range(start, pages + 1) if n != 1]
            next_path, next_params = split_url(first.next_url)

            def fetch(number):
                page_params = dict(next_params)
                page_params["page"] = str(number)
                return split_page(session.get(next_path, page_params, cache=False)).records

            for page in session.pages.ordered_map(fetch, wanted, session.params.max_concurrency):
                records.extend(page)
                session.stats.incr("pages")
        unique = {}
        for record in records:
            if isinstance(record, dict):
                unique.setdefault(repr(record.get("id")) if record.get("id") is not None else repr(record), record)
        ordered = sorted(unique.values(), key=sort_key)
        return ordered[-limit:] if len(ordered) > limit else ordered

    def _execute(self, read, sink, done):
        """Read one resource stream into the sink; returns {entry key: result dict}."""
        session = self.session
        entries = [e for e in read.entries if e.key not in done]
        resource = read.resource
        path = resource.path_for(session.sw_version)
        results = {}
        writers = {}
        started = time.time()
        read_at = _utc_now()
        try:
            available, reason = session.availability(read.name)
            if not available:
                raise ResourceUnavailable(read.name, reason)
            params = dict(read.params)
            page_size = self.page_size if resource.pages else None
            if read.newest and resource.kind == "list":
                stream = self._read_newest(read, params, read.api_fields())
            else:
                stream = session.iter_resource(read.name, params=params or None, page_size=page_size,
                                               fields=read.api_fields())
            for entry in entries:
                writers[entry.key] = sink.open(entry)
            normalised = {}
            for raw in stream:
                normalised.clear()
                for entry in entries:
                    record = normalised.get(entry.normaliser)
                    if record is None:
                        record = normalised[entry.normaliser] = normalise_record(resource, raw, entry.normaliser,
                                                                                 sort=sink.sorts_keys)
                    writers[entry.key].add(project(record, read.outputs[entry.key]))
            for entry in entries:
                summary = writers.pop(entry.key).finish()
                summary.update(status="ok", path=path, elapsed_s=round(time.time() - started, 3), read_at=read_at)
                if read.newest:
                    truncated = read.total is not None and read.total > summary["count"]
                    summary.update(total=read.total, truncated=bool(truncated))
                sink.completed(entry, summary)
                results[entry.key] = summary
        except ResourceUnavailable as exc:
            self._abort(writers)
            session.stats.mark_degraded(read.name, exc.reason)
            for entry in entries:
                summary = {"status": "unavailable", "reason": exc.reason, "path": path, "read_at": read_at}
                sink.unavailable(entry, summary)
                results[entry.key] = summary
        except MemoryLimitExceeded:
            self._abort(writers)
            raise
        except VastError as exc:
            self._abort(writers)
            if is_fatal(exc):
                raise
            session.stats.mark_error(read.name, exc.msg)
            # transient: the cluster gave no real answer; with resume the parts are kept and a rerun reads only
            # what is missing (the report's advice depends on it)
            error = {"msg": str(exc), "status": exc.status, "url": exc.url, "error": type(exc).__name__,
                     "transient": is_transient(exc)}
            if (exc.details or {}).get("excerpt"):
                # the raw start of a body that is not the API's JSON: data for the curious, never in the prose
                error["excerpt"] = exc.details["excerpt"]
            for entry in entries:
                results[entry.key] = {"status": "error", "reason": exc.msg, "path": path, "error": error,
                                      "read_at": read_at, "transient": is_transient(exc)}
        except BaseException:
            self._abort(writers)
            raise
        return results

    @staticmethod
    def _abort(writers):
        for writer in writers.values():
            try:
                writer.abort()
            except Exception:  # pylint: disable=broad-except  # cleanup must not hide the original error
                pass
        writers.clear()

    def _run(self, sink):
        """Run every read; fills self.results.  Raises fatal errors and strictness failures."""
        self.started = time.time()
        self.collected_at = _utc_now()
        done = sink.done()
        for key, summary in done.items():
            self.resumed.append(key)
        tasks = collections.OrderedDict()
        for read in self.reads:
            if all(e.key in done for e in read.entries):
                continue
            tasks[read.key] = (lambda r=read: self._execute(r, sink, done))
        outcomes = self.session.run_parallel(tasks) if tasks else {}
        fatal = None
        gathered = {}
        for key, (ok, value) in outcomes.items():
            if ok:
                gathered.update(value)
            elif fatal is None or (isinstance(fatal, MemoryLimitExceeded) and
                                   not isinstance(value, MemoryLimitExceeded)):
                fatal = value
        if fatal is not None:
            raise fatal
        for entry in self.entries:
            if entry.key in done:
                summary = dict(done[entry.key])
                summary["resumed"] = True
                gathered[entry.key] = summary
            self.results[entry.key] = gathered[entry.key]
        errors = [(k, r) for k, r in self.results.items() if r["status"] == "error"]
        for key, result in errors:
            self.warnings.append("%s could not be read: %s" % (key, result["reason"]))
        if errors and self.fail_on_error:
            first = errors[0][1]
            raise CollectionError(
                "%d resource%s could not be read and fail_on_error is set: %s" % (
                    len(errors), "s" if len(errors) > 1 else "",
                    "; ".join("%s: %s" % (k, r["reason"]) for k, r in errors[:5]) + (" ..." if len(errors) > 5 else "")),
                url=first["error"].get("url"), status=first["error"].get("status"),
                hint="Unset fail_on_error to collect the rest (the failures are then listed in meta.errors), or fix "
                     "the cause and run again.")

    # -- meta --------------------------------------------------------------------------------------------------
    def meta(self):
        session = self.session
        cluster = session.cluster or {}
        resources, unavailable, errors = {}, {}, {}
        counts = collections.OrderedDict((s, {}) for s in self.subsets)
        digests = {}
        for entry in self.entries:
            result = self.results.get(entry.key)
            if result is None:
                continue
            item = {"status": result["status"], "path": result.get("path"), "cost": entry.cost,
                    "read_at": result.get("read_at")}
            if result.get("resumed"):
                item["resumed"] = True
            if result["status"] == "ok":
                item["count"] = result["count"]
                item["sha256"] = result["sha256"]
                if "total" in result:
                    item["total"] = result["total"]
                    item["truncated"] = result["truncated"]
                counts[entry.subset][entry.name] = result["count"]
                digests[entry.key] = result["sha256"]
            else:
                item["reason"] = result.get("reason")
            if result["status"] == "unavailable":
                unavailable[entry.key] = result.get("reason")
            elif result["status"] == "error":
                errors[entry.key] = dict((k, v) for k, v in result["error"].items() if v is not None)
            resources[entry.key] = item
        collected = [s for s in self.subsets
                     if not any(self.results.get(e.key, {}).get("status") == "error" for e in
                                catalogue.SUBSETS[s].entries)]
        summary = session.summary()
        meta = collections.OrderedDict((
            ("host", session.params.netloc),
            ("cluster", dict((k, cluster.get(k)) for k in ("id", "guid", "name", "psnt"))),
            ("api_version", session.api_version),
            ("sw_version", session.sw_version.raw if session.sw_version else None),
            ("release", session.sw_version.short if session.sw_version else None),
            ("auth_method", session.auth_method),
            ("tenant", session.params.tenant),
            ("subsets_requested", list(self.subsets)),
            ("subsets_collected", collected),
            ("gather_subset", list(self.requested)),
            ("resources", resources),
            ("unavailable", unavailable),
            ("errors", errors),
            ("counts", counts),
            ("vast_info_sha256", snap.combined_digest(digests)),
            ("options", {"fields": dict((k, list(v)) for k, v in sorted(self.fields.items())),
                         "filters": self.filters, "page_size": self.page_size,
                         "events_max": self.events_max}),
            ("resumed", sorted(self.resumed)),
            ("resumed_from", self.resumed_from()),
            ("warnings", list(session.warnings) + list(self.warnings)),
            ("elapsed_s", round(time.time() - (self.started or time.time()), 3)),
            ("session", summary),
        ))
        return meta

    def resumed_from(self):
        """The earliest ``read_at`` of the resources taken from parts (ISO UTC), or None."""
        times = [self.results[k].get("read_at") for k in self.resumed if k in self.results]
        times = [t for t in times if isinstance(t, str)]
        return min(times) if times else None

    def interrupted(self):
        """Keys of the resources that could not be read because the cluster gave no real answer."""
        return sorted(k for k, r in self.results.items() if r["status"] == "error" and r.get("transient"))

    def _layout(self):
        """[(subset, [entry, ...])] of the collected entries, subsets and resources sorted by name."""
        by_subset = collections.OrderedDict((s, []) for s in sorted(self.subsets))
        for entry in self.entries:
            if self.results.get(entry.key, {}).get("status") == "ok":
                by_subset[entry.subset].append(entry)
        return [(s, sorted(es, key=lambda e: e.name)) for s, es in by_subset.items()]

    # -- entry points ------------------------------------------------------------------------------------------
    def collect(self):
        """Collect into memory; returns the schema-1 document (an ordered dict)."""
        self.page_size = self.page_size or MEMORY_PAGE_SIZE
        sink = MemorySink(self.max_memory_mb)
        self._run(sink)
        info = collections.OrderedDict()
        for subset, entries in self._layout():
            info[subset] = collections.OrderedDict((e.name, sink.records(e.key)) for e in entries)
        document = collections.OrderedDict(snap.header_fields(self.collected_at))
        document["vast_info"] = info
        document["meta"] = self.meta()
        return document

    def identity(self):
        session = self.session
        return {"host": session.params.netloc, "cluster_guid": (session.cluster or {}).get("guid"),
                "sw_version": session.sw_version.raw if session.sw_version else None,
                "api_version": session.api_version, "tenant": session.params.tenant,
                "principal": session.principal(), "request": self.request_digest()}

    @staticmethod
    def open_store(dest, resume=False, resume_max_age=DEFAULT_RESUME_MAX_AGE):
        """The part store of *dest*, created (and, with *resume*, locked) before anything is read: a second run on
        the same dest fails at once with one clear sentence.  Pass it to :meth:`collect_to_file`."""
        dest = os.path.abspath(dest)
        check_destination(dest)
        snap.remove_stale_temps(os.path.dirname(dest), os.path.basename(dest))
        return snap.PartStore(dest, resume=resume, max_age=resume_max_age)

    def collect_to_file(self, dest, resume=False, resume_max_age=DEFAULT_RESUME_MAX_AGE, store=None):
        """Collect into a snapshot file at *dest* (atomic); returns {dest, sha256, size, meta, ...}.

        With *resume*, parts younger than *resume_max_age* seconds are reused (None: any age; 0: none); see the
        module docstring for when the parts directory is kept.  *store*: from :meth:`open_store` (else opened
        here).
        """
        dest = os.path.abspath(dest)
        self.page_size = self.page_size or FILE_PAGE_SIZE
        if store is None:
            store = self.open_store(dest, resume=resume, resume_max_age=resume_max_age)
        resume = store.resume
        keep_parts = False
        try:
            sink = FileSink(store)
            sink.bind(self.identity())
            if store.discarded:
                self.warnings.append("resume: the parts in %s were discarded: %s." % (store.path, store.discarded))
            if store.expired:
                keys = sorted(store.expired)
                self.warnings.append(
                    "resume: %d part%s in %s read more than resume_max_age=%ss ago %s discarded and read again: %s." % (
                        len(keys), "s" if len(keys) > 1 else "", store.path, _seconds(store.max_age),
                        "were" if len(keys) > 1 else "was",
                        ", ".join(keys[:10]) + (" ..." if len(keys) > 10 else "")))
            try:
                self._run(sink)
            except BaseException:
                keep_parts = resume
                raise
            layout = [(subset, [(e.name, store.data_path(e.key)) for e in entries])
                      for subset, entries in self._layout()]
            meta = self.meta()
            written = snap.assemble(dest, self.collected_at, layout, meta)
            # kept only when something could not be read for want of an answer: a rerun finishes just that
            keep_parts = resume and bool(self.interrupted())
        finally:
            if keep_parts:
                store.release()
            else:
                store.cleanup()
        result = collections.OrderedDict(snap.header_fields(self.collected_at))
        result.update(dest=dest, sha256=written["sha256"], size_bytes=written["size"], counts=meta["counts"],
                      meta=meta)
        if keep_parts:
            result["parts"] = store.path
        return result


def _seconds(value):
    return ("%d" % value) if float(value).is_integer() else ("%s" % value)


def check_destination(dest):
    """Fail early (before reading anything) when *dest* cannot be written."""
    try:
        _check_destination(dest)
    except (ValueError, TypeError) as exc:
        raise CollectionError("dest: %r is not a usable file path (%s)." % (dest, exc))


def _check_destination(dest):
    directory = os.path.dirname(os.path.abspath(dest))
    problem = directory_problem(directory)
    if problem and problem.endswith("does not exist"):
        raise CollectionError("dest: %s." % problem,
                              hint="Create it first (for example with ansible.builtin.file state=directory).")
    if problem and not os.path.isdir(directory):
        raise CollectionError("dest: %s." % problem, hint="Give dest a path inside a directory.")
    if problem:
        raise CollectionError("dest: %s, so the snapshot cannot be written there." % problem,
                              hint="Choose another dest or fix the permissions.")
    try:
        os.unlink(snap.temp_path(directory, os.path.basename(dest)))   # a real probe (root, read-only mounts)
    except (IOError, OSError) as exc:
        raise CollectionError("dest: cannot create files in %s (%s), so the snapshot cannot be written there."
                              % (directory, exc.strerror or exc), hint="Choose another dest or fix the permissions.")
    if os.path.isdir(dest):
        raise CollectionError("dest: %s is a directory; give a file path such as %s"
                              % (dest, os.path.join(dest, "snapshot.json.gz")))
    if os.path.exists(dest) and not os.access(dest, os.W_OK):
        # rename() replaces it anyway when the directory is writable; say so only when it is a special file
        if not os.path.isfile(dest):
            raise CollectionError("dest: %s exists and is not a regular file." % dest)
