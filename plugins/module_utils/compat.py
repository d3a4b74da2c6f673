# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compatibility matrix, kept as data: which path serves each logical resource on which release.

Each entry of ``MATRIX`` is a :class:`Resource`:

``name``          logical name used by the collector (``session.iter_resource("views")``)
``paths``         ((min_release, path), ...) relative to ``/api/<version>/``; the last entry whose release the
                  cluster has reached wins (lets a path change between releases without code changes)
``kind``          ``list`` (a collection), ``object`` (one JSON object, e.g. capacity, health) or ``subresource``
                  (an object under a parent id, e.g. ``vms/{vms_id}/network_settings/``)
``min_release``   oldest release that serves it; below it the resource is unavailable without a request
``pages``         whether ``page_size`` is sent (the answer becomes a paged envelope); small lists are read whole
``envelope``      key the object is wrapped in (``network_settings`` answers ``{"data": {...}}``)
``parent``        for subresources: (parent resource, placeholder) - the first parent's id fills the path
``params``        fixed query parameters (``capacity`` needs ``path=/``)
``aliases``       field name -> canonical name (``sn`` -> ``serial_number``); :func:`canonical_record` applies it
``secret_fields`` fields that must never leave the session's caller (dropped by :func:`redact_record`)
``accept_status`` non-2xx statuses that still carry the answer (``health`` answers 503 when unhealthy)

A 404 on a path the matrix expects marks the resource unavailable with the reason, which is not an empty list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import parse_version

BASE_RELEASE = "4.7"

#: Aliases shared by every resource: real clusters name the same thing differently (NOTES section 6).
COMMON_ALIASES = {
    "sn": "serial_number",
    "sys_version": "sw_version",
}

#: Fields that are secret wherever they appear.
COMMON_SECRET_FIELDS = ("password", "bindpw", "md5_password", "private_key", "secret_key", "token", "aws_s3_sk",
                        "cloud_api_key", "proxy_password", "decoded_access_key", "access_key", "license_key")


class Resource:
    """One row of the compatibility matrix (see the module docstring)."""

    __slots__ = ("name", "paths", "kind", "min_release", "max_release", "pages", "envelope", "parent", "params",
                 "aliases", "secret_fields", "accept_status", "description")

    def __init__(self, name, path=None, kind="list", min_release=BASE_RELEASE, pages=True, envelope=None,
                 parent=None, params=None, aliases=None, secret_fields=(), accept_status=(), paths=None,
                 max_release=None, description=""):
        self.name = name
        self.paths = tuple(paths) if paths else ((min_release, path or name + "/"),)
        self.kind = kind
        self.min_release = min_release
        self.max_release = max_release
        self.pages = pages and kind == "list"
        self.envelope = envelope
        self.parent = parent
        self.params = dict(params or {})
        merged = dict(COMMON_ALIASES)
        merged.update(aliases or {})
        self.aliases = merged
        self.secret_fields = tuple(COMMON_SECRET_FIELDS) + tuple(secret_fields)
        self.accept_status = tuple(accept_status)
        self.description = description

    def path_for(self, version=None):
        """The path on a cluster running *version* (VastVersion or string; None = the oldest form)."""
        chosen = self.paths[0][1]
        parsed = parse_version(version) if isinstance(version, str) else version
        for release, path in self.paths:
            if parsed is None or parsed.release_at_least(release):
                chosen = path
        return chosen

    def availability(self, version):
        """(available, reason) for a cluster running *version*, without any request."""
        parsed = parse_version(version) if isinstance(version, str) else version
        if parsed is None:
            return True, None
        if not parsed.release_at_least(self.min_release):
            return False, "needs VAST %s or later; the cluster runs %s" % (self.min_release, parsed.short)
        if self.max_release and parsed.release_at_least(self.max_release):
            return False, "removed in VAST %s; the cluster runs %s" % (self.max_release, parsed.short)
        return True, None

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__)

    def __repr__(self):
        return "Resource(%r, %r)" % (self.name, self.paths[-1][1])


_R = Resource

