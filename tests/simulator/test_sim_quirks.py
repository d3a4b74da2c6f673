"""Quirk switches of NOTES section 6/7 and other GUESS settings, each on and off."""
from simtest_util import session, validate


def get(sim, path, **kw):
    r = session(sim).get(sim.base_url + path, timeout=30, **kw)
    return r


def test_rack_unit_quirk(sim_factory):
    real = sim_factory(profile="tiny")
    box = get(real, "/api/v7/cboxes/").json()[0]
    assert box["index_in_rack"] is None and box["rack_unit"].startswith("U")
    clean = sim_factory(profile="tiny", quirks={"rack_unit": False})
    box = get(clean, "/api/v7/cboxes/").json()[0]
    assert isinstance(box["index_in_rack"], int) and "rack_unit" not in box


def test_mixed_case_port_states(sim_factory):
    sim = sim_factory(profile="tiny", quirks={"mixed_case_port_states": True})
    states = {p["state"] for p in get(sim, "/api/v7/ports/").json()}
    assert states == {"up", "down"}
    assert validate("/ports/", get(sim, "/api/v7/ports/").json())  # outside the spec's enum, as on real clusters
    clean = sim_factory(profile="tiny")
    assert {p["state"] for p in get(clean, "/api/v7/ports/").json()} == {"ACTIVE", "INACTIVE"}


def test_short_build_segment(sim_factory):
    sim = sim_factory(profile="tiny", quirks={"long_build_segment": False})
    assert len(get(sim, "/api/v7/clusters/").json()[0]["sw_version"].split(".")) == 4


def test_route_on_host(sim_factory):
    sim = sim_factory(profile="tiny", quirks={"route_on_host": "10.1.2.3"})
    assert get(sim, "/api/v7/vms/").status_code == 404  # Host 127.0.0.1:port lands on "another vhost"
    assert get(sim, "/api/v7/vms/", headers={"Host": "10.1.2.3"}).status_code == 200


def test_page_without_size_envelope(sim_factory):
    sim = sim_factory(profile="small", page_without_size="envelope")
    body = get(sim, "/api/v7/views/", params={"page": 2}).json()
    assert body["count"] == 329 and len(body["results"]) == 50


def test_max_api_version_setting(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1", max_api_version=6)
    assert get(sim, "/api/v6/vms/").status_code == 200 and get(sim, "/api/v7/vms/").status_code == 404
