# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The connection options of every vastops.asbuilt module (argument spec: module_utils/options.py)."""

    DOCUMENTATION = r"""
options:
  host:
    description:
      - Management address of the VAST cluster (the VMS VIP or host name), optionally with C(:port), for example
        C(vms.example.com), C(10.0.0.5:8443) or C([fd00::5]:443). An C(https://) prefix is accepted; any other
        scheme, a path, or user information is rejected before any request.
      - One address, as a string (a list is refused). The string options of this collection refuse lists,
        dictionaries and booleans instead of turning them into text.
      - Required. If not set, the value of the E(VAST_HOST) environment variable is used.
    type: str
  port:
    description:
      - HTTPS port of VMS. Defaults to 443, or the port given in O(host). Must be 1-65535 and agree with O(host).
      - If not set, the value of the E(VAST_PORT) environment variable is used.
    type: int
  username:
    description:
      - VMS user to log in as; a read-only role over all realms is enough.
      - Needs O(password). Cannot be combined with O(api_token).
      - If not set, the value of the E(VAST_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username). With O(auth_method=auto) it is exchanged for JWT tokens (HTTP Basic when the
        cluster has no token endpoint).
      - One trailing line break (C(\n) or C(\r\n)) is dropped, as a vault typed as "password, Enter, Ctrl-D"
        holds one; any other line break is refused.
      - If not set, the value of the E(VAST_PASSWORD) environment variable is used.
    type: str
  api_token:
    description:
      - "A VMS API token (VAST 5.3 and later), sent as C(Authorization: Api-Token <token>). Use the secret shown
        when the token was created, not its id."
      - Mutually exclusive with O(username)/O(password) and with O(access_token)/O(refresh_token).
      - One trailing line break is dropped, as for O(password).
      - If not set, the value of the E(VAST_API_TOKEN) environment variable is used.
    type: str
  access_token:
    description:
      - A JWT access token obtained earlier, typically returned by M(vastops.asbuilt.vast_session), so the task
        does not log in again. Renewed with O(refresh_token) (or a new login when O(password) is given) when it
        expires.
      - If not set, the value of the E(VAST_ACCESS_TOKEN) environment variable is used.
    type: str
  refresh_token:
    description:
      - The JWT refresh token that goes with O(access_token).
      - If not set, the value of the E(VAST_REFRESH_TOKEN) environment variable is used.
    type: str
  token_file:
    description:
      - File in which the JWT tokens are kept between tasks (written with mode 0600, atomically, after each login
        and refresh; reused when it belongs to the same host and user; removed when
        M(vastops.asbuilt.vast_session) logs out). Without it tokens exist only in memory.
      - If not set, the value of the E(VAST_TOKEN_FILE) environment variable is used.
    type: path
  auth_method:
    description:
      - How O(username)/O(password) authenticate. V(auto) uses JWT and falls back to HTTP Basic when the cluster
        has no token endpoint; V(jwt) insists on JWT; V(basic) sends Basic authentication with every request.
      - If not set, the value of the E(VAST_AUTH_METHOD) environment variable is used.
    type: str
    choices: [auto, jwt, basic]
    default: auto
  validate_certs:
    description:
      - Verify the VMS TLS certificate. Keep it on; trust a private CA with O(ca_path) instead of turning this off.
      - If not set, the value of the E(VAST_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or directory) of the CA certificates that signed the VMS certificate.
      - If not set, the value of the E(VAST_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for a connection, for the answer to start, and for a whole answer to arrive.
      - If not set, the value of the E(VAST_TIMEOUT) environment variable is used.
    type: float
    default: 30.0
  api_version:
    description:
      - VMS API version to use, for example V(v7). V(auto) probes the cluster and uses the highest version it
        serves; V(latest) uses the cluster's C(latest) alias.
      - If not set, the value of the E(VAST_API_VERSION) environment variable is used.
    type: str
    default: auto
  tenant:
    description:
      - Tenant name sent as C(X-Tenant-Name) to scope the view to one tenant (VAST 5.3 and later; an error on older
        releases).
      - Checked while connecting, with one request; a tenant the cluster does not know fails the task naming this
        option.
      - If not set, the value of the E(VAST_TENANT) environment variable is used.
    type: str
  retries:
    description:
      - How many times a read (and a token call) is retried after a connection error, a dropped connection, a
        timeout, malformed JSON, or a 429, 502, 503 or 504 answer. 0-20.
      - "When the cluster stops answering in the middle of a run (three attempts in a row without any answer, as
        during a VMS failover to another CNode), requests do not use up their retries: they wait while one probe
        at a time (every O(backoff) seconds at first, then at most every 5 seconds) watches for the cluster, and
        go on when it answers. They wait for up to O(retries) x O(backoff_max) seconds (150 with the defaults, and
        never past O(deadline)); then the task fails. While connecting, a host that does not answer fails after at
        most 2 retries."
      - If not set, the value of the E(VAST_RETRIES) environment variable is used.
    type: int
    default: 5
  backoff:
    description:
      - Base of the exponential backoff between retries, in seconds (full jitter; a C(Retry-After) header wins).
      - If not set, the value of the E(VAST_BACKOFF) environment variable is used.
    type: float
    default: 0.5
  backoff_max:
    description:
      - Longest wait between two retries, in seconds. O(retries) x O(backoff_max) is also how long a cluster that
        stopped answering is waited for (see O(retries)).
      - If not set, the value of the E(VAST_BACKOFF_MAX) environment variable is used.
    type: float
    default: 30.0
  max_concurrency:
    description:
      - Most requests in flight at once (1-64). Concurrency adapts below it, halving on 429, 503 and timeouts
        and growing back while the cluster answers well.
      - If not set, the value of the E(VAST_MAX_CONCURRENCY) environment variable is used.
    type: int
    default: 8
  deadline:
    description:
      - Overall time limit of the task in seconds (retries and waits included); V(0) means none.
      - If not set, the value of the E(VAST_DEADLINE) environment variable is used.
    type: float
    default: 3600.0
  cache_dir:
    description:
      - Directory (created with mode 0700) for an on-disk cache of answers, keyed by cluster and software
        version, for resumed collections and offline re-rendering. No disk cache when not set.
      - If not set, the value of the E(VAST_CACHE_DIR) environment variable is used.
    type: path
  cache_ttl:
    description:
      - Seconds an on-disk cache entry stays valid; V(0) keeps entries until they are removed.
      - If not set, the value of the E(VAST_CACHE_TTL) environment variable is used.
    type: int
    default: 3600
  audit_log:
    description:
      - File to which every request is appended as a JSON line (time, method, path, status, latency); never
        bodies, query strings, headers or secrets. Created with mode 0600.
      - If not set, the value of the E(VAST_AUDIT_LOG) environment variable is used.
    type: path
  allow_newer_version:
    description:
      - Try clusters running a VAST release at or above the first unsupported one (6.0) instead of failing.
        Releases newer than the newest tested one (5.4) but below 6.0 only cause a warning.
      - If not set, the value of the E(VAST_ALLOW_NEWER_VERSION) environment variable is used.
    type: bool
    default: false
notes:
  - The modules only read; the only requests they send are GETs and the JWT token calls.
  - "Passwords and tokens are never logged, returned or put in messages. Mark tasks that return tokens
    (M(vastops.asbuilt.vast_session)) with C(no_log: true)."
requirements:
  - requests >= 2.28
  - packaging >= 21.0
"""
