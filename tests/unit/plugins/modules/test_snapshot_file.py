"""Snapshot files: part writers, atomic assembly, multi-member gzip, the resume store, stale temporary files."""
import gzip
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import canonical_json

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))


def write_part(directory, key, records):
    writer = snapshot.PartWriter(str(directory), key)
    for record in records:
        writer.add(record)
    return writer, writer.finish()


def meta():
    return {"resources": {}, "counts": {}, "subsets_requested": [], "subsets_collected": []}


def test_sorted_part_streams_and_unsorted_part_is_sorted(tmp_path):
    records = [{"id": i, "name": "r%d" % i} for i in range(1, 50)]
    _, summary = write_part(tmp_path, "a.sorted", records)
    writer, shuffled = write_part(tmp_path, "a.shuffled", list(reversed(records)))
    assert summary["count"] == shuffled["count"] == 49
    assert summary["sha256"] == shuffled["sha256"] == snapshot.records_digest(records)[0]
    with gzip.open(str(tmp_path / "a.shuffled.json.gz"), "rb") as handle:
        text = handle.read().decode()
    assert json.loads("[" + text + "]") == records
    assert not [n for n in os.listdir(str(tmp_path)) if n.endswith(".tmp")]


def test_empty_part_and_assembly(tmp_path):
    _, empty = write_part(tmp_path, "x.none", [])
    assert empty["count"] == 0 and os.path.getsize(str(tmp_path / "x.none.json.gz")) == 0
    records = [{"id": 1, "name": "\u00e9"}, {"id": 2, "b": [1, {"z": 1, "a": 2}]}]
    write_part(tmp_path, "x.some", records)
    dest = tmp_path / "snap.json.gz"
    layout = [("a", [("none", str(tmp_path / "x.none.json.gz")), ("some", str(tmp_path / "x.some.json.gz"))]),
              ("b", [])]
    written = snapshot.assemble(str(dest), "2026-01-01T00:00:00Z", layout, meta())
    assert written["sha256"] == snapshot.file_sha256(str(dest)) and written["size"] == os.path.getsize(str(dest))
    document = snapshot.read_snapshot(str(dest))
    assert list(document) == ["schema_version", "kind", "collection_version", "collected_at", "vast_info", "meta"]
    assert document["vast_info"] == {"a": {"none": [], "some": records}, "b": {}}
    assert oct(os.stat(str(dest)).st_mode & 0o777) == "0o640"
    # the system's zcat reads the several gzip members as one stream
    text = subprocess.run(["gzip", "-dc", str(dest)], capture_output=True, check=True, timeout=30).stdout
    assert json.loads(text.decode()) == document
    # one record per line
    assert canonical_json(records[1]).encode() in text.split(b"\n")


def test_same_data_gives_the_same_bytes(tmp_path):
    records = [{"id": i, "v": "x" * i} for i in range(200)]
    digests = []
    for run in ("one", "two"):
        folder = tmp_path / run
        folder.mkdir()
        write_part(folder, "s.r", records)
        dest = folder / "snap.json.gz"
        snapshot.assemble(str(dest), "2026-01-01T00:00:00Z", [("s", [("r", str(folder / "s.r.json.gz"))])], meta())
        digests.append(snapshot.file_sha256(str(dest)))
    assert digests[0] == digests[1]


def test_assembly_failure_leaves_neither_the_file_nor_a_temporary(tmp_path):
    dest = tmp_path / "snap.json.gz"
    dest.write_bytes(b"previous")
    with pytest.raises(OSError):
        snapshot.assemble(str(dest), "t", [("s", [("r", str(tmp_path / "missing.json.gz"))])], meta())
    assert dest.read_bytes() == b"previous"
    assert sorted(os.listdir(str(tmp_path))) == ["snap.json.gz"]


def test_aborted_writer_removes_its_temporary(tmp_path):
    writer = snapshot.PartWriter(str(tmp_path), "k")
    writer.add({"id": 1})
    writer.abort()
    assert os.listdir(str(tmp_path)) == []


def test_validate_reports_problems():
    assert snapshot.validate([]) == ["not a JSON object"]
    problems = snapshot.validate({"schema_version": 2, "kind": "x", "vast_info": {"a": {"b": [{"id": 2}, {"id": 1}],
                                                                                        "c": {}}}})
    text = "; ".join(problems)
    for needle in ("schema_version is 2", "kind is 'x'", "meta is missing", "a.b is not sorted", "a.c is not a list"):
        assert needle in text


def test_read_snapshot_rejects_a_file_without_meta(tmp_path):
    path = tmp_path / "partial.json.gz"
    with gzip.open(str(path), "wb") as handle:
        handle.write(b'{"schema_version": 1, "kind": "vastops.asbuilt.snapshot", "vast_info": {}}')
    with pytest.raises(snapshot.SnapshotError, match="interrupted"):
        snapshot.read_snapshot(str(path))
    (tmp_path / "bad.json.gz").write_bytes(b"\x1f\x8bnot gzip")
    with pytest.raises(snapshot.SnapshotError, match="not a readable snapshot"):
        snapshot.read_snapshot(str(tmp_path / "bad.json.gz"))


