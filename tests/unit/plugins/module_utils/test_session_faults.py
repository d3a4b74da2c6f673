"""Every simulator fault: retried and recovered where it should be, a clear failure where it cannot be."""
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    ApiError, CircuitOpen, ConnectionFailed, DeadlineExceeded, ProtocolError, VastError,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params

FAST_FAULTS = {"retries": 3, "backoff": 0.01, "backoff_max": 0.05, "timeout": 2}


@pytest.fixture
def sim(sim_factory):
    return sim_factory(profile="small", vast_version="5.3.1")


def read_views(sim, **overrides):
    params = dict(FAST_FAULTS)
    params.update(overrides)
    with VastSession(sim_params(sim, **params)) as session:
        sim.clear_log()
        result = session.read_resource("views", page_size=100)
        return result, session.summary()


def view_requests(sim):
    return [e for e in sim.request_log() if e["path"].endswith("/views/")]


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_status_is_retried_and_recovered(sim, status):
    sim.add_fault({"type": "status", "status": status, "path": "/views/*", "nth": 2})
    result, stats = read_views(sim)
    assert result.status == "ok" and len(result.data) == 329
    assert stats["retries"] == 1 and stats["retry_reasons"] == {"status_%d" % status: 1}
    assert [e["status"] for e in view_requests(sim)].count(status) == 1


class _Waits:
    """Stands in for the transport's stop event: records the back-off waits instead of sleeping."""

    def __init__(self):
        self.delays = []

    def wait(self, delay):
        self.delays.append(delay)

    def set(self):
        pass


def test_retry_after_is_honoured(sim):
    sim.add_fault({"type": "status", "status": 429, "retry_after": 1, "path": "/views/*", "nth": 1})
    with VastSession(sim_params(sim, **FAST_FAULTS)) as session:
        session.transport._stop = waits = _Waits()
        result = session.read_resource("views", page_size=100)
        stats = session.summary()
    assert result.status == "ok" and stats["retry_reasons"] == {"status_429": 1}
    # the wait before the retry is the Retry-After (1 s) plus a little jitter, not the short back-off (0.01 s)
    assert len(waits.delays) == 1 and 1.0 <= waits.delays[0] <= 1.0 + FAST_FAULTS["backoff"]


def test_persistent_503_fails_clearly_after_the_retries(sim):
    sim.add_fault({"type": "status", "status": 503, "path": "/views/*"})
    result, stats = read_views(sim)
    assert result.status == "error"
    assert result.error["status"] == 503 and "/views/" in result.error["url"]
    assert "after 4 attempt(s)" in result.error["msg"] and "max_concurrency" in result.error["hint"]
    assert len(view_requests(sim)) == 4 and stats["failed_resources"]["views"]


def test_500_is_not_retried(sim):
    sim.add_fault({"type": "status", "status": 500, "path": "/views/*", "nth": 1})
    result, stats = read_views(sim)
    assert result.status == "error" and result.error["status"] == 500 and stats["retries"] == 0
    assert len(view_requests(sim)) == 1


def test_html_proxy_page(sim):
    sim.add_fault({"type": "html_error", "status": 502, "path": "/views/*", "nth": 1})
    result, dummy = read_views(sim)
    assert result.status == "ok"
    sim.clear_faults()
    sim.add_fault({"type": "html_error", "status": 200, "path": "/views/*"})
    result, dummy = read_views(sim)
    assert result.status == "error" and result.error["error"] == "ProtocolError"
    assert "HTML page" in result.error["msg"] and result.error["status"] == 200


def test_vanished_endpoint_is_unavailable(sim):
    sim.add_fault({"type": "vanish", "path": "/views/*"})
    result, stats = read_views(sim)
    assert result.status == "unavailable" and "404" in result.reason
    assert "views" in stats["degraded_resources"]


@pytest.mark.parametrize("kind", ["reset", "drop"])
def test_dropped_connection_is_retried(sim, kind):
    sim.add_fault({"type": kind, "path": "/views/*", "nth": 2})
    result, stats = read_views(sim)
    assert result.status == "ok" and len(result.data) == 329 and stats["retries"] == 1


def test_connection_always_reset_fails_clearly(sim):
    sim.add_fault({"type": "reset", "path": "/views/*"})
    result, dummy = read_views(sim)
    assert result.status == "error" and result.error["error"] == "ConnectionFailed"
    assert "dropped" in result.error["msg"]


def test_trickled_body_past_the_read_timeout(sim):
    """The trickled answer is cut at the read timeout (retried once), not read to its slow end."""
    sim.add_fault({"type": "slow_body", "path": "/views/*", "nth": 1, "chunk_bytes": 64, "interval_ms": 100})
    result, stats = read_views(sim, timeout=1)
    assert result.status == "ok" and stats["retry_reasons"].get("body_timeout") == 1


def test_malformed_json(sim):
    sim.add_fault({"type": "malformed_json", "path": "/views/*", "nth": 1})
    result, stats = read_views(sim)
    assert result.status == "ok" and stats["retry_reasons"] == {"bad_json": 1}
    sim.clear_faults()
    sim.add_fault({"type": "malformed_json", "path": "/views/*"})
    result, dummy = read_views(sim)
    assert result.status == "error" and "was not valid JSON (cut off after " in result.error["msg"]
    assert result.error["status"] == 200 and "/views/" in result.error["msg"]


def test_revoked_tokens_lead_to_one_relogin(sim):
    sim.add_fault({"type": "revoke_tokens", "path": "/views/*", "nth": 2})
    result, stats = read_views(sim)
    assert result.status == "ok" and len(result.data) == 329
    assert stats["relogins"] == 1


