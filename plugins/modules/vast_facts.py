#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_facts
short_description: Set facts about a VAST Data cluster (identity, versions, capabilities, counts)
version_added: 0.1.0
description:
  - Sets C(ansible_facts) about a VAST cluster for use in C(when) conditions and templates; cheap enough to run at
    the start of every play.
  - C(vast_cluster) (identity), C(vast_versions) (software and API versions), C(vast_capabilities) (which resources
    this cluster serves, and why not), C(vast_counts) (how many objects of each list resource) and C(vast_auth).
  - Identity and versions come from connecting (no extra request). Each counted resource costs one small request
    (C(page_size=1), since the answer carries the list's total), sent in parallel; this also proves the endpoint exists.
  - Only reads; C(changed) is always C(false).
author:
  - vastops.asbuilt contributors (@vastops)
options:
  gather_subset:
    description:
      - The subsets (as in M(vastops.asbuilt.vast_info)) whose list resources are probed and counted. V(all) counts
        every list resource; V(min) counts nothing beyond the identity (no request besides connecting);
        C(!name) excludes a subset.
      - Resources that are not counted are still in C(vast_capabilities), from the release check alone
        (C(probed=false)).
    type: list
    elements: str
    default: [all]
extends_documentation_fragment:
  - vastops.asbuilt.connection
  - vastops.asbuilt.attributes
  - vastops.asbuilt.attributes.FACTS
seealso:
  - module: vastops.asbuilt.vast_info
"""

EXAMPLES = r"""
- name: Gather facts about the cluster
  vastops.asbuilt.vast_facts:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"

- name: Say which release it runs and how many views it has
  ansible.builtin.debug:
    msg: "{{ vast_cluster.name }} runs {{ vast_versions.release }} with {{ vast_counts.views | default(0) }} views"

- name: Only where API tokens exist (VAST 5.3 and later)
  ansible.builtin.debug:
    msg: "{{ vast_counts.apitokens }} API tokens"
  when: vast_capabilities.apitokens.available

- name: Identity and versions only (no request beyond connecting)
  vastops.asbuilt.vast_facts:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"
    gather_subset: [min]
"""

RETURN = r"""
ansible_facts:
  description: Facts about the cluster.
  returned: always
  type: dict
  contains:
    vast_cluster:
      description: Identity of the cluster.
      returned: always
      type: dict
      sample: {"id": 1, "guid": "7984b77f-a63f-4566-bc01-d244ce0d6f1f", "name": "vast-lab-01", "psnt": "PSNT-7F3A21",
               "state": "ONLINE", "host": "vms.example.com"}
    vast_versions:
      description:
        - The software version (as reported, its release and major.minor), the build, the API version used and
          the version of this collection.
      returned: always
      type: dict
      sample: {"sw_version": "5.3.1.1.12345678901234567890", "release": "5.3.1", "major_minor": "5.3",
               "build": "release-5.3.1-sp3-1900000", "api_version": "v7", "collection_version": "0.1.0"}
    vast_capabilities:
      description:
        - Every resource of the compatibility matrix -> C(available) (bool), C(reason) (why not, or null) and
          C(probed) (true when a request confirmed it; false when only the release was checked).
      returned: always
      type: dict
      sample: {"apitokens": {"available": true, "reason": null, "probed": true},
               "health": {"available": false, "reason": "needs VAST 5.4 or later; the cluster runs 5.3.1", "probed": false}}
    vast_counts:
      description: Number of objects of each counted list resource (resource -> count). Events are all events.
      returned: always
      type: dict
      sample: {"cnodes": 8, "views": 329, "events": 5000}
    vast_auth:
      description: How the session authenticated (C(method)) and the tenant it was scoped to (C(tenant)).
      returned: always
      type: dict
      sample: {"method": "jwt", "tenant": null}
session:
  description: Statistics of the session (requests, retries, latency...), never secrets.
  returned: always
  type: dict
  sample: {"requests": 58, "retries": 0, "health": "ok"}
"""

from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import resolve_subsets
from ansible_collections.vastops.asbuilt.plugins.module_utils.facts import gather
from ansible_collections.vastops.asbuilt.plugins.module_utils.module import VastModule

ARGUMENT_SPEC = dict(
    gather_subset=dict(type="list", elements="str", default=["all"]),
)


def run(vast):
    subsets = resolve_subsets(vast.params["gather_subset"])
    session = vast.session()
    session.open()
    facts, warnings = gather(session, [s for s in subsets if s != "min"])
    for warning in warnings:
        vast.warn(warning)
    return dict(ansible_facts=facts, session=session.summary())


def main():
    vast = VastModule(ARGUMENT_SPEC)
    vast.run(run)


if __name__ == "__main__":
    main()
