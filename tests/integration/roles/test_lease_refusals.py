"""User test 18, items 3, 4 and 6: what a run refused because the cluster is being written says.

3. After ``kill -9`` of only the ansible-playbook, its vast_info keeps writing as an orphan: the next run takes the
   lease over (its pid is dead) and then lost vast_info's lock, whose message told playbook users to "give this run
   another dest" (a module option they never set). The collect role now says what they can do.
4. A run refused by the lease (another run is collecting) rewrote the fleet index with the cluster "failed" while the
   other run was still collecting it. It is now listed with its latest report and a note, not counted as failed
   (the play still fails for that host).
6. The refusal's ``fatal:`` line carried the staging directory's uid, gid, mode, owner and size (a ``path`` key in
   fail_json makes Ansible add them)."""
import fcntl
import json
import os
import re
import socket
import time

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator, pytest.mark.concurrency]

CLUSTER = "vast-tiny"


def _flat(run):
    return " ".join((run.stdout + run.stderr).split())


def test_a_refused_run_lists_the_cluster_as_being_collected_not_failed(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="first").check()
    first = os.path.basename(latest_run(out, CLUSTER))

    # another run (this process: alive) holds the lease
    lease = out / CLUSTER / ".collecting" / ".lease"
    lease.parent.mkdir(parents=True, exist_ok=True)
    lease.write_text(json.dumps({"run_id": "other-run", "pid": os.getpid(), "pid_start": None,
                                 "host": socket.gethostname(), "created": time.time()}))
    held = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="held")
    assert held.rc != 0 and "Another run is already collecting into" in held.stdout
    doc = read_json(str(out / "fleet.json"))
    row = doc["clusters"][0]
    assert row["status"] == "earlier" and row["run"] == first, row
    assert row["note"] == "being collected by another run (refused: lease held)"
    assert doc["totals"]["failed"] == 0 and doc["totals"]["earlier"] == 1
    assert "being collected by another run" in (out / "index.html").read_text(encoding="utf-8")
    assert "being collected by another run" in (out / "index.md").read_text(encoding="utf-8")
    assert "0 failed" in held.stdout

    # item 6: the fatal line names the staging directory, without the file attributes Ansible adds for 'path'
    fatal = [line for line in held.stdout.splitlines() if line.startswith("fatal:") and "already collecting" in line]
    assert fatal, held.stdout[-3000:]
    result = json.loads(re.sub(r"^fatal: \[[^]]*\]: FAILED! => ", "", fatal[0]))
    assert result["staging_dir"] == str(lease.parent) and result["error_kind"] == "locked"
    assert not set(result) & {"path", "uid", "gid", "mode", "owner", "group", "size", "state"}, result


def test_an_orphaned_vast_info_still_writing_gets_a_message_for_playbook_users(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    staging = out / CLUSTER / ".collecting"
    parts = staging / "snapshot.json.gz.parts"
    parts.mkdir(parents=True, mode=0o700)
    # what the orphan holds: vast_info's lock on its parts (no lease: the killed run's is stale and taken over)
    fd = os.open(str(parts / ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="orphan")
    finally:
        os.close(fd)
    text = _flat(run)
    assert run.rc != 0
    assert ("Another process (perhaps left over from a killed run of this playbook) is still writing into %s: wait "
            "for it to end, or give this run another asbuilt_output_dir." % staging) in text, text[-3000:]
    assert "another dest" not in text.split("TASK [vastops.asbuilt.collect : Read the cluster into the snapshot (failed)]")[-1]
    assert not (staging / ".lease").exists()        # given back: the orphan keeps the staging directory
