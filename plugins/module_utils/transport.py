# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport: thread-local requests sessions, timeouts, retries, deadline, decoding of answers.

``Transport.request()`` sends one logical request and returns an :class:`Answer` (status, decoded JSON, bytes)
or raises a :class:`VastError` subclass.  What it does, in order, on every attempt:

* refuses anything but GET and the token POSTs unless the caller passes ``allow_write=True`` (the collection is
  read-only);
* checks the overall deadline and the circuit breaker: a few attempts in a row that got no answer at all
  (connection refused, reset or dropped, name resolution, connect timeout) open it.  Once the session is open
  (``hold_outages``), requests then *wait* instead of failing - one probe at a time (``GET /api/`` without
  credentials, at growing intervals of at most a few seconds) watches for the cluster to answer again, and every
  waiting request goes on when it does (a VMS failover to another CNode takes tens of seconds).  Waiting ends
  with CircuitOpen when the cluster has not answered for ``retries x backoff_max`` seconds, or with the overall
  deadline.  While connecting (``open()``) nothing waits: a host that is down fails within seconds;
* takes credentials from the auth provider *before* taking a concurrency slot (a token refresh never waits
  behind the requests that need it), then a slot from the adaptive limiter for the HTTP exchange only;
* sends with (connect, read) timeouts on the calling thread's own ``requests.Session`` (requests has no thread
  safety contract: psf/requests#2766), reads the body with a total time budget (a trickled body cannot outlive
  the read timeout), never follows redirects;
* retries - only for GETs and token calls - connection errors, dropped connections, read timeouts, malformed
  JSON and 429/502/503/504, with exponential backoff and full jitter, capped, honouring Retry-After (seconds
  or an HTTP date);
* on 401/403 asks the auth provider to recover (refresh, then log in again) and retries without using a retry;
  a 403 that says ``permission_denied`` is PermissionDenied, not an expiry;
* maps everything else to the exception hierarchy: TLS verification failures name validate_certs and ca_path;
  HTML pages, truncated JSON and redirects are ProtocolError naming the URL and status; an error answer that is
  not JSON before the host was recognised as a VMS (``vms_confirmed``) says the host does not look like a VMS.
  Connection failures are described in one line (``name resolution failed for vms.example.com: [Errno -2] ...``).

The policy it follows lives apart: resilience.py (the circuit breaker, backoff, Retry-After) and net_errors.py
(low-level connection and TLS exceptions in words).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import threading
import time
import traceback

try:
    from http.client import responses as HTTP_REASONS
