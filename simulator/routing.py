"""URL routing as NOTES section 1.1 describes: ``/api/<res>/``, ``/api/vN/<res>/`` and ``/api/latest/<res>/``,
detail ``/<res>/<id>/``, sub-resources and actions from the OpenAPI paths, release-specific extras, 404 for
unknown paths and versions.
"""
import re

from .models import models

# OAS55-only resources served by 5.4+ profiles (NOTES 1.2 and 5): minimal, not in the 5.3 spec.
OAS55_PATHS = {
    "/health/": ("get",), "/tlscertificates/": ("get", "post"), "/tlscertificates/{id}/": ("get", "patch", "delete"),
    "/issues/": ("get",), "/kerberos/": ("get", "post"), "/oidcs/": ("get", "post"), "/iamroles/": ("get", "post"),
    "/quotagroups/": ("get", "post"), "/computeclusters/": ("get",), "/dns/allocate/": ("post",),
    "/prometheusmetrics/alarms": ("get",), "/prometheusmetrics/nics": ("get",),
    "/prometheusmetrics/replications": ("get",), "/prometheusmetrics/tenants": ("get",),
    "/prometheusmetrics/user_connections": ("get",), "/prometheusmetrics/user_view": ("get",),
    "/prometheusmetrics/vips": ("get",), "/prometheusmetrics/vms_state": ("get",),
    "/prometheusmetrics/volumes": ("get",),
}
OAS55_LISTS = ("tlscertificates", "issues", "kerberos", "oidcs", "iamroles", "quotagroups", "computeclusters")
TOKEN_ONLY = ("apitokens",)                 # 5.3+
_VERSION = re.compile(r"^v(\d+)$")


class Template:
    __slots__ = ("path", "segments", "methods", "literals", "slash")

    def __init__(self, path, methods):
        self.path = path
        self.slash = path.endswith("/")
        self.segments = tuple(path.strip("/").split("/"))
        self.methods = frozenset(m.upper() for m in methods)
        self.literals = sum(1 for s in self.segments if not s.startswith("{"))

    def match(self, parts):
        if len(parts) != len(self.segments):
            return None
        params = {}
        for seg, part in zip(self.segments, parts):
            if seg.startswith("{"):
                if not part:
                    return None
                params[seg[1:-1]] = part
            elif seg != part:
                return None
        return params


class RouteTable:
    def __init__(self, release, config):
        self.release = release
        self.cfg = config
        spec_paths = models().paths
        table = {}
        for path, ops in spec_paths.items():
            methods = [m for m in ops if m in ("get", "post", "patch", "put", "delete")]
            table[path] = methods
        if release.oas55:
            table.update(OAS55_PATHS)
        if not release.api_tokens:
            for path in list(table):
                if path.strip("/").split("/")[0] in TOKEN_ONLY:
                    del table[path]
        if release.numbers[0] < 5 and config.eboxes_on_4x == "404":
            for path in list(table):
                if path.startswith("/eboxes/"):
                    del table[path]
        self.templates = {}
        for path, methods in table.items():
            t = Template(path, methods)
            self.templates.setdefault((t.segments[0], len(t.segments)), []).append(t)
        for key in self.templates:
            self.templates[key].sort(key=lambda t: -t.literals)
        self.resources = sorted({k[0] for k in self.templates})

    def find(self, rel):
        """(template, params) for a path relative to the API prefix ("/cnodes/5/"), or (None, None)."""
        parts = rel.strip("/").split("/")
        for t in self.templates.get((parts[0], len(parts)), ()):
            params = t.match(parts)
            if params is not None:
                return t, params
        return None, None

    def parse_version(self, segment):
        """(label, number) for a version segment, (None, None) if it is not one, ("bad", n) if unserved."""
        if segment == "latest":
            return "latest", self.release.max_api_version
        m = _VERSION.match(segment)
        if not m:
            return None, None
        n = int(m.group(1))
        if 1 <= n <= self.release.max_api_version or (self.cfg.unknown_version_status == 0 and n >= 1):
            return segment, n
        return "bad", n


class Route:
    """Result of routing one request path."""

    __slots__ = ("kind", "version", "api_version", "rel", "template", "params", "resource", "prefix_path",
                 "slash")

    def __init__(self, kind, version=None, api_version=None, rel="", template=None, params=None, prefix_path="/api",
                 slash=True):
        self.kind = kind                  # "api", "root", "admin", "notfound", "badversion"
        self.version = version
        self.api_version = api_version
        self.rel = rel
        self.template = template
        self.params = params or {}
        self.resource = rel.strip("/").split("/")[0] if rel else ""
        self.prefix_path = prefix_path
        self.slash = slash


def route(table, path):
    if path.startswith("/_sim/") or path == "/_sim":
        return Route("admin", rel=path[len("/_sim"):] or "/")
    if not (path == "/api" or path.startswith("/api/")):
        return Route("notfound")
    rest = path[len("/api"):]
    parts = rest.strip("/").split("/") if rest.strip("/") else []
    version, number, prefix = None, 1, "/api"
    if parts:
        label, n = table.parse_version(parts[0])
        if label == "bad":
            return Route("badversion", api_version=n)
        if label is not None:
            version, number = label, n
            prefix = "/api/" + label
            parts = parts[1:]
    if not parts:
        return Route("root", version, number, "/", prefix_path=prefix)
    rel = "/" + "/".join(parts) + ("/" if path.endswith("/") else "")
    template, params = table.find(rel)
    if template is None:
        return Route("notfound", version, number, rel, prefix_path=prefix)
    return Route("api", version, number, rel, template, params, prefix, slash=path.endswith("/"))
