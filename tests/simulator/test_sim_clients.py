"""Real clients: the official SDK vastpy (unchanged), curl, and the command line of the simulator itself."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import vastpy

from simtest_util import REPO, session


def test_vastpy_basic_auth(vms_sim):
    client = vastpy.VASTClient(user="admin", password=vms_sim.users["admin"], address=vms_sim.host,
                               cert_file=vms_sim.ca_path)
    clusters = client.clusters.get()
    assert len(clusters) == 1 and clusters[0]["sw_version"].startswith("5.3.1.")
    cnodes = client.cnodes.get()
    assert len(cnodes) == 8 and all(c["state"] == "ACTIVE" for c in cnodes)
    views = client.views.get()
    assert len(views) == 329
    page = client.views.get(page_size=50, fields=["id", "path"])
    assert page["count"] == 329 and set(page["results"][0]) == {"id", "path"}
    one = client["views"][views[0]["id"]].get()
    assert one["path"] == views[0]["path"]
    assert all(e["path"].startswith("/api/latest/") and e["auth"] == "basic" for e in vms_sim.request_log())


def test_vastpy_api_token_and_tenant(vms_sim):
    created = session(vms_sim).post(vms_sim.base_url + "/api/apitokens/", json={"name": "vastpy"}, timeout=30)
    client = vastpy.VASTClient(token=created.json()["token"], address=vms_sim.host, cert_file=vms_sim.ca_path)
    assert len(client.clusters.get()) == 1 and len(client.cnodes.get()) == 8 and len(client.views.get()) == 329
    assert vms_sim.request_log()[-1]["auth"] == "apitoken"
    tenant = vms_sim.state.meta["tenant_admin_tenant"]["name"]
    scoped = vastpy.VASTClient(user="tenantadmin", password=vms_sim.users["tenantadmin"], address=vms_sim.host,
                               cert_file=vms_sim.ca_path, tenant=tenant)
    assert {v["tenant_name"] for v in scoped.views.get()} == {tenant}
    with pytest.raises(vastpy.RESTFailure) as info:
        scoped.cnodes.get()
    assert info.value.status == 403 and b"permission_denied" in info.value.data


def test_vastpy_older_release(sim_factory):
    sim = sim_factory(profile="tiny", vast_version="4.7.0")
    client = vastpy.VASTClient(user="admin", password=sim.users["admin"], address=sim.host, cert_file=sim.ca_path)
    assert client.clusters.get()[0]["sw_version"].startswith("4.7.0.")


def _start_cli(tmp_path, *extra):
    ready = tmp_path / "ready.json"
    cmd = [sys.executable, "-m", "simulator", "--port", "0", "--profile", "tiny", "--vast-version", "5.3.1",
           "--seed", "7", "--ready-file", str(ready)] + list(extra)
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120     # a hang guard, not a speed check: a loaded machine may be slow to start it
    while not ready.exists():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise AssertionError("simulator did not start: %s" % proc.stderr.read())
        time.sleep(0.05)
    return proc, json.loads(ready.read_text())


def test_cli_start_curl_and_stop(tmp_path):
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps([{"type": "status", "status": 503, "path": "/dnodes/", "nth": 1}]))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"clusters": [{"set": {"name": "cli-cluster"}}]}))
    log = tmp_path / "requests.jsonl"
    proc, info = _start_cli(tmp_path, "--faults", str(faults), "--state", str(state), "--log", str(log),
                            "--password", "admin=Cli-Pass-1")
    try:
        assert info["users"]["admin"] == "Cli-Pass-1" and os.path.exists(info["ca_path"])
        assert info["base_url"].startswith("https://127.0.0.1:")
        if shutil.which("curl"):
            out = subprocess.run(["curl", "-s", "--cacert", info["ca_path"], "-u", "admin:Cli-Pass-1",
                                  info["base_url"] + "/api/v7/cnodes/"], capture_output=True, text=True, timeout=30)
            cnodes = json.loads(out.stdout)
            assert len(cnodes) == 4 and cnodes[0]["name"].startswith("cnode-")
        http = session(type("S", (), {"ca_path": info["ca_path"], "users": info["users"]})())
        assert http.get(info["base_url"] + "/api/v7/clusters/", timeout=30).json()[0]["name"] == "cli-cluster"
        assert http.get(info["base_url"] + "/api/v7/dnodes/", timeout=30).status_code == 503
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert info["base_url"] in out and info["ca_path"] in out and "admin / Cli-Pass-1" in out
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["status"] for e in lines][-1] == 503
    assert "Cli-Pass-1" not in log.read_text()


def test_cli_rejects_bad_settings(tmp_path):
    env = dict(os.environ, PYTHONPATH=REPO)
    out = subprocess.run([sys.executable, "-m", "simulator", "--port", "0", "--vast-version", "banana"], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "not a VAST version" in out.stderr
