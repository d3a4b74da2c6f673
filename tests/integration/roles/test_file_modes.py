"""User test 18, item 7: file modes were mixed (snapshot.json.gz 0600, reports and CSVs 0644, run directories 0750).
Every output file is now 0640 and every output directory 0750 (the report holds the same configuration as the
snapshot); only the private staging directory (lease, parts) stays 0700."""
import os
import stat

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CLUSTER = "vast-tiny"


def _mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_every_output_file_is_0640_and_every_directory_0750(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"                  # created by the run, as every directory below it
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    old_umask = os.umask(0o022)             # the playbook inherits it: modes must not depend on a lax umask
    try:
        run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="modes").check()
        # a copy of the snapshot re-rendered into a run directory of its own (vast_run_dir copy)
        copy = tmp_path / "copy.json.gz"
        copy.write_bytes(open(os.path.join(latest_run(out, CLUSTER), "snapshot.json.gz"), "rb").read())
        run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={"collect_snapshot": str(copy)},
                     label="copy").check()
        # drift into a directory that does not exist yet (vast_drift creates it and its parent)
        drift_dest = tmp_path / "drift-out" / "sub"
        run_playbook("drift", tmp_path, inv, env_for(sim), extra_vars={"drift_dest": str(drift_dest)},
                     label="drift").check()
    finally:
        os.umask(old_umask)
    assert _mode(str(drift_dest)) == 0o750 and _mode(str(drift_dest.parent)) == 0o750
    assert os.listdir(str(drift_dest)) and all(_mode(str(f)) == 0o640 for f in drift_dest.iterdir())
    files, dirs = {}, {}
    for root, subdirs, names in os.walk(str(out)):
        dirs[root] = _mode(root)
        for name in names:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                files[path] = _mode(path)
    runs = [d for d in os.listdir(str(out / CLUSTER)) if d[:1].isdigit()]
    assert len(runs) == 2
    assert any(p.endswith("snapshot.json.gz") for p in files) and any(p.endswith(".csv") for p in files)
    assert {p: oct(m) for p, m in files.items() if m != 0o640} == {}
    staging = str(out / CLUSTER / ".collecting")
    assert dirs.pop(staging, 0o700) == 0o700          # private working state (lease, parts), when it is there
    assert {p: oct(m) for p, m in dirs.items() if m != 0o750} == {}
