# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a session finds which API version and which software version its cluster runs.

:class:`VersionDetector` sends the requests: ``GET /api/vN/clusters/`` probes in waves of :data:`PROBE_WAVE`,
highest N first (or the configured ``api_version``), a sentinel probe for servers that accept any version, the
un-versioned ``/api/clusters/`` as the last resort; then the software version from that clusters answer, or from
``vms/``, then ``versions/?status=success``.  :func:`while_probing` puts what the session was doing in front of a
probe's error.  Parsing, the supported range and the choice rules are pure functions in versions.py; session.py
builds the detector in ``open()`` and keeps what it finds.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    AuthenticationError, NotFound, OptionError, PermissionDenied, ProtocolError, VastError,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import split_page
from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import (
    MAX_PROBED_API_VERSION, SENTINEL_API_VERSION, parse_version, probe_candidates, probing_context,
    software_version_from,
)

PROBE_WAVE = 4


def while_probing(exc, tried):
    """*exc*, raised by a version probe, with what the session was doing in front of its message (the probe URLs,
    /api/v10/clusters/ on a v7 cluster, look odd without it). Refused credentials keep their own message."""
    if not isinstance(exc, AuthenticationError) and not exc.msg.startswith("While finding the API version"):
        exc.msg = "%s: %s" % (probing_context(tried), exc.msg)
        exc.args = (exc.msg,)
    return exc


class VersionDetector:
    """Detects the versions of one cluster with a session's parts: *params* (ConnectionParams), *transport*
    (sends the probes), *memo* (keeps the winning clusters answer, so it is not read twice), *tasks* (the
    WorkerPool that runs a wave of probes in parallel) and *stats* (detection info and warnings)."""

    def __init__(self, params, transport, memo, tasks, stats):
        self.params = params
        self.transport = transport
        self.memo = memo
        self.tasks = tasks
        self.stats = stats

    def probe(self, version):
        """(True, body) when /api/<version>/clusters/ answers, (None, None) when forbidden, (False, None) on 404."""
        path = "/api/%s/clusters/" % version
        try:
            answer = self.transport.request("GET", path)
        except NotFound:
            return False, None
        except PermissionDenied:
            return None, None
        page = split_page(answer.data)
        if not page.records or not isinstance(page.records[0], dict):
            if isinstance(answer.data, list) and not answer.data:
                return True, answer.data
            raise ProtocolError("%s answered, but not with a list of clusters: the host does not look like VMS."
                                % path, url=answer.url, status=answer.status)
        self.memo.put((path, ()), answer.data, answer.nbytes)
        return True, answer.data

    def probe_unversioned(self):
        answer = self.transport.request("GET", "/api/clusters/")
        self.memo.put(("/api/clusters/", ()), answer.data, answer.nbytes)
        return True, answer.data

    def detect_api_version(self):
        """Return (api_version, api_prefix, the clusters answer or None)."""
        wanted = self.params.api_version
        if wanted not in (None, "auto"):
            ok, body = self.probe(wanted)
            if ok is False:
                raise OptionError("api_version", "%s is not served by this cluster (%s answered 404 for "
                                                 "/api/%s/clusters/)" % (wanted, self.params.netloc, wanted),
                                  hint="Use api_version=auto to detect the highest version the cluster serves.")
            return self._set_api(wanted, "configured") + (body,)
        candidates = probe_candidates(MAX_PROBED_API_VERSION)
        chosen, body = None, None
        # Waves of PROBE_WAVE versions, highest first, each wave in parallel: current releases (v7) are found in
        # one round trip of 4 requests; older ones take a second wave.
        for start in range(0, len(candidates), PROBE_WAVE):
            wave = candidates[start:start + PROBE_WAVE]
            futures = collections.OrderedDict((v, self.tasks.submit(self.probe, v)) for v in wave)
            try:
                for version, future in futures.items():
                    try:
                        ok, data = future.result()
                    except VastError as exc:
                        raise while_probing(exc, candidates[:start + len(wave)])
                    if ok is not False:
                        chosen, body = version, data
                        break
            finally:
                for future in futures.values():
                    future.cancel()
            if chosen is not None:
                break
        if chosen == candidates[0]:
            sentinel = "v%d" % SENTINEL_API_VERSION
            ok, data = self.probe(sentinel)
            if ok is not False:
                self.stats.warn("The cluster answers any API version (even %s); using latest." % sentinel)
                return self._set_api("latest", "permissive server") + (body,)
        if chosen is None:
            try:
                ok, body = self.probe_unversioned()
            except NotFound:
                ok = False
            if ok is False:
                raise ProtocolError(
                    "%s does not look like a VAST VMS: /api/vN/clusters/ answered 404 for every N from v%d to v1, "
                    "and /api/clusters/ too." % (self.params.netloc, MAX_PROBED_API_VERSION),
                    url=self.params.base_url + "/api/", hint="Check that host is the VMS management address.")
            return self._set_api(None, "un-versioned /api/ only") + (body,)
        return self._set_api(chosen, "probed") + (body,)

    def _set_api(self, version, how):
        """(api_version, api_prefix) for *version* (None: the un-versioned /api/), recorded in stats."""
        # the host answered the clusters probe like a VMS: from now on an odd error answer is the cluster's
        self.transport.vms_confirmed = True
        api_version = version or "unversioned"
        api_prefix = "/api/%s" % version if version else "/api"
        self.stats.set_info(api_version=api_version, api_version_detection=how)
        return api_version, api_prefix

    def detect_software_version(self, clusters, get):
        """Return (sw_version or None, the field it came from, the cluster's identity dict or None).

        *clusters* is the answer of the API probe; *get* the session's ``get`` (relative paths, so the API version
        must be known), used for ``vms/`` and ``versions/`` when the clusters answer does not say."""
        vms = versions = None
        cluster = None
        raw, source = software_version_from(clusters=clusters)
        if raw is None:
            for name in ("vms", "versions"):
                try:
                    body = get("vms/" if name == "vms" else "versions/",
                               None if name == "vms" else {"status": "success"})
                except (NotFound, PermissionDenied):
                    continue
                if name == "vms":
                    vms = body
                else:
                    versions = body
                raw, source = software_version_from(clusters=clusters, vms=vms, versions=versions)
                if raw is not None:
                    break
        sw_version = parse_version(raw)
        records = split_page(clusters).records if clusters else []
        first = records[0] if records else None
        if isinstance(first, dict):
            keys = ("id", "guid", "name", "sw_version", "build", "psnt", "state")
            cluster = dict((k, first.get(k)) for k in keys if k in first)
        if sw_version is None:
            self.stats.warn("Could not read the cluster's software version (clusters, vms and versions did not say).")
        return sw_version, source, cluster
