"""The collector against the simulator: what is read, how often, in which shape, and what happens when it fails."""
import gzip
import json
import os
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue, snapshot
from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import (
    CollectionError, Collector, MemoryLimitExceeded,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import AuthenticationError
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import sort_key
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from modtest_util import collect, dumps, params_for, paths, repeated

pytestmark = [pytest.mark.simulator]


@pytest.fixture(scope="module")
def small(request):
    from simulator import Simulator, SimulatorConfig
    sim = Simulator(SimulatorConfig(profile="small", vast_version="5.3.1", seed=7, port=0)).start()
    request.addfinalizer(sim.stop)
    return sim


def test_all_reads_every_resource_once_and_only_reads(small):
    small.clear_log()
    document = collect(small, gather_subset=["all"])
    assert repeated(small) == {}
    methods = set((e["method"], e["path"]) for e in small.request_log() if e["method"] != "GET")
    assert methods <= {("POST", "/api/token/")}
    # clusters was read while connecting: neither min nor cluster asks again
    assert len([e for e in small.request_log() if e["path"] == "/api/v7/clusters/"]) == 1
    meta = document["meta"]
    assert meta["errors"] == {} and meta["subsets_collected"] == meta["subsets_requested"] == list(catalogue.SUBSETS)
    assert sorted(meta["unavailable"]) == ["cluster.health", "security.tlscertificates"]
    info = document["vast_info"]
    assert list(info) == sorted(info)
    for subset, resources in info.items():
        assert list(resources) == sorted(resources)
        for name, records in resources.items():
            assert [sort_key(r) for r in records] == sorted(sort_key(r) for r in records), name
            assert meta["counts"][subset][name] == len(records)
            assert all("url" not in r for r in records)
    assert len(info["logical"]["views"]) == len(small.records("views")) == 329
    assert info["min"]["clusters"][0]["name"] == small.records("clusters")[0]["name"]
    assert set(info["min"]["clusters"][0]) <= set(catalogue.CLUSTER_IDENTITY)
    assert info["cluster"]["clusters"][0]["psnt"] == info["min"]["clusters"][0]["psnt"]
    assert "serial_number" in info["hardware"]["cnodes"][0] and "sn" not in info["hardware"]["cnodes"][0]
    assert set(info["security"]["vms"][0]) <= set(catalogue.VMS_SECURITY)
    assert snapshot.validate(json.loads(json.dumps(document))) == []


def test_events_are_the_newest_n_in_exactly_the_pages_needed(small):
    small.clear_log()
    document = collect(small, gather_subset=["monitoring"], events_max=2500, page_size=1000)
    events = document["vast_info"]["monitoring"]["events"]
    total = len(small.records("events"))
    assert [e["id"] for e in events] == list(range(total - 2500 + 1, total + 1))
    assert len(paths(small, "events")) == 3
    item = document["meta"]["resources"]["monitoring.events"]
    assert item["total"] == total and item["truncated"] is True and item["count"] == 2500
    small.clear_log()
    everything = collect(small, gather_subset=["monitoring"], events_max=0)
    assert len(everything["vast_info"]["monitoring"]["events"]) == total
    assert "total" not in everything["meta"]["resources"]["monitoring.events"]


class PagedStub:
    """A session stand-in for _read_newest: a list of 25 events served oldest first (or newest first)."""

    def __init__(self, newest_first):
        from ansible_collections.vastops.asbuilt.plugins.module_utils.concurrency import WorkerPool
        from ansible_collections.vastops.asbuilt.plugins.module_utils.stats import Stats
        ids = list(range(1, 26))
        self.ids = list(reversed(ids)) if newest_first else ids
        self.pages = WorkerPool(4)
        self.stats = Stats()
        self.params = type("P", (), {"max_concurrency": 4})()
        self.sw_version = None
        self.api_version = "v7"
        self.asked = []

    def resource_path(self, name):
        return name + "/"

    def get(self, path, params, cache=True):
        size, page = int(params["page_size"]), int(params.get("page", 1))
        self.asked.append(page)
        chunk = self.ids[(page - 1) * size:page * size]
        more = page * size < len(self.ids)
        return {"count": len(self.ids), "next": "https://h/api/v7/events/?page=%d&page_size=%d" % (page + 1, size)
                if more else None, "previous": None, "results": [{"id": i} for i in chunk]}


@pytest.mark.parametrize("newest_first", [True, False])
def test_newest_n_whatever_the_cluster_order(newest_first):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import Read
    stub = PagedStub(newest_first)
    collector = Collector.__new__(Collector)
    collector.session = stub
    collector.page_size = 4
    read = Read("events", {})
    read.entries.append(catalogue.SUBSETS["monitoring"].entry("events"))
    read.newest = 7
    records = collector._read_newest(read, {}, None)
    assert [r["id"] for r in records] == list(range(19, 26))
    assert read.total == 25
    # page 1 tells the count and the order; then only the pages holding the newest 7
    assert stub.asked[0] == 1 and sorted(stub.asked[1:]) == ([2] if newest_first else [5, 6, 7])
    stub.pages.shutdown()


def test_fields_are_projected_and_sent_to_the_api_for_paged_lists(small):
    small.clear_log()
    document = collect(small, gather_subset=["logical", "hardware"],
                       fields={"logical": ["path"], "hardware.cnodes": ["hostname", "serial_number"]})
    views = document["vast_info"]["logical"]["views"]
    assert set(views[0]) == {"id", "name", "path"}
    cnodes = document["vast_info"]["hardware"]["cnodes"]
    assert set(cnodes[0]) == {"id", "name", "hostname", "serial_number"}
    assert len(cnodes[0]) == 4 and cnodes[0]["serial_number"]
    assert set(document["vast_info"]["hardware"]["ssds"][0]) > {"id", "name", "state"}
    view_queries = [e["query"] for e in paths(small, "views")]
    assert view_queries and all("fields=" in q for q in view_queries)
    cnode_query = paths(small, "cnodes")[0]["query"]
    assert "fields=" in cnode_query and "sn" in cnode_query  # the alias is asked for too
    assert document["meta"]["options"]["fields"]["logical.views"] == ["path"]


def test_filters_reach_the_api(small):
    small.clear_log()
    document = collect(small, gather_subset=["logical"], filters={"views": {"tenant_id": 1},
                                                                  "logical.quotas": {"path__startswith": "/home"}})
    views = document["vast_info"]["logical"]["views"]
    assert views and all(v["tenant_id"] == 1 for v in views)
    assert len(views) == len([v for v in small.records("views") if v["tenant_id"] == 1])
    assert all(q["path"].startswith("/home") for q in document["vast_info"]["logical"]["quotas"])
    assert "tenant_id=1" in paths(small, "views")[0]["query"]


def test_same_resource_with_other_filters_is_read_twice_without_repeating_a_get(small):
    small.clear_log()
    document = collect(small, gather_subset=["min", "cluster"], filters={"cluster.versions": {"status": "success"}})
    assert repeated(small) == {}
    assert document["meta"]["errors"] == {}


@pytest.mark.parametrize("kwargs, needle", [
    ({"fields": {"monitoring": ["id"]}}, "gather_subset does not request"),
    ({"fields": {"hardware.nope": ["id"]}}, "has no resource 'nope'"),
    ({"fields": {"hardware": "a,,b"}}, None),
    ({"fields": {"hardware": []}}, "non-empty list"),
    ({"fields": {"hardware": [1]}}, "non-empty list"),
    ({"fields": ["hardware"]}, "must be a dictionary"),
    ({"filters": {"views": {"tenant_id": 1}}}, "belongs to subset logical"),
    ({"filters": {"hardware": {"a": 1}}}, "neither a requested subset nor"),
    ({"filters": {"cnodes": "x"}}, "non-empty dictionary"),
    ({"filters": {"cnodes": {"page_size": 3}}}, "set by the module"),
    ({"filters": {"cnodes": {"a": {"b": 1}}}}, "string, number, boolean or list"),
    ({"page_size": 0}, "max_records must be between 1 and 10000"),
    ({"events_max": -1}, "events_max must be 0"),
    ({"gather_subset": ["hardware", "bogus"]}, "unknown subset"),
])
def test_bad_options_fail_before_any_request(small, kwargs, needle):
    options = {"gather_subset": ["hardware"]}
    options.update(kwargs)
    session = VastSession(params_for(small))
    if needle is None:
        Collector(session, **options)
        return
    with pytest.raises(catalogue.SubsetError) as info:
        Collector(session, **options)
    assert needle in str(info.value)


def test_memory_guard_stops_with_a_message_suggesting_dest(small):
    with pytest.raises(MemoryLimitExceeded) as info:
        collect(small, gather_subset=["logical"], max_memory_mb=1)
    assert "max_memory_mb=1" in info.value.msg and "dest" in info.value.hint


def test_memory_and_file_modes_give_the_same_data(small, tmp_path):
    in_memory = collect(small, gather_subset=["all"])
    result = collect(small, dest=tmp_path / "s.json.gz", gather_subset=["all"])
    document = snapshot.read_snapshot(result["dest"])
    assert dumps(document["vast_info"]) == dumps(in_memory["vast_info"])
    assert document["meta"]["vast_info_sha256"] == in_memory["meta"]["vast_info_sha256"]
    assert result["counts"] == in_memory["meta"]["counts"]
    assert os.listdir(str(tmp_path)) == ["s.json.gz"]


def test_two_clusters_with_the_same_state_give_the_same_bytes(sim_factory):
    first = sim_factory(profile="tiny", vast_version="5.4", seed=11)
    second = sim_factory(profile="tiny", vast_version="5.4", seed=11)
    assert first.host != second.host
    one = collect(first, gather_subset=["all"])
    two = collect(second, gather_subset=["all"])
    assert dumps(one["vast_info"]) == dumps(two["vast_info"])
    # no self link naming the host survives (the port alone may well appear in some number by chance)
    assert first.host not in dumps(one["vast_info"]) and "/api/v" not in dumps(one["vast_info"])
    # equal but for the timing fields (snapshot.stable_meta drops them, read_at included) and the host
    assert dict((k, v) for k, v in snapshot.stable_meta(one["meta"]).items() if k != "host") == \
        dict((k, v) for k, v in snapshot.stable_meta(two["meta"]).items() if k != "host")


def test_a_vanished_endpoint_is_unavailable_and_a_failing_one_is_an_error(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    sim.add_fault({"type": "vanish", "path": "/dtrays/*"})
    sim.add_fault({"type": "status", "status": 500, "path": "/fans/*"})
    document = collect(sim, gather_subset=["hardware"])
    meta = document["meta"]
    assert "404" in meta["unavailable"]["hardware.dtrays"]
    assert meta["errors"]["hardware.fans"]["status"] == 500
    assert "dtrays" not in document["vast_info"]["hardware"] and "fans" not in document["vast_info"]["hardware"]
    assert document["vast_info"]["hardware"]["cnodes"]
    assert meta["subsets_collected"] == [] and meta["subsets_requested"] == ["hardware"]
    assert any("hardware.fans could not be read" in w for w in meta["warnings"])
    assert meta["resources"]["hardware.dtrays"]["status"] == "unavailable"
    with pytest.raises(CollectionError) as info:
        collect(sim, gather_subset=["hardware"], fail_on_error=True)
    assert "hardware.fans" in info.value.msg and "fail_on_error" in info.value.msg


def test_strict_failure_with_dest_leaves_no_file(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    sim.add_fault({"type": "status", "status": 500, "path": "/fans/*"})
    with pytest.raises(CollectionError):
        collect(sim, dest=tmp_path / "s.json.gz", gather_subset=["hardware"], fail_on_error=True)
    assert os.listdir(str(tmp_path)) == []


def test_wrong_password_is_fatal_and_clear(small):
    with pytest.raises(AuthenticationError) as info:
        collect(small, session_params={"password": "wrong-pass-123"}, gather_subset=["min"])
    assert "wrong-pass-123" not in str(info.value)


def test_resume_reads_only_what_is_missing(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 500, "path": "/views/*"})
    sim.add_fault({"type": "status", "status": 500, "path": "/quotas/*"})
    with pytest.raises(CollectionError):
        collect(sim, dest=dest, resume=True, gather_subset=["logical", "hardware"], fail_on_error=True)
    assert not dest.exists()
    parts = sorted(os.listdir(str(tmp_path / "s.json.gz.parts")))
    assert "hardware.cnodes.json.gz" in parts and "logical.views.json.gz" not in parts
    sim.clear_faults()
    sim.clear_log()
    result = collect(sim, dest=dest, resume=True, gather_subset=["logical", "hardware"])
    read = set(e["path"].rstrip("/").split("/")[-1] for e in sim.request_log() if e["method"] == "GET"
               and "/clusters/" not in e["path"])  # the version probes
    assert read == {"views", "quotas"}
    assert sorted(result["meta"]["resumed"]) == sorted(k for k in result["meta"]["resources"]
                                                       if k not in ("logical.views", "logical.quotas"))
    assert not os.path.exists(str(tmp_path / "s.json.gz.parts"))
    fresh = collect(sim, gather_subset=["logical", "hardware"])
    assert dumps(snapshot.read_snapshot(str(dest))["vast_info"]) == dumps(fresh["vast_info"])


def test_a_written_snapshot_whose_failures_were_answers_removes_the_parts(sim_factory, tmp_path):
    """A 500 (an answer about the resource) would come again: no parts are kept to be served again and again."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 500, "path": "/fans/*"})
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    assert result["meta"]["errors"]["hardware.fans"]["status"] == 500 and dest.exists()
    assert "parts" not in result and not os.path.exists(str(dest) + ".parts")
    sim.clear_log()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    assert result["meta"]["resumed"] == [] and result["meta"]["resumed_from"] is None
    assert paths(sim, "cnodes") and paths(sim, "fans")     # everything read afresh


def test_an_interrupted_run_keeps_the_parts_and_the_rerun_finishes_it(sim_factory, tmp_path):
    """503 on every retry (no real answer): the snapshot is written and the parts kept; the rerun reads only the
    failed resource, never resumes it, and says which resources were resumed and when they were read."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 503, "path": "/fans/*"})
    first = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    assert first["meta"]["errors"]["hardware.fans"]["status"] == 503 and dest.exists()
    assert first["parts"].endswith(".parts") and first["meta"]["resumed"] == []
    first_read = dict((k, v["read_at"]) for k, v in first["meta"]["resources"].items())
    assert all(first_read.values())
    sim.clear_faults()
    sim.clear_log()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    meta = result["meta"]
    assert meta["errors"] == {} and "parts" not in result and not os.path.exists(str(dest) + ".parts")
    assert [e["path"] for e in sim.request_log() if "fans" in e["path"]] == ["/api/v7/fans/"]
    assert not paths(sim, "cnodes")
    resumed = sorted(k for k in meta["resources"] if k != "hardware.fans")
    assert meta["resumed"] == resumed
    for key in resumed:
        item = meta["resources"][key]
        assert item["resumed"] is True and item["read_at"] == first_read[key], key
    assert "resumed" not in meta["resources"]["hardware.fans"]
    assert meta["resources"]["hardware.fans"]["read_at"] >= first_read["hardware.fans"]
    assert meta["resumed_from"] == min(first_read[k] for k in resumed)
    # the file says the same
    assert snapshot.read_snapshot(str(dest))["meta"]["resumed_from"] == meta["resumed_from"]


def test_a_resource_that_fails_again_is_read_again_and_the_snapshot_still_written(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 403, "path": "/fans/*",
                   "body": {"detail": "You do not have permission to perform this action.",
                            "code": "permission_denied"}})
    with pytest.raises(CollectionError):     # strict: stopped before the snapshot, parts kept
        collect(sim, dest=dest, resume=True, gather_subset=["hardware"], fail_on_error=True)
    assert not dest.exists() and os.path.isdir(str(dest) + ".parts")
    sim.clear_log()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    meta = result["meta"]
    assert meta["errors"]["hardware.fans"]["error"] == "PermissionDenied" and dest.exists()
    assert "hardware.fans" not in meta["resumed"] and len(paths(sim, "fans")) == 1
    assert "hardware.cnodes" in meta["resumed"] and not paths(sim, "cnodes")
    # nothing was interrupted: the parts are gone, the next run reads everything afresh
    assert "parts" not in result and not os.path.exists(str(dest) + ".parts")


def _age_parts(dest, seconds):
    parts = str(dest) + ".parts"
    old = time.time() - seconds
    for name in os.listdir(parts):
        os.utime(os.path.join(parts, name), (old, old))


def test_parts_older_than_resume_max_age_are_discarded(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 503, "path": "/fans/*"})
    assert collect(sim, dest=dest, resume=True, gather_subset=["hardware"])["parts"]
    _age_parts(dest, 7200)                                  # read two hours ago
    sim.clear_log()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    meta = result["meta"]
    assert meta["resumed"] == [] and meta["resumed_from"] is None
    assert not any(item.get("resumed") for item in meta["resources"].values())
    assert paths(sim, "cnodes") and paths(sim, "ssds")      # read again
    warning = [w for w in meta["warnings"] if "resume_max_age" in w]
    assert warning and "discarded" in warning[0] and "hardware.cnodes" in warning[0]


def test_resume_max_age_zero_never_reuses_parts(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 503, "path": "/fans/*"})
    assert collect(sim, dest=dest, resume=True, gather_subset=["hardware"])["parts"]
    sim.clear_faults()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"], resume_max_age=0)
    assert result["meta"]["resumed"] == [] and any("resume_max_age=0s" in w for w in result["meta"]["warnings"])


def test_a_state_change_after_an_interrupted_run_is_seen_once_the_parts_are_too_old(sim_factory, tmp_path):
    """The blocker of the user test: a failed SSD after an interrupted run was reported as OK forever."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 500, "path": "/fans/*"})
    with pytest.raises(CollectionError):
        collect(sim, dest=dest, resume=True, gather_subset=["hardware"], fail_on_error=True)
    assert os.path.exists(str(dest) + ".parts/hardware.ssds.json.gz")     # the SSDs as they were: all fine
    sim.clear_faults()
    sim.scenario("failed_ssd")
    _age_parts(dest, 3601)
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware"])
    assert result["meta"]["resumed"] == []
    ssds = snapshot.read_snapshot(str(dest))["vast_info"]["hardware"]["ssds"]
    assert [s["state"] for s in ssds].count("FAILED") == 1


def test_resume_with_another_request_starts_afresh(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "s.json.gz"
    sim.add_fault({"type": "status", "status": 503, "path": "/fans/*"})
    assert collect(sim, dest=dest, resume=True, gather_subset=["hardware"])["parts"]
    sim.clear_faults()
    result = collect(sim, dest=dest, resume=True, gather_subset=["hardware", "switches"])
    assert result["meta"]["resumed"] == []
    assert any("discarded" in w for w in result["meta"]["warnings"])


@pytest.mark.parametrize("mode", ["refuse", "reset"])
def test_an_outage_mid_run_is_waited_out(sim_factory, mode):
    """User test m8: an 8 s outage left dtrays, nvrams, psus and fans unread. The requests now wait while probes
    watch for the cluster (here for up to retries x backoff_max = 4 s), and every resource is read."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    sim.add_fault({"type": "outage", "seconds": 2, "mode": mode, "method": "GET", "after": 8, "count": 1})
    document = collect(sim, gather_subset=["hardware", "switches"],
                       session_params={"retries": 4, "backoff": 0.1, "backoff_max": 1.0})
    meta = document["meta"]
    assert meta["errors"] == {}, meta["errors"]
    assert set(meta["subsets_collected"]) == {"hardware", "switches"}
    assert meta["session"]["outages"]["times_opened"] >= 1 and meta["session"]["outages"]["probes"] >= 2
    assert any("did not answer for about" in w for w in meta["warnings"])
    assert [e for e in sim.request_log() if e["fault"] and e["fault"].startswith("outage")]


@pytest.mark.slow
def test_an_outage_of_30_s_with_the_default_settings_is_waited_out(sim_factory):
    """A VMS failover takes tens of seconds: the defaults (retries 5, backoff 0.5, backoff_max 30, timeout 30) wait
    up to 150 s for the cluster, probing every 5 s at most."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    sim.add_fault({"type": "outage", "seconds": 30, "mode": "refuse", "method": "GET", "after": 8, "count": 1})
    defaults = {"retries": 5, "backoff": 0.5, "backoff_max": 30.0, "timeout": 30.0, "deadline": 3600.0}
    document = collect(sim, gather_subset=["hardware", "switches"], session_params=defaults)
    meta = document["meta"]
    assert meta["errors"] == {}, meta["errors"]
    assert meta["session"]["outages"]["longest_s"] >= 25
    # not hammering: a probe every 5 s at most once the back-off has grown, besides the requests themselves
    assert meta["session"]["outages"]["probes"] <= 15


def test_dest_written_with_gzip_members_is_one_json_document(small, tmp_path):
    result = collect(small, dest=tmp_path / "s.json.gz", gather_subset=["min", "switches"])
    with gzip.open(result["dest"], "rb") as handle:
        document = json.loads(handle.read())
    assert list(document)[-1] == "meta" and document["meta"]["counts"]["switches"]["ports"] == 64
