# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback of the reliability suite: every task result of every host as a JSON line.

Enabled by the reliability tests (``ANSIBLE_CALLBACK_PLUGINS`` pointing here, ``ANSIBLE_CALLBACKS_ENABLED``
naming it, ``RELIABILITY_RESULTS`` the output file), next to the normal stdout callback, so that a run over many
hosts (one per injected fault) can be classified host by host: which task failed, with which message, how long
``vast_info`` took, what it returned.  Results are written as Ansible hands them to callbacks (after ``no_log``
censoring), so the secret scans see exactly what a user's callback plugins would see.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import threading
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: reliability_results
type: aggregate
short_description: Write every task result as a JSON line (vastops.asbuilt reliability tests only)
description:
  - Writes one JSON object per task result to the file named by the RELIABILITY_RESULTS environment variable.
requirements:
  - enable in configuration
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "reliability_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get("RELIABILITY_RESULTS")
        self._lock = threading.Lock()
        self._started = {}

    def _write(self, status, result):
        if not self._path:
            return
        host = result._host.get_name()
        task = result._task
        key = (host, task._uuid)
        started = self._started.pop(key, None)
        try:
            payload = json.loads(json.dumps(result._result, default=str))
        except (TypeError, ValueError):
            payload = {"unserialisable": repr(result._result)[:2000]}
        line = json.dumps({"host": host, "task": task.get_name(), "action": task.action, "status": status,
                           "ignore_errors": bool(task.ignore_errors), "time": time.time(),
                           "duration": (time.time() - started) if started else None, "result": payload},
                          default=str)
        with self._lock:
            with open(self._path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def v2_runner_on_start(self, host, task):
        self._started[(host.get_name(), task._uuid)] = time.time()

    def v2_runner_on_ok(self, result):
        self._write("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._write("unreachable", result)

    def v2_runner_on_skipped(self, result):
        self._write("skipped", result)
