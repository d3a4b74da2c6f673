"""User test 15, item 8: an offline snapshot that is truncated, or a gzipped JSON that is not a snapshot at all,
failed with the bare gzip message ("Compressed file ended before the end-of-stream marker was reached", no file
name) or "snapshot schema None is not supported". Both messages now name the file and say what is wrong."""
import gzip
import json

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot, snapshot_view


def _good(tmp_path):
    path = tmp_path / "good.json.gz"
    doc = {"schema_version": 1, "kind": snapshot.KIND, "collection_version": "0.1.0",
           "collected_at": "2026-12-03T16:30:00Z", "vast_info": {"cluster": {"clusters": [{"id": 1, "x": "y" * 9000}]}},
           "meta": {"resources": {}, "counts": {}, "subsets_requested": [], "subsets_collected": []}}
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    return path


def test_a_truncated_snapshot_is_named_and_called_truncated(tmp_path):
    trunc = tmp_path / "trunc.json.gz"
    trunc.write_bytes(_good(tmp_path).read_bytes()[:200])
    for read in (snapshot_view.load_snapshot, snapshot.read_snapshot):
        with pytest.raises(snapshot.SnapshotError if read is snapshot.read_snapshot else snapshot_view.SnapshotError) \
                as caught:
            read(str(trunc))
        assert str(trunc) in str(caught.value) and "is truncated or not a complete gzip file" in str(caught.value)


def test_a_gzipped_json_that_is_not_a_snapshot_says_so(tmp_path):
    other = tmp_path / "other.json.gz"
    other.write_bytes(gzip.compress(json.dumps({"hello": "world"}).encode()))
    with pytest.raises(snapshot_view.SnapshotError) as caught:
        snapshot_view.load_snapshot(str(other))
    assert str(caught.value).startswith("%s is not a vastops.asbuilt snapshot (no schema field)" % other)
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.read_snapshot(str(other))
    assert "is not a vastops.asbuilt snapshot (no schema field)" in str(caught.value) and str(other) in str(caught.value)
    assert snapshot_view.load_snapshot(str(_good(tmp_path))).doc["schema_version"] == 1
