"""The admin endpoints under ``/_sim/`` (outside ``/api``, not logged as cluster requests unless log_admin).

| path | methods | what |
| --- | --- | --- |
| /_sim/health | GET | liveness and identity of the simulator |
| /_sim/info | GET | the start-up information (without passwords) |
| /_sim/faults[/<id>] | GET, POST, DELETE | list, add (one spec or a list), clear all or one |
| /_sim/log | GET, DELETE | request log (``?since=<seq>``, ``?admin=1``), clear |
| /_sim/stats | GET, DELETE | request and auth counters, reset |
| /_sim/state | GET, POST | resource counts; POST applies state overrides (mutations) |
| /_sim/state/<resource> | GET | the records of one resource (or a singleton) |
| /_sim/state/reset | POST | regenerate the cluster from the configuration |
| /_sim/mutate | POST | alias of POST /_sim/state |
| /_sim/scenario | POST | ``{"name": "failed_ssd"}`` or ``{"scenarios": [...]}`` |
| /_sim/tokens | GET, POST, DELETE | token summary; ``{"action": "expire"/"revoke", "kind": ...}``; revoke all |
| /_sim/outage | GET, POST, DELETE | ``{"seconds": 5, "mode": "reset"/"refuse"}``; end now |
| /_sim/config | GET, PATCH | run-time settings (latency, lifetimes, rotation, quirks, ...) |
"""
import json
from urllib.parse import parse_qsl

from .api import json_response
from .common import resolve_urls
from .faults import FaultError
from .overrides import OverrideError

RUNTIME_SETTINGS = ("latency_ms", "jitter_ms", "max_concurrent", "refresh_rotation", "blacklist_after_rotation",
                    "auth_failure_status", "max_page_size", "page_without_size", "unknown_version_status",
                    "tenant_admin_requires_header", "jwt_enabled", "basic_enabled", "log_admin")


class Admin:
    def __init__(self, sim):
        self.sim = sim

    def handle(self, request, rt):
        parts = [p for p in rt.rel.strip("/").split("/") if p]
        method = request.method
        try:
            body = json.loads(request.body) if request.body and request.body.strip() else {}
        except ValueError:
            return json_response(400, {"detail": "admin endpoints take JSON bodies"})
        params = dict(parse_qsl(request.query or ""))
        name = parts[0] if parts else "health"
        handler = getattr(self, "do_" + name, None)
        if handler is None:
            return json_response(404, {"detail": "Not found."})
        try:
            resp = handler(method, parts[1:], body, params)
        except (FaultError, OverrideError, ValueError, KeyError, TypeError) as exc:
            return json_response(400, {"detail": "%s: %s" % (exc.__class__.__name__, exc)})
        resp.admin = True
        return resp

    def _bad_method(self, method):
        return json_response(405, {"detail": 'Method "%s" not allowed.' % method})

    def do_health(self, method, rest, body, params):
        sim = self.sim
        return json_response(200, {"status": "ok", "base_url": sim.base_url, "profile": sim.config.profile,
                                   "vast_version": sim.config.vast_version, "seed": sim.config.seed,
                                   "ebox": sim.config.ebox, "outage": sim.outage_active(),
                                   "uptime_s": round(sim.uptime(), 3)})

    def do_info(self, method, rest, body, params):
        info = self.sim.info()
        info["users"] = sorted(info["users"])
        return json_response(200, info)

    def do_faults(self, method, rest, body, params):
        faults = self.sim.faults
        if method == "GET":
            return json_response(200, faults.list())
        if method == "POST":
            return json_response(201, {"ids": faults.add(body.get("faults", body) if isinstance(body, dict) else body)})
        if method == "DELETE":
            return json_response(200, {"removed": faults.clear(rest[0] if rest else None)})
        return self._bad_method(method)

    def do_log(self, method, rest, body, params):
        if method == "GET":
            entries = self.sim.log.snapshot(int(params.get("since", 0)), params.get("admin") in ("1", "true"))
            return json_response(200, {"entries": entries, "seq": self.sim.log.seq})
        if method == "DELETE":
            self.sim.log.clear()
            return json_response(200, {"cleared": True})
        return self._bad_method(method)

    def do_stats(self, method, rest, body, params):
        if method == "GET":
            return json_response(200, self.sim.stats_dict())
        if method == "DELETE":
            self.sim.reset_stats()
            return json_response(200, {"reset": True})
        return self._bad_method(method)

    def do_state(self, method, rest, body, params):
        sim = self.sim
        if method == "GET" and not rest:
            return json_response(200, {"counts": sim.state.counts(), "singletons": sorted(sim.state.singletons),
                                       "generation": sim.state.generation, "meta": {
                                           k: v for k, v in sim.state.meta.items() if k in (
                                               "cluster_name", "sw_version", "build", "mgmt_vip",
                                               "tenant_admin_tenant", "seed")}})
        if method == "GET":
            name = rest[0]
            if name in sim.state.singletons:
                return json_response(200, sim.state.singletons[name])
            coll = sim.state.collection(name)
            if coll is None:
                return json_response(404, {"detail": "Not found."})
            limit = int(params.get("limit", 100000))
            return json_response(200, resolve_urls(list(coll.values())[:limit], sim.base_url + "/api/v%d" %
                                                   sim.config.release.max_api_version))
        if method == "POST" and rest and rest[0] == "reset":
            sim.reset_state()
            return json_response(200, {"reset": True, "counts": sim.state.counts()})
        if method == "POST":
            return json_response(200, {"applied": sim.apply_state(body)})
        return self._bad_method(method)

    def do_mutate(self, method, rest, body, params):
        if method != "POST":
            return self._bad_method(method)
        return json_response(200, {"applied": self.sim.apply_state(body)})

    def do_scenario(self, method, rest, body, params):
        if method != "POST":
            return self._bad_method(method)
        names = body.get("scenarios") or ([body["name"]] if body.get("name") else [])
        return json_response(200, {"applied": self.sim.apply_state({"scenarios": names})})

    def do_tokens(self, method, rest, body, params):
        auth = self.sim.auth
        if method == "GET":
            return json_response(200, auth.token_summary())
        if method == "POST":
            action = body.get("action", "expire")
            if action not in ("expire", "revoke"):
                raise ValueError("action must be expire or revoke")
            return json_response(200, {"changed": auth.expire_or_revoke(action, body.get("kind", "all"))})
        if method == "DELETE":
            return json_response(200, {"changed": auth.expire_or_revoke("revoke", "all")})
        return self._bad_method(method)

    def do_outage(self, method, rest, body, params):
        sim = self.sim
        if method == "GET":
            return json_response(200, {"active": sim.outage_active()})
        if method == "POST":
            sim.start_outage(float(body.get("seconds", 5)), body.get("mode", "reset"))
            return json_response(200, {"active": True})
        if method == "DELETE":
            sim.end_outage()
            return json_response(200, {"active": False})
        return self._bad_method(method)

    def do_config(self, method, rest, body, params):
        sim = self.sim
        if method == "PATCH":
            sim.update_settings(body)
        elif method != "GET":
            return self._bad_method(method)
        cfg = sim.config
        out = {k: getattr(cfg, k) for k in RUNTIME_SETTINGS}
        out["quirks"] = cfg.quirks
        out["access_token_lifetime"], out["refresh_token_lifetime"] = sim.auth.lifetimes()
        return json_response(200, out)
