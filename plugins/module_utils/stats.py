# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thread-safe run statistics, the health summary modules return, and the optional audit log.

Every HTTP attempt (including retries and token calls) is counted once by ``Stats.record_request``; the counts
therefore add up to what the cluster logged.  The audit log is JSON lines of ts, method, path, status,
latency_ms - no bodies, no query strings, no headers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import threading
import time

try:
    import resource as _resource
except ImportError:  # pragma: no cover - not on Windows
    _resource = None

_LATENCY_RESERVOIR = 20000


def peak_rss_mb():
    """Peak resident memory of this process in MiB (None where the platform does not say)."""
    if _resource is None:
        return None
    usage = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    if usage > 1 << 32:
        return round(usage / (1024.0 * 1024.0), 1)
    return round(usage / 1024.0, 1)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return sorted_values[index]


class Stats:
    """Counters shared by every thread of one session (each update takes the lock)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._random = random.Random(0)
        self.started = time.time()
        self.requests = 0
        self.by_path = {}
        self.by_status = {}
        self.by_method = {}
        self.retries = 0
        self.retry_reasons = {}
        self.token_logins = 0
        self.token_refreshes = 0
        self.relogins = 0
        self.auth_failures = 0
        self.bytes_received = 0
        self._latencies = []
        self._latency_count = 0
        self.latency_max = 0.0
        self.cache = {"memo_hits": 0, "singleflight_waits": 0, "disk_hits": 0, "disk_writes": 0, "disk_corrupt": 0}
        self.degraded = {}
        self.errors = {}
        self.duplicates_skipped = 0
        self.pages = 0
        self.info = {}
        self.warnings = []
        self.concurrency = None  # set by the session: a callable returning the limiter's summary

    # -- recording ---------------------------------------------------------------------------------------------
    def record_request(self, method, path, status, latency, nbytes=0):
        """One HTTP attempt.  *status* is the HTTP status or an error kind such as ``"connection"``."""
        key = str(status)
        with self._lock:
            self.requests += 1
            per_path = self.by_path.setdefault(path, {})
            per_path[key] = per_path.get(key, 0) + 1
            self.by_status[key] = self.by_status.get(key, 0) + 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            self.bytes_received += nbytes or 0
            self._latency_count += 1
            if latency > self.latency_max:
                self.latency_max = latency
            if len(self._latencies) < _LATENCY_RESERVOIR:
                self._latencies.append(latency)
            else:  # reservoir sampling keeps memory bounded on huge runs
                slot = self._random.randrange(self._latency_count)
                if slot < _LATENCY_RESERVOIR:
                    self._latencies[slot] = latency

    def record_retry(self, reason):
        with self._lock:
            self.retries += 1
            self.retry_reasons[reason] = self.retry_reasons.get(reason, 0) + 1

    def incr(self, name, amount=1):
        with self._lock:
            if name in self.cache:
                self.cache[name] += amount
            else:
                setattr(self, name, getattr(self, name) + amount)

    def mark_degraded(self, resource, reason):
        with self._lock:
            self.degraded[resource] = reason

    def mark_error(self, resource, message):
        with self._lock:
            self.errors[resource] = message

    def warn(self, message):
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)

    def set_info(self, **values):
        with self._lock:
            self.info.update(values)

    # -- reading -----------------------------------------------------------------------------------------------
    def latency_percentiles(self):
        with self._lock:
            values = sorted(self._latencies)
            top = self.latency_max
        result = {}
        for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
            value = percentile(values, fraction)
            result[name] = None if value is None else round(value * 1000.0, 1)
        result["max"] = round(top * 1000.0, 1) if values else None
        return result

    def summary(self):
        """The health summary every module returns (plain JSON-able dict, no secrets)."""
        concurrency = self.concurrency() if self.concurrency else None
        with self._lock:
            result = {
                "requests": self.requests,
                "requests_by_status": dict(self.by_status),
                "requests_by_method": dict(self.by_method),
                "requests_by_path": dict((p, dict(s)) for p, s in self.by_path.items()),
                "pages": self.pages,
                "retries": self.retries,
                "retry_reasons": dict(self.retry_reasons),
                "token_logins": self.token_logins,
                "token_refreshes": self.token_refreshes,
                "relogins": self.relogins,
                "auth_failures": self.auth_failures,
                "bytes_received": self.bytes_received,
                "cache": dict(self.cache),
                "duplicates_skipped": self.duplicates_skipped,
                "degraded_resources": dict(self.degraded),
                "failed_resources": dict(self.errors),
                "warnings": list(self.warnings),
                "elapsed_s": round(time.time() - self.started, 3),
            }
            result.update(self.info)
        result["latency_ms"] = self.latency_percentiles()
        result["peak_rss_mb"] = peak_rss_mb()
        result["concurrency"] = concurrency
        if result["failed_resources"]:
            health = "partial"
        elif result["degraded_resources"] or result["retries"] or result["relogins"]:
            health = "degraded"
        else:
            health = "ok"
        result["health"] = health
        return result


class AuditLog:
    """Append-only JSON-lines log of requests (ts, method, path, status, latency_ms), file mode 0600."""

    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except OSError:
            pass
        self._file = os.fdopen(fd, "a")

    def write(self, method, path, status, latency, **extra):
        line = {"ts": round(time.time(), 3), "method": method, "path": path, "status": status,
                "latency_ms": round(latency * 1000.0, 1)}
        line.update(extra)
        text = json.dumps(line, sort_keys=True)
        with self._lock:
            if self._file is not None:
                self._file.write(text + "\n")
                self._file.flush()

    def close(self):
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
