"""Paging over every list shape, with an in-memory fetch function (no HTTP)."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.concurrency import WorkerPool
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ProtocolError
from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import (
    iter_records, split_page, split_url, unwrap_object,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.stats import Stats

ITEMS = [{"id": i} for i in range(1, 8)]


@pytest.mark.parametrize("body, ids", [
    (None, []),
    ([], []),
    (ITEMS, list(range(1, 8))),
    ({"count": 7, "next": None, "previous": None, "results": ITEMS}, list(range(1, 8))),
    ({"data": ITEMS}, list(range(1, 8))),
    ({"data": {"id": 3}}, [3]),
    ({"id": 5, "name": "single"}, [5]),
    ({"2": {"id": 2}, "10": {"id": 10}, "1": {"id": 1}}, [1, 2, 10]),
])
def test_split_page_shapes(body, ids):
    assert [r["id"] for r in split_page(body).records] == ids


def test_unwrap_object():
    assert unwrap_object({"data": {"dns": []}}, "data") == {"dns": []}
    assert unwrap_object([{"a": 1}]) == {"a": 1}
    assert unwrap_object({"status": "ok"}) == {"status": "ok"}


def test_split_url_drops_host():
    assert split_url("https://elsewhere:1/api/v7/views/?page=2&page_size=5&f=a&f=b") == (
        "/api/v7/views/", {"page": "2", "page_size": "5", "f": ["a", "b"]})


class FakeList:
    """Serves ``total`` records as a DRF list; options break it in the ways real servers do."""

    def __init__(self, total, cap=None, loop=False, repeat=False, host="https://other"):
        self.total, self.cap, self.loop, self.repeat, self.host = total, cap, loop, repeat, host
        self.calls = []

    def __call__(self, path, params):
        self.calls.append(dict(params or {}))
        if "page_size" not in (params or {}):
            return [{"id": i} for i in range(1, self.total + 1)]
        size = int(params["page_size"])
        if self.cap:
            size = min(size, self.cap)
        page = int(params.get("page", 1))
        if self.repeat and page > 1:
            page = 1
        results = [{"id": i} for i in range((page - 1) * size + 1, min(self.total, page * size) + 1)]
        more = page * size < self.total
        nxt = "%s/api/v7/x/?page=%d&page_size=%s" % (self.host, 1 if self.loop else page + 1, params["page_size"])
        return {"count": self.total, "next": nxt if more or self.loop else None, "previous": None,
                "results": results}


@pytest.mark.parametrize("total", [0, 1, 9, 10, 11, 30, 31])
@pytest.mark.parametrize("parallel", [False, True])
def test_page_boundaries(total, parallel):
    fake = FakeList(total)
    pool = WorkerPool(4)
    try:
        got = [r["id"] for r in iter_records(fake, "/api/v7/x/", page_size=10, parallel_pages=parallel, pool=pool)]
    finally:
        pool.shutdown()
    assert got == list(range(1, total + 1))
    assert len(fake.calls) == max(1, -(-total // 10))


def test_server_caps_page_size():
    fake = FakeList(25, cap=4)
    pool = WorkerPool(3)
    try:
        got = [r["id"] for r in iter_records(fake, "/x/", page_size=10, pool=pool)]
    finally:
        pool.shutdown()
    assert got == list(range(1, 26)) and len(fake.calls) == 7


def test_unpaged_list():
    fake = FakeList(12)
    assert len(list(iter_records(fake, "/x/", page_size=0))) == 12 and fake.calls == [{}]


def test_loop_guard_next_twice():
    with pytest.raises(ProtocolError) as info:
        list(iter_records(FakeList(30, loop=True), "/x/", page_size=10, parallel_pages=False))
    assert "loop" in str(info.value).lower()


@pytest.mark.parametrize("parallel", [False, True])
def test_loop_guard_repeated_page(parallel):
    pool = WorkerPool(2)
    try:
        with pytest.raises(ProtocolError):
            list(iter_records(FakeList(30, repeat=True), "/x/", page_size=10, parallel_pages=parallel, pool=pool))
    finally:
        pool.shutdown()


def test_shifted_list_duplicates_skipped():
    pages = {1: {"count": 6, "next": "/x/?page=2&page_size=3", "results": [{"id": 6}, {"id": 5}, {"id": 4}]},
             2: {"count": 7, "next": "/x/?page=3&page_size=3", "results": [{"id": 4}, {"id": 3}, {"id": 2}]},
             3: {"count": 7, "next": None, "results": [{"id": 1}]}}
    stats = Stats()
    got = list(iter_records(lambda p, q: pages[int(q.get("page", 1))], "/x/", page_size=3, parallel_pages=False,
                            stats=stats))
    assert [r["id"] for r in got] == [6, 5, 4, 3, 2, 1] and stats.duplicates_skipped == 1


def test_streaming_is_lazy():
    fake = FakeList(100)
    iterator = iter_records(fake, "/x/", page_size=10, parallel_pages=False)
    next(iterator)
    assert len(fake.calls) == 1
