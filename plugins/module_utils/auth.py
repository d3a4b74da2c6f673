# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: Basic, ``Api-Token`` and the JWT access/refresh lifecycle.

Modes (chosen from the options): ``api_token`` (``Authorization: Api-Token <token>``, VAST 5.3+), ``jwt``
(username/password exchanged at ``/api/token/`` for an access and a refresh token; the default with a password),
``basic`` (``auth_method=basic``, or automatically when the cluster has no token endpoint) and ``bearer``
(tokens handed over by ``vast_session`` or a token file, with or without a password to fall back on).

JWT lifecycle:

* the access token's lifetime is read from its claims (``exp`` - ``iat``, base64 of the payload, signature not
  verified: the cluster verifies it) and measured on the local clock from when it was received, so clock skew
  between this machine and VMS does not matter; it is refreshed proactively when less than 10% of its lifetime
  (at most 60 s) is left;
* a 401, or a 403 saying the token is invalid or expired, triggers recovery: refresh once, and when the refresh
  token is refused (expired, revoked, or already rotated away) log in again once; a third refusal is a clear
  AuthenticationError.  A 403 ``permission_denied`` is a missing permission, never a token problem;
* renewal is single-flight: one lock and a generation counter - the first thread to see an expired token renews
  it while the others wait, and a thread whose failed request used an older generation simply retries with the
  new token (twenty threads, one refresh);
* refresh-token rotation is followed (a new refresh token replaces the old one);
* tokens live only in memory, unless ``token_file`` is set: then they are written there (0600, atomically) after
  each login/refresh, reused by later sessions for the same host and user, and removed by ``logout()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import tempfile
import threading
import time

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    AuthenticationError, NotFound, ProtocolError, register_secret,
)

TOKEN_PATHS = ("/api/token/", "/api/v1/token/")
REFRESH_MARGIN_FRACTION = 0.1
REFRESH_MARGIN_MAX = 60.0
TOKEN_FILE_FORMAT = 1


