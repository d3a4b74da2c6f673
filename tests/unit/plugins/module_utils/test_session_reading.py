"""Reading resources: paging, list shapes, unavailable resources, memo, disk cache, stats vs the sim log."""
import os
import stat

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ResourceUnavailable
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params


def resource_requests(sim, name):
    return [e for e in sim.request_log() if e["path"].rstrip("/").endswith("/" + name)]


@pytest.fixture
def small(sim_factory):
    return sim_factory(profile="small", vast_version="5.3.1")


@pytest.mark.parametrize("page_size", [0, 1000, 329, 100, 50, 7])
@pytest.mark.parametrize("parallel", [True, False])
def test_views_across_page_boundaries(small, page_size, parallel):
    with VastSession(sim_params(small)) as session:
        small.clear_log()
        views = list(session.iter_resource("views", page_size=page_size, parallel_pages=parallel))
    ids = [v["id"] for v in views]
    assert len(ids) == 329 == len(set(ids))
    pages = resource_requests(small, "views")
    assert len(pages) == (1 if page_size == 0 else -(-329 // page_size))


def test_parallel_and_sequential_pages_agree(small):
    with VastSession(sim_params(small)) as session:
        a = list(session.iter_resource("events", page_size=500, parallel_pages=True))
        b = list(session.iter_resource("events", page_size=500, parallel_pages=False))
        c = list(session.iter_resource("events", page_size=0))
    assert a == b and sorted(r["id"] for r in a) == sorted(r["id"] for r in c)


def test_capped_page_size(sim_factory):
    sim = sim_factory(profile="small", max_page_size=100)
    with VastSession(sim_params(sim)) as session:
        assert len(list(session.iter_resource("views", page_size=1000))) == 329


def test_network_settings_wrapper_on_and_off(sim_factory):
    for wrapped in (True, False):
        sim = sim_factory(profile="tiny", quirks={"network_settings_wrapper": wrapped})
        with VastSession(sim_params(sim)) as session:
            result = session.read_resource("network_settings")
        assert result.status == "ok" and isinstance(result.data, dict)
        assert "dns" in result.data and "data" not in result.data
        assert result.path == "vms/{vms_id}/network_settings/"


def test_single_object_where_a_list_was_expected(sim_factory):
    sim = sim_factory(profile="tiny", quirks={"single_object_lists": ["vms", "clusters"]})
    with VastSession(sim_params(sim)) as session:
        assert len(session.read_resource("vms").data) == 1
        assert len(session.read_resource("clusters").data) == 1
        assert session.sw_version is not None


def test_object_resources(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.4.0")
    with VastSession(sim_params(sim)) as session:
        capacity = session.read_resource("capacity")
        health = session.read_resource("health")
    assert capacity.status == "ok" and isinstance(capacity.data, dict)
    assert health.status == "ok" and health.data.get("status") in ("ok", "warning", "error")


def test_release_too_old_is_unavailable_without_a_request(small):
    with VastSession(sim_params(small)) as session:
        small.clear_log()
        result = session.read_resource("tlscertificates")
        assert result.status == "unavailable" and "needs VAST 5.4" in result.reason
        with pytest.raises(ResourceUnavailable):
            list(session.iter_resource("health"))
        assert small.request_log() == []
        assert "tlscertificates" in session.summary()["degraded_resources"]


def test_missing_endpoint_is_unavailable_not_empty(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="4.7.0", eboxes_on_4x="404")
    with VastSession(sim_params(sim)) as session:
        result = session.read_resource("eboxes")
        assert result.status == "unavailable" and "404" in result.reason and "/eboxes/" in result.reason
        assert session.read_resource("cnodes").status == "ok"
    empty = sim_factory(profile="tiny", vast_version="5.3.1")
    with VastSession(sim_params(empty)) as session:
        result = session.read_resource("nis")
        assert result.status == "ok" and result.data == []


@pytest.mark.parametrize("version", ["5.3.1", "5.4.0"])
def test_every_matrix_resource_reads(sim_factory, version):
    sim = sim_factory(profile="tiny", vast_version=version)
    with VastSession(sim_params(sim)) as session:
        results = session.run_parallel(dict((name, lambda n=name: session.read_resource(n)) for name in MATRIX))
    failures = dict((name, r.error) for name, (ok, r) in results.items() if not ok or r.status == "error")
    assert failures == {}
    unavailable = sorted(name for name, (ok, r) in results.items() if r.status == "unavailable")
    if version == "5.3.1":
        assert unavailable == ["health", "tlscertificates"]
    else:
        assert unavailable == []
    assert set(e["method"] for e in sim.request_log()) <= {"GET", "POST"}


def test_memo_serves_identical_gets_once(small):
    with VastSession(sim_params(small)) as session:
        small.clear_log()
        for _ in range(3):
            session.read_resource("vms")
            session.read_resource("network_settings")  # needs vms for its parent id: memo again
            session.read_resource("clusters")  # already read by the version probe
        stats = session.summary()
    paths = [e["path"] for e in small.request_log()]
    assert len(paths) == len(set(paths)) == 2
    assert stats["cache"]["memo_hits"] >= 6


def test_stats_add_up_to_the_simulator_log(small):
    small.clear_log()
    with VastSession(sim_params(small)) as session:
        for name in ("views", "viewpolicies", "tenants", "cnodes", "eboxes", "quotas"):
            session.read_resource(name)
        stats = session.summary()
    log = small.request_log()
    assert stats["requests"] == len(log)
    by_status = {}
    by_path = {}
    for entry in log:
        by_status[str(entry["status"])] = by_status.get(str(entry["status"]), 0) + 1
        by_path[entry["path"]] = by_path.get(entry["path"], 0) + 1
    assert stats["requests_by_status"] == by_status
    assert dict((p, sum(s.values())) for p, s in stats["requests_by_path"].items()) == by_path
    assert stats["bytes_received"] == sum(e["bytes"] for e in log)
    assert stats["latency_ms"]["p50"] is not None and stats["peak_rss_mb"] > 0


def test_disk_cache_resumes_without_requests(small, tmp_path):
    cache_dir = str(tmp_path / "cache")
    with VastSession(sim_params(small, cache_dir=cache_dir)) as session:
        first = [session.read_resource(n).data for n in ("views", "network_settings", "vippools")]
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    small.clear_log()
    with VastSession(sim_params(small, cache_dir=cache_dir)) as session:
        second = [session.read_resource(n).data for n in ("views", "network_settings", "vippools")]
        stats = session.summary()
    assert first == second
    resource_paths = [e["path"] for e in small.request_log() if "token" not in e["path"]
                      and not e["path"].endswith("/clusters/")]
    assert resource_paths == []
    assert stats["cache"]["disk_hits"] >= 3


def test_fields_and_filters_pass_through(small):
    with VastSession(sim_params(small)) as session:
        views = list(session.iter_resource("views", fields=["id", "name"], page_size=100))
        assert views and set(views[0]) <= {"id", "name"}
        name = views[0]["name"]
        assert [v["name"] for v in session.iter_resource("views", params={"name": name})] == [name]
