"""Authentication and authorisation: Basic, API tokens, JWT (obtain/refresh/rotation/expiry), RBAC, tenants."""
import base64
import json
import time

import pytest
import requests

from simtest_util import session

INVALID = "Token is invalid or expired"


class Clock:
    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += seconds


def raw(sim, method, path, headers=None, **kw):
    s = session(sim, auth=False)
    return s.request(method, sim.base_url + path, headers=headers or {}, timeout=30, **kw)


def bearer(token):
    return {"Authorization": "Bearer %s" % token}


def claims(token):
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


# ---- Basic --------------------------------------------------------------------------------------------------------
def test_basic_and_failures(vms_sim):
    assert session(vms_sim).get(vms_sim.base_url + "/api/v7/vms/", timeout=30).status_code == 200
    r = raw(vms_sim, "GET", "/api/v7/vms/")
    assert r.status_code == 403 and r.json() == {"detail": "Authentication credentials were not provided."}
    r = session(vms_sim, password="wrong").get(vms_sim.base_url + "/api/v7/vms/", timeout=30)
    assert r.status_code == 403 and "detail" in r.json()
    log = vms_sim.request_log()
    assert [e["auth"] for e in log] == ["basic", "none", "basic"]
    assert [e["user"] for e in log] == ["admin", None, None]


def test_failure_status_is_a_setting(sim_factory):
    sim = sim_factory(profile="tiny", auth_failure_status=401)
    r = session(sim, password="nope").get(sim.base_url + "/api/vms/", timeout=30)
    assert r.status_code == 401


def test_configurable_passwords_never_logged(sim_factory, tmp_path):
    secret = "Recognisable-Pa55word-4711"
    logfile = tmp_path / "req.jsonl"
    sim = sim_factory(profile="tiny", passwords={"admin": secret}, log_path=str(logfile))
    assert sim.users["admin"] == secret
    http = session(sim)
    assert http.get(sim.base_url + "/api/vms/", timeout=30).status_code == 200
    tok = http.post(sim.base_url + "/api/token/", json={"username": "admin", "password": secret}, timeout=30).json()
    raw(sim, "GET", "/api/vms/?password=%s&token=%s" % (secret, tok["access"]), headers=bearer(tok["access"]))
    created = http.post(sim.base_url + "/api/apitokens/", json={}, timeout=30).json()
    raw(sim, "GET", "/api/managers/", headers={"Authorization": "Api-Token " + created["token"]})
    managers = http.get(sim.base_url + "/api/managers/", timeout=30).text
    everything = json.dumps(sim.request_log()) + logfile.read_text() + managers + json.dumps(sim.stats_dict())
    for needle in (secret, tok["access"], tok["refresh"], created["token"], base64.b64encode(
            ("admin:" + secret).encode()).decode()):
        assert needle not in everything


# ---- API tokens ---------------------------------------------------------------------------------------------------
def test_api_token_lifecycle(vms_sim):
    http = session(vms_sim)
    base = vms_sim.base_url + "/api/v7"
    r = http.post(base + "/apitokens/", json={"name": "ci", "expiry_date": "30D"}, timeout=30)
    assert r.status_code == 201 and set(r.json()) == {"id", "token"}
    ident, token = r.json()["id"], r.json()["token"]
    assert ident != token and ident.split(".")[0] == token.split(".")[0]
    listed = http.get(base + "/apitokens/", timeout=30)
    assert token not in listed.text and ident in listed.text
    rec = [t for t in listed.json() if t["id"] == ident][0]
    assert rec["owner"] == "admin" and rec["revoked"] is False and rec["name"] == "ci"
    ok = raw(vms_sim, "GET", "/api/v7/cnodes/", headers={"Authorization": "Api-Token " + token})
    assert ok.status_code == 200 and vms_sim.request_log()[-1]["auth"] == "apitoken"
    # the listed id is not the secret; a stray quote (old vastpy bug) is no credential at all
    assert raw(vms_sim, "GET", "/api/v7/cnodes/", headers={"Authorization": "Api-Token " + ident}).status_code == 403
    r = raw(vms_sim, "GET", "/api/v7/cnodes/", headers={"Authorization": "'Api-Token " + token})
    assert r.status_code == 403 and "not provided" in r.json()["detail"]
    assert http.patch(base + "/apitokens/%s/revoke" % ident, timeout=30).status_code == 200
    assert raw(vms_sim, "GET", "/api/v7/cnodes/", headers={"Authorization": "Api-Token " + token}).status_code == 403
    assert [t for t in http.get(base + "/apitokens/", timeout=30).json() if t["id"] == ident][0]["revoked"]


