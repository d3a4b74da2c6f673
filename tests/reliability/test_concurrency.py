"""Concurrency: many readers on one session across token expiries, many collections against one cluster at once,
and a shared on-disk cache.

* Twenty threads read through one session while its access token expires several times, with refresh-token
  rotation (and blacklisting of the old refresh token): no read fails and the simulator counts exactly one
  refresh per expiry (no stampede, no refused refresh, no new login).
* Many ``vast_info`` runs at once against one simulator (ansible forks, eight inventory hosts pointing at the same
  cluster) sharing one ``cache_dir``, with short-lived tokens: every run succeeds with identical data, each run
  logs in once and refreshes once per expiry, the cache holds only complete entries, and a second round is
  served from it.
"""
import datetime
import glob
import json
import os
import threading
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from rel_util import CANARY_PASSWORD, DATA_NOW
from roles_util import env_for, host_vars, inventory, run_playbook

pytestmark = [pytest.mark.reliability, pytest.mark.concurrency, pytest.mark.simulator]

READERS = 20


def _params(sim, **extra):
    params = {"host": sim.host, "username": "admin", "password": CANARY_PASSWORD, "ca_path": sim.ca_path,
              "retries": 2, "backoff": 0.01, "backoff_max": 0.05, "timeout": 10, "deadline": 120}
    params.update(extra)
    return params


