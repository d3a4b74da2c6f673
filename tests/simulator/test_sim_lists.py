"""Lists: bare arrays, the paging envelope across page boundaries, fields projection, filters, ordering."""
import pytest

from simtest_util import session


@pytest.fixture
def http(vms_sim_shared):
    return session(vms_sim_shared)


def get(http, sim, endpoint, **params):
    r = http.get(sim.base_url + endpoint, params=params, timeout=30)
    assert r.status_code == 200, (endpoint, params, r.status_code, r.text[:200])
    return r.json()


def test_bare_array_without_page_size(http, vms_sim_shared):
    views = get(http, vms_sim_shared, "/api/v7/views/")
    assert isinstance(views, list) and len(views) == 329
    assert isinstance(get(http, vms_sim_shared, "/api/v7/views/", page=2), list)  # page alone: no paging (GUESS)


@pytest.mark.parametrize("size", [1, 7, 50, 100, 329, 500])
def test_paging_across_boundaries(http, vms_sim_shared, size):
    sim = vms_sim_shared
    full = [v["id"] for v in get(http, sim, "/api/v7/views/")]
    seen, number = [], 1
    url = sim.base_url + "/api/v7/views/?page_size=%d" % size
    while url:
        r = http.get(url, timeout=30)
        assert r.status_code == 200
        body = r.json()
        assert list(body) == ["count", "next", "previous", "results"]
        assert body["count"] == 329
        assert len(body["results"]) == min(size, 329 - len(seen))
        if number == 1:
            assert body["previous"] is None
        elif number == 2:  # DRF drops page=1 from the previous link
            assert body["previous"] == sim.base_url + "/api/v7/views/?page_size=%d" % size
        else:
            assert body["previous"] == sim.base_url + "/api/v7/views/?page=%d&page_size=%d" % (number - 1, size)
        if body["next"]:
            assert body["next"] == sim.base_url + "/api/v7/views/?page=%d&page_size=%d" % (number + 1, size)
        seen += [v["id"] for v in body["results"]]
        url = body["next"]
        number += 1
    assert seen == full
    assert number - 1 == -(-329 // size)


def test_page_links_keep_filters_and_use_host(http, vms_sim_shared):
    sim = vms_sim_shared
    r = http.get(sim.base_url + "/api/v7/views/", params={"page_size": 10, "tenant_id": 1, "page": 2},
                 headers={"Host": "vms.example.test:8443"}, timeout=30)
    body = r.json()
    assert body["next"].startswith("https://vms.example.test:8443/api/v7/views/?")
    assert "tenant_id=1" in body["next"] and "page=3" in body["next"]
    assert "page=" not in body["previous"] and "page_size=10" in body["previous"]
    assert body["results"][0]["url"].startswith("https://vms.example.test:8443/api/v7/views/")


def test_invalid_and_last_page(http, vms_sim_shared):
    sim = vms_sim_shared
    r = http.get(sim.base_url + "/api/v7/views/", params={"page_size": 100, "page": 5}, timeout=30)
    assert r.status_code == 404 and r.json() == {"detail": "Invalid page."}
    last = get(http, sim, "/api/v7/views/", page_size=100, page="last")
    assert len(last["results"]) == 29 and last["next"] is None


def test_fields_comma_and_repeated(http, vms_sim_shared):
    sim = vms_sim_shared
    a = get(http, sim, "/api/v7/cnodes/", fields="id,name,hostname")
    b = http.get(sim.base_url + "/api/v7/cnodes/?fields=id&fields=name&fields=hostname", timeout=30).json()
    assert a == b and set(a[0]) == {"id", "name", "hostname"}
    c = get(http, sim, "/api/v7/cnodes/", fields="id,no_such_field")
    assert set(c[0]) == {"id"}
    d = get(http, sim, "/api/v7/cnodes/1/", fields="name")
    assert set(d) == {"name"}
    e = get(http, sim, "/api/v7/views/", fields="id,path", page_size=5)
    assert set(e["results"][0]) == {"id", "path"}


def test_filters(http, vms_sim_shared):
    sim = vms_sim_shared
    views = get(http, sim, "/api/v7/views/")
    one = views[17]
    assert [v["id"] for v in get(http, sim, "/api/v7/views/", name=one["name"])] == [one["id"]]
    assert [v["id"] for v in get(http, sim, "/api/v7/views/", path=one["path"])] == [one["id"]]
    contains = get(http, sim, "/api/v7/views/", path__contains="genomics")
    assert contains and all("genomics" in v["path"] for v in contains)
    starts = get(http, sim, "/api/v7/views/", path__startswith="/projects/")
    assert len(starts) == sum(1 for v in views if v["path"].startswith("/projects/"))
    tenant = get(http, sim, "/api/v7/views/", tenant_id=2)
    assert tenant and {v["tenant_id"] for v in tenant} == {2}
    both = get(http, sim, "/api/v7/views/", id__in="3,5,8")
    assert [v["id"] for v in both] == [3, 5, 8]
    rng = get(http, sim, "/api/v7/views/", id__gte=10, id__lte=12)
    assert [v["id"] for v in rng] == [10, 11, 12]
    assert len(get(http, sim, "/api/v7/cnodes/", state="ACTIVE")) == 8
    assert len(get(http, sim, "/api/v7/cnodes/", enabled="true")) == 8
    assert get(http, sim, "/api/v7/cnodes/", enabled="false") == []
    assert len(get(http, sim, "/api/v7/cnodes/", cluster__id=1)) == 8
    assert len(get(http, sim, "/api/v7/cnodes/", unknown_param="x")) == 8  # unknown filters are ignored
    paged = get(http, sim, "/api/v7/views/", page_size=10, path__startswith="/home/")
    assert paged["count"] == sum(1 for v in views if v["path"].startswith("/home/"))


def test_events_newest_first_time_window_and_severity(http, vms_sim_shared):
    sim = vms_sim_shared
    page = get(http, sim, "/api/v7/events/", page_size=3)
    ids = [e["id"] for e in page["results"]]
    assert page["count"] == 5000 and ids == [5000, 4999, 4998]
    window = get(http, sim, "/api/v7/events/", timestamp__gte="2026-10-31T00:00:00Z",
                 timestamp__lte="2026-10-31T23:59:59Z")
    assert window and all(e["timestamp"].startswith("2026-10-31") for e in window)
    sev = get(http, sim, "/api/v7/events/", severity__in="Major,Critical")
    assert sev and {e["severity"] for e in sev} == {"Major", "Critical"}
    ordered = get(http, sim, "/api/v7/events/", ordering="timestamp", page_size=2)
    assert [e["id"] for e in ordered["results"]] == [1, 2]


def test_max_page_size_and_single_object_quirk(sim_factory):
    sim = sim_factory(profile="small", max_page_size=100, quirks={"single_object_lists": ["clusters"]})
    http = session(sim)
    body = http.get(sim.base_url + "/api/v7/views/", params={"page_size": 1000}, timeout=30).json()
    assert len(body["results"]) == 100 and body["next"]
    clusters = http.get(sim.base_url + "/api/v7/clusters/", timeout=30).json()
    assert isinstance(clusters, dict) and clusters["id"] == 1