def test_api_token_limit_503_and_bad_expiry(vms_sim):
    http = session(vms_sim)
    base = vms_sim.base_url + "/api/v7/apitokens/"
    assert http.post(base, json={"expiry_date": "thirty days"}, timeout=30).status_code == 400
    existing = [t for t in http.get(base, timeout=30).json() if t["owner"] == "admin"]
    statuses = [http.post(base, json={"name": "t%d" % n}, timeout=30).status_code for n in range(6)]
    allowed = 5 - len(existing)
    assert statuses[:allowed] == [201] * allowed and set(statuses[allowed:]) == {503}
    r = http.post(base, json={}, timeout=30)
    assert r.status_code == 503 and "maximum number of API Tokens" in r.json()["detail"]
    # the limit is the vms setting
    http.patch(vms_sim.base_url + "/api/v7/vms/1/set_max_api_tokens_per_user/", json={"max_api_tokens_per_user": 10},
               timeout=30)
    assert http.post(base, json={}, timeout=30).status_code == 201


def test_api_token_expiry_and_others(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="tiny", clock=clock)
    http = session(sim)
    tok = http.post(sim.base_url + "/api/apitokens/", json={"expiry_date": "2h"}, timeout=30).json()["token"]
    hdr = {"Authorization": "Api-Token " + tok}
    assert raw(sim, "GET", "/api/vms/", headers=hdr).status_code == 200
    clock.advance(7300)
    assert raw(sim, "GET", "/api/vms/", headers=hdr).status_code == 403
    # a read-only user may make its own token but not one for somebody else
    ro = session(sim, "readonly")
    assert ro.post(sim.base_url + "/api/apitokens/", json={}, timeout=30).status_code == 201
    r = ro.post(sim.base_url + "/api/apitokens/", json={"owner": "admin"}, timeout=30)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_api_tokens_only_from_5_3(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="5.2.0")
    assert session(sim).get(sim.base_url + "/api/v5/apitokens/", timeout=30).status_code == 404
    assert raw(sim, "GET", "/api/vms/", headers={"Authorization": "Api-Token abc.def"}).status_code == 403


