# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the as-built roles: what to collect (asbuilt_subsets.yml), where a cluster's runs go
(cluster_dir_name.yml), the argument specifications of the roles (role_argument_spec.yml) and the checks of the
values those specifications cannot express (asbuilt_variable_errors.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import dir_name
from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import SUBSETS, SubsetError, resolve_subsets
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import (
    RuleConfigError, check_rule_ids, resolve_thresholds, resources_needed,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import (
    SectionConfigError, normalise_levels, resources_for_sections,
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


def asbuilt_variable_errors(variables):
    """One message per wrong value among the role variables that an argument specification can only type-check
    (the keys and levels of a sections dict, subset names, rule ids, threshold names and values). *variables*
    maps the variable's name to its value; the kind of check follows from the name, and a None value (a variable
    of a role the play does not run) is not checked. A ``*_sections`` value equal to ``asbuilt_sections`` (the
    default of ``collect_sections`` and ``report_sections``) is reported once, under ``asbuilt_sections``, the
    name the user set. Never raises: the playbooks fail with the messages before the first request to a cluster."""
    errors = []
    variables = variables or {}
    shared = variables.get("asbuilt_sections")
    for name in sorted(variables, key=lambda n: (n != "asbuilt_sections", n)):
        value = variables[name]
        if value is None or (name != "asbuilt_sections" and name.endswith("_sections") and shared is not None
                             and value == shared):
            continue
        try:
            if name.endswith("_sections"):
                if value is not None and not isinstance(value, dict):
                    raise SectionConfigError("must be a dictionary of section name to detail level 0-3, got %r"
                                             % (value,))
                normalise_levels(value or {})
            elif name == "collect_subsets":
                if value:
                    resolve_subsets(list(value) if isinstance(value, (list, tuple)) else value)
            elif name == "collect_extra_subsets":
                unknown = [str(v) for v in (value or []) if str(v) not in SUBSETS]
                if unknown:
                    raise SubsetError("unknown subset%s %s; valid: %s" % (
                        "s" if len(unknown) > 1 else "", ", ".join(repr(u) for u in unknown), ", ".join(SUBSETS)))
            elif name.endswith("_disabled_rules"):
                check_rule_ids([str(v) for v in (value or [])])
            elif name.endswith("_thresholds"):
                if value is not None and not isinstance(value, dict):
                    raise RuleConfigError("must be a dictionary of threshold name to value, got %r" % (value,))
                resolve_thresholds(value or {})
            else:
                raise AnsibleFilterError("asbuilt_variable_errors: no check for variable %r" % name)
        except (SectionConfigError, SubsetError, RuleConfigError) as exc:
            text = str(exc)
            if text.startswith("gather_subset"):           # resolve_subsets names its module option
                text = text[len("gather_subset"):].lstrip(": ")
            errors.append("%s: %s" % (name, text))
    return errors


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
        return {"asbuilt_subsets": asbuilt_subsets, "asbuilt_variable_errors": asbuilt_variable_errors,
                "cluster_dir_name": cluster_dir_name, "role_argument_spec": role_argument_spec}
