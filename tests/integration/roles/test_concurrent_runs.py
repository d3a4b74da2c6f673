"""User test 15, item 1: two as-built runs at once into the same output directory. The one that finds the
cluster's staging directory locked fails with the lock message and touches nothing of the other run's: it used
to "tidy up" the staging directory the winner was still using, so both failed and the cluster directory vanished.

The other run is played by this test, holding the lock of the staging directory's parts as vast_info does."""
import os

import pytest

from roles_util import env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator, pytest.mark.concurrency]

CLUSTER = "vast-tiny"


def test_the_run_that_lost_the_lock_touches_nothing_of_the_winner(sim_factory, tmp_path):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import PartStore
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    staging = out / CLUSTER / ".collecting"
    staging.mkdir(parents=True)
    holder = PartStore(str(staging / "snapshot.json.gz"), resume=True)       # the winner, collecting
    winners_part = staging / "snapshot.json.gz.parts" / "hardware.cnodes.json"
    winners_part.write_text("{}")
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    try:
        result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="loser")
    finally:
        holder.release()
    assert result.rc != 0
    # user test 18, item 3: said for playbook users (vast_info's own words named its dest option)
    assert ("Another process (perhaps left over from a killed run of this playbook) is still writing into %s"
            % staging) in " ".join(result.stdout.split())
    # the tidy-up of a failed collection is not run when the lock was someone else's
    tidy = result.stdout.split("TASK [vastops.asbuilt.collect : Leave no empty directory behind", 1)[1]
    tidy = tidy.split("\n", 1)[1].split("TASK [", 1)[0]
    assert tidy.strip().startswith("skipping:"), tidy
    assert winners_part.read_text() == "{}"
    assert sorted(os.listdir(str(staging / "snapshot.json.gz.parts"))) == [".lock", "hardware.cnodes.json"]