def test_part_store_resume_keeps_complete_parts_only(tmp_path):
    dest = str(tmp_path / "snap.json.gz")
    identity = {"host": "h", "cluster_guid": "g", "sw_version": "5.3.1", "api_version": "v7", "request": "r"}
    store = snapshot.PartStore(dest, resume=True)
    assert store.bind(identity) == []
    writer = store.writer("a.done")
    writer.add({"id": 1})
    store.record("a.done", dict(writer.finish(), status="ok"))
    store.record("a.gone", {"status": "unavailable", "reason": "404"})
    store.record("a.failed", {"status": "error"})
    # data without its summary (killed between the two renames) and a summary whose data is missing
    write_part(store.path, "a.nosummary", [{"id": 1}])
    store.record("a.nodata", {"status": "ok", "part_bytes": 10})
    (tmp_path / "snap.json.gz.parts" / ".a.x.json.gz.123.abc.tmp").write_bytes(b"junk")
    store.release()
    again = snapshot.PartStore(dest, resume=True)
    assert again.bind(identity) == ["a.done", "a.gone"]
    assert not [n for n in os.listdir(again.path) if n.endswith(".tmp")]
    again.release()
    other = snapshot.PartStore(dest, resume=True)
    assert other.bind(dict(identity, sw_version="5.4.0")) == []
    assert "sw_version changed" in other.discarded
    other.cleanup()
    assert not os.path.exists(dest + ".parts")


def test_part_store_discards_parts_older_than_max_age(tmp_path):
    """Age = now - the older of the summary's read_at and its file's mtime; 0 keeps nothing; None keeps all."""
    import time
    dest = str(tmp_path / "snap.json.gz")
    identity = {"host": "h", "request": "r"}
    store = snapshot.PartStore(dest, resume=True, max_age=3600)
    store.bind(identity)
    two_hours_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7200))
    for key, read_at in (("a.old", two_hours_ago), ("a.new", snapshot.utc_now())):
        writer = store.writer(key)
        writer.add({"id": 1})
        store.record(key, dict(writer.finish(), status="ok", read_at=read_at))
    store.record("a.gone", {"status": "unavailable", "reason": "404", "read_at": two_hours_ago})
    store.release()
    unlimited = snapshot.PartStore(dest, resume=True, max_age=None)
    assert unlimited.bind(identity) == ["a.gone", "a.new", "a.old"] and unlimited.expired == {}
    unlimited.release()
    again = snapshot.PartStore(dest, resume=True, max_age=3600)
    assert again.bind(identity) == ["a.new"]
    assert again.expired == {"a.old": two_hours_ago, "a.gone": two_hours_ago}
    assert not os.path.exists(again.data_path("a.old")) and not os.path.exists(again.summary_path("a.old"))
    again.release()
    never = snapshot.PartStore(dest, resume=True, max_age=0)
    assert never.bind(identity) == [] and sorted(never.expired) == ["a.new"]
    never.cleanup()


def test_time_helpers_and_stable_meta():
    now = snapshot.utc_now()
    assert abs(snapshot.parse_utc(now) - __import__("time").time()) < 120
    assert snapshot.parse_utc("yesterday") is None and snapshot.parse_utc(None) is None
    meta = {"elapsed_s": 1.5, "session": {}, "warnings": ["x"], "resumed_from": now, "resumed": ["a.b"],
            "resources": {"a.b": {"status": "ok", "read_at": now, "resumed": True}}}
    assert snapshot.stable_meta(meta) == {"resumed": ["a.b"], "resources": {"a.b": {"status": "ok", "resumed": True}}}


def test_one_collection_at_a_time_per_parts_directory(tmp_path):
    dest = str(tmp_path / "snap.json.gz")
    first = snapshot.PartStore(dest, resume=True)
    code = ("import sys; sys.path.insert(0, %r);"
            "from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot;"
            "snapshot.PartStore(%r, resume=True)" % (os.path.join(REPO, ".cache", "collections"), dest))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "Another collection is already writing" in proc.stderr
    first.release()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_private_part_store_is_removed(tmp_path):
    store = snapshot.PartStore(str(tmp_path / "snap.json.gz"))
    assert os.path.basename(store.path).startswith(".snap.json.gz.parts.")
    store.cleanup()
    assert os.listdir(str(tmp_path)) == []


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          timeout=30).stdout.strip()
    stale = tmp_path / (".snap.json.gz.%s.abc123.tmp" % dead)
    stale.write_bytes(b"x")
    stale_dir = tmp_path / (".snap.json.gz.parts.%s.def456.tmp" % dead)
    stale_dir.mkdir()
    alive = tmp_path / (".snap.json.gz.%d.abc123.tmp" % os.getpid())
    alive.write_bytes(b"x")
    other = tmp_path / (".other.json.gz.%s.abc123.tmp" % dead)
    other.write_bytes(b"x")
    removed = snapshot.remove_stale_temps(str(tmp_path), "snap.json.gz")
    assert sorted(removed) == sorted([stale.name, stale_dir.name])
    assert alive.exists() and other.exists()


def test_collection_version_matches_galaxy_yml():
    with open(os.path.join(REPO, "galaxy.yml")) as handle:
        assert yaml.safe_load(handle)["version"] == snapshot.COLLECTION_VERSION
