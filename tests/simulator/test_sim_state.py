"""State overrides, scenarios, run-time mutations and the other /_sim/ admin endpoints."""
import datetime
import json

import pytest
from cryptography import x509

from simulator import SCENARIOS
from simulator.common import parse_time
from simtest_util import session, validate

NOW = parse_time("2026-11-01T12:00:00Z")


def admin(sim):
    return session(sim, auth=False)


def api(sim, endpoint, **params):
    r = session(sim).get(sim.base_url + "/api/v7" + endpoint, params=params, timeout=30)
    assert r.status_code == 200, (endpoint, r.status_code)
    return r.json()


def test_health_info_stats_log(vms_sim):
    a = admin(vms_sim)
    health = a.get(vms_sim.base_url + "/_sim/health", timeout=30).json()
    assert health["status"] == "ok" and health["profile"] == "small" and health["outage"] is False
    info = a.get(vms_sim.base_url + "/_sim/info", timeout=30).json()
    assert info["users"] == ["admin", "readonly", "tenantadmin"] and info["ca_path"] == vms_sim.ca_path
    assert vms_sim.users["admin"] not in json.dumps(info)
    api(vms_sim, "/cnodes/")
    api(vms_sim, "/dnodes/")
    log = a.get(vms_sim.base_url + "/_sim/log", timeout=30).json()
    assert [e["resource_path"] for e in log["entries"]] == ["/cnodes/", "/dnodes/"]
    assert all({"ts", "method", "path", "query", "status", "bytes", "auth", "user", "latency_ms", "fault"}
               <= set(e) for e in log["entries"])
    since = a.get(vms_sim.base_url + "/_sim/log", params={"since": log["entries"][0]["seq"]}, timeout=30).json()
    assert len(since["entries"]) == 1
    stats = a.get(vms_sim.base_url + "/_sim/stats", timeout=30).json()
    assert stats["requests"] == 2 and stats["by_method"] == {"GET": 2} and stats["by_status"] == {"200": 2}
    a.delete(vms_sim.base_url + "/_sim/log", timeout=30)
    a.delete(vms_sim.base_url + "/_sim/stats", timeout=30)
    assert vms_sim.request_log() == [] and vms_sim.stats_dict()["requests"] == 0


def test_admin_calls_logged_only_when_asked(sim_factory, tmp_path):
    path = tmp_path / "log.jsonl"
    sim = sim_factory(profile="tiny", log_admin=True, log_path=str(path))
    admin(sim).get(sim.base_url + "/_sim/health", timeout=30)
    api(sim, "/vms/")
    everything = sim.request_log(include_admin=True)
    assert [e.get("admin", False) for e in everything] == [True, False]
    assert [e.get("admin", False) for e in sim.request_log()] == [False]
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["path"] for line in lines] == ["/_sim/health", "/api/v7/vms/"]


def test_overrides_match_set_add_remove(vms_sim):
    a = admin(vms_sim)
    body = {
        "switches": [{"match": {"id": 1}, "set": {"name": "core-sw-renamed", "hostname": "core-sw-renamed"}}],
        "network_settings": [{"set": {"ntp": ["192.0.2.99"]}}],
        "views": [{"add": {"path": "/drift/new-view", "policy_id": 1}},
                  {"match": {"path__startswith": "/home/"}, "index": 0, "set": {"share_acl.enabled": True}}],
        "alarms": [{"remove": {"severity": "INFO"}}],
        "cnodes": [{"match": {"name__endswith": "-10"}, "unset": ["bmc_state_reason"]}],
    }
    r = a.post(vms_sim.base_url + "/_sim/state", json=body, timeout=30)
    assert r.status_code == 200
    summary = r.json()["applied"]
    assert summary["switches"]["changed"] == 1 and summary["views"]["added"] == 1
    assert summary["alarms"]["removed"] >= 1
    switches = api(vms_sim, "/switches/")
    assert switches[0]["name"] == "core-sw-renamed"  # the cached list was invalidated
    assert api(vms_sim, "/vms/1/network_settings/")["data"]["ntp"] == ["192.0.2.99"]
    added = api(vms_sim, "/views/", path="/drift/new-view")
    assert len(added) == 1 and added[0]["id"] == 330 and not validate("/views/", added)
    home = api(vms_sim, "/views/", path__startswith="/home/")
    assert home[0]["share_acl"]["enabled"] is True and "acl" in home[0]["share_acl"]
    assert all(al["severity"] != "INFO" for al in api(vms_sim, "/alarms/"))
    assert "bmc_state_reason" not in api(vms_sim, "/cnodes/1/")
    assert a.post(vms_sim.base_url + "/_sim/state", json={"nonsense": [{"set": {}}]}, timeout=30).status_code == 400
    assert a.post(vms_sim.base_url + "/_sim/state", json={"views": [{"match": {}}]}, timeout=30).status_code == 400
    # mutate alias, then reset to the generated cluster
    a.post(vms_sim.base_url + "/_sim/mutate", json={"vms": [{"set": {"min_tls_version": "1.1"}}]}, timeout=30)
    assert api(vms_sim, "/vms/1/")["min_tls_version"] == "1.1"
    a.post(vms_sim.base_url + "/_sim/state/reset", timeout=30)
    assert api(vms_sim, "/vms/1/")["min_tls_version"] == "1.2"
    assert api(vms_sim, "/switches/1/")["name"] != "core-sw-renamed"


