"""The fault matrix: every fault the simulator can inject, run through the user's path, and classified.

A :class:`Case` is one fault type in one scope (one resource, all resources, token calls, mid-run) with the
outcomes it may have.  A run of a case gives an :class:`Observation` (what came out: exit status, message,
files, timings, requests, outputs to scan), and :func:`classify` turns it into one outcome:

``correct``   completed, and the collected data is identical to a fault-free baseline of the same seed;
``degraded``  completed; the affected resources are marked error/unavailable in ``meta``, the report says so
              for each of them (HTML and Markdown), and every resource marked ok is identical to the baseline;
``failed``    failed clearly: a non-zero exit, one short paragraph naming the problem, no traceback, no
              snapshot or report under a final name in the run directory;

or a violation: ``TRACEBACK``, ``HANG`` (past the deadline), ``MISLEADING`` (a report or snapshot that looks
complete when it is not: data differing from the baseline while marked ok, an affected resource the report does
not mention), ``BUG`` (the module's "unexpected error" path), ``PARTIAL`` (an invalid file under a final name),
``SECRET`` (a canary found in any output).

Two runners: :func:`run_inprocess` (the quick form: ``vast_info`` with ``dest``, then ``vast_healthcheck`` and
``vast_report`` in this process, as the roles call them) and :func:`run_playbook_batch` (the full form: one
``ansible-playbook vastops.asbuilt.asbuilt`` over an inventory with one host per case, each host its own
simulator and fault, plus a fault-free baseline host; per-host results come from a test-only callback).

Run it alone to print the quick matrix: ``.venv/bin/python tests/reliability/fault_matrix.py [--full]``.
"""
import collections
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if __name__ == "__main__":  # pragma: no cover - standalone use
    sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "integration", "roles"), os.path.dirname(HERE)]
    import conftest as _repo_conftest  # noqa: F401  (tests/conftest.py: makes the collection importable)

import rel_util  # noqa: E402
from rel_util import CANARY_PASSWORD, DATA_NOW, Secrets, read_json, run_module, tap_jwts  # noqa: E402

GOOD = ("correct", "degraded", "failed")
BAD = ("TRACEBACK", "HANG", "SECRET", "PARTIAL", "BUG", "MISLEADING", "UNEXPECTED")
SCOPES = ("one resource", "all resources", "token calls", "mid-run")
ONE_PATH = "/views/*"
MID_AFTER = 25

#: Connection options of the quick (in-process) form: short timeouts, fast retries, a deadline.
QUICK_OPTIONS = {"timeout": 2.0, "retries": 4, "backoff": 0.05, "backoff_max": 0.4, "deadline": 25.0}
#: The same for the playbook form (VAST_* environment variables: the playbook passes no such option).
PLAYBOOK_ENV = {"VAST_TIMEOUT": "2", "VAST_RETRIES": "4", "VAST_BACKOFF": "0.1", "VAST_BACKOFF_MAX": "1",
                "VAST_DEADLINE": "40"}

#: Rows of every case run in this process (the pytest terminal summary prints them).
RESULTS = []
_RESULTS_LOCK = threading.Lock()


# -- cases ---------------------------------------------------------------------------------------------------------
class Case:
    def __init__(self, fault, scope, specs, expect, note="", sim=None, options=None, verify=None):
        self.verify = verify          # function(auth counters) -> None or what did not happen
        self.fault = fault
        self.scope = scope
        self.specs = specs
        self.expect = tuple(expect)
        self.note = note
        self.sim = dict(sim or {})
        self.options = dict(options or {})

    @property
    def id(self):
        return "%s/%s" % (self.fault, self.scope.replace(" ", "-"))

    def __repr__(self):
        return "Case(%s)" % self.id


def _echo_body(user="admin", password=CANARY_PASSWORD):
    """An error body that echoes the credentials back, as some proxies and debug pages do."""
    import base64
    basic = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    return {"detail": "login %s with password %s refused" % (user, password), "password": password,
            "request_headers": {"Authorization": "Basic %s" % basic}, "echo": "user=%s&password=%s" % (user, password)}


