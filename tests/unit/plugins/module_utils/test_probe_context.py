"""A failed API-version probe says what the session was doing (fifth user test, item 8): a user whose cluster
serves v7 otherwise reads an error about /api/v10/clusters/ and wonders why it was asked for."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ApiError, AuthenticationError
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from ansible_collections.vastops.asbuilt.plugins.module_utils.version_detect import while_probing
from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import probing_context

pytestmark = [pytest.mark.simulator]


def test_a_failed_version_probe_says_what_it_was_doing(sim_factory):
    sim = sim_factory(profile="tiny", unknown_version_status=0,
                      faults=[{"type": "status", "status": 503, "path": "/clusters/*"}])
    params = {"host": sim.host, "username": "admin", "password": sim.users["admin"], "ca_path": sim.ca_path,
              "retries": 0, "backoff": 0.01}
    with pytest.raises(ApiError) as caught:
        with VastSession(params):
            pass
    assert str(caught.value).startswith("While finding the API version the cluster serves (tried /api/v10/clusters/ "
                                        "down to /api/v7/clusters/, highest first): ")
    assert caught.value.status == 503


def test_probing_context_names_the_versions_tried():
    assert probing_context(["v10"]) == "While finding the API version the cluster serves (tried /api/v10/clusters/, " \
                                       "highest first)"
    assert probing_context([]) == "While finding the API version the cluster serves"


def test_refused_credentials_keep_their_own_message():
    exc = while_probing(AuthenticationError("Invalid username/password."), ["v10", "v9"])
    assert str(exc).startswith("Invalid username/password.")
    exc = while_probing(ApiError("x answered 503"), ["v10", "v9"])
    assert exc.msg == "While finding the API version the cluster serves (tried /api/v10/clusters/ down to " \
                      "/api/v9/clusters/, highest first): x answered 503"
    assert while_probing(exc, ["v10"]).msg == exc.msg          # said once
