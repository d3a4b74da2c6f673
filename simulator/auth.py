"""Authentication and authorisation like the real VMS (NOTES section 2).

* Basic auth for every release. * JWT: ``/api/token/`` and ``/api/token/refresh/`` issue HS256 tokens with
``token_type``, ``exp``, ``iat``, ``jti`` and ``user_id`` (SimpleJWT defaults); lifetimes come from the ``vms``
object, so ``PATCH /vms/1/`` changes them. * API tokens (5.3+): ``Authorization: Api-Token <prefix>.<secret>``;
the listed id is ``<prefix>.<hash>`` and is *not* accepted as a token.

Failures answer like the real API: an invalid or expired access token is a 403 whose body contains
"Token is invalid or expired"; a bad refresh token is a 401; no credentials is a 403; an RBAC denial carries
``permission_denied``. Secrets never leave this module: not in logs, not in messages, not in counters.
"""
import base64
import collections
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import string
import threading
import time

from .common import iso_seconds
from .generator.cluster import lifetime_seconds

TOKEN_INVALID_BODY = {
    "detail": "Given token not valid for any token type", "code": "token_not_valid",
    "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is invalid or expired"}]}
REFRESH_INVALID_BODY = {"detail": "Token is invalid or expired", "code": "token_not_valid"}
NO_CREDENTIALS_BODY = {"detail": "Authentication credentials were not provided."}
BAD_CREDENTIALS_BODY = {"detail": "Invalid username/password."}
BAD_LOGIN_BODY = {"detail": "No active account found with the given credentials"}
DENIED_BODY = {"detail": "You do not have permission to perform this action.", "code": "permission_denied"}
BAD_API_TOKEN_BODY = {"detail": "Invalid API token."}

# Resources a TENANT_ADMIN may use (GUESS: tenant-level objects, plus the cluster/vms objects clients probe).
TENANT_ADMIN_ALLOWED = frozenset({
    "clusters", "vms", "tenants", "views", "viewpolicies", "quotas", "userquotas", "s3policies", "qospolicies",
    "users", "groups", "localproviders", "vippools", "protectedpaths", "protectionpolicies", "snapshots",
    "apitokens", "activedirectory", "ldaps", "nis", "capacity", "login", "logout", "token", "managers"})
ROLES = {"admin": "admin", "readonly": "readonly", "tenantadmin": "tenantadmin"}
_DURATION = re.compile(r"^\s*(\d+)\s*([YMwWdDhHmsS])\s*$")
_UNIT = {"Y": 365 * 86400, "M": 30 * 86400, "w": 7 * 86400, "W": 7 * 86400, "d": 86400, "D": 86400, "h": 3600,
         "H": 3600, "m": 60, "s": 1, "S": 1}
_ALPHABET = string.ascii_letters + string.digits


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AuthResult:
    """Who is calling: kind (basic/jwt/apitoken/none), user name, role and tenant (id) in effect."""

    __slots__ = ("kind", "user", "role", "tenant_id", "tenant_name", "error")

    def __init__(self, kind="none", user=None, role=None, tenant_id=None, tenant_name=None, error=None):
        self.kind, self.user, self.role = kind, user, role
        self.tenant_id, self.tenant_name, self.error = tenant_id, tenant_name, error