def test_early_token_expiry(sim):
    with VastSession(sim_params(sim, **FAST_FAULTS)) as session:
        sim.add_fault({"type": "expire_tokens", "seconds": 1})
        time.sleep(1.2)
        result = session.read_resource("views", page_size=100)
        stats = session.summary()
    assert result.status == "ok"
    assert stats["token_refreshes"] + stats["relogins"] >= 1


@pytest.mark.parametrize("mode", ["reset", "refuse"])
def test_short_outage_is_survived(sim, mode):
    with VastSession(sim_params(sim, retries=8, backoff=0.2, backoff_max=1.0)) as session:
        sim.add_fault({"type": "outage", "seconds": 1.5, "mode": mode, "count": 1})
        result = session.read_resource("views", page_size=100)
    assert result.status == "ok" and len(result.data) == 329


def test_outage_longer_than_the_patience_stops_reading(sim):
    """Once the cluster has not answered for retries x backoff_max seconds the session gives up: CircuitOpen (fatal
    for a collection), for every request, without hammering the cluster meanwhile."""
    session = VastSession(sim_params(sim, retries=2, backoff=0.1, backoff_max=0.5)).open()
    try:
        sim.add_fault({"type": "outage", "seconds": 30, "mode": "refuse", "count": 1})
        results = [session.read_resource(name) for name in ("views", "tenants", "quotas")]
        summary = session.summary()
    finally:
        session.close()
        sim.clear_faults()
        sim.end_outage()
    assert [r.status for r in results] == ["error"] * 3
    assert all(r.error["error"] == "CircuitOpen" for r in results)
    assert "gave up waiting" in results[0].error["msg"] and "retries x backoff_max = 1 s" in results[0].error["msg"]
    # a probe every 0.5 s at most while waiting; nothing else
    assert summary["outages"]["probes"] <= 6 and summary["requests"] <= 20, summary["requests_by_status"]


@pytest.mark.parametrize("mode", ["refuse", "reset"])
def test_a_cluster_down_from_the_start_fails_at_open_within_a_few_attempts(sim, mode):
    """Default retries and back-off: a host that does not answer while connecting fails after 3 attempts (about
    1.5 s of back-off), it is not waited for like an outage mid-run."""
    sim.start_outage(60, mode)
    try:
        session = VastSession(sim_params(sim, retries=5, backoff=0.5, backoff_max=30))
        with pytest.raises((ConnectionFailed, CircuitOpen)):
            session.open()
    finally:
        sim.end_outage()
    assert session.stats.requests <= 3 and session.stats.retries <= 2, session.stats.summary()
    assert "outages" not in session.stats.info or session.stats.info["outages"]["probes"] <= 1


def test_admission_limit_adapts_concurrency(sim_factory):
    # 20 ms per request: the five readers overlap even on a busy machine, so the limit of 2 is always hit
    sim = sim_factory(profile="small", max_concurrent=2, latency_ms=20)
    with VastSession(sim_params(sim, max_concurrency=8, retries=8)) as session:
        results = session.run_parallel(dict((n, lambda n=n: session.read_resource(n, page_size=50))
                                            for n in ("views", "viewpolicies", "quotas", "snapshots", "tenants")))
        stats = session.summary()
    assert all(ok and r.status == "ok" for ok, r in results.values())
    assert stats["concurrency"]["decreases"] >= 1 and stats["concurrency"]["lowest"] <= 4
    assert stats["requests_by_status"].get("429", 0) >= 1


def test_latency_fault_and_deadline(sim):
    """The deadline ends a read that would take far longer (66 pages of 0.6 s): DeadlineExceeded, a few pages in."""
    sim.add_fault({"type": "latency", "delay_ms": 600, "path": "/views/*"})
    with VastSession(sim_params(sim, deadline=2.5, retries=2, max_concurrency=1)) as session:
        sim.clear_log()
        result = session.read_resource("views", page_size=5)
    assert result.status == "error" and result.error["error"] == "DeadlineExceeded"
    assert "deadline" in result.error["msg"]
    assert len(view_requests(sim)) < 66


@pytest.mark.parametrize("auth", ["jwt", "basic"])
def test_plain_403_on_one_resource_is_a_permission_problem_not_a_credential_one(sim, auth):
    """A 403 whose body names no credential or token problem ({"detail": "Forbidden"}), for credentials that opened
    the session: that resource is unreadable (permission), the others are read; the run is not aborted (m11)."""
    sim.add_fault({"type": "status", "status": 403, "path": "/views/*"})
    with VastSession(sim_params(sim, auth_method=auth, **FAST_FAULTS)) as session:
        sim.clear_log()
        views = session.read_resource("views", page_size=100)
        tenants = session.read_resource("tenants")
        stats = session.summary()
    assert views.status == "error" and views.error["error"] == "PermissionDenied", views.error
    assert "Forbidden" in views.error["msg"]
    assert tenants.status == "ok" and tenants.data
    token_calls = [e for e in sim.request_log() if "/token/" in e["path"]]
    assert len(token_calls) <= 1 and stats["retries"] == 0       # at most one refresh, never a new login loop


def test_a_host_that_answered_gets_all_its_retries_for_dropped_connections_while_connecting(sim):
    """The 'fail fast while connecting' cap is for a host that does not answer; once it answered (the token POST),
    dropped connections on the clusters probe are retried like any other (m1)."""
    sim.add_fault({"type": "reset", "path": "/clusters/*", "count": 4})
    with VastSession(sim_params(sim, retries=5, backoff=0.01, backoff_max=0.05, timeout=2)) as session:
        assert session.api_version
        stats = session.summary()
    assert stats["retries"] >= 3, stats
