"""Helpers for the session tests: simulator connection parameters and tiny local HTTP servers."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.options import ConnectionParams

FAST = {"backoff": 0.01, "backoff_max": 0.05, "timeout": 5, "retries": 3, "deadline": 120}


def sim_params(sim, user="admin", **overrides):
    """ConnectionParams for a simulator (TLS validated against its CA), with fast retries for tests."""
    values = {"host": sim.host, "username": user, "password": sim.users[user], "ca_path": sim.ca_path}
    if getattr(sim, "base_url", "").startswith("http://"):
        values["scheme"] = "http"
        values.pop("ca_path")
    values.update(FAST)
    values.update(overrides)
    values = dict((k, v) for k, v in values.items() if v is not None)
    return ConnectionParams.from_params(values, env={})


class StubServer:
    """A plain-HTTP server answering every request with ``handler(method, path, headers, body)``.

    The handler returns (status, headers dict, body bytes).  ``requests`` records (method, path).
    """

    def __init__(self, handler):
        self.handler = handler
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path))
                status, headers, payload = stub.handler(self.command, self.path, self.headers, body)
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload).encode()
                self.send_response(status)
                headers = dict(headers or {})
                headers.setdefault("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")  # stopping the server really stops it
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        self.host = "127.0.0.1:%d" % self.server.server_address[1]

    def params(self, **overrides):
        values = {"host": self.host, "username": "admin", "password": "Stub-Password-9", "scheme": "http"}
        values.update(FAST)
        values.update(overrides)
        return ConnectionParams.from_params(values, env={})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_server():
    servers = []

    def start(handler):
        server = StubServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def closed_port():
    """A local port nothing listens on (bound, then closed)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