def _scoped(spec, scope, persistent=True, mid_count=3):
    """*spec* restricted to *scope*."""
    spec = dict(spec)
    if scope == "one resource":
        spec.update(path=ONE_PATH, method="GET")
    elif scope == "all resources":
        spec.update(method="GET")
    elif scope == "token calls":
        spec.update(path="/token/*", method="POST")
    elif scope == "mid-run":
        spec.update(method="GET", after=MID_AFTER)
        persistent = False
    if not persistent and "count" not in spec and "nth" not in spec:
        spec["count"] = mid_count
    return spec


# fault type -> (spec, {scope: expected outcomes}); "retryable" faults are retried by the session, others not.
_RETRIED = {"one resource": ("degraded",), "all resources": ("failed",), "token calls": ("failed",),
            "mid-run": ("correct",)}
FAULT_TYPES = collections.OrderedDict((
    ("latency spikes", ({"type": "latency", "delay_ms": 150, "jitter_ms": 100},
                        {"one resource": ("correct",), "all resources": ("correct",), "token calls": ("correct",),
                         "mid-run": ("correct",)})),
    ("status 500", ({"type": "status", "status": 500},
                    {"one resource": ("degraded",), "all resources": ("failed",), "token calls": ("failed",),
                     "mid-run": ("degraded",)})),
    ("status 502", ({"type": "status", "status": 502}, _RETRIED)),
    ("status 503", ({"type": "status", "status": 503}, _RETRIED)),
    ("status 504", ({"type": "status", "status": 504}, _RETRIED)),
    ("429 + Retry-After", ({"type": "status", "status": 429, "retry_after": 1},
                           {"one resource": ("degraded",), "all resources": ("failed",),
                            "token calls": ("failed",), "mid-run": ("correct",)})),
    ("429 no Retry-After", ({"type": "status", "status": 429, "retry_after": None}, _RETRIED)),
    ("connection reset", ({"type": "reset"}, _RETRIED)),
    ("dropped mid-body", ({"type": "drop"}, _RETRIED)),
    ("trickled body > timeout", ({"type": "slow_body", "chunk_bytes": 16, "interval_ms": 300}, _RETRIED)),
    ("malformed JSON", ({"type": "malformed_json"}, _RETRIED)),
    ("HTML proxy error page", ({"type": "html_error"}, _RETRIED)),
    ("endpoint vanishes", ({"type": "vanish"},
                           {"one resource": ("degraded",), "all resources": ("failed",), "token calls": ("correct",),
                            "mid-run": ("degraded",)})),
    ("tokens revoked", ({"type": "revoke_tokens", "kind": "jwt"},
                        {"one resource": ("failed",), "all resources": ("failed",), "token calls": ("correct",),
                         "mid-run": ("correct",)})),
    ("error body echoes password", ({"type": "status", "status": 500, "body": _echo_body()},
                                    {"one resource": ("degraded",), "all resources": ("failed",),
                                     "token calls": ("failed",), "mid-run": ("degraded",)})),
))


def _verify_for(fault, scope):
    """Extra proof that a fault had its effect (auth counters of the simulator)."""
    if fault == "tokens revoked" and scope == "mid-run":
        return lambda a: None if a.get("token_obtained", 0) >= 2 else "no new login after the revocation"
    if fault == "endpoint vanishes" and scope == "token calls":
        return lambda a: None if a.get("token_obtained", 0) == 0 else "a token was obtained although /token/ is gone"
    return None


