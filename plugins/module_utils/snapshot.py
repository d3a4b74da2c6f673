# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Snapshot files (schema 1): a streaming, atomic gzip JSON writer and a reader.

The document is the one ``docs/DEVELOPING.md`` specifies: ``schema_version``, ``kind``, ``collection_version``,
``collected_at``, ``vast_info`` (subset -> resource -> records) and ``meta`` last.

How a file is written (bounded memory, never a partial file under the final name):

* each resource streams into its own *part* file (:class:`PartWriter`): a gzip stream of its records, one
  canonical JSON record per line (sorted keys, compact), separated by commas.  Records are written in the
  order they arrive; if they arrive out of order the part is re-read, sorted and rewritten (only that
  resource is held in memory, once);
* :func:`assemble` writes the final document into a temporary file in the destination's directory: small
  gzip members for the JSON punctuation, and the part files' compressed bytes copied as they are (a gzip file
  may hold several members; every gzip reader concatenates them), then ``meta``; it fsyncs, renames over the
  destination, and fsyncs the directory.  On any failure the temporary file is removed;
* gzip headers carry no name and no time (``mtime=0``), so the same data gives the same bytes.

Part files live in a directory next to the destination: a private temporary one that is always removed, or
``<dest>.parts/`` with ``resume``, which survives an interrupted run (see :class:`PartStore`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import fcntl
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zlib

from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    FILE_MODE, TEMP_NAME, atomic_file, atomic_write, pid_alive, temp_path, unlink_quietly)
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import canonical_json, sort_key

SCHEMA_VERSION = 1
KIND = "vastops.asbuilt.snapshot"
#: Kept equal to galaxy.yml's version by a unit test.
COLLECTION_VERSION = "0.1.0"
#: Version of the resume directory's layout.
PARTS_FORMAT = 1
COMPRESSLEVEL = 1  # fastest: ~11% less CPU for a large cluster than level 6, files ~25% larger
_CHUNK = 1024 * 1024
_WRITE_BATCH = 256 * 1024


class SnapshotError(Exception):
    """A snapshot file cannot be written or is not a valid schema-1 snapshot."""


class SnapshotLockedError(SnapshotError):
    """Another collection holds the lock of the resume directory: this run must touch nothing of it."""


def remove_stale_temps(directory, base):
    """Remove temporary files and part directories of *base* left by processes that no longer run."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    removed = []
    for name in names:
        match = TEMP_NAME.match(name)
        if not match or match.group("base") not in (base, base + ".parts"):
            continue
        if pid_alive(int(match.group("pid"))):
            continue
        path = os.path.join(directory, name)
        try:
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed.append(name)
        except OSError:
            pass
    return removed


def _gzip_member(text):
    """One complete gzip member holding *text* (bytes), with no name and no time in the header."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=COMPRESSLEVEL) as handle:
        handle.write(text)
    return buf.getvalue()


class PartWriter:
    """Streams the records of one resource into a gzip part file (see the module docstring).

    ``add(record)`` takes normalised records; ``finish()`` returns the summary (count, sha256, size) after the
    part is complete at ``final_path``; ``abort()`` removes everything.  Thread-compatible: one writer per
    thread.
    """

    def __init__(self, directory, key, final_path=None):
        self.key = key
        self.directory = directory
        self.final_path = final_path or os.path.join(directory, "%s.json.gz" % key)
        self.tmp = temp_path(directory, "%s.json.gz" % key)
        self._raw = open(self.tmp, "wb")
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=COMPRESSLEVEL)
        self._sha = hashlib.sha256()
        self._last = None
        self._buffer = []
        self._buffered = 0
        self.sorted = True
        self.count = 0
        self.data_bytes = 0

    def add(self, record):
        line = canonical_json(record).encode("utf-8")
        key = sort_key(record)
        if self._last is not None and key < self._last:
            self.sorted = False
        self._last = key
        self._buffer.append(b",\n" if self.count else b"\n")
        self._buffer.append(line)
        self._buffered += len(line) + 2
        if self.sorted:
            self._sha.update(line)
            self._sha.update(b"\n")
        self.count += 1
        self.data_bytes += len(line) + 2
        if self._buffered >= _WRITE_BATCH:
            self._flush()

    def _flush(self):
        # one large write: zlib and crc32 release the GIL for it, so parts compress in parallel
        if self._buffer:
            self._gz.write(b"".join(self._buffer))
            self._buffer = []
            self._buffered = 0

    def _close(self):
        if self._gz is not None:
            self._flush()
            self._gz.close()
            self._gz = None
        if self._raw is not None:
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            self._raw = None

    def _resort(self):
        with gzip.open(self.tmp, "rb") as handle:
            lines = [line.rstrip(b",") for line in handle.read().split(b"\n") if line.strip()]
        records = sorted((json.loads(line.decode("utf-8")) for line in lines), key=sort_key)
        del lines
        self._sha = hashlib.sha256()
        with open(self.tmp, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESSLEVEL) as gz:
                for index, record in enumerate(records):
                    line = canonical_json(record).encode("utf-8")
                    gz.write((b",\n" if index else b"\n") + line)
                    self._sha.update(line + b"\n")
            raw.flush()
            os.fsync(raw.fileno())
        self.sorted = True

    def finish(self):
        """Close, sort when needed, rename to the final part path; returns the summary dict."""
        try:
            self._close()
            if not self.sorted:
                self._resort()
            if self.count == 0:
                # no records: an empty part (zero gzip members) keeps assembly uniform
                open(self.tmp, "wb").close()
            size = os.path.getsize(self.tmp)
            os.rename(self.tmp, self.final_path)
        except BaseException:
            self.abort()
            raise
        return {"count": self.count, "sha256": self._sha.hexdigest(), "part_bytes": size,
                "data_bytes": self.data_bytes}

    def abort(self):
        try:
            self._close()
        except (OSError, ValueError):
            pass
        unlink_quietly(self.tmp)