# ---- JWT ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["/api", "/api/v1", "/api/v7", "/api/latest"])
def test_jwt_obtain_everywhere_json_and_form(vms_sim, prefix):
    pw = vms_sim.users["admin"]
    r = raw(vms_sim, "POST", prefix + "/token/", json={"username": "admin", "password": pw})
    assert r.status_code == 200 and set(r.json()) == {"access", "refresh"}
    form = raw(vms_sim, "POST", prefix + "/token/", data={"username": "admin", "password": pw})
    assert form.status_code == 200
    access = r.json()["access"]
    header = json.loads(base64.urlsafe_b64decode(access.split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    c = claims(access)
    assert c["token_type"] == "access" and {"exp", "iat", "jti", "user_id"} <= set(c)
    assert 3500 < c["exp"] - c["iat"] <= 3600
    assert raw(vms_sim, "GET", prefix + "/clusters/", headers=bearer(access)).status_code == 200


def test_jwt_failures(vms_sim):
    r = raw(vms_sim, "POST", "/api/token/", json={"username": "admin", "password": "bad"})
    assert r.status_code == 401
    r = raw(vms_sim, "GET", "/api/v7/vms/", headers={"Authorization": "Bearer #"})
    assert r.status_code == 403 and INVALID in r.text
    r = raw(vms_sim, "POST", "/api/token/refresh/", json={"refresh": "garbage"})
    assert r.status_code == 401
    r = raw(vms_sim, "POST", "/api/token/refresh/", data={"refresh_token": "x"})  # the BAI form-field mistake
    assert r.status_code == 401


def test_jwt_expiry_refresh_rotation(sim_factory):
    clock = Clock()
    sim = sim_factory(profile="tiny", access_token_lifetime=60, refresh_token_lifetime=600, clock=clock)
    pair = raw(sim, "POST", "/api/token/", json={"username": "admin", "password": sim.users["admin"]}).json()
    assert claims(pair["access"])["exp"] - claims(pair["access"])["iat"] == 60
    clock.advance(61)
    r = raw(sim, "GET", "/api/vms/", headers=bearer(pair["access"]))
    assert r.status_code == 403 and INVALID in r.text and "token_not_valid" in r.text
    new = raw(sim, "POST", "/api/v7/token/refresh/", json={"refresh": pair["refresh"]})
    assert new.status_code == 200 and set(new.json()) == {"access", "refresh"}
    assert new.json()["refresh"] != pair["refresh"]
    assert raw(sim, "GET", "/api/vms/", headers=bearer(new.json()["access"])).status_code == 200
    # rotation blacklists the old refresh token
    assert raw(sim, "POST", "/api/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
    clock.advance(601)
    assert raw(sim, "POST", "/api/token/refresh/", json={"refresh": new.json()["refresh"]}).status_code == 401
    stats = sim.stats_dict()["auth"]
    assert stats["token_obtained"] == 1 and stats["token_refreshed"] == 1 and stats["token_refresh_failed"] == 2


def test_jwt_without_rotation(sim_factory):
    sim = sim_factory(profile="tiny", refresh_rotation=False)
    pair = raw(sim, "POST", "/api/token/", json={"username": "admin", "password": sim.users["admin"]}).json()
    for _ in range(2):
        r = raw(sim, "POST", "/api/token/refresh/", json={"refresh": pair["refresh"]})
        assert r.status_code == 200 and set(r.json()) == {"access"}


def test_lifetimes_from_vms_object(vms_sim):
    http = session(vms_sim)
    vms = http.get(vms_sim.base_url + "/api/v7/vms/1/", timeout=30).json()
    assert vms["access_token_lifetime"] == "01:00:00" and vms["refresh_token_lifetime"] == "1 00:00:00"
    http.patch(vms_sim.base_url + "/api/v7/vms/1/", json={"access_token_lifetime": "00:00:05"}, timeout=30)
    pair = raw(vms_sim, "POST", "/api/token/", json={"username": "admin", "password": vms_sim.users["admin"]}).json()
    c = claims(pair["access"])
    assert c["exp"] - c["iat"] in (4, 5)


def test_sub_second_lifetime(sim_factory):
    sim = sim_factory(profile="tiny", access_token_lifetime=0.3)
    pair = raw(sim, "POST", "/api/token/", json={"username": "admin", "password": sim.users["admin"]}).json()
    assert raw(sim, "GET", "/api/vms/", headers=bearer(pair["access"])).status_code == 200
    time.sleep(0.4)
    assert raw(sim, "GET", "/api/vms/", headers=bearer(pair["access"])).status_code == 403


def test_sim_tokens_expire_and_revoke_now(vms_sim):
    pair = raw(vms_sim, "POST", "/api/token/", json={"username": "admin", "password": vms_sim.users["admin"]}).json()
    admin = session(vms_sim, auth=False)
    r = admin.post(vms_sim.base_url + "/_sim/tokens", json={"action": "expire", "kind": "access"}, timeout=30)
    assert r.json()["changed"] == 1
    assert INVALID in raw(vms_sim, "GET", "/api/vms/", headers=bearer(pair["access"])).text
    assert raw(vms_sim, "POST", "/api/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 200
    vms_sim.revoke_tokens()
    assert raw(vms_sim, "POST", "/api/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
    assert admin.get(vms_sim.base_url + "/_sim/tokens", timeout=30).json()["jwt"]


def test_jwt_can_be_switched_off(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="4.7.0", jwt_enabled=False)
    assert raw(sim, "POST", "/api/token/", json={"username": "admin", "password": "123456"}).status_code == 404
    assert session(sim).get(sim.base_url + "/api/v3/cnodes/", timeout=30).status_code == 200


# ---- RBAC and tenants ---------------------------------------------------------------------------------------------
def test_readonly_cannot_write(vms_sim):
    ro = session(vms_sim, "readonly")
    base = vms_sim.base_url + "/api/v7"
    assert ro.get(base + "/cnodes/", timeout=30).status_code == 200
    for method, path, body in (("POST", "/views/", {"path": "/x", "policy_id": 1}), ("PATCH", "/cnodes/1/", {}),
                               ("DELETE", "/views/1/", None), ("PATCH", "/vms/1/network_settings/", {"ntp": []})):
        r = ro.request(method, base + path, json=body, timeout=30)
        assert r.status_code == 403 and r.json()["code"] == "permission_denied", (method, path)


def test_tenant_admin_scope(vms_sim):
    ta = session(vms_sim, "tenantadmin")
    tenant = vms_sim.state.meta["tenant_admin_tenant"]
    base = vms_sim.base_url + "/api/v7"
    views = ta.get(base + "/views/", timeout=30).json()
    assert views and {v["tenant_id"] for v in views} == {tenant["id"]}
    assert [t["name"] for t in ta.get(base + "/tenants/", timeout=30).json()] == [tenant["name"]]
    r = ta.get(base + "/cnodes/", timeout=30)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    other = [v for v in session(vms_sim).get(base + "/views/", timeout=30).json() if v["tenant_id"] != tenant["id"]]
    assert ta.get(base + "/views/%d/" % other[0]["id"], timeout=30).status_code == 404
    assert ta.get(base + "/views/", headers={"X-Tenant-Name": "default"}, timeout=30).status_code == 403
    # a super admin with the header sees one tenant; an unknown tenant is refused
    admin = session(vms_sim)
    scoped = admin.get(base + "/views/", headers={"X-Tenant-Name": tenant["name"]}, timeout=30).json()
    assert {v["tenant_id"] for v in scoped} == {tenant["id"]}
    assert admin.get(base + "/views/", headers={"X-Tenant-Name": "no-such"}, timeout=30).status_code == 403
    pools = admin.get(base + "/vippools/", headers={"X-Tenant-Name": tenant["name"]}, timeout=30).json()
    assert all(p["tenant_id"] == tenant["id"] for p in pools)  # default-tenant pools are hidden (osac PR 465)


def test_tenant_header_ignored_before_5_3(sim_factory):
    sim = sim_factory(profile="small", vast_version="5.2.0")
    admin = session(sim)
    all_views = admin.get(sim.base_url + "/api/v5/views/", timeout=30).json()
    scoped = admin.get(sim.base_url + "/api/v5/views/", headers={"X-Tenant-Name": "default"}, timeout=30).json()
    assert len(scoped) == len(all_views)


def test_writes_are_applied_and_logged(vms_sim):
    http = session(vms_sim)
    base = vms_sim.base_url + "/api/v7"
    created = http.post(base + "/views/", json={"path": "/new/one", "policy_id": 1, "protocols": ["NFS"]}, timeout=30)
    assert created.status_code == 201
    view = created.json()
    assert view["id"] == 330 and view["url"].endswith("/views/330")
    missing = http.post(base + "/views/", json={"path": "/x"}, timeout=30)
    assert missing.status_code == 400 and missing.json() == {"policy_id": ["This field is required."]}
    assert http.patch(base + "/switches/1/", json={"name": "renamed"}, timeout=30).json()["name"] == "renamed"
    assert http.get(base + "/switches/1/", timeout=30).json()["name"] == "renamed"
    assert http.delete(base + "/views/330/", timeout=30).status_code == 204
    assert http.get(base + "/views/330/", timeout=30).status_code == 404
    assert http.delete(base + "/ssds/1/", timeout=30).status_code == 405  # the real API has no such call
    quota_path = http.get(base + "/quotas/1/", timeout=30).json()["path"]
    dup = http.post(base + "/quotas/", json={"name": "dup", "path": quota_path}, timeout=30)
    assert dup.status_code == 503 and "already exists" in dup.json()["detail"]  # NOTES 6.17
    methods = [e["method"] for e in vms_sim.request_log()]
    assert methods.count("POST") == 3 and methods.count("PATCH") == 1 and methods.count("DELETE") == 2
    # a write through the API invalidates the cached list
    assert "renamed" in http.get(base + "/switches/", timeout=30).text
    requests.Session().close()