MATRIX_LIST = (
    # --- cluster and management
    _R("clusters", pages=False, description="the cluster (a list of one)"),
    _R("vms", pages=False, description="the VMS (a list of one)"),
    _R("network_settings", "vms/{vms_id}/network_settings/", kind="subresource", envelope="data",
       parent=("vms", "vms_id"), description="DNS, NTP, management VIPs, MTUs, hosts"),
    _R("pwd_settings", "vms/{vms_id}/pwd_settings/", kind="subresource", parent=("vms", "vms_id"),
       description="VMS password policy (lockout, complexity, expiry)"),
    _R("versions", pages=False, description="upgrade history (not the API version)"),
    _R("licenses", pages=False),
    _R("capacity", kind="object", params={"path": "/"}, description="capacity by directory"),
    # --- hardware
    _R("racks", pages=False),
    _R("cboxes"),
    _R("cnodes"),
    _R("dboxes"),
    _R("dnodes"),
    _R("eboxes", description="EBox enclosures; an empty list on clusters without EBoxes"),
    _R("dtrays"),
    _R("ssds"),
    _R("nvrams"),
    _R("psus"),
    _R("fans"),
    _R("nics"),
    _R("nicports"),
    _R("switches", secret_fields=("username",)),
    _R("ports"),
    # --- network
    _R("vippools"),
    _R("vips"),
    _R("dns", pages=False, description="VAST's built-in DNS server (resolvers are in network_settings)"),
    _R("bgpconfigs"),
    _R("subnetmanager", pages=False),
    # --- logical
    _R("views"),
    _R("viewpolicies"),
    _R("tenants"),
    _R("quotas"),
    _R("userquotas"),
    _R("qospolicies"),
    _R("s3policies"),
    # --- security and identity
    _R("activedirectory", pages=False),
    _R("ldaps", pages=False),
    _R("nis", pages=False),
    _R("certificates"),
    _R("tlscertificates", min_release="5.4", description="OAS55-era TLS certificates"),
    _R("encryptiongroups"),
    _R("managers"),
    _R("roles"),
    _R("realms"),
    _R("apitokens", min_release="5.3", description="API tokens (never the secret)"),
    # --- data protection
    _R("protectionpolicies"),
    _R("snapshotpolicies"),
    _R("protectedpaths"),
    _R("snapshots"),
    _R("nativereplicationremotetargets", secret_fields=("peer_certificate",)),
    _R("replicationtargets"),
    _R("replicationstreams"),
    _R("globalsnapstreams"),
    # --- monitoring, licensing, support
    _R("alarms"),
    _R("events"),
    _R("eventdefinitionconfigs", pages=False, secret_fields=("smtp_password",)),
    _R("callhomeconfigs", pages=False),
    _R("supportbundles"),
    _R("monitors"),
    _R("health", kind="object", min_release="5.4", accept_status=(503,),
       description="VMS health; answers 503 when its status is error"),
)

MATRIX = dict((r.name, r) for r in MATRIX_LIST)


def get_resource(name):
    """The matrix entry for *name*; KeyError lists the known names."""
    try:
        return MATRIX[name]
    except KeyError:
        raise KeyError("unknown resource %r; known: %s" % (name, ", ".join(sorted(MATRIX))))


def canonical_record(resource, record):
    """A copy of *record* with aliased field names renamed to their canonical name.

    When both an alias and its canonical name are present the canonical value wins and the alias is dropped.
    """
    if not isinstance(record, dict):
        return record
    aliases = resource.aliases if isinstance(resource, Resource) else MATRIX[resource].aliases
    out = {}
    for key, value in record.items():
        canonical = aliases.get(key)
        if canonical is None:
            out[key] = value
        elif canonical not in record:
            out[canonical] = value
    return out


def redact_record(resource, record, marker=None):
    """A copy of *record* without its secret fields (or with them replaced by *marker* when given)."""
    if not isinstance(record, dict):
        return record
    secret = resource.secret_fields if isinstance(resource, Resource) else MATRIX[resource].secret_fields
    out = {}
    for key, value in record.items():
        if key in secret:
            if marker is not None and value not in (None, ""):
                out[key] = marker
            continue
        out[key] = value
    return out
