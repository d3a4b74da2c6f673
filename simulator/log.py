"""The request log (bounded in memory, optionally JSON lines on disk) and request counters.

An entry never holds credentials: no Authorization header, no body, no token, no password; query-string
parameters whose name looks secret are masked.
"""
import collections
import json
import re
import threading

from .common import iso_seconds

SECRET_PARAM = re.compile(r"(pass|secret|token|key|auth)", re.I)


def scrub_query(query):
    if not query:
        return ""
    out = []
    for part in query.split("&"):
        name, sep, _value = part.partition("=")
        out.append("%s=***" % name if sep and SECRET_PARAM.search(name) else part)
    return "&".join(out)


class RequestLog:
    def __init__(self, path=None, maxlen=200000):
        self.lock = threading.Lock()
        self.entries = collections.deque(maxlen=maxlen)
        self.seq = 0
        self.path = path
        self._fh = open(path, "a", encoding="utf-8", buffering=1) if path else None

    def add(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.entries.append(entry)
            if self._fh is not None:
                self._fh.write(json.dumps(entry, separators=(",", ":")) + "\n")

    def snapshot(self, since=0, include_admin=True):
        with self.lock:
            return [dict(e) for e in self.entries if e["seq"] > since and (include_admin or not e.get("admin"))]

    def clear(self):
        with self.lock:
            self.entries.clear()

    def close(self):
        with self.lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def entry(ts, method, path, query, status, nbytes, auth, user, latency_ms, fault=None, admin=False, **extra):
    out = {"ts": iso_seconds(ts), "method": method, "path": path, "query": scrub_query(query), "status": status,
           "bytes": nbytes, "auth": auth, "user": user, "latency_ms": round(latency_ms, 3), "fault": fault}
    if admin:
        out["admin"] = True
    out.update(extra)
    return out


class Stats:
    """Counters for /_sim/stats: requests by method/status, connections, concurrency peak."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.requests = collections.Counter()
            self.status = collections.Counter()
            self.methods = collections.Counter()
            self.faults = collections.Counter()
            self.connections = 0
            self.in_flight = 0
            self.peak_in_flight = 0
            self.bytes_out = 0

    def enter(self):
        with self.lock:
            self.in_flight += 1
            if self.in_flight > self.peak_in_flight:
                self.peak_in_flight = self.in_flight
            return self.in_flight

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def record(self, method, status, nbytes, fault=None):
        with self.lock:
            self.requests["total"] += 1
            self.status[str(status)] += 1
            self.methods[method] += 1
            self.bytes_out += nbytes
            if fault:
                self.faults[fault] += 1

    def connection(self):
        with self.lock:
            self.connections += 1

    def as_dict(self):
        with self.lock:
            return {"requests": self.requests["total"], "by_status": dict(self.status),
                    "by_method": dict(self.methods), "faults": dict(self.faults), "connections": self.connections,
                    "in_flight": self.in_flight, "peak_in_flight": self.peak_in_flight, "bytes_out": self.bytes_out}
