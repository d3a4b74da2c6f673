"""Read-only: the guard of conftest.py checks every simulator after every test of this suite; these tests prove
the guard itself can fail, and that the one write the collection can make is an explicit API token revocation.

* ``non_read_requests`` flags every verb but GET and the token POSTs (HEAD and OPTIONS too: nothing but GETs
  and token calls may reach the cluster), and token-like paths that are not token calls.
* The transport refuses to send anything else unless told to (``allow_write``), before any byte is sent.
* ``vast_session state=absent revoke=true`` sends exactly one PATCH (allowed here by ``allow_apitoken_revoke``),
  and in check mode none.
"""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ReadOnlyViolation
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from ansible_collections.vastops.asbuilt.plugins.modules import vast_session
from rel_util import CANARY_PASSWORD, make_api_token, non_read_requests, run_module

pytestmark = [pytest.mark.reliability]


def _entry(method, path):
    return {"method": method, "path": path}


@pytest.mark.parametrize("method, path, allowed", [
    ("GET", "/api/v7/views/", True),
    ("POST", "/api/token/", True),
    ("POST", "/api/v7/token/refresh/", True),
    ("POST", "/api/latest/token/", True),
    ("POST", "/api/v1/token/refresh", True),
    ("POST", "/api/v7/views/", False),
    ("POST", "/api/v7/apitokens/", False),
    ("POST", "/api/token/evil/", False),
    ("PATCH", "/api/v7/vms/1/", False),
    ("PUT", "/api/v7/views/1/", False),
    ("DELETE", "/api/v7/views/1/", False),
    ("HEAD", "/api/v7/views/", False),
    ("OPTIONS", "/api/v7/views/", False),
    ("PATCH", "/api/v7/apitokens/abc.def/revoke", False),
])
def test_the_guard_flags_every_write(method, path, allowed):
    assert (non_read_requests([_entry(method, path)]) == []) is allowed
    revoke_allowed = non_read_requests([_entry(method, path)], allow_revoke=True) == []
    assert revoke_allowed is (allowed or (method == "PATCH" and path.endswith("/revoke")))


@pytest.mark.simulator
def test_the_transport_refuses_writes_before_sending(sim_factory):
    sim = sim_factory(profile="tiny", passwords={"admin": CANARY_PASSWORD})
    params = {"host": sim.host, "username": "admin", "password": CANARY_PASSWORD, "ca_path": sim.ca_path}
    with VastSession(params) as session:
        sent = len(sim.request_log())
        for method in ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
            with pytest.raises(ReadOnlyViolation):
                session.transport.request(method, "views/1/", api_prefix=session.api_prefix)
        assert len(sim.request_log()) == sent


@pytest.mark.simulator
def test_api_token_revocation_is_the_one_write(sim_factory, allow_apitoken_revoke):
    sim = sim_factory(profile="tiny", passwords={"admin": CANARY_PASSWORD})
    token, token_id = make_api_token(sim)
    args = {"host": sim.host, "username": "admin", "password": CANARY_PASSWORD, "ca_path": sim.ca_path,
            "state": "absent", "revoke": True, "api_token_id": token_id}
    check = run_module(vast_session, args, check_mode=True)
    assert not check.failed and check.result["changed"] is True, check
    assert non_read_requests(sim.request_log()) == []          # check mode: nothing written
    done = run_module(vast_session, args)
    assert not done.failed and done.result["changed"] is True, done
    writes = non_read_requests(sim.request_log())
    assert [(w["method"], w["path"].rsplit("/", 2)[-2:]) for w in writes] == [("PATCH", [token_id, "revoke"])]
    assert [t for t in sim.records("apitokens") if t["id"] == token_id][0]["revoked"] is True
