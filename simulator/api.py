"""The VMS API behind the HTTP server: routing, authentication, RBAC, tenant scope, reads and writes.

Transport concerns (keep-alive, TLS, faults that break the connection) live in server.py; this module turns a
:class:`Request` into a :class:`Response`.
"""
import json
from urllib.parse import parse_qsl

from . import endpoints, listing
from .common import dumpb
from .models import SECRET_FIELDS, models
from .overrides import complete, patched
from .routing import route

NOT_FOUND = {"detail": "Not found."}
JSON = "application/json"


class Request:
    __slots__ = ("method", "path", "query", "headers", "body", "host", "scheme", "rel")

    def __init__(self, method, path, query, headers, body, host, scheme, rel=None):
        self.method, self.path, self.query, self.headers = method, path, query, headers
        self.body, self.host, self.scheme, self.rel = body, host, scheme, rel


class Response:
    __slots__ = ("status", "body", "content_type", "headers", "auth", "user", "fault", "admin")

    def __init__(self, status, body=b"", content_type=JSON, headers=None):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or []
        self.auth, self.user, self.fault, self.admin = "none", None, None, False


def json_response(status, value, headers=None):
    return Response(status, dumpb(value), JSON, headers)


def parse_body(request):
    raw = request.body or b""
    if not raw.strip():
        return {}
    ctype = (request.headers.get("Content-Type") or "").lower()
    if "application/x-www-form-urlencoded" in ctype:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BodyError("JSON parse error - %s" % exc.__class__.__name__)


class BodyError(Exception):
    pass


