"""The :class:`Simulator`: generated state + auth + faults + log behind one HTTP(S) server thread."""
import json
import os
import random
import re
import socket
import threading
import time
from collections import OrderedDict

from . import overrides, scenarios
from .admin import RUNTIME_SETTINGS, Admin
from .api import Api
from .auth import Auth
from .certs import tls_files
from .common import resolve_urls
from .config import SimulatorConfig
from .faults import FaultRegistry
from .generator import generate
from .generator.cluster import lifetime_text
from .log import RequestLog, Stats, entry
from .models import models
from .routing import OAS55_LISTS, RouteTable
from .server import ServerThread, _hard_close, make_ssl_context
from .state import State

_HOST_OK = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,255}$")
_gen_lock = threading.Lock()
_gen_cache = OrderedDict()          # generation key -> Generated (small profiles only: shared, never mutated)
_GEN_CACHE_MAX = 6


def _generated(config):
    key = config.generation_key()
    if config.profile in ("large", "huge") and not config.lazy:
        return generate(config)
    with _gen_lock:
        if key in _gen_cache:
            _gen_cache.move_to_end(key)
            return _gen_cache[key]
    gen = generate(config)
    with _gen_lock:
        _gen_cache[key] = gen
        while len(_gen_cache) > _GEN_CACHE_MAX:
            _gen_cache.popitem(last=False)
    return gen


def collection_schemas(routes):
    """Resource name -> model name for every list endpoint the emulated release serves."""
    out = {}
    m = models()
    for (first, length), templates in routes.templates.items():
        if length != 1:
            continue
        for t in templates:
            if "GET" in t.methods:
                schema = m.get_response_schema(t.path)
                if schema and schema.get("type") == "array" and "$ref" in schema.get("items", {}):
                    out[first] = m.schema_name_of(t.path)
                elif first in OAS55_LISTS:
                    out[first] = None
    return out


