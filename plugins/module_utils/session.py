# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VAST session: one object every module (and the collector) uses to read a cluster.

Public API
==========

``VastSession(params, stats=None, breaker=None)``
    *params* is a :class:`ConnectionParams` or a dict of module params (validated; OptionError names the
    option).  Nothing is sent until ``open()``.  Use as a context manager: ``with VastSession(p) as s:``
    opens and closes.  *breaker* replaces the default CircuitBreaker (``resilience.default_breaker``: 3 attempts
    in a row without an answer open it; requests then wait while a probe watches for the cluster, for up to
    ``retries x backoff_max`` seconds) - for tests and benchmarks.

``open() -> self``
    Validates, authenticates (JWT login, or Basic/Api-Token), detects the API version (highest vN probed,
    see version_detect.py) and the software version (clusters, then vms, then versions?status=success), checks the
    supported release range (UnsupportedVersion before any collection; warnings in ``warnings``), applies the
    tenant header (5.3+ only) and checks it with one request (a tenant the cluster does not know is an
    OptionError naming ``tenant``), binds the disk cache to the cluster identity, the reader and the tenant.
    Raises a VastError subclass.  While connecting, a host that does not answer fails within seconds (at most 2
    retries of a connection, no waiting for an outage); once open, requests wait out an outage of the cluster
    (see transport.py).

Identity after ``open()``: ``api_version`` ("v7" or "latest"), ``sw_version`` (a VastVersion or None),
``cluster`` (dict: id, guid, name, sw_version, build, psnt), ``auth_method`` (jwt/basic/api_token/bearer),
``warnings`` (list of strings for module.warn), ``identity()`` (all of these as one dict), ``principal()``
(who reads: ``user:<name>``, ``api_token:<public prefix>``, what the cluster shows depends on it; never a
secret).

``get(path, params=None, cache=True, accept_status=()) -> decoded JSON``
    One GET.  *path* relative to ``/api/<api_version>/`` (``"clusters/"``) or absolute (``"/api/token/"``).
    Identical GETs in one session are sent once (memo, single-flight); ``cache=False`` shares an in-flight
    answer but does not keep it.  Raises NotFound on 404 and other VastErrors.

``availability(name) -> (bool, reason)``
    Whether matrix resource *name* can exist on this cluster (release check only, no request).

``iter_resource(name, params=None, page_size=None, fields=None, parallel_pages=True) -> iterator of dicts``
    Streams the records of matrix resource *name* (any list shape, paged with ``page_size``, default 1000 for
    resources that page; 0 reads the list whole).  Raises ResourceUnavailable (with ``.reason``) at the first
    iteration when the release is too old or the endpoint answers 404; other VastErrors as they happen.
    Object resources (capacity, health, network_settings) yield their one object.  Records are returned as the
    cluster sent them: apply ``compat.canonical_record``/``compat.redact_record`` in the collector.

``iter_list(path, params=None, page_size=None, parallel_pages=True) -> iterator``
    Same paging for an arbitrary path not in the matrix.

``read_resource(name, params=None, page_size=None, fields=None) -> ResourceResult``
    Reads a whole resource and never raises for per-resource problems: ``.status`` is ``ok``, ``unavailable``
    (``.reason``; recorded as degraded in stats) or ``error`` (``.error`` = to_fail_json dict; recorded as
    failed); ``.data`` is a list (list resources) or a dict (object resources); ``.path``.
    Fatal conditions (authentication, circuit open, deadline) are errors too; ``is_fatal(exc)`` tells them.

``run_parallel(tasks) -> OrderedDict{key: (ok, result_or_exception)}``
    Runs ``{key: callable}`` concurrently on the session's task pool (requests in flight stay bounded by the
    adaptive limiter: AIMD between 1 and max_concurrency).  Tasks may themselves iterate resources (pages use
    a separate pool, so nesting cannot deadlock).

``stats`` (a Stats object), ``summary()`` (dict for module results: requests, retries, refreshes, latency,
cache, degraded/failed resources, peak memory, concurrency history, identity - never secrets).

``exported_tokens()`` (for vast_session: access/refresh tokens and expiry; mark that task no_log),
``revoke_api_token(token_id)`` (the only write: PATCH apitokens/{id}/revoke, explicitly allowed).

