#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_info
short_description: Read the configuration of a VAST Data cluster for as-built reports
version_added: 0.1.0
description:
  - Reads a VAST cluster's configuration through the VMS REST API, by subsets (hardware, network, logical, ...),
    and returns it normalised into one deterministic document, or streams it into a gzip JSON snapshot file with
    O(dest) for large clusters.
  - Only reads. The only requests sent are GETs and the JWT token calls; C(changed) is always C(false).
  - Output is deterministic. Records use the API's snake_case field names (aliases such as C(sn) become
    C(serial_number)), lose their secret fields and their C(url) self link (it names the host and API version
    used), have their keys sorted, and are sorted by C(id), then C(name). The same cluster state gives the same
    O(ignore:vast_info) byte for byte. Only C(collected_at) and the timing fields in C(meta) (C(elapsed_s),
    C(session)) change between runs.
  - Independent resources are read concurrently and long lists page in parallel (see O(max_concurrency)). No GET is
    sent twice in one run.
  - A resource the cluster does not serve (release too old, endpoint missing) is reported as unavailable, with the
    reason, in C(meta); a resource that fails is reported in C(meta.errors) and as a warning, and the rest is still
    collected, unless O(fail_on_error=true).
author:
  - vastops.asbuilt contributors (@vastops)
options:
  gather_subset:
    description:
      - What to read. A list of subset names; V(all) selects every subset; a name prefixed with C(!) excludes it
        (V(!monitoring)). With only exclusions, every other subset is read. An unknown name fails and lists the
        valid ones.
      - "V(min): the cluster and VMS identity and software versions (cheap)."
      - "V(cluster): clusters, vms, versions (upgrade history), licenses, capacity, health (VAST 5.4+)."
      - "V(hardware): racks, cboxes, cnodes, dboxes, dnodes, eboxes, dtrays, ssds, nvrams, psus, fans, nics, nicports."
      - "V(switches): switches, ports."
      - "V(network): network_settings (DNS, NTP, management VIPs, MTUs), vippools, vips, dns, bgpconfigs,
        subnetmanager."
      - "V(logical): views, viewpolicies, tenants, quotas, userquotas, qospolicies, s3policies."
      - "V(security): activedirectory, ldaps, nis, certificates, tlscertificates, encryptiongroups, managers, roles,
        realms, apitokens, vms (its security settings), pwd_settings."
      - "V(protection): protectionpolicies, snapshotpolicies, protectedpaths, snapshots,
        nativereplicationremotetargets, replicationtargets, replicationstreams, globalsnapstreams."
      - "V(monitoring): alarms, events (the newest: see O(events_max)), eventdefinitionconfigs, callhomeconfigs,
        supportbundles, monitors."
    type: list
    elements: str
    default: [min]
  fields:
    description:
      - Keep only some fields. Keys are a requested subset (every resource of it) or C(subset.resource) (wins over
        the subset key); values are lists of field names (canonical names, such as C(serial_number)). C(id) and
        C(name) are always kept.
      - For paged lists the projection is sent to the API too (less data on the wire).
      - A key for a subset that O(gather_subset) does not request fails the task.
    type: dict
  filters:
    description:
      - "API filters per resource, sent as query parameters. Keys are a resource name (in every requested subset
        that has it) or C(subset.resource); values are dictionaries of filters in the API's Django-filter syntax,
        for example C({tenant_id: 1}), C({name__startswith: prod}) or C({severity__in: [MAJOR, CRITICAL]}) (lists
        are sent comma-separated)."
      - For a time window of events, filter them, for example C(events) with C(timestamp__gte) set to an ISO date;
        O(events_max) still applies.
    type: dict
  max_records:
    description:
      - Page size used for the lists that page (C(page_size)), 1-10000. It is not a cap; every record is read.
      - Smaller pages mean more, smaller requests; larger pages fewer requests and more memory per page.
      - When not set, 1000, or 500 with O(dest) (the memory of a streamed collection grows with the pages decoded at
        once, about O(max_concurrency) of them).
    type: int
  events_max:
    description:
      - How many events V(monitoring) reads - the newest ones (by id), in as many pages as they need, read in
        parallel. V(0) reads every event (hundreds of thousands on a busy cluster).
      - A count rather than a time span needs no clock, and the same cluster state gives the same events.
        C(meta.resources["monitoring.events"]) gives the cluster's C(total) and whether the list was C(truncated).
    type: int
    default: 10000
  dest:
    description:
      - Stream the result into this gzip JSON snapshot file (schema 1, see the collection's docs) instead of
        returning it. Memory stays bounded however large the cluster; the module then returns the path, the counts,
        the checksum and C(meta), not O(ignore:vast_info).
      - Written atomically; records go into a temporary file in the same directory which is renamed over O(dest)
        only when complete, so an interrupted or failed run never leaves a partial file under this name.
      - The directory must exist and be writable. The file is created with mode C(0640), like every output file of
        the collection (the reports rendered from it hold the same configuration).
      - The file is written in check mode too (it is local output; the cluster is never changed).
    type: path
  resume:
    description:
      - With O(dest), keep each resource read in C(<dest>.parts/) so that an interrupted run can be run again and
        read only what is missing.
      - Parts are reused only when they belong to the same cluster (guid), software version, API version, tenant,
        user and request (subsets, fields, filters, O(events_max)), and only when they were read less than
        O(resume_max_age) seconds ago; otherwise they are discarded with a warning and read again.
      - A resource that failed is never taken from the parts; every run reads it again.
      - "When the parts are kept: a run that stops before the snapshot is written (killed, authentication refused,
        the cluster unreachable for good, the O(deadline), O(fail_on_error)) keeps them. A run that writes its
        snapshot - also when some resources failed, which C(meta.errors) lists - removes them, unless it was
        interrupted: some resource could not be read because the cluster gave no real answer (connection refused
        or dropped, a timeout, 429/502/503/504 after every retry); the next run then finishes just those. A
        resource the cluster answered with an error (permission denied, a 500, a malformed answer) does not keep
        the parts: it would most likely fail the same way again, so the next run reads everything afresh."
      - "The snapshot says what was resumed: C(meta.resumed) lists the C(subset.resource) keys taken from the
        parts, C(meta.resumed_from) is the earliest time they were read, and each C(meta.resources) item has
        C(read_at) (when it was read) and C(resumed: true) when it came from the parts."
    type: bool
    default: false
  resume_max_age:
    description:
      - With O(resume), the oldest parts (in seconds since they were read) that may be reused. Older parts are
        discarded, with a warning, and read again, so that a resource that keeps failing cannot freeze the rest of
        the data at an old state.
      - V(0) never reuses parts (every run reads everything).
    type: int
    default: 3600
  max_memory_mb:
    description:
      - Without O(dest), stop with a clear message (suggesting O(dest)) when the data held in memory would pass this
        many megabytes, instead of exhausting a small execution node. The estimate is five times the JSON size of the
        records read. V(0) disables the guard.
    type: int
    default: 512
  fail_on_error:
    description:
      - Fail the task when any resource cannot be read. By default such a resource is listed in C(meta.errors) and a
        warning, and the rest is collected. A resource the cluster does not serve (unavailable) never fails the task.
    type: bool
    default: false
