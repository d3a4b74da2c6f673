# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of vast_session: runs the module, then hides its output when it returns tokens.

A module cannot mark its own result as ``no_log``; an action plugin can. The registered variable keeps the
tokens (later tasks need them); only what callbacks display (at any verbosity) is censored, as with
``no_log: true`` on the task. Failures stay visible: their messages never contain secrets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

SECRET_RESULT_KEYS = ("access_token", "refresh_token")


class ActionModule(ActionBase):
    """Run vast_session and censor a result that carries tokens."""

    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        result.update(self._execute_module(task_vars=task_vars))
        if not result.get("failed") and any(result.get(key) for key in SECRET_RESULT_KEYS):
            result["_ansible_no_log"] = True
        return result
