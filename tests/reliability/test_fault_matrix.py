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
