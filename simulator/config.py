"""Settings of one simulated cluster: scale profiles, release profiles and :class:`SimulatorConfig`.

Everything NOTES.md marks as GUESS or unknown is a field here, with the NOTES default, so a test can flip it.
"""
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

DEFAULT_NOW = "2026-11-01T12:00:00Z"
USERS = ("admin", "readonly", "tenantadmin")
# The VAST factory default for the admin account; the others are simulator inventions.
DEFAULT_PASSWORDS = {"admin": "123456", "readonly": "readonly-pw", "tenantadmin": "tenantadmin-pw"}


@dataclass(frozen=True)
class ScaleProfile:
    """How big the generated cluster is. Hardware counts, then logical object counts."""

    name: str
    racks: int
    cboxes: int
    cnodes_per_cbox: int
    dboxes: int
    leaf_pairs: int
    spines: int
    leaf_ports: int
    eboxes: int          # used instead of cboxes/dboxes when ebox=True
    tenants: int
    viewpolicies: int
    views: int
    quotas: int
    userquotas: int
    snapshots: int
    events: int
    alarms: int
    vippools: int
    s3policies: int
    qospolicies: int
    replication_peers: int
    lazy: bool = False   # bulk resources generated on demand (memory stays flat)

    @property
    def switches(self):
        return self.leaf_pairs * 2 + self.spines


PROFILES = {
    "tiny": ScaleProfile("tiny", racks=1, cboxes=1, cnodes_per_cbox=4, dboxes=1, leaf_pairs=1, spines=0,
                         leaf_ports=32, eboxes=4, tenants=2, viewpolicies=4, views=12, quotas=6, userquotas=4,
                         snapshots=20, events=300, alarms=4, vippools=2, s3policies=2, qospolicies=1,
                         replication_peers=1),
    "small": ScaleProfile("small", racks=1, cboxes=2, cnodes_per_cbox=4, dboxes=2, leaf_pairs=1, spines=0,
                          leaf_ports=32, eboxes=8, tenants=23, viewpolicies=126, views=329, quotas=400,
                          userquotas=120, snapshots=600, events=5000, alarms=12, vippools=6, s3policies=6,
                          qospolicies=3, replication_peers=2),
    "medium": ScaleProfile("medium", racks=3, cboxes=6, cnodes_per_cbox=4, dboxes=8, leaf_pairs=2, spines=0,
                           leaf_ports=32, eboxes=24, tenants=40, viewpolicies=200, views=2000, quotas=5000,
                           userquotas=1000, snapshots=3000, events=20000, alarms=30, vippools=8, s3policies=12,
                           qospolicies=6, replication_peers=2),
    "large": ScaleProfile("large", racks=10, cboxes=28, cnodes_per_cbox=4, dboxes=56, leaf_pairs=7, spines=2,
                          leaf_ports=64, eboxes=120, tenants=100, viewpolicies=500, views=20000, quotas=50000,
                          userquotas=10000, snapshots=20000, events=100000, alarms=80, vippools=12,
                          s3policies=30, qospolicies=10, replication_peers=3),
    "huge": ScaleProfile("huge", racks=10, cboxes=28, cnodes_per_cbox=4, dboxes=56, leaf_pairs=7, spines=2,
                         leaf_ports=64, eboxes=120, tenants=200, viewpolicies=1000, views=60000, quotas=120000,
                         userquotas=30000, snapshots=60000, events=400000, alarms=120, vippools=12,
                         s3policies=40, qospolicies=10, replication_peers=3, lazy=True),
}

