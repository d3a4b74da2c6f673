# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resilience policy of the transport: when to stop sending, how long to wait before a retry.

:class:`CircuitBreaker` notices a cluster that stopped answering (attempts in a row with no HTTP answer at all),
holds requests while it is down and says when the next probe is due; :func:`default_breaker` is the one a
transport uses unless given one.  :func:`backoff_delay` (exponential backoff with full jitter, capped) and
:func:`parse_retry_after` (seconds or an HTTP date) size the wait before a retry.  Nothing here sends a request:
transport.py does, and reports every attempt to the breaker.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import threading
import time

#: Longest interval between two probes of a cluster that does not answer (seconds).
PROBE_INTERVAL_MAX = 5.0
PROBE_INTERVAL_MIN = 0.05


class CircuitBreaker:
    """Notices a cluster that stopped answering, holds requests while it is down and probes until it is back.

    Every attempt that got no HTTP answer at all is a ``failure()``; any answer is a ``success()``.  *threshold*
    failures in a row (across every request of the session), spanning at least *window* seconds, open it.  While
    it is open, one probe at a time is due: the first *cooldown* seconds after it opened, then at doubling
    intervals up to *probe_max*.  The transport sends the probes (``begin_probe``/``end_probe``) and, in hold
    mode, makes requests ``wait()`` in between.  An outage longer than *max_outage* seconds (None: no limit but the
    deadline) makes the breaker give up: requests then fail at once with CircuitOpen, until a probe finds the
    cluster answering again.
    """

    def __init__(self, threshold=3, window=0.0, cooldown=0.5, clock=time.monotonic, probe_max=PROBE_INTERVAL_MAX,
                 max_outage=None):
        self.threshold = threshold
        self.window = window
        self.cooldown = max(PROBE_INTERVAL_MIN, float(cooldown))
        self.probe_max = max(self.cooldown, float(probe_max))
        self.max_outage = max_outage
        self._clock = clock
        self._cond = threading.Condition(threading.Lock())
        self.failures = 0
        self._first_failure = None
        self.opened_at = None
        self.outage_started = None
        self.next_probe_at = None
        self._interval = self.cooldown
        self._probing = False
        self.gave_up = False
        self.times_opened = 0
        self.probes = 0
        self.probe_failures = 0
        self.longest_outage = 0.0
        self.last_error = None
        self.last_outage = None

    # -- what requests report ----------------------------------------------------------------------------------
    def success(self):
        with self._cond:
            self.failures = 0
            self._first_failure = None
            if self.opened_at is not None:
                self._close_locked()

    def failure(self, error=None):
        with self._cond:
            now = self._clock()
            self.failures += 1
            self.last_error = error
            if self._first_failure is None:
                self._first_failure = now
            if self.opened_at is None and self.failures >= self.threshold and \
                    now - self._first_failure >= self.window:
                self.times_opened += 1
                self.opened_at = now
                self.outage_started = self._first_failure
                self._interval = self.cooldown
                self.next_probe_at = now + self._interval
                self.gave_up = False

    # -- state -------------------------------------------------------------------------------------------------
    @property
    def is_open(self):
        with self._cond:
            return self.opened_at is not None

    def allow(self):
        """True when the breaker is closed (kept for callers that only ask)."""
        return not self.is_open

    def outage_seconds(self):
        with self._cond:
            return 0.0 if self.outage_started is None or self.opened_at is None else \
                self._clock() - self.outage_started

    def out_of_patience(self):
        """True (and from then on fail fast) when the cluster has been down for longer than ``max_outage``."""
        with self._cond:
            if self.opened_at is None:
                return False
            if not self.gave_up and self.max_outage is not None and \
                    self._clock() - self.outage_started >= self.max_outage:
                self.gave_up = True
            return self.gave_up

    # -- probing -----------------------------------------------------------------------------------------------
    def begin_probe(self):
        """True when the caller should send the probe now (open, due, and nobody else probing)."""
        with self._cond:
            if self.opened_at is None or self._probing or self._clock() < self.next_probe_at:
                return False
            self._probing = True
            self.probes += 1
            return True

    def end_probe(self, answered, error=None):
        """Report the probe: *answered* closes the breaker (waiting requests go on); otherwise the next is later."""
        with self._cond:
            self._probing = False
            if answered:
                self.failures = 0
                self._first_failure = None
                if self.opened_at is not None:
                    self._close_locked()
            else:
                self.probe_failures += 1
                if error:
                    self.last_error = error
                self._interval = min(self.probe_max, self._interval * 2)
                self.next_probe_at = self._clock() + self._interval
            self._cond.notify_all()

    def wait(self, limit=None):
        """Wait (at most *limit* seconds) until the breaker closes or the next probe is due."""
        with self._cond:
            if self.opened_at is None:
                return
            delay = max(0.0, self.next_probe_at - self._clock()) if not self._probing else self.probe_max
            if limit is not None:
                delay = min(delay, max(0.0, limit))
            if delay > 0:
                self._cond.wait(delay)

    def wake_all(self):
        with self._cond:
            self._cond.notify_all()

    def _close_locked(self):
        now = self._clock()
        lasted = now - (self.outage_started if self.outage_started is not None else self.opened_at)
        self.longest_outage = max(self.longest_outage, lasted)
        self.last_outage = lasted
        self.opened_at = None
        self.outage_started = None
        self.next_probe_at = None
        self.gave_up = False
        self._cond.notify_all()

    def summary(self):
        with self._cond:
            return {"times_opened": self.times_opened, "probes": self.probes,
                    "longest_s": round(self.longest_outage, 1), "open": self.opened_at is not None}


def default_breaker(params):
    """The breaker a transport uses unless given one: opens after 3 attempts in a row got no answer, probes first
    after ``backoff`` seconds, then at doubling intervals up to ``min(backoff_max, 5)`` seconds, and gives up
    after ``retries x backoff_max`` seconds without an answer (150 s with the defaults)."""
    def clamp(value):
        return min(PROBE_INTERVAL_MAX, max(PROBE_INTERVAL_MIN, float(value or 0.0)))
    return CircuitBreaker(threshold=3, window=0.0, cooldown=clamp(params.backoff), probe_max=clamp(params.backoff_max),
                          max_outage=float(params.retries) * float(params.backoff_max))


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt, base, cap, rng=random):
    """Full jitter: uniform(0, min(cap, base * 2**attempt))."""
    return rng.uniform(0, min(cap, base * (2 ** attempt)))