extends_documentation_fragment:
  - vastops.asbuilt.connection
  - vastops.asbuilt.attributes
notes:
  - With O(dest) and O(resume), an interrupted run keeps the parts directory; run the same task again (within
    O(resume_max_age)) to finish. Only one run at a time may write the same O(dest) with O(resume); a second one
    fails at once, before connecting.
seealso:
  - module: vastops.asbuilt.vast_facts
  - module: vastops.asbuilt.vast_session
"""

EXAMPLES = r"""
- name: Read the identity of the cluster (the default subset, min)
  vastops.asbuilt.vast_info:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"
  register: vast

- name: Show the software version
  ansible.builtin.debug:
    msg: "{{ vast.meta.cluster.name }} runs {{ vast.meta.sw_version }}"

- name: Read hardware and network into memory, with the connection set once for the whole block
  module_defaults:
    group/vastops.asbuilt.vast:
      host: "{{ vast_host }}"
      username: "{{ vast_username }}"
      password: "{{ vast_password }}"
  block:
    - name: Read two subsets, keeping a few fields of the nodes
      vastops.asbuilt.vast_info:
        gather_subset: [hardware, network]
        fields:
          hardware.cnodes: [hostname, state, os_version]
      register: vast

    - name: List the CNodes that are not active
      ansible.builtin.debug:
        msg: "{{ vast.vast_info.hardware.cnodes | rejectattr('state', 'eq', 'ACTIVE') | map(attribute='name') | list }}"

