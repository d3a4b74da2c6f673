"""Transport: HTTP/1.1 keep-alive, correct Content-Length, 32 concurrent clients, HTTP/1.0, chunked bodies,
plain HTTP, malformed requests."""
import base64
import http.client
import socket
import ssl
import threading

import pytest

from simtest_util import session


def test_keep_alive_one_connection(vms_sim):
    http = session(vms_sim)
    for _ in range(50):
        r = http.get(vms_sim.base_url + "/api/v7/cnodes/", timeout=30)
        assert r.status_code == 200 and int(r.headers["Content-Length"]) == len(r.content)
        assert r.headers["Connection"] == "keep-alive"
    assert vms_sim.stats_dict()["connections"] == 1


def test_32_concurrent_clients_get_correct_answers(vms_sim):
    paths = ["/api/v7/cnodes/", "/api/v7/views/?page_size=25&page=%d", "/api/v7/vms/1/network_settings/",
             "/api/v7/events/?page_size=100&page=%d", "/api/v7/switches/1/"]
    expected = {}
    ref = session(vms_sim)
    vms_sim.reset_stats()
    for p in paths:
        for page in range(1, 6):
            path = p % page if "%d" in p else p
            expected[path] = ref.get(vms_sim.base_url + path, timeout=30).content
    reference = vms_sim.stats_dict()["requests"]
    errors = []
    barrier = threading.Barrier(32)

    def client(n):
        http = session(vms_sim)
        barrier.wait()
        for i in range(25):
            path = sorted(expected)[(n + i) % len(expected)]
            r = http.get(vms_sim.base_url + path, timeout=60)
            if r.status_code != 200 or r.content != expected[path]:
                errors.append((path, r.status_code))
    threads = [threading.Thread(target=client, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    stats = vms_sim.stats_dict()
    assert stats["requests"] == reference + 32 * 25 and stats["peak_in_flight"] > 1


def _raw_https(sim, payload):
    ctx = ssl.create_default_context(cafile=sim.ca_path)
    with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
            tls.sendall(payload)
            chunks = []
            while True:
                data = tls.recv(65536)
                if not data:
                    break
                chunks.append(data)
    return b"".join(chunks)


def test_http10_closes_and_malformed_requests(vms_sim):
    auth = base64.b64encode(("admin:%s" % vms_sim.users["admin"]).encode())
    out = _raw_https(vms_sim, b"GET /api/v7/vms/ HTTP/1.0\r\nAuthorization: Basic " + auth + b"\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200") and b"Connection: close" in out
    out = _raw_https(vms_sim, b"NONSENSE\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400") and b"application/json" in out


def test_chunked_request_body(vms_sim):
    ctx = ssl.create_default_context(cafile=vms_sim.ca_path)
    conn = http.client.HTTPSConnection("127.0.0.1", vms_sim.port, context=ctx, timeout=30)
    body = [b'{"path": "/chunked/one",', b' "policy_id": 1}']
    auth = base64.b64encode(("admin:%s" % vms_sim.users["admin"]).encode()).decode()
    conn.request("POST", "/api/v7/views/", body=iter(body), encode_chunked=True,
                 headers={"Authorization": "Basic " + auth, "Content-Type": "application/json",
                          "Transfer-Encoding": "chunked"})
    resp = conn.getresponse()
    assert resp.status == 201 and b"/chunked/one" in resp.read()
    conn.close()


def test_plain_http_switch(sim_factory):
    sim = sim_factory(profile="tiny", plain_http=True)
    assert sim.base_url.startswith("http://") and sim.ca_path is None
    r = session(sim).get(sim.base_url + "/api/v7/vms/", timeout=30)
    assert r.status_code == 200 and r.json()[0]["url"].startswith("http://")


def test_certificate_covers_extra_hosts(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", extra_hosts=["vms.example.test"], cert_dir=str(tmp_path))
    assert sim.ca_path == str(tmp_path / "ca.pem")
    ctx = ssl.create_default_context(cafile=sim.ca_path)
    for name in ("127.0.0.1", "localhost", "vms.example.test"):
        with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as sock:
            with ctx.wrap_socket(sock, server_hostname=name) as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as sock:
        with pytest.raises(ssl.SSLCertVerificationError):
            ctx.wrap_socket(sock, server_hostname="other.example.test")


def test_ipv6_listener(sim_factory):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        sim = sim_factory(profile="tiny", host="::1")
    except OSError:
        pytest.skip("IPv6 loopback not available")
    assert sim.base_url.startswith("https://[::1]:")
    assert session(sim).get(sim.base_url + "/api/v7/vms/", timeout=30).status_code == 200


def test_reads_racing_writes_end_consistent(vms_sim):
    stop = threading.Event()
    errors = []

    def reader():
        http = session(vms_sim)
        while not stop.is_set():
            for path in ("/api/v7/switches/", "/api/v7/switches/1/", "/api/v7/views/?page_size=20"):
                if http.get(vms_sim.base_url + path, timeout=30).status_code != 200:
                    errors.append(path)
    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    writer = session(vms_sim)
    for n in range(60):
        writer.patch(vms_sim.base_url + "/api/v7/switches/1/", json={"name": "sw-%d" % n}, timeout=30)
        vms_sim.mutate({"views": [{"match": {"id": 1}, "set": {"name": "v-%d" % n}}]})
    stop.set()
    for t in threads:
        t.join(60)
    assert errors == []
    http = session(vms_sim)
    assert http.get(vms_sim.base_url + "/api/v7/switches/1/", timeout=30).json()["name"] == "sw-59"
    assert http.get(vms_sim.base_url + "/api/v7/switches/", timeout=30).json()[0]["name"] == "sw-59"
    assert http.get(vms_sim.base_url + "/api/v7/views/", params={"page_size": 20},
                    timeout=30).json()["results"][0]["name"] == "v-59"


def test_command_stops_on_signals_that_arrive_together(tmp_path):
    """`python -m simulator` ends on Ctrl-C followed at once by a TERM (what a shell does on exit); its signal
    handler used to take the stop event's lock and deadlock on the second signal."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ready = tmp_path / "ready.json"
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--profile", "tiny",
                             "--ready-file", str(ready)], cwd=repo, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if ready.exists() and ready.stat().st_size:
                break
            assert proc.poll() is None, "the simulator exited before it was ready"
            time.sleep(0.05)
        assert json.loads(ready.read_text())["base_url"].startswith("https://")
        # a burst, so that some signal lands while the handler of an earlier one runs (the old deadlock's window)
        for i in range(2000):
            if proc.poll() is not None:
                break
            proc.send_signal(signal.SIGINT if i % 2 else signal.SIGTERM)
        assert proc.wait(timeout=30) in (0, 130)        # 130: the burst came while it was still starting
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