def test_state_at_start_from_dict_and_file(sim_factory, tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"scenarios": ["single_dns"], "clusters": [{"set": {"name": "from-file"}}]}))
    sim = sim_factory(profile="tiny", state=str(path), scenarios=["encryption_off"])
    cluster = api(sim, "/clusters/")[0]
    assert cluster["name"] == "from-file" and cluster["enable_encryption"] is False
    assert api(sim, "/vms/1/network_settings/")["data"]["dns"] == ["192.0.2.53"]
    sim2 = sim_factory(profile="tiny", state={"ssds": [{"index": -1, "set": {"state": "FAILED"}}]})
    assert api(sim2, "/ssds/")[-1]["state"] == "FAILED"


def test_state_view_endpoints(vms_sim):
    a = admin(vms_sim)
    state = a.get(vms_sim.base_url + "/_sim/state", timeout=30).json()
    assert state["counts"]["views"] == 329 and "network_settings" in state["singletons"]
    switches = a.get(vms_sim.base_url + "/_sim/state/switches", timeout=30).json()
    assert len(switches) == 2 and switches[0]["url"].startswith(vms_sim.base_url)
    assert "ntp" in a.get(vms_sim.base_url + "/_sim/state/network_settings", timeout=30).json()
    assert vms_sim.records("switches")[0]["id"] == 1


