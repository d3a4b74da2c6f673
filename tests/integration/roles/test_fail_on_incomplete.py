"""Issue 12 M3: healthcheck_fail_on never passes while rules could not be evaluated because their data could not be
read (healthcheck_fail_on_incomplete, default true); rules whose data was not collected on purpose do not fail
the gate but are named."""
import pytest

from roles_util import env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


@pytest.fixture(scope="module")
def flaky(module_sims):
    sim = module_sims(profile="tiny", now=now_iso(), state={"scenarios": ["healthy"]})
    sim.add_fault({"type": "status", "status": 503, "path": "/views/*"})
    return sim


def _run(sim, tmp_path, playbook="healthcheck", **extra):
    inv = inventory(tmp_path, {"flaky": host_vars(sim)}, asbuilt_output_dir=str(tmp_path / "out"))
    return run_playbook(playbook, tmp_path, inv, env_for(sim), extra_vars=dict({"healthcheck_fail_on": "critical"},
                                                                               **extra))


@pytest.mark.parametrize("playbook", ["healthcheck", "asbuilt"])
def test_unread_data_fails_the_gate(flaky, tmp_path, playbook):
    result = _run(flaky, tmp_path, playbook)
    assert result.rc != 0, result.stdout[-3000:]
    assert "could not be evaluated because their data could not be read" in result.stdout
    assert "VAST-DP-001" in result.stdout
    # the summary line says why too, and never that data nobody left out was "not collected"
    assert "not evaluated (data could not be read)" in result.stdout
    assert "(data not collected)" not in result.stdout


def test_fail_on_incomplete_false_lets_it_pass(flaky, tmp_path):
    _run(flaky, tmp_path, healthcheck_fail_on_incomplete=False).check()


def test_data_not_collected_is_named_not_failed(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso(), state={"scenarios": ["healthy"]})
    result = _run(sim, tmp_path, collect_subsets=["cluster"]).check()
    assert "healthcheck_fail_on=critical passed" in result.stdout
    assert "not evaluated because their data was not collected (collect_subsets)" in result.stdout