- name: Stream everything but monitoring into a snapshot file (large clusters), resumable
  vastops.asbuilt.vast_info:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"
    gather_subset: [all, "!monitoring"]
    dest: "{{ snapshot_dir }}/snapshot.json.gz"
    resume: true
  register: snap

- name: Read the views of one tenant and the newest 500 major and critical events
  vastops.asbuilt.vast_info:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"
    gather_subset: [logical, monitoring]
    filters:
      views: {tenant_id: 1}
      events: {severity__in: [Major, Critical]}
    events_max: 500
    fail_on_error: true
"""

RETURN = r"""
schema_version:
  description: Version of the document's schema (see the collection's docs). Always C(1) for this release.
  type: int
  returned: always
  sample: 1
kind:
  description: What the document is.
  type: str
  returned: always
  sample: vastops.asbuilt.snapshot
collection_version:
  description: Version of the collection that collected the data.
  type: str
  returned: always
  sample: 0.1.0
collected_at:
  description: When the collection started (UTC, ISO 8601).
  type: str
  returned: always
  sample: "2026-12-03T16:30:00Z"
vast_info:
  description:
    - The data, by subset then resource. Every resource is a list of records (object resources, such as
      C(network_settings), are a list of one), sorted by C(id), then C(name).
    - A resource missing from its subset was not collected; C(meta.resources) says why (unavailable, error). An
      empty list means there are none.
  type: dict
  returned: when O(dest) is not set
  sample: {"min": {"clusters": [{"id": 1, "guid": "7984b77f-a63f-4566-bc01-d244ce0d6f1f", "name": "vast-lab-01",
           "psnt": "PSNT-7F3A21", "sw_version": "5.3.1.1.12345678901234567890"}]}}
  contains:
    min:
      description: "Cheap identity: the cluster and VMS names, guid, PSNT, state and software versions (2 small
        requests at most; the cluster record is usually already read while connecting)."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        clusters:
          description: "Identity of the cluster (id, guid, name, psnt, sw_version, build, state, mgmt_vip, ip): a
            list of one."
          type: list
          elements: dict
        vms:
          description: "Identity of VMS (id, guid, name, sw_version, build, state, mgmt_vip, mgmt_cnode, ssl_port):
            a list of one."
          type: list
          elements: dict
    cluster:
      description: "The cluster and VMS objects, software upgrade history, licences, capacity by top-level
        directory, and VMS health (VAST 5.4+)."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        clusters:
          description: "The cluster object with every field (state, RAID states, capacity figures, encryption,
            versions): a list of one."
          type: list
          elements: dict
        vms:
          description: "The VMS object (management addresses, certificate, session settings, licence totals): a list
            of one."
          type: list
          elements: dict
        versions:
          description: "Software upgrade history (not the API version)."
          type: list
          elements: dict
        licenses:
          description: "Licences (state, capacity, dates); never the licence key."
          type: list
          elements: dict
        capacity:
          description: "Capacity by top-level directory (C(capacity/?path=/)): a list of one object; C(details)
            sorted by path."
          type: list
          elements: dict
        health:
          description: "VMS health (VAST 5.4 and later; unavailable before): a list of one."
          type: list
          elements: dict
    hardware:
      description: "Racks, boxes (CBox, DBox, EBox), nodes, drive trays, SSDs, NVRAMs, PSUs, fans, NICs and NIC
        ports."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        racks:
          description: "Racks."
          type: list
          elements: dict
        cboxes:
          description: "CBoxes."
          type: list
          elements: dict
        cnodes:
          description: "CNodes (versions, state, addresses, position)."
          type: list
          elements: dict
        dboxes:
          description: "DBoxes."
          type: list
          elements: dict
        dnodes:
          description: "DNodes."
          type: list
          elements: dict
        eboxes:
          description: "EBoxes (empty on clusters without them)."
          type: list
          elements: dict
        dtrays:
          description: "Drive trays."
          type: list
          elements: dict
        ssds:
          description: "SSDs."
          type: list
          elements: dict
        nvrams:
          description: "NVRAMs (SCM drives)."
          type: list
          elements: dict
        psus:
          description: "Power supplies."
          type: list
          elements: dict
        fans:
          description: "Fans."
          type: list
          elements: dict
        nics:
          description: "NICs."
          type: list
          elements: dict
        nicports:
          description: "NIC ports of the nodes."
          type: list
          elements: dict
    switches:
      description: "Switches and their ports."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        switches:
          description: "Switches (model, firmware, management address; never credentials)."
          type: list
          elements: dict
        ports:
          description: "Switch ports."
          type: list
          elements: dict
    network:
      description: "Network settings (DNS, NTP, management VIPs, gateways, MTUs, hosts), VIP pools, VIPs, the built-
        in DNS server, BGP configurations and the InfiniBand subnet manager."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        network_settings:
          description: "Cluster-wide network settings (DNS and NTP servers, management VIPs, gateways, MTUs, hosts):
            a list of one."
          type: list
          elements: dict
        vippools:
          description: "VIP pools."
          type: list
          elements: dict
        vips:
          description: "VIPs."
          type: list
          elements: dict
        dns:
          description: "The built-in DNS server (the resolvers are in network_settings)."
          type: list
          elements: dict
        bgpconfigs:
          description: "BGP configurations."
          type: list
          elements: dict
        subnetmanager:
          description: "InfiniBand subnet manager."
          type: list
          elements: dict
    logical:
      description: "Views, view policies, tenants, directory quotas, user quotas, QoS policies and S3 policies."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        views:
          description: "Views."
          type: list
          elements: dict
        viewpolicies:
          description: "View policies."
          type: list
          elements: dict
        tenants:
          description: "Tenants."
          type: list
          elements: dict
        quotas:
          description: "Directory quotas."
          type: list
          elements: dict
        userquotas:
          description: "User and group quotas."
          type: list
          elements: dict
        qospolicies:
          description: "QoS policies."
          type: list
          elements: dict
        s3policies:
          description: "S3 policies."
          type: list
          elements: dict
    security:
      description: "Active Directory, LDAP, NIS, certificates, encryption groups, VMS managers, roles, realms, API
        tokens (never their secret) and the VMS security settings (TLS, session lifetimes, password policy)."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        activedirectory:
          description: "Active Directory providers (never the bind password)."
          type: list
          elements: dict
        ldaps:
          description: "LDAP providers (never the bind password)."
          type: list
          elements: dict
        nis:
          description: "NIS providers."
          type: list
          elements: dict
        certificates:
          description: "Certificates (never private keys)."
          type: list
          elements: dict
        tlscertificates:
          description: "TLS certificates (VAST 5.4 and later)."
          type: list
          elements: dict
        encryptiongroups:
          description: "Encryption groups."
          type: list
          elements: dict
        managers:
          description: "VMS managers (administrators; never passwords)."
          type: list
          elements: dict
        roles:
          description: "VMS roles."
          type: list
          elements: dict
        realms:
          description: "Realms."
          type: list
          elements: dict
        apitokens:
          description: "API tokens (VAST 5.3 and later): id, owner, dates, state; never the secret."
          type: list
          elements: dict
        vms:
          description: "The VMS security settings (minimum TLS version, session and token lifetimes, API token
            limit, banner): a list of one."
          type: list
          elements: dict
        pwd_settings:
          description: "The VMS password policy (lockout, complexity, expiry): a list of one."
          type: list
          elements: dict
    protection:
      description: "Protection and snapshot policies, protected paths, snapshots, replication peers and targets,
        replication streams and global snapshot streams."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        protectionpolicies:
          description: "Protection policies."
          type: list
          elements: dict
        snapshotpolicies:
          description: "Snapshot policies (legacy)."
          type: list
          elements: dict
        protectedpaths:
          description: "Protected paths."
          type: list
          elements: dict
        snapshots:
          description: "Snapshots."
          type: list
          elements: dict
        nativereplicationremotetargets:
          description: "Native replication peers."
          type: list
          elements: dict
        replicationtargets:
          description: "S3 replication targets."
          type: list
          elements: dict
        replicationstreams:
          description: "Replication streams."
          type: list
          elements: dict
        globalsnapstreams:
          description: "Global snapshot streams."
          type: list
          elements: dict
    monitoring:
      description: "Alarms, the most recent events (the newest 10,000 by default), event routing (syslog, SMTP),
        call-home, support bundles and monitors."
      type: dict
      returned: when selected by O(gather_subset)
      contains:
        alarms:
          description: "Alarms."
          type: list
          elements: dict
        events:
          description: "The newest O(events_max) events, sorted by id."
          type: list
          elements: dict
        eventdefinitionconfigs:
          description: "Event routing (syslog, SMTP; never the SMTP password)."
          type: list
          elements: dict
        callhomeconfigs:
          description: "Call-home settings (never keys or proxy passwords)."
          type: list
          elements: dict
        supportbundles:
          description: "Support bundles."
          type: list
          elements: dict
        monitors:
          description: "Monitors (definitions only, not their data)."
          type: list
          elements: dict