def test_twenty_readers_across_token_expiry(sim_factory):
    # a whole number of seconds: the JWT's exp and iat are whole seconds, so exp - iat is exactly the lifetime
    lifetime, duration = 2.0, 7.0
    sim = sim_factory(profile="small", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD},
                      access_token_lifetime=lifetime, refresh_token_lifetime=600.0)
    assert sim.config.refresh_rotation and sim.config.blacklist_after_rotation
    paths = ["views/", "quotas/", "cnodes/", "dnodes/", "ssds/", "nvrams/", "vippools/", "vips/", "tenants/",
             "viewpolicies/", "snapshots/", "protectedpaths/", "alarms/", "events/", "nics/", "nicports/",
             "switches/", "ports/", "racks/", "cboxes/"]
    assert len(paths) == READERS
    errors, reads = [], [0] * READERS
    barrier = threading.Barrier(READERS)
    started = time.monotonic()
    with VastSession(_params(sim, max_concurrency=READERS)) as session:
        stop_at = time.monotonic() + duration

        def reader(index):
            barrier.wait(10)
            page = 0
            while time.monotonic() < stop_at:
                page += 1
                try:
                    session.get(paths[index], {"page_size": page % 3 + 1}, cache=False)
                    reads[index] += 1
                except Exception as exc:  # pylint: disable=broad-except  # what the test is looking for
                    errors.append("%s: %r" % (paths[index], exc))
                    return

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(duration + 60)
        assert not any(t.is_alive() for t in threads), "a reader hung"
        client = session.summary()
    span = time.monotonic() - started
    auth = sim.stats_dict()["auth"]
    refresh_calls = [e for e in sim.request_log() if e["method"] == "POST" and "refresh" in e["path"]]
    diag = (auth, client.get("token_refreshes"), client.get("relogins"), client.get("auth_failures"))
    assert errors == [], (errors[:3], diag)
    assert min(reads) >= 3, reads
    # exactly one refresh per expiry: one login, no refused refresh (a second refresh with a rotated-away token
    # would be refused), every refresh call succeeded, and no more refreshes than access-token lifetimes passed
    assert auth.get("token_obtained") == 1, diag
    assert auth.get("token_refresh_failed", 0) == 0, diag
    expiries = span / (lifetime * 0.9)         # renewed when 10% of the lifetime is left
    assert 2 <= auth.get("token_refreshed", 0) <= expiries + 1, (auth, expiries)
    assert len(refresh_calls) == auth["token_refreshed"] == client.get("token_refreshes"), (refresh_calls, client)
    assert all(e["status"] == 200 for e in refresh_calls)
    # refreshes are single-flight: never two at once; each comes about a token lifetime after the previous one
    stamps = sorted(datetime.datetime.strptime(e["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for e in refresh_calls)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert all(gap >= lifetime * 0.5 for gap in gaps), gaps
    assert client.get("relogins", 0) == 0


def _forks_playbook(tmp_path, report_path):
    path = os.path.join(str(tmp_path), "forks.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("""---
- name: Many collections of one cluster at once
  hosts: vast_clusters
  gather_facts: false
  tasks:
    - name: Read everything into memory
      vastops.asbuilt.vast_info:
        host: "{{ vast_host }}"
        ca_path: "{{ vast_ca_path }}"
        gather_subset: [all]
        events_max: 100
      register: info

    - name: Keep what each run returned
      ansible.builtin.copy:
        content: "{{ {'sha': info.meta.vast_info_sha256, 'session': info.meta.session, 'errors': info.meta.errors,
                      'counts': info.meta.counts} | to_json }}"
        dest: "%s/{{ inventory_hostname }}.json"
        mode: "0600"
      delegate_to: localhost
""" % report_path)
    return path


def _cache_is_sound(cache_dir):
    """Every cache entry is a complete JSON document of the cache's format; no temporary file is left."""
    entries = glob.glob(os.path.join(cache_dir, "*", "*.json"))
    leftovers = [p for p in glob.glob(os.path.join(cache_dir, "**", ".*"), recursive=True)]
    for path in entries:
        with open(path, encoding="utf-8") as handle:
            entry = json.load(handle)
        assert entry.get("format") == 1 and "body" in entry and "key" in entry, path
        assert oct(os.stat(path).st_mode & 0o777) == "0o600", path
    assert oct(os.stat(cache_dir).st_mode & 0o777) == "0o700"
    return entries, leftovers


@pytest.mark.integration
def test_parallel_runs_share_one_cluster_and_one_cache(sim_factory, tmp_path):
    hosts = 8
    lifetime = 1.0
    sim = sim_factory(profile="tiny", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD}, latency_ms=40,
                      access_token_lifetime=lifetime, refresh_token_lifetime=600.0)
    cache_dir = str(tmp_path / "cache")
    reports = tmp_path / "results"
    reports.mkdir()
    inv = inventory(str(tmp_path), dict(("c%d" % i, host_vars(sim)) for i in range(hosts)))
    playbook = _forks_playbook(tmp_path, str(reports))
    env = env_for(sim, user="admin", password=CANARY_PASSWORD, ANSIBLE_FORKS=str(hosts), VAST_CACHE_DIR=cache_dir,
                  VAST_CACHE_TTL="3600", VAST_MAX_CONCURRENCY="2")
    rounds = []
    for label in ("cold", "warm"):
        before = dict(sim.stats_dict()["auth"])
        requests_before = len(sim.request_log())
        run = run_playbook(playbook, tmp_path, inv, env, label=label)
        assert run.rc == 0, "%s\n%s" % (run.stdout[-4000:], run.stderr[-2000:])
        results = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(str(reports / "*.json")))]
        assert len(results) == hosts
        auth = sim.stats_dict()["auth"]
        rounds.append((results, dict((k, auth.get(k, 0) - before.get(k, 0)) for k in auth),
                       len(sim.request_log()) - requests_before))
        for path in glob.glob(str(reports / "*.json")):
            os.unlink(path)
    (cold, cold_auth, cold_requests), (warm, warm_auth, warm_requests) = rounds
    shas = set(r["sha"] for r in cold + warm)
    assert len(shas) == 1, shas                           # every run, cold or warm, saw the same data
    assert all(not r["errors"] for r in cold + warm)
    for auth in (cold_auth, warm_auth):
        assert auth.get("token_obtained") == hosts, auth  # one login per run
        assert auth.get("token_refresh_failed", 0) == 0, auth
    for result in cold + warm:
        session = result["session"]
        assert session.get("relogins", 0) == 0
        # at most one refresh per expiry of this run's own token
        elapsed = session.get("elapsed_s") or session.get("elapsed") or 0
        assert session.get("token_refreshes", 0) <= max(1, elapsed / (lifetime * 0.9)) + 1, session
    assert sum(r["session"].get("token_refreshes", 0) for r in cold) >= 1, "no token expired during the runs"
    entries, leftovers = _cache_is_sound(cache_dir)
    assert entries and leftovers == []
    assert sum((r["session"].get("cache") or {}).get("disk_hits", 0) for r in warm) > 0
    assert all(not (r["session"].get("cache") or {}).get("disk_corrupt") for r in cold + warm)
    assert warm_requests < cold_requests, (warm_requests, cold_requests)
