"""The fault matrix (see fault_matrix.py): every fault the simulator can inject, classified.

Quick form (``make test``): one case per fault type, in-process (vast_info with dest, then vast_healthcheck and
vast_report, as the roles call them) on a ``tiny`` cluster.  Full form (``make reliability``, marked slow): every
fault type in every scope (one resource, all resources, token calls, mid-run) through ``ansible-playbook
vastops.asbuilt.asbuilt`` at -vvv, one inventory host (and simulator) per case, on a ``small`` cluster with small
pages.  Each case must end in one of its expected outcomes with no violation; the table is printed at the end.
"""
import os

import pytest

import fault_matrix
from fault_matrix import Case, classify, full_cases, quick_cases, record, run_inprocess, run_playbook_batch
from rel_util import read_json

pytestmark = [pytest.mark.reliability, pytest.mark.fault, pytest.mark.simulator]


@pytest.fixture(scope="module")
def baseline(rel_sims, tmp_path_factory, secrets):
    """A fault-free collection of the same cluster (same profile, seed and data time)."""
    obs = run_inprocess(Case("none", "baseline", [], ("correct",)), rel_sims, tmp_path_factory.mktemp("base"), secrets)
    assert obs.completed, (obs.msg, obs.exception)
    return read_json(os.path.join(obs.run_dir, "snapshot.json.gz"))


def _explain(obs, outcome, problems):
    return "%s: %s (expected %s)\nproblems: %s\nmsg: %s\nexception: %s" % (
        obs.case.id, outcome, "/".join(obs.case.expect), problems, obs.msg, obs.exception)


@pytest.mark.parametrize("case", quick_cases(), ids=lambda c: c.id)
def test_fault_quick(case, baseline, sim_factory, tmp_path, secrets):
    obs = run_inprocess(case, sim_factory, tmp_path, secrets)
    outcome, problems = classify(obs, baseline, secrets)
    record(obs, outcome, problems, "in-process")
    assert not problems and outcome in case.expect, _explain(obs, outcome, problems)


def test_playbook_environment_takes_the_forks_of_the_batch():
    """The playbook form runs every case as its own host at once: its environment must carry its own fork count
    (roles_util.env_for once refused an ANSIBLE_FORKS of the caller with a TypeError, and every playbook case
    failed before it started)."""
    from roles_util import env_for
    env = env_for(None, ANSIBLE_FORKS="17", VAST_TIMEOUT="2")
    assert env["ANSIBLE_FORKS"] == "17" and env["VAST_TIMEOUT"] == "2"
    assert env_for(None)["ANSIBLE_FORKS"] == "8"


@pytest.fixture(scope="module")
def playbook_baselines():
    return {}


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.secrets
@pytest.mark.parametrize("scope", fault_matrix.SCOPES)
def test_fault_matrix_playbook(scope, rel_sims, tmp_path, secrets):
    """Every fault type in *scope*, through ansible-playbook vastops.asbuilt.asbuilt at -vvv (one host per case)."""
    cases = full_cases(scope)
    observations, baseline_dir, (rc, stdout, stderr, timed_out) = run_playbook_batch(
        cases, rel_sims, tmp_path, secrets, profile="small", extra_vars={"collect_max_records": 100})
    assert baseline_dir, "the fault-free baseline host has no run directory:\n%s\n%s" % (stdout[-3000:], stderr[-2000:])
    assert "ESTABLISH LOCAL CONNECTION" in stdout            # it really ran at -vvv
    baseline = read_json(os.path.join(baseline_dir, "snapshot.json.gz"))
    assert not baseline["meta"]["errors"]
    bad = []
    for name, obs in sorted(observations.items()):
        outcome, problems = classify(obs, baseline, secrets)
        record(obs, outcome, problems, "playbook")
        if problems or outcome not in obs.case.expect:
            bad.append(_explain(obs, outcome, problems))
    assert not bad, "\n\n".join(bad)


