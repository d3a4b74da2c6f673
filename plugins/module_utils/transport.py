# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport: thread-local requests sessions, timeouts, retries, backoff, deadline, circuit breaker.

``Transport.request()`` sends one logical request and returns an :class:`Answer` (status, decoded JSON, bytes)
or raises a :class:`VastError` subclass.  What it does, in order, on every attempt:

* refuses anything but GET and the token POSTs unless the caller passes ``allow_write=True`` (the collection is
  read-only);
* checks the overall deadline and the circuit breaker (N consecutive connection failures spanning a window open
  it: requests then fail fast with CircuitOpen saying the cluster looks down, until a trial request succeeds);
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
  HTML pages, truncated JSON and redirects are ProtocolError naming the URL and status.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import random
import threading
import time
import traceback

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
    ApiError, AuthenticationError, CircuitOpen, ConnectionFailed, DeadlineExceeded, NotFound, PermissionDenied,
    ProtocolError, ReadOnlyViolation, RequestTimeout, TlsError, VastError, body_excerpt,
)

USER_AGENT = "vastops.asbuilt"
RETRY_STATUSES = frozenset((429, 502, 503, 504))
OVERLOAD_STATUSES = frozenset((429, 503, 504))
TOKEN_PATH_MARK = "/token/"
MAX_BODY_BYTES = 512 << 20


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


class CircuitBreaker:
    """Opens after *threshold* consecutive connection failures spanning at least *window* seconds."""

    def __init__(self, threshold=6, window=10.0, cooldown=10.0, clock=time.monotonic):
        self.threshold = threshold
        self.window = window
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self._first_failure = None
        self.opened_at = None
        self._trial = False
        self.times_opened = 0
        self.last_error = None

    def allow(self):
        """True when a request may go out (closed, or half-open and no trial in flight)."""
        with self._lock:
            if self.opened_at is None:
                return True
            if self._clock() - self.opened_at >= self.cooldown and not self._trial:
                self._trial = True
                return True
            return False

    def success(self):
        with self._lock:
            self.failures = 0
            self._first_failure = None
            self.opened_at = None
            self._trial = False

    def failure(self, error=None):
        with self._lock:
            now = self._clock()
            self.failures += 1
            self.last_error = error
            if self._first_failure is None:
                self._first_failure = now
            if self._trial or (self.failures >= self.threshold and now - self._first_failure >= self.window):
                if self.opened_at is None or self._trial:
                    self.times_opened += 1
                self.opened_at = now
                self._trial = False

    @property
    def is_open(self):
        with self._lock:
            return self.opened_at is not None


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt, base, cap, rng=random):
    """Full jitter: uniform(0, min(cap, base * 2**attempt))."""
    return rng.uniform(0, min(cap, base * (2 ** attempt)))


def _looks_like_connect_failure(exc):
    text = str(exc)
    if requests is not None and isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    for needle in ("NewConnectionError", "Failed to establish", "Connection refused", "Name or service not known",
                   "nodename nor servname", "No route to host", "Temporary failure in name resolution",
                   "Network is unreachable", "getaddrinfo failed"):
        if needle in text:
            return True
    return False


