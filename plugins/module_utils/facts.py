# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``vast_facts`` gathers: identity, versions, capabilities and counts, cheaply.

* identity and versions come from the session's own detection (no extra request);
* capabilities: every resource of the compatibility matrix, ``{"available": bool, "reason": str|None,
  "probed": bool}``.  The release check needs no request; resources counted below are also *probed*
  (a 404 makes them unavailable);
* counts: for every list resource of the requested subsets, one ``GET <list>/?page_size=1``: the envelope's
  ``count`` is the total (a cluster that answers a bare list is counted by its length).  Requests run in
  parallel.  Object resources (capacity, health, network_settings, pwd_settings) are not counted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue
from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import NotFound, VastError
from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import split_page
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import is_fatal
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import COLLECTION_VERSION


def countable(subsets):
    """Names of the list resources of *subsets* (each once, in catalogue order)."""
    seen = []
    for entry in catalogue.entries_for(subsets):
        if entry.resource.kind == "list" and entry.name not in seen:
            seen.append(entry.name)
    return seen


def _count(session, name):
    path = session.resource_path(name)
    params = dict(MATRIX[name].params)
    params["page_size"] = 1
    try:
        body = session.get(path, params)
    except NotFound as exc:
        return False, "the cluster answered 404 for %s: endpoint not served" % (exc.url or path), None
    page = split_page(body)
    count = page.count if page.count is not None else len(page.records)
    return True, None, count


def gather(session, subsets):
    """The facts dict (``vast_cluster``, ``vast_versions``, ``vast_capabilities``, ``vast_counts``) and warnings."""
    warnings = []
    capabilities = collections.OrderedDict()
    for name in sorted(MATRIX):
        available, reason = session.availability(name)
        capabilities[name] = {"available": bool(available), "reason": reason, "probed": False}
    names = [n for n in countable(subsets) if capabilities[n]["available"]]
    tasks = collections.OrderedDict((n, (lambda n=n: _count(session, n))) for n in names)
    outcomes = session.run_parallel(tasks) if tasks else {}
    counts = collections.OrderedDict()
    for name in names:
        ok, value = outcomes[name]
        if not ok:
            if isinstance(value, VastError) and is_fatal(value):
                raise value
            message = value.msg if isinstance(value, VastError) else str(value)
            capabilities[name].update(reason="could not be counted: %s" % message, probed=True)
            warnings.append("%s could not be counted: %s" % (name, message))
            continue
        available, reason, count = value
        capabilities[name].update(available=available, reason=reason, probed=True)
        if available:
            counts[name] = count
    cluster = session.cluster or {}
    version = session.sw_version
    facts = {
        "vast_cluster": {
            "id": cluster.get("id"), "guid": cluster.get("guid"), "name": cluster.get("name"),
            "psnt": cluster.get("psnt"), "state": cluster.get("state"), "host": session.params.netloc,
        },
        "vast_versions": {
            "sw_version": version.raw if version else None,
            "release": version.short if version else None,
            "major_minor": version.major_minor if version else None,
            "build": cluster.get("build"),
            "api_version": session.api_version,
            "collection_version": COLLECTION_VERSION,
        },
        "vast_capabilities": capabilities,
        "vast_counts": counts,
        "vast_auth": {"method": session.auth_method, "tenant": session.params.tenant},
    }
    return facts, warnings
