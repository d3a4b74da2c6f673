# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: the argument-spec factory, environment fallbacks and validation.

``connection_argument_spec()`` returns the options every module accepts (documented once in
``plugins/doc_fragments/connection.py``).  ``ConnectionParams.from_params(module.params)`` validates them and
gives a plain object the session uses; it also works without AnsibleModule (tests, benchmarks), in which case it
applies the same environment-variable fallbacks itself.  Every mistake raises :class:`OptionError` naming the
option, before any request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import decimal
import math
import os
import re

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.validation import (
    check_type_bool, check_type_float, check_type_int, check_type_str,
)

from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import directory_problem
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    OptionError, register_basic_credentials, register_secret,
)

# name: (type, default, environment variable, no_log, choices)
_OPTIONS = (
    ("host", "str", None, "VAST_HOST", False, None),
    ("port", "int", None, "VAST_PORT", False, None),
    ("username", "str", None, "VAST_USERNAME", False, None),
    ("password", "str", None, "VAST_PASSWORD", True, None),
    ("api_token", "str", None, "VAST_API_TOKEN", True, None),
    ("access_token", "str", None, "VAST_ACCESS_TOKEN", True, None),
    ("refresh_token", "str", None, "VAST_REFRESH_TOKEN", True, None),
    ("token_file", "path", None, "VAST_TOKEN_FILE", False, None),
    ("auth_method", "str", "auto", "VAST_AUTH_METHOD", False, ["auto", "jwt", "basic"]),
    ("validate_certs", "bool", True, "VAST_VALIDATE_CERTS", False, None),
    ("ca_path", "path", None, "VAST_CA_PATH", False, None),
    ("timeout", "float", 30.0, "VAST_TIMEOUT", False, None),
    ("api_version", "str", "auto", "VAST_API_VERSION", False, None),
    ("tenant", "str", None, "VAST_TENANT", False, None),
    ("retries", "int", 5, "VAST_RETRIES", False, None),
    ("backoff", "float", 0.5, "VAST_BACKOFF", False, None),
    ("backoff_max", "float", 30.0, "VAST_BACKOFF_MAX", False, None),
    ("max_concurrency", "int", 8, "VAST_MAX_CONCURRENCY", False, None),
    ("deadline", "float", 3600.0, "VAST_DEADLINE", False, None),
    ("cache_dir", "path", None, "VAST_CACHE_DIR", False, None),
    ("cache_ttl", "int", 3600, "VAST_CACHE_TTL", False, None),
    ("audit_log", "path", None, "VAST_AUDIT_LOG", False, None),
    ("allow_newer_version", "bool", False, "VAST_ALLOW_NEWER_VERSION", False, None),
)

OPTION_NAMES = tuple(o[0] for o in _OPTIONS)
ENV_VARS = dict((o[0], o[3]) for o in _OPTIONS)
MAX_CONCURRENCY_LIMIT = 64
MAX_RETRIES_LIMIT = 20
_API_VERSION_RE = re.compile(r"^(auto|latest|v?\d{1,3})$", re.I)
_HOSTNAME_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$")
_IPV6_RE = re.compile(r"^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$")


def connection_argument_spec():
    """The connection options as an AnsibleModule ``argument_spec`` fragment (a fresh dict each call)."""
    spec = {}
    for name, otype, default, env, no_log, choices in _OPTIONS:
        entry = {"type": otype, "fallback": (env_fallback, [env])}
        if default is not None:
            entry["default"] = default
        if no_log:
            entry["no_log"] = True
        if choices:
            entry["choices"] = list(choices)
        spec[name] = entry
    return spec


_TYPE_WORDS = {"str": "a single string", "path": "a single string (a path)", "int": "an integer (type int)",
               "float": "a number (type float)", "bool": "true or false (type bool)"}
#: Secrets with which one trailing line break (from a vault typed as "secret<Enter><Ctrl-D>") is dropped.
TRAILING_NEWLINE_STRIPPED = ("password", "api_token")


