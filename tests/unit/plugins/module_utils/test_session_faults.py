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


def test_retry_after_is_honoured(sim):
    sim.add_fault({"type": "status", "status": 429, "retry_after": 1, "path": "/views/*", "nth": 1})
    started = time.time()
    result, stats = read_views(sim)
    assert result.status == "ok" and time.time() - started >= 1.0


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
    sim.add_fault({"type": "slow_body", "path": "/views/*", "nth": 1, "chunk_bytes": 64, "interval_ms": 100})
    started = time.time()
    result, stats = read_views(sim, timeout=1)
    assert result.status == "ok" and stats["retry_reasons"].get("body_timeout") == 1
    assert time.time() - started < 10


def test_malformed_json(sim):
    sim.add_fault({"type": "malformed_json", "path": "/views/*", "nth": 1})
    result, stats = read_views(sim)
    assert result.status == "ok" and stats["retry_reasons"] == {"bad_json": 1}
    sim.clear_faults()
    sim.add_fault({"type": "malformed_json", "path": "/views/*"})
    result, dummy = read_views(sim)
    assert result.status == "error" and "Malformed or truncated JSON" in result.error["msg"]
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


def test_long_outage_opens_the_circuit(sim):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.transport import CircuitBreaker
    breaker = CircuitBreaker(threshold=3, window=0.5, cooldown=30)
    session = VastSession(sim_params(sim, retries=10, backoff=0.1, backoff_max=0.3), breaker=breaker).open()
    try:
        sim.add_fault({"type": "outage", "seconds": 30, "mode": "refuse", "count": 1})
        started = time.time()
        results = [session.read_resource(name) for name in ("views", "tenants", "quotas")]
        assert time.time() - started < 10
    finally:
        session.close()
        sim.clear_faults()
    assert [r.status for r in results] == ["error"] * 3
    assert any(r.error["error"] == "CircuitOpen" and "looks down" in r.error["msg"] for r in results)


def test_admission_limit_adapts_concurrency(sim_factory):
    sim = sim_factory(profile="small", max_concurrent=2)
    with VastSession(sim_params(sim, max_concurrency=8, retries=8)) as session:
        results = session.run_parallel(dict((n, lambda n=n: session.read_resource(n, page_size=50))
                                            for n in ("views", "viewpolicies", "quotas", "snapshots", "tenants")))
        stats = session.summary()
    assert all(ok and r.status == "ok" for ok, r in results.values())
    assert stats["concurrency"]["decreases"] >= 1 and stats["concurrency"]["lowest"] <= 4
    assert stats["requests_by_status"].get("429", 0) >= 1


def test_latency_fault_and_deadline(sim):
    sim.add_fault({"type": "latency", "delay_ms": 600, "path": "/views/*"})
    with VastSession(sim_params(sim, deadline=2.5, retries=2)) as session:
        started = time.time()
        result = session.read_resource("views", page_size=5)
        assert time.time() - started < 4
    assert result.status == "error" and result.error["error"] == "DeadlineExceeded"
    assert "deadline" in result.error["msg"]