except ImportError:  # pragma: no cover - Python 2 is not supported
    HTTP_REASONS = {}

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the ansible-test import sanity test
    requests = None
    urllib3 = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    from urllib.parse import urlencode, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, this keeps the import test quiet
    from urllib import urlencode  # pylint: disable=ansible-bad-import-from
    from urlparse import urlsplit

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    ApiError, AuthenticationError, CircuitOpen, ConnectionFailed, DeadlineExceeded, NotFound, OptionError,
    PermissionDenied, ProtocolError, ReadOnlyViolation, RequestTimeout, TlsError, VastError, body_excerpt,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.net_errors import (
    describe_connection_error, looks_like_connect_failure, short_error, tls_reason,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.resilience import (
    backoff_delay, default_breaker, parse_retry_after,
)

USER_AGENT = "vastops.asbuilt"
RETRY_STATUSES = frozenset((429, 502, 503, 504))
OVERLOAD_STATUSES = frozenset((429, 503, 504))
TOKEN_PATH_MARK = "/token/"
MAX_BODY_BYTES = 512 << 20
#: Retry reasons of attempts that got no answer at all: they count for the circuit breaker.
NO_ANSWER = frozenset(("connect", "dropped"))
#: What the breaker's probe asks for (any HTTP answer but a gateway error means the cluster is back).
PROBE_PATH = "/api/"
PROBE_DOWN_STATUSES = frozenset((502, 503, 504))
#: What VMS says to a request whose X-Tenant-Name names no tenant ("Tenant archive-9 does not exist").
_UNKNOWN_TENANT_RE = re.compile(r"(?i)\btenant\b[^\n\"]{0,200}?\b(does not exist|doesn't exist|not found|unknown)\b")


class Answer:
    """A decoded response: ``status``, ``data`` (JSON), ``url``, ``path``, ``nbytes``, ``headers``, ``elapsed``."""

    __slots__ = ("status", "data", "url", "path", "nbytes", "headers", "elapsed", "text")

    def __init__(self, status, data, url, path, nbytes, headers, elapsed, text=None):
        self.status = status
        self.data = data
        self.url = url
        self.path = path
        self.nbytes = nbytes
        self.headers = headers
        self.elapsed = elapsed
        self.text = text

    def __repr__(self):
        return "Answer(%s %s, %d bytes)" % (self.status, self.path, self.nbytes)


class _BodyTimeout(Exception):
    pass


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying."""

    def __init__(self, reason, error, retry_after=None):
        super(_Retry, self).__init__(reason)
        self.reason = reason
        self.error = error
        self.retry_after = retry_after


_AUTH_WORDS = ("credential", "password", "token", "authenticat", "login", "expired")


def _plain_forbidden(status, text):
    """A 403 whose body does not speak of credentials or tokens (for example ``{"detail": "Forbidden"}``)."""
    lowered = (text or "").lower()
    return status == 403 and not any(word in lowered for word in _AUTH_WORDS)


class Transport:
    """Sends requests for one session (see the module docstring)."""

    def __init__(self, params, stats, limiter=None, auth=None, audit=None, breaker=None, rng=None,
                 clock=time.monotonic, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise VastError("The Python library requests is required (pip install requests).")
        if not params.validate_certs:
            # The operator chose this (and the session warns once); urllib3's per-request warning is noise.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.params = params
        self.base_url = params.base_url
        self.stats = stats
        self.limiter = limiter
        self.auth = auth
        self.audit = audit
        self.breaker = breaker or default_breaker(params)
        #: Set by the session once it is open: while the cluster does not answer, requests wait for it (probing)
        #: instead of failing.  While connecting, a host that is down fails fast.
        self.hold_outages = False
        #: Set by the session once the host answered like a VMS (API version detected): until then, an error
        #: answer that is not JSON means the host is something else.
        self.vms_confirmed = False
        self.extra_headers = {}
        self._rng = rng or random.Random()
        self._clock = clock
        self._sleep = sleep
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()
        self.deadline_at = None
        self.connect_retry_cap = None
        #: Set once any request got an HTTP answer: a host that answered is not failed fast while connecting.
        self.host_answered = False
        self.closed = False
        self._stop = threading.Event()
        self.start_deadline()

    # -- plumbing ----------------------------------------------------------------------------------------------
    def start_deadline(self):
        self.deadline_at = self._clock() + self.params.deadline if self.params.deadline else None

    def remaining(self):
        return None if self.deadline_at is None else self.deadline_at - self._clock()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=2, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self):
        self.closed = True
        self._stop.set()
        self.breaker.wake_all()
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            try:
                session.close()
            except Exception:  # pylint: disable=broad-except  # closing must never raise
                pass

    def url_for(self, path, api_prefix=None):
        """Absolute URL for *path*: an absolute URL (host rewritten to ours), ``/api/...`` or a relative path."""
        if "://" in path:
            parts = urlsplit(path)
            path = parts.path + ("?" + parts.query if parts.query else "")
        elif not path.startswith("/"):
            path = "%s/%s" % (api_prefix or "/api", path)
        return self.base_url + path

    # -- the request loop --------------------------------------------------------------------------------------
    def request(self, method, path, params=None, json_body=None, auth=True, api_prefix=None, accept_status=(),
                retries=None, token_call=False, allow_write=False, headers=None):
        """Send one logical request (with retries); return an :class:`Answer` or raise a VastError."""
        method = method.upper()
        if method != "GET" and not (token_call and method == "POST") and not allow_write:
            raise ReadOnlyViolation("Refusing to send %s %s: vastops.asbuilt only reads (GET and token calls)."
                                    % (method, path))
        url = self.url_for(path, api_prefix)
        path_only = urlsplit(url).path
        retries = self.params.retries if retries is None else retries
        attempt = 0
        auth_recoveries = 0
        caller_headers = headers or {}
        last_error = None
        while True:
            if self.closed:
                raise VastError("The session is closed.", url=url)
            self._check_deadline(url, last_error)
            if self.breaker.is_open:
                self._through_breaker(url, last_error)
            send_headers = {"Accept": "application/json"}
            generation = None
            if auth and self.auth is not None:
                auth_headers, generation = self.auth.prepare()
                send_headers.update(auth_headers)
            send_headers.update(self.extra_headers)
            send_headers.update(caller_headers)
            try:
                answer = self._attempt(method, url, path_only, params, json_body, send_headers, token_call)
            except _Retry as retry:
                last_error = retry.error
                idempotent = method == "GET" or token_call
                if idempotent and retry.reason in NO_ANSWER and self.hold_outages and self.breaker.is_open:
                    # The cluster stopped answering: wait for it without using up this request's retries - unless
                    # the first probe finds it answering, in which case the trouble is this request's own.
                    if self._through_breaker(url, last_error):
                        continue
                limit = retries
                if retry.reason in NO_ANSWER and self.connect_retry_cap is not None:
                    limit = min(retries, self.connect_retry_cap)
                if attempt >= limit or not idempotent:
                    raise retry.error
                self._wait(attempt, retry, url)
                attempt += 1
                continue
            status = answer.status
            # the host answers: from now on a dropped connection is a glitch, retried like any other, and a run of
            # them is waited out like an outage (m1)
            self.connect_retry_cap = None
            self.host_answered = True
            if 200 <= status < 300 or status in accept_status:
                if 200 <= status < 300:
                    self.breaker.success()
                return answer
            tenant = caller_headers.get("X-Tenant-Name") or self.extra_headers.get("X-Tenant-Name")
            if tenant and status in (400, 401, 403, 404) and _UNKNOWN_TENANT_RE.search(answer.text or ""):
                raise OptionError("tenant", "%r does not exist on this cluster (%s answered %s for %s: %s)" % (
                    tenant, self.params.netloc, status_text(status), path_only, body_excerpt(answer.text, 120)),
                    hint="Check the tenant's name (it is case-sensitive; its domain name works too), or leave "
                         "tenant unset to read the whole cluster. The tenants are listed by gather_subset: [logical] "
                         "(logical.tenants) without tenant.")
            if status in (401, 403) and auth and self.auth is not None:
                kind = self.auth.classify(status, answer.text)
                if kind != "permission" and _plain_forbidden(status, answer.text) and (
                        auth_recoveries >= 1 or (self.auth.mode in ("basic", "api_token") and self.hold_outages)):
                    # a 403 that names no credential or token problem, for credentials that are proven good (they
                    # opened the session, or were just renewed): the account may not read this resource
                    kind = "permission"
                if kind == "permission":
                    raise PermissionDenied("Permission denied reading %s (status %s): %s"
                                           % (path_only, status, body_excerpt(answer.text, 200)),
                                           url=url, status=status)
                if auth_recoveries >= 2:
                    raise AuthenticationError(
                        "The cluster rejected freshly obtained credentials for %s (status %s): %s"
                        % (path_only, status, body_excerpt(answer.text, 200)), url=url, status=status)
                self.auth.recover(generation, status, answer.text, url, attempt=auth_recoveries)
                auth_recoveries += 1
                continue
            if status == 404:
                raise NotFound("%s was not found on the cluster (status 404)." % path_only, url=url, status=404,
                               hint="")
            not_json = _not_json(answer)
            if status in RETRY_STATUSES and (method == "GET" or token_call):
                hint = ("The cluster is overloaded or a proxy in front of it failed; raise retries/backoff or lower "
                        "max_concurrency, and check VMS health.")
                if not_json and not self.vms_confirmed:
                    hint = ("Check that host and port name the VMS management address (%s answered with %s, not "
                            "the JSON of the VMS API); if they do, a proxy in front of VMS failed or VMS is "
                            "overloaded: check VMS health." % (self.params.netloc, not_json))
                error = ApiError(
                    "%s answered %s for %s after %d attempt(s): %s" % (
                        self._who(), status_text(status), path_only, attempt + 1, body_excerpt(answer.text, 200)),
                    url=url, status=status, hint=hint)
                if attempt >= retries:
                    raise error
                self._wait(attempt, _Retry("status_%d" % status, error,
                                           parse_retry_after(answer.headers.get("Retry-After"))), url)
                attempt += 1
                last_error = error
                continue
            if 300 <= status < 400:
                raise ProtocolError(
                    "The server redirected %s to %s (status %s) instead of answering: host does not look like the "
                    "VMS API." % (path_only, answer.headers.get("Location", "?"), status), url=url, status=status)
            if status in (401, 403):
                raise AuthenticationError("Authentication failed for %s (status %s): %s"
                                          % (path_only, status, body_excerpt(answer.text, 200)),
                                          url=url, status=status)
            if not_json and not self.vms_confirmed:
                raise ProtocolError(
                    "%s answered %s for %s with %s: this does not look like a VAST VMS (its API answers in JSON): "
                    "%s" % (self.params.netloc, status_text(status), path_only, not_json,
                            body_excerpt(answer.text, 160)), url=url, status=status,
                    hint="Check host and port: they must name the VMS management address (the VMS VIP or host "
                         "name, HTTPS port 443 unless VMS was set up otherwise), not another web server, a proxy "
                         "or an S3 endpoint.")
            if status >= 500:
                hint = "See the cluster's message above; a 5xx from VMS usually means a VMS-side problem worth a " \
                       "support case."
            else:
                hint = "See the cluster's message above."
            raise ApiError("%s answered %s for %s: %s" % (
                self._who(), status_text(status), path_only, body_excerpt(answer.text, 300)), url=url, status=status,
                hint=hint)

    def _who(self):
        return "The cluster" if self.vms_confirmed else self.params.netloc

    # -- outages -----------------------------------------------------------------------------------------------
    def _through_breaker(self, url, last_error=None):
        """Called while the breaker is open.  Probes when a probe is due; in hold mode waits until the cluster
        answers again (returns True when a probe found it down meanwhile: a real outage, not this request's
        fault); otherwise raises CircuitOpen.  Bounded by the deadline and the breaker's patience."""
        breaker = self.breaker
        failed_probes = breaker.probe_failures
        while breaker.is_open:
            if self.closed:
                raise VastError("The session is closed.", url=url)
            self._check_deadline(url, last_error)
            if breaker.begin_probe():
                answered, why = self._probe()
                breaker.end_probe(answered, why)
                if answered and breaker.probe_failures > failed_probes:
                    self._note_outage()
                continue
            if breaker.out_of_patience():
                raise self._circuit_open(url, gave_up=True)
            if not (self.hold_outages or self.host_answered):
                raise self._circuit_open(url)
            breaker.wait(self.remaining())
        return breaker.probe_failures > failed_probes

    def _probe(self):
        """One GET /api/ without credentials: (True, None) when anything but a gateway error answers."""
        url = self.base_url + PROBE_PATH
        timeout = min(float(self.params.timeout), 10.0)
        remaining = self.remaining()
        if remaining is not None:
            timeout = max(0.001, min(timeout, remaining))
        started = self._clock()
        label, answered, why = "error", False, None
        try:
            response = self._session().request("GET", url, headers={"Accept": "application/json"},
                                               timeout=(timeout, timeout), verify=self.params.verify, stream=True,
                                               allow_redirects=False)
            try:
                label = response.status_code
                answered = response.status_code not in PROBE_DOWN_STATUSES
                why = None if answered else "the probe got %s" % status_text(response.status_code)
            finally:
                response.close()
        except requests.exceptions.SSLError as exc:
            # something answers TLS: the cluster is back (a certificate problem shows on the next request)
            label, answered = "tls", True
            why = short_error(exc)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, IOError) as exc:
            label = "connect_error"
            why = describe_connection_error(exc, self.params.hostname, timeout)
        latency = self._clock() - started
        self.stats.record_request("GET", PROBE_PATH, label, latency, 0)
        self.stats.set_info(outages=self.breaker.summary())
        if self.audit is not None:
            self.audit.write("GET", PROBE_PATH, label, latency)
        return answered, why

    def _note_outage(self):
        breaker = self.breaker
        self.stats.set_info(outages=breaker.summary())
        self.stats.warn("The cluster at %s did not answer for about %.0f s (last: %s); the requests waited and "
                        "went on when it answered again."
                        % (self.params.netloc, breaker.last_outage, breaker.last_error or "no answer"))

    def _circuit_open(self, url, gave_up=False):
        breaker = self.breaker
        self.stats.set_info(outages=breaker.summary())
        if gave_up:
            return CircuitOpen(
                "The cluster at %s has not answered for %.0f s (last: %s): gave up waiting for it (the limit is "
                "retries x backoff_max = %.0f s)." % (self.params.netloc, breaker.outage_seconds(),
                                                      breaker.last_error or "no answer",
                                                      breaker.max_outage or 0), url=url,
                hint="Check VMS and the network, then run again (with resume, only what is missing is read). To "
                     "wait longer for a VMS failover, raise retries or backoff_max.")
        return CircuitOpen(
            "The cluster at %s looks down: %d attempts in a row got no answer (last: %s)." % (
                self.params.netloc, breaker.failures, breaker.last_error or "no answer"), url=url)

    def _check_deadline(self, url, last_error=None):
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("The overall deadline of %ss ran out%s." % (
                self.params.deadline, " (last error: %s)" % last_error.msg.rstrip(".") if last_error else ""),
                url=url)

    def _wait(self, attempt, retry, url):
        delay = backoff_delay(attempt, self.params.backoff, self.params.backoff_max, self._rng)
        if retry.retry_after is not None:
            delay = retry.retry_after + self._rng.uniform(0, min(1.0, self.params.backoff or 0.0))
        remaining = self.remaining()
        if remaining is not None and delay >= remaining:
            raise DeadlineExceeded("The overall deadline of %ss would run out while waiting %.1fs to retry after: %s"
                                   % (self.params.deadline, delay, retry.error.msg), url=url)
        self.stats.record_retry(retry.reason)
        if delay > 0:
            self._stop.wait(delay)

    def _timeouts(self):
        timeout = float(self.params.timeout)
        remaining = self.remaining()
        if remaining is not None:
            timeout = max(0.001, min(timeout, remaining))
        return timeout

    def _attempt(self, method, url, path, params, json_body, headers, token_call):
        timeout = self._timeouts()
        ticket = None
        if self.limiter is not None and not token_call:
            deadline = None if self.deadline_at is None else self.deadline_at
            ticket = self.limiter.acquire(deadline)
            if ticket is None:
                raise DeadlineExceeded("The overall deadline of %ss ran out waiting for a free connection slot."
                                       % self.params.deadline, url=url)
        started = self._clock()
        outcome, status_label, nbytes = "neutral", None, 0
        try:
            try:
                response = self._session().request(
                    method, url, params=params, json=json_body, headers=headers, timeout=(timeout, timeout),
                    verify=self.params.verify, stream=True, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                status_label = "tls"
                raise self._tls_error(exc, url)
            except requests.exceptions.ConnectionError as exc:
                why = describe_connection_error(exc, self.params.hostname, timeout)
                if looks_like_connect_failure(exc):
                    status_label = "connect_error"
                    self.breaker.failure(why)
                    raise _Retry("connect", ConnectionFailed(
                        "Could not connect to %s: %s." % (self.params.netloc, why), url=url))
                status_label = "connection_dropped"
                self.breaker.failure(why)
                raise _Retry("dropped", ConnectionFailed(
                    "The connection to %s was dropped: %s." % (self.params.netloc, why), url=url,
                    hint="The network or VMS dropped the connection; it was retried. Check VMS health and the "
                         "network if this persists."))
            except requests.exceptions.Timeout as exc:
                status_label, outcome = "timeout", "overload"
                raise _Retry("read_timeout", RequestTimeout(
                    "No answer from %s within timeout=%ss." % (self.params.netloc, self.params.timeout), url=url,
                    hint="The cluster is slow or overloaded; raise timeout or lower max_concurrency."))
            except requests.exceptions.RequestException as exc:
                status_label = "request_error"
                raise ConnectionFailed("Request to %s failed: %s." % (
                    self.params.netloc, describe_connection_error(exc, self.params.hostname, timeout)), url=url)
            self.breaker.success()
            try:
                body = self._read_body(response, timeout)
            except _BodyTimeout:
                status_label, outcome = "body_timeout", "overload"
                raise _Retry("body_timeout", RequestTimeout(
                    "The answer from %s did not arrive completely within timeout=%ss." % (
                        self.params.netloc, self.params.timeout), url=url, status=response.status_code,
                    hint="The cluster or network is very slow; raise timeout."))
            except urllib3.exceptions.ReadTimeoutError:
                status_label, outcome = "body_timeout", "overload"
                raise _Retry("body_timeout", RequestTimeout(
                    "The answer from %s stalled for longer than timeout=%ss." % (
                        self.params.netloc, self.params.timeout), url=url, status=response.status_code,
                    hint="The cluster or network is very slow; raise timeout."))
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, IOError) as exc:
                status_label = "body_dropped"
                why = describe_connection_error(exc, self.params.hostname, timeout)
                self.breaker.failure(why)
                raise _Retry("dropped", ConnectionFailed(
                    "The answer from %s was cut off: %s." % (self.params.netloc, why), url=url,
                    status=response.status_code))
            finally:
                response.close()
            nbytes = len(body)
            status = response.status_code
            status_label = status
            elapsed = self._clock() - started
            if 200 <= status < 300:
                outcome = "ok"
            elif status in OVERLOAD_STATUSES:
                outcome = "overload"
            data, text, problem = _decode(body, response.headers.get("Content-Type", ""),
                                          keep_text=not 200 <= status < 300)
            if 200 <= status < 300:
                if problem:
                    status_label = "%s_bad_json" % status
                    outcome = "neutral"
                    # the message says what is wrong in words; the raw start of the body goes to the details
                    # (vast_info's meta.errors ``excerpt``), never into a sentence
                    error = ProtocolError("The answer to %s (status %s) %s." % (path, status, problem),
                                          url=url, status=status, excerpt=body_excerpt(body, 120))
                    if problem.startswith(NOT_VALID_JSON):
                        raise _Retry("bad_json", error)
                    raise error
            return Answer(status, data, url, path, nbytes, response.headers, elapsed, text)
        finally:
            latency = self._clock() - started
            if ticket is not None:
                self.limiter.release(ticket, outcome, latency if outcome == "ok" else None)
            self.stats.record_request(method, path, status_label if status_label is not None else "error", latency,
                                      nbytes)
            if self.audit is not None:
                self.audit.write(method, path, status_label if status_label is not None else "error", latency)

    def _read_body(self, response, timeout):
        """The whole body, which must arrive within *timeout* seconds of the headers (no endless trickle)."""
        chunks = []
        total = 0
        budget = self._clock() + timeout
        raw = response.raw
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if hasattr(raw, "read1") and not encoded:
            # read1 returns whatever arrived (at most one socket read): the budget is checked while a slow
            # server trickles the body, which a blocking read of a large chunk would not notice.
            reader = iter(lambda: raw.read1(65536), b"")
        else:
            reader = response.iter_content(4096)
        for chunk in reader:
            if chunk:
                chunks.append(chunk)
                total += len(chunk)
                if total > MAX_BODY_BYTES:
                    raise IOError("answer larger than %d bytes" % MAX_BODY_BYTES)
            if self._clock() > budget:
                raise _BodyTimeout()
        return b"".join(chunks)

    def _tls_error(self, exc, url):
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            why = "its certificate is not trusted"
            if "hostname" in text.lower() or "match" in text.lower():
                why = "its certificate does not match the host name %s" % self.params.hostname
            return TlsError(
                "TLS verification of %s failed: %s (%s). validate_certs is true and ca_path is %s." % (
                    self.params.netloc, why, tls_reason(exc),
                    repr(self.params.ca_path) if self.params.ca_path else "not set (system CA store)"),
                url=url)
        if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text or "record layer" in text:
            return TlsError("%s does not speak TLS (is it an HTTP port?): %s" % (self.params.netloc, tls_reason(exc)),
                            url=url, hint="Give the HTTPS port of VMS in host (default 443).")
        return TlsError("TLS handshake with %s failed: %s" % (self.params.netloc, tls_reason(exc)), url=url)