# -- the classifier can fail ---------------------------------------------------------------------------------------
def _synthetic(tmp_path, baseline, **changes):
    """An observation of a completed run whose snapshot and report are the baseline's, then *changes*."""
    import gzip
    import json
    case = Case("synthetic", "one resource", [{"type": "status", "status": 500}], ("correct",))
    obs = fault_matrix.Observation(case)
    obs.fired = {"faults": {"f1": 1}, "auth": {}}
    obs.run_dir = str(tmp_path)
    obs.completed, obs.elapsed, obs.deadline = True, 1.0, 25.0
    doc = changes.pop("doc", baseline)
    if changes.get("completed", True):
        with gzip.open(os.path.join(obs.run_dir, "snapshot.json.gz"), "wt", encoding="utf-8") as handle:
            json.dump(doc, handle)
        for name in ("report.md", "report.html"):
            with open(os.path.join(obs.run_dir, name), "w", encoding="utf-8") as handle:
                handle.write(changes.pop(name, "No resource failed to read."))
    for key, value in changes.items():
        setattr(obs, key, value)
    return obs


def test_the_classifier_can_fail(baseline, tmp_path_factory, secrets):
    """Each violation the matrix looks for is recognised (so a clean matrix means something)."""
    import copy
    mk = lambda **c: _synthetic(tmp_path_factory.mktemp("syn"), baseline, **c)      # noqa: E731
    assert classify(mk(), baseline, secrets)[0] == "correct"
    wrong = copy.deepcopy(baseline)
    wrong["vast_info"]["logical"]["views"] = wrong["vast_info"]["logical"]["views"][1:]
    assert classify(mk(doc=wrong), baseline, secrets)[0] == "MISLEADING"           # data lost, marked ok
    errored = copy.deepcopy(baseline)
    del errored["vast_info"]["logical"]["views"]
    errored["meta"]["resources"]["logical.views"] = {"status": "error", "reason": "boom"}
    errored["meta"]["errors"] = {"logical.views": {"msg": "boom"}}
    assert classify(mk(doc=errored), baseline, secrets)[0] == "MISLEADING"         # the report does not say so
    said = "logical.views | error | could not be read: boom"
    assert classify(mk(doc=errored, **{"report.md": said, "report.html": said}), baseline, secrets)[0] == "MISLEADING"
    md = "## 1 Executive summary\nThis report is incomplete: logical.views could not be read: boom\n## 2 Cluster\n" + said
    html = '<section id="sec-executive_summary">This report is incomplete: logical.views could not be read: boom' + said
    assert classify(mk(doc=errored, **{"report.md": md, "report.html": html}), baseline, secrets)[0] == "degraded"
    vague = "## 1 Executive summary\nThis report is incomplete: see logical.views\n## 2 Cluster\nsomething could not be read"
    assert classify(mk(doc=errored, **{"report.md": vague, "report.html": html}), baseline, secrets)[0] == "MISLEADING"
    assert classify(mk(texts=["Traceback (most recent call last):\n  File x"]), baseline, secrets)[0] == "TRACEBACK"
    assert classify(mk(elapsed=100.0), baseline, secrets)[0] == "HANG"
    assert classify(mk(timed_out=True), baseline, secrets)[0] == "HANG"
    leaked = secrets.found[:]
    assert classify(mk(texts=["pw %s" % fault_matrix.CANARY_PASSWORD]), baseline, secrets)[0] == "SECRET"
    secrets.found[:] = leaked                          # a planted canary is not a finding of the suite
    failed = dict(completed=False, exit_code=1, msg="Unexpected error (KeyError: 'x'). This is a bug in it.")
    assert classify(mk(**failed), baseline, secrets)[0] == "BUG"                    # not a clear message
    assert classify(mk(completed=False, exit_code=0, msg="x failed"), baseline, secrets)[0] == "MISLEADING"
    clear = mk(completed=False, exit_code=1, msg="The cluster answered 503 for /api/v7/views/.")
    assert classify(clear, baseline, secrets)[0] == "failed"
    partial = mk(completed=False, exit_code=1, msg="The cluster answered 503.")
    with open(os.path.join(partial.run_dir, "snapshot.json.gz"), "wb") as handle:
        handle.write(b"\x1f\x8b\x08\x00truncated")
    assert classify(partial, baseline, secrets)[0] == "PARTIAL"
    never = mk()
    never.fired = {"faults": {"f1": 0}, "auth": {}}
    assert classify(never, baseline, secrets)[0] == "UNEXPECTED"                    # a fault that never fired