def records_digest(records):
    """(sha256, data_bytes) of records the way :class:`PartWriter` computes them (for in-memory results)."""
    sha = hashlib.sha256()
    size = 0
    for record in records:
        line = canonical_json(record).encode("utf-8")
        sha.update(line + b"\n")
        size += len(line) + 2
    return sha.hexdigest(), size


def combined_digest(resources):
    """The digest of a whole ``vast_info``: sha256 of the sorted ``<subset>.<resource> <sha256>`` lines."""
    sha = hashlib.sha256()
    for key in sorted(resources):
        sha.update(("%s %s\n" % (key, resources[key])).encode("utf-8"))
    return sha.hexdigest()


def header_fields(collected_at):
    """The leading fields of a snapshot document, in file order."""
    return [("schema_version", SCHEMA_VERSION), ("kind", KIND), ("collection_version", COLLECTION_VERSION),
            ("collected_at", collected_at)]


def assemble(dest, collected_at, layout, meta):
    """Write the snapshot at *dest* atomically from part files.

    *layout* is ``[(subset, [(resource, part_path), ...]), ...]`` in the order to write (subsets and resources
    sorted); *meta* the meta dict, written last.  Returns ``{"sha256": <of the file>, "size": <bytes>}``.
    """
    sha = hashlib.sha256()
    size = [0]
    with atomic_file(dest, mode=FILE_MODE, sync_dir=True) as out:
        pending = []

        def emit(data):
            out.write(data)
            sha.update(data)
            size[0] += len(data)

        def flush_glue():
            if pending:
                emit(_gzip_member("".join(pending).encode("utf-8")))
                del pending[:]

        head = ",".join("%s:%s" % (json.dumps(k), json.dumps(v)) for k, v in header_fields(collected_at))
        pending.append("{" + head + ',"vast_info":{')
        for s_index, (subset, resources) in enumerate(layout):
            pending.append("%s\n%s:{" % ("," if s_index else "", json.dumps(subset)))
            for r_index, (resource, part) in enumerate(resources):
                pending.append("%s\n%s:[" % ("," if r_index else "", json.dumps(resource)))
                if part and os.path.getsize(part):
                    flush_glue()
                    with open(part, "rb") as handle:
                        while True:
                            chunk = handle.read(_CHUNK)
                            if not chunk:
                                break
                            emit(chunk)
                    pending.append("\n]")
                else:
                    pending.append("]")
            pending.append("}")
        pending.append('},\n"meta":')
        pending.append(json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str))
        pending.append("}\n")
        flush_glue()
    return {"sha256": sha.hexdigest(), "size": size[0]}


