"""Secret hygiene: nothing secret in any output, at -vvv, even when the cluster echoes credentials back.

Canaries (``rel_util.Secrets``): a recognisable password (``Pw-Canary-7f3a9c!``) and its base64 ``user:password``
form, an API token (and its secret part), and every JWT each simulator issued during the run (tapped inside the
simulator, which knows what it issued); each also URL-encoded, JSON-escaped and base64-encoded.

Scanned: ansible-playbook stdout and stderr at -vvv, the Ansible log (``ANSIBLE_LOG_PATH``), every module result as
callbacks see it, every file the run wrote (snapshots decompressed, parts, reports HTML/MD/JSON/CSV, findings,
fleet index, drift files), the audit log, the on-disk cache, the token file's directory after logout.

Error bodies that echo credentials: simulators answer errors whose body holds the password, the Basic header
and the API token (a status fault with a custom ``body``); the error must reach the user (meta.errors, the
report, the failure message) scrubbed, not dropped.
"""
import base64
import json
import os

import pytest

import fault_matrix
from playbook_util import run_tasks, sim_env
from rel_util import CANARY_PASSWORD, DATA_NOW, make_api_token, tap_jwts
from roles_util import env_for, host_vars, inventory, latest_run, read_json

pytestmark = [pytest.mark.reliability, pytest.mark.secrets, pytest.mark.simulator, pytest.mark.integration]


def _echo(token=None):
    """An error body echoing credentials.  With *token* (a session that holds only the API token), the password
    appears only in forms a scrubber can recognise without knowing it (a JSON ``password`` key, ``password=``,
    a Basic header); in prose it can only be removed by a session that knows it."""
    basic = base64.b64encode(("admin:%s" % CANARY_PASSWORD).encode()).decode()
    body = {"detail": "user admin password %s is not accepted here" % CANARY_PASSWORD, "password": CANARY_PASSWORD,
            "headers": {"Authorization": "Basic %s" % basic}, "form": "username=admin&password=%s" % CANARY_PASSWORD}
    if token:
        body["detail"] = "Api-Token %s is not accepted here; nor is %s" % (token, token.split(".", 1)[1])
        body["api_token"] = token
        body["echo"] = "token=%s" % token
    return body


def _scan_everything(secrets, texts, paths):
    hits = []
    for label, text in texts:
        hits += secrets.scan_text(text, label)
    for path in paths:
        if os.path.isdir(path):
            hits += secrets.scan_tree(path)
        elif os.path.exists(path):
            hits += secrets.scan_file(path)
    return hits


