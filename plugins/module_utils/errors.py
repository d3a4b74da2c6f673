# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception hierarchy of the VAST session and the secret scrubber.

Every error the session raises is a :class:`VastError`.  Each carries an operator-facing ``msg``, the ``url``
and HTTP ``status`` involved (when there was one) and a ``hint`` saying what to do.  ``to_fail_json()`` gives
the keyword arguments for ``AnsibleModule.fail_json``.

Messages never contain secrets: every message, body excerpt and hint goes through :func:`scrub`, which removes
registered secret values (passwords, tokens: see :func:`register_secret`) and anything that looks like a
credential (JWTs, ``Api-Token``/``Bearer``/``Basic`` header values, ``password=...`` pairs, JSON secret keys).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re
import threading

REDACTED = "********"

# Keys whose values are always secret, wherever they appear in a structure.
SECRET_KEYS = frozenset((
    "password", "passwd", "pass", "secret", "token", "access", "refresh", "access_token", "refresh_token",
    "api_token", "authorization", "x-api-token", "bindpw", "md5_password", "private_key", "secret_key",
    "aws_s3_sk", "cloud_api_key", "proxy_password", "decoded_access_key", "sk", "client_secret",
))

_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_HEADER_RE = re.compile(r"(?i)\b(Api-Token|Bearer|Basic)(\s+)([^\s'\",;]+)")
_PROSE_WORD_RE = re.compile(r"^[a-z]{2,}[.:)]?$")
# a secret-looking key, possibly with a prefix (auth_token, x-api-token, md5_password, client_secret)
_PAIR_KEYS = r"(?:[A-Za-z0-9]+[_-])*(?:password|passwd|secret|token|access|refresh|bindpw)"
# A quoted key (JSON, a Python literal) is a pair when followed by what such a document holds: a quoted string or
# a number ("password": "x", 'token': 'y', "secret": 1234).  So "Invalid option 'password': must not ..." (a
# quoted option name followed by prose) is left alone, while every JSON or dict pair is still redacted.
_QUOTED_PAIR_RE = re.compile(
    r"(?i)([\"']" + _PAIR_KEYS + r"[\"']\s*:\s*)(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|-?\d[\w.+-]*)")
# A bare key (not inside a word or quotes) followed by = or : is always a pair, whatever follows: password=x,
# token: y, password="x" (logs, query strings, YAML).  Option names in this collection's own messages are
# quoted ('password') precisely so that they never take this form.
_BARE_PAIR_RE = re.compile(
    r"(?i)(?<![\w\"'-])(" + _PAIR_KEYS + r"\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;}'\"]+)")

_MIN_SECRET_LEN = 4
_secrets_lock = threading.Lock()
_secrets = set()


def register_secret(value):
    """Remember *value* as a secret: it is removed from every message from now on (this process).

    Short values (fewer than 4 characters) are not registered as free text, to keep messages readable; they
    are still removed wherever they appear as the value of a secret key or header.
    """
    if not value or not isinstance(value, str):
        return
    forms = set([value])
    try:
        forms.add(base64.b64encode(value.encode("utf-8")).decode("ascii"))
    except (UnicodeError, ValueError):
        pass
    with _secrets_lock:
        for form in forms:
            if len(form) >= _MIN_SECRET_LEN:
                _secrets.add(form)


def register_basic_credentials(username, password):
    """Register the Basic header form (base64 of ``user:password``) of a credential pair."""
    if username and password:
        register_secret(base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii"))


def _header_value(match):
    """Redact the value after ``Basic``/``Bearer``/``Api-Token``, unless it is a word of prose ("HTTP Basic
    authentication.", "a Bearer token"): credentials are base64 or token strings, never a lower-case word."""
    if _PROSE_WORD_RE.match(match.group(3)):
        return match.group(0)
    return match.group(1) + match.group(2) + REDACTED


def _scrub_text(text):
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    text = _JWT_RE.sub(REDACTED, text)
    text = _HEADER_RE.sub(_header_value, text)
    text = _QUOTED_PAIR_RE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BARE_PAIR_RE.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def scrub(value):
    """Return a copy of *value* (string or nested dict/list/tuple) with every secret removed."""
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, bytes):
        return _scrub_text(value.decode("utf-8", "replace"))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and key.lower() in SECRET_KEYS and item not in (None, "", [], {}):
                out[key] = REDACTED
            else:
                out[key] = scrub(item)
        return out
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(item) for item in value)
    return value