def utc_now():
    """The current time as ISO 8601 UTC (seconds): how ``collected_at`` and ``read_at`` are written."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_utc(value):
    """Seconds since the epoch of an ISO 8601 UTC time written by :func:`utc_now` (None when it is not one)."""
    if not isinstance(value, str):
        return None
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


#: ``meta`` fields that differ between two runs on the same cluster state (timing, and when a resource was read).
VOLATILE_META = ("elapsed_s", "session", "warnings", "resumed_from")
#: ... and, in each ``meta.resources`` item:
VOLATILE_RESOURCE_FIELDS = ("read_at",)


def stable_meta(meta):
    """A copy of *meta* without the fields that differ between runs on the same state (for comparisons)."""
    out = dict((k, v) for k, v in meta.items() if k not in VOLATILE_META)
    if isinstance(out.get("resources"), dict):
        out["resources"] = dict(
            (key, dict((k, v) for k, v in item.items() if k not in VOLATILE_RESOURCE_FIELDS)
             if isinstance(item, dict) else item) for key, item in out["resources"].items())
    return out


def file_sha256(path):
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            sha.update(chunk)
    return sha.hexdigest()


def read_snapshot(path):
    """Load and check a snapshot file (gzip JSON, or plain JSON); raises SnapshotError with the reason."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(2)
        opener = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
    except (EOFError, zlib.error) as exc:
        raise SnapshotError("%s is truncated or not a complete gzip file (%s)" % (path, exc))
    except (IOError, OSError, ValueError) as exc:
        raise SnapshotError("%s is not a readable snapshot: %s" % (path, exc))
    problems = validate(document)
    if problems:
        raise SnapshotError("%s is not a valid schema-%d snapshot: %s" % (path, SCHEMA_VERSION, "; ".join(problems)))
    return document


def validate(document):
    """A list of problems with a snapshot document (empty when it follows schema 1)."""
    problems = []
    if not isinstance(document, dict):
        return ["not a JSON object"]
    if "schema_version" not in document and "kind" not in document:
        return ["it is not a vastops.asbuilt snapshot (no schema field)"]
    if document.get("schema_version") != SCHEMA_VERSION:
        problems.append("schema_version is %r, expected %d" % (document.get("schema_version"), SCHEMA_VERSION))
    if document.get("kind") != KIND:
        problems.append("kind is %r, expected %r" % (document.get("kind"), KIND))
    info = document.get("vast_info")
    if not isinstance(info, dict):
        problems.append("vast_info is missing or not an object")
        info = {}
    meta = document.get("meta")
    if not isinstance(meta, dict):
        problems.append("meta is missing (an interrupted collection)")
        meta = {}
    for subset, resources in info.items():
        if not isinstance(resources, dict):
            problems.append("vast_info.%s is not an object" % subset)
            continue
        for name, records in resources.items():
            if not isinstance(records, list):
                problems.append("vast_info.%s.%s is not a list" % (subset, name))
            elif any(not isinstance(r, dict) for r in records):
                problems.append("vast_info.%s.%s holds a record that is not an object" % (subset, name))
            elif [sort_key(r) for r in records] != sorted(sort_key(r) for r in records):
                problems.append("vast_info.%s.%s is not sorted by id, then name" % (subset, name))
    for key in ("resources", "counts", "subsets_requested", "subsets_collected"):
        if meta and key not in meta:
            problems.append("meta.%s is missing" % key)
    return problems