class Api:
    def __init__(self, sim):
        self.sim = sim
        self.cfg = sim.config
        self.state = sim.state
        self.auth = sim.auth
        self.routes = sim.routes

    # ---- helpers -------------------------------------------------------------------------------------------------
    def host_of(self, request):
        return self.sim.safe_host(request.host)

    def prefix(self, request, rt):
        return "%s://%s%s" % (request.scheme, self.host_of(request), rt.prefix_path)

    def scope_predicate(self, who, resource):
        tenant = who.tenant_id
        if tenant is None:
            return None
        if resource == "tenants":
            return lambda r: r.get("id") == tenant
        return lambda r: r.get("tenant_id") in (None, tenant) if "tenant_id" in r else True

    # ---- entry point ------------------------------------------------------------------------------------------------
    def handle(self, request, rt=None):
        rt = rt or route(self.routes, request.path)
        if rt.kind in ("notfound", "badversion"):
            status = self.cfg.unknown_version_status if rt.kind == "badversion" and \
                self.cfg.unknown_version_status else 404
            return json_response(status, NOT_FOUND)
        quirk_host = self.cfg.quirks.get("route_on_host")
        if quirk_host and request.host and request.host.split(":")[0] != quirk_host:
            return json_response(404, NOT_FOUND)
        if self.cfg.quirks.get("strict_trailing_slash") and rt.kind == "api" and not rt.slash and \
                rt.template.slash and request.method in ("GET", "HEAD"):
            location = "%s://%s%s/%s" % (request.scheme, self.host_of(request), request.path,
                                         ("?" + request.query) if request.query else "")
            return Response(301, b"", "text/html; charset=utf-8", [("Location", location)])
        method = request.method
        if rt.kind == "api" and rt.resource == "token":
            return self.token_call(request, rt)
        who = self.auth.authenticate(request.headers.get("Authorization"), request.headers.get("X-Tenant-Name"))
        if who.error:
            resp = json_response(*who.error)
            resp.auth, resp.user = who.kind, who.user
            return resp
        resp = self.dispatch(request, rt, who, method)
        resp.auth, resp.user = who.kind, who.user
        return resp

    def token_call(self, request, rt):
        if not self.cfg.jwt_enabled:
            return json_response(404, NOT_FOUND)
        if request.method != "POST":
            return json_response(405, {"detail": 'Method "%s" not allowed.' % request.method}, [("Allow", "POST")])
        try:
            body = parse_body(request)
        except BodyError as exc:
            return json_response(400, {"detail": str(exc)})
        if not isinstance(body, dict):
            body = {}
        if rt.template.path == "/token/refresh/":
            status, value = self.auth.refresh(body)
        else:
            status, value = self.auth.obtain(body, request.headers.get("X-Tenant-Name"))
        resp = json_response(status, value)
        resp.auth = "jwt" if status == 200 else "none"
        resp.user = body.get("username") if isinstance(body.get("username"), str) else None
        return resp

    def dispatch(self, request, rt, who, method):
        query = listing.Query(parse_qsl(request.query or "", keep_blank_values=True))
        if rt.kind == "root":
            if method not in ("GET", "HEAD"):
                return json_response(405, {"detail": 'Method "%s" not allowed.' % method})
            if dict(query.pairs).get("format") == "openapi":
                return json_response(200, endpoints.openapi_document())
            return json_response(200, endpoints.api_root(self.routes, self.prefix(request, rt)))
        template = rt.template
        verb = "GET" if method == "HEAD" else method
        if verb == "OPTIONS":
            allow = ", ".join(sorted(template.methods | {"OPTIONS"}))
            return json_response(200, {"name": rt.resource, "renders": [JSON], "parses": [JSON]}, [("Allow", allow)])
        if verb not in template.methods:
            return json_response(405, {"detail": 'Method "%s" not allowed.' % method},
                                 [("Allow", ", ".join(sorted(template.methods)))])
        denied = self.auth.authorize(who, verb, rt.resource)
        if denied:
            return json_response(*denied)
        if verb == "GET":
            resp = self.read(request, rt, who, query)
        else:
            try:
                body = parse_body(request)
            except BodyError as exc:
                return json_response(400, {"detail": str(exc)})
            resp = self.write(request, rt, who, verb, body)
        return resp

    # ---- reads ------------------------------------------------------------------------------------------------------
    def read(self, request, rt, who, query):
        path = rt.template.path
        state = self.state
        prefix = self.prefix(request, rt)
        segs = rt.template.segments
        if path == "/vms/{id}/network_settings/":
            if state.collection("vms").get(rt.params["id"]) is None:
                return json_response(404, NOT_FOUND)
            data = state.singletons["network_settings"]
            return json_response(200, {"data": data} if self.cfg.quirks.get("network_settings_wrapper") else data)
        if path == "/vms/{id}/pwd_settings/":
            return json_response(200, state.singletons["pwd_settings"])
        if path == "/capacity/":
            return json_response(200, endpoints.capacity(state, dict(query.pairs)))
        if path in ("/monitors/{id}/query/", "/monitors/ad_hoc_query/"):
            monitor = None
            if "id" in rt.params:
                monitor = state.collection("monitors").get(rt.params["id"])
                if monitor is None:
                    return json_response(404, NOT_FOUND)
            params = dict(query.pairs)
            props = [v for k, v in query.pairs if k == "prop_list"]
            if props:
                params["prop_list"] = props
            params.update(query.filters)
            return json_response(200, endpoints.monitor_query(state, monitor, params))
        if segs[0] == "prometheusmetrics":
            kind = segs[1] if len(segs) > 1 else ""
            return Response(200, endpoints.prometheus(state, kind), "text/plain; version=0.0.4; charset=utf-8")
        if path == "/health/":
            return json_response(*endpoints.health(state))
        if path == "/login/":
            return json_response(200, endpoints.login(state, who.user))
        coll = state.collection(segs[0])
        scope = self.scope_predicate(who, segs[0])
        if coll is not None and len(segs) == 1:
            single = segs[0] in (self.cfg.quirks.get("single_object_lists") or ())
            try:
                body = listing.list_body(state, coll, query, prefix, self.base_url(request), self.cfg, scope, single)
            except listing.ListError as exc:
                return json_response(exc.status, exc.body)
            return Response(200, body)
        if coll is not None and len(segs) == 2 and segs[1] == "{id}":
            record = coll.get(rt.params["id"])
            if record is None or (scope is not None and not scope(record)):
                return json_response(404, NOT_FOUND)
            return Response(200, listing.detail_body(coll, record, query, prefix))
        if coll is not None and "id" in rt.params and coll.get(rt.params["id"]) is None:
            return json_response(404, NOT_FOUND)
        return json_response(200, endpoints.skeleton_for(path))

    def base_url(self, request):
        return "%s://%s%s" % (request.scheme, self.host_of(request), request.path)

    # ---- writes -----------------------------------------------------------------------------------------------------
    def write(self, request, rt, who, verb, body):
        path = rt.template.path
        segs = rt.template.segments
        state = self.state
        if path == "/apitokens/" and verb == "POST":
            return json_response(*self.auth.create_api_token(who, body if isinstance(body, dict) else {}))
        if path == "/apitokens/{id}/revoke":
            return json_response(*self.auth.revoke_api_token(who, rt.params["id"]))
        if path == "/vms/{id}/network_settings/":
            return self.patch_singleton("network_settings", body, wrap=self.cfg.quirks.get("network_settings_wrapper"))
        if path == "/vms/{id}/pwd_settings/":
            return self.patch_singleton("pwd_settings", body)
        if path == "/vms/{id}/set_max_api_tokens_per_user/":
            body = {"max_api_tokens_per_user": int((body or {}).get("max_api_tokens_per_user", 5))}
            path, segs = "/vms/{id}/", ("vms", "{id}")
        coll = state.collection(segs[0])
        scope = self.scope_predicate(who, segs[0])
        if not isinstance(body, dict):
            return json_response(400, {"non_field_errors": ["Invalid data. Expected a dictionary."]})
        if coll is not None and len(segs) == 1 and verb == "POST":
            missing = self.missing_required(coll.schema, body)
            if missing:
                return json_response(400, {k: ["This field is required."] for k in missing})
            if segs[0] == "quotas" and any(q.get("path") == body.get("path") for q in coll.values()):
                # NOTES 6.17: a duplicate quota is a 503 business error, not a 400/409
                return json_response(503, {"detail": "Quota for path %s already exists" % body.get("path")})
            if who.tenant_id is not None and "tenant_id" in (models().skeleton(coll.schema) if coll.schema else {}):
                body = dict(body, tenant_id=who.tenant_id)
            with state.lock:
                record = complete(state, segs[0], body)
                coll.put(record)
                state.touch(segs[0])
            return Response(201, listing.detail_body(coll, record, listing.Query([]), self.prefix(request, rt)))
        if coll is not None and "id" in rt.params:
            record = coll.get(rt.params["id"])
            if record is None or (scope is not None and not scope(record)):
                return json_response(404, NOT_FOUND)
            if len(segs) == 2 and verb in ("PATCH", "PUT"):
                sets = {k: v for k, v in body.items() if k not in ("id", "guid", "url") and k not in SECRET_FIELDS}
                with state.lock:
                    new = patched(record, sets)
                    coll.put(new)
                    state.touch(segs[0])
                return Response(200, listing.detail_body(coll, new, listing.Query([]), self.prefix(request, rt)))
            if len(segs) == 2 and verb == "DELETE":
                with state.lock:
                    coll.delete(rt.params["id"])
                    state.touch(segs[0])
                return Response(204, b"", JSON)
        return json_response(200, {})

    def patch_singleton(self, name, body, wrap=False):
        if not isinstance(body, dict):
            return json_response(400, {"non_field_errors": ["Invalid data. Expected a dictionary."]})
        with self.state.lock:
            self.state.singletons[name] = patched(self.state.singletons[name],
                                                  {k: v for k, v in body.items() if k not in SECRET_FIELDS})
            self.state.touch(name)
        data = self.state.singletons[name]
        return json_response(200, {"data": data} if wrap else data)

    @staticmethod
    def missing_required(schema, body):
        if not schema:
            return []
        required = models().resolve(models().schemas[schema]).get("required", [])
        return [k for k in required if k not in body and k not in ("id", "guid", "url") and k not in SECRET_FIELDS]