def _special_cases(token_life=0.3):
    """Faults that are not scoped by path: token expiry, refresh revocation, outages, admission control.

    *token_life*: seconds an access token lives under ``expire_tokens`` (longer in the playbook form, where twenty
    collections share two cores and a request can wait longer than that between its token and the server).
    """
    return [
        Case("early token expiry", "all resources", [{"type": "expire_tokens", "seconds": token_life}],
             ("correct",),
             "every access token dies %s s after issue: refreshes" % token_life, sim={"latency_ms": 100},
             verify=lambda a: None if a.get("token_refreshed", 0) >= 1 else "no token refresh"),
        Case("revoke refresh token", "mid-run",
             [{"type": "revoke_tokens", "kind": "refresh", "method": "GET", "after": 3, "nth": 1},
              {"type": "expire_tokens", "seconds": token_life}], ("correct",),
             "refresh token revoked early in the run, then access expiry: log in again", sim={"latency_ms": 40},
             verify=lambda a: None if a.get("token_refresh_failed", 0) >= 1 and a.get("token_obtained", 0) >= 2
             else "no refused refresh followed by a new login"),
        Case("down and back (reset)", "mid-run",
             [{"type": "outage", "seconds": 1.5, "mode": "reset", "method": "GET", "after": MID_AFTER, "nth": 1}],
             GOOD, "cluster down 1.5 s (connections reset), then back"),
        Case("down and back (refused)", "mid-run",
             [{"type": "outage", "seconds": 1.5, "mode": "refuse", "method": "GET", "after": MID_AFTER, "nth": 1}],
             GOOD, "cluster down 1.5 s (connection refused), then back"),
        Case("429 admission control", "all resources",
             [{"type": "admission", "max_concurrent": 1, "retry_after": 0}], ("correct",), "429 above 1 request in flight", sim={"latency_ms": 20}),
    ]


def quick_cases():
    """One case per fault type: the representative subset of ``make test``."""
    picks = [
        ("latency spikes", "all resources", {}),
        ("status 500", "one resource", {}),
        ("status 502", "mid-run", {}),
        ("status 503", "all resources", {}),
        ("status 504", "one resource", {}),
        ("429 + Retry-After", "one resource", {"count": 2}),
        ("429 no Retry-After", "mid-run", {"count": 4}),
        ("connection reset", "mid-run", {}),
        ("dropped mid-body", "one resource", {}),
        ("trickled body > timeout", "one resource", {"count": 1}),
        ("malformed JSON", "one resource", {}),
        ("HTML proxy error page", "token calls", {}),
        ("endpoint vanishes", "one resource", {}),
        ("tokens revoked", "mid-run", {"nth": 1}),
        ("error body echoes password", "one resource", {}),
    ]
    out = []
    for fault, scope, extra in picks:
        spec, expect = FAULT_TYPES[fault]
        spec = dict(spec, **extra)
        scoped = _scoped(spec, scope, persistent="count" not in extra and "nth" not in extra)
        outcome = expect[scope]
        if "count" in extra or "nth" in extra:
            outcome = ("correct",)
        out.append(Case(fault, scope, [scoped], outcome, verify=_verify_for(fault, scope)))
    out.extend(_special_cases())
    # a read timeout on one resource fails that resource, not the collection (short timeout: quick)
    out.append(Case("latency past timeout", "one resource", [{"type": "latency", "delay_ms": 800, "path": ONE_PATH}],
                    ("degraded",), "every answer of one resource later than the read timeout",
                    options={"timeout": 0.5, "retries": 1}))
    return out


def full_cases(scope):
    """Every fault type in *scope* (the global faults are listed under their natural scope)."""
    out = []
    for fault, (spec, expect) in FAULT_TYPES.items():
        extra = {"nth": 1} if fault == "tokens revoked" and scope == "mid-run" else {}
        if fault == "latency spikes" and scope == "mid-run":
            extra = {"delay_ms": 2600, "jitter_ms": 0}     # past the read timeout: retried
        out.append(Case(fault, scope, [_scoped(dict(spec, **extra), scope)], expect[scope],
                        verify=_verify_for(fault, scope)))
    out.extend(c for c in _special_cases(token_life=1.0) if c.scope == scope)
    if scope == "token calls":
        out.append(Case("down and back (refused)", "token calls",
                        [{"type": "outage", "seconds": 1.0, "mode": "refuse", "path": "/token/*", "nth": 1}],
                        ("correct", "failed"), "down 1 s at login"))
    if scope == "one resource":
        out.append(Case("429 admission control", "one resource",
                        [{"type": "admission", "max_concurrent": 1, "retry_after": 0, "path": ONE_PATH}],
                        ("correct",)))
        out.append(Case("latency past timeout", "one resource",
                        [{"type": "latency", "delay_ms": 2600, "path": ONE_PATH}], ("degraded",),
                        "every answer of one resource later than the read timeout"))
    return out