``open_for_module(module)`` (module function)
    Builds and opens a session from ``module.params`` or calls ``module.fail_json`` (missing libraries via
    ``missing_required_lib``, OptionError naming the option, any VastError with msg/url/status/hint); sends
    the session's warnings to ``module.warn``.  ``is_fatal(exc)`` and ``known_resources()`` help the collector.

``close(logout=False)``
    Releases threads, connections and the audit log.  ``logout=True`` also forgets the tokens and removes
    ``token_file``.  Nothing is revoked on the cluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import threading

from ansible_collections.vastops.asbuilt.plugins.module_utils.auth import Auth
from ansible_collections.vastops.asbuilt.plugins.module_utils.cache import DiskCache, MemoCache, query_key
from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX, get_resource
from ansible_collections.vastops.asbuilt.plugins.module_utils.concurrency import AdaptiveLimiter, WorkerPool
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    ApiError, AuthenticationError, CircuitOpen, DeadlineExceeded, NotFound, OptionError, PermissionDenied,
    ProtocolError, ResourceUnavailable, UnsupportedVersion, VastError,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import ConnectionParams
from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import (
    DEFAULT_PAGE_SIZE, iter_records, split_page, unwrap_object,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.stats import AuditLog, Stats
from ansible_collections.vastops.asbuilt.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Transport
from ansible_collections.vastops.asbuilt.plugins.module_utils.version_detect import VersionDetector
from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import (
    API_TOKEN_MIN_RELEASE, HAS_PACKAGING, PACKAGING_IMPORT_ERROR, TENANT_HEADER_MIN_RELEASE, check_supported,
)

__all__ = ["VastSession", "ResourceResult", "is_fatal", "missing_requirements", "open_for_module", "known_resources",
           "HAS_REQUESTS", "HAS_PACKAGING"]

FATAL_ERRORS = (AuthenticationError, CircuitOpen, DeadlineExceeded, UnsupportedVersion, OptionError)


def is_fatal(exc):
    """True for errors after which reading further resources is pointless (auth, cluster down, deadline)."""
    return isinstance(exc, FATAL_ERRORS)


def missing_requirements():
    """[(library, traceback)] of missing Python libraries, for ``module.fail_json(missing_required_lib(...))``."""
    missing = []
    if not HAS_REQUESTS:
        missing.append(("requests", REQUESTS_IMPORT_ERROR))
    if not HAS_PACKAGING:
        missing.append(("packaging", PACKAGING_IMPORT_ERROR))
    return missing


class ResourceResult:
    """The outcome of ``read_resource``: status ok/unavailable/error, data, reason, error, path."""

    __slots__ = ("name", "status", "data", "reason", "error", "path")

    def __init__(self, name, status, data=None, reason=None, error=None, path=None):
        self.name = name
        self.status = status
        self.data = data
        self.reason = reason
        self.error = error
        self.path = path

    @property
    def available(self):
        return self.status == "ok"

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__)

    def __repr__(self):
        size = len(self.data) if isinstance(self.data, (list, dict)) else 0
        return "ResourceResult(%r, %s, %d, reason=%r)" % (self.name, self.status, size, self.reason)


