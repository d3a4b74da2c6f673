# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Low-level connection and TLS exceptions in words: one clean line saying why a request got no answer.

requests and urllib3 wrap the real cause (``socket.gaierror``, ``ConnectionRefusedError``, ``ssl.SSLError``...) in
several layers of wrapper text; these helpers walk the exception chain to find it.
:func:`describe_connection_error` (``name resolution failed for vms.example.com: [Errno -2] ...``,
``connection refused ([Errno 111] Connection refused)``), :func:`looks_like_connect_failure` (no connection was
made at all: the circuit breaker counts it), :func:`tls_reason` (the OpenSSL reason of a TLS failure) and
:func:`short_error` (any exception in one line without the wrapper text).  transport.py decides what to do
about the failure; this file only names it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import socket
import ssl

try:
    from http.client import RemoteDisconnected
except ImportError:  # pragma: no cover - Python 2 is not supported
    RemoteDisconnected = ()

try:
    import requests
    import urllib3
except ImportError:  # pragma: no cover - transport.py reports the missing library (HAS_REQUESTS)
    requests = None
    urllib3 = None

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import shorten  # noqa: E402


def _chain(exc):
    """*exc* and the exceptions behind it (urllib3's ``reason``, ``__cause__``/``__context__``, a wrapped first
    argument), outermost first."""
    out, seen = [], set()
    while exc is not None and id(exc) not in seen and len(out) < 12:
        seen.add(id(exc))
        out.append(exc)
        nxt = getattr(exc, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = exc.__cause__ or exc.__context__
        if nxt is None:
            nxt = next((a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)), None)
        exc = nxt
    return out


def _os_error_text(error):
    """``[Errno 111] Connection refused`` for an OSError (also when only strerror is set)."""
    if error.errno is not None and error.strerror:
        return "[Errno %s] %s" % (error.errno, error.strerror)
    return str(error) or type(error).__name__


def looks_like_connect_failure(exc):
    """True when no connection was made at all (refused, name resolution, unreachable, connect timeout)."""
    if requests is not None and isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    for item in _chain(exc):
        if isinstance(item, (socket.gaierror, ConnectionRefusedError)):
            return True
        if urllib3 is not None and isinstance(item, (urllib3.exceptions.NewConnectionError,
                                                     urllib3.exceptions.ConnectTimeoutError)):
            return True
        if isinstance(item, OSError) and item.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN):
            return True
    text = str(exc)
    for needle in ("NewConnectionError", "Failed to establish", "Connection refused", "Name or service not known",
                   "nodename nor servname", "No route to host", "Temporary failure in name resolution",
                   "Network is unreachable", "getaddrinfo failed"):
        if needle in text:
            return True
    return False


def describe_connection_error(exc, hostname=None, timeout=None):
    """One clean line saying why a connection failed, e.g. ``name resolution failed for vms.example.com:
    [Errno -2] Name or service not known`` or ``connection refused ([Errno 111] Connection refused)``.

    requests and urllib3 wrap the real cause in several layers of text (``HTTPSConnectionPool(...): Max retries
    exceeded ... (Caused by NameResolutionError("HTTPSConnection(...): Failed to resolve ...")``); the cause is
    found in the exception chain instead.
    """
    chain = _chain(exc)
    for item in chain:
        if isinstance(item, socket.gaierror):
            return "name resolution failed for %s: %s" % (hostname or "the host", _os_error_text(item))
    for item in chain:
        if isinstance(item, ConnectionRefusedError):
            return "connection refused (%s)" % _os_error_text(item)
        if isinstance(item, ConnectionResetError):
            return "connection reset by the server (%s)" % _os_error_text(item)
        if RemoteDisconnected and isinstance(item, RemoteDisconnected):
            return "the server closed the connection without answering"
        if isinstance(item, BrokenPipeError):
            return "the connection was closed while sending (%s)" % _os_error_text(item)
        if isinstance(item, OSError) and item.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN):
            return "%s (%s)" % ("network unreachable" if item.errno == errno.ENETUNREACH else "no route to host",
                                _os_error_text(item))
    for item in chain:
        if (requests is not None and isinstance(item, requests.exceptions.ConnectTimeout)) or \
                (urllib3 is not None and isinstance(item, urllib3.exceptions.ConnectTimeoutError)) or \
                isinstance(item, socket.timeout):
            return "no connection within timeout=%ss" % timeout if timeout else "the connection timed out"
    for item in chain:
        if urllib3 is not None and isinstance(item, urllib3.exceptions.IncompleteRead):
            return "the answer was cut off (incomplete read)"
        if urllib3 is not None and isinstance(item, urllib3.exceptions.ProtocolError) and item.args and \
                isinstance(item.args[0], str):
            inner = next((a for a in item.args[1:] if isinstance(a, BaseException)), None)
            if inner is None:
                return item.args[0].rstrip(".").lower()
    return short_error(exc)


def tls_reason(exc):
    """The OpenSSL reason of a TLS failure in one line (``[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify
    failed: self-signed certificate``), without the layers of wrapper text around it."""
    for item in _chain(exc):
        if isinstance(item, ssl.SSLError):
            message = getattr(item, "verify_message", None)
            reason = getattr(item, "reason", None)
            if message:
                return "%scertificate verify failed: %s" % ("[SSL: %s] " % reason if reason else "", message)
            text = item.args[1] if len(item.args) > 1 and isinstance(item.args[1], str) else str(item)
            return _balanced(" ".join(text.split()))
    return short_error(exc)


def _balanced(text):
    """*text* without unmatched parentheses (what is left of wrapper text cut in the middle)."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                continue
            depth -= 1
        out.append(char)
    text = "".join(out)
    while depth > 0:
        cut = text.rfind("(")
        text = text[:cut] + text[cut + 1:]
        depth -= 1
    return text


def short_error(exc):
    """A one-line description of a requests exception without the noisy wrapper text (balanced parentheses)."""
    text = " ".join(str(exc).split())
    for marker in ("(Caused by ", "Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1]
    # urllib3's 'Connection(host=..., port=...): Failed to ...' prefix names what the message already says
    if "): " in text and "Connection(" in text.split("): ", 1)[0]:
        text = text.split("): ", 1)[1]
    text = _balanced(text.strip(" '\""))
    text = text.strip(" '\"")
    text = shorten(text, 240)
    return text or type(exc).__name__