# -- observations --------------------------------------------------------------------------------------------------
class Observation:
    """What one case produced (see the module docstring)."""

    def __init__(self, case):
        self.case = case
        self.completed = False        # the collection, health check and report all ran without failure
        self.exit_code = None         # in-process: the failing module's exit code; playbook: the playbook's rc
        self.msg = None               # the failure message a user sees
        self.failure = None           # the failing module result
        self.results = []             # every module result (scanned for secrets and tracebacks)
        self.texts = []               # stdout/stderr (scanned)
        self.run_dir = None
        self.elapsed = None           # seconds the collection took (vast_info)
        self.timed_out = False
        self.exception = None         # traceback of an exception that escaped a module
        self.requests = None
        self.retries = None
        self.fleet_index = None       # playbook form: the fleet index text
        self.deadline = None
        self.fired = None             # hits of each injected fault, and the simulator's auth counters

    def take_fired(self, sim):
        self.fired = {"faults": dict((f["id"], f["hits"]) for f in sim.faults.list()),
                      "auth": dict(sim.stats_dict().get("auth") or {})}

    def fault_fired(self):
        """Whether the injected faults did something (a case whose fault never fired proves nothing)."""
        if not self.case.specs:
            return True
        hits = sum(self.fired["faults"].values()) if self.fired else 0
        auth = (self.fired or {}).get("auth", {})
        kinds = set(s["type"] for s in self.case.specs)
        if kinds & {"expire_tokens"}:
            return auth.get("jwt_rejected", 0) > 0 or auth.get("token_refreshed", 0) > 0
        if kinds & {"admission"}:
            return self.fired is not None and self._admission_hits > 0
        return hits > 0

    _admission_hits = 0


def _session_of(result):
    meta = result.get("meta") or {}
    return meta.get("session") or result.get("session") or {}


def run_inprocess(case, sim_factory, workdir, secrets, profile="tiny", options=None):
    """The quick form: vast_info -> vast_healthcheck -> vast_report in this process, as the roles run them."""
    from ansible_collections.vastops.asbuilt.plugins.modules import vast_healthcheck, vast_info, vast_report
    sim = sim_factory(profile=profile, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD},
                      faults=[dict(s) for s in case.specs], **case.sim)
    jwts = tap_jwts(sim)
    opts = dict(QUICK_OPTIONS)
    opts.update(options or {})
    opts.update(case.options)
    obs = Observation(case)
    obs.deadline = opts["deadline"]
    obs.run_dir = run_dir = os.path.join(str(workdir), re.sub(r"[^A-Za-z0-9]+", "-", case.id).strip("-"))
    os.makedirs(run_dir)
    snapshot = os.path.join(run_dir, "snapshot.json.gz")
    args = dict(host=sim.host, username="admin", password=CANARY_PASSWORD, ca_path=sim.ca_path,
                gather_subset=["all"], dest=snapshot, resume=True, events_max=100, **opts)
    info = run_module(vast_info, args, timeout=opts["deadline"] + 60)
    obs.elapsed = info.elapsed
    obs.requests = len(sim.request_log())
    obs.retries = _session_of(info.result).get("retries")
    obs.take_fired(sim)
    obs._admission_hits = sum(1 for e in sim.request_log() if (e.get("fault") or "").startswith("admission"))
    runs = [info]
    if not info.failed and not info.exception and not info.timed_out:
        findings = os.path.join(run_dir, "findings.json")
        health = run_module(vast_healthcheck, dict(snapshot=snapshot, dest=findings), timeout=120)
        runs.append(health)
        if not health.failed and not health.exception:
            runs.append(run_module(vast_report, dict(snapshot=snapshot, findings=findings, dest=run_dir,
                                                     update_latest=False), timeout=120))
    for run in runs:
        obs.results.append(run.result)
        obs.texts.append(run.stdout)
        if run.exception:
            obs.exception = (obs.exception or "") + run.exception
        if run.timed_out:
            obs.timed_out = True
    failing = [r for r in runs if r.failed or r.exception or r.timed_out]
    if failing:
        obs.failure = failing[0].result
        obs.exit_code = failing[0].exit_code
        obs.msg = failing[0].result.get("msg")
    else:
        obs.completed = len(runs) == 3
    secrets.add_jwts(jwts)
    return obs


