# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A thin AnsibleModule wrapper shared by the modules of this collection.

``VastModule(argument_spec)`` adds the connection options (``options.connection_argument_spec``), enables
check mode, and gives:

* ``session()``: a :class:`VastSession` built from the params (validated; a mistake fails the task naming the
  option, before any request);
* ``run(function)``: calls ``function(self)`` and turns every failure into ``fail_json`` with a clear ``msg`` -
  what failed, where, what to do (``VastError.to_fail_json``); never a traceback, never a secret (messages go
  through the scrubber; ``no_log`` options are masked by Ansible too);
* ``exit(**result)``: ``changed=false`` (only ``vast_session`` revoking an API token reports a change), plus the
  session's warnings as Ansible warnings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.vastops.asbuilt.plugins.module_utils.catalogue import SubsetError
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import OptionError, VastError, scrub
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import check_option_type, connection_argument_spec
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession, missing_requirements
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import SnapshotError, SnapshotLockedError


class _AnsibleModule(AnsibleModule):
    """AnsibleModule that keeps the parameters as given, before its validation converts them.

    A ``str`` option given a list (``username: [readonly]``) is silently turned into its text (``"['readonly']"``)
    by that validation, and an ``int`` option accepts ``true`` as 1; ``VastModule`` checks the given values.
    An ``int`` option given a value that check refuses is kept from ansible-core's validation, whose int check
    raises OverflowError (a traceback, not a message) on an infinite number (``.inf``, ``"inf"``) or on a list it
    reads as a Decimal tuple (``[10 ** 20, [], {}]``), and spends minutes on ``"1e9999999"``; so is such a value
    in the option's environment variable (``VAST_RETRIES=inf``).  ``refused`` keeps what was refused, and
    ``VastModule`` fails naming the option.
    """

    def _load_params(self):
        super(_AnsibleModule, self)._load_params()
        self.given_params = dict(self.params) if isinstance(self.params, dict) else {}
        self.refused = []
        if not isinstance(self.params, dict):
            return
        for name, entry in sorted(self.argument_spec.items()):
            if entry.get("type") != "int":
                continue
            where, value = None, self.given_params.get(name)
            if name not in self.given_params:
                fallback = entry.get("fallback") or (None, ())
                given = [var for var in fallback[1] if fallback[0] is env_fallback and var in os.environ]
                if not given:
                    continue
                where, value = given[0], os.environ[given[0]]
            try:
                check_option_type(name, "int", value, secret=bool(entry.get("no_log")))
            except OptionError as exc:
                if where:
                    exc = OptionError(name, "%s (from %s)" % (str(exc).split(": ", 1)[1], where))
                self.refused.append(exc)
                # passes the validation; never used: VastModule fails first
                self.params[name] = entry.get("default")


class VastModule:
    """See the module docstring."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        self.module = _AnsibleModule(argument_spec=spec, **kwargs)
        for refused in self.module.refused[:1]:
            self.module.fail_json(changed=False, **refused.to_fail_json())
        self.params = self.module.params
        self._session = None
        self._warned = set()
        self._check_given_types(spec)

    def _check_given_types(self, spec):
        """Fail (naming the option) when a scalar option was given a list, a dictionary or a misplaced boolean."""
        given = getattr(self.module, "given_params", None) or {}
        for name in sorted(spec):
            entry = spec[name]
            otype = entry.get("type", "str")
            if name not in given or otype not in ("str", "path", "int", "float", "bool"):
                continue
            try:
                check_option_type(name, otype, given[name], secret=bool(entry.get("no_log")))
            except OptionError as exc:
                self.module.fail_json(changed=False, **exc.to_fail_json())

    def session(self):
        """The session (not opened yet: ``open()`` or use it as a context manager)."""
        if self._session is None:
            self._session = VastSession(self.params)
        return self._session

    def warn(self, message):
        if message and message not in self._warned:
            self._warned.add(message)
            self.module.warn(scrub(message))

    def _flush_warnings(self):
        if self._session is not None:
            for message in self._session.warnings:
                self.warn(message)

    def fail(self, message, with_session=False, **extra):
        """``fail_json`` with a scrubbed message; *with_session* adds the session's statistics (for failures that
        happened talking to the cluster, where they help; a local or option problem gets one clear message)."""
        self._flush_warnings()
        result = dict((k, scrub(v)) for k, v in extra.items() if v is not None and k != "msg")
        if with_session and self._session is not None and self._session.opened:
            result.setdefault("session", self._session.summary())
        self.module.fail_json(msg=scrub(message), changed=False, **result)

    def exit(self, **result):
        """``changed`` is false unless the result says otherwise (only an API token revocation does)."""
        self._flush_warnings()
        result["changed"] = bool(result.get("changed", False))
        self.module.exit_json(**result)

    def run(self, function):
        """``function(self)`` returns the result dict; every failure becomes a clean ``fail_json``."""
        missing = missing_requirements()
        if missing:
            name, error = missing[0]
            self.module.fail_json(msg=missing_required_lib(name), exception=error, changed=False)
        try:
            result = function(self)
        except VastError as exc:
            details = exc.to_fail_json()
            self.fail(details.pop("msg"), with_session=True, **details)
        except SubsetError as exc:
            self.fail(str(exc), error="SubsetError", error_kind="option")
        except SnapshotLockedError as exc:
            # error_kind "locked": the staging directory belongs to the run holding the lock; callers (the collect
            # role) must not tidy it up
            self.fail(str(exc), error="SnapshotError", error_kind="locked")
        except SnapshotError as exc:
            self.fail(str(exc), error="SnapshotError", error_kind="snapshot")
        except (IOError, OSError) as exc:
            self.fail("A local file operation failed: %s" % exc, error=type(exc).__name__, error_kind="local",
                      hint="Check the paths given (dest, token_file, cache_dir, audit_log): they must be in "
                           "directories this user can write, with enough free space.")
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # a clean message instead of a traceback
            self.fail("Unexpected error (%s: %s). This is a bug in vastops.asbuilt; please report it with the task "
                      "and the VAST version." % (type(exc).__name__, exc), error=type(exc).__name__,
                      error_kind="internal")
        finally:
            if self._session is not None:
                try:
                    self._session.close()
                except Exception:  # pylint: disable=broad-except  # closing must not hide the result
                    pass
        self.exit(**result)
