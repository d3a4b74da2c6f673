"""Fixtures of the reliability suite.

* Read-only guard (autouse): every simulator started while this suite runs is registered (``Simulator.start`` is
  wrapped for the session), and after each test every request any of them logged since the last check must be a
  GET or a token call (``POST /api[/vN|/latest]/token[/refresh]/``); an API token revocation is allowed only in
  a test that requests the ``allow_apitoken_revoke`` fixture.  A violation fails the test at teardown.
* ``secrets``: the session's canaries (:class:`rel_util.Secrets`); every scan adds to the count printed at the end.
* ``rel_sims``: like ``sim_factory`` but module-scoped (one set of simulators for the tests of a module).
* The terminal summary prints the fault matrix (``fault_matrix.RESULTS``), the counts, the secrets scanned and
  found, and the read-only tally; it also writes them to ``.cache/reliability/`` (the README quotes that table).
"""
import datetime
import json
import os
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
for _path in (HERE, os.path.join(TESTS, "integration", "roles"), os.path.join(TESTS, "integration", "modules")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import fault_matrix  # noqa: E402
import rel_util  # noqa: E402
from simulator import Simulator, SimulatorConfig  # noqa: E402
from simulator import core as _sim_core  # noqa: E402

_SIMS = []                 # [simulator, last checked seq, test that started it]
_SIMS_LOCK = threading.Lock()
_TALLY = {"simulators": 0, "requests": 0, "violations": 0}
_SECRETS = rel_util.Secrets()
_SECRETS.add_password("admin", rel_util.CANARY_PASSWORD)
_CURRENT = {"test": None, "allow_revoke": False}
_PENDING = []              # violations found when a test cleared a simulator's log


@pytest.fixture(scope="session", autouse=True)
def _register_simulators():
    original = _sim_core.Simulator.start

    def start(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        with _SIMS_LOCK:
            if not any(entry[0] is self for entry in _SIMS):
                _SIMS.append([self, 0, _CURRENT["test"]])
                _TALLY["simulators"] += 1
        return result
    original_clear = _sim_core.Simulator.clear_log

    def clear_log(self):
        # a test that clears a log must not hide what was in it from the guard
        _PENDING.extend(_check_simulators(_CURRENT["allow_revoke"], only=self))
        return original_clear(self)
    _sim_core.Simulator.start = start
    _sim_core.Simulator.clear_log = clear_log
    try:
        yield
    finally:
        _sim_core.Simulator.start = original
        _sim_core.Simulator.clear_log = original_clear


def _check_simulators(allow_revoke, only=None):
    bad = []
    with _SIMS_LOCK:
        entries = [e for e in _SIMS if only is None or e[0] is only]
    for entry in entries:
        sim, seen = entry[0], entry[1]
        log = sim.request_log(since=seen)
        if log:
            entry[1] = max(e.get("seq", 0) for e in log)
            _TALLY["requests"] += len(log)
        bad.extend((sim.host, e["method"], e["path"]) for e in rel_util.non_read_requests(log, allow_revoke))
        if getattr(sim, "_stopped", False) and only is None:
            with _SIMS_LOCK:
                if entry in _SIMS:
                    _SIMS.remove(entry)
    return bad


@pytest.fixture(autouse=True)
def read_only_guard(request):
    """After each test: the simulators saw only GETs and token calls (see the module docstring)."""
    _CURRENT["test"] = request.node.nodeid
    _CURRENT["allow_revoke"] = False
    del _PENDING[:]
    yield
    bad = _PENDING + _check_simulators(_CURRENT["allow_revoke"])
    del _PENDING[:]
    if bad:
        _TALLY["violations"] += len(bad)
        pytest.fail("requests other than GET and the token calls reached the simulator: %s" % bad[:10],
                    pytrace=False)


@pytest.fixture
def allow_apitoken_revoke():
    """This test asks vast_session to revoke an API token: that PATCH is allowed (and only that)."""
    _CURRENT["allow_revoke"] = True


@pytest.fixture(scope="session")
def secrets():
    return _SECRETS


@pytest.fixture(scope="module")
def rel_sims():
    sims = []

    def make(**kwargs):
        kwargs.setdefault("port", 0)
        sim = Simulator(SimulatorConfig(**kwargs)).start()
        sims.append(sim)
        return sim
    yield make
    for sim in sims:
        try:
            sim.stop()
        except Exception:  # pylint: disable=broad-except  # already stopped by a test
            pass


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = list(fault_matrix.RESULTS)
    if not rows and not _SECRETS.scanned and not _TALLY["simulators"]:
        return
    write = terminalreporter.write_line
    terminalreporter.section("vastops.asbuilt reliability")
    lines = []
    if rows:
        lines.append(fault_matrix.table(rows))
        lines.append("")
        lines.append(fault_matrix.counts(rows, len(_SECRETS.found)))
        failed = [r for r in rows if r["outcome"] == "failed"]
        if failed:
            lines.append("failed clearly, with these messages:")
            for row in failed:
                lines.append("  %s / %s: %s" % (row["fault"], row["scope"], row["msg"][:150]))
    lines.append("secrets: %d texts and files scanned for %d canary forms, %d found" % (
        _SECRETS.scanned, len(_SECRETS.values), len(_SECRETS.found)))
    for label, where, context in _SECRETS.found[:10]:
        lines.append("  SECRET %s in %s: ...%s..." % (label, where, context))
    lines.append("read-only: %d simulators, %d requests checked, %d not a GET or token call" % (
        _TALLY["simulators"], _TALLY["requests"], _TALLY["violations"]))
    for line in lines:
        write(line)
    cache = os.path.join(os.path.dirname(TESTS), ".cache", "reliability")
    try:
        os.makedirs(cache, exist_ok=True)
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        with open(os.path.join(cache, "summary.txt"), "w", encoding="utf-8") as handle:
            handle.write("# %s, exit status %s\n" % (stamp, exitstatus) + "\n".join(lines) + "\n")
        with open(os.path.join(cache, "fault-matrix.md"), "w", encoding="utf-8") as handle:
            handle.write("<!-- %s -->\n%s\n\n%s\n" % (stamp, fault_matrix.table(rows, markdown=True),
                                                      fault_matrix.counts(rows, len(_SECRETS.found))))
        with open(os.path.join(cache, "fault-matrix.json"), "w", encoding="utf-8") as handle:
            json.dump({"date": stamp, "rows": rows}, handle, indent=1, default=str)
    except OSError:
        pass
