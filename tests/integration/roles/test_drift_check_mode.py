"""User test 17, item 6: the drift playbook under --check (without drift_collect) said "changed" and printed the
path of a drift.html it never wrote. It now says what it would write, and changed only when a file would change.
User test 18, item 2: when nothing would change, it says "check mode: no change to <drift.html>", not "would write"."""
import os
import re

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CLUSTER = "vast-tiny"


def _changed(result):
    return int(re.search(r"%s\s*: ok=\d+\s+changed=(\d+)" % CLUSTER, result.stdout).group(1))


def test_drift_check_mode_says_what_it_would_write(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    env = env_for(sim)
    run_playbook("asbuilt", tmp_path, inv, env, label="first").check()
    run_playbook("asbuilt", tmp_path, inv, env, label="second").check()
    html = os.path.join(latest_run(out, CLUSTER), "drift.html")

    dry = run_playbook("drift", tmp_path, inv, env, label="dry", extra_args=["--check"]).check()
    assert "check mode: would write %s" % html in dry.stdout, dry.stdout[-3000:]
    assert not os.path.exists(html)
    assert _changed(dry) == 1

    real = run_playbook("drift", tmp_path, inv, env, label="real").check()
    assert os.path.isfile(html) and "would write" not in real.stdout
    again = run_playbook("drift", tmp_path, inv, env, label="again", extra_args=["--check"]).check()
    assert _changed(again) == 0                        # the same files: nothing would change
    # user test 18, item 2: nor does it say it would write them
    assert "would write" not in again.stdout, again.stdout[-3000:]
    assert "check mode: no change to %s)" % html in again.stdout, again.stdout[-3000:]