def run_playbook_bounded(playbook, inventory_path, env, cwd, timeout, verbosity=0, extra_vars_path=None,
                         on_start=None):
    """``ansible-playbook`` in its own session, killed (with every process below it) after *timeout* seconds.

    Returns (rc, stdout, stderr, timed_out).  *on_start(proc)* is called once the process runs (the crash
    tests kill it from there).  The command is the one ``roles_util.run_playbook`` builds.
    """
    from roles_util import BIN
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", inventory_path, playbook]
    if extra_vars_path:
        cmd += ["-e", "@" + extra_vars_path]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    out_path = os.path.join(cwd, "playbook-%d.out" % int(time.time() * 1000))
    with open(out_path, "w+b") as out, open(out_path + ".err", "w+b") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        if on_start is not None:
            on_start(proc)
        timed_out = False
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            rel_util.kill_tree(proc.pid)
            proc.wait(30)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return proc.returncode, stdout, stderr, timed_out


def callback_env(results_path):
    return {"ANSIBLE_CALLBACK_PLUGINS": rel_util.CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "reliability_results",
            "RELIABILITY_RESULTS": results_path}


def read_callback(path):
    by_host = collections.defaultdict(list)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    by_host[item["host"]].append(item)
    return by_host


def host_name(case, index):
    return "f%02d-%s" % (index, re.sub(r"[^A-Za-z0-9]+", "-", case.id).strip("-").lower())[:60]


def run_playbook_batch(cases, make_sim, workdir, secrets, profile="small", extra_vars=None, verbosity=3,
                       timeout=600, env_extra=None):
    """The full form: one asbuilt playbook run, one inventory host per case plus a baseline host.

    Returns ({host: Observation}, baseline run directory, (rc, stdout, stderr, timed_out)).
    """
    from roles_util import env_for, host_vars, inventory
    workdir = str(workdir)
    out = os.path.join(workdir, "out")
    hosts, sims, names = {}, {}, {}
    baseline_sim = make_sim(profile=profile, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
    taps = [tap_jwts(baseline_sim)]
    hosts["baseline"] = host_vars(baseline_sim)
    for index, case in enumerate(cases, 1):
        sim = make_sim(profile=profile, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD},
                       faults=[dict(s) for s in case.specs], **case.sim)
        taps.append(tap_jwts(sim))
        name = host_name(case, index)
        hosts[name], sims[name], names[name] = host_vars(sim), sim, case
    inv = inventory(workdir, hosts, asbuilt_output_dir=out, **(extra_vars or {}))
    results_path = os.path.join(workdir, "callback.jsonl")
    env = env_for(baseline_sim, user="admin", password=CANARY_PASSWORD, ANSIBLE_FORKS=str(len(hosts)),
                  **dict(PLAYBOOK_ENV, **callback_env(results_path), **(env_extra or {})))
    started = time.monotonic()
    rc, stdout, stderr, timed_out = run_playbook_bounded(
        "vastops.asbuilt.asbuilt", inv, env, workdir, timeout, verbosity=verbosity)
    wall = time.monotonic() - started
    for tokens in taps:
        secrets.add_jwts(tokens)
    by_host = read_callback(results_path)
    fleet = None
    if os.path.exists(os.path.join(out, "index.html")):
        with open(os.path.join(out, "index.html"), encoding="utf-8") as handle:
            fleet = handle.read()
    observations = {}
    for name, case in names.items():
        obs = Observation(case)
        obs.deadline = float(PLAYBOOK_ENV["VAST_DEADLINE"])
        obs.exit_code = rc
        obs.texts = [stdout, stderr]
        obs.fleet_index = fleet
        obs.timed_out = timed_out
        items = by_host.get(name, [])
        obs.results = [i["result"] for i in items]
        info = [i for i in items if i["action"].endswith("vast_info")]
        if info:
            obs.elapsed = info[-1]["duration"]
            obs.retries = _session_of(info[-1]["result"]).get("retries")
        else:
            obs.elapsed = wall
        failed = [i for i in items if i["status"] in ("failed", "unreachable") and not i["ignore_errors"]]
        if failed:
            obs.failure = failed[0]["result"]
            obs.msg = failed[0]["result"].get("msg")
        reports = [i for i in items if i["action"].endswith("vast_report") and i["status"] == "ok"]
        obs.completed = bool(reports) and not failed and not timed_out
        cluster_dir = os.path.join(out, name)
        runs = sorted(d for d in os.listdir(cluster_dir)) if os.path.isdir(cluster_dir) else []
        runs = [d for d in runs if re.match(r"^\d{8}T\d{6}Z", d)]
        obs.run_dir = os.path.join(cluster_dir, runs[-1]) if runs else None
        obs.requests = len(sims[name].request_log())
        obs.take_fired(sims[name])
        obs._admission_hits = sum(1 for e in sims[name].request_log()
                                  if (e.get("fault") or "").startswith("admission"))
        observations[name] = obs
    baseline_runs = sorted(d for d in os.listdir(os.path.join(out, "baseline")) if re.match(r"^\d{8}T", d)) \
        if os.path.isdir(os.path.join(out, "baseline")) else []
    baseline_dir = os.path.join(out, "baseline", baseline_runs[-1]) if baseline_runs else None
    return observations, baseline_dir, (rc, stdout, stderr, timed_out)