class PartStore:
    """The directory of part files next to a destination.

    ``resume=False``: a private temporary directory ``.<dest>.parts.<pid>.<random>.tmp``, removed by
    ``cleanup()`` whatever happens.  ``resume=True``: ``<dest>.parts/`` (mode 0700) which survives a failed
    run.  It holds ``identity.json`` (format, host, cluster guid, software version, API version, tenant, who
    reads and a digest of the request: subsets, fields, filters, events window) and, per completed resource,
    ``<key>.json.gz`` (the records) and ``<key>.json`` (its summary, with ``read_at``; written after the data, so
    a data file without it is incomplete).  Resources found unavailable are kept as a summary only.  A directory
    whose identity differs (another cluster, an upgrade, another request) is discarded.

    *max_age* (seconds; None = no limit): ``bind()`` discards the parts read longer ago than that (the age is
    measured from the older of the summary's ``read_at`` and the summary file's mtime), so that resuming never
    serves data older than that; 0 discards every part.  ``discarded`` and ``expired`` say what was dropped.
    """

    def __init__(self, dest, resume=False, max_age=None):
        self.dest = os.path.abspath(dest)
        self.directory_of_dest = os.path.dirname(self.dest)
        self.base = os.path.basename(self.dest)
        self.resume = resume
        self.max_age = max_age
        self.discarded = None
        self.expired = {}   # key -> read_at (or None) of the parts dropped for their age
        self._lock_fd = None
        if resume:
            self.path = self.dest + ".parts"
            if os.path.exists(self.path) and not os.path.isdir(self.path):
                raise SnapshotError("%s exists and is not a directory" % self.path)
            if not os.path.isdir(self.path):
                os.mkdir(self.path, 0o700)
            self._lock()
        else:
            self.path = tempfile.mkdtemp(prefix=".%s.parts.%d." % (self.base, os.getpid()), suffix=".tmp",
                                         dir=self.directory_of_dest)

    def _lock(self):
        """One collection at a time per resume directory (a second one fails instead of mixing parts)."""
        fd = os.open(os.path.join(self.path, ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (IOError, OSError):
            os.close(fd)
            raise SnapshotLockedError("Another collection is already writing %s (it holds the lock on %s): wait for it "
                                      "to finish, or give this run another dest." % (self.dest, self.path))
        self._lock_fd = fd

    def release(self):
        """Release the lock of a resume directory (the directory stays)."""
        if self._lock_fd is not None:
            try:
                os.close(self._lock_fd)
            except OSError:
                pass
            self._lock_fd = None

    # -- identity ----------------------------------------------------------------------------------------------
    def bind(self, identity):
        """Check (resume) or record the identity; returns the keys of the completed parts kept."""
        path = os.path.join(self.path, "identity.json")
        identity = dict(identity, format=PARTS_FORMAT)
        if self.resume and os.path.exists(path):
            try:
                with open(path, "r") as handle:
                    previous = json.load(handle)
            except (IOError, OSError, ValueError):
                previous = None
            if previous != identity:
                self.discarded = self._describe_change(previous, identity)
                self._clear()
        elif self.resume:
            self._clear()
        if self.resume:
            self._clear(temporary_only=True)  # temporary files of an interrupted writer
            self._expire()
        atomic_write(path, json.dumps(identity, sort_keys=True), mode=0o600)
        return sorted(self.completed())

    def _expire(self, now=None):
        """Remove the parts older than ``max_age`` (see the class docstring); fills ``expired``."""
        if self.max_age is None:
            return
        now = time.time() if now is None else now
        for key, summary in sorted(self.completed().items()):
            read_at = summary.get("read_at")
            times = [os.path.getmtime(self.summary_path(key))] if os.path.exists(self.summary_path(key)) else []
            parsed = parse_utc(read_at)
            if parsed is not None:
                times.append(parsed)
            if self.max_age > 0 and times and now - min(times) < self.max_age:
                continue
            self.expired[key] = read_at
            unlink_quietly(self.summary_path(key))   # the summary first: a data file without it is incomplete anyway
            unlink_quietly(self.data_path(key))

    @staticmethod
    def _describe_change(previous, current):
        if not isinstance(previous, dict):
            return "its identity file was unreadable"
        changed = sorted(k for k in set(previous) | set(current) if previous.get(k) != current.get(k))
        return "it belongs to another collection (%s changed)" % ", ".join(changed)

    def _clear(self, temporary_only=False):
        for name in os.listdir(self.path):
            if name == ".lock" or (temporary_only and not name.startswith(".")):
                continue
            full = os.path.join(self.path, name)
            if os.path.isdir(full):
                shutil.rmtree(full, ignore_errors=True)
            else:
                unlink_quietly(full)

    # -- parts -------------------------------------------------------------------------------------------------
    def data_path(self, key):
        return os.path.join(self.path, "%s.json.gz" % key)

    def summary_path(self, key):
        return os.path.join(self.path, "%s.json" % key)

    def writer(self, key):
        return PartWriter(self.path, key, final_path=self.data_path(key))

    def record(self, key, summary):
        """Write the summary of a completed part (after its data)."""
        atomic_write(self.summary_path(key), json.dumps(summary, sort_keys=True), mode=0o600)

    def completed(self):
        """{key: summary} of every complete part (summary present; data present with the recorded size)."""
        out = {}
        for name in os.listdir(self.path):
            if not name.endswith(".json") or name == "identity.json" or name.startswith("."):
                continue
            key = name[:-len(".json")]
            try:
                with open(os.path.join(self.path, name), "r") as handle:
                    summary = json.load(handle)
            except (IOError, OSError, ValueError):
                continue
            if not isinstance(summary, dict):
                continue
            if summary.get("status") == "ok":
                data = self.data_path(key)
                if not os.path.exists(data) or os.path.getsize(data) != summary.get("part_bytes"):
                    continue
            elif summary.get("status") != "unavailable":
                continue
            if not isinstance(summary.get("read_at"), str):
                # parts written before read_at was recorded: the summary was written right after the read
                summary["read_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(
                    os.path.getmtime(os.path.join(self.path, name))))
            out[key] = summary
        return out

    def abandon(self):
        """Nothing was collected (the connection failed): release the lock, and remove the directory unless it
        holds parts of an earlier run."""
        if not self.resume or not [n for n in os.listdir(self.path) if n != ".lock"]:
            self.cleanup()
        else:
            self.release()

    def cleanup(self):
        """Remove the directory (after success, or always for a private one)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()
