# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collector's catalogue, kept as data: which resources each ``gather_subset`` reads.

``SUBSETS`` maps a subset name to a :class:`Subset` (description and an ordered tuple of :class:`Entry`).  An
entry names a resource of the compatibility matrix (``compat.MATRIX``) and says:

``keep``        the fields worth keeping (a tuple), or None for every field the cluster sends.  ``id`` and
                ``name`` are always kept (records are sorted by them).  Heavy resources keep every field on
                purpose: the report, the health checks and drift use most of them.
``normaliser``  the name of a function in ``normalise.NORMALISERS`` applied to every record
``cost``        ``cheap`` (one small request), ``paged`` (a list read in pages) or ``heavy`` (a list that grows
                with the cluster: thousands to hundreds of thousands of records).  Heavy reads are started first.
``newest``      only for ``events``: read the newest N records only (see :data:`EVENTS_MAX`)
``params``      fixed query parameters (on top of the matrix's own)

A resource may appear in several subsets (``clusters`` in ``min`` and ``cluster``); the collector reads it once
per run and projects each subset's copy locally.

Subset selection follows Ansible's ``gather_subset`` conventions: ``all`` (every subset), ``min``, names, and
``!name`` exclusions (``[all, '!monitoring']``).  Unknown names fail with the list of valid ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX

#: How many events ``monitoring`` reads by default: the newest 10,000 (by id; the list is newest first, NOTES 8).
#: A count, not a time window: it needs no clock (ours or the cluster's), reads exactly ceil(N / page size)
#: pages in parallel, and the same cluster state gives the same events.  ``events_max=0`` reads them all; a
#: ``timestamp__gte`` filter gives a time window instead.
EVENTS_MAX = 10000

COSTS = ("cheap", "paged", "heavy")


class Entry:
    """One resource of one subset (see the module docstring)."""

    __slots__ = ("subset", "name", "keep", "normaliser", "cost", "newest", "params", "description")

    def __init__(self, subset, name, keep=None, normaliser="default", cost="paged", newest=None, params=None,
                 description=""):
        if name not in MATRIX:
            raise ValueError("catalogue entry %s.%s is not in the compatibility matrix" % (subset, name))
        if cost not in COSTS:
            raise ValueError("catalogue entry %s.%s: unknown cost %r" % (subset, name, cost))
        self.subset = subset
        self.name = name
        self.keep = tuple(keep) if keep else None
        self.normaliser = normaliser
        self.cost = cost
        self.newest = newest
        self.params = dict(params or {})
        self.description = description

    @property
    def key(self):
        """``<subset>.<resource>``: the name used in ``meta`` and in part files."""
        return "%s.%s" % (self.subset, self.name)

    @property
    def resource(self):
        """The compatibility-matrix row."""
        return MATRIX[self.name]

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__)

    def __repr__(self):
        return "Entry(%r)" % self.key


class Subset:
    """A named group of entries."""

    __slots__ = ("name", "description", "entries")

    def __init__(self, name, description, entries):
        self.name = name
        self.description = description
        self.entries = tuple(Entry(name, *e[:1], **e[1]) if isinstance(e, tuple) else Entry(name, e)
                             for e in entries)

    @property
    def resources(self):
        return tuple(e.name for e in self.entries)

    def entry(self, name):
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(name)


def _e(name, **kwargs):
    return (name, kwargs)


#: Identity fields kept by ``min``.
CLUSTER_IDENTITY = ("id", "guid", "name", "psnt", "sw_version", "build", "state", "mgmt_vip", "ip")
VMS_IDENTITY = ("id", "guid", "name", "sw_version", "build", "state", "mgmt_vip", "mgmt_cnode", "ssl_port")
#: The VMS settings that matter for security (on the ``vms`` object).
VMS_SECURITY = ("id", "name", "min_tls_version", "ssl_port", "auto_logout_timeout", "access_token_lifetime",
                "refresh_token_lifetime", "max_api_tokens_per_user", "min_pwd_length", "login_banner",
                "disable_mgmt_ha", "ipv6_support", "enable_idle_timeout")