# -- classification ------------------------------------------------------------------------------------------------
def _resource_records(doc):
    out = {}
    for subset, resources in (doc.get("vast_info") or {}).items():
        for name, records in resources.items():
            out["%s.%s" % (subset, name)] = records
    return out


_GENERIC = ("MODULE FAILURE", "This is a bug", "Unexpected error", "unhandled exception")


def classify(obs, baseline_doc, secrets):
    """(outcome, [problems]) of one observation; see the module docstring."""
    problems = []
    case = obs.case
    # never: a traceback, a hang, a secret
    for text in obs.texts + [json.dumps(r, default=str) for r in obs.results]:
        if rel_util.TRACEBACK in (text or ""):
            problems.append(("TRACEBACK", "a Python traceback in the output"))
            break
    if obs.exception:
        problems.append(("TRACEBACK", "an exception escaped a module: %s" % obs.exception.strip().splitlines()[-1]))
    for result in obs.results:
        # ansible-core 2.19 puts "(traceback unavailable)" in "exception" of every failed result at -vvv: only a
        # real traceback, or output on the module's stderr (a crash before it could answer), counts
        crash = result.get("module_stderr") or (result.get("exception") if rel_util.TRACEBACK in
                                                str(result.get("exception") or "") else None)
        if crash:
            problems.append(("TRACEBACK", "a module crashed: %s" % str(crash)[-300:]))
            break
    if not obs.fault_fired():
        problems.append(("UNEXPECTED", "the injected fault never fired: %s" % (obs.fired,)))
    elif case.verify is not None:
        why = case.verify((obs.fired or {}).get("auth", {}))
        if why:
            problems.append(("UNEXPECTED", "the fault did not have its effect: %s (%s)" % (why, obs.fired)))
    if obs.timed_out:
        problems.append(("HANG", "still running when the outer timeout killed it"))
    elif obs.elapsed is not None and obs.deadline and obs.elapsed > obs.deadline + 20:
        problems.append(("HANG", "took %.0fs, past the deadline of %.0fs" % (obs.elapsed, obs.deadline)))
    where = "case %s" % case.id
    hits = []
    for index, text in enumerate(obs.texts):
        hits += secrets.scan_text(text, "%s output %d" % (where, index))
    for result in obs.results:
        hits += secrets.scan_text(json.dumps(result, default=str), "%s module result" % where)
    if obs.run_dir and os.path.isdir(obs.run_dir):
        hits += secrets.scan_tree(obs.run_dir)
    if hits:
        problems.append(("SECRET", "; ".join("%s in %s: ...%s..." % h for h in hits[:3])))

    run_dir = obs.run_dir
    snapshot = os.path.join(run_dir, "snapshot.json.gz") if run_dir else None
    doc = None
    if snapshot and os.path.exists(snapshot):
        from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import SnapshotError, read_snapshot
        try:
            doc = read_snapshot(snapshot)
        except SnapshotError as exc:
            problems.append(("PARTIAL", "an invalid snapshot under its final name: %s" % exc))

    if not obs.completed:
        outcome = "failed"
        msg = obs.msg or ""
        if not msg.strip():
            problems.append(("UNEXPECTED", "failed without a message"))
        if any(g in msg for g in _GENERIC):
            problems.append(("BUG", "not a clear message: %s" % msg[:300]))
        if "\n\n" in msg.strip() or len(msg) > 1500:
            problems.append(("UNEXPECTED", "the message is not one short paragraph (%d chars)" % len(msg)))
        if run_dir and os.path.isdir(run_dir):
            finals = [os.path.basename(p) for p in rel_util.final_files(run_dir)]
            if finals:
                problems.append(("MISLEADING", "files under final names after a failure: %s" % finals))
        if obs.fleet_index is not None:
            name = os.path.basename(os.path.dirname(run_dir)) if run_dir else None
            if name and name not in obs.fleet_index:
                problems.append(("MISLEADING", "the fleet index does not list the failed cluster"))
        if obs.exit_code in (0, None) and not obs.timed_out and not obs.exception:
            problems.append(("MISLEADING", "failed, yet the exit status is 0"))
    else:
        if doc is None:
            problems.append(("MISLEADING", "completed without a snapshot"))
            return _verdict("degraded", problems)
        meta = doc["meta"]
        base_meta = baseline_doc["meta"]
        mine, base = _resource_records(doc), _resource_records(baseline_doc)
        statuses = dict((k, (v or {}).get("status")) for k, v in meta.get("resources", {}).items())
        base_statuses = dict((k, (v or {}).get("status")) for k, v in base_meta.get("resources", {}).items())
        affected = sorted(k for k, s in statuses.items() if s != base_statuses.get(k))
        missing = sorted(set(base_statuses) - set(statuses))
        if missing:
            problems.append(("MISLEADING", "resources of the baseline absent from meta.resources: %s" % missing))
        for key, records in mine.items():
            if key in base and records != base[key]:
                problems.append(("MISLEADING", "%s is marked ok but differs from the baseline" % key))
        for key in set(base) - set(mine):
            if key not in affected:
                problems.append(("MISLEADING", "%s is missing from vast_info but not marked" % key))
        errors = meta.get("errors") or {}
        for key in errors:
            if statuses.get(key) != "error":
                problems.append(("MISLEADING", "%s is in meta.errors but its status is %s" % (key, statuses.get(key))))
        if not affected and not errors:
            outcome = "correct"
            if doc.get("vast_info") != baseline_doc.get("vast_info"):
                problems.append(("MISLEADING", "vast_info differs from the baseline"))
            if meta.get("vast_info_sha256") != base_meta.get("vast_info_sha256"):
                problems.append(("MISLEADING", "vast_info_sha256 differs from the baseline"))
        else:
            outcome = "degraded"
            problems += report_problems(run_dir, affected, statuses)
    return _verdict(outcome, problems)