@pytest.fixture(scope="module")
def asbuilt_run(rel_sims, tmp_path_factory, secrets):
    """One asbuilt run at -vvv over three clusters: password with echoing errors, API token, failing login."""
    tmp = str(tmp_path_factory.mktemp("secrets"))
    out = os.path.join(tmp, "out")
    # three clusters (three seeds: three guids, so the shared disk cache keeps them apart, as for real clusters)
    pw_sim = rel_sims(profile="tiny", seed=11, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD}, faults=[
        {"type": "status", "status": 500, "path": "/views/*", "body": _echo()},
        {"type": "status", "status": 503, "path": "/cnodes/*", "count": 1, "body": _echo()}])
    token_sim = rel_sims(profile="tiny", seed=12, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
    token, token_id = make_api_token(token_sim)
    token_sim.add_fault({"type": "status", "status": 500, "path": "/quotas/*", "body": _echo(token)})
    fail_sim = rel_sims(profile="tiny", seed=13, now=DATA_NOW, passwords={"admin": CANARY_PASSWORD}, faults=[
        {"type": "status", "status": 500, "path": "/token/*", "method": "POST", "body": _echo()}])
    taps = [tap_jwts(s) for s in (pw_sim, token_sim, fail_sim)]
    secrets.add("API token", token)
    secrets.add("API token secret", token.split(".", 1)[1])
    creds = {"vast_username": "admin", "vast_password": CANARY_PASSWORD}
    inv = inventory(tmp, {"pw-echo": host_vars(pw_sim, **creds),
                          "api-token": host_vars(token_sim, vast_api_token=token),
                          "login-echo": host_vars(fail_sim, **creds)}, asbuilt_output_dir=out)
    results = os.path.join(tmp, "callback.jsonl")
    env = env_for(None, **dict(fault_matrix.PLAYBOOK_ENV, **fault_matrix.callback_env(results)))
    env.update({"ANSIBLE_LOG_PATH": os.path.join(tmp, "ansible.log"), "VAST_AUDIT_LOG": os.path.join(tmp, "audit.jsonl"),
                "VAST_CACHE_DIR": os.path.join(tmp, "cache"), "ANSIBLE_FORKS": "3"})
    rc, stdout, stderr, timed_out = fault_matrix.run_playbook_bounded("vastops.asbuilt.asbuilt", inv, env, tmp, 400,
                                                                     verbosity=3)
    for tap in taps:
        secrets.add_jwts(tap)
    return {"tmp": tmp, "out": out, "rc": rc, "stdout": stdout, "stderr": stderr, "timed_out": timed_out,
            "results": results, "sims": (pw_sim, token_sim, fail_sim), "taps": taps, "token": token,
            "token_id": token_id}


def test_the_run_did_what_the_scan_assumes(asbuilt_run):
    """The scan below means something only if the run used every credential and met every echoing error."""
    run = asbuilt_run
    assert not run["timed_out"] and run["rc"] != 0           # login-echo fails, so the playbook ends failed
    assert "ESTABLISH LOCAL CONNECTION" in run["stdout"]     # -vvv
    pw_sim, token_sim, fail_sim = run["sims"]
    assert run["taps"][0], "no JWT was issued: the password path was not exercised"
    assert any(e["auth"] == "apitoken" for e in token_sim.request_log())
    assert all(e["auth"] != "jwt" for e in token_sim.request_log())
    assert [f["hits"] for f in pw_sim.faults.list()] == [1, 1], pw_sim.faults.list()
    assert token_sim.faults.list()[0]["hits"] >= 1 and fail_sim.faults.list()[0]["hits"] >= 1
    pw_snap = read_json(os.path.join(latest_run(run["out"], "pw-echo"), "snapshot.json.gz"))
    token_snap = read_json(os.path.join(latest_run(run["out"], "api-token"), "snapshot.json.gz"))
    assert pw_snap["meta"]["auth_method"] == "jwt" and token_snap["meta"]["auth_method"] == "api_token"
    # the echoed error reached the user, scrubbed: the message is there, the credential is not
    views_error = pw_snap["meta"]["errors"]["logical.views"]["msg"]
    quotas_error = token_snap["meta"]["errors"]["logical.quotas"]["msg"]
    for msg in (views_error, quotas_error):
        assert "not accepted here" in msg and "********" in msg, msg
    report = open(os.path.join(latest_run(run["out"], "pw-echo"), "report.md"), encoding="utf-8").read()
    assert "not accepted here" in report
    assert "login-echo" in open(os.path.join(run["out"], "index.html"), encoding="utf-8").read()


def test_no_secret_in_any_output(asbuilt_run, secrets):
    run = asbuilt_run
    with open(run["results"], encoding="utf-8") as handle:
        callback = handle.read()
    texts = [("stdout -vvv", run["stdout"]), ("stderr", run["stderr"]), ("module results", callback)]
    paths = [run["out"], os.path.join(run["tmp"], "ansible.log"), os.path.join(run["tmp"], "audit.jsonl"),
             os.path.join(run["tmp"], "cache")]
    for path in paths:
        assert os.path.exists(path), "%s was not written: the scan would prove nothing" % path
    assert len(os.listdir(os.path.join(run["tmp"], "cache"))) > 0
    hits = _scan_everything(secrets, texts, paths)
    assert hits == [], hits[:5]
    # the failed login says why, once, without the password
    failure = [json.loads(line) for line in callback.splitlines() if '"login-echo"' in line and '"failed"' in line]
    assert failure and "not accepted here" in failure[0]["result"]["msg"]


def test_session_tokens_and_token_file_after_logout(rel_sims, tmp_path, secrets):
    """vast_session at -vvv: tokens in a token file (0600) during the play, gone after logout; nothing printed."""
    sim = rel_sims(profile="tiny", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD}, access_token_lifetime=3.0)
    tap = tap_jwts(sim)
    token_dir = tmp_path / "tokens"
    token_dir.mkdir()
    token_file = str(token_dir / "vast-token.json")
    results = str(tmp_path / "callback.jsonl")
    env = sim_env(sim, password=CANARY_PASSWORD, VAST_AUDIT_LOG=str(tmp_path / "audit.jsonl"),
                  ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"), **fault_matrix.callback_env(results))
    tasks = [
        {"vastops.asbuilt.vast_session": {"token_file": token_file}, "no_log": True},
        {"ansible.builtin.stat": {"path": token_file}, "register": "token_stat"},
        {"ansible.builtin.pause": {"seconds": 3}},
        {"vastops.asbuilt.vast_info": {"gather_subset": ["min", "security"], "token_file": token_file}},
        {"vastops.asbuilt.vast_facts": {"gather_subset": ["min"], "token_file": token_file}},
        {"vastops.asbuilt.vast_session": {"state": "absent", "token_file": token_file}},
    ]
    run = run_tasks(sim, tmp_path, tasks, env=env, args=["-vvv"])
    assert run.rc == 0, run
    session, stat, _, info, facts, logout = run.results
    assert stat["stat"]["exists"] and stat["stat"]["mode"] == "0600"
    assert not info.get("failed") and info["meta"]["session"]["token_logins"] == 0, info
    assert info["meta"]["session"]["token_refreshes"] >= 1          # the refresh path ran too
    assert logout["token_file_removed"] is True and not os.path.exists(token_file)
    secrets.add_jwts(tap)
    assert len(tap) >= 3
    with open(results, encoding="utf-8") as handle:
        callback = handle.read()
    texts = [("stdout -vvv", run.stdout), ("stderr", run.stderr), ("module results", callback)]
    hits = _scan_everything(secrets, texts, [str(token_dir), str(tmp_path / "audit.jsonl"),
                                             str(tmp_path / "ansible.log")])
    assert hits == [], hits[:5]


@pytest.mark.slow
def test_drift_and_fleet_outputs_are_clean(rel_sims, tmp_path, secrets):
    """Two as-built runs with a change in between, then the drift playbook, all at -vvv: drift files are clean."""
    sim = rel_sims(profile="small", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
    tap = tap_jwts(sim)
    out = str(tmp_path / "out")
    inv = inventory(str(tmp_path), {"drifty": host_vars(sim, vast_username="admin", vast_password=CANARY_PASSWORD)},
                    asbuilt_output_dir=out)
    env = env_for(None, ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))
    outputs = []
    for label in ("first", "second"):
        if label == "second":
            sim.mutate({"network_settings": [{"set": {"ntp": ["192.0.2.123"]}}],
                        "views": [{"add": {"path": "/canary/%s" % CANARY_PASSWORD[:3], "policy_id": 1}}]})
        rc, stdout, stderr, timed_out = fault_matrix.run_playbook_bounded("vastops.asbuilt.asbuilt", inv, env,
                                                                         str(tmp_path), 400, verbosity=3)
        assert rc == 0 and not timed_out, stdout[-3000:]
        outputs += [(label, stdout), (label + " stderr", stderr)]
    rc, stdout, stderr, timed_out = fault_matrix.run_playbook_bounded("vastops.asbuilt.drift", inv, env,
                                                                     str(tmp_path), 300, verbosity=3)
    assert rc == 0, stdout[-3000:]
    outputs += [("drift", stdout), ("drift stderr", stderr)]
    latest = latest_run(out, "drifty")
    drift = read_json(os.path.join(latest, "drift.json"))
    assert drift["summary"], drift                                   # it compared something
    secrets.add_jwts(tap)
    hits = _scan_everything(secrets, outputs, [out, str(tmp_path / "ansible.log")])
    assert hits == [], hits[:5]
