"""User test 15, item 6: an unusable asbuilt_output_dir was reported in internal terms ("dest: ... Choose another
dest", "cannot write into /tmp/x/afile: [Errno 17] File exists"). The playbook's messages now name
asbuilt_output_dir and say the obstacle in words."""
import pytest

from roles_util import api_paths, env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_an_output_dir_that_is_a_file_is_named_in_words(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    afile = tmp_path / "afile"
    afile.write_text("not a directory")
    inv = inventory(tmp_path, {"c1": host_vars(sim)}, asbuilt_output_dir=str(afile))
    sim.clear_log()
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim))
    assert result.rc != 0
    fatal = [line for line in result.stdout.splitlines() if line.startswith("fatal:")]
    assert "%s is a file, not a directory" % afile in fatal[0] and "asbuilt_output_dir" in fatal[0], fatal
    assert "dest" not in fatal[0].split('"msg"')[1].replace("the playbooks' output directory", "")
    index = [line for line in fatal if "fleet index" in line]
    assert index and "%s is a file, not a directory" % afile in index[0] and "asbuilt_output_dir" in index[0], fatal
    assert "Errno" not in result.stdout
    assert [p for p in api_paths(sim) if not p.startswith("/_sim")] == []       # nothing read for nothing
    assert afile.read_text() == "not a directory"


@pytest.mark.parametrize("playbook", ["asbuilt", "healthcheck"])
def test_check_mode_is_refused_at_the_start_and_leaves_nothing(sim_factory, tmp_path, playbook):
    """User test 15, item 2: --check failed halfway ("dest: the directory .../.collecting does not exist", or
    "cannot read .../findings.json" blamed on the fleet index) and left a stray .collecting/snapshot.json.gz.
    It is refused once, at the start, saying what to do; nothing is read or written."""
    import os
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"c1": host_vars(sim)}, asbuilt_output_dir=str(out))
    sim.clear_log()
    result = run_playbook(playbook, tmp_path, inv, env_for(sim), extra_args=["--check"])
    assert result.rc != 0
    fatal = [line for line in result.stdout.splitlines() if line.startswith("fatal:")]
    assert len(fatal) == 1 and "check mode (--check) is not supported" in fatal[0], fatal
    assert "asbuilt_output_dir" in fatal[0] and "vast_info" in fatal[0]
    assert [p for p in api_paths(sim) if not p.startswith("/_sim")] == []
    assert not os.path.exists(str(out))