def _decode(body, content_type, keep_text=True):
    """(data, text, problem): decoded JSON, or a description of why the body is not the API's JSON.

    *text* (the body as a string, for error messages) is only built when *keep_text* or on a problem.
    """
    if not body.strip():
        return None, "", None
    try:
        return json.loads(body), (body.decode("utf-8", "replace") if keep_text else None), None
    except ValueError as exc:
        failure = exc
    text = body.decode("utf-8", "replace")
    stripped = text.strip()
    if stripped[:1] == "<":
        return None, text, "was an HTML page instead of JSON (a proxy, load balancer or web UI answered?)"
    ctype = (content_type or "").lower()
    if "json" in ctype or stripped[:1] in "[{\"":
        return None, text, "%s (%s)" % (NOT_VALID_JSON, _where_broken(failure, text, len(body)))
    return None, text, "was not JSON (content type %s)" % (content_type or "none")


NOT_VALID_JSON = "was not valid JSON"


def _where_broken(failure, text, nbytes):
    """Where a JSON body stops making sense, in words: "cut off after 2,345 bytes" when it ends in the middle of
    the document (the usual case: a proxy or a dropped connection), "cut off after 2,340 of 2,345 bytes" when a
    few bytes of something else follow, else "broken at byte 120 of 2,345"."""
    pos = getattr(failure, "pos", None)
    msg = getattr(failure, "msg", "") or ""
    if pos is None or pos >= len(text.rstrip()) or msg.startswith("Unterminated string"):
        return "cut off after {0:,} bytes".format(nbytes)
    good = len(text[:pos].encode("utf-8"))
    if nbytes - good <= 16:
        return "cut off after {0:,} of {1:,} bytes".format(good, nbytes)
    return "broken at byte {0:,} of {1:,}".format(good + 1, nbytes)


def status_text(status):
    """``501 Not Implemented`` (or just ``599`` for a status without a standard reason)."""
    reason = HTTP_REASONS.get(status, "")
    return ("%s %s" % (status, reason)) if reason else str(status)


def _not_json(answer):
    """``an HTML page``/``a non-JSON body`` when an (error) answer carries something else than the API's JSON."""
    text = (answer.text or "").strip()
    if answer.data is not None or not text:
        return None
    return "an HTML page" if text[:1] == "<" else "a body that is not JSON"


def build_query(params):
    """The query string requests would send for *params* (list values as repeated keys)."""
    return urlencode(params or {}, doseq=True)