def _kind(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    if isinstance(value, dict):
        return "a dictionary"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return "a value of type %s" % type(value).__name__


def check_option_type(name, otype, value, secret=False):
    """Raise OptionError when *value* cannot honestly be read as *otype* (before any conversion).

    Ansible turns a list given to a string option into its text (``username: [readonly]`` becomes
    ``"['readonly']"``) and a boolean into ``"True"``; both are mistakes worth saying so.  Numbers are fine for
    string options (``password: 123456`` in YAML is an integer); a boolean is never a number.
    """
    if value is None:
        return
    bad = False
    advice = ""
    if otype in ("str", "path"):
        bad = isinstance(value, bool) or not isinstance(value, (str, int, float))
    elif otype in ("int", "float"):
        bad = isinstance(value, (bool, list, tuple, set, frozenset, dict))
        if otype == "int" and not bad and not _readable_int(value):
            bad, advice = True, "; it must be finite and at most %d digits long" % _INT_DIGITS
    elif otype == "bool":
        bad = isinstance(value, (list, tuple, set, frozenset, dict))
    if not bad:
        return
    got = _kind(value)
    if not secret and not isinstance(value, bool):
        got += " (%s)" % _short_repr(value)
    elif isinstance(value, bool):
        got += " (%s)" % str(value).lower()
    if otype in ("str", "path") and isinstance(value, bool):
        advice = "; quote it if it is meant as text"
    elif otype in ("str", "path") and got.startswith("a list"):
        advice = "; give one value"
    raise OptionError(name, "must be %s, got %s%s" % (_TYPE_WORDS[otype], got, advice))


_INT_DIGITS = 18


def _readable_int(value):
    """False for what ansible-core's int check cannot read in reasonable time and without a traceback: an
    infinite or NaN number, or text reading as one (``"inf"``: OverflowError), or text for a number of thousands
    of digits (``"1e9999999"``: minutes of CPU).  Other text is left to that check."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value)
        except (decimal.DecimalException, ValueError):
            return True
        return number.is_finite() and number.adjusted() < _INT_DIGITS
    return True


def _short_repr(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def convert_option(name, otype, value, secret=False):
    """*value* converted to the option's type; OptionError naming the option (and never a secret) otherwise."""
    check_option_type(name, otype, value, secret)
    try:
        if otype == "bool":
            return check_type_bool(value)
        if otype == "int":
            if isinstance(value, float) and not value.is_integer():
                raise TypeError("not an integer")
            return check_type_int(value)
        if otype == "float":
            return check_type_float(value)
        if otype == "path":
            return os.path.expanduser(os.path.expandvars(check_type_str(value)))
        return check_type_str(value)
    except (TypeError, ValueError):
        raise OptionError(name, "must be %s, got %s" % (
            _TYPE_WORDS[otype], _kind(value) if secret else "%s (%s)" % (_kind(value), _short_repr(value))))


def holds_pem_certificate(path, limit=4 * 1024 * 1024):
    """True when the file at *path* has a PEM certificate block (what requests' verify= needs)."""
    try:
        with open(path, "rb") as handle:
            return b"-----BEGIN CERTIFICATE-----" in handle.read(limit)
    except (IOError, OSError):
        return False


def strip_one_line_break(value):
    """*value* without one trailing ``\\n`` or ``\\r\\n`` (a vault or a file saved with a final newline)."""
    if isinstance(value, str):
        if value.endswith("\r\n"):
            return value[:-2]
        if value.endswith("\n"):
            return value[:-1]
    return value


def parse_host(host, port=None):
    """Split ``host`` (``name``, ``name:port``, ``[v6]:port``, ``https://name[:port]``) into (hostname, port).

    Raises OptionError for anything else (another scheme, a path, credentials, a bad port).
    """
    check_option_type("host", "str", host)
    raw = str(host if host is not None else "").strip()
    if not raw:
        raise OptionError("host", "is required (or set VAST_HOST): the VMS management address, e.g. vms.example.com")
    if "://" in raw:
        scheme, raw = raw.split("://", 1)
        if scheme.lower() != "https":
            raise OptionError("host", "scheme %r is not supported: VMS is reached over https only; give the host name "
                                      "or address, for example vms.example.com or 10.0.0.5:8443" % scheme)
    if raw.endswith("/"):
        raw = raw[:-1]
    if "@" in raw:
        raise OptionError("host", "must not contain user information (user@host): use username and password")
    if "/" in raw or "?" in raw or "#" in raw:
        raise OptionError("host", "must be a host name or address with an optional :port, not a URL with a path "
                                  "(got %r); the API path is added by the collection" % raw)
    hostname, host_port = raw, None
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise OptionError("host", "unterminated IPv6 address %r" % raw)
        hostname, rest = raw[1:end], raw[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise OptionError("host", "unexpected text after the IPv6 address in %r" % raw)
            host_port = rest[1:]
        if not _IPV6_RE.match(hostname):
            raise OptionError("host", "%r is not a valid IPv6 address" % hostname)
    elif raw.count(":") > 1:
        if not _IPV6_RE.match(raw):
            raise OptionError("host", "%r is not a valid host name or address" % raw)
    elif ":" in raw:
        hostname, host_port = raw.split(":", 1)
    if not hostname or (":" not in hostname and not _HOSTNAME_RE.match(hostname)):
        raise OptionError("host", "%r is not a valid host name or address" % raw)
    if host_port is not None:
        try:
            host_port = int(host_port)
        except ValueError:
            raise OptionError("host", "the port in %r is not a number" % raw)
    for name, value in (("host", host_port), ("port", port)):
        if value is not None and not 1 <= value <= 65535:
            raise OptionError(name, "port %s is out of range (1-65535)" % value)
    if host_port is not None and port is not None and host_port != port:
        raise OptionError("port", "port %s contradicts the port %s given in host" % (port, host_port))
    return hostname, host_port if host_port is not None else (port if port is not None else 443)


class ConnectionParams:
    """Validated connection options (a plain object; secrets are hidden from ``repr``)."""

    _SECRET_ATTRS = ("password", "api_token", "access_token", "refresh_token")

    def __init__(self, **values):
        for name in OPTION_NAMES:
            setattr(self, name, values.get(name))
        self.scheme = values.get("scheme", "https")
        self.hostname = values.get("hostname")

    @classmethod
    def from_params(cls, params=None, env=None, **overrides):
        """Build and validate from module params (or a plain dict).

        Options that are missing or None take their environment variable (from *env*, default ``os.environ``),
        then their default.  ``scheme='http'`` (Python callers only, never a module option) talks plain HTTP to
        a test server.
        """
        merged = dict(params or {})
        merged.update(overrides)
        env = os.environ if env is None else env
        values = {}
        for name, otype, default, var, no_log, choices in _OPTIONS:
            value = merged.get(name)
            if value is None and var in env and env[var] != "":
                value = env[var]
            if value is None:
                value = default
            if value is not None:
                value = convert_option(name, otype, value, secret=no_log)
                if name in TRAILING_NEWLINE_STRIPPED:
                    value = strip_one_line_break(value)
                if choices and value not in choices:
                    raise OptionError(name, "must be one of %s, got %r" % (", ".join(choices), value))
            if isinstance(value, str) and name not in ("password",) and value.strip() == "":
                value = None
            values[name] = value
        if values.get("password") == "":
            # Ansible's env_fallback passes an empty VAST_PASSWORD on as "": no VMS account has an empty password,
            # so say so here instead of a round trip that ends in "rejected username/password"
            if values.get("username") is None:
                values["password"] = None
            else:
                raise OptionError("password", "is empty (an empty VAST_PASSWORD counts as one): give the password of "
                                              "%s, or use api_token instead of username/password" % values["username"])
        values["scheme"] = merged.get("scheme") or "https"
        obj = cls(**values)
        obj.validate()
        return obj

    def validate(self):
        """Check every option and their combinations; raise OptionError naming the option."""
        for name in self._SECRET_ATTRS:
            register_secret(getattr(self, name))
        if isinstance(self.api_token, str) and "." in self.api_token:
            # a VMS API token is <prefix>.<secret>; the prefix is public (it starts the id /apitokens/ lists), so
            # the secret part alone is as good as the token
            register_secret(self.api_token.split(".", 1)[1])
        register_basic_credentials(self.username, self.password)
        if self.scheme not in ("https", "http"):
            raise OptionError("scheme", "must be https")
        self.hostname, self.port = parse_host(self.host, self.port)

        if self.password is not None and not self.username:
            raise OptionError("password", "was given without username")
        if self.username and self.password is None and not (self.access_token or self.refresh_token):
            raise OptionError("username", "was given without password (or VAST_PASSWORD)")
        if self.api_token and (self.username or self.password is not None):
            raise OptionError("api_token", "cannot be combined with username/password (they are mutually exclusive): "
                                           "use one way to authenticate")
        if self.api_token and (self.access_token or self.refresh_token):
            raise OptionError("api_token", "cannot be combined with access_token/refresh_token (they are mutually "
                                           "exclusive)")
        if self.api_token and self.auth_method not in ("auto", None):
            raise OptionError("auth_method", "%s cannot be used with api_token" % self.auth_method)
        if self.auth_method == "basic" and not (self.username and self.password is not None):
            raise OptionError("auth_method", "basic needs username and password")
        if not (self.api_token or (self.username and self.password is not None) or self.access_token
                or self.refresh_token or self.token_file):
            raise OptionError("username", "no credentials: give username and password, or api_token "
                                          "(or VAST_USERNAME/VAST_PASSWORD, VAST_API_TOKEN)")
        for name in self._SECRET_ATTRS:
            value = getattr(self, name)
            if value is not None and any(c in value for c in "\r\n"):
                raise OptionError(name, "must not contain line breaks%s" % (
                    " (only a single trailing one is ignored)" if name in TRAILING_NEWLINE_STRIPPED else ""))
        if self.tenant is not None and (len(self.tenant) > 256 or any(c in self.tenant for c in "\r\n")):
            raise OptionError("tenant", "is not a valid tenant name")

        if self.timeout is None or self.timeout <= 0:
            raise OptionError("timeout", "must be a positive number of seconds, got %r" % self.timeout)
        if self.deadline is None or self.deadline < 0:
            raise OptionError("deadline", "must be 0 (no deadline) or a positive number of seconds")
        if self.retries is None or not 0 <= self.retries <= MAX_RETRIES_LIMIT:
            raise OptionError("retries", "must be between 0 and %d, got %r" % (MAX_RETRIES_LIMIT, self.retries))
        if self.backoff is None or self.backoff < 0:
            raise OptionError("backoff", "must not be negative")
        if self.backoff_max is None or self.backoff_max < 0:
            raise OptionError("backoff_max", "must not be negative")
        if self.max_concurrency is None or not 1 <= self.max_concurrency <= MAX_CONCURRENCY_LIMIT:
            raise OptionError("max_concurrency", "must be between 1 and %d, got %r"
                              % (MAX_CONCURRENCY_LIMIT, self.max_concurrency))
        if self.cache_ttl is None or self.cache_ttl < 0:
            raise OptionError("cache_ttl", "must not be negative")

        version = (self.api_version or "auto").strip().lower()
        if not _API_VERSION_RE.match(version):
            raise OptionError("api_version", "must be auto, latest or vN (for example v7), got %r" % self.api_version)
        if version.isdigit():
            version = "v" + version
        if version.startswith("v") and int(version[1:]) < 1:
            raise OptionError("api_version", "API versions start at v1")
        self.api_version = version

        if self.ca_path is not None:
            if not os.path.exists(self.ca_path):
                raise OptionError("ca_path", "%s does not exist" % self.ca_path)
            if not os.access(self.ca_path, os.R_OK):
                raise OptionError("ca_path", "%s is not readable" % self.ca_path)
            if os.path.isfile(self.ca_path) and not holds_pem_certificate(self.ca_path):
                raise OptionError("ca_path", "%s holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block): "
                                  "give the CA certificate that signed the cluster's certificate, in PEM form"
                                  % self.ca_path)
        for name in ("token_file", "audit_log"):
            path = getattr(self, name)
            if path is not None:
                problem = directory_problem(os.path.dirname(os.path.abspath(path)) or ".")
                if problem:
                    raise OptionError(name, "%s, so %s cannot be written" % (problem, path))
                if os.path.isdir(path):
                    raise OptionError(name, "%s is a directory; give a file path" % path)
        if self.cache_dir is not None and os.path.exists(self.cache_dir) and not os.path.isdir(self.cache_dir):
            raise OptionError("cache_dir", "%s exists and is not a directory" % self.cache_dir)
        return self

    @property
    def netloc(self):
        name = "[%s]" % self.hostname if ":" in self.hostname else self.hostname
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else "%s:%d" % (name, self.port)

    @property
    def base_url(self):
        """``https://host[:port]`` (no trailing slash)."""
        return "%s://%s" % (self.scheme, self.netloc)

    @property
    def verify(self):
        """The ``verify`` argument for requests: False, True, or the CA bundle path."""
        if not self.validate_certs:
            return False
        return self.ca_path or True

    def as_dict(self, secrets=False):
        """The options as a dict; secrets are replaced by a marker unless *secrets* is true."""
        out = {}
        for name in OPTION_NAMES:
            value = getattr(self, name)
            if name in self._SECRET_ATTRS and value is not None and not secrets:
                value = "********"
            out[name] = value
        out["scheme"] = self.scheme
        return out

    def replace(self, **changes):
        """A validated copy with some options changed."""
        values = self.as_dict(secrets=True)
        values.update(changes)
        return ConnectionParams.from_params(values, env={})

    def __repr__(self):
        return "ConnectionParams(%s)" % ", ".join(
            "%s=%r" % (k, v) for k, v in sorted(self.as_dict().items()) if v is not None)