def body_excerpt(text, limit=300):
    """A short, scrubbed, single-line excerpt of a response body for an error message."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit] + "..."
    return scrub(text)


def shorten(text, limit=240):
    """*text* on one line, at most about *limit* characters, cut at a word boundary with an ellipsis (prose is
    never cut mid-word)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:(") + " ..."


class VastError(Exception):
    """Base class: something went wrong talking to a VAST cluster."""

    default_hint = None
    kind = "error"

    def __init__(self, msg, url=None, status=None, hint=None, **details):
        self.msg = scrub(str(msg))
        self.url = scrub(url) if url else url
        self.status = status
        self.hint = scrub(hint if hint is not None else self.default_hint) if (hint or self.default_hint) else None
        self.details = scrub(details)
        super(VastError, self).__init__(self.msg)

    def __str__(self):
        parts = [self.msg]
        if self.url and self.url not in self.msg:
            parts.append("(url: %s%s)" % (self.url, ", status: %s" % self.status if self.status else ""))
        elif self.status and ("status %s" % self.status) not in self.msg:
            parts.append("(status: %s)" % self.status)
        if self.hint:
            parts.append("Hint: %s" % self.hint)
        return " ".join(parts)

    def __repr__(self):
        return "%s(%r, url=%r, status=%r)" % (type(self).__name__, self.msg, self.url, self.status)

    def to_fail_json(self):
        """Keyword arguments for ``module.fail_json()``: msg, url, status, hint, error (class name) and details."""
        result = {"msg": str(self), "error": type(self).__name__, "error_kind": self.kind}
        if self.url:
            result["url"] = self.url
        if self.status is not None:
            result["status"] = self.status
        if self.hint:
            result["hint"] = self.hint
        if self.details:
            result["details"] = self.details
        return result


class OptionError(VastError):
    """A connection option is missing, malformed or contradicts another one (raised before any request)."""

    kind = "option"

    def __init__(self, option, msg, hint=None):
        self.option = option
        # The name is quoted: "Invalid option 'password': must ..." is never mistaken for a password: value pair
        # by the scrubber (which would redact the first word of the message).
        super(OptionError, self).__init__("Invalid option '%s': %s" % (option, msg), hint=hint, option=option)


class ConnectionFailed(VastError):
    """The cluster could not be reached (refused, reset, DNS, connect timeout)."""

    kind = "connection"
    default_hint = ("Check that host (and port) name the VMS management address, that it is reachable from this "
                    "machine (firewall, proxy, VPN) and that VMS is running.")


class TlsError(ConnectionFailed):
    """TLS failed: untrusted certificate, host name mismatch, or the server does not speak TLS."""

    kind = "tls"
    default_hint = ("Set ca_path to the PEM file of the CA that signed the VMS certificate (or fix the certificate); "
                    "only on a trusted network, validate_certs=false turns verification off.")


class CircuitOpen(ConnectionFailed):
    """Too many consecutive connection failures: the session stops hammering a cluster that looks down."""

    kind = "circuit_open"
    default_hint = "The cluster looks down or unreachable; check VMS and the network, then run again."


class DeadlineExceeded(VastError):
    """The overall deadline ran out: nothing more is read (fatal for a collection)."""

    kind = "deadline"
    default_hint = "Raise deadline/timeout, or lower the amount of data read (gather_subset, page size)."


class RequestTimeout(VastError):
    """One request got no complete answer within ``timeout``, on every retry.

    Not the overall deadline: only that read failed, and a collection goes on with the other resources.
    """

    kind = "timeout"
    default_hint = "The cluster or network is slow or overloaded; raise timeout or lower max_concurrency."


class AuthenticationError(VastError):
    """Credentials or tokens were rejected."""

    kind = "authentication"
    default_hint = "Check username/password or api_token; tokens may have been revoked or expired."


class PermissionDenied(VastError):
    """Authenticated, but the account lacks the permission to read this resource."""

    kind = "permission"
    default_hint = ("Give the user a role with view permission on this realm (a read-only role over all realms is "
                    "enough for an as-built report).")


class NotFound(VastError):
    """The URL does not exist on this cluster (HTTP 404)."""

    kind = "not_found"


class Unsupported(NotFound):
    """The resource is not served by this cluster (missing endpoint or release too old)."""

    kind = "unsupported"


class ResourceUnavailable(Unsupported):
    """A logical resource is unavailable on this cluster; ``reason`` says why (not the same as an empty list)."""

    kind = "unavailable"

    def __init__(self, resource, reason, url=None, status=None):
        self.resource = resource
        self.reason = reason
        super(ResourceUnavailable, self).__init__("%s is unavailable on this cluster: %s" % (resource, reason),
                                                  url=url, status=status, hint="")


class ApiError(VastError):
    """The API answered with an error status that is not covered by a more specific class."""

    kind = "api"


class ProtocolError(VastError):
    """The answer is not what the VMS API sends: not JSON, truncated JSON, an HTML page, a paging loop."""

    kind = "protocol"
    default_hint = ("Check that host names the VMS management address (not a proxy, load balancer or S3 endpoint) "
                    "and that nothing between this machine and VMS rewrites answers.")


class UnsupportedVersion(VastError):
    """The cluster runs a VAST release outside the range this collection supports."""

    kind = "version"


class ReadOnlyViolation(VastError):
    """A write request was attempted: the collection only reads (GET and the token calls)."""

    kind = "read_only"


#: Statuses that mean "busy or not there right now" (a proxy or an overloaded VMS), not an answer about the resource.
TRANSIENT_STATUSES = frozenset((429, 502, 503, 504))


def is_transient(exc):
    """True when the cluster gave no real answer: the connection failed or was dropped, the answer did not come
    in time, or the cluster (or a proxy in front of it) said it was busy or unreachable on every retry.

    Reading the same thing again later may well work.  An answer about the resource itself (permission denied,
    not found, a 500, a malformed body) is not transient: it would most likely come again.
    """
    if isinstance(exc, (ConnectionFailed, RequestTimeout, DeadlineExceeded)) and not isinstance(exc, TlsError):
        return True
    return isinstance(exc, ApiError) and exc.status in TRANSIENT_STATUSES
