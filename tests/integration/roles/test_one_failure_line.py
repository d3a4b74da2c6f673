"""Issue 12 m6: a cluster that fails shows its error once (not three fatal lines with the same message), and the
run ends with one short line per failed cluster."""
import re

import pytest

from roles_util import env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_a_failed_cluster_shows_its_error_once(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"good": host_vars(sim), "bad": host_vars(sim, vast_password="wrong-password")},
                    asbuilt_output_dir=str(out))
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim))
    assert result.rc != 0
    lines = result.stdout.splitlines()
    fatal = [line for line in lines if re.match(r"^fatal: \[bad\]", line)]
    with_message = [line for line in fatal if "rejected username/password" in line]
    assert len(with_message) == 1, result.stdout[-6000:]
    assert len(fatal) == 2 and "bad has no report: 'Read the cluster into the snapshot (failed)' failed" in fatal[-1]
    assert not [line for line in lines if line.startswith("fatal: [good]")]
    assert "rejected username/password" in open(str(out / "index.html"), encoding="utf-8").read()