# Highest API version per release. 4.6-5.2 from the old Terraform provider table (NOTES 1.2); 5.3 serves v7
# (PDR observed a 200 on /api/v7/ from a 5.3.1 cluster); 5.4 and later: GUESS v7 (a setting: max_api_version).
RELEASE_MAX_API = {(4, 6): 2, (4, 7): 3, (5, 0): 4, (5, 1): 5, (5, 2): 5, (5, 3): 7, (5, 4): 7}
KNOWN_RELEASES = ("4.7", "5.0", "5.1", "5.2", "5.3", "5.4")
# Default patch level per release when only "major.minor" is given.
DEFAULT_PATCH = {"4.7": "4.7.0", "5.0": "5.0.0", "5.1": "5.1.0", "5.2": "5.2.0", "5.3": "5.3.1", "5.4": "5.4.0"}


@dataclass(frozen=True)
class Release:
    """What an emulated VAST release serves. Derived from the version string by :func:`release_for`."""

    version: str                 # as given, e.g. "5.3.1" or "5.10.0"
    numbers: tuple               # (5, 3, 1)
    max_api_version: int
    api_tokens: bool             # /apitokens/ and "Authorization: Api-Token" (5.3+)
    tenant_header: bool          # X-Tenant-Name honoured (5.3+)
    psnt: bool                   # clusters[0].psnt (5.3+)
    oas55: bool                  # 5.4+: OAS55 extras (/health/, /tlscertificates/, extra fields)
    self_link_slash: bool        # "url" self links end in "/" (older releases, KB3) or not (5.3.1, PDR-S)

    @property
    def key(self):
        return "%d.%d" % self.numbers[:2]

    def at_least(self, *nums):
        return tuple(self.numbers[: len(nums)]) >= tuple(nums)


def parse_version(text):
    """Leading dot-separated integers of a VAST version ("5.3.1-sp3" -> (5, 3, 1)); never string-compared."""
    nums = []
    for part in re.split(r"[.]", str(text).split("-")[0].split("+")[0]):
        if not part.isdigit():
            break
        nums.append(int(part))
    if len(nums) < 2:
        raise ValueError("not a VAST version: %r (expected e.g. 5.3.1)" % (text,))
    return tuple(nums)


def release_for(version, max_api_version=None):
    """Feature set of a release. Unknown later releases (5.10, 6.0) behave like the newest known one."""
    nums = parse_version(version)
    if len(nums) < 3:
        version = DEFAULT_PATCH.get("%d.%d" % nums[:2], "%d.%d.0" % nums[:2])
        nums = parse_version(version)
    mm = nums[:2]
    if max_api_version is None:
        if mm in RELEASE_MAX_API:
            max_api_version = RELEASE_MAX_API[mm]
        elif mm > (5, 4):
            max_api_version = 7
        elif mm < (4, 6):
            max_api_version = 1
        else:  # between known entries: the highest known release below it
            max_api_version = max(v for k, v in RELEASE_MAX_API.items() if k <= mm)
    return Release(version=str(version), numbers=nums, max_api_version=int(max_api_version),
                   api_tokens=mm >= (5, 3), tenant_header=mm >= (5, 3), psnt=mm >= (5, 3), oas55=mm >= (5, 4),
                   self_link_slash=mm < (5, 3))


def _default_quirks():
    # Off = a clean API, on = the real-world behaviour of NOTES section 6. Defaults follow reality.
    return {
        "network_settings_wrapper": True,   # /vms/1/network_settings/ answers {"data": {...}}
        "rack_unit": True,                  # boxes carry rack_unit "U<n>" and index_in_rack null
        "single_object_lists": [],          # resources whose one-element list comes back as a bare object
        "mixed_case_port_states": False,    # switch ports "up"/"down" (Ethernet) and "Active" (IB) styles
        "long_build_segment": True,         # 5-part sw_version with a 20-digit last segment
        "strict_trailing_slash": False,     # GET without trailing slash -> 301 (Django APPEND_SLASH guess)
        "route_on_host": None,              # a Host value other than this -> 404 like the nginx vhost issue
    }