meta:
  description: How the data was collected.
  type: dict
  returned: always
  contains:
    host:
      description: The host name (and port) used.
      type: str
      sample: vms.example.com
    cluster:
      description: Identity of the cluster (id, guid, name, psnt).
      type: dict
      sample: {"id": 1, "guid": "7984b77f-a63f-4566-bc01-d244ce0d6f1f", "name": "vast-lab-01", "psnt": "PSNT-7F3A21"}
    api_version:
      description: The API version used (the highest the cluster serves, unless O(api_version) is set).
      type: str
      sample: v7
    sw_version:
      description: The cluster's software version, as the cluster reports it.
      type: str
      sample: 5.3.1.1.12345678901234567890
    release:
      description: The release (major.minor.patch) of O(ignore:meta.sw_version).
      type: str
      sample: 5.3.1
    auth_method:
      description: How the session authenticated (jwt, basic, api_token, bearer).
      type: str
      sample: jwt
    tenant:
      description: The tenant the view was scoped to (O(tenant)), or null.
      type: str
      sample: null
    subsets_requested:
      description: The subsets O(gather_subset) resolved to, in catalogue order.
      type: list
      elements: str
      sample: [min, cluster, hardware]
    subsets_collected:
      description: The requested subsets none of whose resources failed (unavailable resources do not count).
      type: list
      elements: str
      sample: [min, cluster, hardware]
    gather_subset:
      description: O(gather_subset) as given.
      type: list
      elements: str
      sample: [all, "!monitoring"]
    resources:
      description:
        - One entry per requested C(subset.resource) with C(status) (C(ok), C(unavailable) or C(error)), C(path),
          C(cost) (cheap, paged, heavy), C(read_at) (when it was read, UTC), and C(count) and C(sha256) (of its
          records) when ok, or C(reason).
        - C(resumed) is C(true) for the resources taken from the parts of an earlier run (O(resume)); their
          C(read_at) is when that run read them.
        - For C(monitoring.events) also C(total) (how many the cluster holds) and C(truncated) (O(events_max) cut
          the list).
      type: dict
      sample: {"cluster.health": {"status": "unavailable", "reason": "needs VAST 5.4 or later", "path": "health/",
               "cost": "cheap", "read_at": "2026-12-03T16:30:00Z"},
               "hardware.cnodes": {"status": "ok", "count": 8, "path": "cnodes/", "cost": "paged",
                                   "sha256": "3f0a...", "read_at": "2026-12-03T15:58:12Z", "resumed": true}}
    unavailable:
      description: The resources the cluster does not serve, with the reason (C(subset.resource) -> reason).
      type: dict
      sample: {"cluster.health": "needs VAST 5.4 or later; the cluster runs 5.3.1"}
    errors:
      description: The resources that failed (C(subset.resource) -> C(msg), C(status), C(url), C(error)).
      type: dict
      sample: {"logical.views": {"msg": "...", "status": 503, "url": "https://vms.example.com/api/v7/views/",
               "error": "ApiError"}}
    counts:
      description: Number of records per collected resource (subset -> resource -> count).
      type: dict
      sample: {"hardware": {"cnodes": 8, "dnodes": 4}}
    vast_info_sha256:
      description:
        - Digest of the whole O(ignore:vast_info) (sha256 over the sorted C(subset.resource sha256) lines); equal
          for equal data, so two collections can be compared without reading them.
      type: str
      sample: 9b0e52a1c3d4...
    options:
      description: The effective O(fields), O(filters), page size and O(events_max).
      type: dict
      sample: {"events_max": 10000, "fields": {}, "filters": {}, "page_size": 1000}
    resumed:
      description: The C(subset.resource) keys taken from the parts of an earlier interrupted run (O(resume)), sorted.
      type: list
      elements: str
      sample: []
    resumed_from:
      description: The earliest C(read_at) of the resumed resources (UTC), or null when nothing was resumed.
      type: str
      sample: null
    warnings:
      description: Warnings of the collection (also shown as Ansible warnings).
      type: list
      elements: str
      sample: []
    elapsed_s:
      description: Seconds the collection took (a timing field).
      type: float
      sample: 1.2
    session:
      description:
        - Statistics of the session (timing fields), never secrets; requests (by status, method and path),
          pages, retries, token logins and refreshes, bytes, latency percentiles, cache hits, peak memory,
          concurrency, degraded and failed resources, and the identity.
      type: dict
      sample: {"requests": 63, "retries": 0, "pages": 55, "token_refreshes": 0, "health": "ok"}
