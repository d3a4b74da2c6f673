"""Transport behaviour that needs a server the simulator is not: non-VMS hosts, dead ports, odd answers."""
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    ConnectionFailed, DeadlineExceeded, ProtocolError, ReadOnlyViolation, TlsError,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import ConnectionParams
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession
from ansible_collections.vastops.asbuilt.plugins.module_utils.stats import Stats
from ansible_collections.vastops.asbuilt.plugins.module_utils.resilience import backoff_delay, parse_retry_after
from ansible_collections.vastops.asbuilt.plugins.module_utils.transport import Transport

HTML = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
FAST_BACKOFF = 0.01   # conftest.FAST["backoff"]: the jitter added to a Retry-After


def _balanced(text):
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_closed_port_fails_fast_and_clearly(closed_port):
    """While connecting nothing waits for an outage: 3 attempts at most (2 retries), whatever retries says."""
    params = ConnectionParams.from_params({"host": "127.0.0.1:%d" % closed_port, "username": "admin",
                                           "password": "Closed-Port-pw", "backoff": 0.01, "retries": 5}, env={})
    session = VastSession(params)
    with pytest.raises(ConnectionFailed) as info:
        session.open()
    assert session.stats.requests <= 3 and session.stats.retry_reasons == {"connect": 2}
    message = str(info.value)
    assert "Could not connect to 127.0.0.1:%d: connection refused ([Errno 111] Connection refused)." % closed_port \
        in message and "Hint:" in message
    assert "NewConnectionError" not in message and _balanced(message), message
    assert "Closed-Port-pw" not in message


def test_name_resolution_failure_is_one_clean_line():
    """User test m2: 'NameResolutionError("HTTPSConnection(... ([Errno -2] ... (url: ...' - unbalanced wrapper text."""
    params = ConnectionParams.from_params({"host": "vms.invalid", "username": "admin", "password": "Dns-pw-123",
                                           "backoff": 0.01, "retries": 1, "timeout": 5}, env={})
    with pytest.raises(ConnectionFailed) as info:
        VastSession(params).open()
    message = info.value.msg
    assert message.startswith("Could not connect to vms.invalid: name resolution failed for vms.invalid: [Errno "), \
        message
    assert "HTTPSConnection" not in message and "Caused by" not in message and _balanced(str(info.value))


def test_a_web_server_that_is_not_a_vms_is_named_so(stub_server):
    """User test m2: a non-VMS HTTPS server answering 501 with HTML to /api/token/ was reported as "The cluster
    answered 501  for /api/token/ ... a VMS-side problem worth a support case"."""
    page = b"<!DOCTYPE HTML PUBLIC><html><head><title>Error response</title></head><body>501</body></html>"
    server = stub_server(lambda *a: (501, {"Content-Type": "text/html"}, page))
    with pytest.raises(ProtocolError) as info:
        VastSession(server.params()).open()
    message = str(info.value)
    assert "answered 501 Not Implemented for /api/token/ with an HTML page" in message, message
    assert "does not look like a VAST VMS" in message and "Check host and port" in message
    assert "support case" not in message and "  " not in message and info.value.status == 501


def test_a_web_server_refusing_the_login_with_html_is_not_a_vms(stub_server):
    server = stub_server(lambda *a: (401, {"Content-Type": "text/html"}, b"<html><body>Login required</body></html>"))
    with pytest.raises(ProtocolError) as info:
        VastSession(server.params()).open()
    assert "answered 401 for /api/token/ with an HTML page: this does not look like a VAST VMS" in str(info.value)


def test_a_vms_error_answer_keeps_the_support_hint_and_has_no_double_space(stub_server):
    def handler(method, path, headers, body):
        if path.startswith("/api/v7/views/"):
            return 500, {}, {"detail": "A server error occurred."}
        return _mini_vms(method, path, headers, body)
    server = stub_server(handler)
    with VastSession(server.params(retries=0)) as session:
        with pytest.raises(Exception) as info:
            session.get("views/")
    message = str(info.value)
    assert "The cluster answered 500 Internal Server Error for /api/v7/views/" in message
    assert "support case" in message and "  " not in message


class _Waits:
    """Stands in for the transport's stop event: records the back-off waits instead of sleeping."""

    def __init__(self):
        self.delays = []

    def wait(self, delay):
        self.delays.append(delay)

    def set(self):
        pass