def _scenario(sim, *names):
    r = admin(sim).post(sim.base_url + "/_sim/scenario", json={"scenarios": list(names)}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_applies_and_still_validates(sim_factory, name):
    sim = sim_factory(profile="tiny", scenarios=["healthy", name])
    for path in ("/clusters/", "/vms/", "/ssds/", "/cnodes/", "/switches/", "/ports/", "/vippools/", "/vips/",
                 "/certificates/", "/licenses/", "/alarms/", "/apitokens/", "/views/", "/protectedpaths/",
                 "/nativereplicationremotetargets/", "/cboxes/", "/callhomeconfigs/"):
        assert not validate(path, api(sim, path)), (name, path)


def test_scenarios_do_what_they_say(sim_factory):
    sim = sim_factory(profile="small", scenarios=["healthy"])
    alarms = api(sim, "/alarms/")
    assert alarms and {a["severity"] for a in alarms} <= {"MINOR", "INFO"}
    assert len(api(sim, "/vms/1/network_settings/")["data"]["management_vips"]) == 2
    _scenario(sim, "failed_ssd", "degraded_raid", "node_inactive", "mixed_firmware", "capacity:92", "single_ntp",
              "encryption_off", "tls_1_1", "callhome_disabled", "critical_alarms", "replication_target_error",
              "licence_expiring:30", "certificate_expiring:20", "rack_unit_collision", "box_without_rack_position",
              "vippool_without_vips", "unprotected_views", "mtu_mismatch", "switch_fw_mismatch")
    assert sum(1 for s in api(sim, "/ssds/") if s["state"] == "FAILED") == 1
    cluster = api(sim, "/clusters/")[0]
    assert cluster["ssd_raid_state"] == "DEGRADED" and cluster["enable_encryption"] is False
    assert cluster["physical_space_in_use_percent"] == 92
    assert abs(cluster["free_usable_capacity_tb"] / cluster["usable_capacity_tb"] - 0.08) < 0.01
    assert api(sim, "/cnodes/")[0]["state"] == "INACTIVE"
    assert len({c["bios_version"] for c in api(sim, "/cnodes/")}) == 2
    assert api(sim, "/vms/1/network_settings/")["data"]["ntp"] == ["192.0.2.123"]
    assert api(sim, "/vms/1/")["min_tls_version"] == "1.1"
    assert api(sim, "/callhomeconfigs/")[0]["log_enabled"] is False
    assert any(a["severity"] == "CRITICAL" for a in api(sim, "/alarms/"))
    assert api(sim, "/nativereplicationremotetargets/")[0]["state"] == "ERROR"
    expiry = datetime.datetime.strptime(api(sim, "/licenses/")[0]["expiration_date"], "%Y-%m-%d")
    assert (expiry.replace(tzinfo=datetime.timezone.utc) - NOW).days <= 30
    pem = x509.load_pem_x509_certificate(api(sim, "/certificates/")[0]["certificate"].encode())
    assert (pem.not_valid_after_utc - NOW).days <= 20
    boxes = api(sim, "/cboxes/") + api(sim, "/dboxes/")
    units = [(b["rack_id"], b["rack_unit"]) for b in boxes if b["rack_unit"]]
    assert len(units) != len(set(units))
    assert any(b["rack_unit"] is None and b["index_in_rack"] is None for b in boxes)
    pool = api(sim, "/vippools/")[-1]
    assert pool["ip_ranges"] == [] and not api(sim, "/vips/", vippool=pool["name"])
    views = api(sim, "/views/", path__startswith="/scratch/")
    assert len(views) == 3
    switches = api(sim, "/switches/")
    assert switches[0]["mtu"] == 1500 and switches[0]["fw_version"] != switches[1]["fw_version"]


def test_one_switch_and_token_scenarios(sim_factory):
    sim = sim_factory(profile="small", scenarios=["one_switch", "apitokens_no_expiry"])
    switches = api(sim, "/switches/")
    assert len(switches) == 1
    assert {p["switch"].split(" ")[0] for p in api(sim, "/ports/")} == {switches[0]["hostname"]}
    assert any(t["expiry_date"] is None for t in api(sim, "/apitokens/"))
    sim2 = sim_factory(profile="tiny", scenarios=["apitokens_near_limit"])
    valid = [t for t in api(sim2, "/apitokens/") if t["owner"] == "admin"]
    assert len(valid) == 4
    http = session(sim2)
    assert http.post(sim2.base_url + "/api/apitokens/", json={}, timeout=30).status_code == 201
    assert http.post(sim2.base_url + "/api/apitokens/", json={}, timeout=30).status_code == 503


def test_unknown_scenario_is_an_error(vms_sim):
    r = admin(vms_sim).post(vms_sim.base_url + "/_sim/scenario", json={"name": "no_such"}, timeout=30)
    assert r.status_code == 400 and "known:" in r.json()["detail"]


def test_runtime_config(vms_sim):
    a = admin(vms_sim)
    r = a.patch(vms_sim.base_url + "/_sim/config", json={"latency_ms": 5, "access_token_lifetime": 30,
                                                         "quirks": {"network_settings_wrapper": False}}, timeout=30)
    assert r.status_code == 200 and r.json()["latency_ms"] == 5 and r.json()["access_token_lifetime"] == 30
    assert "ntp" in api(vms_sim, "/vms/1/network_settings/")
    assert api(vms_sim, "/vms/1/")["access_token_lifetime"] == "00:00:30"
    assert a.patch(vms_sim.base_url + "/_sim/config", json={"bogus": 1}, timeout=30).status_code == 400


@pytest.mark.parametrize("percent", [30, 95])
def test_directory_breakdown_follows_a_capacity_scenario(sim_factory, percent):
    """The capacity answer's directories add up to the cluster's logical use after capacity:N changed it."""
    sim = sim_factory(profile="tiny", scenarios=["capacity:%d" % percent])
    cluster = api(sim, "/clusters/")[0]
    cap = api(sim, "/capacity/", path="/")
    logical = cap["keys"].index("logical")
    children = [d for d in cap["details"] + cap["small_folders"] if d[0] != "/"]
    held = sum(d[1]["data"][logical] for d in children)
    assert 0.99 * cluster["logical_space_in_use"] <= held <= cluster["logical_space_in_use"]
    assert cap["root_data"][logical] == held
