"""Version detection against every simulator release profile."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import OptionError, UnsupportedVersion
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params

PROFILES = [
    # (vast_version, expected API version)
    ("4.7.0", "v3"), ("5.0.0", "v4"), ("5.1.0", "v5"), ("5.2.0", "v5"), ("5.3.1", "v7"), ("5.4.0", "v7"),
    ("5.10.0", "v7"),
]


@pytest.mark.parametrize("version, api", PROFILES)
def test_detection_per_release(sim_factory, version, api):
    sim = sim_factory(profile="tiny", vast_version=version)
    with VastSession(sim_params(sim)) as session:
        assert session.api_version == api
        assert session.sw_version.release[:2] == tuple(int(x) for x in version.split(".")[:2])
        assert session.sw_version_source == "clusters.sw_version"
        assert session.cluster.get("guid")
        newer = session.sw_version.release_at_least("5.5")
        assert bool(session.warnings) == newer
        if newer:
            assert "5.4" in session.warnings[0] and "4.7 <= release < 6.0" in session.warnings[0]
    log = sim.request_log()
    probes = [e["path"] for e in log if e["path"].endswith("/clusters/")]
    # highest first, in waves of four: current releases need one wave
    assert "/api/v10/clusters/" in probes
    assert set(e["method"] for e in log) <= {"GET", "POST"}


def test_twenty_digit_build_segment(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    with VastSession(sim_params(sim)) as session:
        raw = session.sw_version.raw
        assert len(raw.split(".")) == 5 and len(raw.split(".")[-1]) >= 19
        assert session.sw_version > "5.3.0" and session.sw_version < "5.10"


def test_five_ten_is_newer_than_five_three(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.10.0")
    with VastSession(sim_params(sim)) as session:
        assert session.sw_version > "5.3.1"
        assert session.availability("apitokens") == (True, None)
        assert session.availability("health") == (True, None)


def test_six_oh_is_refused_before_collection(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="6.0.0")
    sim.clear_log()
    with pytest.raises(UnsupportedVersion) as info:
        VastSession(sim_params(sim)).open()
    assert "4.7 <= release < 6.0" in str(info.value) and "allow_newer_version" in str(info.value)
    paths = set(e["path"] for e in sim.request_log())
    assert all(p.endswith("/clusters/") or "token" in p for p in paths)
    with VastSession(sim_params(sim, allow_newer_version=True)) as session:
        assert session.api_version == "v7" and "allow_newer_version" in session.warnings[0]


def test_older_than_supported_is_refused(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="4.6.0")
    with pytest.raises(UnsupportedVersion) as info:
        VastSession(sim_params(sim)).open()
    assert "older than this collection supports (4.7 <= release < 6.0)" in str(info.value)


def test_explicit_api_version(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    with VastSession(sim_params(sim, api_version="v5")) as session:
        assert session.api_version == "v5"
        assert session.get("clusters/")
    with pytest.raises(OptionError) as info:
        VastSession(sim_params(sim, api_version="v9")).open()
    assert info.value.option == "api_version" and "not served" in str(info.value)
    with VastSession(sim_params(sim, api_version="latest")) as session:
        assert session.api_version == "latest" and session.get("vms/")


def test_permissive_server_uses_latest(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1", unknown_version_status=0)
    with VastSession(sim_params(sim)) as session:
        assert session.api_version == "latest"
        assert any("any API version" in w for w in session.warnings)