class VastSession:
    """See the module docstring for the public API."""

    def __init__(self, params, stats=None, breaker=None):
        if not isinstance(params, ConnectionParams):
            params = ConnectionParams.from_params(params)
        self.params = params
        self.stats = stats or Stats()
        self.api_version = None
        self.api_prefix = None
        self.sw_version = None
        self.sw_version_source = None
        self.cluster = {}
        self.opened = False
        self._closed = False
        self._lock = threading.Lock()
        self.audit = None
        self.limiter = AdaptiveLimiter(params.max_concurrency)
        self.stats.concurrency = self.limiter.summary
        self.auth = Auth(params, self.stats)
        self.transport = None
        self._breaker = breaker
        self.memo = MemoCache(self.stats)
        self.disk = None
        self.tasks = WorkerPool(params.max_concurrency, "vast-task")
        self.pages = WorkerPool(params.max_concurrency, "vast-page")
        # Pages read ahead (held or in flight) across every list streamed at once: bounds memory on huge lists.
        self.page_budget = threading.BoundedSemaphore(params.max_concurrency + 2)

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def __enter__(self):
        return self.open()

    def __exit__(self, *exc_info):
        self.close()
        return False

    def open(self):
        """Connect, authenticate, detect versions and check support (see the module docstring)."""
        if self.opened:
            return self
        missing = missing_requirements()
        if missing:
            raise VastError("Missing Python libraries on the host running the module: %s."
                            % ", ".join(m[0] for m in missing), hint="pip install requests packaging")
        if self.params.audit_log:
            self.audit = AuditLog(self.params.audit_log)
        if not self.params.validate_certs:
            self._warn("TLS certificate verification is off (validate_certs=false): the cluster's identity is not "
                       "checked. Prefer ca_path with the CA that signed the VMS certificate.")
        self.transport = Transport(self.params, self.stats, limiter=self.limiter, auth=self.auth, audit=self.audit,
                                   breaker=self._breaker)
        self.auth.transport = self.transport
        if self.params.cache_dir:
            self.disk = DiskCache(self.params.cache_dir, self.params.cache_ttl, self.stats)
        self.transport.connect_retry_cap = min(2, self.params.retries)
        try:
            if self.params.tenant:
                self.auth.tenant_header = self.params.tenant
            self.auth.start()
            detector = VersionDetector(self.params, self.transport, self.memo, self.tasks, self.stats)
            if self.auth.mode in ("basic", "api_token"):
                self._credential_check(detector)
            self.api_version, self.api_prefix, clusters = detector.detect_api_version()
            self.sw_version, self.sw_version_source, cluster = detector.detect_software_version(clusters, self.get)
            if cluster is not None:
                self.cluster = cluster
            for warning in check_supported(self.sw_version, self.params.allow_newer_version):
                self._warn(warning)
            self._apply_tenant()
            if self.auth.mode == "api_token" and self.sw_version is not None and \
                    not self.sw_version.release_at_least(API_TOKEN_MIN_RELEASE):
                self._warn("API tokens are documented for VAST %s+; this cluster runs %s."
                           % (API_TOKEN_MIN_RELEASE, self.sw_version.short))
            if self.disk is not None:
                # what the cluster shows depends on who reads and in which tenant: both are part of the scope
                self.disk.set_scope(self.cluster.get("guid") or self.params.netloc,
                                    self.sw_version.raw if self.sw_version else None, self.api_version,
                                    principal=self.principal(), tenant=self.params.tenant)
        except Exception:
            self.close()
            raise
        finally:
            if self.transport is not None:
                self.transport.connect_retry_cap = None
        self.opened = True
        # from now on a cluster that stops answering (a VMS failover) is waited for instead of failing every read
        self.transport.hold_outages = True
        self.stats.set_info(**self.identity())
        return self

    def close(self, logout=False):
        """Release threads and connections; with *logout* also drop tokens and the token file."""
        with self._lock:
            if self._closed and not logout:
                return
            self._closed = True
        self.tasks.shutdown()
        self.pages.shutdown()
        if logout:
            self.auth.logout()
        if self.transport is not None:
            self.transport.close()
        if self.audit is not None:
            self.audit.close()

    def _warn(self, message):
        self.stats.warn(message)

    @property
    def warnings(self):
        """Warnings for the operator (``module.warn`` each): unsupported-but-tried releases, auth fallbacks."""
        return list(self.stats.warnings)

    # -- detection (version_detect.py) -------------------------------------------------------------------------
    def _credential_check(self, detector):
        """One request before the parallel version probes, so wrong Basic credentials or a wrong API token
        cost one failed attempt on the account, not one per probe (lockout policies count them)."""
        try:
            detector.probe_unversioned()
        except (NotFound, PermissionDenied, ProtocolError):
            pass

    def _apply_tenant(self):
        tenant = self.params.tenant
        if not tenant:
            return
        if self.sw_version is not None and not self.sw_version.release_at_least(TENANT_HEADER_MIN_RELEASE):
            raise OptionError("tenant", "tenant scoping (X-Tenant-Name) needs VAST %s or later; this cluster runs %s"
                              % (TENANT_HEADER_MIN_RELEASE, self.sw_version.short),
                              hint="Remove tenant to read the whole cluster.")
        self.transport.extra_headers["X-Tenant-Name"] = tenant
        self._verify_tenant()

    def _verify_tenant(self):
        """One request with the tenant header, so that a tenant the cluster does not know fails now, naming the
        option, instead of every resource answering 403 later (the transport recognises that answer and raises
        OptionError).  Any other refusal is left to the resources, which report it one by one."""
        try:
            self.transport.request("GET", self._abs("clusters/"))
        except (PermissionDenied, NotFound, ProtocolError, ApiError):
            pass

    # -- identity ----------------------------------------------------------------------------------------------
    @property
    def auth_method(self):
        return self.auth.mode

    def identity(self):
        return {
            "host": self.params.netloc,
            "api_version": self.api_version,
            "sw_version": self.sw_version.raw if self.sw_version else None,
            "sw_release": self.sw_version.short if self.sw_version else None,
            "sw_version_source": self.sw_version_source,
            "cluster_name": self.cluster.get("name"),
            "cluster_guid": self.cluster.get("guid"),
            "auth_method": self.auth.mode,
            "tenant": self.params.tenant,
        }

    def principal(self):
        """Who reads: ``user:<name>``, ``api_token:<prefix>`` (the public part of the token; a digest when the token
        has none) or the user of supplied JWTs.  Never a secret."""
        params = self.params
        if params.api_token:
            token = params.api_token
            public = token.split(".", 1)[0] if "." in token else \
                hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
            return "api_token:%s" % public
        if params.username:
            return "user:%s" % params.username
        subject = self.auth.token_subject()
        return "token_user:%s" % subject if subject is not None else None

    def summary(self):
        """Stats and identity as a plain dict for module results."""
        result = self.stats.summary()
        result.update(self.identity())
        return result

    def exported_tokens(self):
        return self.auth.exported_tokens()

    # -- reading -----------------------------------------------------------------------------------------------
    def _require_open(self):
        if not self.opened:
            raise VastError("The session is not open: call open() first (or use it as a context manager).")
        if self._closed:
            raise VastError("The session is closed.")

    def _abs(self, path):
        if "://" in path or path.startswith("/"):
            return path
        return "%s/%s" % (self.api_prefix or "/api", path)

    def get(self, path, params=None, cache=True, accept_status=()):
        """One GET (memoised, single-flight, disk-cached when enabled); returns the decoded JSON."""
        if self.transport is None:
            self._require_open()
        path = self._abs(path)
        params = dict(params) if params else None
        key = (path, query_key(params))

        def fetch():
            if self.disk is not None:
                hit, body = self.disk.get(path, params)
                if hit:
                    return body, 0
            answer = self.transport.request("GET", path, params=params, accept_status=accept_status)
            if self.disk is not None and 200 <= answer.status < 300:
                self.disk.put(path, params, answer.data)
            return answer.data, answer.nbytes

        return self.memo.get_or_fetch(key, fetch, keep=cache)

    def availability(self, name):
        """(available, reason) for matrix resource *name* on this cluster, without a request."""
        return get_resource(name).availability(self.sw_version)

    def resource_path(self, name, ids=None):
        """The path of matrix resource *name* on this cluster (parent ids resolved for subresources)."""
        resource = get_resource(name)
        path = resource.path_for(self.sw_version)
        if resource.parent:
            parent_name, placeholder = resource.parent
            ids = dict(ids or {})
            if placeholder not in ids:
                parent = self.get(get_resource(parent_name).path_for(self.sw_version))
                records = split_page(parent).records
                if not records or not isinstance(records[0], dict) or records[0].get("id") is None:
                    raise ResourceUnavailable(name, "%s answered no object, so %s has no parent id"
                                              % (parent_name, name))
                ids[placeholder] = records[0]["id"]
            path = path.replace("{%s}" % placeholder, str(ids[placeholder]))
        return path

    def iter_resource(self, name, params=None, page_size=None, fields=None, parallel_pages=True, ids=None):
        """Stream matrix resource *name* (see the module docstring)."""
        self._require_open()
        resource = get_resource(name)
        available, reason = resource.availability(self.sw_version)
        if not available:
            raise ResourceUnavailable(name, reason)
        query = dict(resource.params)
        query.update(params or {})
        if fields:
            query["fields"] = ",".join(fields) if isinstance(fields, (list, tuple)) else str(fields)
        try:
            path = self.resource_path(name, ids)
        except NotFound as exc:
            raise ResourceUnavailable(name, "its parent endpoint answered 404", url=exc.url, status=404)
        if resource.kind != "list":
            try:
                body = self.get(path, query or None, accept_status=resource.accept_status)
            except NotFound as exc:
                raise self._unavailable_404(name, path, exc)
            obj = unwrap_object(body, resource.envelope)
            if obj is not None:
                yield obj
            return
        if page_size is None:
            page_size = DEFAULT_PAGE_SIZE if resource.pages else 0
        iterator = self.iter_list(path, query, page_size=page_size, parallel_pages=parallel_pages)
        try:
            first = next(iterator)
        except StopIteration:
            return
        except NotFound as exc:
            raise self._unavailable_404(name, path, exc)
        yield first
        yield from iterator

    def _unavailable_404(self, name, path, exc):
        release = self.sw_version.raw if self.sw_version else "unknown release"
        return ResourceUnavailable(name, "the cluster (VAST %s, API %s) answered 404 for %s: endpoint not served"
                                   % (release, self.api_version, self._abs(path)), url=exc.url, status=404)

    def iter_list(self, path, params=None, page_size=None, parallel_pages=True):
        """Stream the records of the list at *path* (relative or absolute), paged when *page_size* is set."""
        self._require_open()
        full = self._abs(path)

        def fetch(page_path, page_params):
            return self.get(page_path, page_params, cache=not page_size)

        return iter_records(fetch, full, params, page_size=page_size, parallel_pages=parallel_pages,
                            pool=self.pages, window=self.params.max_concurrency, stats=self.stats,
                            url_for_errors=self.params.base_url + full, budget=self.page_budget)

    def read_resource(self, name, params=None, page_size=None, fields=None, ids=None):
        """Read a whole resource into a :class:`ResourceResult` (never raises for per-resource problems)."""
        resource = get_resource(name)
        path = resource.path_for(self.sw_version)
        try:
            records = list(self.iter_resource(name, params=params, page_size=page_size, fields=fields, ids=ids))
        except ResourceUnavailable as exc:
            self.stats.mark_degraded(name, exc.reason)
            return ResourceResult(name, "unavailable", reason=exc.reason, path=path)
        except VastError as exc:
            self.stats.mark_error(name, exc.msg)
            return ResourceResult(name, "error", reason=exc.msg, error=exc.to_fail_json(), path=path)
        if resource.kind != "list":
            return ResourceResult(name, "ok", data=records[0] if records else {}, path=path)
        return ResourceResult(name, "ok", data=records, path=path)

    def run_parallel(self, tasks):
        """Run ``{key: callable}`` concurrently; returns ``{key: (ok, result_or_exception)}`` in input order."""
        self._require_open()
        return self.tasks.run_parallel(tasks)

    def revoke_api_token(self, token_id):
        """Revoke an API token by id (VAST 5.3+): the one write this collection can make, on explicit request."""
        self._require_open()
        answer = self.transport.request("PATCH", "%s/apitokens/%s/revoke" % (self.api_prefix, token_id),
                                        allow_write=True)
        return answer.data

    def __repr__(self):
        return "VastSession(host=%r, api_version=%r, sw_version=%r, auth=%r)" % (
            self.params.netloc, self.api_version, str(self.sw_version) if self.sw_version else None, self.auth.mode)


def open_for_module(module):
    """For modules: an open VastSession built from ``module.params``, or ``module.fail_json`` with a clear message.

    Fails with ``missing_required_lib`` when requests/packaging are missing, with the option named on an
    OptionError, and with msg/url/status/hint for any other VastError.  Session warnings go to ``module.warn``.
    The caller closes the session (``try: ... finally: session.close()``).
    """
    from ansible.module_utils.basic import missing_required_lib
    missing = missing_requirements()
    if missing:
        module.fail_json(msg=missing_required_lib(missing[0][0]), exception=missing[0][1])
    try:
        session = VastSession(ConnectionParams.from_params(module.params)).open()
    except VastError as exc:
        module.fail_json(**exc.to_fail_json())
    for warning in session.warnings:
        module.warn(warning)
    return session


def known_resources():
    """Names of every resource in the compatibility matrix."""
    return sorted(MATRIX)
