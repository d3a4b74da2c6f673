"""B1 / m3: a cluster's run directories (output_files, used by the vast_run_dir module and the collect role)."""
import datetime
import os

from ansible_collections.vastops.asbuilt.plugins.module_utils import output_files

NOW = datetime.datetime(2026, 12, 3, 16, 30, 0, tzinfo=datetime.timezone.utc)


def test_every_run_gets_a_new_directory(tmp_path):
    cluster = tmp_path / "c1"
    first = output_files.new_run_dir(str(cluster), now=NOW)
    second = output_files.new_run_dir(str(cluster), now=NOW)          # same second: never the same directory
    third = output_files.new_run_dir(str(cluster), now=NOW)
    assert [os.path.basename(p) for p in (first, second, third)] == [
        "20261203T163000Z", "20261203T163000Z-1", "20261203T163000Z-2"]
    assert output_files.run_dirs(str(cluster)) == ["20261203T163000Z", "20261203T163000Z-1", "20261203T163000Z-2"]


def test_snapshot_is_filed_by_a_rename_or_a_copy(tmp_path):
    staging = tmp_path / "c1" / output_files.STAGING_DIR
    staging.mkdir(parents=True)
    source = staging / "snapshot.json.gz"
    source.write_bytes(b"data")
    run = output_files.new_run_dir(str(tmp_path / "c1"), now=NOW)
    dest = output_files.file_snapshot(str(source), run, copy=True)
    assert open(dest, "rb").read() == b"data" and source.exists()
    run2 = output_files.new_run_dir(str(tmp_path / "c1"), now=NOW)
    dest2 = output_files.file_snapshot(str(source), run2)
    assert open(dest2, "rb").read() == b"data" and not source.exists()
    assert oct(os.stat(dest).st_mode & 0o777) == "0o640"


def test_tidy_keeps_parts_to_resume_and_nothing_else(tmp_path):
    cluster = tmp_path / "c1"
    parts = cluster / output_files.STAGING_DIR / "snapshot.json.gz.parts"
    parts.mkdir(parents=True)
    assert output_files.tidy_staging(str(cluster)) == []                # parts wait for the next run
    assert output_files.staged_parts(str(cluster)) == str(parts)
    os.rmdir(parts)
    assert output_files.tidy_staging(str(cluster)) == [str(cluster / output_files.STAGING_DIR), str(cluster)]
    assert not cluster.exists()                                           # a failed first run leaves nothing
    run = output_files.new_run_dir(str(cluster), now=NOW)
    (cluster / output_files.STAGING_DIR).mkdir()
    output_files.tidy_staging(str(cluster))
    assert os.path.isdir(run) and cluster.exists()                         # never an earlier run's directory


def test_tidy_never_removes_what_another_run_is_using(tmp_path):
    """User test 15, item 1: the run that lost the lock tidied the staging directory the winner was still using
    (its snapshot, just written, waiting to be filed), and the winner failed too. Only an empty staging directory
    (apart from temporaries of dead processes) is removed."""
    cluster = tmp_path / "c1"
    staging = cluster / output_files.STAGING_DIR
    staging.mkdir(parents=True)
    snapshot = staging / output_files.SNAPSHOT_NAME
    snapshot.write_bytes(b"the winner's snapshot")
    assert output_files.tidy_staging(str(cluster)) == []
    assert snapshot.read_bytes() == b"the winner's snapshot"
    snapshot.unlink()
    writing = staging / (".snapshot.json.gz.%d.abc123.tmp" % os.getpid())     # a live writer's temporary file
    writing.write_bytes(b"")
    assert output_files.tidy_staging(str(cluster)) == [] and writing.exists()
    writing.unlink()
    dead = staging / ".snapshot.json.gz.999999999.abc123.tmp"                # left by a process that is gone
    dead.write_bytes(b"")
    assert output_files.tidy_staging(str(cluster)) == [str(staging), str(cluster)]