class Simulator:
    """A simulated VMS. ``Simulator(SimulatorConfig(...)).start()``; see simulator/README.md."""

    def __init__(self, config=None, **kwargs):
        self.config = config if config is not None else SimulatorConfig(**kwargs)
        self.routes = RouteTable(self.config.release, self.config)
        self.log = RequestLog(self.config.log_path, self.config.log_max)
        self.stats = Stats()
        self._conns = set()
        self._conn_lock = threading.Lock()
        self._outage_until = 0.0
        self._outage_timer = None
        self._refused = False
        self._stopped = False
        self._jitter = random.Random(self.config.seed)
        self.server_thread = None
        self._started = None
        self.base_url = None
        self.ca_path = None
        self.faults = FaultRegistry(on_change=self._faults_changed)
        self._build_state()
        self.faults.add(list(self.config.faults or []))
        self.admin = Admin(self)

    # ---- state --------------------------------------------------------------------------------------------------
    def _build_state(self):
        gen = _generated(self.config)
        schemas = collection_schemas(self.routes)
        state = State(gen, list(schemas), schemas)
        state.cache_budget = self.config.cache_bytes
        if self.config.release.oas55:
            coll = state.collection("tlscertificates")
            coll.put_many([dict(c, url=c["url"].replace("/certificates/", "/tlscertificates/"))
                           for c in state.collection("certificates").values()])
            state.singletons["health"] = {"status": "ok", "db": {"status": "ok"}, "cache": {"status": "ok"}}
        self.state = state
        self.auth = Auth(self.config, state)
        self.api = Api(self)
        start = dict(overrides.load(self.config.state))
        start["scenarios"] = list(self.config.scenarios or []) + list(start.get("scenarios") or [])
        if start.get("scenarios") or len(start) > 1:
            overrides.apply(state, start, scenarios.run)
        self._faults_changed(self.faults)

    def apply_state(self, value):
        """Apply state overrides / scenarios now (the same format as --state). Returns a summary."""
        return overrides.apply(self.state, value, scenarios.run)

    mutate = apply_state

    def scenario(self, *names):
        return self.apply_state({"scenarios": list(names)})

    def reset_state(self):
        self._build_state()

    def records(self, resource):
        """Records of a resource (self links resolved against this simulator), or a singleton dict."""
        if resource in self.state.singletons:
            return json.loads(json.dumps(self.state.singletons[resource]))
        coll = self.state.collection(resource)
        if coll is None:
            raise KeyError(resource)
        return resolve_urls(list(coll.values()), "%s/api/v%d" % (self.base_url or "https://127.0.0.1",
                                                                 self.config.release.max_api_version))

    # ---- faults and settings ---------------------------------------------------------------------------------------
    def _faults_changed(self, registry):
        if getattr(self, "auth", None) is not None:
            value = registry.global_value("expire_tokens", "seconds")
            self.auth.expire_after = float(value) if value is not None else None

    def add_fault(self, spec=None, **kwargs):
        """Add one fault (a dict, a list of dicts, or keyword arguments). Returns the new ids."""
        return self.faults.add(spec if spec is not None else kwargs)

    def clear_faults(self, ident=None):
        return self.faults.clear(ident)

    def base_delay(self):
        cfg = self.config
        delay = cfg.latency_ms / 1000.0
        if cfg.jitter_ms:
            delay += self._jitter.uniform(0, cfg.jitter_ms) / 1000.0
        return delay

    def update_settings(self, values):
        for key, value in values.items():
            if key in RUNTIME_SETTINGS:
                setattr(self.config, key, value)
            elif key == "quirks":
                self.config.quirks.update(value)
            elif key in ("access_token_lifetime", "refresh_token_lifetime"):
                self.apply_state({"vms": [{"set": {key: lifetime_text(float(value))}}]})
            elif key == "expire_tokens_after":
                self.auth.expire_after = None if value is None else float(value)
            else:
                raise ValueError("not a run-time setting: %s" % key)

    # ---- tokens ----------------------------------------------------------------------------------------------------
    def expire_tokens(self, kind="all"):
        return self.auth.expire_or_revoke("expire", kind)

    def revoke_tokens(self, kind="all"):
        return self.auth.expire_or_revoke("revoke", kind)

    # ---- log and stats ---------------------------------------------------------------------------------------------
    def record(self, request, status, nbytes, auth, user, t0, fault=None, admin=False):
        latency = (time.perf_counter() - t0) * 1000.0
        self.log.add(entry(time.time(), request.method, request.path, request.query, status, nbytes, auth, user,
                           latency, fault, admin, resource_path=request.rel))
        if not admin:
            self.stats.record(request.method, status, nbytes, fault)

    def request_log(self, since=0, include_admin=False):
        return self.log.snapshot(since, include_admin)

    def clear_log(self):
        self.log.clear()

    def stats_dict(self):
        out = self.stats.as_dict()
        with self.auth.lock:
            out["auth"] = dict(self.auth.counters)
        return out

    def reset_stats(self):
        self.stats.reset()
        with self.auth.lock:
            self.auth.counters.clear()

    # ---- outage ----------------------------------------------------------------------------------------------------
    def outage_active(self):
        if self._outage_until and time.monotonic() < self._outage_until:
            return True
        if self._refused:
            return True
        return False

    def start_outage(self, seconds, mode="reset"):
        """The cluster goes away for ``seconds``: "reset" drops every API request, "refuse" stops listening."""
        if mode not in ("reset", "refuse"):
            raise ValueError("outage mode must be reset or refuse")
        self._outage_until = time.monotonic() + float(seconds)
        with self._conn_lock:
            conns = list(self._conns)
        for sock in conns:
            _hard_close(sock)
        if mode == "refuse" and self.server_thread is not None and not self._refused:
            self._refused = True
            old = self.server_thread
            threading.Thread(target=old.stop, daemon=True).start()
        if self._outage_timer:
            self._outage_timer.cancel()
        self._outage_timer = threading.Timer(float(seconds), self.end_outage)
        self._outage_timer.daemon = True
        self._outage_timer.start()

    def end_outage(self):
        self._outage_until = 0.0
        if self._refused and not self._stopped:
            port = self.port
            deadline = time.monotonic() + 10
            while True:
                try:
                    self.server_thread = ServerThread(self, self.config.host, port, self._ssl).start()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            self._refused = False

    def track(self, sock, add):
        with self._conn_lock:
            if add:
                self._conns.add(sock)
            else:
                self._conns.discard(sock)

    # ---- lifecycle -------------------------------------------------------------------------------------------------
    def start(self):
        cfg = self.config
        self._ssl = None
        if not cfg.plain_http:
            self.ca_path, cert, key = tls_files([cfg.host] + list(cfg.extra_hosts or []), cfg.cert_dir)
            self._ssl = make_ssl_context(cert, key)
        self.server_thread = ServerThread(self, cfg.host, cfg.port, self._ssl).start()
        self.port = self.server_thread.port
        self._started = time.monotonic()
        self.base_url = "%s://%s" % ("http" if cfg.plain_http else "https", self.host)
        if cfg.ready_file:
            tmp = cfg.ready_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(self.info(), fh, indent=2)
            os.replace(tmp, cfg.ready_file)
        return self

    def stop(self):
        self._stopped = True
        if self._outage_timer:
            self._outage_timer.cancel()
        if self.server_thread is not None and not self._refused:
            self.server_thread.stop()
        self._refused = False
        with self._conn_lock:
            conns = list(self._conns)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.log.close()

    def __enter__(self):
        return self.start() if self.server_thread is None else self

    def __exit__(self, *exc):
        self.stop()

    # ---- facts -----------------------------------------------------------------------------------------------------
    @property
    def host(self):
        h = self.config.host
        if ":" in h:
            h = "[%s]" % h
        return "%s:%d" % (h, self.port)

    @property
    def users(self):
        return self.config.users()

    def safe_host(self, header):
        if header and _HOST_OK.match(header):
            return header
        return self.host

    def uptime(self):
        return time.monotonic() - self._started if self._started else 0.0

    def info(self):
        cfg = self.config
        return {"base_url": self.base_url, "host": self.host, "port": self.port,
                "ca_path": self.ca_path, "users": self.users, "profile": cfg.profile, "ebox": cfg.ebox,
                "vast_version": cfg.vast_version, "sw_version": self.state.meta["sw_version"],
                "max_api_version": cfg.release.max_api_version, "seed": cfg.seed,
                "cluster_name": self.state.meta["cluster_name"],
                "tenant_admin_tenant": self.state.meta["tenant_admin_tenant"]["name"], "pid": os.getpid(),
                "admin_url": "%s/_sim/" % self.base_url}
