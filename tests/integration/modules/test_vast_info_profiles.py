"""Every subset through ansible-playbook on several releases: 4.7 (Basic auth only), 5.3 (JWT), an EBox cluster."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue
from playbook_util import only_reads, run_tasks

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

PROFILES = {
    "4.7-basic": dict(profile="tiny", vast_version="4.7", jwt_enabled=False),
    "5.3-jwt": dict(profile="small", vast_version="5.3.1"),
    "5.3-ebox": dict(profile="tiny", vast_version="5.3.1", ebox=True),
    "5.4": dict(profile="tiny", vast_version="5.4"),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_subset(sim_factory, tmp_path, name):
    sim = sim_factory(**PROFILES[name])
    subsets = list(catalogue.SUBSETS)
    run = run_tasks(sim, tmp_path, [{"vastops.asbuilt.vast_info": {"gather_subset": ["all"], "events_max": 300}}])
    assert run.rc == 0, run
    result = run.results[0]
    assert result and not result.get("failed"), result
    assert result["changed"] is False
    meta = result["meta"]
    assert meta["subsets_requested"] == meta["subsets_collected"] == subsets
    assert meta["errors"] == {}
    assert sorted(result["vast_info"]) == sorted(subsets)
    for entry in catalogue.entries_for(subsets):
        status = meta["resources"][entry.key]["status"]
        if status == "ok":
            assert isinstance(result["vast_info"][entry.subset][entry.name], list)
            assert meta["counts"][entry.subset][entry.name] == len(result["vast_info"][entry.subset][entry.name])
        else:
            assert status == "unavailable" and meta["unavailable"][entry.key], entry.key
            assert entry.name not in result["vast_info"][entry.subset]
    unavailable = set(meta["unavailable"])
    if name == "4.7-basic":
        assert meta["auth_method"] == "basic" and meta["api_version"] == "v3" and meta["release"] == "4.7.0"
        assert unavailable == {"cluster.health", "security.tlscertificates", "security.apitokens"}
        assert not [e for e in sim.request_log() if e["auth"] == "jwt"]
        assert any("Basic" in w for w in result.get("warnings", []))
    elif name == "5.4":
        assert unavailable == set()
        assert result["vast_info"]["cluster"]["health"][0]["status"]
    else:
        assert meta["auth_method"] == "jwt" and meta["api_version"] == "v7"
        assert unavailable == {"cluster.health", "security.tlscertificates"}
    hardware = result["vast_info"]["hardware"]
    if name == "5.3-ebox":
        assert hardware["eboxes"] and not hardware["cboxes"] and not hardware["dboxes"]
    else:
        assert hardware["cboxes"] and hardware["eboxes"] == []
    assert len(result["vast_info"]["monitoring"]["events"]) == 300
    assert only_reads(sim) == []