def report_problems(run_dir, affected, statuses):
    """What a degraded report must say: each affected resource, its status, and no claim of completeness."""
    problems = []
    texts = {}
    for name in ("report.md", "report.html"):
        path = os.path.join(run_dir, name)
        if not os.path.exists(path):
            problems.append(("MISLEADING", "%s is missing" % name))
            continue
        with open(path, encoding="utf-8") as handle:
            texts[name] = handle.read()
    errors = [k for k in affected if statuses.get(k) == "error"]
    for name, text in texts.items():
        if errors:
            # the first page must not look complete: the executive summary says which data is missing
            if name.endswith(".md"):
                top = text.split("## 1 Executive summary", 1)[-1].split("\n## 2 ", 1)[0]
                top = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", top)
            else:
                top = text.split('id="sec-executive_summary"', 1)[-1].split("<section", 1)[0]
            missing = [k for k in errors if k not in top]
            if "incomplete" not in top or missing:
                problems.append(("MISLEADING", "the executive summary of %s does not say the report is incomplete "
                                               "(resources not named there: %s)" % (name, missing or errors)))
        if name.endswith(".html"):
            plain = re.sub(r"<[^>]+>", " ", text)
        else:   # Markdown escapes: network\_settings is network_settings
            plain = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)
        plain = re.sub(r"\s+", " ", plain.replace("&amp;", "&"))
        if any(statuses.get(k) == "error" for k in affected) and "No resource failed to read" in plain:
            problems.append(("MISLEADING", "%s says no resource failed to read" % name))
        for key in affected:
            status = statuses.get(key)
            if key not in plain:
                problems.append(("MISLEADING", "%s does not name %s (%s)" % (name, key, status)))
                continue
            # the key with its status next to it (the appendix's table of resources read)
            words = (("error", "failed", "could not be read") if status == "error" else
                     ("unavailable", "not available", "not applicable", "not served"))
            if not re.search(r"%s[\s|]{1,12}(?:%s)" % (re.escape(key), "|".join(re.escape(w) for w in words)),
                             plain, re.I):
                problems.append(("MISLEADING", "%s names %s without saying it is %s" % (name, key, status)))
            if status == "error" and "could not be read" not in plain:
                problems.append(("MISLEADING", "%s never says what could not be read" % name))
    return problems


