"""Authentication lifecycle against the simulator: JWT, refresh, rotation, re-login, Basic, Api-Token."""
import json
import os
import stat
import threading
import time

import pytest
import requests

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import AuthenticationError, OptionError
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params


def posts(sim, suffix):
    return [e for e in sim.request_log() if e["method"] == "POST" and e["path"].endswith(suffix)]


class Clock:
    """A clock the simulator uses for token expiry; ``advance`` makes every token older at once."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += seconds


def test_jwt_login_once_and_bearer_everywhere(vms_sim):
    vms_sim.clear_log()
    with VastSession(sim_params(vms_sim)) as session:
        session.get("vms/")
        assert session.auth_method == "jwt"
    log = vms_sim.request_log()
    assert len(posts(vms_sim, "/token/")) == 1
    assert all(e.get("auth") in ("jwt", "bearer", "none", None) for e in log)


def test_wrong_password_one_attempt_clear_message(vms_sim):
    vms_sim.clear_log()
    params = sim_params(vms_sim, password="Wrong-Password-77")
    with pytest.raises(AuthenticationError) as info:
        VastSession(params).open()
    message = str(info.value)
    assert "rejected username/password for user admin" in message and "Wrong-Password-77" not in message
    assert len(vms_sim.request_log()) == 1


def test_wrong_password_basic_costs_one_request(vms_sim):
    vms_sim.clear_log()
    with pytest.raises(AuthenticationError):
        VastSession(sim_params(vms_sim, password="Wrong-Password-78", auth_method="basic")).open()
    assert len(vms_sim.request_log()) == 1


def test_basic_fallback_without_token_endpoint(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="4.7.0", jwt_enabled=False)
    with VastSession(sim_params(sim)) as session:
        assert session.auth_method == "basic"
        assert session.get("clusters/")
        assert any("Basic" in w for w in session.warnings)


def test_proactive_refresh_before_expiry(sim_factory):
    sim = sim_factory(profile="tiny", access_token_lifetime=2.0)
    with VastSession(sim_params(sim)) as session:
        deadline = time.time() + 4.5
        while time.time() < deadline:
            session.get("vms/", cache=False)
            time.sleep(0.1)
        stats = session.summary()
    assert len(posts(sim, "/token/refresh/")) == stats["token_refreshes"] >= 2
    assert stats["auth_failures"] == 0  # never waited for a 403
    assert all(e["status"] != 403 for e in sim.request_log())


def test_expiry_mid_collection_refresh_then_rotation(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="small", access_token_lifetime=3600, refresh_rotation=True,
                      blacklist_after_rotation=True, clock=clock)
    with VastSession(sim_params(sim)) as session:
        seen = 0
        for index, dummy in enumerate(session.iter_resource("views", page_size=50, parallel_pages=False)):
            seen += 1
            if index in (60, 160):
                clock.advance(3700)  # the access token expires under our feet (server side)
        assert seen == 329
        stats = session.summary()
    assert stats["token_refreshes"] == 2 and stats["relogins"] == 0
    refreshes = posts(sim, "/token/refresh/")
    assert len(refreshes) == 2 and all(e["status"] == 200 for e in refreshes)


def test_revoked_refresh_token_leads_to_relogin(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="tiny", access_token_lifetime=3600, refresh_token_lifetime=7200, clock=clock)
    with VastSession(sim_params(sim)) as session:
        session.get("vms/")
        clock.advance(8000)  # both tokens dead on the server
        assert session.get("clusters/", {"x": 1}) is not None
        stats = session.summary()
    assert stats["relogins"] == 1
    assert len(posts(sim, "/token/")) == 2


def test_refresh_without_password_fails_clearly(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="tiny", clock=clock)
    with VastSession(sim_params(sim)) as first:
        tokens = first.exported_tokens()
    params = sim_params(sim, username=None, password=None, access_token=tokens["access_token"],
                        refresh_token=tokens["refresh_token"])
    with VastSession(params) as session:
        assert session.auth_method == "bearer"
        session.get("vms/")
        clock.advance(10 ** 6)
        with pytest.raises(AuthenticationError) as info:
            session.get("clusters/", {"again": 1})
    assert "no password" in str(info.value)
    assert tokens["refresh_token"] not in str(info.value)


def test_twenty_readers_across_expiry_one_refresh(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="small", access_token_lifetime=3600, clock=clock)
    errors = []
    with VastSession(sim_params(sim, max_concurrency=20)) as session:
        barrier = threading.Barrier(20)

        def reader(n):
            try:
                barrier.wait()
                for round_ in range(6):
                    session.get("views/", {"page_size": 20, "page": (n + round_) % 10 + 1}, cache=False)
                    if n == 0 and round_ in (1, 3):
                        clock.advance(3700)
                    time.sleep(0.05)
            except Exception as exc:  # pylint: disable=broad-except
                errors.append(exc)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = session.summary()
    assert errors == []
    refreshes = posts(sim, "/token/refresh/")
    assert len(refreshes) == stats["token_refreshes"] == 2  # one per expiry, never a stampede
    assert stats["relogins"] == 0


def test_api_token(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    with VastSession(sim_params(sim)) as session:
        tokens = session.exported_tokens()
    created = requests.post(sim.base_url + "/api/v7/apitokens/", json={"name": "t1"}, verify=sim.ca_path,
                            headers={"Authorization": "Bearer %s" % tokens["access_token"]}, timeout=10)
    assert created.status_code in (200, 201)
    secret = created.json()["token"]
    sim.clear_log()
    with VastSession(sim_params(sim, username=None, password=None, api_token=secret)) as session:
        assert session.auth_method == "api_token"
        assert session.get("vms/")
    assert not posts(sim, "/token/")
    with pytest.raises(AuthenticationError) as info:
        VastSession(sim_params(sim, username=None, password=None, api_token=created.json()["id"])).open()
    assert "rejected the API token" in str(info.value)


def test_tenant_header_only_on_5_3(sim_factory):
    sim = sim_factory(profile="small", vast_version="5.3.1")
    tenants = None
    with VastSession(sim_params(sim)) as session:
        tenants = session.read_resource("tenants").data
    name = tenants[1]["name"]
    sim.clear_log()
    with VastSession(sim_params(sim, tenant=name)) as session:
        views = session.read_resource("views").data
        assert views and all(v.get("tenant_name") in (name, None) for v in views)
    old = sim_factory(profile="tiny", vast_version="5.2.0")
    with pytest.raises(OptionError) as info:
        VastSession(sim_params(old, tenant=name)).open()
    assert info.value.option == "tenant" and "5.3" in str(info.value)


def test_a_tenant_the_cluster_does_not_know_fails_at_open_naming_the_option(sim_factory):
    """User test M2: a misspelt tenant gave rc 0 and 57 warnings (every resource answered 403); it now fails while
    connecting, before any resource is read, with an OptionError naming tenant."""
    sim = sim_factory(profile="small", vast_version="5.3.1")
    sim.clear_log()
    with pytest.raises(OptionError) as info:
        VastSession(sim_params(sim, tenant="archive-9")).open()
    assert info.value.option == "tenant"
    message = str(info.value)
    assert message.startswith("Invalid option 'tenant': 'archive-9' does not exist on this cluster"), message
    assert "Check the tenant's name" in message
    read = [e["path"] for e in sim.request_log() if e["method"] == "GET"]
    # the version probes and one verification request with the header, then nothing
    assert len([e for e in sim.request_log() if e["status"] == 403]) == 1 and len(read) <= 6, read


def test_an_existing_tenant_and_its_domain_pass_the_check(sim_factory):
    sim = sim_factory(profile="small", vast_version="5.3.1")
    with VastSession(sim_params(sim)) as session:
        tenant = session.read_resource("tenants").data[1]
    for name in (tenant["name"], tenant.get("domain_name")):
        if name:
            with VastSession(sim_params(sim, tenant=name)) as session:
                assert session.read_resource("views").status == "ok"


def test_a_tenant_removed_while_reading_stops_the_collection(sim_factory):
    """The 403 "Tenant X does not exist" answer is recognised on every request, not only at open()."""
    from ansible_collections.vastops.asbuilt.plugins.module_utils.session import is_fatal
    sim = sim_factory(profile="small", vast_version="5.3.1")
    with VastSession(sim_params(sim)) as session:
        name = session.read_resource("tenants").data[1]["name"]
    with VastSession(sim_params(sim, tenant=name)) as session:
        sim.add_fault({"type": "status", "status": 403, "path": "/views/*",
                       "body": {"detail": "Tenant %s does not exist" % name, "code": "permission_denied"}})
        with pytest.raises(OptionError) as info:
            list(session.iter_resource("views"))
    assert info.value.option == "tenant" and is_fatal(info.value)


def test_token_file_lifecycle(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny")
    token_file = str(tmp_path / "vast-tokens.json")
    with VastSession(sim_params(sim, token_file=token_file)) as session:
        session.get("vms/")
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    with open(token_file) as handle:
        assert json.load(handle)["access"]
    sim.clear_log()
    # a later session reuses the file: no login
    session = VastSession(sim_params(sim, token_file=token_file)).open()
    assert session.auth.note == "tokens reused from token_file"
    session.get("vms/")
    assert not posts(sim, "/token/")
    session.close(logout=True)
    assert not os.path.exists(token_file)


def test_tokens_only_in_memory_by_default(sim_factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sim = sim_factory(profile="tiny")
    with VastSession(sim_params(sim)) as session:
        session.get("vms/")
    assert os.listdir(str(tmp_path)) == []
