# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the as-built roles: what to collect (asbuilt_subsets.yml), where a cluster's runs go
(cluster_dir_name.yml), the argument specifications of the roles (role_argument_spec.yml) and the checks of the
values those specifications cannot express (asbuilt_variable_errors.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import dir_name
from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import os_error_text
from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import SUBSETS, SubsetError, resolve_subsets
from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import MAX_PAGE_SIZE
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import OptionError
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import (
    MAX_CONCURRENCY_LIMIT, MAX_RETRIES_LIMIT, connection_argument_spec, convert_option, holds_pem_certificate,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import (
    RuleConfigError, check_rule_ids, resolve_thresholds, resources_needed,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.report import MAX_LOGO_BYTES, logo_data_uri
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_style import valid_colour
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import (
    SectionConfigError, normalise_levels, resources_for_sections,
)


def subset_of(resource):
    """The first subset (catalogue order, ``min`` last) that reads *resource* with every field."""
    for name, subset in SUBSETS.items():
        if name != "min" and resource in subset.resources:
            return name
    return "min" if resource in SUBSETS["min"].resources else None


def asbuilt_list(value):
    """A list variable as a list: a plain string is split at commas (``"a, b"`` -> ``["a", "b"]``, blanks
    dropped), as ansible-core does for a module's list option; None and ``""`` give ``[]``; a list stays as it is.
    So ``-e healthcheck_disabled_rules=VAST-MON-001`` is one rule id, never a list of letters."""
    if value is None:
        return []
    if isinstance(value, string_types):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


def _check_subset_names(names):
    """SubsetError naming the unknown subsets among *names* (and the valid ones)."""
    unknown = [str(n) for n in asbuilt_list(names) if str(n) not in SUBSETS]
    if unknown:
        raise SubsetError("unknown subset%s %s; valid: %s" % (
            "s" if len(unknown) > 1 else "", ", ".join(repr(u) for u in unknown), ", ".join(SUBSETS)))


def asbuilt_subsets(sections, report=True, healthcheck=True, disabled_rules=None, extra=None):
    """The vast_info gather_subset list for a report with these section levels and the enabled health rules."""
    disabled_rules, extra = asbuilt_list(disabled_rules), asbuilt_list(extra)
    try:
        needed = set(resources_for_sections(sections or {})) if report else set()
        if healthcheck:
            needed.update(resources_needed(disabled_rules))
        _check_subset_names(extra)
    except (SectionConfigError, RuleConfigError, SubsetError) as exc:
        raise AnsibleFilterError(str(exc))
    chosen = set(subset_of(r) for r in needed) - set([None])
    chosen.update(str(name) for name in extra)
    return [name for name in SUBSETS if name in chosen] or ["min"]


def _check_sections(value):
    if not isinstance(value, dict):
        raise SectionConfigError("must be a dictionary of section name to detail level 0-3, got %r" % (value,))
    normalise_levels(value)


def _check_gather_subset(value):
    if not value:
        return
    try:
        resolve_subsets(asbuilt_list(value))
    except SubsetError as exc:
        text = str(exc)
        if text.startswith("gather_subset"):            # resolve_subsets names its module option
            text = text[len("gather_subset"):].lstrip(": ")
        raise SubsetError(text)


def _check_thresholds(value):
    if not isinstance(value, dict):
        raise RuleConfigError("must be a dictionary of threshold name to value, got %r" % (value,))
    resolve_thresholds(value)


def _check_rows(value):
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(str(value)) < 1:
        raise ValueError("must be a whole number of rows, at least 1, got %r" % (value,))


def _whole_number(what, least, most=None):
    """A check of a whole number of *what* in [least, most] (the roles pass it to a module option as an int)."""
    def check(value):
        text = str(value).strip()
        number = int(text) if not isinstance(value, bool) and re.match(r"^[+-]?\d+$", text) else None
        if number is None or number < least or (most is not None and number > most):
            raise ValueError("must be %s, got %r" % (what, value))
    return check


_CONNECTION = connection_argument_spec()


def _check_connection_value(option, value):
    """A ``vast_<option>`` variable the playbooks pass to every module: its type, as the modules would check it
    (a secret is never repeated in the message)."""
    spec = _CONNECTION[option]
    if value in ("", None):
        return
    number = convert_option(option, spec["type"], value, secret=bool(spec.get("no_log")))
    if spec.get("choices") and str(value) not in spec["choices"]:
        raise ValueError("must be one of %s, got %r" % (", ".join(spec["choices"]), value))
    limits = _CONNECTION_RANGES.get(option)
    if limits and not (limits[0] <= number and (limits[1] is None or number <= limits[1])) or (
            option == "timeout" and number <= 0):
        raise ValueError("must be %s, got %r" % (limits[2], value))
    if option == "api_version" and not re.match(r"^(auto|latest|v?\d{1,3})$", str(value).strip(), re.I):
        raise ValueError("must be auto, latest or vN (for example v7), got %r" % (value,))


#: option -> (least, most or None, in words) of the numeric connection options (as VastSession checks them)
_CONNECTION_RANGES = {
    "port": (1, 65535, "a port number from 1 to 65535"),
    "timeout": (0, None, "a positive number of seconds"),
    "deadline": (0, None, "0 (no deadline) or a positive number of seconds"),
    "retries": (0, MAX_RETRIES_LIMIT, "a number of retries from 0 to %d" % MAX_RETRIES_LIMIT),
    "backoff": (0, None, "0 or a positive number of seconds"),
    "backoff_max": (0, None, "0 or a positive number of seconds"),
    "max_concurrency": (1, MAX_CONCURRENCY_LIMIT, "a number of requests from 1 to %d" % MAX_CONCURRENCY_LIMIT),
    "cache_ttl": (0, None, "0 or a positive number of seconds"),
}


def asbuilt_path(path):
    """*path* made absolute against the directory ansible-playbook was started in (the controller's current
    directory; ``~`` expanded), normalised. An empty value stays empty (it means "the default" for the roles).

    The modules run with the playbook's directory as their current directory (the local connection's), so a
    relative path given to a module would land inside the collection: the roles resolve every path variable with
    this filter before handing it to a module."""
    if path is None:
        return ""
    path = str(path)
    if not path.strip():
        return path
    return os.path.normpath(os.path.join(os.getcwd(), os.path.expanduser(path)))


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def asbuilt_run_id(name=None):
    """A new identity of this run of the playbook for a cluster directory's lease (module vast_run_dir):
    ``{"id": "<uuid>", "pid": <pid of ansible-playbook>}``. Filters are run in a worker forked from
    ansible-playbook (same command line as its parent) or in ansible-playbook itself; the pid is the latter's,
    so that the lease outlives each task's module and goes stale when the playbook is gone. *name* (the inventory
    host, say) is only a label in the id."""
    import uuid
    pid, parent = os.getpid(), os.getppid()
    mine = _cmdline(pid)
    owner = parent if mine is not None and _cmdline(parent) == mine else pid
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", str(name or "run"))[:40]
    return {"id": "%s-%s" % (label, uuid.uuid4().hex), "pid": owner}


def _not_blank(value, what):
    if value is not None and not str(value).strip():
        raise ValueError("is %s: give %s" % ("empty" if str(value) == "" else "blank (only spaces)", what))


def _check_output_dir(value):
    _not_blank(value, "the directory the runs go to, or leave the variable unset for ./asbuilt-output")


def _check_optional_path(what):
    """A path variable whose empty value means "the default": blank (only spaces) is refused."""
    def check(value):
        if value not in (None, ""):
            _not_blank(value, "%s, or leave it empty" % what)
    return check


def _check_input_file(what):
    """A file to read (a snapshot): when set, it must exist, be a file and be readable by this user."""
    def check(value):
        if value in (None, ""):
            return
        _not_blank(value, "%s, or leave it empty" % what)
        path = asbuilt_path(value)
        if not os.path.lexists(path):
            raise ValueError("%s does not exist" % path)
        if os.path.isdir(path):
            raise ValueError("%s is a directory, not a file: give the snapshot file (snapshot.json.gz)" % path)
        if not os.path.isfile(path):
            raise ValueError("%s is not a regular file" % path)
        try:
            with open(path, "rb"):
                pass
        except (IOError, OSError) as exc:
            raise ValueError("%s cannot be read by this user (%s)" % (path, os_error_text(exc).split(": ", 1)[0]))
    return check


def _check_logo(path):
    """The logo must be a readable image file the report can embed (report.logo_data_uri says which)."""
    if not path:
        return
    _not_blank(path, "a logo file, or leave it empty for none")
    path = asbuilt_path(path)
    if not os.path.isfile(path):
        raise ValueError("%s %s" % (path, "is not a file" if os.path.exists(path) else "does not exist"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except (IOError, OSError) as exc:
        raise ValueError("cannot read %s: %s" % (path, exc.strerror or exc))
    logo_data_uri(data)


def _check_ca_path(value):
    """The CA certificate the modules verify the VMS with (vast_ca_path): it must exist and be readable, and a file
    must hold a PEM certificate (a directory of CA certificates, which the modules' ca_path also takes, must be
    readable). Checked before the first request, so that a missing file does not fail the run only at the
    collection, after the output directory was created."""
    if value in (None, ""):
        return
    _check_connection_value("ca_path", value)               # its type (a path, not a list)
    _not_blank(value, "the CA certificate file (PEM), or leave it unset")
    path = asbuilt_path(value)
    if not os.path.lexists(path):
        raise ValueError("%s does not exist: give the CA certificate (PEM) that signed the cluster's certificate" % path)
    if os.path.isdir(path):
        if not os.access(path, os.R_OK | os.X_OK):
            raise ValueError("%s (a directory of CA certificates) cannot be read by this user" % path)
        return
    if not os.path.isfile(path):
        raise ValueError("%s is not a regular file: give the CA certificate file (PEM)" % path)
    try:
        with open(path, "rb"):
            pass
    except (IOError, OSError) as exc:
        raise ValueError("%s cannot be read by this user (%s)" % (path, os_error_text(exc).split(": ", 1)[0]))
    if not holds_pem_certificate(path):
        raise ValueError("%s holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block): give the CA "
                         "certificate that signed the cluster's certificate, in PEM form" % path)


def _check_colours(value):
    if value in (None, "", {}):
        return
    if not isinstance(value, dict):
        raise ValueError("must be a dictionary with primary and/or accent colours (#rrggbb), got %r" % (value,))
    unknown = sorted(str(k) for k in value if k not in ("primary", "accent"))
    if unknown:
        raise ValueError("unknown colour name%s %s; known: primary, accent" % (
            "s" if len(unknown) > 1 else "", ", ".join(unknown)))
    for key in ("primary", "accent"):
        try:
            valid_colour(value.get(key), None)
        except ValueError as exc:
            raise ValueError("%s: %s" % (key, exc))


#: (how a variable's name ends, or its whole name; its check). A check raises one of _VALUE_ERRORS.
_VALUE_CHECKS = (
    ("_sections", _check_sections),
    ("collect_subsets", _check_gather_subset),
    ("collect_extra_subsets", _check_subset_names),
    ("_disabled_rules", lambda value: check_rule_ids([str(v) for v in asbuilt_list(value)])),
    ("_thresholds", _check_thresholds),
    ("collect_events_max", _whole_number("0 (every event) or how many of the newest events to read", 0)),
    ("collect_resume_max_age", _whole_number("0 (never reuse parts) or a number of seconds", 0)),
    ("collect_max_records", _whole_number("a page size from 1 to %d" % MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)),
    ("healthcheck_max_items", _whole_number("0 or more affected objects listed per rule", 0)),
    ("_rows_detail", _check_rows),
    ("_rows_full", _check_rows),
    ("_logo", _check_logo),
    ("asbuilt_output_dir", _check_output_dir),
    ("collect_snapshot", _check_input_file("the snapshot to re-render (offline)")),
    ("drift_before", _check_input_file("the older snapshot")),
    ("drift_after", _check_input_file("the newer snapshot")),
    ("drift_dest", _check_optional_path("the directory of the drift files")),
    ("_colors", _check_colours),
    ("vast_ca_path", _check_ca_path),
)
_VALUE_ERRORS = (SectionConfigError, SubsetError, RuleConfigError, ValueError)


def _value_check(name):
    for suffix, check in _VALUE_CHECKS:
        if name.endswith(suffix):
            return check
    if name.startswith("vast_") and name[5:] in _CONNECTION:
        return lambda value: _check_connection_value(name[5:], value)
    raise AnsibleFilterError("asbuilt_variable_errors: no check for variable %r" % name)


def asbuilt_variable_errors(variables, argument_errors=None):
    """One message per wrong value among the role variables that an argument specification can only type-check
    (the keys and levels of a sections dict, subset names, rule ids, threshold names and values, ...: see
    ``_VALUE_CHECKS``). *variables* maps the variable's name to its value; the check follows from the name, and a
    None value (a variable of a role the play does not run) is not checked. A ``*_sections`` value equal to
    ``asbuilt_sections`` (the default of ``collect_sections`` and ``report_sections``) is reported once, under
    ``asbuilt_sections``, the name the user set. *argument_errors* (validate_argument_spec's) come first, once
    each, with a derived ``*_sections`` named as ``asbuilt_sections``; a variable they already name is not
    reported again. Never raises: the playbooks fail with the messages before the first request to a cluster."""
    variables = variables or {}
    shared = variables.get("asbuilt_sections")
    derived = [n for n in ("collect_sections", "report_sections") if shared is not None and variables.get(n) == shared]
    errors = []
    for message in argument_errors or []:
        message = str(message)
        for name in derived:
            message = message.replace("'%s'" % name, "'asbuilt_sections'")
        if message not in errors:
            errors.append(message)
    named = " ".join(errors)
    for name in sorted(variables, key=lambda n: (n != "asbuilt_sections", n)):
        value = variables[name]
        if value is None or name in derived or re.search(r"\b%s\b" % re.escape(name), named):
            continue
        check = _value_check(name)
        try:
            check(value)
        except OptionError as exc:
            errors.append("%s: %s" % (name, str(exc).split(": ", 1)[-1]))
        except _VALUE_ERRORS as exc:
            errors.append("%s: %s" % (name, exc))
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
        return {"asbuilt_list": asbuilt_list, "asbuilt_path": asbuilt_path,
                "asbuilt_run_id": asbuilt_run_id, "asbuilt_subsets": asbuilt_subsets,
                "asbuilt_variable_errors": asbuilt_variable_errors,
                "cluster_dir_name": cluster_dir_name, "role_argument_spec": role_argument_spec}
