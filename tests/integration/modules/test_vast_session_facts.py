"""vast_session and vast_facts through ansible-playbook: tokens across expiry, token files, API tokens, facts."""
import json

import pytest
import requests

from playbook_util import only_reads, run_tasks, sim_env

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CONNECTION = "group/vastops.asbuilt.vast"


def no_credentials_env(sim):
    """VAST_HOST and VAST_CA_PATH only: credentials must come from the tasks (or module_defaults)."""
    return sim_env(sim, VAST_USERNAME=None, VAST_PASSWORD=None)


def test_session_tokens_across_expiry(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1", access_token_lifetime=2.0, refresh_token_lifetime=120.0)
    token_file = str(tmp_path / "vast-token.json")
    login = {"username": "admin", "password": sim.users["admin"]}
    with_tokens = {"access_token": "{{ s.access_token }}", "refresh_token": "{{ s.refresh_token }}"}
    pause = {"ansible.builtin.pause": {"seconds": 3}}
    tasks = [
        {"vastops.asbuilt.vast_session": login, "register": "s", "no_log": True},
        pause,
        {"vastops.asbuilt.vast_info": {"gather_subset": ["min"]}, "module_defaults": {CONNECTION: with_tokens}},
        pause,
        # the registered refresh token was rotated away by the previous task, and there is no password
        {"vastops.asbuilt.vast_facts": {"gather_subset": ["min"]}, "module_defaults": {CONNECTION: with_tokens}},
        {"vastops.asbuilt.vast_session": dict(login, token_file=token_file)},
        pause,
        {"vastops.asbuilt.vast_info": {"gather_subset": ["min"], "token_file": token_file}},
        pause,
        {"vastops.asbuilt.vast_facts": {"gather_subset": ["min"], "token_file": token_file}},
        {"vastops.asbuilt.vast_session": {"state": "absent", "token_file": token_file}},
    ]
    run = run_tasks(sim, tmp_path, tasks, env=no_credentials_env(sim))
    session, _, info, _, stale, filed, _, info2, _, facts2, logout = run.results
    assert session["auth_method"] == "jwt" and session["access_token"] and session["refresh_token"]
    assert session["changed"] is False and session["access_expires_in"] <= 2 and session["valid"] is True
    assert session["cluster"]["name"] == sim.records("clusters")[0]["name"]
    assert not info.get("failed"), info
    assert info["meta"]["session"]["token_refreshes"] >= 1 and info["meta"]["session"]["token_logins"] == 0
    assert stale["failed"] and "refresh token was refused" in stale["msg"] and "vast_session" in stale["hint"]
    assert filed["token_file"] == token_file
    for result in (info2, facts2):
        assert not result.get("failed"), result
        assert result["session"]["token_logins"] == 0 if "session" in result else \
            result["meta"]["session"]["token_logins"] == 0
    assert facts2["ansible_facts"]["vast_auth"]["method"] == "bearer"
    assert logout["token_file_removed"] is True and logout["changed"] is False
    logins = [e for e in sim.request_log() if e["method"] == "POST" and e["path"] == "/api/token/"]
    assert len(logins) == 2  # one per vast_session: the other tasks only refreshed
    # the tokens never reach the output, even at normal verbosity the session task is censored
    assert session["access_token"] not in run.stdout and session["refresh_token"] not in run.stdout
    assert only_reads(sim) == []


def test_session_output_is_censored_without_no_log(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    run = run_tasks(sim, tmp_path, [{"vastops.asbuilt.vast_session": {}}], args=["-vvv"])
    session = run.results[0]
    assert session["access_token"] and session["access_token"] not in run.stdout + run.stderr
    assert "the output has been hidden" in run.stdout


def test_api_token_session_and_revocation(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    created = requests.post("%s/api/v7/apitokens/" % sim.base_url, json={"name": "asbuilt-test"},
                            auth=("admin", sim.users["admin"]), verify=sim.ca_path, timeout=30).json()
    token, token_id = created["token"], created["id"]
    sim.clear_log()
    env = sim_env(sim, VAST_USERNAME=None, VAST_PASSWORD=None, VAST_API_TOKEN=token)
    tasks = [
        {"vastops.asbuilt.vast_session": {}},
        {"vastops.asbuilt.vast_info": {"gather_subset": ["security"]}},
        {"vastops.asbuilt.vast_session": {"state": "absent", "revoke": True, "api_token_id": token_id},
         "check_mode": True},
        {"vastops.asbuilt.vast_session": {"state": "absent", "revoke": True, "api_token_id": token_id}},
        {"vastops.asbuilt.vast_info": {"gather_subset": ["min"]}},
        {"vastops.asbuilt.vast_session": {"state": "absent", "revoke": True}},
    ]
    run = run_tasks(sim, tmp_path, tasks, env=env)
    present, info, check, revoke, after, missing_id = run.results
    assert present["auth_method"] == "api_token" and present["valid"] and "access_token" not in present
    assert info["meta"]["auth_method"] == "api_token"
    listed = [t for t in info["vast_info"]["security"]["apitokens"] if t["id"] == token_id]
    assert listed and "token" not in listed[0]
    assert check["changed"] is True and check["revoked"] == token_id
    assert revoke["changed"] is True and revoke["revoked"] == token_id
    assert after["failed"] and "API token" in after["msg"]
    assert missing_id["failed"] and "api_token_id" in missing_id["msg"]
    writes = [(e["method"], e["path"]) for e in sim.request_log() if e["method"] != "GET"]
    assert writes == [("PATCH", "/api/v7/apitokens/%s/revoke" % token_id)]
    assert token not in run.stdout + run.stderr + json.dumps(run.results)


def test_facts_and_module_defaults(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    defaults = {CONNECTION: {"host": sim.host, "username": "admin", "password": sim.users["admin"],
                             "ca_path": sim.ca_path}}
    tasks = [
        {"vastops.asbuilt.vast_facts": {}},
        {"ansible.builtin.set_fact": {"seen": "{{ vast_counts.views }} {{ vast_versions.release }}"},
         "when": "vast_capabilities.views.available and not vast_capabilities.health.available"},
        {"vastops.asbuilt.vast_facts": {"gather_subset": ["min"]}, "check_mode": True},
        {"vastops.asbuilt.vast_info": {"gather_subset": ["switches"]}},
        {"vastops.asbuilt.vast_session": {}},
    ]
    run = run_tasks(None, tmp_path, tasks, env=sim_env(None), play_extra={"module_defaults": defaults})
    facts, seen, cheap, info, session = run.results
    assert session["auth_method"] == "jwt" and session["access_token"]  # the action plugin honours the group
    assert not facts.get("failed"), facts
    values = facts["ansible_facts"]
    assert values["vast_cluster"]["name"] == sim.records("clusters")[0]["name"]
    assert values["vast_versions"]["release"] == "5.3.1" and values["vast_versions"]["api_version"] == "v7"
    assert values["vast_counts"]["views"] == len(sim.records("views"))
    assert values["vast_counts"]["events"] == len(sim.records("events"))
    assert values["vast_capabilities"]["views"] == {"available": True, "reason": None, "probed": True}
    assert values["vast_capabilities"]["health"]["available"] is False
    assert "5.4" in values["vast_capabilities"]["health"]["reason"]
    assert seen["ansible_facts"]["seen"] == "%d 5.3.1" % len(sim.records("views"))
    assert cheap["ansible_facts"]["vast_counts"] == {} and cheap["changed"] is False
    assert info["meta"]["counts"]["switches"]["switches"] == len(sim.records("switches"))
    assert only_reads(sim) == []