class _BodyTimeout(Exception):
    pass


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying."""

    def __init__(self, reason, error, retry_after=None):
        super(_Retry, self).__init__(reason)
        self.reason = reason
        self.error = error
        self.retry_after = retry_after


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
        self.breaker = breaker or CircuitBreaker()
        self.extra_headers = {}
        self._rng = rng or random.Random()
        self._clock = clock
        self._sleep = sleep
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()
        self.deadline_at = None
        self.connect_retry_cap = None
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
            if not self.breaker.allow():
                raise CircuitOpen(
                    "The cluster at %s looks down: %d connection attempts in a row failed (last: %s); not sending "
                    "more requests for now." % (self.params.netloc, self.breaker.failures,
                                                self.breaker.last_error or "connection failed"), url=url)
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
                limit = retries
                if retry.reason == "connect" and self.connect_retry_cap is not None:
                    limit = min(retries, self.connect_retry_cap)
                if attempt >= limit or not (method == "GET" or token_call):
                    raise retry.error
                self._wait(attempt, retry, url)
                attempt += 1
                continue
            status = answer.status
            if 200 <= status < 300 or status in accept_status:
                if 200 <= status < 300:
                    self.breaker.success()
                return answer
            if status in (401, 403) and auth and self.auth is not None:
                kind = self.auth.classify(status, answer.text)
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
            if status in RETRY_STATUSES and (method == "GET" or token_call):
                error = ApiError(
                    "The cluster answered %s %s for %s after %d attempt(s): %s" % (
                        status, _reason(status), path_only, attempt + 1, body_excerpt(answer.text, 200)),
                    url=url, status=status,
                    hint="The cluster is overloaded or a proxy in front of it failed; raise retries/backoff or "
                         "lower max_concurrency, and check VMS health.")
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
            raise ApiError("The cluster answered %s %s for %s: %s" % (
                status, _reason(status), path_only, body_excerpt(answer.text, 300)), url=url, status=status,
                hint="See the cluster's message above; a 5xx usually means a VMS-side problem worth a support case.")

    def _check_deadline(self, url, last_error=None):
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("The overall deadline of %ss ran out%s." % (
                self.params.deadline, " (last error: %s)" % last_error.msg if last_error else ""), url=url)

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
                if _looks_like_connect_failure(exc):
                    status_label = "connect_error"
                    self.breaker.failure(_short(exc))
                    raise _Retry("connect", ConnectionFailed(
                        "Could not connect to %s: %s" % (self.params.netloc, _short(exc)), url=url))
                status_label = "connection_dropped"
                raise _Retry("dropped", ConnectionFailed(
                    "The connection to %s was dropped: %s" % (self.params.netloc, _short(exc)), url=url,
                    hint="The network or VMS dropped the connection; it was retried. Check VMS health and the "
                         "network if this persists."))
            except requests.exceptions.Timeout as exc:
                status_label, outcome = "timeout", "overload"
                raise _Retry("read_timeout", RequestTimeout(
                    "No answer from %s within timeout=%ss." % (self.params.netloc, self.params.timeout), url=url,
                    hint="The cluster is slow or overloaded; raise timeout or lower max_concurrency."))
            except requests.exceptions.RequestException as exc:
                status_label = "request_error"
                raise ConnectionFailed("Request to %s failed: %s" % (self.params.netloc, _short(exc)), url=url)
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
                raise _Retry("dropped", ConnectionFailed(
                    "The answer from %s was cut off: %s" % (self.params.netloc, _short(exc)), url=url,
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
                    error = ProtocolError("%s from %s (status %s): %s" % (problem, path, status, body_excerpt(body, 120)),
                                          url=url, status=status)
                    if problem.startswith("Malformed"):
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
                    self.params.netloc, why, _short(exc),
                    repr(self.params.ca_path) if self.params.ca_path else "not set (system CA store)"),
                url=url)
        if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text or "record layer" in text:
            return TlsError("%s does not speak TLS (is it an HTTP port?): %s" % (self.params.netloc, _short(exc)),
                            url=url, hint="Give the HTTPS port of VMS in host (default 443).")
        return TlsError("TLS handshake with %s failed: %s" % (self.params.netloc, _short(exc)), url=url)


def _decode(body, content_type, keep_text=True):
    """(data, text, problem): decoded JSON, or a description of why the body is not the API's JSON.

    *text* (the body as a string, for error messages) is only built when *keep_text* or on a problem.
    """
    if not body.strip():
        return None, "", None
    try:
        return json.loads(body), (body.decode("utf-8", "replace") if keep_text else None), None
    except ValueError:
        pass
    text = body.decode("utf-8", "replace")
    stripped = text.strip()
    if stripped[:1] == "<":
        return None, text, "An HTML page instead of JSON (a proxy, load balancer or web UI answered?)"
    ctype = (content_type or "").lower()
    if "json" in ctype or stripped[:1] in "[{\"":
        return None, text, "Malformed or truncated JSON"
    return None, text, "Not JSON (content type %r)" % (content_type or "none")


def _reason(status):
    return {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout", 400: "Bad Request", 405: "Method Not Allowed", 409: "Conflict"}.get(status, "")


def _short(exc):
    """A one-line description of a requests exception without the noisy wrapper text."""
    text = str(exc)
    for marker in ("Caused by ", "(Caused by"):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip(" ()'\"")
    if len(text) > 240:
        text = text[:240] + "..."
    return text


def build_query(params):
    """The query string requests would send for *params* (list values as repeated keys)."""
    return urlencode(params or {}, doseq=True)
