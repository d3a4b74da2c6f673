"""User test 17, items 1-4: the path variables of the playbooks.

1. An empty or blank asbuilt_output_dir wrote the reports to the file system's root (or into the collection's
   playbooks/ directory): refused up front, naming the variable, like a blank collect_snapshot or drift path.
2. A relative path resolved against the collection's playbooks/ directory (the modules' current directory), not
   the directory ansible-playbook was started in, as the default ./asbuilt-output does.
3. collect_snapshot without collect_offline=true was ignored and the cluster read instead: it implies offline.
4. A missing or unreadable collect_snapshot gave a bare "[Errno 2]" late: checked up front, naming the variable.
"""
import os

import pytest

from roles_util import REPO, api_paths, env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CLUSTER = "vast-tiny"


@pytest.fixture(scope="module")
def sim(module_sims):
    return module_sims(profile="tiny", now=now_iso())


def _requests(sim):
    return [p for p in api_paths(sim) if not p.startswith("/_sim")]


def _fatal(result):
    return [line for line in result.stdout.splitlines() if line.startswith("fatal:")]


@pytest.mark.parametrize("playbook,extra,message", [
    ("asbuilt", {"asbuilt_output_dir": ""}, "asbuilt_output_dir: is empty"),
    ("asbuilt", {"asbuilt_output_dir": " "}, "asbuilt_output_dir: is blank (only spaces)"),
    ("healthcheck", {"asbuilt_output_dir": ""}, "asbuilt_output_dir: is empty"),
    ("drift", {"asbuilt_output_dir": "  "}, "asbuilt_output_dir: is blank"),
    ("asbuilt", {"collect_snapshot": " "}, "collect_snapshot: is blank (only spaces)"),
    ("asbuilt", {"report_logo": " "}, "report_logo: is blank (only spaces)"),
    ("drift", {"drift_before": " "}, "drift_before: is blank"),
    ("drift", {"drift_dest": " "}, "drift_dest: is blank"),
    ("asbuilt", {"collect_offline": True, "collect_snapshot": "missing.json.gz"},
     "collect_snapshot: {tmp}/missing.json.gz does not exist"),
    ("asbuilt", {"collect_snapshot": "."}, "collect_snapshot: {tmp} is a directory, not a file"),
])
def test_blank_or_missing_path_stops_before_anything(sim, tmp_path, playbook, extra, message):
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)})
    before = sorted(os.listdir(str(tmp_path)))
    sim.clear_log()
    result = run_playbook(playbook, tmp_path, inv, env_for(sim), extra_vars=extra)
    assert result.rc != 0
    message = message.format(tmp=str(tmp_path))
    fatal = _fatal(result)
    assert len(fatal) == 1 and message in fatal[0] and "Errno" not in fatal[0], result.stdout[-3000:]
    assert _requests(sim) == []
    # nothing written: not in the current directory, not at the root, not in the collection
    assert sorted(n for n in os.listdir(str(tmp_path)) if not n.endswith((".log", ".json"))) == \
        sorted(n for n in before if not n.endswith((".log", ".json")))
    assert not os.path.exists(os.path.join(REPO, "playbooks", " "))
    assert not os.path.exists(os.path.join("/", CLUSTER))


def test_unreadable_snapshot_is_named(sim, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    snapshot = tmp_path / "secret.json.gz"
    snapshot.write_bytes(b"x")
    snapshot.chmod(0)
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)})
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={"collect_snapshot": str(snapshot)})
    assert result.rc != 0
    assert "collect_snapshot: %s cannot be read by this user (Permission denied)" % snapshot in result.stdout


def test_relative_paths_follow_the_start_directory_and_snapshot_implies_offline(sim, tmp_path):
    start = tmp_path / "start"
    start.mkdir()
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)})
    sim.clear_log()
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={"asbuilt_output_dir": "relout"},
                 cwd=start).check()
    out = start / "relout"
    assert (out / CLUSTER / "latest" / "report.html").is_file()
    assert (out / "index.html").is_file() and (out / "fleet.json").is_file()
    assert not os.path.exists(os.path.join(REPO, "playbooks", "relout"))
    assert _requests(sim)

    # collect_snapshot (relative) without collect_offline: re-rendered from it, the cluster is not read
    sim.clear_log()
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="offline",
                          extra_vars={"asbuilt_output_dir": "relout",
                                      "collect_snapshot": "relout/%s/latest/snapshot.json.gz" % CLUSTER},
                          cwd=start).check()
    assert _requests(sim) == [], _requests(sim)
    assert "1 re-rendered from a snapshot" in result.stdout
    assert len([n for n in os.listdir(str(out / CLUSTER)) if n[:1].isdigit()]) == 1     # in place

    # the default ./asbuilt-output is the start directory's too
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="default", cwd=start).check()
    assert (start / "asbuilt-output" / CLUSTER / "latest" / "report.html").is_file()
