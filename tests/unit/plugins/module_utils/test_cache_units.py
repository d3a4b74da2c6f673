"""Memo (single-flight) and disk cache, without HTTP."""
import json
import os
import stat
import threading
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.cache import DiskCache, MemoCache
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ApiError, NotFound
from ansible_collections.vastops.asbuilt.plugins.module_utils.stats import Stats


def test_memo_single_flight():
    stats = Stats()
    memo = MemoCache(stats)
    calls = []
    gate = threading.Event()

    def fetch():
        calls.append(1)
        gate.wait(2)
        return {"x": 1}, 10

    results = []
    threads = [threading.Thread(target=lambda: results.append(memo.get_or_fetch(("/a", ()), fetch)))
               for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results == [{"x": 1}] * 10
    assert memo.get_or_fetch(("/a", ()), fetch) == {"x": 1} and len(calls) == 1
    assert stats.cache["singleflight_waits"] == 9 and stats.cache["memo_hits"] == 1


def test_memo_keeps_not_found_but_not_other_errors():
    memo = MemoCache()
    calls = []

    def missing():
        calls.append(1)
        raise NotFound("gone", status=404)

    for _ in range(2):
        with pytest.raises(NotFound):
            memo.get_or_fetch(("/gone", ()), missing)
    assert len(calls) == 1

    def broken():
        calls.append(2)
        raise ApiError("boom", status=500)

    for _ in range(2):
        with pytest.raises(ApiError):
            memo.get_or_fetch(("/b", ()), broken)
    assert calls.count(2) == 2


def test_memo_does_not_keep_big_or_uncached_answers():
    memo = MemoCache(max_entry_bytes=100)
    memo.get_or_fetch(("/big", ()), lambda: ([1] * 10, 1000))
    memo.get_or_fetch(("/small", ()), lambda: (1, 10), keep=False)
    assert ("/big", ()) not in memo and ("/small", ()) not in memo


def test_disk_cache_roundtrip_permissions_ttl(tmp_path):
    now = [1000.0]
    directory = tmp_path / "cache"
    disk = DiskCache(str(directory), ttl=60, stats=Stats(), clock=lambda: now[0])
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert disk.get("/api/v7/views/", None) == (False, None)  # no scope yet
    assert disk.put("/api/v7/views/", None, [1]) is False
    disk.set_scope("guid-1", "5.3.1", "v7")
    assert disk.put("/api/v7/views/", {"page_size": 10}, [{"id": 1}])
    assert disk.get("/api/v7/views/", {"page_size": "10"}) == (True, [{"id": 1}])
    files = [os.path.join(d, f) for d, dummy, fs in os.walk(str(directory)) for f in fs]
    assert len(files) == 1 and stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    now[0] += 61
    assert disk.get("/api/v7/views/", {"page_size": 10}) == (False, None)
    # another cluster (or version) never sees this entry
    now[0] -= 61
    other = DiskCache(str(directory), ttl=60, clock=lambda: now[0])
    other.set_scope("guid-2", "5.3.1", "v7")
    assert other.get("/api/v7/views/", {"page_size": 10}) == (False, None)


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[1, 2]", b'{"format": 1, "key": "other"}', b"\xff\xfe"])
def test_disk_cache_corruption_is_a_miss(tmp_path, garbage):
    stats = Stats()
    disk = DiskCache(str(tmp_path), ttl=0, stats=stats)
    disk.set_scope("g", "v", "v7")
    disk.put("/p/", None, {"a": 1})
    filename = [os.path.join(d, f) for d, dummy, fs in os.walk(str(tmp_path)) for f in fs][0]
    with open(filename, "wb") as handle:
        handle.write(garbage)
    assert disk.get("/p/", None) == (False, None)
    assert stats.cache["disk_corrupt"] == 1 and not os.path.exists(filename)
    assert disk.put("/p/", None, {"a": 2}) and disk.get("/p/", None) == (True, {"a": 2})


def test_disk_cache_parallel_writers(tmp_path):
    disk = DiskCache(str(tmp_path), ttl=0)
    disk.set_scope("g", "v", "v7")
    body = {"records": list(range(5000))}

    def writer():
        for _ in range(20):
            disk.put("/same/", None, body)
            hit, got = disk.get("/same/", None)
            assert not hit or got == body

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    leftovers = [f for d, dummy, fs in os.walk(str(tmp_path)) for f in fs if f.startswith(".tmp")]
    assert leftovers == []
    assert json.dumps(disk.get("/same/", None)[1]) == json.dumps(body)
