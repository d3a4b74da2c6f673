"""User test 17, item 5: the collection lock covered only the reading, not the filing of the snapshot. Two runs
started together: the loser could take vast_info's lock after the winner's read, read the whole cluster a second
time, then fail with "snapshot ... is not a file" because the winner had filed (moved) the file meanwhile.

Now the staging directory's lease is the run's from the first read to the filing of the snapshot: the loser fails
at once with the lock message, reads nothing, and touches nothing of the winner's; a lease whose run is gone
(killed) is taken over with a warning."""
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from roles_util import BIN, api_paths, env_for, host_vars, inventory, latest_run, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator, pytest.mark.concurrency]

CLUSTER = "vast-tiny"
LOCK_MESSAGE = "Another run is already collecting into"


def _requests(sim, path):
    return [p for p in api_paths(sim) if p.split("?")[0].rstrip("/") == path]


def _runs(out):
    return sorted(d for d in os.listdir(str(out / CLUSTER)) if d[:1].isdigit())


def _start(tmp_path, inv, env, label):
    log = open(str(tmp_path / ("%s.log" % label)), "w")
    proc = subprocess.Popen([os.path.join(BIN, "ansible-playbook"), "-i", inv, "vastops.asbuilt.asbuilt"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(tmp_path))
    return proc, log


def _finish(tmp_path, proc, log, label):
    proc.wait(timeout=240)
    log.close()
    with open(str(tmp_path / ("%s.log" % label))) as handle:
        return proc.returncode, handle.read()


def test_two_runs_at_once_the_loser_reads_nothing_and_touches_nothing(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    # the first run is still reading when the second one starts: its one cnodes request waits 15 s (a long margin
    # for the second ansible-playbook to start, not a measured duration)
    sim.add_fault({"type": "latency", "delay_ms": 15000, "path": "/cnodes/*", "count": 1})
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    env = env_for(sim, VAST_TIMEOUT="60")
    lease = out / CLUSTER / ".collecting" / ".lease"
    first, first_log = _start(tmp_path, inv, env, "first")
    deadline = time.monotonic() + 200                  # hang guard only
    while not lease.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lease.exists(), "the first run never took the lease"
    holder = json.loads(lease.read_text())
    second, second_log = _start(tmp_path, inv, env, "second")
    rc2, text2 = _finish(tmp_path, second, second_log, "second")
    overlapped = first.poll() is None
    rc1, text1 = _finish(tmp_path, first, first_log, "first")
    assert overlapped, "the first run had finished before the second one: the test did not run them at once"
    assert rc1 == 0, text1[-3000:]
    assert rc2 != 0 and LOCK_MESSAGE in text2 and holder["run_id"] in text2, text2[-3000:]
    assert "is not a file" not in text2
    assert "TASK [vastops.asbuilt.collect : Read the cluster into the snapshot]" not in text2   # no second read
    assert len(_requests(sim, "/cnodes")) == 1                                              # read once
    assert len(_runs(out)) == 1 and os.path.isfile(os.path.join(latest_run(out, CLUSTER), "report.html"))
    assert not lease.exists()                          # given back once the snapshot was filed

    # started together, several times: one collects, the other fails with the lock message (or, when it came
    # after the first had finished, collects in turn), never a second read that fails at the filing
    sim.clear_faults()
    for attempt in range(3):
        sim.clear_log()
        procs = [_start(tmp_path, inv, env, "race%d%s" % (attempt, x)) for x in "ab"]
        results = [_finish(tmp_path, p, log, "race%d%s" % (attempt, x)) for (p, log), x in zip(procs, "ab")]
        ok = [r for r in results if r[0] == 0]
        failed = [r for r in results if r[0] != 0]
        assert ok, [r[1][-2000:] for r in results]
        for rc, text in failed:
            assert LOCK_MESSAGE in text and "is not a file" not in text, text[-3000:]
            assert "TASK [vastops.asbuilt.collect : Read the cluster into the snapshot]" not in text
        assert len(_requests(sim, "/cnodes")) == len(ok)
    assert not lease.exists()


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lease(path, pid, created=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"run_id": "killed-run", "pid": pid, "pid_start": None,
                                "host": socket.gethostname(), "created": created or time.time()}))


def test_a_killed_runs_lease_is_taken_over(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    lease = out / CLUSTER / ".collecting" / ".lease"

    # a lease whose process runs (this one), fresh: refused before any request, nothing touched
    _write_lease(lease, os.getpid())
    before = lease.read_text()
    sim.clear_log()
    held = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="held")
    assert held.rc != 0 and LOCK_MESSAGE in held.stdout and "run killed-run (pid %d" % os.getpid() in held.stdout
    assert [p for p in api_paths(sim) if not p.startswith("/_sim")] == []
    assert lease.read_text() == before and sorted(os.listdir(str(lease.parent))) == [".lease"]

    # the process is gone (killed): taken over with a warning, the run completes and gives the lease back
    _write_lease(lease, _dead_pid())
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="takeover").check()
    text = " ".join((result.stdout + result.stderr).split())
    assert "took over the staging directory from run killed-run" in text and "is no longer running" in text, text[-3000:]
    assert len(_runs(out)) == 1 and not lease.exists()

    # a lease older than the limit is stale even when its process seems to run
    _write_lease(lease, os.getpid(), created=time.time() - 25 * 3600)
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="old").check()
    assert "hours old" in " ".join((result.stdout + result.stderr).split())
    assert len(_runs(out)) == 2 and not lease.exists()


def test_a_lease_left_on_another_machine_lapses_after_the_collection_bound(sim_factory, tmp_path):
    """A cancelled AWX job leaves its lease in a container that is gone: its process cannot be checked from here,
    so the lease holds only as long as a collection can take (vast_deadline + 10 minutes), and the refusal says how
    to clear it by hand."""
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    lease = out / CLUSTER / ".collecting" / ".lease"

    def other_host(created, max_age):
        lease.parent.mkdir(parents=True, exist_ok=True)
        lease.write_text(json.dumps({"run_id": "awx-job-41", "pid": 17, "pid_start": None, "host": "automation-job-41",
                                     "created": created, "max_age": max_age}))

    other_host(time.time() - 600, 4200)                  # 10 minutes into a collection bounded by 70: still held
    held = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="other-held")
    text = " ".join(held.stdout.split())
    assert held.rc != 0 and LOCK_MESSAGE in text and "run awx-job-41 (pid 17 on automation-job-41" in text
    assert "delete %s" % lease in text and "it lapses by itself at" in text, text[-3000:]

    other_host(time.time() - 4300, 4200)                 # past the bound: no collection runs that long
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="other-lapsed").check()
    assert "took over the staging directory from run awx-job-41" in " ".join((result.stdout + result.stderr).split())
    assert not lease.exists()

    other_host(time.time() - 4300, None)                 # a lease without max_age: 24 hours, still held
    assert run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="no-max-age").rc != 0