def decode_jwt_claims(token):
    """The claims of a JWT (payload only, signature NOT verified), or None when it is not a JWT."""
    if not token or not isinstance(token, str) or token.count(".") != 2:
        return None
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (ValueError, TypeError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def classify_failure(status, text):
    """``permission`` (RBAC denial), ``token`` (invalid/expired token) or ``credentials`` for a 401/403 body."""
    lowered = (text or "").lower()
    if "permission_denied" in lowered or "do not have permission" in lowered:
        return "permission"
    if "token" in lowered and ("invalid" in lowered or "expired" in lowered or "not valid" in lowered):
        return "token"
    if status == 401:
        return "token"
    return "credentials"


class _Token:
    __slots__ = ("value", "expires_at", "lifetime", "claims")

    def __init__(self, value, received_at):
        self.value = value
        self.claims = decode_jwt_claims(value) or {}
        self.lifetime = None
        self.expires_at = None
        exp, iat = self.claims.get("exp"), self.claims.get("iat")
        if isinstance(exp, (int, float)):
            if isinstance(iat, (int, float)) and exp > iat:
                self.lifetime = float(exp - iat)
                self.expires_at = received_at + self.lifetime
            else:
                self.expires_at = float(exp)
                self.lifetime = max(0.0, self.expires_at - received_at)
        register_secret(value)

    def expiring(self, now):
        if self.expires_at is None:
            return False
        margin = min(REFRESH_MARGIN_MAX, REFRESH_MARGIN_FRACTION * (self.lifetime or 0.0))
        return now >= self.expires_at - margin


class Auth:
    """Credentials for one session; thread-safe.  ``transport`` is set by the session before ``start()``."""

    def __init__(self, params, stats, clock=time.time):
        self.params = params
        self.stats = stats
        self.transport = None
        self._clock = clock
        self._lock = threading.RLock()
        self.generation = 0
        self._access = None
        self._refresh = None
        self.token_path = TOKEN_PATHS[0]
        self.tenant_header = None
        self.note = None
        self.failed = None  # the AuthenticationError that ended renewals: later requests fail fast with it
        if params.api_token:
            self.mode = "api_token"
        elif params.auth_method == "basic":
            self.mode = "basic"
        elif params.username and params.password is not None:
            self.mode = "jwt"
        else:
            self.mode = "bearer"
        self._basic = None
        if params.username and params.password is not None:
            raw = ("%s:%s" % (params.username, params.password)).encode("utf-8")
            self._basic = base64.b64encode(raw).decode("ascii")
            register_secret(self._basic)

    # -- start / stop ------------------------------------------------------------------------------------------
    @property
    def can_login(self):
        return self._basic is not None

    def start(self):
        """Obtain working credentials (may log in).  Called once by ``VastSession.open()``."""
        if self.mode in ("api_token", "basic"):
            return
        now = self._clock()
        if self.params.access_token or self.params.refresh_token:
            if self.params.access_token:
                self._access = _Token(self.params.access_token, now)
            if self.params.refresh_token:
                self._refresh = _Token(self.params.refresh_token, now)
            self.note = "tokens supplied by the caller"
        elif self._load_token_file():
            self.note = "tokens reused from token_file"
        if self._access is not None and not self._access.expiring(now):
            return
        if self._access is not None or self._refresh is not None:
            with self._lock:
                self._renew_locked("start")
            return
        if self.mode == "bearer":
            raise AuthenticationError("No usable credentials: token_file %s holds no token for %s." % (
                self.params.token_file, self.params.netloc),
                hint="Give username and password (or api_token), or run vast_session first.")
        self._login()

    def logout(self):
        """Forget the tokens and remove the token file (nothing is revoked on the cluster)."""
        with self._lock:
            self._access = None
            self._refresh = None
            self.generation += 1
        path = self.params.token_file
        if path and os.path.exists(path):
            os.unlink(path)

    # -- per request -------------------------------------------------------------------------------------------
    def prepare(self):
        """(headers, generation) for the next request; renews an access token that is about to expire."""
        self._raise_if_failed()
        if self.mode == "api_token":
            return {"Authorization": "Api-Token %s" % self.params.api_token}, 0
        if self.mode == "basic":
            return {"Authorization": "Basic %s" % self._basic}, 0
        access = self._access
        if access is None or access.expiring(self._clock()):
            with self._lock:
                access = self._access
                if access is None or access.expiring(self._clock()):
                    self._renew_locked("proactive")
        with self._lock:
            return {"Authorization": "Bearer %s" % self._access.value}, self.generation

    def token_subject(self):
        """The user the access token was issued to (from its claims), or None."""
        with self._lock:
            claims = self._access.claims if self._access is not None else {}
        for key in ("username", "user_name", "user_id", "sub"):
            if claims.get(key) is not None:
                return str(claims[key])
        return None

    def classify(self, status, text):
        kind = classify_failure(status, text)
        if kind == "permission":
            return kind
        return "token" if self.mode in ("jwt", "bearer") else "credentials"

    def recover(self, generation, status, text, url, attempt=0):
        """A request sent with credentials of *generation* was refused with 401/403: renew them or raise.

        The first recovery of a request refreshes (or logs in when that fails); the second logs in again.
        """
        self.stats.incr("auth_failures")
        if self.mode == "basic":
            self.failed = AuthenticationError(
                "The cluster rejected username/password for user %s (status %s)." % (self.params.username, status),
                url=url, status=status, hint="Check username and password (or VAST_USERNAME/VAST_PASSWORD); the "
                                             "account may be locked or expired.")
            raise self.failed
        if self.mode == "api_token":
            self.failed = AuthenticationError(
                "The cluster rejected the API token (status %s): it is wrong, revoked or expired." % status,
                url=url, status=status, hint="Create a new API token (VAST 5.3+ only) or use username/password. "
                                             "The token secret is shown once at creation; the listed id is not it.")
            raise self.failed
        with self._lock:
            if generation != self.generation:
                return  # another thread already renewed: retry with the new token
            self._renew_locked("reactive", force_login=attempt >= 1)

    # -- renewal -----------------------------------------------------------------------------------------------
    def _raise_if_failed(self):
        failed = self.failed
        if failed is not None:
            raise AuthenticationError(failed.msg, url=failed.url, status=failed.status, hint=failed.hint)

    def _renew_locked(self, why, force_login=False):
        self._raise_if_failed()
        try:
            self._renew_once(why, force_login)
        except AuthenticationError as exc:
            self.failed = exc
            raise

    def _renew_once(self, why, force_login):
        refreshed = False
        if not force_login and self._refresh is not None and not self._refresh.expiring(self._clock()):
            refreshed = self._do_refresh()
        if not refreshed:
            if not self.can_login:
                self._access = None
                raise AuthenticationError(
                    "The access token expired and the refresh token was refused (%s renewal); there is no password "
                    "to log in again." % why,
                    hint="Run vast_session again, or give username and password so the session can log in.")
            self._login(relogin=self.generation > 0 or why != "start")
        self.generation += 1

    def _post_token(self, path, body):
        extra = {}
        if self.tenant_header:
            extra["X-Tenant-Name"] = self.tenant_header
        return self.transport.request("POST", path, json_body=body, auth=False, token_call=True,
                                      accept_status=(400, 401, 403, 404, 405), headers=extra)

    def _login(self, relogin=False):
        """Exchange username/password for tokens; falls back to Basic when the cluster has no token endpoint."""
        candidates = [self.token_path] + [p for p in TOKEN_PATHS if p != self.token_path]
        for path in candidates:
            try:
                answer = self._post_token(path, {"username": self.params.username, "password": self.params.password})
            except NotFound:
                continue
            if answer.status in (404, 405):
                continue
            if answer.status == 200 and isinstance(answer.data, dict) and answer.data.get("access"):
                with self._lock:
                    now = self._clock()
                    self._access = _Token(answer.data["access"], now)
                    if answer.data.get("refresh"):
                        self._refresh = _Token(answer.data["refresh"], now)
                    self.token_path = path
                    self.mode = "jwt"
                self.stats.incr("relogins" if relogin else "token_logins")
                if relogin:
                    self.stats.incr("token_logins")
                self._save_token_file()
                return
            if answer.status == 200:
                raise AuthenticationError("The token endpoint %s answered without an access token." % path,
                                          url=answer.url, status=200)
            text = (answer.text or "").strip()
            if answer.data is None and text and not getattr(self.transport, "vms_confirmed", True):
                # VMS refuses a login with a JSON body; an HTML page comes from something else
                raise ProtocolError(
                    "%s answered %s for %s with %s: this does not look like a VAST VMS (its API answers in JSON)."
                    % (self.params.netloc, answer.status, path, "an HTML page" if text[:1] == "<" else
                       "a body that is not JSON"), url=answer.url, status=answer.status,
                    hint="Check host and port: they must name the VMS management address (the VMS VIP or host "
                         "name, HTTPS port 443 unless VMS was set up otherwise), not another web server, a proxy "
                         "or an S3 endpoint.")
            raise AuthenticationError(
                "The cluster rejected username/password for user %s at %s (status %s)." % (
                    self.params.username, path, answer.status),
                url=answer.url, status=answer.status,
                hint="Check username and password (or VAST_USERNAME/VAST_PASSWORD); the account may be locked, "
                     "expired, or belong to a tenant (set tenant).")
        if self.params.auth_method == "jwt":
            raise AuthenticationError("The cluster has no token endpoint (%s answered 404) and auth_method=jwt."
                                      % ", ".join(TOKEN_PATHS), hint="Use auth_method=auto or basic.")
        with self._lock:
            self.mode = "basic"
            self.note = "the cluster has no token endpoint: using Basic authentication"
        self.stats.warn("The cluster has no JWT token endpoint; using HTTP Basic authentication.")

    def _do_refresh(self):
        """True when the refresh token produced a new access token (rotation followed)."""
        path = self.token_path + "refresh/"
        try:
            answer = self._post_token(path, {"refresh": self._refresh.value})
        except NotFound:
            return False
        if answer.status == 200 and isinstance(answer.data, dict) and answer.data.get("access"):
            now = self._clock()
            self._access = _Token(answer.data["access"], now)
            if answer.data.get("refresh"):
                self._refresh = _Token(answer.data["refresh"], now)
            self.stats.incr("token_refreshes")
            self._save_token_file()
            return True
        self._refresh = None
        return False

    # -- export / token file -----------------------------------------------------------------------------------
    def exported_tokens(self):
        """What ``vast_session`` returns so later tasks reuse the login (secrets: use no_log on that task)."""
        with self._lock:
            result = {"auth_method": self.mode, "host": self.params.netloc}
            if self._access is not None:
                result["access_token"] = self._access.value
                result["access_expires_at"] = self._access.expires_at
            if self._refresh is not None:
                result["refresh_token"] = self._refresh.value
                result["refresh_expires_at"] = self._refresh.expires_at
            return result

    def _load_token_file(self):
        path = self.params.token_file
        if not path or not os.path.exists(path):
            return False
        try:
            with open(path, "r") as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            return False
        if not isinstance(data, dict) or data.get("format") != TOKEN_FILE_FORMAT:
            return False
        if data.get("host") != self.params.netloc:
            return False
        if self.params.username and data.get("username") not in (None, self.params.username):
            return False
        now = self._clock()
        if data.get("access"):
            self._access = _Token(data["access"], now)
            if data.get("access_expires_at"):
                self._access.expires_at = float(data["access_expires_at"])
        if data.get("refresh"):
            self._refresh = _Token(data["refresh"], now)
            if data.get("refresh_expires_at"):
                self._refresh.expires_at = float(data["refresh_expires_at"])
        return self._access is not None or self._refresh is not None

    def _save_token_file(self):
        path = self.params.token_file
        if not path:
            return
        with self._lock:
            data = {"format": TOKEN_FILE_FORMAT, "host": self.params.netloc, "username": self.params.username,
                    "access": self._access.value if self._access else None,
                    "access_expires_at": self._access.expires_at if self._access else None,
                    "refresh": self._refresh.value if self._refresh else None,
                    "refresh_expires_at": self._refresh.expires_at if self._refresh else None}
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".vast-token-", dir=folder)
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
            tmp = None
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
