"""Routing: versions, latest, unversioned, unknown versions/paths/ids, trailing slashes, sub-resources,
release-specific endpoints, non-JSON endpoints."""
import pytest

from simtest_util import session

# NOTES 6.1: paths clients call that do not exist on a real cluster.
MISSING = ["/ntps/", "/ldap/", "/snapprograms/", "/snmp/", "/syslog/", "/alerts/", "/networkinterfaces/",
           "/protectionpolicy/", "/cluster/1/"]


@pytest.fixture
def http(vms_sim_shared):
    return session(vms_sim_shared)


def test_all_prefixes(http, vms_sim_shared):
    sim = vms_sim_shared
    bodies = {}
    for prefix in ("/api", "/api/v1", "/api/v5", "/api/v7", "/api/latest"):
        r = http.get(sim.base_url + prefix + "/cnodes/", timeout=30)
        assert r.status_code == 200
        bodies[prefix] = r.json()
        assert bodies[prefix][0]["url"] == "%s%s/cnodes/1" % (sim.base_url, prefix)
    assert len({len(b) for b in bodies.values()}) == 1


@pytest.mark.parametrize("version", ["v8", "v9", "v0", "v70", "vX"])
def test_unknown_version_404(http, vms_sim_shared, version):
    r = http.get(vms_sim_shared.base_url + "/api/%s/cnodes/" % version, timeout=30)
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}
    assert r.headers["Content-Type"] == "application/json"


def test_old_release_versions_and_permissive_mode(sim_factory):
    old = sim_factory(profile="tiny", vast_version="4.7.0")
    http = session(old)
    assert http.get(old.base_url + "/api/v3/cnodes/", timeout=30).status_code == 200
    assert http.get(old.base_url + "/api/v4/cnodes/", timeout=30).status_code == 404
    assert http.get(old.base_url + "/api/latest/cnodes/", timeout=30).status_code == 200
    assert http.get(old.base_url + "/api/eboxes/", timeout=30).json() == []
    gone = sim_factory(profile="tiny", vast_version="4.7.0", eboxes_on_4x="404")
    assert session(gone).get(gone.base_url + "/api/eboxes/", timeout=30).status_code == 404
    loose = sim_factory(profile="tiny", unknown_version_status=0)
    assert session(loose).get(loose.base_url + "/api/v12/cnodes/", timeout=30).status_code == 200


@pytest.mark.parametrize("path", MISSING)
def test_missing_paths_404(http, vms_sim_shared, path):
    r = http.get(vms_sim_shared.base_url + "/api/v7" + path, timeout=30)
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_unknown_ids_and_not_api(http, vms_sim_shared):
    sim = vms_sim_shared
    for path in ("/api/v7/cnodes/9999/", "/api/v7/views/abc/", "/api/v7/vms/7/network_settings/",
                 "/something/else"):
        r = http.get(sim.base_url + path, timeout=30)
        assert r.status_code == 404 and r.json() == {"detail": "Not found."}, path
    # unknown paths answer 404 even without credentials (URL resolution before authentication)
    anon = session(sim, auth=False)
    assert anon.get(sim.base_url + "/api/v7/ntps/", timeout=30).status_code == 404
    assert anon.get(sim.base_url + "/api/v7/cnodes/", timeout=30).status_code == 403


def test_trailing_slash_tolerance_and_strict_mode(http, vms_sim_shared, sim_factory):
    sim = vms_sim_shared
    assert http.get(sim.base_url + "/api/v7/cnodes", timeout=30).status_code == 200
    assert http.get(sim.base_url + "/api/v7/cnodes/1", timeout=30).json()["id"] == 1
    assert http.get(sim.base_url + "/api/prometheusmetrics/devices", timeout=30).status_code == 200
    strict = sim_factory(profile="tiny", quirks={"strict_trailing_slash": True})
    r = session(strict).get(strict.base_url + "/api/v7/cnodes?fields=id", allow_redirects=False, timeout=30)
    assert r.status_code == 301 and r.headers["Location"].endswith("/api/v7/cnodes/?fields=id")


