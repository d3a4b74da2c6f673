# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: time each task (profile_tasks style) and keep the task results, as JSON.

Enabled by benchmarks/bench_playbook.py with ANSIBLE_CALLBACK_PLUGINS=<this directory> and
ANSIBLE_CALLBACKS_ENABLED=bench_timing (ansible.posix.profile_roles is not available offline). A task's time is
from its start to the start of the next task (or the end of the run), so the times add up to the playbook's
wall time. Each task is attributed to its role (``vastops.asbuilt.collect``, ...) or ``(play)``. The JSON goes
to the file named by BENCH_TIMING_OUT; with BENCH_KEEP_RESULTS=1 it also holds each host's last task result
(for ad-hoc ``ansible -m`` runs: ansible-core has no json stdout callback without ansible.posix).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timing
type: aggregate
short_description: Per-task and per-role wall time for the benchmarks
description: Writes task timings to the file named by BENCH_TIMING_OUT.
requirements: []
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.started = time.time()
        self.tasks = []
        self.results = {}
        self.play = None

    def _close_last(self, now):
        if self.tasks and self.tasks[-1]["end"] is None:
            self.tasks[-1]["end"] = now

    def _start(self, task):
        now = time.time()
        self._close_last(now)
        role = task._role.get_name() if getattr(task, "_role", None) else "(play)"
        self.tasks.append({"task": task.get_name(), "role": role, "play": self.play, "start": now, "end": None})

    def v2_playbook_on_play_start(self, play):
        self.play = play.get_name()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _result(self, result):
        if os.environ.get("BENCH_KEEP_RESULTS") == "1":
            self.results[result._host.get_name()] = result._result

    def v2_runner_on_ok(self, result, **kwargs):
        self._result(result)

    def v2_runner_on_failed(self, result, **kwargs):
        self._result(result)

    def v2_runner_on_unreachable(self, result):
        self._result(result)

    def v2_playbook_on_stats(self, stats):
        now = time.time()
        self._close_last(now)
        out = os.environ.get("BENCH_TIMING_OUT")
        if out:
            with open(out, "w") as handle:
                json.dump({"started": self.started, "ended": now, "tasks": self.tasks, "results": self.results}, handle,
                          default=str)
