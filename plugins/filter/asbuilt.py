# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the as-built roles: what to collect (asbuilt_subsets.yml), where a cluster's runs go
(cluster_dir_name.yml) and the argument specifications of the roles (role_argument_spec.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import dir_name
from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import SUBSETS
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import RuleConfigError, resources_needed
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import (
    SectionConfigError, resources_for_sections,
)


def subset_of(resource):
    """The first subset (catalogue order, ``min`` last) that reads *resource* with every field."""
    for name, subset in SUBSETS.items():
        if name != "min" and resource in subset.resources:
            return name
    return "min" if resource in SUBSETS["min"].resources else None


def asbuilt_subsets(sections, report=True, healthcheck=True, disabled_rules=None, extra=None):
    """The vast_info gather_subset list for a report with these section levels and the enabled health rules."""
    try:
        needed = set(resources_for_sections(sections or {})) if report else set()
        if healthcheck:
            needed.update(resources_needed(disabled_rules or []))
    except (SectionConfigError, RuleConfigError) as exc:
        raise AnsibleFilterError(str(exc))
    chosen = set(subset_of(r) for r in needed) - set([None])
    for name in extra or []:
        if str(name) not in SUBSETS:
            raise AnsibleFilterError("unknown subset %r; valid: %s" % (name, ", ".join(SUBSETS)))
        chosen.add(str(name))
    return [name for name in SUBSETS if name in chosen] or ["min"]


def cluster_dir_name(name):
    """The directory name of a cluster's runs (readable, never hidden, distinct names never collide)."""
    return dir_name(name)


ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")


def role_argument_spec(roles):
    """The options of every entry point of these roles of the collection (``main`` first), merged into one
    argument specification for ansible.builtin.validate_argument_spec: a playbook checks every role variable
    before the first role reads the cluster."""
    import yaml
    if isinstance(roles, string_types):
        roles = [roles]
    merged = {}
    for role in roles or []:
        role = str(role).rsplit(".", 1)[-1]
        path = os.path.join(ROLES_DIR, role, "meta", "argument_specs.yml")
        try:
            with open(path) as handle:
                specs = (yaml.safe_load(handle) or {}).get("argument_specs") or {}
        except (IOError, OSError, yaml.YAMLError) as exc:
            raise AnsibleFilterError("cannot read the argument specification of role %s: %s" % (role, exc))
        for entry in sorted(specs, key=lambda name: (name != "main", name)):
            for name, spec in ((specs[entry] or {}).get("options") or {}).items():
                merged.setdefault(name, spec)
    return merged


class FilterModule(object):
    def filters(self):
        return {"asbuilt_subsets": asbuilt_subsets, "cluster_dir_name": cluster_dir_name,
                "role_argument_spec": role_argument_spec}