def test_sub_resources(http, vms_sim_shared, sim_factory):
    sim = vms_sim_shared
    ns = http.get(sim.base_url + "/api/v7/vms/1/network_settings/", timeout=30).json()
    assert set(ns) == {"data"} and ns["data"]["ntp"] and ns["data"]["boxes"]
    assert "max_failed_login_attempts" in http.get(sim.base_url + "/api/v7/vms/1/pwd_settings/", timeout=30).json()
    cap = http.get(sim.base_url + "/api/v7/capacity/", params={"path": "/", "type": "usable"}, timeout=30).json()
    assert cap["keys"] == ["usable", "unique", "logical"] and any(d[0] == "/projects" for d in cap["details"])
    sub = http.get(sim.base_url + "/api/v7/capacity/", params={"path": "/projects"}, timeout=30).json()
    # like the real answer (NOTES 5.7), the asked-for path comes first, whole, then the directories under it
    assert cap["details"][0][0] == "/" and cap["details"][0][1]["parent"] == "/" and cap["details"][0][1]["percent"] == 100
    assert cap["details"][0][1]["data"] == cap["root_data"]
    assert sub["details"][0][0] == "/projects" and sub["details"][0][1]["parent"] == "/"
    rest = sub["details"][1:] + sub["small_folders"]
    assert rest and all(d[0].startswith("/projects/") for d in rest)
    q = http.get(sim.base_url + "/api/v7/monitors/1/query/", timeout=30).json()
    assert q["prop_list"][:2] == ["timestamp", "object_id"] and q["data"]
    bare = sim_factory(profile="tiny", quirks={"network_settings_wrapper": False})
    assert "ntp" in session(bare).get(bare.base_url + "/api/v7/vms/1/network_settings/", timeout=30).json()


def test_prometheus_is_text(http, vms_sim_shared):
    for kind in ("", "all", "devices", "switches", "quotas", "views", "users", "defrag"):
        r = http.get(vms_sim_shared.base_url + "/api/prometheusmetrics/" + kind, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
        assert r.text.startswith("# HELP vast_")


def test_release_specific_endpoints(sim_factory):
    s53 = sim_factory(profile="tiny", vast_version="5.3.1")
    s54 = sim_factory(profile="tiny", vast_version="5.4.0")
    for path in ("/api/v7/health/", "/api/v7/tlscertificates/", "/api/v7/prometheusmetrics/alarms"):
        assert session(s53).get(s53.base_url + path, timeout=30).status_code == 404
        assert session(s54).get(s54.base_url + path, timeout=30).status_code == 200
    health = session(s54).get(s54.base_url + "/api/v7/health/", timeout=30).json()
    assert health["status"] == "ok"
    s54.mutate({"health": [{"set": {"status": "error"}}]})
    assert session(s54).get(s54.base_url + "/api/v7/health/", timeout=30).status_code == 503
    cluster = session(s54).get(s54.base_url + "/api/v7/clusters/", timeout=30).json()[0]
    assert "block_ipmi" in cluster and "psnt" in cluster


@pytest.mark.parametrize("version,api", [("5.10.0", 7), ("6.0", 7), ("5.2.1", 5)])
def test_emulated_future_and_odd_versions(sim_factory, version, api):
    sim = sim_factory(profile="tiny", vast_version=version)
    http = session(sim)
    assert http.get(sim.base_url + "/api/v%d/vms/" % api, timeout=30).status_code == 200
    assert http.get(sim.base_url + "/api/v%d/vms/" % (api + 1), timeout=30).status_code == 404
    sw = http.get(sim.base_url + "/api/latest/clusters/", timeout=30).json()[0]["sw_version"]
    assert sw.startswith(sim.config.release.version + ".") and len(sw.split(".")[-1]) == 20
    apitokens = http.get(sim.base_url + "/api/latest/apitokens/", timeout=30).status_code
    assert apitokens == (200 if version != "5.2.1" else 404)


def test_self_links_per_release(sim_factory):
    old = sim_factory(profile="tiny", vast_version="5.2.0")
    q = session(old).get(old.base_url + "/api/quotas/1/", timeout=30).json()
    assert q["url"] == old.base_url + "/api/quotas/1/"


def test_api_root_openapi_head_options_405(http, vms_sim_shared):
    sim = vms_sim_shared
    root = http.get(sim.base_url + "/api/v7/", timeout=30).json()
    assert root["cnodes"] == sim.base_url + "/api/v7/cnodes/"
    doc = http.get(sim.base_url + "/api/v7/", params={"format": "openapi"}, timeout=30).json()
    assert doc["openapi"].startswith("3.0") and "/cnodes/" in doc["paths"]
    head = http.head(sim.base_url + "/api/v7/cnodes/", timeout=30)
    full = http.get(sim.base_url + "/api/v7/cnodes/", timeout=30)
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == str(len(full.content))
    opt = http.options(sim.base_url + "/api/v7/views/", timeout=30)
    assert opt.status_code == 200 and "POST" in opt.headers["Allow"]
    r = http.post(sim.base_url + "/api/v7/cnodes/1/", json={}, timeout=30)
    assert r.status_code == 405 and "not allowed" in r.json()["detail"]
