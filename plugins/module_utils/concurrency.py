# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded, adaptive concurrency.

The bound is on *requests in flight*, not on threads: :class:`AdaptiveLimiter` is a semaphore whose size moves
by AIMD - halved on 429/503/timeouts (once per congestion event, not once per failed request), grown by one after
a run of healthy answers, never above ``max_concurrency`` and never below 1.  The limit at which the last
overload happened is remembered: growing back up to just below it is quick, but reaching it again takes a run
``PROBE_FACTOR`` times longer (a cluster that throttles above N in flight answers 429 with Retry-After, and each
429 costs a whole Retry-After; probing the known ceiling every few requests cost seconds per collection).
The transport takes a slot around each HTTP request only, so tasks that wait for pages (which themselves are
read in parallel) cannot deadlock the pool, and a token refresh never waits behind the requests that need it.

:class:`WorkerPool` runs independent tasks (resources, pages) on threads; ``run_parallel`` returns every
result or exception, and ``ordered_map`` yields results in submission order with a bounded read-ahead window
(memory stays bounded when streaming pages).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading
import time
from concurrent.futures import ThreadPoolExecutor


PROBE_FACTOR = 8


class AdaptiveLimiter:
    """An AIMD-sized semaphore for requests in flight."""

    def __init__(self, maximum, initial=None, minimum=1, growth_after=None, clock=time.monotonic):
        self.maximum = max(1, int(maximum))
        self.minimum = max(1, min(int(minimum), self.maximum))
        self.limit = self.maximum if initial is None else max(self.minimum, min(int(initial), self.maximum))
        self.growth_after = growth_after or max(4, self.maximum)
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._epoch = 0          # bumped on each decrease; overload signals from older requests are ignored
        self._healthy_run = 0
        self._baseline = None    # EWMA of healthy latencies
        self.ceiling = None      # the limit at which the last overload happened (None: none, or probed past it)
        self.peak_in_flight = 0
        self.decreases = 0
        self.increases = 0
        self.low_water = self.limit
        self.history = [(0.0, self.limit, "start")]
        self._t0 = clock()

    def acquire(self, deadline=None):
        """Wait for a slot; returns a ticket for :meth:`release`.  Returns None when *deadline* passes first."""
        with self._cond:
            while self._in_flight >= self.limit:
                timeout = None
                if deadline is not None:
                    timeout = deadline - self._clock()
                    if timeout <= 0:
                        return None
                self._cond.wait(timeout if timeout is None else min(timeout, 1.0))
            self._in_flight += 1
            if self._in_flight > self.peak_in_flight:
                self.peak_in_flight = self._in_flight
            return self._epoch

    def release(self, ticket, outcome="ok", latency=None):
        """Free a slot and feed the outcome: ``ok``, ``overload`` (429/503/timeout) or ``neutral``."""
        with self._cond:
            self._in_flight -= 1
            if outcome == "overload":
                self._healthy_run = 0
                if ticket == self._epoch and self.limit > self.minimum:
                    self.ceiling = self.limit
                    self.limit = max(self.minimum, self.limit // 2)
                    self._epoch += 1
                    self.decreases += 1
                    self.low_water = min(self.low_water, self.limit)
                    self._note("decrease")
            elif outcome == "ok":
                healthy = True
                if latency is not None:
                    if self._baseline is None:
                        self._baseline = latency
                    healthy = latency <= 3.0 * self._baseline + 0.05
                    if healthy:
                        self._baseline = 0.9 * self._baseline + 0.1 * latency
                if healthy:
                    self._healthy_run += 1
                    needed = self.growth_after
                    if self.ceiling is not None and self.limit + 1 >= self.ceiling:
                        needed = self.growth_after * PROBE_FACTOR   # back to where the cluster pushed back
                    if self._healthy_run >= needed and self.limit < self.maximum:
                        self.limit += 1
                        self.increases += 1
                        self._healthy_run = 0
                        if self.ceiling is not None and self.limit >= self.ceiling:
                            self.ceiling = None                     # probed it: the cluster may have more room now
                        self._note("increase")
                else:
                    self._healthy_run = 0
            self._cond.notify_all()

    def _note(self, why):
        if len(self.history) < 1000:
            self.history.append((round(self._clock() - self._t0, 3), self.limit, why))

    def summary(self):
        with self._cond:
            return {"max": self.maximum, "settled": self.limit, "lowest": self.low_water, "ceiling": self.ceiling,
                    "peak_in_flight": self.peak_in_flight, "decreases": self.decreases,
                    "increases": self.increases, "history": [list(h) for h in self.history[-50:]]}


class WorkerPool:
    """A lazily started thread pool; the limiter, not the pool, bounds requests in flight."""

    def __init__(self, workers, name="vast"):
        self.workers = max(1, int(workers))
        self.name = name
        self._executor = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=self.name)
            return self._executor

    def submit(self, fn, *args, **kwargs):
        return self._get().submit(fn, *args, **kwargs)

    def run_parallel(self, tasks):
        """Run ``{key: callable}`` (or a list of (key, callable)) and return ``{key: (ok, result_or_exception)}``.

        Every task runs even when others fail; exceptions are returned, not raised.
        """
        items = list(tasks.items()) if isinstance(tasks, dict) else list(tasks)
        futures = [(key, self.submit(fn)) for key, fn in items]
        results = collections.OrderedDict()
        for key, future in futures:
            try:
                results[key] = (True, future.result())
            except Exception as exc:  # pylint: disable=broad-except  # returned to the caller, never hidden
                results[key] = (False, exc)
        return results

    def ordered_map(self, fn, items, window, budget=None):
        """Yield ``fn(item)`` for each item in order, running up to *window* calls ahead in the pool.

        *budget* (a :class:`threading.Semaphore` shared by every caller) bounds the results held or in flight
        across all concurrent ``ordered_map`` calls - memory stays bounded however many lists stream at once.
        A caller takes a token per submitted call and returns it when the result is consumed; it only waits
        for a token when it holds none (and then briefly), so callers cannot deadlock each other.
        An exception from ``fn`` is raised when its turn comes; pending calls are cancelled.
        """
        pending = collections.deque()
        iterator = iter(items)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < max(1, window):
                    token = False
                    if budget is not None:
                        # Without results of its own a caller waits a little for a token, then goes ahead without
                        # one (nested iterations on two threads must not deadlock on the budget).
                        token = budget.acquire(timeout=0.5) if not pending else budget.acquire(blocking=False)
                        if not token and pending:
                            break
                    try:
                        item = next(iterator)
                    except StopIteration:
                        exhausted = True
                        if token:
                            budget.release()
                        break
                    pending.append((self.submit(fn, item), token))
                if not pending:
                    return
                future, token = pending.popleft()
                try:
                    result = future.result()
                finally:
                    if token:
                        budget.release()
                yield result
        finally:
            for future, token in pending:
                future.cancel()
                if token:
                    budget.release()

    def shutdown(self):
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