@dataclass
class SimulatorConfig:
    """All settings of one simulator. Every field has a default; see simulator/README.md for each."""

    host: str = "127.0.0.1"
    port: int = 0
    profile: str = "small"
    vast_version: str = "5.3.1"
    seed: int = 7
    ebox: bool = False
    plain_http: bool = False
    extra_hosts: List[str] = field(default_factory=list)   # more certificate SANs
    cert_dir: Optional[str] = None                         # where ca.pem/server.pem go (default: a temp dir)
    now: str = DEFAULT_NOW                                 # reference "now" of the generated data
    cluster_name: Optional[str] = None                     # default: invented from the seed
    lazy: Optional[bool] = None                            # bulk resources on demand (default: per profile)

    # users and auth
    passwords: Dict[str, str] = field(default_factory=dict)  # overrides DEFAULT_PASSWORDS per user
    tenant_admin_tenant: Optional[str] = None             # tenant of "tenantadmin" (default: 2nd tenant)
    access_token_lifetime: float = 3600.0                 # seconds (KB2 default 1 h)
    refresh_token_lifetime: float = 86400.0               # seconds (KB2 default 1 day)
    refresh_rotation: bool = True                         # refresh answers a new refresh token
    blacklist_after_rotation: bool = True                 # GUESS: the old refresh token is then unusable
    max_api_tokens_per_user: int = 5
    auth_failure_status: int = 403                        # resource calls with bad/expired credentials
    jwt_enabled: bool = True                              # False: /api/token/ answers 404
    basic_enabled: bool = True
    tenant_admin_requires_header: bool = False            # GUESS
    tenant_admin_allowed: Optional[List[str]] = None      # resources a tenant admin may use (GUESS, see auth.py)
    clock: Optional[Callable[[], float]] = None           # time source for token expiry (default time.time)

    # routing and lists
    max_api_version: Optional[int] = None                 # default from the release table
    unknown_version_status: int = 404                     # 0 = permissive: serve any vN
    eboxes_on_4x: str = "empty"                           # "empty" or "404"
    max_page_size: Optional[int] = None                   # unknown on real clusters: no cap by default
    page_without_size: str = "array"                      # "array" (GUESS) or "envelope" (page size 50)
    quirks: Dict[str, Any] = field(default_factory=_default_quirks)

    # state
    state: Optional[Any] = None                           # overrides dict (see README) or path of a JSON file
    scenarios: List[str] = field(default_factory=list)

    # faults and speed
    faults: List[Dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    max_concurrent: Optional[int] = None                  # admission limit: 429 above this many in flight
    socket_timeout: float = 30.0                          # idle keep-alive / stuck client timeout per connection
    request_queue_size: int = 1024
    cache_bytes: int = 256 * 1024 * 1024                  # serialised-body cache budget

    # log
    log_path: Optional[str] = None
    log_max: int = 200000                                 # entries kept in memory
    log_admin: bool = False                               # also log /_sim/ calls (flagged "admin": true)
    ready_file: Optional[str] = None

    def __post_init__(self):
        if self.profile not in PROFILES:
            raise ValueError("unknown profile %r (choose from %s)" % (self.profile, ", ".join(PROFILES)))
        quirks = _default_quirks()
        quirks.update(self.quirks or {})
        self.quirks = quirks
        self.release  # validates the version early

    @property
    def release(self):
        return release_for(self.vast_version, self.max_api_version)

    @property
    def scale(self):
        return PROFILES[self.profile]

    def password(self, user):
        return self.passwords.get(user, DEFAULT_PASSWORDS.get(user))

    def users(self):
        return {u: self.password(u) for u in USERS}

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def generation_key(self):
        """The settings the generated data depends on (used to share one generated cluster between sims)."""
        return (self.profile, self.seed, self.ebox, self.vast_version, self.max_api_version, self.now,
                self.cluster_name, self.tenant_admin_tenant, self.quirks.get("rack_unit"),
                self.quirks.get("long_build_segment"), self.quirks.get("mixed_case_port_states"),
                self.max_api_tokens_per_user, self.access_token_lifetime, self.refresh_token_lifetime, self.lazy)