_SUBSETS = (
    ("min", "Cheap identity: the cluster and VMS names, guid, PSNT, state and software versions (2 small requests "
            "at most; the cluster record is usually already read while connecting).",
     (_e("clusters", keep=CLUSTER_IDENTITY, cost="cheap"),
      _e("vms", keep=VMS_IDENTITY, cost="cheap"))),
    ("cluster", "The cluster and VMS objects, software upgrade history, licences, capacity by top-level "
                "directory, and VMS health (VAST 5.4+).",
     (_e("clusters", cost="cheap"),
      _e("vms", cost="cheap"),
      _e("versions", cost="cheap"),
      _e("licenses", cost="cheap"),
      _e("capacity", normaliser="capacity", cost="cheap"),
      _e("health", cost="cheap"))),
    ("hardware", "Racks, boxes (CBox, DBox, EBox), nodes, drive trays, SSDs, NVRAMs, PSUs, fans, NICs and NIC ports.",
     (_e("racks", cost="cheap"),
      _e("cboxes"),
      _e("cnodes"),
      _e("dboxes"),
      _e("dnodes"),
      _e("eboxes"),
      _e("dtrays"),
      _e("ssds"),
      _e("nvrams"),
      _e("psus"),
      _e("fans"),
      _e("nics"),
      _e("nicports"))),
    ("switches", "Switches and their ports.",
     (_e("switches"),
      _e("ports"))),
    ("network", "Network settings (DNS, NTP, management VIPs, gateways, MTUs, hosts), VIP pools, VIPs, the "
                "built-in DNS server, BGP configurations and the InfiniBand subnet manager.",
     (_e("network_settings", cost="cheap"),
      _e("vippools"),
      _e("vips"),
      _e("dns", cost="cheap"),
      _e("bgpconfigs"),
      _e("subnetmanager", cost="cheap"))),
    ("logical", "Views, view policies, tenants, directory quotas, user quotas, QoS policies and S3 policies.",
     (_e("views", cost="heavy"),
      _e("viewpolicies", cost="heavy"),
      _e("tenants"),
      _e("quotas", cost="heavy"),
      _e("userquotas", cost="heavy"),
      _e("qospolicies"),
      _e("s3policies"))),
    ("security", "Active Directory, LDAP, NIS, certificates, encryption groups, VMS managers, roles, realms, API "
                 "tokens (never their secret) and the VMS security settings (TLS, session lifetimes, password "
                 "policy).",
     (_e("activedirectory", cost="cheap"),
      _e("ldaps", cost="cheap"),
      _e("nis", cost="cheap"),
      _e("certificates"),
      _e("tlscertificates"),
      _e("encryptiongroups"),
      _e("managers"),
      _e("roles"),
      _e("realms"),
      _e("apitokens"),
      _e("vms", keep=VMS_SECURITY, cost="cheap"),
      _e("pwd_settings", cost="cheap"))),
    ("protection", "Protection and snapshot policies, protected paths, snapshots, replication peers and targets, "
                   "replication streams and global snapshot streams.",
     (_e("protectionpolicies"),
      _e("snapshotpolicies"),
      _e("protectedpaths"),
      _e("snapshots", cost="heavy"),
      _e("nativereplicationremotetargets"),
      _e("replicationtargets"),
      _e("replicationstreams"),
      _e("globalsnapstreams"))),
    ("monitoring", "Alarms, the most recent events (the newest 10,000 by default), event routing (syslog, SMTP), "
                   "call-home, support bundles and monitors.",
     (_e("alarms"),
      _e("events", cost="heavy", newest=EVENTS_MAX),
      _e("eventdefinitionconfigs", cost="cheap"),
      _e("callhomeconfigs", cost="cheap"),
      _e("supportbundles"),
      _e("monitors"))),
)

SUBSETS = collections.OrderedDict(
    (name, Subset(name, description, entries))
    for name, description, entries in _SUBSETS)

#: Every subset name, in catalogue order (``all`` and ``min`` are handled by :func:`resolve_subsets`).
SUBSET_NAMES = tuple(SUBSETS)
#: What ``all`` means: every subset.
ALL = SUBSET_NAMES
#: What the modules document as ``gather_subset`` choices (with their ``!`` forms accepted too).
CHOICES = ("all",) + SUBSET_NAMES


class SubsetError(ValueError):
    """A bad ``gather_subset``, ``fields`` or ``filters`` value (the message names the valid choices)."""


def resolve_subsets(requested):
    """The subsets to read, in catalogue order, from a ``gather_subset`` list.

    ``all`` adds every subset; a name adds it; ``!name`` removes it.  Exclusions win over inclusions whatever
    the order.  Only exclusions (``['!monitoring']``) mean every other subset.  ``!all`` removes everything but
    ``min``; when nothing is left, ``min`` is read (as with Ansible's facts) unless ``!min`` was given, which is
    an error.  An empty list means ``min``.  Unknown names raise :class:`SubsetError` listing the valid ones.
    """
    if requested is None:
        requested = ["min"]
    if isinstance(requested, str):
        requested = [p.strip() for p in requested.split(",") if p.strip()]
    include, exclude, unknown = set(), set(), []
    min_excluded = False
    for item in requested:
        text = str(item).strip()
        negate = text.startswith("!")
        name = text[1:].strip() if negate else text
        if name == "all":
            # ``!all`` excludes everything but ``min`` (as with Ansible's facts); ``!min`` excludes that too
            names = set(SUBSET_NAMES) - (set(["min"]) if negate else set())
        elif name in SUBSETS:
            names = set([name])
            min_excluded = min_excluded or (negate and name == "min")
        else:
            unknown.append(text)
            continue
        (exclude if negate else include).update(names)
    if unknown:
        raise SubsetError("gather_subset: unknown subset%s %s; valid: %s (each may be negated with '!')" % (
            "s" if len(unknown) > 1 else "", ", ".join(repr(u) for u in unknown), ", ".join(CHOICES)))
    if include:
        chosen = include - exclude
    else:
        # only exclusions: every other subset (``['!monitoring']`` reads all the rest, as Ansible's facts do)
        chosen = set(SUBSET_NAMES) - exclude if exclude else set()
    if not chosen:
        if min_excluded:
            raise SubsetError("gather_subset %s selects nothing; valid: %s" % (list(requested), ", ".join(CHOICES)))
        chosen = set(["min"])
    return [name for name in SUBSET_NAMES if name in chosen]


def entries_for(subsets):
    """The entries of *subsets* (names), in catalogue order."""
    out = []
    for name in subsets:
        out.extend(SUBSETS[name].entries)
    return out


def describe():
    """The catalogue as plain data (for docs, tests and ``vast_facts``)."""
    return collections.OrderedDict(
        (name, collections.OrderedDict((
            ("description", subset.description),
            ("resources", collections.OrderedDict(
                (e.name, {"cost": e.cost, "keep": list(e.keep) if e.keep else "all", "normaliser": e.normaliser,
                          "path": e.resource.paths[-1][1], "newest": e.newest})
                for e in subset.entries)))))
        for name, subset in SUBSETS.items())