class Auth:
    def __init__(self, config, state, clock=None):
        self.cfg = config
        self.state = state
        self.release = config.release
        self.clock = clock or config.clock or time.time
        self.secret = os.urandom(32)
        self.lock = threading.Lock()
        self.counters = collections.Counter()
        self.jti = {}                 # jti -> {"type", "user", "exp", "state": "valid"/"expired"/"revoked"}
        self.api_hashes = {}          # api token id -> sha256 hex of the secret
        self.expire_after = None      # "tokens expiring early": access tokens older than this many seconds fail
        ta = state.meta["tenant_admin_tenant"]
        self.users = {
            "admin": {"password": config.password("admin"), "role": "admin", "tenant_id": None, "id": 1},
            "readonly": {"password": config.password("readonly"), "role": "readonly", "tenant_id": None, "id": 2},
            "tenantadmin": {"password": config.password("tenantadmin"), "role": "tenantadmin",
                            "tenant_id": ta["id"], "tenant_name": ta["name"], "id": 3},
        }
        self.allowed_for_tenant_admin = frozenset(config.tenant_admin_allowed or TENANT_ADMIN_ALLOWED)

    # ---- helpers -----------------------------------------------------------------------------------------------
    def count(self, key, n=1):
        with self.lock:
            self.counters[key] += n

    def now(self):
        return self.clock()

    def _vms(self):
        return next(iter(self.state.collection("vms").values()), {})

    def lifetimes(self):
        vms = self._vms()
        try:
            access = lifetime_seconds(vms.get("access_token_lifetime") or self.cfg.access_token_lifetime)
            refresh = lifetime_seconds(vms.get("refresh_token_lifetime") or self.cfg.refresh_token_lifetime)
        except (TypeError, ValueError):
            access, refresh = self.cfg.access_token_lifetime, self.cfg.refresh_token_lifetime
        return access, refresh

    def _check_password(self, user, password):
        info = self.users.get(user)
        return bool(info) and info["password"] is not None and hmac.compare_digest(
            str(info["password"]).encode(), str(password).encode())

    # ---- JWT ---------------------------------------------------------------------------------------------------
    def _sign(self, payload):
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        sig = hmac.new(self.secret, ("%s.%s" % (header, body)).encode(), hashlib.sha256).digest()
        return "%s.%s.%s" % (header, body, _b64(sig))

    def _decode(self, token):
        try:
            header, body, sig = token.split(".")
            expected = hmac.new(self.secret, ("%s.%s" % (header, body)).encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(sig)):
                return None
            return json.loads(_unb64(body))
        except (ValueError, TypeError, json.JSONDecodeError):
            return None

    def _issue(self, user, kind, lifetime):
        now = self.now()
        jti = secrets.token_hex(16)
        payload = {"token_type": kind, "exp": int(now + lifetime) if lifetime >= 1 else now + lifetime,
                   "iat": int(now), "jti": jti, "user_id": self.users[user]["id"]}
        with self.lock:
            self.jti[jti] = {"type": kind, "user": user, "exp": now + lifetime, "state": "valid", "issued": now}
        return self._sign(payload)

    def issue_pair(self, user):
        access, refresh = self.lifetimes()
        return {"access": self._issue(user, "access", access), "refresh": self._issue(user, "refresh", refresh)}

    def _valid_jwt(self, token, kind):
        payload = self._decode(token)
        if not payload or payload.get("token_type") != kind:
            return None
        info = self.jti.get(payload.get("jti"))
        if not info or info["state"] != "valid" or self.now() >= info["exp"]:
            return None
        if kind == "access" and self.expire_after is not None and self.now() - info["issued"] >= self.expire_after:
            return None
        return info["user"]

    def obtain(self, body, tenant_header=None):
        """POST /api/token/: (status, body)."""
        user, password = body.get("username"), body.get("password")
        if not self._check_password(user, password):
            self.count("token_obtain_failed")
            return 401, BAD_LOGIN_BODY
        info = self.users[user]
        if tenant_header and self.release.tenant_header and info["role"] == "tenantadmin" and \
                tenant_header not in (info.get("tenant_name"), self._tenant_domain(info["tenant_id"])):
            self.count("token_obtain_failed")
            return 401, BAD_LOGIN_BODY
        self.count("token_obtained")
        return 200, self.issue_pair(user)

    def refresh(self, body):
        """POST /api/token/refresh/: (status, body). Rotation and blacklisting follow the settings."""
        token = body.get("refresh")
        user = self._valid_jwt(token, "refresh") if isinstance(token, str) else None
        if not user:
            self.count("token_refresh_failed")
            return 401, REFRESH_INVALID_BODY
        access, refresh_life = self.lifetimes()
        out = {"access": self._issue(user, "access", access)}
        if self.cfg.refresh_rotation:
            out["refresh"] = self._issue(user, "refresh", refresh_life)
            if self.cfg.blacklist_after_rotation:
                with self.lock:
                    self.jti[self._decode(token)["jti"]]["state"] = "revoked"
        self.count("token_refreshed")
        return 200, out

    # ---- API tokens --------------------------------------------------------------------------------------------
    def _token_valid(self, rec):
        """Not revoked and not expired. Tokens issued at run time expire by the (injectable) wall clock;
        generated or added tokens live in the data's world and expire by its reference "now"."""
        if rec.get("revoked"):
            return False
        exp = rec.get("expiry_date")
        if exp:
            now = self.now() if rec.get("id") in self.api_hashes else self.state.context.now.timestamp()
            try:
                return datetime.datetime.fromisoformat(exp.replace("Z", "+00:00")).timestamp() > now
            except ValueError:
                return True
        return True

    def create_api_token(self, requester, body):
        coll = self.state.collection("apitokens")
        owner = body.get("owner") or requester.user
        if owner != requester.user and requester.role != "admin":
            return 403, DENIED_BODY
        if owner not in self.users and not any(m.get("username") == owner for m in
                                               self.state.collection("managers").values()):
            return 400, "Owner %s does not exist" % owner
        pwd = self.state.singletons.get("pwd_settings", {})
        default_days = float(pwd.get("pwd_expiration_timeout") or 180)
        expiry = body.get("expiry_date")
        if expiry in (None, ""):
            seconds = default_days * 86400
        else:
            m = _DURATION.match(str(expiry))
            if not m:
                return 400, "Invalid expiry_date %r: use an integer and a unit (Y, M, w, d, h, m, s)" % (expiry,)
            seconds = int(m.group(1)) * _UNIT[m.group(2)]
            if seconds > default_days * 86400:
                return 400, "expiry_date exceeds the password expiration timeout"
        limit = int(self._vms().get("max_api_tokens_per_user") or self.cfg.max_api_tokens_per_user)
        with self.state.lock:
            valid = [t for t in coll.values() if t.get("owner") == owner and self._token_valid(t)]
            if len(valid) >= limit:
                self.count("apitoken_limit")
                return 503, {"detail": "Max allowed API tokens reached: the maximum number of API Tokens per user "
                                       "is %d" % limit}
            prefix = "".join(secrets.choice(_ALPHABET) for _ in range(8))
            token = "%s.%s" % (prefix, "".join(secrets.choice(_ALPHABET) for _ in range(32)))
            digest = hashlib.sha256(token.encode()).hexdigest()
            ident = "%s.%s" % (prefix, digest[:40])
            now = self.now()
            rec = {"id": ident, "name": body.get("name") or "%s_api_token" % owner, "owner": owner,
                   "created": iso_seconds(now), "expiry_date": iso_seconds(now + seconds), "last_used": None,
                   "revoked": False, "revocation_time": None}
            coll.put(rec)
            self.state.touch("apitokens")
            self.api_hashes[ident] = digest
        self.count("apitoken_created")
        return 201, {"id": ident, "token": token}

    def revoke_api_token(self, requester, ident):
        coll = self.state.collection("apitokens")
        rec = coll.get(ident)
        if rec is None or (rec["owner"] != requester.user and requester.role != "admin"):
            return 404, "API key not found"
        with self.state.lock:
            coll.put({**rec, "revoked": True, "revocation_time": iso_seconds(self.now())})
            self.state.touch("apitokens")
        return 200, {}

    def _api_token_user(self, token):
        prefix = token.split(".", 1)[0]
        coll = self.state.collection("apitokens")
        digest = hashlib.sha256(token.encode()).hexdigest()
        for ident, stored in list(self.api_hashes.items()):
            if ident.split(".", 1)[0] != prefix or not hmac.compare_digest(stored, digest):
                continue
            rec = coll.get(ident)
            if rec is None or not self._token_valid(rec):
                return None
            now = self.now()
            last = rec.get("last_used")
            if not last or now - datetime.datetime.fromisoformat(last.replace("Z", "+00:00")).timestamp() > 1:
                with self.state.lock:
                    coll.put({**rec, "last_used": iso_seconds(now)})
            return rec["owner"]
        return None

    # ---- run-time token control (/_sim/tokens) --------------------------------------------------------------------
    def expire_or_revoke(self, action="expire", kind="all"):
        """Expire or revoke every token of ``kind`` (access, refresh, jwt, apitoken, all) now."""
        changed = 0
        state = "expired" if action == "expire" else "revoked"
        with self.lock:
            for info in self.jti.values():
                if info["state"] == "valid" and (kind in ("all", "jwt") or kind == info["type"]):
                    info["state"] = state
                    changed += 1
        if kind in ("all", "apitoken"):
            coll = self.state.collection("apitokens")
            now = self.now()
            with self.state.lock:
                updates = []
                for rec in coll.values():
                    if rec["id"] in self.api_hashes and not rec["revoked"]:
                        if action == "expire":
                            updates.append({**rec, "expiry_date": iso_seconds(now - 1)})
                        else:
                            updates.append({**rec, "revoked": True, "revocation_time": iso_seconds(now)})
                if updates:
                    coll.put_many(updates)
                    self.state.touch("apitokens")
                changed += len(updates)
        self.count("tokens_%s" % state, changed)
        return changed

    def token_summary(self):
        with self.lock:
            states = collections.Counter("%s:%s" % (i["type"], i["state"]) for i in self.jti.values())
        return {"jwt": dict(states), "api_tokens_issued": len(self.api_hashes), "expire_after": self.expire_after}

    # ---- authenticate a resource call ----------------------------------------------------------------------------
    def _tenant_domain(self, tenant_id):
        for t in self.state.collection("tenants").values():
            if t["id"] == tenant_id:
                return t.get("domain_name")
        return None

    def _find_tenant(self, name):
        for t in self.state.collection("tenants").values():
            if name in (t["name"], t.get("domain_name")) and name:
                return t
        return None

    def authenticate(self, header, tenant_header=None):
        """AuthResult for an Authorization header value (error set to (status, body) on failure)."""
        fail = self.cfg.auth_failure_status
        if not header:
            self.count("no_credentials")
            return AuthResult(error=(403, NO_CREDENTIALS_BODY))
        keyword, _, value = header.partition(" ")
        low = keyword.lower()
        user, kind = None, None
        if low == "basic" and self.cfg.basic_enabled:
            kind = "basic"
            try:
                name, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                name, password = None, None
            if not self._check_password(name, password):
                self.count("basic_failed")
                return AuthResult(kind, error=(fail, BAD_CREDENTIALS_BODY))
            user = name
        elif low == "bearer" and self.cfg.jwt_enabled:
            kind = "jwt"
            user = self._valid_jwt(value.strip(), "access")
            if not user:
                self.count("jwt_rejected")
                return AuthResult(kind, error=(fail, TOKEN_INVALID_BODY))
        elif low == "api-token" and self.release.api_tokens:
            kind = "apitoken"
            user = self._api_token_user(value.strip()) if value.strip() else None
            if not user:
                self.count("apitoken_rejected")
                return AuthResult(kind, error=(fail, BAD_API_TOKEN_BODY))
        else:
            self.count("no_credentials")
            return AuthResult(error=(403, NO_CREDENTIALS_BODY))
        info = self.users[user]
        result = AuthResult(kind, user, info["role"])
        if info["role"] == "tenantadmin":
            result.tenant_id, result.tenant_name = info["tenant_id"], info.get("tenant_name")
        if tenant_header and self.release.tenant_header:
            tenant = self._find_tenant(tenant_header)
            if tenant is None:
                result.error = (403, {"detail": "Tenant %s does not exist" % tenant_header[:64],
                                      "code": "permission_denied"})
            elif info["role"] == "tenantadmin" and tenant["id"] != info["tenant_id"]:
                result.error = (403, DENIED_BODY)
            else:
                result.tenant_id, result.tenant_name = tenant["id"], tenant["name"]
        elif info["role"] == "tenantadmin" and self.cfg.tenant_admin_requires_header and self.release.tenant_header:
            result.error = (403, DENIED_BODY)
        return result

    def authorize(self, result, method, resource, action=None):
        """None if allowed, else (403, permission_denied body)."""
        if result.role == "tenantadmin" and resource not in self.allowed_for_tenant_admin:
            return 403, DENIED_BODY
        if method in ("GET", "HEAD", "OPTIONS"):
            return None
        if resource == "apitokens":
            return None  # own tokens: checked by create/revoke
        if result.role == "readonly":
            return 403, DENIED_BODY
        return None