def _verdict(outcome, problems):
    for kind in BAD:
        if any(p[0] == kind for p in problems):
            return kind, problems
    return outcome, problems


def record(obs, outcome, problems, form):
    case = obs.case
    row = {"fault": case.fault, "scope": case.scope, "outcome": outcome, "expected": "/".join(case.expect),
           "time": obs.elapsed, "requests": obs.requests, "retries": obs.retries, "form": form,
           "ok": outcome in case.expect and not problems,
           "problems": ["%s: %s" % p for p in problems], "msg": (obs.msg or "")[:200]}
    with _RESULTS_LOCK:
        RESULTS.append(row)
    return row


# -- the table -----------------------------------------------------------------------------------------------------
def table(rows, markdown=False):
    """The matrix as text (or a Markdown table)."""
    header = ["fault", "scope", "outcome", "time", "requests", "retries"]
    lines = []
    body = []
    for row in rows:
        outcome = row["outcome"] + ("" if row["ok"] else "  <-- expected %s" % row["expected"])
        body.append([row["fault"], row["scope"], outcome,
                     "%.1fs" % row["time"] if isinstance(row["time"], (int, float)) else "-",
                     str(row["requests"]) if row["requests"] is not None else "-",
                     str(row["retries"]) if row["retries"] is not None else "-"])
    if markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---" for _ in header) + "|")
        for cells in body:
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    widths = [max(len(h), *(len(c[i]) for c in body)) if body else len(h) for i, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for cells in body:
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    return "\n".join(lines)


def counts(rows, secrets_found):
    tried = len(rows)
    survived = sum(1 for r in rows if r["outcome"] in ("correct", "degraded"))
    failed = sum(1 for r in rows if r["outcome"] == "failed")
    bad = sum(1 for r in rows if r["outcome"] not in GOOD)
    return ("faults tried: %d, survived: %d (correct %d, degraded %d), failed clearly: %d, violations: %d, "
            "secrets found: %d" % (tried, survived, sum(1 for r in rows if r["outcome"] == "correct"),
                                   sum(1 for r in rows if r["outcome"] == "degraded"), failed, bad, secrets_found))


if __name__ == "__main__":  # pragma: no cover
    import tempfile
    from simulator import Simulator, SimulatorConfig

    started = []

    def factory(**kwargs):
        kwargs.setdefault("port", 0)
        sim = Simulator(SimulatorConfig(**kwargs)).start()
        started.append(sim)
        return sim

    work = tempfile.mkdtemp(prefix="fault-matrix-")
    found = Secrets()
    found.add_password("admin", CANARY_PASSWORD)
    base = run_inprocess(Case("none", "baseline", [], ("correct",)), factory, work, found)
    base_doc = read_json(os.path.join(base.run_dir, "snapshot.json.gz"))
    cases = quick_cases()
    if "--full" in sys.argv:
        cases = [c for s in SCOPES for c in full_cases(s)]
    for case in cases:
        obs = run_inprocess(case, factory, work, found)
        record(obs, *classify(obs, base_doc, found), form="in-process")
        for sim in started:
            sim.stop()
        del started[:]
    print(table(RESULTS, markdown="--markdown" in sys.argv))
    print(counts(RESULTS, len(found.found)))
