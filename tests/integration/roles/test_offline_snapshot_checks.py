"""User test 18, items 1 and 2: offline re-renders from a snapshot (collect_snapshot).

1. A snapshot of ANOTHER cluster was filed silently under the inventory host's directory: its latest report, the
   fleet index and later drift then showed another cluster. Now it is refused when the earlier runs there are of
   another cluster (guid, name as fallback), naming both and how to proceed; with no earlier run it is accepted with
   a warning when the snapshot was read from another address than the host's.
2. Re-rendering an OLDER snapshot of the same cluster moved ``latest`` (and the fleet index) back to the older data.
   Now ``latest`` stays on the run with the newest collection time, and the run says so."""
import os
import shutil

import pytest

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def _runs(out, cluster):
    return sorted(d for d in os.listdir(str(out / cluster)) if d[:1].isdigit())


def _flat(run):
    return " ".join((run.stdout + run.stderr).split())


def test_a_snapshot_of_another_cluster_is_refused(sim_factory, tmp_path):
    lab = sim_factory(profile="tiny", seed=3, now=now_iso())
    other = sim_factory(profile="tiny", seed=4, vast_version="4.7", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"lab07": host_vars(lab), "lab09": host_vars(other)}, asbuilt_output_dir=str(out))
    # one run per cluster (each simulator gets its own credentials)
    run_playbook("asbuilt", tmp_path, inv, env_for(lab), label="lab07", extra_args=("-l", "lab07")).check()
    run_playbook("asbuilt", tmp_path, inv, env_for(other), label="lab09", extra_args=("-l", "lab09")).check()
    theirs = read_json(os.path.join(latest_run(out, "lab09"), "snapshot.json.gz"))["meta"]["cluster"]
    mine = read_json(os.path.join(latest_run(out, "lab07"), "snapshot.json.gz"))["meta"]["cluster"]
    assert theirs["guid"] != mine["guid"]
    foreign = tmp_path / "other.json.gz"
    shutil.copy(os.path.join(latest_run(out, "lab09"), "snapshot.json.gz"), str(foreign))
    runs_before, latest_before = _runs(out, "lab07"), latest_run(out, "lab07")
    fleet_before = (out / "fleet.json").read_bytes()

    refused = run_playbook("asbuilt", tmp_path, inv, env_for(lab), extra_vars={"collect_snapshot": str(foreign)},
                           label="refused", extra_args=("-l", "lab07"))
    text = _flat(refused)
    assert refused.rc != 0
    assert "Offline re-render refused" in text and str(foreign) in text, text[-3000:]
    assert theirs["guid"] in text and mine["guid"] in text                   # both clusters are named
    assert "-l <that host>" in text and "asbuilt_output_dir" in text         # and how to go on
    assert _runs(out, "lab07") == runs_before and latest_run(out, "lab07") == latest_before
    assert read_json(str(out / "fleet.json"))["clusters"] == read_json_bytes(fleet_before)["clusters"] or \
        [r["cluster_name"] for r in read_json(str(out / "fleet.json"))["clusters"] if r["name"] == "lab07"] == \
        [mine["name"]]

    # the same snapshot for the cluster it belongs to is accepted (copied into a run directory of lab09)
    run_playbook("asbuilt", tmp_path, inv, env_for(other), extra_vars={"collect_snapshot": str(foreign)},
                 label="right-host", extra_args=("-l", "lab09")).check()

    # no earlier run under this output directory: accepted, with a warning (read from another address)
    fresh = tmp_path / "fresh"
    inv2 = inventory(tmp_path, {"lab07": host_vars(lab)}, asbuilt_output_dir=str(fresh))
    accepted = run_playbook("asbuilt", tmp_path, inv2, env_for(lab), extra_vars={"collect_snapshot": str(foreign)},
                            label="fresh").check()
    text = _flat(accepted)
    assert "[WARNING]" in accepted.stdout + accepted.stderr
    assert "was read from %s" % other.host in text and lab.host in text and "check that it is this cluster's" in text
    assert len(_runs(fresh, "lab07")) == 1


def read_json_bytes(data):
    import json
    return json.loads(data.decode("utf-8"))


def test_an_older_snapshot_re_rendered_leaves_latest_on_the_newest_data(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {"lab07": host_vars(sim)}, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="first").check()
    older = latest_run(out, "lab07")
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="second").check()
    newest = latest_run(out, "lab07")
    assert newest != older
    newest_at = read_json(os.path.join(newest, "report.json"))["collected_at"]
    older_at = read_json(os.path.join(older, "report.json"))["collected_at"]
    assert older_at < newest_at

    # the older run's own snapshot (re-rendered in its directory) and a copy of it elsewhere (a new run directory)
    copy = tmp_path / "older.json.gz"
    shutil.copy(os.path.join(older, "snapshot.json.gz"), str(copy))
    for label, snapshot in (("in-place", os.path.join(older, "snapshot.json.gz")), ("copy", str(copy))):
        before = _runs(out, "lab07")
        run = run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={"collect_snapshot": snapshot},
                           label=label).check()
        text = _flat(run)
        assert latest_run(out, "lab07") == newest, label
        assert (out / "lab07" / "latest.txt").read_text().strip() == os.path.basename(newest)
        assert "latest still points to %s" % os.path.basename(newest) in text, text[-3000:]
        assert "[WARNING]" in run.stdout + run.stderr
        row = read_json(str(out / "fleet.json"))["clusters"][0]
        assert row["collected_at"] == newest_at and row["run"] == os.path.basename(newest), row
        assert "latest stays the newer %s" % os.path.basename(newest) in row["note"]
        assert "latest stays the newer" in (out / "index.html").read_text(encoding="utf-8")
        after = _runs(out, "lab07")
        if label == "copy":
            assert len(after) == len(before) + 1          # a run directory of its own
            added = sorted(set(after) - set(before))[0]
            assert os.path.isfile(os.path.join(str(out / "lab07"), added, "report.html"))
            # named after its data's collection time: the runs sort in the order their data was read, so drift's
            # "last two runs" are still the two newest collections, not the old data re-rendered today
            assert added.startswith(older_at.replace("-", "").replace(":", "")[:15]), (added, older_at)
            assert sorted(after)[-1] == os.path.basename(newest)
        else:
            assert after == before

    # a new collection still becomes the latest
    run_playbook("asbuilt", tmp_path, inv, env_for(sim), label="third").check()
    assert latest_run(out, "lab07") not in (newest, older)