def test_https_to_a_plain_http_port_is_a_tls_error(stub_server):
    server = stub_server(lambda *a: (200, {}, b"{}"))
    params = ConnectionParams.from_params({"host": server.host, "username": "u", "password": "pw-abcdef"}, env={})
    with pytest.raises(TlsError) as info:
        VastSession(params).open()
    assert "does not speak TLS" in str(info.value)


def test_html_everywhere_is_not_a_vms(stub_server):
    server = stub_server(lambda *a: (200, {"Content-Type": "text/html"}, HTML))
    with pytest.raises(ProtocolError) as info:
        VastSession(server.params(auth_method="basic")).open()
    message = str(info.value)
    assert "HTML page instead of JSON" in message and "status 200" in message and "/api/" in message
    assert "Hint:" in message


def test_404_everywhere_is_not_a_vms(stub_server):
    server = stub_server(lambda *a: (404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"))
    with pytest.raises(ProtocolError) as info:
        VastSession(server.params()).open()
    assert "does not look like a VAST VMS" in str(info.value)
    # JWT login tried both token paths, then Basic; probes were GETs only
    methods = set(m for m, p in server.requests)
    assert methods == {"GET", "POST"}
    assert [p for m, p in server.requests if m == "POST"] == ["/api/token/", "/api/v1/token/"]


def test_proxy_error_page_with_502_is_retried_then_reported(stub_server):
    server = stub_server(lambda *a: (502, {"Content-Type": "text/html"}, HTML))
    transport = Transport(server.params(retries=2), Stats())
    with pytest.raises(Exception) as info:
        transport.request("GET", "/api/v7/views/")
    assert "502" in str(info.value) and "3 attempt" in str(info.value)
    assert len(server.requests) == 3


def test_truncated_json_is_retried_then_protocol_error(stub_server):
    server = stub_server(lambda *a: (200, {}, b'[{"id": 1, "name": "vi'))
    stats = Stats()
    transport = Transport(server.params(retries=1), stats)
    with pytest.raises(ProtocolError) as info:
        transport.request("GET", "/api/v7/views/")
    assert "was not valid JSON (cut off after 22 bytes)" in str(info.value) and "/api/v7/views/" in str(info.value)
    assert '"vi' not in str(info.value) and info.value.details["excerpt"] == '[{"id": 1, "name": "vi'
    assert stats.retries == 1 and len(server.requests) == 2


def test_redirect_is_not_followed(stub_server):
    server = stub_server(lambda *a: (302, {"Location": "https://login.example.com/"}, b""))
    transport = Transport(server.params(), Stats())
    with pytest.raises(ProtocolError) as info:
        transport.request("GET", "/api/v7/views/")
    assert "redirected" in str(info.value) and len(server.requests) == 1


def test_read_only_enforced(stub_server):
    server = stub_server(lambda *a: (200, {}, b"{}"))
    transport = Transport(server.params(), Stats())
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(ReadOnlyViolation):
            transport.request(method, "/api/v7/views/1/")
    assert server.requests == []
    transport.request("PATCH", "/api/v7/apitokens/x/revoke", allow_write=True)
    transport.request("POST", "/api/token/", json_body={}, auth=False, token_call=True)
    assert server.requests == [("PATCH", "/api/v7/apitokens/x/revoke"), ("POST", "/api/token/")]


def test_retry_after_seconds_and_date():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_full_jitter_capped():
    import random
    rng = random.Random(1)
    delays = [backoff_delay(a, 0.5, 4.0, rng) for a in range(10) for dummy in range(50)]
    assert max(delays) <= 4.0 and min(delays) >= 0.0


def test_retry_after_is_honoured(stub_server):
    calls = []

    def handler(method, path, headers, body):
        calls.append(time.time())
        if len(calls) == 1:
            return 429, {"Retry-After": "1"}, {"detail": "slow down"}
        return 200, {}, []

    server = stub_server(handler)
    stats = Stats()
    transport = Transport(server.params(), stats)
    transport._stop = waits = _Waits()
    assert transport.request("GET", "/api/v7/views/").data == []
    assert len(calls) == 2 and stats.retry_reasons == {"status_429": 1}
    assert len(waits.delays) == 1 and 1.0 <= waits.delays[0] <= 1.0 + FAST_BACKOFF   # Retry-After, plus jitter


def test_deadline_stops_retries(stub_server):
    """A Retry-After past the deadline is not waited for: DeadlineExceeded at once, after one request."""
    server = stub_server(lambda *a: (503, {"Retry-After": "30"}, {"detail": "busy"}))
    transport = Transport(server.params(deadline=1, retries=10), Stats())
    transport._stop = waits = _Waits()
    with pytest.raises(DeadlineExceeded) as info:
        transport.request("GET", "/api/v7/views/")
    assert "would run out while waiting 30" in str(info.value)
    assert waits.delays == [] and len(server.requests) == 1


def test_next_link_host_is_rewritten(stub_server):
    def handler(method, path, headers, body):
        if "page=2" in path:
            return 200, {}, {"count": 2, "next": None, "results": [{"id": 2}]}
        return 200, {}, {"count": 2, "next": "https://10.99.99.99/api/v7/views/?page=2&page_size=1",
                         "results": [{"id": 1}]}

    server = stub_server(handler)
    transport = Transport(server.params(), Stats())
    assert transport.url_for("https://10.99.99.99/api/v7/views/?page=2").startswith("http://" + server.host)
    from ansible_collections.vastops.asbuilt.plugins.module_utils.paging import iter_records
    got = list(iter_records(lambda p, q: transport.request("GET", p, params=q).data, "/api/v7/views/",
                            page_size=1, parallel_pages=False))
    assert [r["id"] for r in got] == [1, 2]


def _mini_vms(method, path, headers, body):
    if path.startswith("/api/token/"):
        return 404, {}, {"detail": "Not found."}
    if path.startswith("/api/v7/clusters/") or path == "/api/clusters/":
        return 200, {}, [{"id": 1, "guid": "g", "name": "stub", "sw_version": "5.3.1.1.12345678901234567890"}]
    if path.startswith("/api/v7/"):
        return 200, {}, [{"id": 1}]
    return 404, {}, {"detail": "Not found."}


def test_circuit_breaker_gives_up_after_max_outage_then_fails_fast_until_the_cluster_is_back(stub_server):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import CircuitOpen
    from ansible_collections.vastops.asbuilt.plugins.module_utils.resilience import CircuitBreaker
    server = stub_server(_mini_vms)
    breaker = CircuitBreaker(threshold=3, cooldown=0.05, probe_max=0.1, max_outage=0.5)
    session = VastSession(server.params(retries=10, backoff=0.05, backoff_max=0.1), breaker=breaker).open()
    assert session.auth_method == "basic" and session.get("vms/") == [{"id": 1}]
    port = int(server.host.split(":")[1])
    server.stop()
    with pytest.raises(CircuitOpen) as info:       # held while probing, then gave up
        session.get("views/")
    assert "has not answered for" in str(info.value) and "gave up" in str(info.value)
    assert breaker.probes >= 1 and breaker.gave_up
    sent = session.stats.requests
    with pytest.raises(CircuitOpen):               # fails fast once it gave up (a probe at most)
        session.get("views/", {"x": 1})
    assert session.stats.requests - sent <= 1
    # the cluster comes back on the same port: the next due probe finds it and closes the breaker
    revived = _restart_on(port)
    try:
        for dummy in range(200):
            try:
                assert session.get("views/", {"y": 1}) == [{"id": 1}]
                break
            except CircuitOpen:
                time.sleep(0.05)
        assert not breaker.is_open and breaker.times_opened == 1
    finally:
        revived.shutdown()
        revived.server_close()
        session.close()


def test_requests_wait_for_a_cluster_that_comes_back(stub_server):
    """Hold mode (the session is open): a request whose own retries would run out waits for the probes to find
    the cluster again, and goes on."""
    import threading
    from ansible_collections.vastops.asbuilt.plugins.module_utils.resilience import CircuitBreaker
    server = stub_server(_mini_vms)
    breaker = CircuitBreaker(threshold=2, cooldown=0.05, probe_max=0.1, max_outage=60)
    session = VastSession(server.params(retries=1, backoff=0.01, backoff_max=0.05), breaker=breaker).open()
    port = int(server.host.split(":")[1])
    server.stop()
    revived = []
    reviver = threading.Timer(1.0, lambda: revived.append(_restart_on(port)))
    reviver.start()
    try:
        assert session.get("views/") == [{"id": 1}]      # retries=1: without waiting this would fail
        summary = session.summary()
        assert breaker.probe_failures >= 1 and summary["outages"]["times_opened"] == 1
        assert any("did not answer for about" in w for w in summary["warnings"])
    finally:
        reviver.join(10)
        for server in revived:
            server.shutdown()
            server.server_close()
        session.close()


def _restart_on(port):
    import json as _json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            status, dummy, payload = _mini_vms("GET", self.path, self.headers, b"")
            data = _json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
