"""Fault injection: what goes wrong, where, and how often.

A fault spec is a dict (JSON on the command line, in a file, or POSTed to ``/_sim/faults``)::

    {"type": "status", "status": 503, "path": "/cnodes/*", "method": "GET", "nth": 3}

Selection (all optional): ``path`` (glob on the path without ``/api/vN``, e.g. ``/cnodes/*``; default all),
``path_regex`` (regular expression instead), ``method`` (one or a list), ``after`` (ignore the first N matching
requests), ``nth`` (fire on the N-th matching request only), ``every`` (every N-th), ``rate`` (probability,
seeded by ``seed``), ``count`` (fire at most N times, then stay in the list inert).

Types: ``latency`` (delay_ms + uniform jitter_ms), ``status`` (``status`` 500/502/503/504/429/..., optional
``retry_after`` seconds and ``body``), ``html_error`` (an nginx-style HTML page, default 502), ``vanish`` (404
``{"detail": "Not found."}``), ``reset`` (connection closed without an answer), ``drop`` (headers and part of
the body, then the connection closes; ``bytes`` sent, default half), ``slow_body`` (body trickled in
``chunk_bytes`` every ``interval_ms``), ``malformed_json`` (200 with a truncated JSON body), ``revoke_tokens``
(revoke every token, then answer normally: the call fails auth), ``expire_tokens`` (while the fault exists,
access tokens die ``seconds`` after issue, whatever their ``exp`` says), ``outage`` (the cluster goes away for
``seconds``: ``mode`` "reset" closes every API connection, "refuse" closes the listening socket), ``admission``
(429 with Retry-After while more than ``max_concurrent`` API requests are in flight).
"""
import fnmatch
import itertools
import random
import re
import threading

TYPES = ("latency", "status", "html_error", "vanish", "reset", "drop", "slow_body", "malformed_json",
         "revoke_tokens", "expire_tokens", "outage", "admission")
PRE = frozenset({"status", "html_error", "vanish", "reset", "revoke_tokens", "outage"})
POST = frozenset({"drop", "slow_body", "malformed_json"})
GLOBAL = frozenset({"expire_tokens", "admission"})
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out", 429: "Too Many Requests", 404: "Not Found"}


def html_page(status):
    reason = REASONS.get(status, "Error")
    return ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (status, reason, status, reason)).encode()


class FaultError(ValueError):
    pass


class Fault:
    def __init__(self, spec, ident):
        if not isinstance(spec, dict):
            raise FaultError("a fault spec must be an object, got %r" % (spec,))
        self.spec = dict(spec)
        kind = self.spec.get("type")
        if kind == "error":
            kind = "status"
        if kind not in TYPES:
            raise FaultError("unknown fault type %r (known: %s)" % (kind, ", ".join(TYPES)))
        self.type = kind
        self.id = str(self.spec.get("id") or ident)
        self.spec["id"] = self.id
        self.spec["type"] = kind
        self.glob = self.spec.get("path") or "*"
        regex = self.spec.get("path_regex")
        self.regex = re.compile(regex) if regex else None
        methods = self.spec.get("method")
        if isinstance(methods, str):
            methods = [methods]
        self.methods = {m.upper() for m in methods} if methods else None
        self.rate = float(self.spec.get("rate", 1.0))
        self.count = self.spec.get("count")
        self.nth = self.spec.get("nth")
        self.every = self.spec.get("every")
        self.after = int(self.spec.get("after", 0))
        self.rng = random.Random(self.spec.get("seed", 0))
        self.matches = 0
        self.hits = 0
        if kind == "status":
            self.status = int(self.spec.get("status", 503))
        elif kind == "html_error":
            self.status = int(self.spec.get("status", 502))
        elif kind == "vanish":
            self.status = 404
        if kind == "admission" and not self.spec.get("max_concurrent"):
            raise FaultError("admission needs max_concurrent")

    def selects(self, method, path):
        if self.methods and method not in self.methods:
            return False
        if self.regex is not None:
            return bool(self.regex.search(path))
        return fnmatch.fnmatchcase(path, self.glob) or fnmatch.fnmatchcase(path.rstrip("/"), self.glob.rstrip("/"))

    def fires(self):
        """Called for a selected request (under the registry lock): advance counters, decide."""
        self.matches += 1
        if self.count is not None and self.hits >= int(self.count):
            return False
        n = self.matches - self.after
        if n <= 0:
            return False
        if self.nth is not None and n != int(self.nth):
            return False
        if self.every and n % int(self.every):
            return False
        if self.rate < 1.0 and self.rng.random() >= self.rate:
            return False
        self.hits += 1
        return True

    def describe(self):
        return dict(self.spec, matches=self.matches, hits=self.hits)


class Decision:
    """What to do with one request: extra delay, a pre-answer action and a post-answer transformation."""

    __slots__ = ("delay", "pre", "post")

    def __init__(self):
        self.delay = 0.0
        self.pre = None
        self.post = None

    @property
    def label(self):
        parts = [f.type + ":" + f.id for f in (self.pre, self.post) if f is not None]
        if self.delay and not parts:
            parts.append("latency")
        return ",".join(parts) or None


class FaultRegistry:
    def __init__(self, specs=(), on_change=None):
        self.lock = threading.Lock()
        self.faults = []
        self._ids = itertools.count(1)
        self.on_change = on_change
        self.jitter = random.Random(1)
        for spec in specs or ():
            self.add(spec)

    def add(self, spec):
        specs = spec if isinstance(spec, list) else [spec]
        made = [Fault(s, "f%d" % next(self._ids)) for s in specs]
        with self.lock:
            known = {f.id for f in self.faults}
            for f in made:
                if f.id in known:
                    raise FaultError("fault id %r already exists" % f.id)
            self.faults.extend(made)
        if self.on_change:
            self.on_change(self)
        return [f.id for f in made]

    def clear(self, ident=None):
        with self.lock:
            before = len(self.faults)
            self.faults = [f for f in self.faults if ident is not None and f.id != str(ident)]
            removed = before - len(self.faults)
        if self.on_change:
            self.on_change(self)
        return removed

    def list(self):
        with self.lock:
            return [f.describe() for f in self.faults]

    def global_value(self, kind, key):
        with self.lock:
            for f in self.faults:
                if f.type == kind and (f.count is None or f.hits < int(f.count)):
                    return f.spec.get(key)
        return None

    def admission_limit(self, method, path):
        """(max_concurrent, fault) of the first admission fault selecting this request, or (None, None)."""
        with self.lock:
            for f in self.faults:
                if f.type == "admission" and f.selects(method, path):
                    return int(f.spec["max_concurrent"]), f
        return None, None

    def decide(self, method, path):
        decision = Decision()
        if not self.faults:
            return decision
        with self.lock:
            for f in self.faults:
                if f.type in GLOBAL or not f.selects(method, path):
                    continue
                if f.type == "latency":
                    if f.fires():
                        jitter = float(f.spec.get("jitter_ms", 0))
                        decision.delay += (float(f.spec.get("delay_ms", 0)) + self.jitter.uniform(0, jitter)) / 1000.0
                    continue
                if f.type in PRE and decision.pre is None and decision.post is None:
                    if f.fires():
                        decision.pre = f
                elif f.type in POST and decision.pre is None and decision.post is None:
                    if f.fires():
                        decision.post = f
        return decision