dest:
  description: The absolute path of the snapshot file written.
  type: str
  returned: when O(dest) is set
  sample: /var/tmp/vast/snapshot.json.gz
sha256:
  description: SHA-256 of the snapshot file.
  type: str
  returned: when O(dest) is set
  sample: 03deff131d145917950599abefc434d46ac521f810e48816904d54898f9061a3
size_bytes:
  description: Size of the snapshot file in bytes.
  type: int
  returned: when O(dest) is set
  sample: 271133
counts:
  description: Number of records per collected resource (the same as C(meta.counts)).
  type: dict
  returned: when O(dest) is set
  sample: {"hardware": {"cnodes": 8, "dnodes": 4}}
parts:
  description: The parts directory kept for a later O(resume) because some resources could not be read for want
    of an answer from the cluster (see O(resume)).
  type: str
  returned: when O(dest) and O(resume) are set and the run was interrupted
  sample: /var/tmp/vast/snapshot.json.gz.parts
"""

from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import EVENTS_MAX
from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import (
    DEFAULT_MAX_MEMORY_MB, DEFAULT_RESUME_MAX_AGE, Collector, check_destination,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.module import VastModule

ARGUMENT_SPEC = dict(
    gather_subset=dict(type="list", elements="str", default=["min"]),
    fields=dict(type="dict"),
    filters=dict(type="dict"),
    max_records=dict(type="int"),
    events_max=dict(type="int", default=EVENTS_MAX),
    dest=dict(type="path"),
    resume=dict(type="bool", default=False),
    resume_max_age=dict(type="int", default=DEFAULT_RESUME_MAX_AGE),
    max_memory_mb=dict(type="int", default=DEFAULT_MAX_MEMORY_MB),
    fail_on_error=dict(type="bool", default=False),
)


def collect(vast):
    params = vast.params
    if params["max_memory_mb"] < 0:
        vast.fail("max_memory_mb must be 0 (no guard) or a positive number of megabytes, got %d"
                  % params["max_memory_mb"])
    if params["resume"] and not params["dest"]:
        vast.fail("resume needs dest: parts are kept next to the snapshot file.")
    if params["resume_max_age"] < 0:
        vast.fail("resume_max_age must be 0 (never reuse parts) or a number of seconds, got %d"
                  % params["resume_max_age"])
    if params["dest"]:
        check_destination(params["dest"])
    session = vast.session()
    # The options are checked before connecting, so a mistake costs no request.
    collector = Collector(session, gather_subset=params["gather_subset"], fields=params["fields"],
                          filters=params["filters"], page_size=params["max_records"],
                          events_max=params["events_max"], max_memory_mb=params["max_memory_mb"],
                          fail_on_error=params["fail_on_error"])
    if params["dest"]:
        # the parts directory is locked before connecting: a second run on the same dest fails at once
        store = Collector.open_store(params["dest"], resume=params["resume"],
                                     resume_max_age=params["resume_max_age"])
        try:
            session.open()
        except BaseException:
            store.abandon()
            raise
        result = collector.collect_to_file(params["dest"], store=store)
    else:
        session.open()
        result = collector.collect()
    for warning in collector.warnings:
        vast.warn(warning)
    return dict(result)


def main():
    vast = VastModule(ARGUMENT_SPEC)
    vast.run(collect)


if __name__ == "__main__":
    main()
